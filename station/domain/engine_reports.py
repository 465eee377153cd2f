"""Reports of the engine's measuring use cases: threshold calibration (``station calibrate``, the technician's
calibration screen) and data-set evaluation (``station evaluate``). Plain data, safe to hand to the GUI thread."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RocCurve:
    fpr: tuple[float, ...]
    tpr: tuple[float, ...]
    thresholds: tuple[float, ...]


@dataclass(frozen=True)
class CalibrationReport:
    """Threshold calibration as data a GUI can plot (all scores on the normalised [0, 1] scale).

    ``auroc``, ``roc``, ``f1_threshold`` and ``f1`` are ``None`` without defect images. ``far_threshold``
    is the lowest threshold whose false-alarm rate on the good images is at most ``target_far``.
    ``suggested_image_threshold`` is the F1-optimal threshold when defects are given, else
    ``far_threshold``; ``suggested_review_threshold`` opens the UNCERTAIN band below it.
    ``histogram_edges`` with ``good_histogram``/``defect_histogram`` are ready for a bar plot.
    """

    product_code: str
    n_good: int
    n_defect: int
    good_scores: tuple[float, ...]
    defect_scores: tuple[float, ...]
    auroc: float | None
    roc: RocCurve | None
    f1_threshold: float | None
    f1: float | None
    target_far: float
    far_threshold: float
    suggested_image_threshold: float
    suggested_review_threshold: float
    current_image_threshold: float
    current_review_threshold: float
    histogram_edges: tuple[float, ...]
    good_histogram: tuple[int, ...]
    defect_histogram: tuple[int, ...]
    applied: bool = False

    def to_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["roc"] = None if self.roc is None else dict(self.roc.__dict__)
        return data


@dataclass(frozen=True)
class EvaluationReport:
    """``station evaluate``: train on ``train/good``, score ``test/*`` of an MVTec-layout folder."""

    dataset: str
    image_auroc: float
    pixel_auroc: float | None
    f1: float
    threshold: float
    latency_ms_p50: float
    latency_ms_p95: float
    n_train: int
    n_test: int
    backbone: str
    device: str
    degraded: bool
    coreset_size: int
    build_seconds: float
    input_size: int = 256
    augment: tuple[str, ...] = ()
    image_score: str = "reweighted"
    selection: dict[str, Any] | None = None  # self-configuration on train/good only (None: --backbone given)
    selection_seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["augment"] = list(self.augment)
        return out
