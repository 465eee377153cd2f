"""Wires what the station does with its recorded inspections: corrective actions, the recurrence watch
(window from ``line.toml``), verdict overrides and the threshold proposals drawn from them, and the
supervisor's reports (with the centre's view across stations when a centre is configured)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from station.adapters.db.database import Database
from station.adapters.db.overrides_repo import SqlOverrideRepository
from station.adapters.db.recurrence_repo import SqlRecurrenceRepository
from station.adapters.db.reports_repo import SqlReportReader
from station.adapters.db.sync_actions_repo import SqlActionLog
from station.adapters.line.wiring_file import load_wiring, wiring_path
from station.app.central_reports import central_fleet
from station.config import Settings
from station.domain.errors import ConfigurationError
from station.domain.recurrence import RecurrenceWindow
from station.services.engine.ports import ReviewThresholdStore
from station.services.engine.threshold_history import HistoryCalibration
from station.services.records.actions import ActionService
from station.services.records.changes import ChangeNotifier
from station.services.records.overrides import OverrideService
from station.services.records.recurrence import RecurrenceWatch
from station.services.records.reports import ReportService
from station.services.shared.ports import AuditTrail, CatalogReader

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


def build_reports(settings: Settings, db: Database) -> ReportService:
    """The supervisor's reports on this station's store, and across stations through the centre."""
    return ReportService(SqlReportReader(db), fleet=central_fleet(settings))


def recurrence_window(settings: Settings) -> RecurrenceWindow:
    """The window of ``line.toml`` (``station serve`` reports a bad file itself; here it means the default)."""
    try:
        wiring = load_wiring(wiring_path(settings.home))
    except ConfigurationError as exc:
        log.warning("recurrence window: %s; the default applies", exc)
        return RecurrenceWindow()
    return RecurrenceWindow(wiring.recurrence_inspections, wiring.recurrence_hours)
