"""Fixtures of the GUI tests: a real local store with the demo product and one user per role, the GUI
services of the real assembly, a replay camera on generated frames, and a signed-in main window."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from station.app.context import AppContext, build_context  # noqa: E402
from station.app.gui import build_gui_services  # noqa: E402
from station.domain.camera import CameraSpec  # noqa: E402
from station.resources import resources_dir  # noqa: E402
from station.services.catalog import import_defect_mapping  # noqa: E402

PASSWORD = "password123"
ROLE_USERS = {"admin": "admin", "manager": "manager", "worker": "worker", "viewer": "viewer"}


def write_replay_frames(folder: Path, count: int = 4, size: int = 96) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        img = np.full((size, size, 3), 30, np.uint8)
        cv2.circle(img, (size // 2, size // 2), size // 3, (150 + 20 * i, 150, 150), -1)
        cv2.imwrite(str(folder / f"frame_{i:02d}.png"), img)
    return folder


@pytest.fixture
def station_ctx(tmp_path: Path) -> Iterator[AppContext]:
    ctx = build_context()
    import_defect_mapping(ctx.catalog, resources_dir() / "demo" / "demo_product.json")
    for role, username in ROLE_USERS.items():
        ctx.users.add_user(username, f"{username}@example.com", PASSWORD, [role], full_name=f"{role.title()} User")
    yield ctx
    ctx.close()


@pytest.fixture
def replay_folder(tmp_path: Path) -> Path:
    return write_replay_frames(tmp_path / "replay")


@pytest.fixture
def gui_services(station_ctx: AppContext, replay_folder: Path):  # type: ignore[no-untyped-def]
    services = build_gui_services(station_ctx)
    services.station_settings.update_camera(CameraSpec(source=str(replay_folder), fps=20), None)
    return services


@pytest.fixture
def main_window(qtbot, gui_services):  # type: ignore[no-untyped-def]
    from station.ui import appearance
    from station.ui.main_window import MainWindow

    app = __import__("PySide6.QtWidgets", fromlist=["QApplication"]).QApplication.instance()
    appearance.apply_font(app)
    appearance.apply_theme(app, "light")
    appearance.apply_language(app, "en")
    window = MainWindow(gui_services)
    qtbot.addWidget(window)
    window.resize(1440, 900)
    window.camera.open(gui_services.station_settings.camera())
    window.show()
    yield window
    window.close()
    window.runner.wait_idle(10000)


def sign_in(qtbot, window, username: str, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    window.login.username.setText(username)
    window.login.password.setText(password)
    window.login.submit()
    qtbot.waitUntil(lambda: window.session is not None and window.workspace is not None
                    and window.root.currentWidget() is window.workspace, timeout=15000)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
