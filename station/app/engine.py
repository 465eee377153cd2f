"""Wires the inspection engine: model files in the models directory, loaded backbones, the use cases
(inspection, bank build, calibration, evaluation, few-shot onboarding) and the camera/process health watch
every recorded inspection goes through (baselines from the bank sets' ``health`` files). Nothing heavy
happens here: backbones and banks load on first use (``InspectionService.warm_up`` loads them ahead of time)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from station.adapters.db.catalog_repo import SqlCatalogRepository
from station.adapters.db.false_alarms_repo import SqlFalseAlarms
from station.adapters.engine.bank_files import BankFiles
from station.adapters.engine.health_files import HealthFiles
from station.adapters.engine.provider import MlModels
from station.app.lazy import Lazy
from station.config import Settings
from station.domain.model_update import UpdatePolicy
from station.services.engine import BankCache, CalibrationService, EvaluationService, InspectionRecorder, InspectionService, ModelBuildService, ModelUpdateService, OnboardingService, RecordingSpace
from station.services.health import HealthWatch, LibraryGoodImages
from station.services.shared.ports import AuditTrail, DeploymentLog, ObjectStore


@dataclass(frozen=True)
class EngineServices:
    models: MlModels
    files: BankFiles
    inspection: InspectionService  # call inspect()/reevaluate() from a worker thread
    builder: ModelBuildService  # build(product, progress=..., cancel=CancelToken())
    calibration: CalibrationService
    evaluation: EvaluationService
    onboarding: OnboardingService  # a new product from camera frames: library, bank, calibration
    updates: ModelUpdateService | None = None  # learning approved false alarms, rollback (needs the audit trail)
    health: HealthWatch | None = None  # the inspection's health watch; connect(sink) routes its alerts


def build_engine(settings: Settings, catalog: SqlCatalogRepository, recorder: InspectionRecorder,
                 storage: ObjectStore, deployments: DeploymentLog, device: str | None = None,
                 space: RecordingSpace | None = None, audit: AuditTrail | None = None,
                 alarms: SqlFalseAlarms | None = None) -> EngineServices:
    models = MlModels(settings.resolved_models_dir, device=device)
    files = BankFiles(settings.resolved_models_dir)
    cache = BankCache(files, models)
    builder = ModelBuildService(catalog, storage, deployments, models, files, cache)
    health = HealthWatch(HealthFiles(files), goods=LibraryGoodImages(catalog, storage),
                         station_code=settings.station_id)
    updates = None
    if audit is not None and alarms is not None:
        policy = UpdatePolicy(max_miss_increase_pp=settings.update_max_miss_increase,
                              coverage_factor=settings.update_coverage_factor)
        updates = ModelUpdateService(catalog, storage, deployments, files, files, cache, alarms, audit, policy)
    return EngineServices(
        models=models, files=files, builder=builder,
        inspection=InspectionService(catalog, recorder, storage, models, files, cache, space=space, health=health),
        calibration=CalibrationService(catalog, files, cache, audit),
        evaluation=EvaluationService(models),
        onboarding=OnboardingService(catalog, catalog, storage, builder, models.default_backbone, updates),
        updates=updates, health=health,
    )


def build_evaluation(models_dir: Path, device: str | None = None) -> EvaluationService:
    """``station evaluate`` needs no database: only the models directory."""
    return EvaluationService(MlModels(models_dir, device=device))


class BankReviewThresholds:
    """The calibrated default review threshold in the memory bank's description (read-only); the engine is
    built when a threshold is first read."""

    def __init__(self, engine: Lazy[EngineServices]) -> None:
        self._engine = engine

    def get(self, product_code: str) -> float | None:
        info = self._engine.get().inspection.bank_info(product_code)
        return None if info is None or info.get("review_threshold") is None else float(info["review_threshold"])
