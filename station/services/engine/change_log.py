"""The technician's change log as readable entries: who (user name, not id) changed what, field by field.

An audit row keeps the old and new values as JSON; :func:`describe` turns one into :class:`ChangeLogEntry`
with one :class:`FieldChange` per changed field (identifiers such as ``config_id`` and the proposal's
statistics are left out, the product the change concerns is kept apart). Wording and translation are the
screen's: the entries carry field codes and values only."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from station.domain.audit import AuditEntry
from station.domain.users import UserInfo

# Keys of audit rows that identify a row or describe where a change came from rather than what changed.
_CONTEXT_KEYS = frozenset({
    "config_id", "product_id", "product_code", "source", "proposal", "false_alarm_rate", "miss_rate",
    "n_good", "n_defect", "passed_defects", "sync_uuid", "override_id", "library_image_id", "user_id",
    "by",  # the person, shown as who made the change
})

# The thresholds first, in the order the technician reads them; other fields follow alphabetically.
_FIELD_ORDER = ("image_threshold", "review_threshold", "pixel_threshold")


@dataclass(frozen=True)
class FieldChange:
    field: str  # the stored key, e.g. "image_threshold"
    old: Any
    new: Any


@dataclass(frozen=True)
class ChangeLogEntry:
    log_id: int
    logged_at: datetime | None
    user_id: int | None
    user_name: str | None  # full name, else user name; None for changes made by the station itself
    user_roles: tuple[str, ...]  # role codes of that account ("manager", "admin", ...)
    table_name: str
    operation: str  # INSERT / UPDATE / DELETE
    product_code: str | None
    source: str | None  # "history" for an applied proposal, "calibration" for a calibration's, else None
    proposal: str | None
    changes: tuple[FieldChange, ...]
    basis: tuple[int, int] | None = None  # the good and defective parts or images the change rested on


def describe(entry: AuditEntry, users: dict[int, UserInfo] | None = None) -> ChangeLogEntry:
    """One audit row as a readable entry; ``users`` maps ids to accounts (a missing id keeps no name)."""
    old, new = dict(entry.old_data or {}), dict(entry.new_data or {})
    fields = [k for k in set(old) | set(new) if k not in _CONTEXT_KEYS and old.get(k) != new.get(k)]
    fields.sort(key=lambda k: (_FIELD_ORDER.index(k) if k in _FIELD_ORDER else len(_FIELD_ORDER), k))
    user = (users or {}).get(entry.user_id) if entry.user_id is not None else None
    product = new.get("product_code") or old.get("product_code")
    return ChangeLogEntry(
        log_id=entry.log_id, logged_at=entry.logged_at, user_id=entry.user_id,
        user_name=None if user is None else (user.full_name or user.username),
        user_roles=() if user is None else tuple(getattr(r, "value", str(r)) for r in user.roles),
        table_name=entry.table_name, operation=entry.operation,
        product_code=None if product is None else str(product),
        source=new.get("source"), proposal=new.get("proposal"),
        basis=(int(new["n_good"]), int(new["n_defect"])) if "n_good" in new and "n_defect" in new else None,
        changes=tuple(FieldChange(k, old.get(k), new.get(k)) for k in fields))


def describe_all(entries: Iterable[AuditEntry], users: Iterable[UserInfo]) -> list[ChangeLogEntry]:
    by_id = {u.user_id: u for u in users}
    return [describe(e, by_id) for e in entries]
