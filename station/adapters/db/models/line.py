"""ORM of the line tables (migration 0009): verdict overrides made at the bench, and recurrence alerts
(pushed to the centre since migration 0011, with who acknowledged them)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from station.adapters.db.models.base import NOW, Base, sync_uuid_column


class VerdictOverride(Base):
    __tablename__ = "verdict_overrides"
    __table_args__ = (
        CheckConstraint("override_kind IN ('false_alarm', 'missed_defect', 'other_defect_type')",
                        name="verdict_overrides_kind_check"),
        CheckConstraint("corrected_label IN ('normal', 'defect')", name="verdict_overrides_label_check"),
        Index("uq_verdict_overrides_sync_uuid", "sync_uuid", unique=True),
        Index("idx_verdict_overrides_inspection", "inspection_id"),
    )

    override_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("inspections.inspection_id", ondelete="CASCADE"), nullable=False)
    override_kind: Mapped[str] = mapped_column(String(20), nullable=False)
    original_verdict: Mapped[str | None] = mapped_column(String(10))
    corrected_label: Mapped[str] = mapped_column(String(10), nullable=False)
    defect_type_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("defect_types.defect_type_id"))
    library_image_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("images.image_id"))
    anomaly_score: Mapped[float | None] = mapped_column(Float)
    overridden_by: Mapped[int | None] = mapped_column(Integer, ForeignKey("users.user_id"))
    overridden_at: Mapped[datetime | None] = mapped_column(DateTime(), server_default=NOW)
    notes: Mapped[str | None] = mapped_column(Text)
    sync_uuid: Mapped[str | None] = sync_uuid_column()


class RecurrenceAlert(Base):
    __tablename__ = "recurrence_alerts"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'acknowledged')", name="recurrence_alerts_status_check"),
        Index("uq_recurrence_alerts_inspection", "inspection_id", unique=True),
        Index("uq_recurrence_alerts_sync_uuid", "sync_uuid", unique=True),
        Index("idx_recurrence_alerts_open", "status", "product_id"),
    )

    alert_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(Integer, ForeignKey("products.product_id"), nullable=False)
    defect_type_id: Mapped[int] = mapped_column(Integer, ForeignKey("defect_types.defect_type_id"), nullable=False)
    action_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("action_logs.action_id", ondelete="CASCADE"), nullable=False)
    inspection_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("inspections.inspection_id", ondelete="CASCADE"), nullable=False)
    inspections_since: Mapped[int] = mapped_column(Integer, nullable=False)
    hours_since: Mapped[float] = mapped_column(Float, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, server_default=text("'open'"))
    raised_at: Mapped[datetime | None] = mapped_column(DateTime(), server_default=NOW)
    acknowledged_by: Mapped[int | None] = mapped_column(Integer, ForeignKey("users.user_id"))  # migration 0011
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime())
    sync_uuid: Mapped[str | None] = sync_uuid_column()
