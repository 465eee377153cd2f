"""Translations: every UI string has a Korean translation, the compiled .qm matches the .ts, and Korean
text renders with a Hangul-capable font."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from station.ui import i18n_tool  # noqa: E402

I18N = i18n_tool.I18N


def test_every_ui_string_is_translated_to_korean() -> None:
    missing = i18n_tool.check(I18N / "station_ko.ts")
    assert missing == [], f"run `python -m station.ui.i18n_tool` after adding them to ko_glossary.json: {missing}"


def test_no_ui_string_hides_inside_an_f_string() -> None:
    """lupdate does not read the replacement fields of f-strings: a tr() there is never translated."""
    hidden = re.compile(r"""\bf(["'])[^\n]*?\{[^}\n]*\btr\(""")
    found = [f"{path.name}:{n}" for path in i18n_tool.sources()
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if hidden.search(line)]
    assert found == [], f"move these tr() calls out of their f-strings: {found}"


def test_compiled_translations_are_up_to_date(tmp_path: Path) -> None:
    fresh = tmp_path / "station_ko.qm"
    i18n_tool.release(I18N / "station_ko.ts", fresh)
    assert fresh.read_bytes() == (I18N / "station_ko.qm").read_bytes(), "run `python -m station.ui.i18n_tool`"


def test_lrelease_ships_with_the_venv() -> None:
    assert Path(sys.executable).with_name("pyside6-lrelease").exists() or shutil.which("pyside6-lrelease")


def test_korean_renders_with_a_hangul_font(qapp) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QFontDatabase, QFontMetrics, QRawFont

    from station.ui.shell import appearance

    family = appearance.apply_font(qapp)
    if family is None:
        pytest.fail("no Hangul-capable font installed: run scripts/setup.sh (fonts-nanum)")
    assert QFontDatabase.WritingSystem.Korean in QFontDatabase.writingSystems(family)
    raw = QRawFont.fromFont(qapp.font(), QFontDatabase.WritingSystem.Korean)
    assert all(raw.supportsCharacter(ord(ch)) for ch in "검사대불합격"), "glyphs for Hangul are present"
    assert QFontMetrics(qapp.font()).horizontalAdvance("검사") > 0
    assert appearance.apply_language(qapp, "ko") and qapp.translate("MainWindow", "Bench") == "검사대"
    assert appearance.apply_language(qapp, "en") and qapp.translate("MainWindow", "Bench") == "Bench"


def test_check_mode_leaves_the_committed_file_alone() -> None:
    before = (I18N / "station_ko.ts").read_bytes()
    result = subprocess.run([sys.executable, "-m", "station.ui.i18n_tool", "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (I18N / "station_ko.ts").read_bytes() == before


def test_qt_standard_buttons_follow_the_language(qapp) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

    from station.ui.shell import appearance

    assert appearance.qt_translation_file("ko").exists(), "PySide6 ships qtbase_ko.qm"
    buttons = QDialogButtonBox.StandardButton

    def texts() -> list[str]:
        box = QDialogButtonBox(buttons.Save | buttons.Discard | buttons.Cancel | buttons.Ok)
        message = QMessageBox(QMessageBox.Icon.Question, "t", "t", QMessageBox.StandardButton.Save)
        result = [box.button(b).text().replace("&", "") for b in (buttons.Save, buttons.Discard, buttons.Cancel,
                                                                   buttons.Ok)]
        result.append(message.button(QMessageBox.StandardButton.Save).text().replace("&", ""))
        box.deleteLater()
        message.deleteLater()
        return result

    try:
        assert appearance.apply_language(qapp, "ko")
        korean = texts()
        assert all(any("\uac00" <= ch <= "\ud7a3" for ch in text) for text in korean), korean
        assert qapp.translate("MainWindow", "Bench") == "검사대"
    finally:
        assert appearance.apply_language(qapp, "en")
    assert texts() == ["Save", "Discard", "Cancel", "OK", "Save"]
