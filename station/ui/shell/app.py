"""Starting the Qt application: QApplication with font, theme and language, the main window, the camera."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from station.domain.camera import CameraSpec
from station.ui.shell import appearance
from station.ui.shell.main_window import MainWindow
from station.ui.services import GuiServices


def qt_application(argv: Sequence[str] | None = None) -> QApplication:
    """The process's QApplication (created once), with the CJK font, theme and language applied."""
    app = QApplication.instance()
    if app is None:
        QApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(list(argv or sys.argv[:1]))
        app.setApplicationName("Inspection Station")
        app.setOrganizationName("inspection-station")
    return app  # type: ignore[return-value]


def open_station(services: GuiServices, *, camera: CameraSpec | None = None) -> MainWindow:
    """Applies appearance settings, creates the main window and starts the camera (settings' or ``camera``)."""
    app = qt_application()
    appearance.apply_font(app)
    appearance.apply_theme(app, services.settings.theme)
    appearance.apply_language(app, services.settings.language)
    window = MainWindow(services)
    spec = camera or services.station_settings.camera()
    try:
        window.camera.open(spec)
    except Exception as exc:  # noqa: BLE001 - a bad camera setting must not stop the station from opening
        window.status.showMessage(window.tr("Camera not started: {0}").format(exc), 15000)
    return window


def run_station(services: GuiServices, *, camera: CameraSpec | None = None) -> int:
    app = qt_application()
    window = open_station(services, camera=camera)
    window.show()
    return app.exec()
