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


@dataclass(frozen=True)
class InspectionRecord:
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
    inspected_at: datetime | None = None


@dataclass(frozen=True)
class RecordedInspection:
    inspection_id: int
    inspection_code: str
    result_id: int
    test_image_id: int


def inspection_code(day: datetime, station_id: str, sequence: int) -> str:
    """``INS-YYYYMMDD-<station>-NNNN``: unique across stations, sortable within a day."""
    return f"INS-{day:%Y%m%d}-{station_id}-{sequence:04d}"
