"""SQL deployment log: one ``deployments`` row per model build (bank, index, manual indexing)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from station.adapters.db.database import Database
from station.adapters.db.models import Deployment
from station.domain.enums import DeploymentStatus, DeploymentType


class SqlDeploymentLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    def start(
        self, deployment_type: str, product_id: int | None, config: dict[str, Any], user_id: int | None = None
    ) -> int:
        DeploymentType(deployment_type)
        with self._db.session(user_id=user_id) as session:
            row = Deployment(deployment_type=deployment_type, product_id=product_id,
                             status=DeploymentStatus.RUNNING.value, config_params=config, deployed_by=user_id)
            session.add(row)
            session.flush()
            return row.deployment_id

    def finish(
        self, deployment_id: int, status: str, result_summary: dict[str, Any] | None = None,
        error_message: str | None = None,
    ) -> None:
        DeploymentStatus(status)
        with self._db.session() as session:
            row = session.get(Deployment, deployment_id)
            if row is None:
                raise KeyError(deployment_id)
            row.status = status
            row.result_summary = result_summary
            row.error_message = error_message
            row.completed_at = func.current_timestamp()

    def history(self, product_id: int | None = None, limit: int = 50) -> list[dict[str, Any]]:
        with self._db.session() as session:
            query = select(Deployment).order_by(Deployment.deployment_id.desc()).limit(limit)
            if product_id is not None:
                query = query.where(Deployment.product_id == product_id)
            return [
                {c: getattr(row, c) for c in (
                    "deployment_id", "deployment_type", "product_id", "status", "started_at", "completed_at",
                    "deployed_by", "config_params", "result_summary", "error_message")}
                for row in session.scalars(query)
            ]
