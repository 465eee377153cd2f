"""Wires what the station does with its recorded inspections: corrective actions, the recurrence watch
(window from ``line.toml``), the health alerts (the health watch's persistent sink), verdict overrides
and the threshold proposals drawn from them, and the
supervisor's reports and control charts, with the view across stations when a centre is configured: the centre's aggregates,
read through the station's own central login (no application user: the ``station_sync`` read policies),
opened on first use."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import date, datetime

from station.adapters.db.database import Database, open_database
from station.adapters.db.health_alerts_repo import SqlHealthAlertRepository
from station.adapters.db.overrides_repo import SqlOverrideRepository
from station.adapters.db.recurrence_repo import SqlRecurrenceRepository
from station.adapters.db.reports_repo import SqlReportReader
from station.adapters.db.spc_repo import SqlSpcReader
from station.adapters.db.review_repo import SqlReviewReader
from station.adapters.db.sync_actions_repo import SqlActionLog
from station.adapters.line.wiring_file import load_wiring, wiring_path
from station.adapters.sync.credentials import central_url
from station.config import Settings
from station.domain.errors import ConfigurationError
from station.domain.recurrence import RecurrenceWindow
from station.domain.reports import FleetRow
from station.domain.spc import HealthMark, ScoredPart, ShiftCount
from station.services.engine import HistoryCalibration, ReviewThresholdStore
from station.services.records import (
    ActionService,
    ControlCharts,
    HealthAlertService,
    InspectionReviewService,
    OverrideService,
    RecurrenceWatch,
    ReportService,
)
from station.services.shared.changes import ChangeNotifier
from station.services.shared.ports import AuditTrail, CatalogReader, ObjectStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecordsServices:
    actions: ActionService
    # checked by the bench workflow after every recorded FAIL (GUI, inspect, serve); window from line.toml
    recurrence: RecurrenceWatch
    overrides: OverrideService  # bench, ``station override``
    history_thresholds: HistoryCalibration  # threshold proposals from the overridden verdicts


def build_records(settings: Settings, db: Database, catalog: CatalogReader, audit: AuditTrail,
                  changes: ChangeNotifier, review_thresholds: ReviewThresholdStore) -> RecordsServices:
    overrides = SqlOverrideRepository(db)
    return RecordsServices(
        actions=ActionService(SqlActionLog(db), SqlReportReader(db), changes),
        recurrence=RecurrenceWatch(SqlRecurrenceRepository(db), recurrence_window(settings), changes),
        overrides=OverrideService(overrides, catalog),
        history_thresholds=HistoryCalibration(overrides, catalog, audit, review_thresholds),
    )


def build_health_alerts(settings: Settings, db: Database, changes: ChangeNotifier) -> HealthAlertService:
    """The health alerts on this station's store (pushed to the centre by the outbox); the health watch is
    given this service as its sink, the bench, the supervisor and ``station serve`` read it."""
    return HealthAlertService(SqlHealthAlertRepository(db, settings.station_id), changes)


class CentralFleet:
    """The centre's per-station aggregates and control-chart values for the supervisor's dashboard; the
    connection opens on first use."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._db: Database | None = None
        self._lock = threading.Lock()

    def _database(self) -> Database:
        with self._lock:
            if self._db is None:
                url = central_url(self._settings)
                assert url is not None  # built only when a centre is configured
                self._db = open_database(url)
            return self._db

    def fleet(self, since: date, station_id: str | None = None, product_code: str | None = None) -> list[FleetRow]:
        return SqlReportReader(self._database()).fleet(since, station_id=station_id, product_code=product_code)

    def scored_parts(self, product_code: str, since: datetime, end: datetime, limit: int,
                     station_id: str | None = None) -> list[ScoredPart]:
        return SqlSpcReader(self._database()).scored_parts(product_code, since, end, limit, station_id)

    def shift_counts(self, product_code: str, start: date, end: date,
                     station_id: str | None = None) -> list[ShiftCount]:
        return SqlSpcReader(self._database()).shift_counts(product_code, start, end, station_id)

    def station_shift_counts(self, product_code: str, start: date, end: date) -> dict[str, list[ShiftCount]]:
        return SqlSpcReader(self._database()).station_shift_counts(product_code, start, end)

    def health_marks(self, product_code: str, start: datetime, end: datetime,
                     station_id: str | None = None) -> list[HealthMark] | None:
        return SqlSpcReader(self._database()).health_marks(product_code, start, end, station_id)

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()


def build_reports(settings: Settings, db: Database) -> ReportService:
    """The supervisor's reports on this station's store, and across stations through the centre."""
    fleet = CentralFleet(settings) if settings.central_db_url else None
    local = SqlSpcReader(db)
    charts = ControlCharts(local, local, centre=fleet, centre_health=fleet)
    return ReportService(SqlReportReader(db), fleet=fleet, charts=charts)


def build_review(db: Database, storage: ObjectStore) -> InspectionReviewService:
    """The supervisor's review of one inspection: its records on this station's store, its pictures from the
    station's object storage (folder or S3)."""
    return InspectionReviewService(SqlReviewReader(db), storage)


def recurrence_window(settings: Settings) -> RecurrenceWindow:
    """The window of ``line.toml`` (``station serve`` reports a bad file itself; here it means the default)."""
    try:
        wiring = load_wiring(wiring_path(settings.home))
    except ConfigurationError as exc:
        log.warning("recurrence window: %s; the default applies", exc)
        return RecurrenceWindow()
    return RecurrenceWindow(wiring.recurrence_inspections, wiring.recurrence_hours)
