"""What the inspection engine hands to its callers (CLI, GUI): outcomes, build reports, progress reports and
cancellation (calibration and evaluation reports: ``station.domain.engine_reports``).

Everything here is plain data (numpy arrays for images and maps), safe to pass from a worker thread to
the GUI thread. Scores are normalised to [0, 1] by the calibration of the product's memory bank (the
statistics of its good images), never by the image's own maximum: a good part stays cool on the heatmap.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from station.domain.enums import Verdict
from station.domain.errors import StationError
from station.domain.health import HealthAlert


class CancelledError(StationError):
    """The person cancelled a long-running job (a bank build); nothing half-built was kept."""


class CancelToken:
    """Thread-safe cancellation flag: the GUI calls :meth:`cancel`, the worker polls :meth:`raise_if_cancelled`."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise CancelledError("cancelled")

    def is_set(self) -> bool:
        """``threading.Event``-style check, for producers that poll a cancel event (the guide's LLM)."""
        return self._event.is_set()


@dataclass(frozen=True)
class Progress:
    """One progress report of a long job.

    ``stage`` is a stable machine name (``"load"``, ``"features"``, ``"coreset"``, ``"calibrate"``,
    ``"index"``, ``"save"``, ``"inspect"``...), ``done``/``total`` count work items of that stage
    (``total`` 0 when unknown) and ``message`` is a short human-readable line.
    """

    stage: str
    done: int
    total: int
    message: str = ""

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0


ProgressCallback = Callable[[Progress], None]


def no_progress(_report: Progress) -> None:
    """The progress callback of a caller that does not follow the progress: every report is dropped."""
    return None


@dataclass(frozen=True)
class Region:
    """One connected anomalous region of the mask (pixel coordinates of the original image).

    ``bbox`` is ``(x, y, width, height)``; ``area_px`` and ``area_pct`` (of the whole image) measure the
    region; ``centroid`` is ``(x, y)``; ``location`` is a coarse label for people: ``"center"``, ``"edge"``
    or a quadrant ``"top-left"``, ``"top-right"``, ``"bottom-left"``, ``"bottom-right"``; ``max_score``
    and ``mean_score`` are normalised anomaly-map values inside the region.
    """

    bbox: tuple[int, int, int, int]
    area_px: int
    area_pct: float
    centroid: tuple[float, float]
    location: str
    max_score: float
    mean_score: float

    def to_json(self) -> dict[str, Any]:
        """The ``detected_regions`` JSON element stored in ``inspection_results``."""
        x, y, w, h = self.bbox
        return {
            "bbox": {"x": x, "y": y, "width": w, "height": h},
            "area_px": self.area_px,
            "area_pct": round(self.area_pct, 4),
            "centroid": {"x": round(self.centroid[0], 2), "y": round(self.centroid[1], 2)},
            "location": self.location,
            "max_score": round(self.max_score, 4),
            "mean_score": round(self.mean_score, 4),
        }


@dataclass(frozen=True)
class Neighbour:
    """A labelled defect image that voted for the defect type (``similarity`` in [0, 1])."""

    image_id: int
    defect_type_id: int | None
    defect_code: str | None
    similarity: float


@dataclass(frozen=True)
class DefectPrediction:
    """Defect type by k-NN vote over the product's labelled defect images.

    ``defect_code`` is ``None`` and ``unknown`` is true when no labelled defect is similar enough
    (below the index's unknown threshold) or when the product has no labelled defect images.
    ``confidence`` in [0, 1] is the similarity-weighted share of the winning type among the neighbours,
    scaled by how far the best match clears the unknown threshold.
    """

    defect_type_id: int | None
    defect_code: str | None
    defect_name: str | None
    confidence: float
    unknown: bool
    neighbours: tuple[Neighbour, ...] = ()


@dataclass(frozen=True)
class ReferenceMatch:
    """The nearest good reference image of the product (``file_path`` is its object-store key).

    ``similarity`` is the cosine similarity of the whole-image embeddings (stored with the result); near 1
    for any two parts of one product, it tells little by itself. ``spread`` is the distance to the
    reference in units of the good references' usual distance to their own nearest good neighbour (1.0:
    as close as good parts usually are; ``None`` when the index has too few references to tell)."""

    image_id: int
    file_path: str
    similarity: float
    spread: float | None = None


