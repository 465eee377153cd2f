"""Wires the inspection engine: model files in the models directory, loaded backbones, and the use cases
(inspection, bank build, calibration, evaluation). Nothing heavy happens here: backbones and banks load on
first use (``InspectionService.warm_up`` loads them ahead of time)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from station.adapters.engine.bank_files import BankFiles
from station.adapters.engine.provider import MlModels
from station.config import Settings
from station.services.engine.calibration import CalibrationService
from station.services.engine.runtime import BankCache
from station.services.engine.evaluation import EvaluationService
from station.services.engine.inspection import InspectionService
from station.services.engine.build import ModelBuildService
from station.services.shared.ports import CatalogReader, DeploymentLog, ObjectStore
from station.services.engine.ports import InspectionRecorder


@dataclass
class EngineServices:
    models: MlModels
    files: BankFiles
    inspection: InspectionService  # call inspect()/reevaluate() from a worker thread
    builder: ModelBuildService  # build(product, progress=..., cancel=CancelToken())
    calibration: CalibrationService
    evaluation: EvaluationService


def build_engine(settings: Settings, catalog: CatalogReader, recorder: InspectionRecorder, storage: ObjectStore,
                 deployments: DeploymentLog, device: str | None = None) -> EngineServices:
    models = MlModels(settings.resolved_models_dir, device=device)
    files = BankFiles(settings.resolved_models_dir)
    cache = BankCache(files, models)
    inspection = InspectionService(catalog, recorder, storage, models, files, cache)
    return EngineServices(
        models=models, files=files, inspection=inspection,
        builder=ModelBuildService(catalog, storage, deployments, models, files, cache),
        calibration=CalibrationService(catalog, files, cache),
        evaluation=EvaluationService(models),
    )


def build_evaluation(models_dir: Path, device: str | None = None) -> EvaluationService:
    """``station evaluate`` needs no database: only the models directory."""
    return EvaluationService(MlModels(models_dir, device=device))
