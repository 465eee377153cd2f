"""ORM of the product manuals the guides are grounded in: each uploaded manual and its indexed sections
(cause, action or other text, with the section's embedding)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from station.adapters.db.models.base import FALSE, TRUE, Base, sync_uuid_column, timestamp_column


class Manual(Base):
    __tablename__ = "manuals"
    __table_args__ = (UniqueConstraint("product_id", "version"),)

    manual_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("products.product_id", ondelete="CASCADE")
    )
    manual_title: Mapped[str] = mapped_column(String(200), nullable=False)
    file_name: Mapped[str] = mapped_column(String(255), nullable=False)
    file_path: Mapped[str] = mapped_column(String(500), nullable=False)
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    file_type: Mapped[str | None] = mapped_column(String(50))
    version: Mapped[str | None] = mapped_column(String(20))
    upload_date: Mapped[datetime | None] = timestamp_column()
    uploaded_by: Mapped[int | None] = mapped_column(Integer, ForeignKey("users.user_id"))
    is_active: Mapped[bool | None] = mapped_column(Boolean, server_default=TRUE)
    vector_indexed: Mapped[bool | None] = mapped_column(Boolean, server_default=FALSE)
    indexed_at: Mapped[datetime | None] = mapped_column(DateTime())
    sync_uuid: Mapped[str | None] = sync_uuid_column()


class ManualSection(Base):
    __tablename__ = "manual_sections"
    __table_args__ = (
        CheckConstraint("section_type IN ('cause', 'action', 'other')", name="section_type_check"),
    )

    section_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    manual_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("manuals.manual_id", ondelete="CASCADE")
    )
    defect_type_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("defect_types.defect_type_id")
    )
    section_type: Mapped[str] = mapped_column(String(20), nullable=False)
    section_title: Mapped[str | None] = mapped_column(String(200))
    section_content: Mapped[str] = mapped_column(Text, nullable=False)
    page_number: Mapped[int | None] = mapped_column(Integer)
    chunk_index: Mapped[int | None] = mapped_column(Integer)
    embedding_vector: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime | None] = timestamp_column()
    sync_uuid: Mapped[str | None] = sync_uuid_column()
