"""Wires the bench workflow (and the technician settings it judges with) from the app context: the one
object the GUI, ``station inspect`` and a headless station use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from station.adapters.camera.codes import read_serial
from station.adapters.camera.settings_file import JsonCameraSettings
from station.adapters.db.audit_repo import SqlAuditTrail
from station.services.bench.workflow import BenchWorkflow
from station.services.engine.settings import StationSettingsService

if TYPE_CHECKING:
    from station.app.station import AppContext
    from station.app.engine import EngineServices


class BankReviewThresholds:
    """The calibrated default review threshold in the memory bank's description (read-only)."""

    def __init__(self, engine: EngineServices) -> None:
        self._engine = engine

    def get(self, product_code: str) -> float | None:
        info = self._engine.inspection.bank_info(product_code)
        return None if info is None or info.get("review_threshold") is None else float(info["review_threshold"])


def build_station_settings(ctx: AppContext) -> StationSettingsService:
    """Camera, thresholds and preprocessing of the products, audited."""
    return StationSettingsService(JsonCameraSettings(ctx.settings.home / "camera.json"), ctx.catalog,
                                  SqlAuditTrail(ctx.db), BankReviewThresholds(ctx.engine))


def build_bench_workflow(ctx: AppContext) -> BenchWorkflow:
    return BenchWorkflow(ctx.engine.inspection, ctx.guidance, read_serial=read_serial,
                         thresholds=build_station_settings(ctx), changes=ctx.changes, recurrence=ctx.recurrence)
