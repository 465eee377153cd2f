"""PatchCore's computation, laid out like a model library: the model's protocol (``model``), the memory bank's
types (``bank``), building a bank (``bank_build``, with the index ``splits`` and the greedy ``coreset``),
nearest-neighbour search (``nearest``), score normalisation (``scoring``), the analysis of one image
(``analysis``), its judgement with thresholds (``judge``, with ``regions``) and the threshold maths
(``thresholds``).

``coreset`` and ``nearest`` run on torch and are not imported here: importing this package never loads
torch (a bank build loads it when it starts)."""

from station.pipeline.patchcore.analysis import Analysis, analyse, bank_preprocessing
from station.pipeline.patchcore.bank import (
    IMAGE_SCORES, MAP_SCORES, MemoryBank, PatchFeatures, RawScore, map_image_score,
)
from station.pipeline.patchcore.bank_build import AUGMENTATIONS, BankBuild, BuildOptions, build_memory_bank
from station.pipeline.patchcore.judge import Judgement, judge
from station.pipeline.patchcore.model import PatchModel
from station.pipeline.patchcore.regions import find_regions, location_label, threshold_mask
from station.pipeline.patchcore.scoring import (
    DEFAULT_REVIEW_THRESHOLD, Calibration, ScoreNormaliser, check_threshold,
)
from station.pipeline.patchcore.splits import (
    MIN_GOOD_IMAGES, VALIDATION_FIT_IMAGES, VALIDATION_HELD_OUT, calibration_split, held_out_split, spread,
    validation_split,
)
from station.pipeline.patchcore.thresholds import (
    Roc, auroc, auroc_labels, best_f1, f1_at, histogram, roc_curve, threshold_for_far,
)

__all__ = [
    "AUGMENTATIONS", "DEFAULT_REVIEW_THRESHOLD", "IMAGE_SCORES", "MAP_SCORES", "MIN_GOOD_IMAGES",
    "VALIDATION_FIT_IMAGES", "VALIDATION_HELD_OUT", "Analysis", "BankBuild", "BuildOptions", "Calibration",
    "Judgement", "MemoryBank", "PatchFeatures", "PatchModel", "RawScore", "Roc", "ScoreNormaliser", "analyse",
    "auroc", "auroc_labels", "bank_preprocessing", "best_f1", "build_memory_bank", "calibration_split",
    "check_threshold", "f1_at", "find_regions", "held_out_split", "histogram", "judge", "location_label",
    "map_image_score", "roc_curve", "spread", "threshold_for_far", "threshold_mask", "validation_split",
]