@dataclass(frozen=True)
class ArtifactKeys:
    """Object-store keys of the rendered artifacts (what goes into the ``*_path`` columns).

    ``None`` where the artifact was not stored (a re-evaluated, unrecorded outcome has no mask/overlay
    file because they depend on the thresholds; render them with ``station.pipeline.images.artifacts``).
    """

    heatmap: str | None = None
    mask: str | None = None
    overlay: str | None = None
    comparison: str | None = None
    test_image: str | None = None


@dataclass(frozen=True)
class InspectionOutcome:
    """Everything one inspection produced, ready for display and already recorded when ``inspection_code``
    is set.

    Verdict rule (see :func:`decide_verdict`): ``image_score >= image_threshold`` is FAIL,
    ``review_threshold <= image_score < image_threshold`` is UNCERTAIN (a person should look), anything
    lower is PASS.

    Attributes:
        product_code / product_id: the inspected product.
        verdict: PASS, FAIL or UNCERTAIN.
        image_score: normalised image anomaly score in [0, 1] (0.70 is the top of the good calibration
            images by construction, see ``station.pipeline.patchcore.scoring``).
        raw_image_score: PatchCore's raw score (distance in feature space), for diagnostics.
        image_threshold / pixel_threshold / review_threshold: the thresholds the verdict and mask used.
        image: the inspected image as decoded (uint8, HxW grey or HxWx3 **BGR**, OpenCV order), original size.
        anomaly_map: float32 HxW in [0, 1], same size as ``image``; 0 outside the ROI / in ignored areas.
        mask: bool HxW, ``anomaly_map >= pixel_threshold``.
        regions: connected components of ``mask``, largest first.
        reference: nearest good reference image, ``None`` when the product has no indexed good image.
        defect: defect-type prediction, ``None`` for a PASS verdict.
        similarity_score: similarity to the nearest good reference in [0, 1] (``None`` without one).
        confidence_score: confidence of the defect-type prediction in [0, 1] (``None`` for PASS).
        retrieval_method: how embeddings were made, e.g. ``"open_clip:ViT-B-32"`` or
            ``"backbone_pooled:mobilenet_v2"``.
        backbone: the PatchCore backbone of the bank.
        degraded: true when the bank uses no pretrained weights (hand-made filter features); show
            ``degraded_reason`` to the person.
        device: ``"cpu"`` or ``"cuda"``.
        preprocessing_applied: the preprocessing steps as recorded in ``image_metadata``.
        artifacts: object-store keys of heatmap, mask, overlay, comparison and the test image.
        timings_ms: per-stage wall times.
        inspection_code / inspection_id / result_id / test_image_id: set once the outcome is recorded.
        reevaluated: true for an outcome produced by re-evaluating thresholds (not recorded again).
        defect_candidate: the defect-type vote computed whatever the verdict, so that re-evaluation to
            FAIL/UNCERTAIN can show it without recomputing features.
        view_code / views / view_outcomes: for a part of a product with several views
            (``station.domain.views``): this is the outcome of the view that decided the part's verdict (the
            worst), ``verdict`` is the part's, ``views`` every view's :class:`~station.domain.views.ViewResult`
            and ``view_outcomes`` every view's own outcome (maps, regions), in the views' order; empty and
            None for a product without views.
        health_alerts: camera/process health alerts this part raised (``station.domain.health``): a signal
            of the image or of the PASS scores drifted from its calibration level; empty almost always.
        provenance: where the judgement came from, as stored with the result: ``backbone``,
            ``bank_sha256`` (of the bank file scored against), ``model_config_id`` (the ``sync_uuid`` of
            the ``model_configs`` row whose thresholds were used; portable to the centre), ``manual_id`` /
            ``manual_version`` / ``guide_model`` (filled in when the guide is saved; null until then).
    """

    product_code: str
    product_id: int
    verdict: Verdict
    image_score: float
    raw_image_score: float
    image_threshold: float
    pixel_threshold: float
    review_threshold: float
    image: np.ndarray
    anomaly_map: np.ndarray
    mask: np.ndarray
    regions: tuple[Region, ...]
    reference: ReferenceMatch | None
    defect: DefectPrediction | None
    similarity_score: float | None
    confidence_score: float | None
    retrieval_method: str | None
    backbone: str
    degraded: bool
    degraded_reason: str | None
    device: str
    preprocessing_applied: dict[str, Any]
    artifacts: ArtifactKeys = field(default_factory=ArtifactKeys)
    timings_ms: dict[str, float] = field(default_factory=dict)
    source_name: str | None = None
    inspection_code: str | None = None
    inspection_id: int | None = None
    result_id: int | None = None
    test_image_id: int | None = None
    reevaluated: bool = False
    defect_candidate: DefectPrediction | None = None
    provenance: dict[str, Any] = field(default_factory=dict)
    view_code: str | None = None
    views: tuple[Any, ...] = ()  # ViewResult per view (station.domain.views)
    view_outcomes: tuple[InspectionOutcome, ...] = ()
    health_alerts: tuple[HealthAlert, ...] = ()

    @property
    def defect_detected(self) -> bool:
        """True for FAIL only (the stored ``defect_detected``); an UNCERTAIN part is held for review."""
        return self.verdict is Verdict.FAIL

    @property
    def needs_attention(self) -> bool:
        """FAIL or UNCERTAIN: a person should look (manual excerpts, guide, the supervisor's queue)."""
        return self.verdict is not Verdict.PASS

    @property
    def processing_time_s(self) -> float:
        return self.timings_ms.get("total", 0.0) / 1000.0

    def summary(self) -> dict[str, Any]:
        """JSON-friendly summary (no arrays): what ``station inspect --json`` prints."""
        return {
            "product": self.product_code,
            "source": self.source_name,
            "verdict": self.verdict.value,
            "image_score": round(self.image_score, 4),
            "raw_image_score": round(self.raw_image_score, 6),
            "image_threshold": self.image_threshold,
            "pixel_threshold": self.pixel_threshold,
            "review_threshold": self.review_threshold,
            "regions": [r.to_json() for r in self.regions],
            "defect_type": None if self.defect is None else self.defect.defect_code,
            "defect_unknown": None if self.defect is None else self.defect.unknown,
            "confidence_score": _round(self.confidence_score),
            "neighbours": [] if self.defect is None else [
                {"image_id": n.image_id, "defect_type": n.defect_code, "similarity": round(n.similarity, 4)}
                for n in self.defect.neighbours
            ],
            "reference_image_id": None if self.reference is None else self.reference.image_id,
            "similarity_score": _round(self.similarity_score),
            "retrieval_method": self.retrieval_method,
            "backbone": self.backbone,
            "degraded": self.degraded,
            "degraded_reason": self.degraded_reason,
            "device": self.device,
            "artifacts": {
                "heatmap": self.artifacts.heatmap, "mask": self.artifacts.mask,
                "overlay": self.artifacts.overlay, "comparison": self.artifacts.comparison,
                "test_image": self.artifacts.test_image,
            },
            "preprocessing_applied": self.preprocessing_applied,
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            "inspection_code": self.inspection_code,
            "provenance": dict(self.provenance),
            **({"view": self.view_code, "views": [v.summary() for v in self.views]} if self.views else {}),
        }


