"""Read model of the supervisor's review of one recorded inspection: the stored result with its images'
object keys, its regions, the verdict history (the station's verdict and each override), the corrective
actions logged on it and the guide written for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ReviewRegion:
    """A detected region in pixels of the recorded image (``detected_regions`` element)."""

    x: float
    y: float
    width: float
    height: float
    location: str | None = None
    max_score: float | None = None
    area_pct: float | None = None

    @classmethod
    def from_json(cls, item: Any) -> ReviewRegion | None:
        """A stored region, or None when the element has no usable box."""
        if not isinstance(item, dict):
            return None
        box = item.get("bbox")
        try:
            if isinstance(box, dict):
                x, y, w, h = (float(box[k]) for k in ("x", "y", "width", "height"))
            elif isinstance(box, (list, tuple)) and len(box) == 4:
                x, y, w, h = (float(v) for v in box)
            else:
                return None
        except (KeyError, TypeError, ValueError):
            return None
        if w <= 0 or h <= 0:
            return None

        def number(key: str) -> float | None:
            value = item.get(key)
            return float(value) if isinstance(value, (int, float)) else None

        location = item.get("location")
        return cls(x, y, w, h, location if isinstance(location, str) else None, number("max_score"),
                   number("area_pct"))


@dataclass(frozen=True)
class VerdictChange:
    """An override of the station's verdict: the kind (``false_alarm`` ...), the part's true label, who and
    when."""

    kind: str
    corrected_label: str
    by: str | None
    at: datetime | None
    notes: str | None = None
    defect_code: str | None = None
    defect_name_ko: str | None = None
    defect_name_en: str | None = None


@dataclass(frozen=True)
class ActionRecord:
    """A corrective action logged on the inspection, with the name of who logged it."""

    action_taken: str
    action_result: str | None
    by: str | None
    at: datetime | None
    notes: str | None = None


@dataclass(frozen=True)
class InspectionReview:
    """One recorded inspection as the supervisor reviews it (times naive UTC, as stored)."""

    inspection_id: int
    inspection_code: str
    inspection_date: datetime | None
    product_code: str
    product_name: str
    inspector: str | None
    verdict: str  # PASS / FAIL / UNCERTAIN (legacy rows: FAIL when a defect was detected, else PASS)
    anomaly_score: float | None = None
    confidence_score: float | None = None
    similarity_score: float | None = None
    image_threshold: float | None = None
    pixel_threshold: float | None = None
    review_threshold: float | None = None
    defect_code: str | None = None
    defect_name_ko: str | None = None
    defect_name_en: str | None = None
    test_image_key: str | None = None
    test_image_name: str | None = None
    heatmap_key: str | None = None
    reference_image_key: str | None = None
    reference_image_name: str | None = None
    serial: str | None = None
    guide_text: str | None = None
    regions: tuple[ReviewRegion, ...] = ()
    overrides: tuple[VerdictChange, ...] = ()
    actions: tuple[ActionRecord, ...] = ()

    @property
    def current_label(self) -> str | None:
        """The part's label after the latest override (``normal`` / ``defect``), None when not overridden."""
        return self.overrides[-1].corrected_label if self.overrides else None

    @property
    def effective_verdict(self) -> str:
        """What the part is: the latest override decides where a person corrected the verdict."""
        return {"normal": "PASS", "defect": "FAIL"}.get(self.current_label or "", self.verdict)

    @property
    def effective_defect(self) -> tuple[str | None, str | None, str | None] | None:
        """(code, Korean name, English name) of the part's defect type after the latest override; None for a
        part that is good or whose type nobody knows."""
        if self.overrides:
            last = self.overrides[-1]
            if last.corrected_label == "normal":
                return None
            if last.defect_code or last.defect_name_ko:
                return last.defect_code, last.defect_name_ko, last.defect_name_en
        if self.defect_code or self.defect_name_ko:
            return self.defect_code, self.defect_name_ko, self.defect_name_en
        return None


@dataclass(frozen=True)
class ReviewImage:
    """One image of a review as read from the object store: its bytes, or why there are none
    (``none``: nothing was stored; ``missing``: the object is not in the store; ``unavailable``: the store
    could not be read; ``pruned``: no longer on this station, and the central store cannot be reached now)."""

    key: str | None
    data: bytes | None = None
    problem: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class ReviewImages:
    test: ReviewImage
    heatmap: ReviewImage
    reference: ReviewImage
