"""The bench's technician tools, under the live view: "Line I/O…" (the station's line wiring) and "New
product from live camera…" (few-shot onboarding). Shown only to roles that may use them."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from station.ui.bench.line_settings_dialog import LineSettingsDialog
from station.ui.bench.onboard_dialog import OnboardDialog
from station.ui.env import ScreenEnv
from station.ui.permissions import Capability


class BenchTools(QWidget):
    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.dialog: LineSettingsDialog | OnboardDialog | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.line_button = QPushButton(self.tr("Line I/O…"))
        self.line_button.setObjectName("LineSettingsButton")
        self.onboard_button = QPushButton(self.tr("New product from live camera…"))
        self.onboard_button.setObjectName("OnboardButton")
        row.addWidget(self.line_button)
        row.addWidget(self.onboard_button)
        row.addStretch(1)
        self.line_button.setVisible(env.can(Capability.EDIT_SETTINGS))
        self.onboard_button.setVisible(env.can(Capability.BUILD_MODELS) and env.can(Capability.MANAGE_CATALOG))
        self.setVisible(self.line_button.isVisibleTo(self) or self.onboard_button.isVisibleTo(self))
        self.line_button.clicked.connect(self.open_line_settings)
        self.onboard_button.clicked.connect(self.open_onboarding)

    def open_line_settings(self) -> LineSettingsDialog:
        return self._open(LineSettingsDialog(self.env, self))

    def open_onboarding(self) -> OnboardDialog:
        return self._open(OnboardDialog(self.env, self))

    def _open(self, dialog):  # type: ignore[no-untyped-def]
        self.dialog = dialog
        dialog.setModal(True)
        dialog.open()
        return dialog
