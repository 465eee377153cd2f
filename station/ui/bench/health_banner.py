"""The bench's health banner: the open camera/process health alerts of the bench's product, above the bench
and never in the verdict's place. It appears when an inspection raised an alert (or one is still open when
the product is chosen), says what changed in the worker's language (from the alert's kind and numbers, not
the stored English sentence) and stays until a supervisor acknowledges the alert (here, for a supervisor or
admin at the bench, or on the supervisor's queue) or the worker dismisses it for the shift (this bench only;
it comes back at the next shift while still open). It never blocks inspecting. The newest alert is shown,
with how many more are open. Dismissals belong to the signed-in session: they survive the bench being
rebuilt (a language switch) and are forgotten at sign-out."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from station.domain.health import HealthAlert
from station.domain.health_alerts import HealthAlertEntry
from station.domain.spc import shift_start
from station.services.shared.changes import RecordsChanged
from station.ui.env import ScreenEnv
from station.ui.jobs import RequestTracker
from station.ui.permissions import Capability
from station.ui.widgets.names import health_alert_name, health_alert_text

_DISMISSED: dict[int, tuple[weakref.ref[Any], dict[int, datetime]]] = {}


def dismissals_of(session: Any) -> dict[int, datetime]:
    """The alerts ``session``'s worker dismissed (alert_id -> start of the shift), one dict per session."""
    for key in [k for k, (ref, _d) in _DISMISSED.items() if ref() is None]:
        del _DISMISSED[key]
    ref, dismissed = _DISMISSED.get(id(session), (None, None))
    if ref is None or ref() is not session or dismissed is None:
        dismissed = {}
        _DISMISSED[id(session)] = (weakref.ref(session), dismissed)
    return dismissed


class HealthBanner(QFrame):
    """Open health alerts of the bench's product; ``clock`` gives the local time (the shift of a dismissal)."""

    def __init__(self, env: ScreenEnv, clock: Callable[[], datetime] = datetime.now,
                 on_error: Callable[[BaseException], object] = lambda _error: None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.clock = clock
        self._on_error = on_error  # one line on the bench (an acknowledgement refused, the store unreadable)
        self.setObjectName("HealthBanner")
        self.alerts: list[HealthAlertEntry] = []
        self.dismissed = dismissals_of(env.session)  # alert_id -> start of the shift it was dismissed in
        self.requests = RequestTracker()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 6, 4)
        self.title = QLabel()
        self.title.setObjectName("HealthAlertTitle")
        self.text = QLabel()
        self.text.setObjectName("HealthAlertText")
        self.text.setWordWrap(True)
        self.more = QLabel()
        self.more.setObjectName("Subtle")
        self.dismiss_button = QPushButton(self.tr("Dismiss for this shift"))
        self.dismiss_button.setToolTip(self.tr("Hides this alert on this bench until the next shift; it stays "
                                               "open for the supervisor."))
        self.ack_button = QPushButton(self.tr("Acknowledge"))
        self.ack_button.setVisible(env.can(Capability.LOG_ACTION))
        layout.addWidget(self.title)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.more)
        layout.addWidget(self.dismiss_button)
        layout.addWidget(self.ack_button)
        self.dismiss_button.clicked.connect(self.dismiss)
        self.ack_button.clicked.connect(self.acknowledge)
        env.changes.records_changed.connect(self._records_changed)
        self.setVisible(False)

    # Loading ---------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reads the open alerts of the bench's product (in the background)."""
        product, service = self.env.session.product, self.env.services.health_alerts
        request = self.requests.begin("alerts")
        if product is None:
            self.show_alerts([])
            return
        code = product.code
        self.env.runner.submit(lambda _ctx: service.open_alerts(code), name="health-alerts", owner=self,
                               request=(self.requests, "alerts", request), on_done=self.show_alerts,
                               on_error=self._failed)

    def raised(self, alerts: tuple[HealthAlert, ...]) -> None:
        """An inspection raised ``alerts`` (already stored by the health watch): the banner shows them."""
        if alerts:
            self.refresh()

    def _records_changed(self, change: RecordsChanged) -> None:
        if change.kind == "health":
            self.refresh()

    def _failed(self, error: BaseException) -> None:
        self._on_error(error)

    # Showing ---------------------------------------------------------------------------------------
    def visible_alerts(self) -> list[HealthAlertEntry]:
        """The open alerts not dismissed in this shift, oldest first."""
        shift = shift_start(self.clock())
        return [a for a in self.alerts if self.dismissed.get(a.alert_id) != shift]

    @property
    def shown(self) -> HealthAlertEntry | None:
        """The alert the banner shows (the newest visible one)."""
        visible = self.visible_alerts()
        return visible[-1] if visible else None

    def show_alerts(self, alerts: list[HealthAlertEntry]) -> None:
        self.alerts = list(alerts)
        visible = self.visible_alerts()
        shown = visible[-1] if visible else None
        self.setVisible(shown is not None)
        if shown is None:
            return
        name = health_alert_name(shown.kind.value)
        self.title.setText(f"⚠ {name}" if shown.view is None else f"⚠ {name} · {shown.view}")
        self.text.setText(health_alert_text(shown.kind.value, shown.alert.params, shown.alert.message))
        others = len(visible) - 1
        self.more.setText("" if others == 0 else self.tr("+{0} more").format(others))
        self.more.setVisible(others > 0)

    # Actions ---------------------------------------------------------------------------------------
    def dismiss(self) -> None:
        """Hides the shown alert on this bench until the next shift (it stays open for the supervisor)."""
        shown = self.shown
        if shown is not None:
            self.dismissed[shown.alert_id] = shift_start(self.clock())
            self.show_alerts(self.alerts)

    def acknowledge(self) -> None:
        """A supervisor or admin at the bench acknowledges the shown alert (audited, pushed to the centre)."""
        shown = self.shown
        if shown is None or not self.env.can(Capability.LOG_ACTION):
            return
        service, user = self.env.services.health_alerts, self.env.session.user
        self.ack_button.setEnabled(False)

        def ended(*_: object) -> None:
            self.ack_button.setEnabled(True)
            self.refresh()

        def failed(error: BaseException) -> None:
            ended()
            self._failed(error)

        self.env.runner.submit(lambda _ctx: service.acknowledge(shown.alert_id, user), name="acknowledge-health",
                               owner=self, on_done=ended, on_error=failed)
