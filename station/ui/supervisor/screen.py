"""The supervisor screen: tabs for defects awaiting action, history, dashboard and shift report.

The lists follow the records: a recorded inspection, a logged action or a sync pass that moved rows
refreshes them (debounced), as does switching to the screen or to a tab."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from station.domain.catalog import ProductInfo
from station.ui.env import ScreenEnv
from station.ui.supervisor.dashboard import DashboardView
from station.ui.supervisor.queues import AwaitingActionView, HistoryView
from station.ui.supervisor.shift_report import ShiftReportView


class SupervisorScreen(QWidget):
    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.setObjectName("SupervisorScreen")
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.awaiting = AwaitingActionView(env)
        self.history = HistoryView(env)
        self.dashboard = DashboardView(env)
        self.shift = ShiftReportView(env)
        self.tabs.addTab(self.awaiting, self.tr("Awaiting action"))
        self.tabs.addTab(self.history, self.tr("History"))
        self.tabs.addTab(self.dashboard, self.tr("Dashboard"))
        self.tabs.addTab(self.shift, self.tr("Shift report"))
        layout.addWidget(self.tabs)
        self.awaiting.action_logged.connect(lambda _id: self.dashboard.refresh())
        self._follow = QTimer(self)
        self._follow.setSingleShot(True)
        self._follow.setInterval(250)  # a burst of changes (a sync pass) refreshes once
        self._follow.timeout.connect(self.refresh)
        env.changes.records_changed.connect(self._records_changed)
        self.tabs.currentChanged.connect(lambda _i: self.refresh_current())
        self.refresh()

    def _records_changed(self, _change: object) -> None:
        self._follow.start()

    def refresh_current(self) -> None:
        view = self.tabs.currentWidget()
        if hasattr(view, "refresh"):
            view.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if not event.spontaneous():
            self.refresh()

    def refresh(self) -> None:
        for view in (self.awaiting, self.history, self.dashboard):
            view.refresh()

    def product_changed(self, product: ProductInfo) -> None:
        self.refresh()
