"""Builds the station's object graph from settings: databases, repositories, storage, services."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from station.adapters.db.catalog_repo import SqlCatalogRepository
from station.adapters.db.database import Database, open_database
from station.adapters.db.deployments_repo import SqlDeploymentLog
from station.adapters.db.inspections_repo import SqlInspectionRecorder
from station.adapters.db.recurrence_repo import SqlRecurrenceRepository
from station.adapters.db.reports_repo import SqlReportReader
from station.adapters.db.sync_actions_repo import SqlActionLog
from station.adapters.db.users_repo import SqlUserRepository
from station.adapters.sync.recovery import check_local_store
from station.app.sync import build_object_store, build_sync
from station.app.guidance import build_guidance
from station.config import Settings, load_settings
from station.domain.errors import ConfigurationError
from station.domain.recurrence import RecurrenceWindow
from station.services.guidance import GuidanceService, ManualService
from station.services.records.actions import ActionService
from station.services.records.changes import ChangeNotifier
from station.services.shared.ports import ObjectStore
from station.services.records.recurrence import RecurrenceWatch
from station.services.records.sync import SyncService
from station.services.admin.users import UserService

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from station.app.engine import EngineServices
    from station.services.bench.workflow import BenchWorkflow


@dataclass
class AppContext:
    settings: Settings
    db: Database
    catalog: SqlCatalogRepository
    recorder: SqlInspectionRecorder
    deployments: SqlDeploymentLog
    users: UserService
    storage: ObjectStore
    manuals: ManualService  # manual ingestion (station manuals ingest, admin screens)
    guidance: GuidanceService  # manual excerpts and guides for an inspection (call from a worker thread)
    sync: SyncService  # not started here: the GUI calls sync.start(); `station sync run` runs one pass
    actions: ActionService
    changes: ChangeNotifier = field(default_factory=ChangeNotifier)  # inspections, actions, synced rows
    # checked by the bench workflow after every recorded FAIL (GUI, inspect, serve); window from line.toml
    recurrence: RecurrenceWatch | None = None
    _engine: EngineServices | None = field(default=None, repr=False)
    _bench: BenchWorkflow | None = field(default=None, repr=False)

    @property
    def engine(self) -> EngineServices:
        """Inspection, bank build, calibration. Built on first use: importing the ML stack takes seconds,
        which commands that never inspect (db, users, sync, manuals) should not pay."""
        if self._engine is None:
            from station.app.engine import build_engine

            self._engine = build_engine(self.settings, self.catalog, self.recorder, self.storage, self.deployments)
        return self._engine

    @engine.setter
    def engine(self, value: EngineServices) -> None:
        self._engine = value

    @property
    def bench(self) -> BenchWorkflow:
        """The bench workflow (serial -> inspect -> excerpts -> guide -> save) the GUI, ``station inspect``
        and a headless station share; built with the engine on first use."""
        if self._bench is None:
            from station.app.bench import build_bench_workflow

            self._bench = build_bench_workflow(self)
        return self._bench

    def close(self) -> None:
        self.sync.stop()
        self.db.dispose()


def build_storage(settings: Settings) -> ObjectStore:
    """The local/NAS folder, or (``storage_backend = "s3"``) local-first with upload to the bucket."""
    return build_object_store(settings)


def build_context(settings: Settings | None = None) -> AppContext:
    """Opens (creating/upgrading) the local store and wires everything the station needs."""
    settings = settings or load_settings()
    settings.ensure_dirs()
    if not settings.local_db_url:
        check_local_store(settings.local_db_path)  # a damaged store stops here, with the recovery path
    db = open_database(settings.resolved_local_db_url, upgrade=True)
    catalog, storage, deployments = SqlCatalogRepository(db), build_storage(settings), SqlDeploymentLog(db)
    guidance = build_guidance(settings, db, catalog, storage, deployments)
    changes = ChangeNotifier()
    sync = build_sync(settings, db, changes=changes)
    return AppContext(
        settings=settings,
        db=db,
        catalog=catalog,
        # a recorded inspection wakes the sync thread (when it runs): no wait for the next periodic pass
        recorder=SqlInspectionRecorder(db, settings.station_id, on_recorded=sync.trigger),
        deployments=deployments,
        users=UserService(SqlUserRepository(db)),
        storage=storage,
        manuals=guidance.manuals,
        guidance=guidance.guidance,
        sync=sync,
        actions=ActionService(SqlActionLog(db), SqlReportReader(db), changes),
        changes=changes,
        recurrence=RecurrenceWatch(SqlRecurrenceRepository(db), _recurrence_window(settings), changes),
    )


def _recurrence_window(settings: Settings) -> RecurrenceWindow:
    """The window of ``line.toml`` (``station serve`` reports a bad file itself; here it means the default)."""
    from station.adapters.line.wiring_file import load_wiring, wiring_path

    try:
        wiring = load_wiring(wiring_path(settings.home))
    except ConfigurationError as exc:
        log.warning("recurrence window: %s; the default applies", exc)
        return RecurrenceWindow()
    return RecurrenceWindow(wiring.recurrence_inspections, wiring.recurrence_hours)
