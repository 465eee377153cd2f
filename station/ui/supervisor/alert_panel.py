"""The frame every alert list on the supervisor's awaiting-action queue shares: a title, the panel's buttons
ending with Acknowledge, the table of open alerts, a detail line and a message bar. It reads the open alerts
off the GUI thread, keeps the selection across reloads, hides itself while there is no alert (but shows an
error) and acknowledges the selected alert as a job. A panel says what its alerts are: the table's columns
and rows, its texts, and how its alerts are read and acknowledged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from station.domain.reports import local_time
from station.ui.env import ScreenEnv
from station.ui.jobs import RequestTracker
from station.ui.permissions import Capability
from station.ui.widgets.feedback import MessageBar
from station.ui.widgets.tables import DataTable


def shown_time(moment: datetime | None) -> str:
    """A stored moment in the station's local time, to the minute ("—" when unknown)."""
    shown = local_time(moment)
    return shown.strftime("%Y-%m-%d %H:%M") if shown else "—"


class AlertQueuePanel(QFrame):
    """Open alerts of one kind; subclasses give the texts and the service calls (every ``tr`` text is theirs)."""

    def __init__(self, env: ScreenEnv, name: str, level: str, parent: QWidget | None = None) -> None:
        """``name``: the object-name prefix of the panel's widgets; ``level``: the title's style level."""
        super().__init__(parent)
        self.env = env
        self.setObjectName(f"{name}Panel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.alerts: list[Any] = []
        self.requests = RequestTracker()
        layout = QVBoxLayout(self)
        self.top = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName(f"{name}Title")
        self.title.setProperty("level", level)
        self.top.addWidget(self.title)
        self.top.addStretch(1)
        self.ack_button = QPushButton(self.ack_label())
        self.ack_button.setObjectName("PrimaryButton")
        self.ack_button.setVisible(env.can(Capability.LOG_ACTION))
        self.ack_button.setEnabled(False)
        self.top.addWidget(self.ack_button)
        layout.addLayout(self.top)
        self.table = DataTable(self.headers())
        self.table.setObjectName(f"{name}Table")
        self.table.setMaximumHeight(160)
        layout.addWidget(self.table)
        self.detail = QLabel()
        self.detail.setObjectName(f"{name}Detail")
        self.detail.setWordWrap(True)
        layout.addWidget(self.detail)
        self.message = MessageBar()
        layout.addWidget(self.message)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.ack_button.clicked.connect(self.acknowledge_selected)
        self.setVisible(False)

    # what a panel says about its alerts
    def ack_label(self) -> str:
        raise NotImplementedError

    def headers(self) -> list[str]:
        raise NotImplementedError

    def reader(self) -> Callable[[], list[Any]]:
        """The read of the open alerts, run off the GUI thread (take what it needs from the screen here)."""
        raise NotImplementedError

    def rows(self, alerts: list[Any]) -> list[list[str]]:
        raise NotImplementedError

    def title_text(self, count: int) -> str:
        raise NotImplementedError

    def detail_text(self, alert: Any | None) -> str:
        raise NotImplementedError

    def acknowledger(self, alert: Any) -> Callable[[], Any]:
        """The acknowledgement of ``alert`` by the signed-in user, run off the GUI thread."""
        raise NotImplementedError

    def acknowledged_text(self, alert: Any) -> str:
        raise NotImplementedError

    def ordered(self, alerts: list[Any]) -> list[Any]:
        """The alerts in the table's order (as read, unless a panel says otherwise)."""
        return alerts

    # the shared behaviour
    def add_button(self, button: QPushButton) -> None:
        """A button of the panel's own, before Acknowledge (enabled by the panel on selection)."""
        button.setEnabled(False)
        self.top.insertWidget(self.top.indexOf(self.ack_button), button)

    def refresh(self) -> None:
        request = self.requests.begin("alerts")
        self.env.runner.submit(lambda _ctx, read=self.reader(): read(), name=f"{self.objectName()}-read", owner=self,
                               request=(self.requests, "alerts", request), on_done=self.show_alerts,
                               on_error=self._failed)

    def _failed(self, error: BaseException) -> None:
        self.setVisible(True)  # hidden while there is no alert: the error must still be seen
        self.message.show_error(error)

    def show_alerts(self, alerts: list[Any]) -> None:
        selected = self.table.selected_id()
        self.alerts = self.ordered(list(alerts))
        self.title.setText(self.title_text(len(self.alerts)))
        self.table.set_rows(self.rows(self.alerts), [a.alert_id for a in self.alerts])
        self.setVisible(bool(self.alerts))
        if selected is not None:
            self.table.select_id(selected)
        self._selection_changed()

    def selected_alert(self) -> Any | None:
        wanted = self.table.selected_id()
        return next((a for a in self.alerts if a.alert_id == wanted), None)

    def _selection_changed(self) -> None:
        alert = self.selected_alert()
        self.ack_button.setEnabled(alert is not None)
        self.detail.setText(self.detail_text(alert))

    def acknowledge_selected(self) -> None:
        alert = self.selected_alert()
        if alert is None or not self.env.can(Capability.LOG_ACTION):
            return

        def done(_acknowledged: object) -> None:
            self.message.show_message(self.acknowledged_text(alert), "info", 5000)
            self.refresh()

        self.env.runner.submit(lambda _ctx, call=self.acknowledger(alert): call(),
                               name=f"{self.objectName()}-acknowledge", owner=self, on_done=done,
                               on_error=self._failed)
