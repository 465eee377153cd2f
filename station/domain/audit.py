"""Audit trail entries: who changed which setting or record, when, and the values before and after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class AuditEntry:
    log_id: int
    table_name: str
    operation: str
    user_id: int | None
    old_data: dict[str, Any] | None
    new_data: dict[str, Any] | None
    logged_at: datetime | None


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose value differs, as (old, new) — what an audit row needs to show."""
    keys = sorted(set(old) | set(new))
    diff = [k for k in keys if old.get(k) != new.get(k)]
    return {k: old.get(k) for k in diff}, {k: new.get(k) for k in diff}
