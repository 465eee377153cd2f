"""The declarative base every table of the schema is mapped on, and the column types and defaults the
tables share: JSON that is JSONB on PostgreSQL, server-side timestamps and booleans, the sync key."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, DateTime, MetaData, String, Uuid, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

JSONType = JSON().with_variant(JSONB(), "postgresql")
NOW = text("CURRENT_TIMESTAMP")
TRUE = text("true")
FALSE = text("false")

# Sync key (migration 0004): UUID on PostgreSQL (default gen_random_uuid()), text on SQLite.
SyncUuidType = Uuid(as_uuid=False).with_variant(String(36), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData()


def timestamp_column() -> Mapped[datetime | None]:
    """A timestamp the database sets to the current time on insert."""
    return mapped_column(DateTime(), server_default=NOW)


def sync_uuid_column() -> Mapped[str | None]:
    """The row's station-generated sync key (unique per table; see ``station.adapters.db.indexes``)."""
    return mapped_column(SyncUuidType, default=lambda: str(uuid.uuid4()))
