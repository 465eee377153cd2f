"""Frame sources behind one small interface: OpenCV ``VideoCapture`` (device, file, URL) and folder replay.

``read()`` returns the next BGR frame, or ``None`` when the source is lost (device unplugged, stream
dropped, folder gone); the capture worker then reconnects by opening the source again.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from station.domain.camera import CameraSpec, SourceKind
from station.pipeline.images.datasets import IMAGE_SUFFIXES, folder_images

# A missing camera is retried every few seconds and shown in the status bar; OpenCV's own warning per
# attempt would only flood the console.
if hasattr(cv2, "utils") and hasattr(cv2.utils, "logging"):
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)


class SourceUnavailable(Exception):
    """The source cannot be opened now (it may come back: the worker retries)."""


class FrameSource(Protocol):
    def read(self) -> np.ndarray | None: ...

    def release(self) -> None: ...


def _as_bgr(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return image


class _Pacer:
    """Sleeps so that replayed media runs at ``fps`` instead of as fast as the disk allows."""

    def __init__(self, fps: float) -> None:
        self._period = 1.0 / max(fps, 0.1)
        self._next = time.monotonic()

    def wait(self) -> None:
        now = time.monotonic()
        if self._next > now:
            time.sleep(self._next - now)
        self._next = max(self._next + self._period, time.monotonic() - self._period)


class FolderReplaySource:
    """The images of a folder in name order, looping; a folder that vanishes or empties is a lost source.

    Each picture is one part: it is delivered ``spec.replay_dwell`` times in a row at ``fps`` (a part in
    view for a while, as under a real camera), so the stillness auto-trigger sees it settle and fires
    once per part (a picture shown for a single frame would differ from every frame around it, and the
    trigger could never fire). Each delivery is a copy: a reader may draw on its frame."""

    def __init__(self, spec: CameraSpec) -> None:
        self._folder = Path(spec.source).expanduser()
        self._loop = spec.loop
        self._pacer = _Pacer(spec.fps)
        self._dwell = spec.replay_dwell
        self._shown = 0
        self._current: np.ndarray | None = None
        self._index = 0
        self._files = self._list()
        if not self._files:
            raise SourceUnavailable(f"no images in folder {self._folder}")

    def _list(self) -> list[Path]:
        if not self._folder.is_dir():
            return []
        return folder_images(self._folder)

    def read(self) -> np.ndarray | None:
        self._pacer.wait()
        if self._current is not None and self._shown < self._dwell:
            if not self._folder.is_dir():
                return None
            self._shown += 1
            return self._current.copy()
        self._current = self._next_picture()
        self._shown = 1
        return None if self._current is None else self._current.copy()

    def _next_picture(self) -> np.ndarray | None:
        for _ in range(len(self._files) + 1):
            if self._index >= len(self._files):
                if not self._loop:
                    return None
                self._index = 0
                self._files = self._list()
                if not self._files:
                    return None
            path = self._files[self._index]
            self._index += 1
            image = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if image is not None:
                return _as_bgr(image)
            if not self._folder.is_dir():
                return None
        return None

    def release(self) -> None:
        self._files = []
        self._current = None


class VideoCaptureSource:
    """A camera device, a video file (looping, paced at its own or the configured fps) or a stream URL."""

    def __init__(self, spec: CameraSpec) -> None:
        kind = spec.kind
        target: int | str = int(spec.source) if kind is SourceKind.DEVICE else spec.source
        self._capture = cv2.VideoCapture(target)
        if not self._capture.isOpened():
            self._capture.release()
            raise SourceUnavailable(f"cannot open camera source {spec.source}")
        self._is_file = kind is SourceKind.FILE
        self._loop = spec.loop
        if kind is SourceKind.DEVICE or kind is SourceKind.URL:
            self._capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # newest frame, not a queue of old ones
        if spec.width:
            self._capture.set(cv2.CAP_PROP_FRAME_WIDTH, spec.width)
        if spec.height:
            self._capture.set(cv2.CAP_PROP_FRAME_HEIGHT, spec.height)
        if spec.exposure is not None:
            self._capture.set(cv2.CAP_PROP_AUTO_EXPOSURE, 0.25)
            self._capture.set(cv2.CAP_PROP_EXPOSURE, spec.exposure)
        file_fps = self._capture.get(cv2.CAP_PROP_FPS) if self._is_file else 0.0
        self._pacer = _Pacer(file_fps if 0 < file_fps <= 120 else spec.fps) if self._is_file else None

    def read(self) -> np.ndarray | None:
        if self._pacer is not None:
            self._pacer.wait()
        ok, frame = self._capture.read()
        if not ok and self._is_file and self._loop:
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, frame = self._capture.read()
        if not ok or frame is None:
            return None
        return _as_bgr(frame)

    def release(self) -> None:
        self._capture.release()


def open_source(spec: CameraSpec) -> FrameSource:
    """Opens ``spec``; raises :class:`SourceUnavailable` when it cannot be opened right now."""
    if spec.kind is SourceKind.FOLDER:
        return FolderReplaySource(spec)
    if spec.kind is SourceKind.FILE and Path(spec.source).expanduser().suffix.lower() in IMAGE_SUFFIXES:
        raise SourceUnavailable(f"{spec.source} is a single image: use its folder for replay")
    if spec.kind is SourceKind.FILE and not Path(spec.source).expanduser().exists():
        raise SourceUnavailable(f"camera source not found: {spec.source}")
    return VideoCaptureSource(spec)
