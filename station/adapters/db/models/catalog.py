"""ORM of the product catalogue: products, their defect types, the inspection settings of each product
(model configurations) and the image library (reference and test images, with their metadata)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from station.adapters.db.models.base import TRUE, Base, JSONType, sync_uuid_column, timestamp_column


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (CheckConstraint("LENGTH(product_code) >= 2", name="products_code_check"),)

    product_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_code: Mapped[str] = mapped_column(String(50), unique=True, nullable=False)
    product_name: Mapped[str] = mapped_column(String(100), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(50))
    is_active: Mapped[bool | None] = mapped_column(Boolean, server_default=TRUE)
    created_by: Mapped[int | None] = mapped_column(Integer, ForeignKey("users.user_id"))
    created_at: Mapped[datetime | None] = timestamp_column()
    updated_at: Mapped[datetime | None] = timestamp_column()


class DefectType(Base):
    __tablename__ = "defect_types"
    __table_args__ = (
        UniqueConstraint("product_id", "defect_code"),
        CheckConstraint("severity_level BETWEEN 1 AND 5", name="defect_severity_check"),
    )

    defect_type_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("products.product_id", ondelete="CASCADE")
    )
    defect_code: Mapped[str] = mapped_column(String(50), nullable=False)
    defect_name_ko: Mapped[str] = mapped_column(String(100), nullable=False)
    defect_name_en: Mapped[str | None] = mapped_column(String(100))
    full_name_ko: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    severity_level: Mapped[int | None] = mapped_column(Integer, server_default=text("3"))
    is_active: Mapped[bool | None] = mapped_column(Boolean, server_default=TRUE)
    created_at: Mapped[datetime | None] = timestamp_column()
    updated_at: Mapped[datetime | None] = timestamp_column()


class ModelConfig(Base):
    __tablename__ = "model_configs"
    __table_args__ = (
        CheckConstraint(
            "model_type IN ('anomaly_detection', 'object_detection', 'hybrid')", name="model_type_check"
        ),
    )

    config_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("products.product_id"))
    model_type: Mapped[str] = mapped_column(String(50), nullable=False)
    config_name: Mapped[str | None] = mapped_column(String(100))
    preprocessing: Mapped[Any | None] = mapped_column(JSONType)
    image_threshold: Mapped[float | None] = mapped_column(Float, server_default=text("0.85"))
    pixel_threshold: Mapped[float | None] = mapped_column(Float, server_default=text("0.90"))
    detection_model: Mapped[str | None] = mapped_column(String(100))
    detection_confidence: Mapped[float | None] = mapped_column(Float, server_default=text("0.5"))
    is_active: Mapped[bool | None] = mapped_column(Boolean, server_default=TRUE)
    created_at: Mapped[datetime | None] = timestamp_column()
    updated_at: Mapped[datetime | None] = timestamp_column()
    sync_uuid: Mapped[str | None] = sync_uuid_column()
    review_threshold: Mapped[float | None] = mapped_column(Float)  # migration 0010, appended
    view_code: Mapped[str | None] = mapped_column(String(50))  # migration 0014: NULL = the product's own


class Image(Base):
    __tablename__ = "images"
    __table_args__ = (
        CheckConstraint("image_type IN ('normal', 'defect', 'test')", name="image_type_check"),
        CheckConstraint(
            "(image_type = 'defect' AND defect_type_id IS NOT NULL) OR "
            "(image_type != 'defect' AND defect_type_id IS NULL)",
            name="defect_image_check",
        ),
    )

    image_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("products.product_id"))
    image_type: Mapped[str] = mapped_column(String(20), nullable=False)
    defect_type_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("defect_types.defect_type_id")
    )
    file_name: Mapped[str] = mapped_column(String(255), nullable=False)
    file_path: Mapped[str] = mapped_column(String(500), nullable=False)
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    format: Mapped[str | None] = mapped_column(String(10))
    uploaded_by: Mapped[int | None] = mapped_column(Integer, ForeignKey("users.user_id"))
    uploaded_at: Mapped[datetime | None] = timestamp_column()
    is_active: Mapped[bool | None] = mapped_column(Boolean, server_default=TRUE)
    sync_uuid: Mapped[str | None] = sync_uuid_column()
    view_code: Mapped[str | None] = mapped_column(String(50))  # migration 0014: the view it shows, if any


class ImageMetadata(Base):
    __tablename__ = "image_metadata"

    metadata_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    image_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("images.image_id", ondelete="CASCADE")
    )
    exif_data: Mapped[Any | None] = mapped_column(JSONType)
    preprocessing_applied: Mapped[Any | None] = mapped_column(JSONType)
    embedding_vector: Mapped[bytes | None] = mapped_column(LargeBinary)
    quality_score: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime | None] = timestamp_column()
    sync_uuid: Mapped[str | None] = sync_uuid_column()
