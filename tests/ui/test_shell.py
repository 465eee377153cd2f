"""The station shell on real widgets (offscreen): sign-in per role and what each role can reach,
wrong passwords, product selector, status bar, language and theme switches, keyboard navigation."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize, Qt

from station.domain.camera import CameraState
from station.ui.permissions import Screen
from station.ui.shell.main_window import PREFERRED_SIZE, fitted_size
from tests.support.ui import gui_services, main_window, replay_folder, sign_in, station_ctx  # noqa: F401

EXPECTED_SCREENS = {
    "admin": [Screen.BENCH, Screen.SUPERVISOR, Screen.TECHNICIAN, Screen.ADMIN],
    "manager": [Screen.BENCH, Screen.SUPERVISOR, Screen.TECHNICIAN, Screen.ADMIN],
    "worker": [Screen.BENCH],
    "viewer": [Screen.SUPERVISOR],
}


@pytest.mark.parametrize("role", list(EXPECTED_SCREENS))
def test_each_role_sees_only_its_screens(qtbot, main_window, role: str) -> None:  # noqa: F811
    sign_in(qtbot, main_window, role)
    assert list(main_window.screens) == EXPECTED_SCREENS[role]
    assert main_window.nav.count() == len(EXPECTED_SCREENS[role])
    for screen in Screen:
        assert main_window.show_screen(screen) is (screen in EXPECTED_SCREENS[role])
    if role == "viewer":  # read-only: no action logging
        supervisor = main_window.screens[Screen.SUPERVISOR]
        assert not supervisor.awaiting.action_button.isVisibleTo(supervisor)
    if role == "manager":  # managers handle products and data, not accounts
        admin = main_window.screens[Screen.ADMIN]
        assert "users" not in admin.views and {"catalog", "library", "manuals"} <= set(admin.views)
    if role == "admin":
        assert "users" in main_window.screens[Screen.ADMIN].views
    if role == "worker":
        bench = main_window.screens[Screen.BENCH]
        assert bench.guide.isTabVisible(2), "workers give feedback"


def test_wrong_password_is_refused_with_one_message(qtbot, main_window) -> None:  # noqa: F811
    main_window.login.username.setText("worker")
    main_window.login.password.setText("wrong-password")
    main_window.login.submit()
    qtbot.waitUntil(lambda: main_window.login.message.level == "error", timeout=10000)
    assert "wrong user name or password" in main_window.login.message.text()
    assert main_window.session is None and main_window.root.currentWidget() is main_window.login


def test_product_selector_status_bar_and_sign_out(qtbot, main_window) -> None:  # noqa: F811
    sign_in(qtbot, main_window, "admin")
    assert main_window.product_combo.currentData() == "demo-cast"
    assert main_window.session.product.code == "demo-cast"
    qtbot.waitUntil(lambda: main_window.camera.status.state is CameraState.LIVE, timeout=10000)
    qtbot.waitUntil(lambda: "fps" in main_window.status.camera_label.text(), timeout=10000)
    assert "admin" in main_window.status.user_label.text() and "demo-cast" in main_window.status.user_label.text()
    qtbot.waitUntil(lambda: main_window.status.sync_label.text() == "Sync: local only", timeout=10000)
    assert "No central database" in main_window.status.sync_label.toolTip()
    qtbot.keyClick(main_window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert main_window.current_screen() is Screen.SUPERVISOR
    box = main_window.show_shortcuts()
    assert "Space" in box.text() and "Ctrl+L" in box.text()
    box.close()
    qtbot.keyClick(main_window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert main_window.session is None and main_window.root.currentWidget() is main_window.login


def test_korean_switch_translates_the_workspace_and_theme_switches(qtbot, main_window) -> None:  # noqa: F811
    from PySide6.QtWidgets import QApplication

    sign_in(qtbot, main_window, "admin")
    main_window.show_screen(Screen.SUPERVISOR)
    main_window.language_combo.setCurrentIndex(main_window.language_combo.findData("ko"))
    assert main_window.language == "ko"
    labels = [main_window.nav.item(i).text() for i in range(main_window.nav.count())]
    assert labels == ["검사대", "감독", "기술자", "관리"]
    assert main_window.current_screen() is Screen.SUPERVISOR, "the current screen survives the switch"
    main_window.set_theme("dark")
    assert QApplication.instance().property("station_theme") == "dark"
    assert "#14171c" in QApplication.instance().styleSheet()
    main_window.language_combo.setCurrentIndex(main_window.language_combo.findData("en"))
    assert main_window.nav.item(0).text() == "Bench"
    main_window.runner.wait_idle(5000)


def test_the_first_window_fits_the_screen_it_opens_on() -> None:
    assert fitted_size(QSize(1366, 728)) == QSize(1366, 728), "a 1366×768 panel with a taskbar"
    assert fitted_size(QSize(2560, 1400)) == PREFERRED_SIZE
    assert fitted_size(None) == PREFERRED_SIZE



def test_a_long_status_line_shortens_instead_of_widening_the_window(qtbot, main_window) -> None:  # noqa: F811
    sign_in(qtbot, main_window, "admin")
    status = main_window.status
    status.show_model("mobilenet_v2 · cpu · onnxruntime · guide: qwen2.5-coder-1.5b-instruct-q4_k_m.gguf" * 3)
    status.show_line("ok", "mqtt 10.20.30.40:1883, modbus 10.20.30.41:502, opcua 0.0.0.0:4840 · online")
    status.show_build("a-product-with-a-long-code", 42)
    main_window.resize(1366, 768)
    qtbot.waitUntil(lambda: main_window.width() == 1366, timeout=5000)
    assert main_window.minimumSizeHint().width() <= 1366, "the status bar must not widen the window"
    assert status.model_label.elided() and status.model_label.width() < status.model_label.sizeHint().width()
    assert status.model_label.text().endswith(".gguf"), "the label keeps its whole text (tooltip, tests)"
