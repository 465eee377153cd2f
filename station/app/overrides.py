"""Wires the verdict-override service (bench, ``station override``) to the station's store."""

from __future__ import annotations

from station.adapters.db.overrides_repo import SqlOverrideRepository
from station.app.station import AppContext
from station.services.records.overrides import OverrideService
from station.services.engine.threshold_history import HistoryCalibration


def build_overrides(ctx: AppContext) -> OverrideService:
    return OverrideService(SqlOverrideRepository(ctx.db), ctx.catalog)


def build_history_calibration(ctx: AppContext) -> HistoryCalibration:
    from station.adapters.db.audit_repo import SqlAuditTrail
    from station.app.bench import BankReviewThresholds

    return HistoryCalibration(SqlOverrideRepository(ctx.db), ctx.catalog, SqlAuditTrail(ctx.db),
                              BankReviewThresholds(ctx.engine))
