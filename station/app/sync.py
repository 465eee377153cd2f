"""Wires the sync service of this station: the gateway to the central database, and the files it takes
from the storage folder to the object target of :mod:`station.app.storage`."""

from __future__ import annotations

from station.adapters.db.database import Database
from station.adapters.storage.local import LocalFolderStore
from station.adapters.sync.credentials import central_url
from station.adapters.sync.gateway import SqlSyncGateway
from station.app.storage import build_disk_upkeep, build_object_target
from station.config import Settings
from station.services.shared.changes import ChangeNotifier
from station.services.records import DiskUpkeep, SyncService


def build_sync(settings: Settings, db: Database, changes: ChangeNotifier | None = None,
               upkeep: DiskUpkeep | None = None, **options: float) -> SyncService:
    """The sync service of this station (not started: the GUI and ``station serve`` call ``start()``); its
    thread also runs the disk upkeep (``upkeep``, built from the settings when not given)."""
    gateway = SqlSyncGateway(db, central_url(settings), settings.station_id)
    return SyncService(
        gateway, files_from=LocalFolderStore(settings.resolved_storage_dir),
        files_to=build_object_target(settings), changes=changes,
        upkeep=upkeep or build_disk_upkeep(settings, db), **options,  # type: ignore[arg-type]
    )
