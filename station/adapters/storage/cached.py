"""Local-first object store: files are written to the station's folder, read from it first.

``put_*`` never touches the network, so recording an inspection never waits for the central
store; the sync service uploads the pending files later (``object_files``). A key that is not
here (a manual uploaded at the centre, a file of another station) is fetched from the remote
store once and kept in the local folder. The disk upkeep prunes local copies the centre holds; reading
one of those fetches it back the same way.
"""

from __future__ import annotations

from pathlib import Path

from station.adapters.files import replacing
from station.adapters.storage.local import LocalFolderStore
from station.adapters.storage.s3 import S3ObjectStore
from station.domain.errors import NotFoundError, StationError
from station.domain.storage import NotKeptLocallyError
from station.domain.sync import ObjectStoreUnavailableError


class CachedObjectStore:
    def __init__(self, local: LocalFolderStore, remote: S3ObjectStore) -> None:
        self.local = local
        self.remote = remote

    def put_bytes(self, data: bytes, *, kind: str, suffix: str) -> str:
        return self.local.put_bytes(data, kind=kind, suffix=suffix)

    def put_file(self, path: Path, *, kind: str) -> str:
        return self.local.put_file(path, kind=kind)

    def _fetch(self, key: str) -> Path:
        target = self.local._path(key)  # validates the key
        with replacing(target) as tmp:
            self.remote.download(key, tmp)
        return target

    def get_bytes(self, key: str) -> bytes:
        """The local copy, or the central one (kept locally again); a file no longer here (pruned once the
        centre held it) while the object store cannot be reached is one :class:`NotKeptLocallyError`."""
        path = self.local.local_path(key)
        if path is not None:
            return path.read_bytes()
        try:
            return self._fetch(key).read_bytes()
        except ObjectStoreUnavailableError as exc:
            raise NotKeptLocallyError(f"image pruned locally; at the centre, which cannot be reached now "
                                      f"({key})") from exc

    def local_path(self, key: str) -> Path | None:
        """The local copy, fetched from the remote store when needed; None when it has none either."""
        path = self.local.local_path(key)
        if path is not None:
            return path
        try:
            return self._fetch(key)
        except NotFoundError:
            return None
        except StationError:
            return None
