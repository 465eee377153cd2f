"""The shell's own texts: role names (not role codes) in the header and the status bar, in English and
Korean; the keyboard-shortcuts list as aligned columns; the status bar's model line in the UI language."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from tests.support.ui import gui_services, main_window, replay_folder, sign_in, station_ctx  # noqa: F401


def _header_user(window) -> str:  # type: ignore[no-untyped-def]
    return window.workspace.findChild(QLabel, "HeaderUser").text()


def test_header_and_status_bar_show_role_names(qtbot, main_window) -> None:  # noqa: F811
    sign_in(qtbot, main_window, "admin")
    assert _header_user(main_window).endswith("· Administrator"), _header_user(main_window)
    assert "(Administrator)" in main_window.status.user_label.text()
    assert "(admin)" not in main_window.status.user_label.text()
    main_window.language_combo.setCurrentIndex(main_window.language_combo.findData("ko"))
    try:
        assert _header_user(main_window).endswith("· 시스템 관리자"), _header_user(main_window)
        assert "(시스템 관리자)" in main_window.status.user_label.text()
    finally:
        main_window.language_combo.setCurrentIndex(main_window.language_combo.findData("en"))


def test_shortcuts_list_is_a_table_and_rating_keys_work_on_the_whole_bench(qtbot, main_window) -> None:  # noqa: F811
    sign_in(qtbot, main_window, "worker")
    box = main_window.show_shortcuts()
    try:
        assert box.textFormat() == Qt.TextFormat.RichText
        text = box.text()
        assert text.startswith("<table>") and text.count("<tr>") == len(main_window.shortcuts())
        assert "feedback tab" not in text and "once a result is shown" in text
    finally:
        box.close()


def test_model_line_in_the_ui_language(qtbot, main_window) -> None:  # noqa: F811
    sign_in(qtbot, main_window, "admin")
    status = main_window.status
    status.show_model("mobilenet_v2 (degraded) · cpu · guide: template")
    assert status.model_label.text() == "Model: mobilenet_v2 (degraded) · cpu · guide: basic template"
    main_window.language_combo.setCurrentIndex(main_window.language_combo.findData("ko"))
    try:
        assert status.model_label.text() == "모델: mobilenet_v2 (성능 저하) · cpu · 가이드: 기본 템플릿"
        status.show_model("resnet18 · cuda · guide: qwen2.5-1.5b-instruct-q4_k_m.gguf")
        assert status.model_label.text() == "모델: resnet18 · cuda · 가이드: qwen2.5-1.5b-instruct-q4_k_m.gguf"
    finally:
        main_window.language_combo.setCurrentIndex(main_window.language_combo.findData("en"))
