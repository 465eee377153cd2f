"""Recurrence alerts on the supervisor's awaiting-action queue: a defect type came back after its
corrective action was logged as resolved. Each alert is its own kind of entry, marked as a recurrence,
linked to the action that did not hold (its text, who resolved it, when, its notes) and to the new
inspection; a supervisor acknowledges it (audited, pushed to the centre) and it leaves the queue."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from station.domain.recurrence import RecurrenceAlertInfo
from station.domain.reports import local_time
from station.ui.env import ScreenEnv
from station.ui.jobs import RequestTracker
from station.ui.permissions import Capability
from station.ui.widgets.feedback import MessageBar
from station.ui.widgets.names import defect_name
from station.ui.widgets.tables import DataTable


def _when(moment: datetime | None) -> str:
    shown = local_time(moment)
    return shown.strftime("%Y-%m-%d %H:%M") if shown else "—"


class RecurrenceAlertsPanel(QFrame):
    """Open alerts of the selected product (all products when none is selected)."""

    open_inspection = Signal(int)  # inspection_id of the new defect, to select it in the queue

    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.setObjectName("RecurrencePanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.alerts: list[RecurrenceAlertInfo] = []
        self.requests = RequestTracker()
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("RecurrenceTitle")
        self.title.setProperty("level", "error")
        top.addWidget(self.title)
        top.addStretch(1)
        self.open_button = QPushButton(self.tr("Show the new inspection"))
        self.ack_button = QPushButton(self.tr("Acknowledge"))
        self.ack_button.setObjectName("PrimaryButton")
        self.ack_button.setVisible(env.can(Capability.LOG_ACTION))
        for button in (self.open_button, self.ack_button):
            button.setEnabled(False)
            top.addWidget(button)
        layout.addLayout(top)
        self.table = DataTable([self.tr("Kind"), self.tr("New inspection"), self.tr("Defect"),
                                self.tr("Action that did not hold"), self.tr("Resolved by"), self.tr("Resolved at"),
                                self.tr("Since the action"), self.tr("Raised")])
        self.table.setObjectName("RecurrenceTable")
        self.table.setMaximumHeight(160)
        layout.addWidget(self.table)
        self.detail = QLabel()
        self.detail.setObjectName("RecurrenceDetail")
        self.detail.setWordWrap(True)
        layout.addWidget(self.detail)
        self.message = MessageBar()
        layout.addWidget(self.message)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.ack_button.clicked.connect(self.acknowledge_selected)
        self.open_button.clicked.connect(self._open_selected)
        self.setVisible(False)

    def refresh(self) -> None:
        product, watch = self.env.session.product, self.env.services.recurrence
        product_id = product.product_id if product else None
        request = self.requests.begin("alerts")
        self.env.runner.submit(lambda _ctx: watch.open_alerts(product_id), name="recurrence-alerts", owner=self,
                               request=(self.requests, "alerts", request), on_done=self.show_alerts,
                               on_error=self._failed)

    def _failed(self, error: BaseException) -> None:
        self.setVisible(True)  # hidden while there is no alert: the error must still be seen
        self.message.show_error(error)

    def show_alerts(self, alerts: list[RecurrenceAlertInfo]) -> None:
        selected = self.table.selected_id()
        self.alerts = alerts
        self.title.setText(self.title_text(len(alerts)))
        self.table.set_rows([[self.tr("RECURRENCE"), a.inspection_code, self.defect_text(a), a.action_taken,
                              a.action_by or "—", _when(a.action_at), self.since_text(a.inspections_since,
                                                                                     a.hours_since),
                              _when(a.raised_at)] for a in alerts], [a.alert_id for a in alerts])
        self.setVisible(bool(alerts))
        if selected is not None:
            self.table.select_id(selected)
        self._selection_changed()

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

    def selected_alert(self) -> RecurrenceAlertInfo | None:
        wanted = self.table.selected_id()
        return next((a for a in self.alerts if a.alert_id == wanted), None)

    def _selection_changed(self) -> None:
        alert = self.selected_alert()
        self.ack_button.setEnabled(alert is not None)
        self.open_button.setEnabled(alert is not None and alert.inspection_id is not None)
        if alert is None:
            self.detail.setText(self.tr("Select an alert to see the corrective action that did not hold."))
            return
        notes = f" — {alert.action_notes}" if alert.action_notes else ""
        self.detail.setText(self.tr(
            "{0} on {1} again at inspection {2}. Corrective action of inspection {3}: \"{4}\"{5}, logged as "
            "resolved by {6} at {7}; {8} before.").format(
            self.defect_text(alert), alert.product_code, alert.inspection_code, alert.resolved_inspection_code,
            alert.action_taken, notes, alert.action_by or "—", _when(alert.action_at),
            self.tr("1 inspection and {0:.1f} hours").format(alert.hours_since) if alert.inspections_since == 1
            else self.tr("{0} inspections and {1:.1f} hours").format(alert.inspections_since, alert.hours_since)))

    def _open_selected(self) -> None:
        alert = self.selected_alert()
        if alert is not None and alert.inspection_id is not None:
            self.open_inspection.emit(alert.inspection_id)

    def acknowledge_selected(self) -> None:
        alert = self.selected_alert()
        if alert is None or not self.env.can(Capability.LOG_ACTION):
            return
        watch, user = self.env.services.recurrence, self.env.session.user

        def done(_acknowledged: RecurrenceAlertInfo) -> None:
            self.message.show_message(self.tr("Recurrence alert for inspection {0} acknowledged.").format(
                alert.inspection_code), "info", 5000)
            self.refresh()

        self.env.runner.submit(lambda _ctx: watch.acknowledge(alert.alert_id, user), name="acknowledge-alert",
                               owner=self, on_done=done, on_error=self._failed)
