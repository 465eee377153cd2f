"""ORM of the camera and process health alerts (migration 0015): raised on the station, pushed to the
centre, acknowledged by a supervisor."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from station.adapters.db.models.base import NOW, Base, JSONType, sync_uuid_column


class HealthAlertRow(Base):
    __tablename__ = "health_alerts"
    __table_args__ = (
        CheckConstraint("kind IN ('image_darker', 'image_brighter', 'contrast_lower', 'contrast_higher', "
                        "'focus_lost', 'camera_moved', 'pass_scores_higher')", name="health_alerts_kind_check"),
        CheckConstraint("signal IN ('brightness', 'contrast', 'focus', 'offset_x', 'offset_y', 'pass_score')",
                        name="health_alerts_signal_check"),
        CheckConstraint("status IN ('open', 'acknowledged')", name="health_alerts_status_check"),
        Index("uq_health_alerts_sync_uuid", "sync_uuid", unique=True),
        Index("idx_health_alerts_open", "status", "product_id"),
        Index("idx_health_alerts_product_time", "product_id", "raised_at"),
    )

    alert_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station_code: Mapped[str] = mapped_column(String(50), nullable=False)
    product_id: Mapped[int] = mapped_column(Integer, ForeignKey("products.product_id"), nullable=False)
    view_code: Mapped[str | None] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    signal: Mapped[str] = mapped_column(String(20), nullable=False)
    message: Mapped[str] = mapped_column(Text, nullable=False)
    value: Mapped[float] = mapped_column(Float, nullable=False)
    baseline: Mapped[float] = mapped_column(Float, nullable=False)
    params: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    parts_seen: Mapped[int] = mapped_column(Integer, nullable=False)
    raised_at: Mapped[datetime | None] = mapped_column(DateTime(), server_default=NOW)
    status: Mapped[str] = mapped_column(String(20), nullable=False, server_default=text("'open'"))
    acknowledged_by: Mapped[int | None] = mapped_column(Integer, ForeignKey("users.user_id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime())
    sync_uuid: Mapped[str | None] = sync_uuid_column()
