"""What one inspection produces, as it is recorded (``images``, ``image_metadata``, ``inspections``,
``inspection_results``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class TestImage:
    """The inspected image as stored (``file_path`` is the object key in storage)."""

    file_name: str
    file_path: str
    file_size: int | None = None
    width: int | None = None
    height: int | None = None
    format: str | None = None
    preprocessing_applied: dict[str, Any] | None = None
    exif_data: dict[str, Any] | None = None
    quality_score: float | None = None
    embedding: bytes | None = None


PROVENANCE_KEYS = ("backbone", "bank_sha256", "model_config_id", "manual_id", "manual_version", "guide_model")


def legacy_verdict(verdict: str | None, defect_detected: bool | None) -> str | None:
    """The stored verdict, or for rows recorded before verdicts were stored: FAIL if a defect, else PASS."""
    if verdict:
        return verdict
    if defect_detected is None:
        return None
    return "FAIL" if defect_detected else "PASS"


@dataclass(frozen=True)
class InspectionRecord:
    """One inspection to record. ``verdict`` (PASS / FAIL / UNCERTAIN) decides ``defect_detected`` when
    given (a defect is a FAIL; UNCERTAIN is held for review, not a defect); ``image_threshold``,
    ``pixel_threshold`` and ``review_threshold`` are the thresholds it was judged with; ``provenance``
    holds the keys of :data:`PROVENANCE_KEYS` that are known (the rest are stored as null)."""

    product_id: int
    image: TestImage
    defect_detected: bool
    anomaly_score: float | None
    inspector_id: int | None = None
    reference_image_id: int | None = None
    defect_type_id: int | None = None
    confidence_score: float | None = None
    similarity_score: float | None = None
    heatmap_path: str | None = None
    mask_path: str | None = None
    overlay_path: str | None = None
    comparison_path: str | None = None
    detected_regions: list[dict[str, Any]] = field(default_factory=list)
    processing_time: float | None = None
    status: str = "completed"
    inspected_at: datetime | None = None  # naive UTC (db/README.md "Time"); now when None
    verdict: str | None = None
    image_threshold: float | None = None
    pixel_threshold: float | None = None
    review_threshold: float | None = None
    provenance: dict[str, Any] | None = None
    # A part seen by several views (migration 0014): the view that decided its verdict, and every view's
    # own result (``ViewResult.to_json()``); None for a product without views.
    view_code: str | None = None
    view_results: list[dict[str, Any]] | None = None

    @property
    def stored_defect_detected(self) -> bool:
        return self.verdict == "FAIL" if self.verdict else self.defect_detected

    def stored_provenance(self) -> dict[str, Any] | None:
        if self.provenance is None:
            return None
        return {k: self.provenance.get(k) for k in PROVENANCE_KEYS}


@dataclass(frozen=True)
class RecordedInspection:
    inspection_id: int
    inspection_code: str
    result_id: int
    test_image_id: int
    verdict: str | None = None
    image_threshold: float | None = None
    pixel_threshold: float | None = None
    review_threshold: float | None = None
    provenance: dict[str, Any] | None = None


def inspection_code(day: datetime, station_id: str, sequence: int) -> str:
    """``INS-YYYYMMDD-<station>-NNNN``: unique across stations, sortable within a day."""
    return f"INS-{day:%Y%m%d}-{station_id}-{sequence:04d}"
