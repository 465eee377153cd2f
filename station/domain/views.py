"""Several views of one part (a top and a side camera): view codes, the key of a view's memory bank, the
worst-of rule for a part's verdict, and one view's result as it is recorded and published.

A product without views has one implicit view (``view_code`` None everywhere): its bank, thresholds,
library images and records are the product's own, as before views existed. A product with views keeps
one ``model_configs`` row per view (its camera source, preprocessing/ROI and thresholds), tags its library
images with their view, and has a memory bank per view (key :func:`bank_key`). One trigger captures every
view; the part's verdict is the worst of its views (:func:`worst_verdict`); a view that could not be
captured or inspected makes the part an error, never a PASS.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from station.domain.enums import Verdict
from station.domain.errors import StationError, ValidationError
from station.domain.health import HealthAlert

VIEW_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,49}$")
VIEW_SEPARATOR = "@"  # never in a view code: "demo-cast@top" is the bank of view top of demo-cast

# Worst first: a failed view rejects the part, a view held for review holds it, all views must pass.
SEVERITY = {Verdict.FAIL: 2, Verdict.UNCERTAIN: 1, Verdict.PASS: 0}


def validate_view_code(code: str) -> str:
    """A view code: 1-50 letters, digits, ``_`` or ``-`` (starting with a letter or digit)."""
    if not isinstance(code, str) or not VIEW_CODE.match(code):
        raise ValidationError(f"a view code is 1-50 letters, digits, '_' or '-', got {code!r}")
    return code


def bank_key(product_code: str, view_code: str | None) -> str:
    """The key of a memory bank (model files, bank cache): the product's code for its implicit view, else
    ``<product>@<view>``."""
    return product_code if view_code is None else f"{product_code}{VIEW_SEPARATOR}{view_code}"


def product_of_bank(key: str) -> str:
    """The product code of a bank key (see :func:`bank_key`)."""
    return key.split(VIEW_SEPARATOR, 1)[0]


def worst_verdict(verdicts: Iterable[Verdict]) -> Verdict:
    """FAIL if any view failed, else UNCERTAIN if any is held for review, else PASS."""
    return max(verdicts, key=SEVERITY.__getitem__, default=Verdict.PASS)


@dataclass(frozen=True)
class ViewResult:
    """One view's result within a part (an element of ``inspection_results.view_results`` and of a line
    result's ``views``). ``error`` set: the view was not captured or not inspected (``verdict`` None)."""

    view: str
    verdict: str | None
    anomaly_score: float | None = None
    defect_type: str | None = None  # the voted defect type's code, for a view that is not PASS
    defect_type_id: int | None = None
    regions_count: int = 0
    skew_ms: float | None = None  # capture time relative to the part's first captured view
    error: str | None = None
    image_threshold: float | None = None
    pixel_threshold: float | None = None
    review_threshold: float | None = None
    regions: list[dict[str, Any]] = field(default_factory=list)
    # test_image, heatmap, mask, overlay, comparison, and ``reference``: the object-store key of the view's nearest
    # good reference (a library image of this view, from the view's own retrieval index)
    artifacts: dict[str, str] = field(default_factory=dict)
    provenance: dict[str, Any] | None = None
    reference_similarity: float | None = None  # cosine similarity to that reference (None: no reference)

    def to_json(self) -> dict[str, Any]:
        """Everything, for the record."""
        return {"view": self.view, "verdict": self.verdict, "anomaly_score": self.anomaly_score,
                "defect_type": self.defect_type, "defect_type_id": self.defect_type_id,
                "regions_count": self.regions_count, "skew_ms": self.skew_ms, "error": self.error,
                "image_threshold": self.image_threshold, "pixel_threshold": self.pixel_threshold,
                "review_threshold": self.review_threshold, "regions": list(self.regions),
                "artifacts": dict(self.artifacts), "provenance": self.provenance,
                "reference_similarity": self.reference_similarity}

    def summary(self) -> dict[str, Any]:
        """The fields a line result carries per view."""
        return {"view": self.view, "verdict": self.verdict, "anomaly_score": self.anomaly_score,
                "defect_type": self.defect_type, "regions_count": self.regions_count, "skew_ms": self.skew_ms,
                "error": self.error}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ViewResult:
        known = {k: data.get(k) for k in ("view", "verdict", "anomaly_score", "defect_type", "defect_type_id",
                                           "skew_ms", "error", "image_threshold", "pixel_threshold",
                                           "review_threshold", "provenance", "reference_similarity")}
        return cls(**known, regions_count=int(data.get("regions_count") or 0),
                   regions=list(data.get("regions") or []), artifacts=dict(data.get("artifacts") or {}))


@dataclass(frozen=True)
class PartOutcome:
    """One part inspected from every view of its product.

    ``verdict``: the worst of the views' verdicts; None when ``error`` says why a view was not captured or
    not inspected (the part is then never passed, and nothing was recorded). ``views``: every view's
    result in the views' order; ``outcomes``: the inspected views' own outcomes (maps, regions, artifact
    keys: what a side-by-side display shows); ``outcome``: the deciding view's outcome carrying the part's
    verdict, its views and, once recorded, the inspection code (None on error). ``health_alerts``: the
    camera/process health alerts its views raised (``station.domain.health``), in the views' order."""

    product_code: str
    verdict: Verdict | None
    views: tuple[ViewResult, ...]
    outcomes: tuple[Any, ...]  # InspectionOutcome per inspected view
    outcome: Any | None  # InspectionOutcome of the deciding view, with the part's verdict
    error: str | None = None
    total_ms: float = 0.0
    health_alerts: tuple[HealthAlert, ...] = ()

    @property
    def passed(self) -> bool:
        return self.error is None and self.verdict is Verdict.PASS

    def summary(self) -> dict[str, Any]:
        """JSON-friendly (what ``station inspect --json`` prints for a part of several views)."""
        head = self.outcome.summary() if self.outcome is not None else {"product": self.product_code}
        return {**head, "verdict": None if self.verdict is None else self.verdict.value, "error": self.error,
                "views": [v.summary() for v in self.views]}


@dataclass(frozen=True)
class ViewCapture:
    """One trigger's frames of every view of a part: ``frames`` view code -> image (None: not captured),
    ``skews_ms`` each view's capture time after the earliest captured view, ``errors`` why a view has no
    frame (one line naming its camera)."""

    frames: dict[str, Any]
    skews_ms: dict[str, float | None] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def skew_ms(self) -> float | None:
        """The spread of the capture times (largest skew), None when fewer than two views were captured."""
        values = [v for v in self.skews_ms.values() if v is not None]
        return round(max(values), 2) if len(values) > 1 else None


class PartNotInspectedError(StationError):
    """A part of several views was not judged whole (a view not captured or not inspected): never passed, not
    recorded. ``views`` holds every view's result (the views that were judged, with their verdicts)."""

    def __init__(self, message: str, views: tuple[ViewResult, ...]) -> None:
        super().__init__(message)
        self.views = views

    def line_fields(self) -> dict[str, Any]:
        """The fields a line's error result carries for the part."""
        return {"views": [v.summary() for v in self.views]}
