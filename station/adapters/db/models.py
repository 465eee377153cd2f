"""Typed SQLAlchemy 2.0 models of the central schema (schema_design.md §3, §9.2).

One set of models serves the central PostgreSQL and the station's local SQLite store:
JSONB becomes JSON on SQLite. PostgreSQL-only parts (regex CHECK, comments, GIN indexes,
RLS, audit trigger, views) are created by the Alembic migrations in ``db/migrations``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

JSONType = JSON().with_variant(JSONB(), "postgresql")
NOW = text("CURRENT_TIMESTAMP")
TRUE = text("true")
FALSE = text("false")


class Base(DeclarativeBase):
    metadata = MetaData()


def _ts() -> Mapped[datetime | None]:
    return mapped_column(DateTime(), server_default=NOW)


# Sync key (migration 0004): UUID on PostgreSQL (default gen_random_uuid()), text on SQLite.
SyncUuidType = Uuid(as_uuid=False).with_variant(String(36), "sqlite")


def _sync_uuid() -> Mapped[str | None]:
    return mapped_column(SyncUuidType, default=lambda: str(uuid.uuid4()))


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("LENGTH(username) >= 3", name="users_username_check"),)

    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True, nullable=False)
    email: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    full_name: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))
    is_active: Mapped[bool | None] = mapped_column(Boolean, server_default=TRUE)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime())
    created_at: Mapped[datetime | None] = _ts()
    updated_at: Mapped[datetime | None] = _ts()
    failed_login_count: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime())


class RoleRow(Base):
    __tablename__ = "roles"
    __table_args__ = (
        CheckConstraint("role_name IN ('admin', 'manager', 'worker', 'viewer')", name="roles_name_check"),
    )

    role_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    role_name: Mapped[str] = mapped_column(String(50), unique=True, nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime | None] = _ts()


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True
    )
    role_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("roles.role_id", ondelete="CASCADE"), primary_key=True
    )
    assigned_at: Mapped[datetime | None] = _ts()
    assigned_by: Mapped[int | None] = mapped_column(Integer, ForeignKey("users.user_id"))


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
    created_at: Mapped[datetime | None] = _ts()
    updated_at: Mapped[datetime | None] = _ts()


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
    created_at: Mapped[datetime | None] = _ts()
    updated_at: Mapped[datetime | None] = _ts()


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
    upload_date: Mapped[datetime | None] = _ts()
    uploaded_by: Mapped[int | None] = mapped_column(Integer, ForeignKey("users.user_id"))
    is_active: Mapped[bool | None] = mapped_column(Boolean, server_default=TRUE)
    vector_indexed: Mapped[bool | None] = mapped_column(Boolean, server_default=FALSE)
    indexed_at: Mapped[datetime | None] = mapped_column(DateTime())
    sync_uuid: Mapped[str | None] = _sync_uuid()


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
    created_at: Mapped[datetime | None] = _ts()
    sync_uuid: Mapped[str | None] = _sync_uuid()


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
    uploaded_at: Mapped[datetime | None] = _ts()
    is_active: Mapped[bool | None] = mapped_column(Boolean, server_default=TRUE)
    sync_uuid: Mapped[str | None] = _sync_uuid()


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
    created_at: Mapped[datetime | None] = _ts()
    sync_uuid: Mapped[str | None] = _sync_uuid()


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
    sync_uuid: Mapped[str | None] = _sync_uuid()


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
    created_at: Mapped[datetime | None] = _ts()
    sync_uuid: Mapped[str | None] = _sync_uuid()
    # Migration 0007: the verdict, the thresholds it was judged with, where the judgement came from.
    # verdict NULL only on legacy rows (read as FAIL when defect_detected else PASS).
    verdict: Mapped[str | None] = mapped_column(String(10))
    image_threshold: Mapped[float | None] = mapped_column(Float)
    pixel_threshold: Mapped[float | None] = mapped_column(Float)
    review_threshold: Mapped[float | None] = mapped_column(Float)
    provenance: Mapped[Any | None] = mapped_column(JSONType)


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
    sync_uuid: Mapped[str | None] = _sync_uuid()


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
    created_at: Mapped[datetime | None] = _ts()
    sync_uuid: Mapped[str | None] = _sync_uuid()


class Deployment(Base):
    __tablename__ = "deployments"
    __table_args__ = (
        CheckConstraint(
            "deployment_type IN ('clip_embedding', 'patchcore_bank', 'rag_indexing', 'model_update')",
            name="deployment_type_check",
        ),
        CheckConstraint(
            "status IN ('pending', 'running', 'completed', 'failed', 'cancelled')",
            name="deployment_status_check",
        ),
    )

    deployment_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deployment_type: Mapped[str] = mapped_column(String(50), nullable=False)
    product_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("products.product_id"))
    status: Mapped[str | None] = mapped_column(String(20), server_default=text("'pending'"))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(), server_default=NOW)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime())
    deployed_by: Mapped[int | None] = mapped_column(Integer, ForeignKey("users.user_id"))
    config_params: Mapped[Any | None] = mapped_column(JSONType)
    result_summary: Mapped[Any | None] = mapped_column(JSONType)
    error_message: Mapped[str | None] = mapped_column(Text)
    sync_uuid: Mapped[str | None] = _sync_uuid()


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
    created_at: Mapped[datetime | None] = _ts()
    updated_at: Mapped[datetime | None] = _ts()
    sync_uuid: Mapped[str | None] = _sync_uuid()
    review_threshold: Mapped[float | None] = mapped_column(Float)  # migration 0010, appended


from station.adapters.db import line_models, operations_models  # noqa: E402,F401 - more tables, same metadata
from station.adapters.db.indexes import attach_indexes  # noqa: E402

attach_indexes(Base.metadata)
