"""Recurrence watch (see ``station.domain.recurrence``): checked after every recorded FAIL, whichever
front end recorded it (the bench workflow does it for the GUI, ``station inspect`` and ``station serve``);
an alert is stored for the supervisor's queue (the change notifier fires ``recurrence``), pushed to the
centre, and on a line published on the result topic as a message of kind ``recurrence_alert``, linked to
the corrective action that did not hold. A supervisor acknowledges it (audited, pushed again)."""

from __future__ import annotations

from typing import Any

from station.domain.engine import InspectionOutcome
from station.domain.errors import AuthenticationError, NotFoundError
from station.domain.line import LineResult, LineTrigger
from station.domain.recurrence import ACKNOWLEDGE_ROLES, RecurrenceAlertInfo, RecurrenceWindow
from station.domain.users import UserInfo
from station.services.shared.changes import ChangeNotifier, RecordsChanged
from station.services.records.ports import RecurrenceRepository


class RecurrenceWatch:
    def __init__(self, repo: RecurrenceRepository, window: RecurrenceWindow | None = None,
                 changes: ChangeNotifier | None = None) -> None:
        self._repo = repo
        self.window = window or RecurrenceWindow()
        self.changes = changes or ChangeNotifier()

    def check(self, inspection_id: int) -> RecurrenceAlertInfo | None:
        """The inspection's alert (raised now, or the one it already has); fires ``recurrence`` when there
        is one."""
        alert = self._repo.check(inspection_id, self.window)
        if alert is not None:
            self.changes.fire(RecordsChanged("recurrence", inspection_id))
        return alert

    def open_alerts(self, product_id: int | None = None) -> list[RecurrenceAlertInfo]:
        return self._repo.open_alerts(product_id)

    def acknowledge(self, alert_id: int, user: UserInfo) -> RecurrenceAlertInfo:
        """The supervisor has seen the alert: it leaves the queue; who and when are stored and audited."""
        if not user.is_active or not user.has_role(*ACKNOWLEDGE_ROLES):
            raise AuthenticationError(f"{user.username} may not acknowledge recurrence alerts "
                                      "(supervisor or admin only)")
        alert = self._repo.acknowledge(alert_id, user.user_id, {"alert_id": alert_id, "by": user.username})
        if alert is None:
            raise NotFoundError(f"no recurrence alert {alert_id}")
        self.changes.fire(RecordsChanged("recurrence", alert.inspection_id))
        return alert

    def line_observer(self, station_id: str):  # type: ignore[no-untyped-def]
        """For ``LineStation(observers=...)``: the alert as an extra message on the result topic."""

        def observe(trigger: LineTrigger, outcome: InspectionOutcome) -> list[LineResult]:
            if outcome.inspection_id is None or not outcome.defect_detected:
                return []
            alert = self.check(outcome.inspection_id)
            if alert is None:
                return []
            extra: dict[str, Any] = {
                "alert_id": alert.alert_id, "action_id": alert.action_id, "action_taken": alert.action_taken,
                "resolved_inspection_code": alert.resolved_inspection_code,
                "inspections_since": alert.inspections_since, "hours_since": round(alert.hours_since, 3)}
            return [LineResult(station_id, alert.product_code, "inspected", trigger, verdict=outcome.verdict.value,
                               inspection_code=alert.inspection_code, defect_type=alert.defect_code,
                               kind="recurrence_alert", extra=extra)]

        return observe
