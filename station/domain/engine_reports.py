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
    The suggestion is an UNCERTAIN band ``[suggested_review_threshold, suggested_image_threshold)`` of
    width :attr:`band_width`, never below ``min_band_width``: ``band_rule`` ``"gap"`` (good and defect
    scores apart: the band spans the gap between the good parts' ``1 - target_far`` quantile
    ``band_good_edge`` and the defects' ``1 - target_recall`` quantile ``band_defect_edge``), ``"overlap"``
    (the classes overlap: the band covers the overlap between the same quantiles) or ``"good_only"`` (no
    defects: between two high quantiles of the good scores); ``band_widened`` when it was widened to the
    minimum. ``f1_threshold`` is reported for reference.
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
    band_rule: str = "good_only"
    band_widened: bool = False
    min_band_width: float = 0.0
    band_good_edge: float | None = None
    band_defect_edge: float | None = None
    target_recall: float | None = None
    applied: bool = False
    view_code: str | None = None  # the product's view calibrated (its bank, its thresholds); None: the product's own

    @property
    def band_width(self) -> float:
        """Width of the suggested UNCERTAIN band (FAIL threshold minus review threshold)."""
        return self.suggested_image_threshold - self.suggested_review_threshold

    def to_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["roc"] = None if self.roc is None else dict(self.roc.__dict__)
        data["band_width"] = self.band_width
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
    runtime: str = "torch"  # what inspected the test images: "onnxruntime" (exported, parity passed) or torch
    runtime_parity: float | None = None  # largest |difference| of normalised image scores vs torch; None for torch
    runtime_reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["augment"] = list(self.augment)
        return out
