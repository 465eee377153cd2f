"""The station's local copies of object files for the disk upkeep: which ones the central store has
confirmed (``object_files``), which the library uses (``images`` of type normal/defect), their sizes in the
storage folder, the free space of the disks the station records to, and the last prune (``sync_state``).

Implements ``station.services.records.ports.LocalObjectFiles``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sqlalchemy import bindparam, func, select, text

from station.adapters.db.database import Database
from station.adapters.db.models import Image, ObjectFile
from station.adapters.sync.local_store import save_sync_state
from station.domain.errors import ValidationError
from station.domain.storage import LocalFile

PRUNE_STATE_KEYS = ("last_prune", "last_prune_files", "last_prune_bytes")


class LocalObjectFiles:
    def __init__(self, db: Database, root: Path, *, pruning_enabled: bool, pruning_note: str | None = None,
                 also_probe: tuple[Path, ...] = ()) -> None:
        self._db = db
        self.root = Path(root)
        self.pruning_enabled = pruning_enabled
        self.pruning_note = pruning_note
        self._probe = (self.root, *(Path(p) for p in also_probe))

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValidationError(f"object key outside the store: {key!r}")
        return path

    def disk_usage(self) -> list[tuple[str, int, int]]:
        out: list[tuple[str, int, int]] = []
        seen: set[int] = set()
        for path in self._probe:
            path.mkdir(parents=True, exist_ok=True)
            device = path.stat().st_dev
            if device in seen:
                continue  # the same disk: one probe
            seen.add(device)
            usage = shutil.disk_usage(path)
            out.append((str(path), usage.total, usage.free))
        return out

    def _library_keys(self):  # type: ignore[no-untyped-def]
        return select(Image.file_path).where(Image.image_type != "test", Image.file_path.is_not(None))

    def confirmed_files(self) -> list[LocalFile]:
        with self._db.session() as s:
            rows = s.execute(
                select(ObjectFile.object_key, ObjectFile.created_at)
                .where(ObjectFile.state == "stored", ObjectFile.object_key.not_in(self._library_keys()))
                .order_by(ObjectFile.created_at, ObjectFile.object_key)).all()
        out = []
        for key, created in rows:
            try:
                size = self._path(key).stat().st_size
            except (OSError, ValidationError):
                continue  # not here (pruned before, or never here)
            out.append(LocalFile(key, size, created))
        return out

    def local_totals(self) -> tuple[int, int]:
        files = size = 0
        for folder, _, names in os.walk(self.root):
            for name in names:
                if name.startswith(".tmp-") or name.startswith(".write-test-"):
                    continue
                try:
                    size += os.stat(os.path.join(folder, name)).st_size
                    files += 1
                except OSError:
                    continue
        return files, size

    def awaiting_sync(self) -> int:
        with self._db.session() as s:
            return int(s.scalar(select(func.count()).select_from(ObjectFile)
                                .where(ObjectFile.state == "pending")) or 0)

    def still_prunable(self, keys: list[str]) -> set[str]:
        if not keys:
            return set()
        out: set[str] = set()
        with self._db.session() as s:
            for start in range(0, len(keys), 500):
                part = keys[start:start + 500]
                out.update(s.scalars(
                    select(ObjectFile.object_key)
                    .where(ObjectFile.object_key.in_(part), ObjectFile.state == "stored",
                           ObjectFile.object_key.not_in(self._library_keys()))))
        return out

    def remove(self, key: str) -> int:
        path = self._path(key)
        try:
            size = path.stat().st_size
            path.unlink()
        except FileNotFoundError:
            return 0
        return size

    def load_prune_state(self) -> dict[str, str | None]:
        with self._db.session() as s:
            rows = dict(s.execute(text("SELECT state_key, state_value FROM sync_state WHERE state_key IN :k")
                                  .bindparams(bindparam("k", expanding=True)), {"k": list(PRUNE_STATE_KEYS)}).all())
        return {k: rows.get(k) for k in PRUNE_STATE_KEYS}

    def save_prune_state(self, values: dict[str, str | None]) -> None:
        save_sync_state(self._db, values)
