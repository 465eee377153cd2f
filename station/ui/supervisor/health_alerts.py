"""Camera and process health alerts on the supervisor's awaiting-action queue: a watched signal of a
product's pictures (brightness, contrast, focus, the part's position) or its good parts' scores drifted
from calibration. Each open alert is listed with what changed in the reader's language, the product, view,
station and when; a supervisor or admin acknowledges it (audited, pushed to the centre) and it leaves the
queue (and the bench's banner)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from station.domain.health_alerts import HealthAlertEntry
from station.domain.reports import local_time
from station.ui.env import ScreenEnv
from station.ui.jobs import RequestTracker
from station.ui.permissions import Capability
from station.ui.widgets.feedback import MessageBar
from station.ui.widgets.names import health_alert_name, health_alert_text
from station.ui.widgets.tables import DataTable


def _when(moment: datetime | None) -> str:
    shown = local_time(moment)
    return shown.strftime("%Y-%m-%d %H:%M") if shown else "—"


class HealthAlertsPanel(QFrame):
    """Open health alerts of the selected product (all products when none is selected)."""

    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.setObjectName("HealthAlertsPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.alerts: list[HealthAlertEntry] = []
        self.requests = RequestTracker()
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("HealthAlertsTitle")
        self.title.setProperty("level", "warning")
        top.addWidget(self.title)
        top.addStretch(1)
        self.ack_button = QPushButton(self.tr("Acknowledge"))
        self.ack_button.setObjectName("PrimaryButton")
        self.ack_button.setVisible(env.can(Capability.LOG_ACTION))
        self.ack_button.setEnabled(False)
        top.addWidget(self.ack_button)
        layout.addLayout(top)
        self.table = DataTable([self.tr("Alert"), self.tr("What changed"), self.tr("Product"), self.tr("View"),
                                self.tr("Station"), self.tr("Raised")])
        self.table.setObjectName("HealthAlertsTable")
        self.table.setMaximumHeight(160)
        layout.addWidget(self.table)
        self.detail = QLabel()
        self.detail.setObjectName("HealthAlertDetail")
        self.detail.setWordWrap(True)
        layout.addWidget(self.detail)
        self.message = MessageBar()
        layout.addWidget(self.message)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.ack_button.clicked.connect(self.acknowledge_selected)
        self.setVisible(False)

    def refresh(self) -> None:
        product, service = self.env.session.product, self.env.services.health_alerts
        code = product.code if product else None
        request = self.requests.begin("alerts")
        self.env.runner.submit(lambda _ctx: service.open_alerts(code), name="health-alerts", owner=self,
                               request=(self.requests, "alerts", request), on_done=self.show_alerts,
                               on_error=self._failed)

    def _failed(self, error: BaseException) -> None:
        self.setVisible(True)  # hidden while there is no alert: the error must still be seen
        self.message.show_error(error)

    def show_alerts(self, alerts: list[HealthAlertEntry]) -> None:
        selected = self.table.selected_id()
        self.alerts = list(reversed(alerts))  # newest first
        count = len(alerts)
        self.title.setText(self.tr("1 camera or process alert") if count == 1 else
                           self.tr("{0} camera or process alerts").format(count))
        self.table.set_rows([[health_alert_name(a.kind.value), self.alert_text(a), a.product_code, a.view or "—",
                              a.alert.station_code or "—", _when(a.raised_at)] for a in self.alerts],
                            [a.alert_id for a in self.alerts])
        self.setVisible(bool(alerts))
        if selected is not None:
            self.table.select_id(selected)
        self._selection_changed()

    @staticmethod
    def alert_text(alert: HealthAlertEntry) -> str:
        return health_alert_text(alert.kind.value, alert.alert.params, alert.alert.message)

    def selected_alert(self) -> HealthAlertEntry | None:
        wanted = self.table.selected_id()
        return next((a for a in self.alerts if a.alert_id == wanted), None)

    def _selection_changed(self) -> None:
        alert = self.selected_alert()
        self.ack_button.setEnabled(alert is not None)
        if alert is None:
            self.detail.setText(self.tr("Select an alert to see what changed and acknowledge it."))
            return
        self.detail.setText(self.tr("{0} Measured {1:.3g} against {2:.3g} at calibration, after {3} parts.").format(
            self.alert_text(alert), alert.alert.value, alert.alert.baseline, alert.alert.parts_seen))

    def acknowledge_selected(self) -> None:
        alert = self.selected_alert()
        if alert is None or not self.env.can(Capability.LOG_ACTION):
            return
        service, user = self.env.services.health_alerts, self.env.session.user

        def done(_acknowledged: HealthAlertEntry) -> None:
            self.message.show_message(self.tr("Alert \"{0}\" of {1} acknowledged.").format(
                health_alert_name(alert.kind.value), alert.product_code), "info", 5000)
            self.refresh()

        self.env.runner.submit(lambda _ctx: service.acknowledge(alert.alert_id, user), name="acknowledge-health",
                               owner=self, on_done=done, on_error=self._failed)
