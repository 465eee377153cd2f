"""ORM of the deployment history: each memory-bank build, image embedding, manual indexing or model update
of a product, with its parameters, outcome and summary."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from station.adapters.db.models.base import NOW, Base, JSONType, sync_uuid_column


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
    sync_uuid: Mapped[str | None] = sync_uuid_column()
