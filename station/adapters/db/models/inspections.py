"""ORM of the inspections: one row per inspected part, and its result (verdict, scores, thresholds it was
judged with, artefact paths, detected regions, the guide written for it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, DateTime, Float, ForeignKey, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from station.adapters.db.models.base import FALSE, NOW, Base, JSONType, sync_uuid_column, timestamp_column


class Inspection(Base):
    __tablename__ = "inspections"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'in_progress', 'completed', 'cancelled')", name="inspection_status_check"
        ),
    )

    inspection_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inspection_code: Mapped[str] = mapped_column(String(50), unique=True, nullable=False)
    product_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("products.product_id"))
    test_image_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("images.image_id"))
    reference_image_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("images.image_id"))
    inspector_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("users.user_id"))
    inspection_date: Mapped[datetime | None] = mapped_column(DateTime(), server_default=NOW)
    status: Mapped[str | None] = mapped_column(String(20), server_default=text("'pending'"))
    processing_time: Mapped[float | None] = mapped_column(Float)
    sync_uuid: Mapped[str | None] = sync_uuid_column()


class InspectionResult(Base):
    __tablename__ = "inspection_results"
    __table_args__ = (
        CheckConstraint("confidence_score BETWEEN 0 AND 1", name="confidence_check"),
        CheckConstraint("anomaly_score BETWEEN 0 AND 1", name="anomaly_check"),
        CheckConstraint("similarity_score BETWEEN 0 AND 1", name="similarity_check"),
        CheckConstraint("verdict IN ('PASS', 'FAIL', 'UNCERTAIN')", name="inspection_results_verdict_check"),
    )

    result_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inspection_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("inspections.inspection_id", ondelete="CASCADE")
    )
    defect_detected: Mapped[bool] = mapped_column(Boolean, nullable=False)
    defect_type_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("defect_types.defect_type_id")
    )
    confidence_score: Mapped[float | None] = mapped_column(Float)
    anomaly_score: Mapped[float | None] = mapped_column(Float)
    similarity_score: Mapped[float | None] = mapped_column(Float)
    heatmap_path: Mapped[str | None] = mapped_column(String(500))
    mask_path: Mapped[str | None] = mapped_column(String(500))
    overlay_path: Mapped[str | None] = mapped_column(String(500))
    comparison_path: Mapped[str | None] = mapped_column(String(500))
    detected_regions: Mapped[Any | None] = mapped_column(JSONType)
    guide_generated: Mapped[bool | None] = mapped_column(Boolean, server_default=FALSE)
    guide_content: Mapped[str | None] = mapped_column(Text)
    guide_quality_score: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime | None] = timestamp_column()
    sync_uuid: Mapped[str | None] = sync_uuid_column()
    # Migration 0007: the verdict, the thresholds it was judged with, where the judgement came from.
    # verdict NULL only on legacy rows (read as FAIL when defect_detected else PASS).
    verdict: Mapped[str | None] = mapped_column(String(10))
    image_threshold: Mapped[float | None] = mapped_column(Float)
    pixel_threshold: Mapped[float | None] = mapped_column(Float)
    review_threshold: Mapped[float | None] = mapped_column(Float)
    provenance: Mapped[Any | None] = mapped_column(JSONType)
    # Migration 0014: the view that decided a several-view part's verdict, and every view's own result.
    view_code: Mapped[str | None] = mapped_column(String(50))
    view_results: Mapped[Any | None] = mapped_column(JSONType)
