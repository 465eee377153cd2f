"""Frames for few-shot onboarding (``station onboard``): distinct frames from the camera, spaced in time.
The onboarding itself is the engine's (``EngineServices.onboarding``)."""

from __future__ import annotations

import time
from typing import Any

from station.adapters.camera.worker import make_capture_worker
from station.domain.camera import CameraSpec
from station.domain.errors import StationError


def capture_frames(source: str, count: int, interval: float, timeout: float = 120.0) -> list[Any]:
    """``count`` frames from the camera, each a new frame taken at least ``interval`` seconds apart."""
    camera = make_capture_worker(CameraSpec(source=source).validated())
    camera.start()
    frames: list[Any] = []
    last_seq, last_at = -1, 0.0
    deadline = time.monotonic() + timeout
    try:
        while len(frames) < count:
            if time.monotonic() > deadline:
                raise StationError(f"the camera gave {len(frames)} of {count} frames in {timeout:.0f} s")
            frame = camera.latest()
            now = time.monotonic()
            if frame is not None and frame.seq != last_seq and now - last_at >= interval:
                frames.append(frame.image.copy())
                last_seq, last_at = frame.seq, now
            time.sleep(0.01)
    finally:
        camera.stop()
    return frames
