"""The inspection engine's use cases (Qt-free; the computation itself is ``station.pipeline``): inspecting a
part, building a product's bank and retrieval index, the self-configuration that chooses its configuration,
threshold calibration and proposals from history, the readable change log, data-set evaluation, the product's library images and
few-shot onboarding, learning approved false alarms into a bank (with its validation and rollback), and the cache of
loaded banks they share. Their ports are in ``ports``."""

from station.services.engine.bank_update import UPDATE_ROLES, ModelUpdateService
from station.services.engine.build import ModelBuildService
from station.services.engine.calibration import CalibrationService, suggest_band, suggest_thresholds
from station.services.engine.change_log import ChangeLogEntry, FieldChange, describe_all
from station.services.engine.evaluation import EvaluationService
from station.services.engine.inspection import InspectionService
from station.services.engine.onboarding import MIN_GOOD, OnboardingReport, OnboardingService
from station.services.engine.reference_cache import ReferenceImages
from station.services.engine.references import LIBRARY_KIND, add_demo_images, import_file, import_reference_images, store_image
from station.services.engine.runtime import (
    BANK_FILE, INDEX_FILE, BankCache, BankNotBuiltError, CannotBuildHereError, LoadedProduct, require_builder,
)
from station.services.engine.candidates import Candidate, candidate_sizes
from station.services.engine.selection import Selection, select_configuration
from station.services.engine.validation import CandidateScore
from station.services.engine.settings import StationSettingsService, Thresholds, validate_thresholds
from station.services.engine.threshold_history import (
    MIN_LABELLED_DEFECT, MIN_LABELLED_GOOD, HistoryCalibration, ThresholdProposal, enough_outcomes, shortfall,
)
from station.pipeline.patchcore.bank_build import BuildOptions
from station.services.engine.ports import InspectionRecorder, RecordingSpace, ReviewThresholdStore

__all__ = [
    "add_demo_images",
    "BANK_FILE",
    "BankCache",
    "BankNotBuiltError",
    "BuildOptions",
    "CalibrationService",
    "CannotBuildHereError",
    "Candidate",
    "candidate_sizes",
    "CandidateScore",
    "ChangeLogEntry",
    "describe_all",
    "enough_outcomes",
    "EvaluationService",
    "FieldChange",
    "HistoryCalibration",
    "import_file",
    "import_reference_images",
    "INDEX_FILE",
    "InspectionRecorder",
    "RecordingSpace",
    "InspectionService",
    "LIBRARY_KIND",
    "LoadedProduct",
    "MIN_GOOD",
    "MIN_LABELLED_DEFECT",
    "MIN_LABELLED_GOOD",
    "ModelBuildService",
    "ModelUpdateService",
    "OnboardingReport",
    "OnboardingService",
    "ReferenceImages",
    "require_builder",
    "ReviewThresholdStore",
    "select_configuration",
    "shortfall",
    "Selection",
    "StationSettingsService",
    "store_image",
    "suggest_band",
    "suggest_thresholds",
    "ThresholdProposal",
    "Thresholds",
    "UPDATE_ROLES",
    "validate_thresholds",
]
