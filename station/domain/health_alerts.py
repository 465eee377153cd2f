"""Health alerts as kept on the station (see :mod:`station.domain.health` for what raises them): each has
an id, a status (``open`` until a supervisor acknowledges it) and who acknowledged it when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from station.domain.enums import Role
from station.domain.health import HealthAlert, HealthAlertKind, HealthSignal

# Who acknowledges a health alert: the supervisor (manager) and the admin, as for recurrence alerts.
ACKNOWLEDGE_ROLES = frozenset({Role.MANAGER, Role.ADMIN})
ALERT_STATUSES = ("open", "acknowledged")


@dataclass(frozen=True)
class HealthAlertEntry:
    """One stored alert. ``alert`` is the raised alert (kind, product, view, signal, message, numbers,
    station, raised_at)."""

    alert_id: int
    alert: HealthAlert
    status: str = "open"
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    product_id: int | None = None

    @property
    def kind(self) -> HealthAlertKind:
        return self.alert.kind

    @property
    def product_code(self) -> str:
        return self.alert.product_code

    @property
    def view(self) -> str | None:
        return self.alert.view

    @property
    def signal(self) -> HealthSignal:
        return self.alert.signal

    @property
    def raised_at(self) -> datetime | None:
        return self.alert.raised_at

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def to_json(self) -> dict[str, Any]:
        """The alert's JSON (``HealthAlert.to_json``) with its id and status."""
        return {**self.alert.to_json(), "alert_id": self.alert_id, "status": self.status,
                "acknowledged_by": self.acknowledged_by,
                "acknowledged_at": None if self.acknowledged_at is None else self.acknowledged_at.isoformat()}


@dataclass(frozen=True)
class HealthAlertSummary:
    """The open alerts of the station (for the line's status topic): how many, and the newest one."""

    open_count: int = 0
    latest: HealthAlertEntry | None = None

    def to_json(self) -> dict[str, Any]:
        latest = None if self.latest is None else {
            k: v for k, v in self.latest.to_json().items()
            if k in ("alert_id", "kind", "product", "view", "message", "raised_at")}
        return {"open": self.open_count, "latest": latest}
