"""Camera and process health alerts on the supervisor's awaiting-action queue: a watched signal of a
product's pictures (brightness, contrast, focus, the part's position) or its good parts' scores drifted
from calibration. Each open alert is listed with what changed in the reader's language, the product, view,
station and when; a supervisor or admin acknowledges it (audited, pushed to the centre) and it leaves the
queue (and the bench's banner)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from station.domain.health_alerts import HealthAlertEntry
from station.ui.env import ScreenEnv
from station.ui.supervisor.alert_panel import AlertQueuePanel, shown_time
from station.ui.widgets.names import health_alert_name, health_alert_text


class HealthAlertsPanel(AlertQueuePanel):
    """Open health alerts of the selected product (all products when none is selected), newest first."""

    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, "HealthAlerts", "warning", parent)

    def ack_label(self) -> str:
        return self.tr("Acknowledge")

    def headers(self) -> list[str]:
        return [self.tr("Alert"), self.tr("What changed"), self.tr("Product"), self.tr("View"), self.tr("Station"),
                self.tr("Raised")]

    def reader(self) -> Callable[[], list[HealthAlertEntry]]:
        product, service = self.env.session.product, self.env.services.health_alerts
        code = product.code if product else None
        return lambda: service.open_alerts(code)

    def ordered(self, alerts: list[HealthAlertEntry]) -> list[HealthAlertEntry]:
        return list(reversed(alerts))

    def title_text(self, count: int) -> str:
        return self.tr("1 camera or process alert") if count == 1 else \
            self.tr("{0} camera or process alerts").format(count)

    def rows(self, alerts: list[HealthAlertEntry]) -> list[list[str]]:
        return [[health_alert_name(a.kind.value), self.alert_text(a), a.product_code, a.view or "—",
                 a.alert.station_code or "—", shown_time(a.raised_at)] for a in alerts]

    @staticmethod
    def alert_text(alert: HealthAlertEntry) -> str:
        return health_alert_text(alert.kind.value, alert.alert.params, alert.alert.message)

    def detail_text(self, alert: HealthAlertEntry | None) -> str:
        if alert is None:
            return self.tr("Select an alert to see what changed and acknowledge it.")
        return self.tr("{0} Measured {1:.3g} against {2:.3g} at calibration, after {3} parts.").format(
            self.alert_text(alert), alert.alert.value, alert.alert.baseline, alert.alert.parts_seen)

    def acknowledger(self, alert: HealthAlertEntry) -> Callable[[], HealthAlertEntry | None]:
        service, user = self.env.services.health_alerts, self.env.session.user
        return lambda: service.acknowledge(alert.alert_id, user)

    def acknowledged_text(self, alert: HealthAlertEntry) -> str:
        return self.tr("Alert \"{0}\" of {1} acknowledged.").format(health_alert_name(alert.kind.value),
                                                                   alert.product_code)