def review_threshold_of(configured: float | None, bank_default: float, image_threshold: float) -> float:
    """The UNCERTAIN band's lower edge a product is judged with: the one configured in ``model_configs``,
    else the calibrated default of its memory bank; never above the image threshold."""
    return min(float(bank_default if configured is None else configured), float(image_threshold))


def decide_verdict(image_score: float, image_threshold: float, review_threshold: float) -> Verdict:
    """FAIL at or above ``image_threshold``; UNCERTAIN in ``[review_threshold, image_threshold)``; else PASS."""
    if image_score >= image_threshold:
        return Verdict.FAIL
    if image_score >= min(review_threshold, image_threshold):
        return Verdict.UNCERTAIN
    return Verdict.PASS


@dataclass(frozen=True)
class BuildSummary:
    """Result of a memory-bank build (also stored as the ``patchcore_bank`` deployment's result summary)."""

    product_code: str
    deployment_id: int
    backbone: str
    degraded: bool
    n_images: int
    n_bank_images: int
    n_calibration_images: int
    n_patches: int
    coreset_size: int
    coverage_radius: float
    seconds: float
    bank_file: str
    bank_sha256: str
    image_size: int
    device: str
    retrieval_deployment_id: int | None = None
    retrieval_method: str | None = None
    n_indexed_good: int = 0
    n_indexed_defect: int = 0
    selection: dict[str, Any] | None = None  # self-configuration: candidates, validation scores, choice
    runtime: str = "torch"  # what inspects on the CPU: "onnxruntime" (the export passed its parity check) or torch
    runtime_parity: float | None = None  # largest |difference| of normalised image scores, exported vs torch
    runtime_reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)
