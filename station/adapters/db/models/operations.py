"""ORM of the operational tables: the audit log of changes, and the state of each object key in the
central store (migration 0004; docs/readme/sync.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from station.adapters.db.models.base import Base, JSONType, sync_uuid_column, timestamp_column


class AuditLog(Base):
    __tablename__ = "audit_logs"

    log_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    table_name: Mapped[str | None] = mapped_column(String(50))
    operation: Mapped[str | None] = mapped_column(String(10))
    user_id: Mapped[int | None] = mapped_column(Integer)
    old_data: Mapped[Any | None] = mapped_column(JSONType)
    new_data: Mapped[Any | None] = mapped_column(JSONType)
    logged_at: Mapped[datetime | None] = timestamp_column()
    sync_uuid: Mapped[str | None] = sync_uuid_column()


class ObjectFile(Base):
    """State of one object key in the central store."""

    __tablename__ = "object_files"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'stored', 'failed')", name="object_files_state_check"),
    )

    object_key: Mapped[str] = mapped_column(String(500), primary_key=True)
    state: Mapped[str] = mapped_column(String(10), nullable=False, server_default=text("'pending'"))
    byte_size: Mapped[int | None] = mapped_column(BigInteger)
    station_id: Mapped[str | None] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime | None] = timestamp_column()
    stored_at: Mapped[datetime | None] = mapped_column(DateTime())
