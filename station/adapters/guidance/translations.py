"""Checked translations of manual lines kept in one JSON file in the station's home (a cache: deleting it
only means the lines are translated again). Written whole to a temporary file and renamed, so a crash or
a full disk never leaves half a file; an unreadable file is set aside and started afresh."""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class FileTranslationStore:
    """A :class:`station.services.guidance.ports.TranslationStore` in ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._entries: dict[str, dict[str, Any]] | None = None
        self._lock = threading.Lock()

    def _load(self) -> dict[str, dict[str, Any]]:
        if self._entries is None:
            self._entries = {}
            if self.path.is_file():
                try:
                    data = json.loads(self.path.read_text(encoding="utf-8"))
                    if not isinstance(data, dict):
                        raise ValueError("not a JSON object")
                    self._entries = {k: v for k, v in data.items() if isinstance(v, dict)}
                except (OSError, ValueError) as exc:
                    log.warning("translation cache %s unreadable, starting afresh: %s", self.path, exc)
                    try:
                        self.path.replace(self.path.with_suffix(".unreadable"))
                    except OSError:
                        pass
        return self._entries

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            return self._load().get(key)

    def put(self, entries: dict[str, dict[str, Any]]) -> None:
        with self._lock:
            data = self._load()
            data.update(entries)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text(json.dumps(data, ensure_ascii=False, indent=0), encoding="utf-8")
            os.replace(temporary, self.path)
