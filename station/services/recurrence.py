"""Recurrence watch (see ``station.domain.recurrence``): checked after every recorded inspection on the
line; an alert is stored for the supervisor's queue and published on the result topic as a message of
kind ``recurrence_alert``, linked to the corrective action that did not hold."""

from __future__ import annotations

from typing import Any, Protocol

from station.domain.engine import InspectionOutcome
from station.domain.line import LineResult, LineTrigger
from station.domain.recurrence import RecurrenceAlertInfo, RecurrenceWindow


class RecurrenceRepository(Protocol):
    def check(self, inspection_id: int, window: RecurrenceWindow) -> RecurrenceAlertInfo | None: ...

    def open_alerts(self, product_id: int | None = None) -> list[RecurrenceAlertInfo]: ...

    def acknowledge(self, alert_id: int) -> None: ...


class RecurrenceWatch:
    def __init__(self, repo: RecurrenceRepository, window: RecurrenceWindow | None = None) -> None:
        self._repo = repo
        self.window = window or RecurrenceWindow()

    def check(self, inspection_id: int) -> RecurrenceAlertInfo | None:
        return self._repo.check(inspection_id, self.window)

    def open_alerts(self, product_id: int | None = None) -> list[RecurrenceAlertInfo]:
        return self._repo.open_alerts(product_id)

    def acknowledge(self, alert_id: int) -> None:
        self._repo.acknowledge(alert_id)

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
