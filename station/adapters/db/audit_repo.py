"""Audit rows written by the application (settings changes on the local store, where no trigger runs)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from station.adapters.db.database import Database
from station.adapters.db.models import AuditLog
from station.domain.audit import AuditEntry

OPERATIONS = ("INSERT", "UPDATE", "DELETE")


class SqlAuditTrail:
    def __init__(self, db: Database) -> None:
        self._db = db

    def record(self, table_name: str, operation: str, user_id: int | None,
               old_data: dict[str, Any] | None, new_data: dict[str, Any] | None) -> int:
        if operation not in OPERATIONS:
            raise ValueError(f"audit operation must be one of {OPERATIONS}, got {operation!r}")
        with self._db.session(user_id=user_id) as session:
            row = AuditLog(table_name=table_name[:50], operation=operation, user_id=user_id,
                           old_data=old_data, new_data=new_data)
            session.add(row)
            session.flush()
            return row.log_id

    def recent(self, table_name: str | None = None, limit: int = 50) -> list[AuditEntry]:
        with self._db.session() as session:
            query = select(AuditLog).order_by(AuditLog.log_id.desc()).limit(limit)
            if table_name is not None:
                query = query.where(AuditLog.table_name == table_name)
            return [AuditEntry(r.log_id, r.table_name or "", r.operation or "", r.user_id, r.old_data,
                               r.new_data, r.logged_at) for r in session.scalars(query)]
