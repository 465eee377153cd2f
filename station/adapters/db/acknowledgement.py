"""A person's acknowledgement of an alert row (recurrence or health alert): status, who and when, written
once, with its audit row in the same transaction."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy.orm import Session

from station.adapters.db.models import AuditLog


def acknowledge_row(session: Session, row: Any, table_name: str, user_id: int, audit: dict[str, Any]) -> None:
    """Marks ``row`` (a table with ``status``, ``acknowledged_by`` and ``acknowledged_at``) acknowledged by
    ``user_id``; an alert already acknowledged is left as it is."""
    if row.status == "acknowledged":
        return
    old = {"status": row.status}
    row.status = "acknowledged"
    row.acknowledged_by = user_id
    row.acknowledged_at = datetime.now(timezone.utc).replace(tzinfo=None)
    session.add(AuditLog(table_name=table_name, operation="UPDATE", user_id=user_id, old_data=old,
                         new_data={**audit, "status": "acknowledged"}))
    session.flush()
