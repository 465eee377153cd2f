"""Camera settings and live state: what a capture source is, how it is validated, what the GUI shows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from station.domain.errors import ValidationError

URL_RE = re.compile(r"^(rtsp|rtsps|http|https)://\S+$", re.IGNORECASE)


class SourceKind(StrEnum):
    DEVICE = "device"
    FILE = "file"
    URL = "url"
    FOLDER = "folder"


class CameraState(StrEnum):
    STOPPED = "stopped"
    CONNECTING = "connecting"
    LIVE = "live"
    RECONNECTING = "reconnecting"


@dataclass(frozen=True)
class CameraSpec:
    """Where frames come from and how to capture them.

    ``source`` is a device index (``"0"``), a video file, an ``rtsp://``/``http(s)://`` URL or a folder
    of images replayed in name order. ``width``/``height``/``exposure`` are requested from devices
    (``None`` keeps the camera's own); ``fps`` paces file and folder replay; replay loops when ``loop``.
    """

    source: str = "0"
    width: int | None = None
    height: int | None = None
    exposure: float | None = None
    fps: float = 15.0
    loop: bool = True
    still_frames: int = 8
    still_tolerance: float = 2.0

    @property
    def replay_dwell(self) -> int:
        """Frames a folder replay shows each picture: a replayed picture is a part that stays in view,
        still long enough for the auto-trigger (``still_frames``) with two frames to spare."""
        return self.still_frames + 2

    @property
    def kind(self) -> SourceKind:
        text = self.source.strip()
        if text.isdigit():
            return SourceKind.DEVICE
        if URL_RE.match(text):
            return SourceKind.URL
        if Path(text).expanduser().is_dir():
            return SourceKind.FOLDER
        return SourceKind.FILE

    def validated(self) -> CameraSpec:
        """This spec when every value is in range, else a :class:`ValidationError` naming the field."""
        text = self.source.strip()
        if not text:
            raise ValidationError("camera source is empty: give a device index, file, URL or folder")
        if text.isdigit() and int(text) > 63:
            raise ValidationError(f"camera device index must be 0-63, got {text}")
        if not text.isdigit() and not URL_RE.match(text) and "://" in text:
            raise ValidationError(f"camera URL must start with rtsp://, http:// or https://: {text}")
        if not text.isdigit() and not URL_RE.match(text) and not Path(text).expanduser().exists():
            raise ValidationError(f"camera source not found: {text}")
        for name, low, high in (("width", 16, 8192), ("height", 16, 8192)):
            value = getattr(self, name)
            if value is not None and not low <= value <= high:
                raise ValidationError(f"camera {name} must be between {low} and {high} px, got {value}")
        if self.exposure is not None and not -13.0 <= self.exposure <= 10000.0:
            raise ValidationError(f"camera exposure must be between -13 and 10000, got {self.exposure}")
        if not 0.5 <= self.fps <= 120.0:
            raise ValidationError(f"camera fps must be between 0.5 and 120, got {self.fps}")
        if not 2 <= self.still_frames <= 300:
            raise ValidationError(f"auto-trigger still frames must be between 2 and 300, got {self.still_frames}")
        if not 0.1 <= self.still_tolerance <= 50.0:
            raise ValidationError(f"stillness tolerance must be between 0.1 and 50, got {self.still_tolerance}")
        return replace(self, source=text)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "width": self.width, "height": self.height, "exposure": self.exposure,
                "fps": self.fps, "loop": self.loop, "still_frames": self.still_frames,
                "still_tolerance": self.still_tolerance}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CameraSpec:
        known = {k: data[k] for k in cls().to_dict() if k in data}
        if "source" in known:
            known["source"] = str(known["source"])
        return cls(**known)


@dataclass(frozen=True)
class CameraStatus:
    """What the status bar shows: state, measured frames per second, a message, reconnect attempts."""

    state: CameraState = CameraState.STOPPED
    fps: float = 0.0
    message: str = ""
    attempts: int = 0
    source: str = ""
    frame_size: tuple[int, int] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Frame:
    """One captured frame: ``image`` is an H×W×3 uint8 BGR array; ``still_count`` counts the preceding
    frames (this one included) that differ from their predecessor by less than the stillness tolerance."""

    image: Any
    seq: int
    timestamp: float
    still_count: int = 0
