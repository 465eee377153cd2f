"""Wires the sync service and the object storage from settings (used by ``context.py`` and the CLI).

``storage_backend = "local"``: files live in ``storage_dir`` (a local or NAS folder, shared by the
stations when it is a NAS); the sync marks each file stored once it is there. ``"s3"``: files are
written locally first (:class:`CachedObjectStore`) and uploaded to the bucket by the sync service.
"""

from __future__ import annotations

from station.adapters.db.database import Database
from station.adapters.storage.cached import CachedObjectStore
from station.adapters.storage.local import LocalFolderStore
from station.adapters.storage.s3 import S3ObjectStore
from station.adapters.sync.credentials import central_url, secret
from station.adapters.sync.gateway import SqlSyncGateway
from station.config import Settings
from station.domain.errors import ConfigurationError
from station.services.records.changes import ChangeNotifier
from station.services.shared.ports import ObjectStore
from station.services.records.ports import ObjectTarget
from station.services.records.sync import SyncService


def build_s3_store(settings: Settings) -> S3ObjectStore:
    if not settings.s3_bucket:
        raise ConfigurationError("storage_backend is 's3' but s3_bucket is not set (STATION_S3_BUCKET)")
    return S3ObjectStore(
        settings.s3_bucket, endpoint_url=settings.s3_endpoint_url, region=settings.s3_region,
        access_key_id=secret(settings, "s3_access_key_id"),
        secret_access_key=secret(settings, "s3_secret_access_key"),
    )


def build_object_store(settings: Settings) -> ObjectStore:
    local = LocalFolderStore(settings.resolved_storage_dir)
    if settings.storage_backend == "s3":
        return CachedObjectStore(local, build_s3_store(settings))
    return local


def build_object_target(settings: Settings) -> ObjectTarget:
    if settings.storage_backend == "s3":
        return build_s3_store(settings)
    return LocalFolderStore(settings.resolved_storage_dir)


def build_sync(settings: Settings, db: Database, changes: ChangeNotifier | None = None,
               **options: float) -> SyncService:
    """The sync service of this station (not started: the GUI calls ``start()``)."""
    gateway = SqlSyncGateway(db, central_url(settings), settings.station_id)
    return SyncService(
        gateway, files_from=LocalFolderStore(settings.resolved_storage_dir),
        files_to=build_object_target(settings), changes=changes, **options,  # type: ignore[arg-type]
    )
