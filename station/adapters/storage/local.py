"""Object store in a local or NAS folder; keys are ``<kind>/<sha[:2]>/<sha256><suffix>``.

Also an ``ObjectTarget`` (exists/upload) when a shared folder is the central store."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from station.adapters.files import atomic_write
from station.domain.errors import NotFoundError, ValidationError
from station.domain.storage import DiskFullError

_FULL = {errno.ENOSPC, errno.EDQUOT}


def key_for_digest(digest: str, kind: str, suffix: str) -> str:
    if not kind.replace("_", "").isalnum():
        raise ValidationError(f"invalid object kind {kind!r}")
    return f"{kind}/{digest[:2]}/{digest}{suffix.lower()}"


def content_key(data: bytes, kind: str, suffix: str) -> str:
    return key_for_digest(hashlib.sha256(data).hexdigest(), kind, suffix)


class LocalFolderStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValidationError(f"object key outside the store: {key!r}")
        return path

    def put_bytes(self, data: bytes, *, kind: str, suffix: str) -> str:
        key = content_key(data, kind, suffix)
        target = self._path(key)
        if target.exists():
            return key  # same content, same key: nothing to write
        try:
            atomic_write(target, data)  # a reader never sees half a file; a failed write leaves none
        except OSError as exc:
            if exc.errno in _FULL:
                raise DiskFullError(f"the disk is full: {key} could not be written to {self.root} "
                                    "(nothing of it was kept)") from None
            raise
        return key

    def put_file(self, path: Path, *, kind: str) -> str:
        return self.put_bytes(Path(path).read_bytes(), kind=kind, suffix=Path(path).suffix)

    def get_bytes(self, key: str) -> bytes:
        path = self._path(key)
        if not path.exists():
            raise NotFoundError(f"object {key} is not in {self.root}")
        return path.read_bytes()

    def local_path(self, key: str) -> Path | None:
        path = self._path(key)
        return path if path.exists() else None

    # ObjectTarget: a shared (NAS) folder is itself the central store --------------------------
    def exists(self, key: str) -> bool:
        return self._path(key).exists()

    def upload(self, key: str, path: Path) -> int:
        """Copies ``path`` under ``key`` (atomically); nothing to do when it is already there."""
        target = self._path(key)
        if Path(path).resolve() != target and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as out, Path(path).open("rb") as src:
                    shutil.copyfileobj(src, out, 1 << 20)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return target.stat().st_size
