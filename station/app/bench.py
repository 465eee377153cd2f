"""Wires the bench: the workflow the GUI, ``station inspect`` and a headless station share (serial ->
inspect -> excerpts -> guide -> save), and the technician settings it judges with (camera, thresholds,
preprocessing of the products, audited), which the GUI edits."""

from __future__ import annotations

from station.adapters.camera.codes import read_serial
from station.adapters.camera.settings_file import JsonCameraSettings
from station.app.engine import EngineServices
from station.config import Settings
from station.services.bench import BenchWorkflow
from station.services.engine import ReviewThresholdStore, StationSettingsService
from station.services.guidance import GuidanceService
from station.services.shared.changes import ChangeNotifier
from station.services.records import RecurrenceWatch
from station.services.shared.ports import AuditTrail, CatalogReader


def build_station_settings(settings: Settings, catalog: CatalogReader, audit: AuditTrail,
                           review_thresholds: ReviewThresholdStore) -> StationSettingsService:
    return StationSettingsService(JsonCameraSettings(settings.home / "camera.json"), catalog, audit,
                                  review_thresholds)


def build_bench_workflow(engine: EngineServices, guidance: GuidanceService, station_settings: StationSettingsService,
                         changes: ChangeNotifier, recurrence: RecurrenceWatch) -> BenchWorkflow:
    return BenchWorkflow(engine.inspection, guidance, read_serial=read_serial, thresholds=station_settings,
                         changes=changes, recurrence=recurrence)
