"""The station's camera settings as a small JSON file in STATION_HOME (no secrets in it)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from station.domain.camera import CameraSpec


class JsonCameraSettings:
    def __init__(self, path: Path) -> None:
        self._path = path

    def load(self) -> CameraSpec:
        if not self._path.exists():
            return CameraSpec()
        try:
            return CameraSpec.from_dict(json.loads(self._path.read_text(encoding="utf-8")))
        except (ValueError, TypeError):
            return CameraSpec()

    def save(self, spec: CameraSpec) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._path.with_suffix(".tmp")
        tmp.write_text(json.dumps(spec.to_dict(), indent=2), encoding="utf-8")
        os.replace(tmp, self._path)
