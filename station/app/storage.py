"""Wires the object storage from settings.

``storage_backend = "local"``: files live in ``storage_dir`` (a local or NAS folder, shared by the
stations when it is a NAS); the sync marks each file stored once it is there. ``"s3"``: files are
written locally first (:class:`CachedObjectStore`) and uploaded to the bucket by the sync service.
The disk upkeep (retention and the free-space watermark) prunes local copies only in ``s3`` mode: a
``local`` storage folder is the object store itself.
"""

from __future__ import annotations

from station.adapters.storage.cached import CachedObjectStore
from station.adapters.storage.local import LocalFolderStore
from station.adapters.storage.s3 import S3ObjectStore
from station.adapters.db.database import Database
from station.adapters.sync.credentials import secret
from station.adapters.sync.local_files import LocalObjectFiles
from station.config import Settings
from station.domain.errors import ConfigurationError
from station.domain.storage import GB, RetentionPolicy
from station.services.records import DiskUpkeep, ObjectTarget
from station.services.shared.ports import ObjectStore


def build_s3_store(settings: Settings) -> S3ObjectStore:
    if not settings.s3_bucket:
        raise ConfigurationError("storage_backend is 's3' but s3_bucket is not set (STATION_S3_BUCKET)")
    return S3ObjectStore(
        settings.s3_bucket, endpoint_url=settings.s3_endpoint_url, region=settings.s3_region,
        access_key_id=secret(settings, "s3_access_key_id"),
        secret_access_key=secret(settings, "s3_secret_access_key"),
    )


def build_object_store(settings: Settings) -> ObjectStore:
    """Where the station reads and writes its files: the local/NAS folder, or (``s3``) local-first with
    upload to the bucket."""
    local = LocalFolderStore(settings.resolved_storage_dir)
    if settings.storage_backend == "s3":
        return CachedObjectStore(local, build_s3_store(settings))
    return local


def build_object_target(settings: Settings) -> ObjectTarget:
    """Where the sync service puts the station's files: the bucket (``s3``), else the storage folder."""
    if settings.storage_backend == "s3":
        return build_s3_store(settings)
    return LocalFolderStore(settings.resolved_storage_dir)


LOCAL_FOLDER_NOTE = ("nothing is pruned: the storage folder is the object store itself "
                     "(storage_backend = \"local\"); only files a central object store holds are pruned")


def retention_policy(settings: Settings) -> RetentionPolicy:
    return RetentionPolicy(keep_days=settings.retention_days, max_bytes=int(settings.retention_max_gb * GB),
                           min_free_bytes=int(settings.min_free_gb * GB), min_free_percent=settings.min_free_percent)


def build_disk_upkeep(settings: Settings, db: Database, **options: float) -> DiskUpkeep:
    """Retention of the local copies and the free-space watermark of the storage folder and STATION_HOME."""
    central = settings.storage_backend == "s3"
    files = LocalObjectFiles(db, settings.resolved_storage_dir, pruning_enabled=central,
                             pruning_note=None if central else LOCAL_FOLDER_NOTE, also_probe=(settings.home,))
    return DiskUpkeep(files, retention_policy(settings), **options)  # type: ignore[arg-type]
