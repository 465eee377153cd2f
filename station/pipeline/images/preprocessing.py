"""Preprocessing of an image before feature extraction, configured by ``model_configs.preprocessing``.

The JSON keys (all optional)::

    {"roi": [x, y, w, h],                  # crop, in pixels of the original image
     "grayscale": true,                    # drop colour (the network still gets 3 equal channels)
     "clahe": {"clip_limit": 2.0, "tile_grid": 8},   # or true for these defaults
     "equalize": true,                     # global histogram equalisation
     "contrast": {"alpha": 1.3, "beta": -20},        # linear gain and offset
     "resize": 256,                        # network input side (square), 64..1024
     "ignore": [[x, y, w, h], ...]}        # areas whose anomaly scores are ignored (original pixels)

Order: ROI crop, grayscale, CLAHE, equalisation, contrast, resize. ``ignore`` does not change the image: it
zeroes the anomaly map afterwards. What was applied is returned as a dict and recorded with each result
(``image_metadata.preprocessing_applied``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from station.domain.errors import ValidationError

DEFAULT_INPUT_SIZE = 256
KNOWN_KEYS = ("roi", "grayscale", "clahe", "equalize", "contrast", "resize", "ignore")


def _rect(value: Any, what: str) -> tuple[int, int, int, int]:
    if not isinstance(value, (list, tuple)) or len(value) != 4:
        raise ValidationError(f"preprocessing: {what} must be [x, y, width, height], got {value!r}")
    try:
        x, y, w, h = (int(v) for v in value)
    except (TypeError, ValueError):
        raise ValidationError(f"preprocessing: {what} must hold 4 integers, got {value!r}") from None
    if w <= 0 or h <= 0 or x < 0 or y < 0:
        raise ValidationError(f"preprocessing: {what} needs x, y >= 0 and a positive size, got {value!r}")
    return x, y, w, h


@dataclass(frozen=True)
class Preprocessing:
    """A parsed, validated preprocessing configuration (see the module docstring for the JSON)."""

    roi: tuple[int, int, int, int] | None = None
    grayscale: bool = False
    clahe: tuple[float, int] | None = None
    equalize: bool = False
    contrast: tuple[float, float] | None = None
    resize: int = DEFAULT_INPUT_SIZE
    ignore: tuple[tuple[int, int, int, int], ...] = field(default_factory=tuple)

    @classmethod
    def from_config(cls, config: dict[str, Any] | None) -> Preprocessing:
        config = dict(config or {})
        roi = _rect(config["roi"], "roi") if config.get("roi") is not None else None
        clahe_raw = config.get("clahe")
        clahe = None
        if clahe_raw:
            body = clahe_raw if isinstance(clahe_raw, dict) else {}
            clip, grid = float(body.get("clip_limit", 2.0)), int(body.get("tile_grid", 8))
            if not (0 < clip <= 40 and 1 <= grid <= 64):
                raise ValidationError("preprocessing: clahe needs 0 < clip_limit <= 40 and 1 <= tile_grid <= 64")
            clahe = (clip, grid)
        contrast = None
        if config.get("contrast"):
            body = config["contrast"]
            if not isinstance(body, dict):
                raise ValidationError("preprocessing: contrast must be {\"alpha\": gain, \"beta\": offset}")
            alpha, beta = float(body.get("alpha", 1.0)), float(body.get("beta", 0.0))
            if not (0 < alpha <= 10 and -255 <= beta <= 255):
                raise ValidationError("preprocessing: contrast needs 0 < alpha <= 10 and -255 <= beta <= 255")
            contrast = (alpha, beta)
        resize = config.get("resize", DEFAULT_INPUT_SIZE)
        if isinstance(resize, (list, tuple)):
            if len(resize) != 2 or int(resize[0]) != int(resize[1]):
                raise ValidationError("preprocessing: resize must be one side length (square input)")
            resize = resize[0]
        try:
            resize = int(resize)
        except (TypeError, ValueError):
            raise ValidationError(f"preprocessing: resize must be an integer, got {resize!r}") from None
        if not 64 <= resize <= 1024 or resize % 32:
            raise ValidationError("preprocessing: resize must be a multiple of 32 between 64 and 1024")
        ignore_raw = config.get("ignore") or []
        if not isinstance(ignore_raw, (list, tuple)):
            raise ValidationError("preprocessing: ignore must be a list of [x, y, width, height]")
        ignore = tuple(_rect(r, "ignore area") for r in ignore_raw)
        return cls(roi=roi, grayscale=bool(config.get("grayscale", False)), clahe=clahe,
                   equalize=bool(config.get("equalize", False)), contrast=contrast, resize=resize, ignore=ignore)

    def image_steps(self) -> dict[str, Any]:
        """The steps that change the image (a bank must be built and used with the same ones)."""
        steps: dict[str, Any] = {"resize": [self.resize, self.resize]}
        if self.roi:
            steps["roi"] = list(self.roi)
        if self.grayscale:
            steps["grayscale"] = True
        if self.clahe:
            steps["clahe"] = {"clip_limit": self.clahe[0], "tile_grid": self.clahe[1]}
        if self.equalize:
            steps["equalize"] = True
        if self.contrast:
            steps["contrast"] = {"alpha": self.contrast[0], "beta": self.contrast[1]}
        return steps

    def to_config(self) -> dict[str, Any]:
        data = self.image_steps()
        data["resize"] = self.resize
        if self.ignore:
            data["ignore"] = [list(r) for r in self.ignore]
        return data


@dataclass(frozen=True)
class Prepared:
    """The network input (``pixels``: uint8 BGR, ``resize`` x ``resize``), the ROI used (original pixels)
    and the record of what was applied."""

    pixels: np.ndarray
    roi: tuple[int, int, int, int]
    applied: dict[str, Any]


def clip_roi(roi: tuple[int, int, int, int] | None, width: int, height: int) -> tuple[int, int, int, int]:
    if roi is None:
        return 0, 0, width, height
    x, y, w, h = roi
    x0, y0 = min(x, width), min(y, height)
    x1, y1 = min(x + w, width), min(y + h, height)
    if x1 - x0 < 8 or y1 - y0 < 8:
        raise ValidationError(f"preprocessing: roi {list(roi)} lies outside the {width}x{height} image")
    return x0, y0, x1 - x0, y1 - y0


def prepare(image: np.ndarray, pre: Preprocessing) -> Prepared:
    """Applies the image steps of ``pre`` to a uint8 grey/BGR image."""
    height, width = image.shape[:2]
    roi = clip_roi(pre.roi, width, height)
    x, y, w, h = roi
    img = image[y:y + h, x:x + w]
    applied: dict[str, Any] = {"input_size": [width, height]}
    if roi != (0, 0, width, height):
        applied["roi"] = list(roi)
    gray = img if img.ndim == 2 else None
    if pre.grayscale and gray is None:
        gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
        applied["grayscale"] = True
    elif gray is not None:
        applied["grayscale"] = True
    work = gray if gray is not None else img
    if pre.clahe:
        clahe = cv2.createCLAHE(clipLimit=pre.clahe[0], tileGridSize=(pre.clahe[1], pre.clahe[1]))
        work = clahe.apply(work) if work.ndim == 2 else _per_luma(work, clahe.apply)
        applied["clahe"] = {"clip_limit": pre.clahe[0], "tile_grid": pre.clahe[1]}
    if pre.equalize:
        work = cv2.equalizeHist(work) if work.ndim == 2 else _per_luma(work, cv2.equalizeHist)
        applied["equalize"] = True
    if pre.contrast:
        work = cv2.convertScaleAbs(work, alpha=pre.contrast[0], beta=pre.contrast[1])
        applied["contrast"] = {"alpha": pre.contrast[0], "beta": pre.contrast[1]}
    interp = cv2.INTER_AREA if max(w, h) > pre.resize else cv2.INTER_LINEAR
    work = cv2.resize(work, (pre.resize, pre.resize), interpolation=interp)
    applied["resize"] = [pre.resize, pre.resize]
    if pre.ignore:
        applied["ignore"] = [list(r) for r in pre.ignore]
    if work.ndim == 2:
        work = cv2.cvtColor(work, cv2.COLOR_GRAY2BGR)
    return Prepared(pixels=np.ascontiguousarray(work), roi=roi, applied=applied)


def _per_luma(bgr: np.ndarray, op: Any) -> np.ndarray:
    ycc = cv2.cvtColor(bgr, cv2.COLOR_BGR2YCrCb)
    ycc[:, :, 0] = op(np.ascontiguousarray(ycc[:, :, 0]))
    return cv2.cvtColor(ycc, cv2.COLOR_YCrCb2BGR)


def to_full_frame(
    small_map: np.ndarray, roi: tuple[int, int, int, int], width: int, height: int,
    ignore: tuple[tuple[int, int, int, int], ...] = (),
) -> np.ndarray:
    """Maps a network-resolution anomaly map back onto the original image: resized into the ROI, zero
    outside it and inside the ignore areas."""
    x, y, w, h = roi
    full = np.zeros((height, width), dtype=np.float32)
    full[y:y + h, x:x + w] = cv2.resize(small_map.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    for ix, iy, iw, ih in ignore:
        full[iy:iy + ih, ix:ix + iw] = 0.0
    return full


def rgb_batch(images: Sequence[np.ndarray], size: int) -> np.ndarray:
    """Prepared uint8 BGR (or grey) images -> one (B, size, size, 3) uint8 RGB batch, the network's input
    before normalisation (an image of another size is resized to it)."""
    batch = np.empty((len(images), size, size, 3), dtype=np.uint8)
    for i, img in enumerate(images):
        if img.shape[:2] != (size, size):
            img = cv2.resize(img, (size, size), interpolation=cv2.INTER_AREA)
        batch[i] = cv2.cvtColor(img, cv2.COLOR_GRAY2RGB if img.ndim == 2 else cv2.COLOR_BGR2RGB)
    return batch
