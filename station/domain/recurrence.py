"""Recurrence watch: a defect type that comes back on a product soon after its corrective action was
logged as resolved. The window is a number of inspections of the product or hours, whichever is met."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from station.domain.enums import Role
from station.domain.errors import ValidationError

# Who acknowledges a recurrence alert on the queue: the supervisor (manager) and the admin.
ACKNOWLEDGE_ROLES = frozenset({Role.MANAGER, Role.ADMIN})


@dataclass(frozen=True)
class RecurrenceWindow:
    inspections: int = 50
    hours: float = 24.0

    def __post_init__(self) -> None:
        if self.inspections < 0 or self.hours < 0:
            raise ValidationError("the recurrence window must not be negative")

    def holds(self, inspections_since: int, hours_since: float) -> bool:
        return inspections_since <= self.inspections or hours_since <= self.hours


@dataclass(frozen=True)
class RecurrenceAlertInfo:
    alert_id: int
    product_code: str
    defect_code: str
    action_id: int
    action_taken: str
    resolved_inspection_code: str  # the inspection whose action did not hold
    inspection_code: str  # the inspection that showed the defect again
    inspections_since: int
    hours_since: float
    status: str
    raised_at: datetime | None
    # The action that did not hold (who logged it resolved, when, its notes) and the new inspection.
    action_by: str | None = None
    action_at: datetime | None = None
    action_notes: str | None = None
    inspection_id: int | None = None
    product_id: int | None = None
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
