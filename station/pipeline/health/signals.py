"""The image signals of one inspected frame: brightness, contrast, focus and the part's offset against the
product's reference good image.

Every signal is measured on the grey image. Brightness and contrast are the mean and the standard deviation
of the grey levels of the whole frame (0..255). Focus is the variance of the Laplacian of the grey image
downscaled to :data:`WORK_SIZE` x :data:`WORK_SIZE` (INTER_AREA), so that the number does not depend on the
camera's resolution. The offset is found by phase correlation (``cv2.phaseCorrelate``) of the same
downscaled grey image against the reference's, both under a Hanning window, and is returned in pixels of
the original frame: + right, + down (the part sits that far right/below where it sat in the reference).
A few milliseconds per frame of 300 to 1024 pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

WORK_SIZE = 256  # side of the downscaled grey image focus and registration are measured on


@dataclass(frozen=True)
class RegistrationReference:
    """The reference good image prepared for phase correlation: the downscaled grey image (float32, no
    window yet) and the size of the frame it came from."""

    small: np.ndarray  # float32 WORK_SIZE x WORK_SIZE grey
    height: int
    width: int

    @classmethod
    def of(cls, image: np.ndarray) -> RegistrationReference:
        grey = to_grey(image)
        return cls(small=_small(grey), height=int(grey.shape[0]), width=int(grey.shape[1]))

    def to_array(self) -> np.ndarray:
        """The downscaled grey image as uint8 (what is stored with the product's model files)."""
        return np.clip(np.rint(self.small), 0, 255).astype(np.uint8)

    @classmethod
    def from_array(cls, small: np.ndarray, height: int, width: int) -> RegistrationReference:
        return cls(small=np.asarray(small, dtype=np.float32), height=int(height), width=int(width))


@dataclass(frozen=True)
class FrameSignals:
    """What one frame measured. ``offset_x``/``offset_y`` are None without a reference or when the phase
    correlation found no clear peak (``registration_response`` below the caller's minimum is the caller's
    call: it is returned as measured)."""

    brightness: float
    contrast: float
    focus: float
    offset_x: float | None = None
    offset_y: float | None = None
    registration_response: float = 0.0


def to_grey(image: np.ndarray) -> np.ndarray:
    """uint8 grey of a grey, BGR or BGRA frame."""
    image = np.asarray(image)
    if image.ndim == 2:
        grey = image
    elif image.shape[2] == 4:
        grey = cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    elif image.shape[2] == 3:
        grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    else:
        grey = image[..., 0]
    if grey.dtype != np.uint8:
        grey = np.clip(grey, 0, 255).astype(np.uint8)
    return grey


def _small(grey: np.ndarray) -> np.ndarray:
    return cv2.resize(grey, (WORK_SIZE, WORK_SIZE), interpolation=cv2.INTER_AREA).astype(np.float32)


_WINDOW = cv2.createHanningWindow((WORK_SIZE, WORK_SIZE), cv2.CV_32F)


def focus_of(small: np.ndarray) -> float:
    """Variance of the Laplacian of the downscaled grey image (sharper: larger)."""
    return float(cv2.Laplacian(small, cv2.CV_32F, ksize=3).var())


def offset_of(small: np.ndarray, reference: RegistrationReference, height: int,
              width: int) -> tuple[float, float, float]:
    """(dx, dy, response): the shift of the downscaled frame against the reference, in pixels of the original
    frame (+ right, + down), and the height of the correlation peak (0..1; near 0: no clear match)."""
    a = reference.small - float(reference.small.mean())
    b = small - float(small.mean())
    (dx, dy), response = cv2.phaseCorrelate(a, b, _WINDOW)
    return float(dx) * width / WORK_SIZE, float(dy) * height / WORK_SIZE, float(response)


def measure(frame: np.ndarray, reference: RegistrationReference | None = None) -> FrameSignals:
    """All image signals of ``frame`` (uint8 grey/BGR/BGRA, any size)."""
    grey = to_grey(frame)
    mean, std = cv2.meanStdDev(grey)
    small = _small(grey)
    focus = focus_of(small)
    if reference is None:
        return FrameSignals(float(mean[0, 0]), float(std[0, 0]), focus)
    dx, dy, response = offset_of(small, reference, grey.shape[0], grey.shape[1])
    return FrameSignals(float(mean[0, 0]), float(std[0, 0]), focus, dx, dy, response)
