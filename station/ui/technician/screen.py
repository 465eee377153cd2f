"""The technician screen: camera, preprocessing and ROI, thresholds and calibration, threshold proposals
from the line's history, model builds, and the audit trail of settings changes."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from station.domain.audit import AuditEntry
from station.domain.catalog import ProductInfo
from station.ui.env import ScreenEnv
from station.ui.technician.builds import BuildsView
from station.ui.technician.camera_settings import CameraSettingsView
from station.ui.technician.history_proposals import HistoryProposalsView
from station.ui.technician.preprocessing import PreprocessingView
from station.ui.technician.thresholds import ThresholdsView
from station.ui.widgets.feedback import MessageBar
from station.ui.widgets.tables import DataTable


class AuditView(QWidget):
    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        layout = QVBoxLayout(self)
        self.message = MessageBar()
        layout.addWidget(self.message)
        self.table = DataTable([self.tr("When"), self.tr("User"), self.tr("Table"), self.tr("Operation"),
                                self.tr("Before"), self.tr("After")])
        self.table.setObjectName("AuditTable")
        layout.addWidget(self.table)

    def refresh(self) -> None:
        self.env.runner.submit(lambda _ctx: self.env.services.station_settings.audit_history(100), name="audit",
                               on_done=self._show, on_error=self.message.show_error)

    def _show(self, entries: list[AuditEntry]) -> None:
        def text(data: object) -> str:
            return "" if data is None else json.dumps(data, ensure_ascii=False, default=str)[:200]

        self.table.set_rows([[str(e.logged_at or "")[:19], e.user_id, e.table_name, e.operation, text(e.old_data),
                              text(e.new_data)] for e in entries], [e.log_id for e in entries])


class TechnicianScreen(QWidget):
    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.setObjectName("TechnicianScreen")
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.camera = CameraSettingsView(env)
        self.preprocessing = PreprocessingView(env)
        self.thresholds = ThresholdsView(env)
        self.builds = BuildsView(env)
        self.history = HistoryProposalsView(env)
        self.audit = AuditView(env)
        self.tabs.addTab(self.camera, self.tr("Camera"))
        self.tabs.addTab(self.preprocessing, self.tr("Preprocessing and ROI"))
        self.tabs.addTab(self.thresholds, self.tr("Thresholds and calibration"))
        self.tabs.addTab(self.history, self.tr("Thresholds from history"))
        self.tabs.addTab(self.builds, self.tr("Model builds"))
        self.tabs.addTab(self.audit, self.tr("Change log"))
        layout.addWidget(self.tabs)
        self.tabs.currentChanged.connect(lambda _i: self.audit.refresh())
        self.builds.built.connect(lambda _pid: self.thresholds.refresh())
        self.history.applied.connect(lambda _pid: self.thresholds.refresh())
        self.refresh()

    def refresh(self) -> None:
        for view in (self.camera, self.preprocessing, self.thresholds, self.history, self.builds, self.audit):
            view.refresh()

    def product_changed(self, product: ProductInfo) -> None:
        for view in (self.preprocessing, self.thresholds, self.history, self.builds):
            view.refresh()
