"""Builds the station once from settings: its local store, storage and sync, and every service the front
ends (the CLI commands, the GUI, a headless line station) share, each built exactly once by the wiring
function of its feature. The inspection engine and the bench workflow on it are built on first use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from station.adapters.db.audit_repo import SqlAuditTrail
from station.adapters.db.false_alarms_repo import SqlFalseAlarms
from station.adapters.db.catalog_repo import SqlCatalogRepository
from station.adapters.db.database import Database, open_database
from station.adapters.db.deployments_repo import SqlDeploymentLog
from station.adapters.db.inspections_repo import SqlInspectionRecorder
from station.adapters.sync.recovery import check_local_store
from station.app.admin import build_users
from station.app.bench import build_bench_workflow, build_station_settings
from station.app.engine import BankReviewThresholds, EngineServices, build_engine
from station.app.guidance import build_guidance
from station.app.lazy import Lazy
from station.app.records import build_health_alerts, build_records
from station.app.storage import build_disk_upkeep, build_object_store
from station.app.sync import build_sync
from station.config import Settings, load_settings
from station.services.admin import UserService
from station.services.bench import BenchWorkflow
from station.services.engine import HistoryCalibration, StationSettingsService
from station.services.guidance import GuidanceService, ManualService
from station.services.records import (
    ActionService,
    DiskUpkeep,
    HealthAlertService,
    OverrideService,
    RecurrenceWatch,
    SyncService,
)
from station.services.shared.changes import ChangeNotifier
from station.services.shared.ports import ObjectStore


@dataclass(frozen=True)
class Station:
    """The station's shared services, each built once by :func:`build_station`."""

    settings: Settings
    db: Database
    storage: ObjectStore
    changes: ChangeNotifier  # inspections, actions, synced rows, thresholds, catalogue, model status
    catalog: SqlCatalogRepository
    deployments: SqlDeploymentLog
    audit: SqlAuditTrail
    recorder: SqlInspectionRecorder
    users: UserService
    manuals: ManualService  # manual ingestion (station manuals ingest, admin screens)
    guidance: GuidanceService  # manual excerpts and guides for an inspection (call from a worker thread)
    sync: SyncService  # not started here: the GUI calls sync.start(); `station sync run` runs one pass
    # the station's disk: disk.status() (free space, watermark, recording_paused, prunable files), disk.prune()
    disk: DiskUpkeep
    actions: ActionService
    # checked by the bench workflow after every recorded FAIL (GUI, inspect, serve); window from line.toml
    recurrence: RecurrenceWatch
    # camera/process health alerts: stored by the health watch, shown on the bench and the supervisor's queue,
    # published on the line's alert topic, acknowledged by a supervisor
    health_alerts: HealthAlertService
    overrides: OverrideService
    history_thresholds: HistoryCalibration
    station_settings: StationSettingsService  # camera, thresholds, preprocessing: the bench's and the GUI's
    _engine: Lazy[EngineServices] = field(repr=False)
    _bench: Lazy[BenchWorkflow] = field(repr=False)

    @property
    def engine(self) -> EngineServices:
        """Inspection, bank build, calibration, onboarding. Built on first use: commands that never inspect
        (db, users, sync, manuals) never build it, nor load the ML stack."""
        return self._engine.get()

    @property
    def bench(self) -> BenchWorkflow:
        """The bench workflow (serial -> inspect -> excerpts -> guide -> save) the GUI, ``station inspect``
        and a headless station share; built with the engine on first use."""
        return self._bench.get()

    def close(self) -> None:
        self.sync.stop()
        self.db.dispose()


def with_alert_sink(build: Callable[[], EngineServices], alerts: HealthAlertService) -> EngineServices:
    """The engine from ``build`` with its health watch's alerts going to ``alerts`` (stored, pushed, shown on
    the bench and the supervisor's queue, published on the line)."""
    engine = build()
    if engine.health is not None:
        engine.health.connect(alerts)
    return engine


def open_local_store(settings: Settings) -> Database:
    """The station's local store, checked first (a damaged SQLite file stops with the recovery path),
    created or upgraded to the current schema."""
    if not settings.local_db_url:
        check_local_store(settings.local_db_path)
    return open_database(settings.resolved_local_db_url, upgrade=True)


def build_station(settings: Settings | None = None) -> Station:
    """Opens (creating/upgrading) the local store and wires everything the station needs."""
    settings = settings or load_settings()
    settings.ensure_dirs()
    db = open_local_store(settings)
    storage = build_object_store(settings)
    changes = ChangeNotifier()
    catalog, deployments, audit = SqlCatalogRepository(db), SqlDeploymentLog(db), SqlAuditTrail(db)
    disk = build_disk_upkeep(settings, db)
    sync = build_sync(settings, db, changes=changes, upkeep=disk)
    # a recorded inspection wakes the sync thread (when it runs): no wait for the next periodic pass
    recorder = SqlInspectionRecorder(db, settings.station_id, on_recorded=sync.trigger)
    health_alerts = build_health_alerts(settings, db, changes)
    engine = Lazy(partial(build_engine, settings, catalog, recorder, storage, deployments, space=disk, audit=audit,
                          alarms=SqlFalseAlarms(db)))
    engine = Lazy(partial(with_alert_sink, engine.get, health_alerts))  # built on first use, its alerts kept
    review_thresholds = BankReviewThresholds(engine)
    records = build_records(settings, db, catalog, audit, changes, review_thresholds)
    guidance = build_guidance(settings, db, catalog, storage, deployments)
    station_settings = build_station_settings(settings, catalog, audit, review_thresholds)
    bench = Lazy(lambda: build_bench_workflow(engine.get(), guidance.guidance, station_settings, changes,
                                              records.recurrence))
    return Station(
        settings=settings, db=db, storage=storage, changes=changes, catalog=catalog, deployments=deployments,
        audit=audit, recorder=recorder, users=build_users(db), manuals=guidance.manuals, guidance=guidance.guidance,
        sync=sync, disk=disk, actions=records.actions, recurrence=records.recurrence, health_alerts=health_alerts,
        overrides=records.overrides, history_thresholds=records.history_thresholds, station_settings=station_settings,
        _engine=engine, _bench=bench,
    )
