"""ORM of what people do about an inspection: the corrective actions logged on it and the feedback
(rating, text) given on its result and guide."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from station.adapters.db.models.base import NOW, Base, sync_uuid_column, timestamp_column


class ActionLog(Base):
    __tablename__ = "action_logs"
    __table_args__ = (
        CheckConstraint(
            "action_result IN ('resolved', 'pending', 'failed', 'deferred')", name="action_result_check"
        ),
    )

    action_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inspection_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("inspections.inspection_id", ondelete="CASCADE")
    )
    action_taken: Mapped[str] = mapped_column(Text, nullable=False)
    action_result: Mapped[str | None] = mapped_column(String(50))
    action_date: Mapped[datetime | None] = mapped_column(DateTime(), server_default=NOW)
    action_by: Mapped[int | None] = mapped_column(Integer, ForeignKey("users.user_id"))
    notes: Mapped[str | None] = mapped_column(Text)
    sync_uuid: Mapped[str | None] = sync_uuid_column()


class Feedback(Base):
    __tablename__ = "feedbacks"
    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating_check"),)

    feedback_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inspection_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("inspections.inspection_id", ondelete="CASCADE")
    )
    user_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("users.user_id"))
    rating: Mapped[int] = mapped_column(Integer, nullable=False)
    feedback_text: Mapped[str | None] = mapped_column(Text)
    feedback_type: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[datetime | None] = timestamp_column()
    sync_uuid: Mapped[str | None] = sync_uuid_column()
