"""Recurrence alerts on the supervisor's awaiting-action queue: a defect type came back after its
corrective action was logged as resolved. Each alert is its own kind of entry, marked as a recurrence,
linked to the action that did not hold (its text, who resolved it, when, its notes) and to the new
inspection; a supervisor acknowledges it (audited, pushed to the centre) and it leaves the queue."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton, QWidget

from station.domain.recurrence import RecurrenceAlertInfo
from station.ui.env import ScreenEnv
from station.ui.supervisor.alert_panel import AlertQueuePanel, shown_time
from station.ui.widgets.names import defect_name


class RecurrenceAlertsPanel(AlertQueuePanel):
    """Open alerts of the selected product (all products when none is selected)."""

    open_inspection = Signal(int)  # inspection_id of the new defect, to select it in the queue

    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, "Recurrence", "error", parent)
        self.open_button = QPushButton(self.tr("Show the new inspection"))
        self.add_button(self.open_button)
        self.open_button.clicked.connect(self._open_selected)

    def ack_label(self) -> str:
        return self.tr("Acknowledge")

    def headers(self) -> list[str]:
        return [self.tr("Kind"), self.tr("New inspection"), self.tr("Defect"), self.tr("Action that did not hold"),
                self.tr("Resolved by"), self.tr("Resolved at"), self.tr("Since the action"), self.tr("Raised")]

    def reader(self) -> Callable[[], list[RecurrenceAlertInfo]]:
        product, watch = self.env.session.product, self.env.services.recurrence
        product_id = product.product_id if product else None
        return lambda: watch.open_alerts(product_id)

    def rows(self, alerts: list[RecurrenceAlertInfo]) -> list[list[str]]:
        return [[self.tr("RECURRENCE"), a.inspection_code, self.defect_text(a), a.action_taken, a.action_by or "—",
                 shown_time(a.action_at), self.since_text(a.inspections_since, a.hours_since),
                 shown_time(a.raised_at)] for a in alerts]

    def defect_text(self, alert: RecurrenceAlertInfo) -> str:
        """The alert's defect type in the UI language (its code where the selected product has no such type)."""
        product = self.env.session.product
        found = next((d for d in (product.defect_types if product is not None else ())
                      if d.code == alert.defect_code), None)
        return defect_name(found.name_ko, found.name_en, found.code) if found is not None else alert.defect_code

    def title_text(self, count: int) -> str:
        """The panel's title for ``count`` open alerts (one alert in the singular)."""
        if count == 1:
            return self.tr("1 recurrence alert: a defect came back after its action was resolved")
        return self.tr("{0} recurrence alerts: a defect came back after its action was resolved").format(count)

    def since_text(self, inspections: int, hours: float) -> str:
        """How long the action held: inspections since it (one in the singular) and hours."""
        if inspections == 1:
            return self.tr("1 inspection, {0:.1f} h").format(hours)
        return self.tr("{0} inspections, {1:.1f} h").format(inspections, hours)

    def _selection_changed(self) -> None:
        super()._selection_changed()
        alert = self.selected_alert()
        self.open_button.setEnabled(alert is not None and alert.inspection_id is not None)

    def detail_text(self, alert: RecurrenceAlertInfo | None) -> str:
        if alert is None:
            return self.tr("Select an alert to see the corrective action that did not hold.")
        notes = f" — {alert.action_notes}" if alert.action_notes else ""
        return self.tr(
            "{0} on {1} again at inspection {2}. Corrective action of inspection {3}: \"{4}\"{5}, logged as "
            "resolved by {6} at {7}; {8} before.").format(
            self.defect_text(alert), alert.product_code, alert.inspection_code, alert.resolved_inspection_code,
            alert.action_taken, notes, alert.action_by or "—", shown_time(alert.action_at),
            self.tr("1 inspection and {0:.1f} hours").format(alert.hours_since) if alert.inspections_since == 1
            else self.tr("{0} inspections and {1:.1f} hours").format(alert.inspections_since, alert.hours_since))

    def _open_selected(self) -> None:
        alert = self.selected_alert()
        if alert is not None and alert.inspection_id is not None:
            self.open_inspection.emit(alert.inspection_id)

    def acknowledger(self, alert: RecurrenceAlertInfo) -> Callable[[], RecurrenceAlertInfo | None]:
        watch, user = self.env.services.recurrence, self.env.session.user
        return lambda: watch.acknowledge(alert.alert_id, user)

    def acknowledged_text(self, alert: RecurrenceAlertInfo) -> str:
        return self.tr("Recurrence alert for inspection {0} acknowledged.").format(alert.inspection_code)
