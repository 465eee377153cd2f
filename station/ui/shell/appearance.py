"""Look and language of the application: CJK-capable font, light/dark ``.qss`` theme, Qt translators."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

from station.resources import resources_dir

LANGUAGES = {"en": "English", "ko": "한국어"}
THEMES = ("light", "dark")
# Families tried in order; the first installed one that renders Hangul becomes the application font.
FONT_FAMILIES = ("NanumGothic", "NanumBarunGothic", "Noto Sans CJK KR", "Noto Sans KR", "Malgun Gothic",
                 "Apple SD Gothic Neo", "UnDotum")

_translators: list[QTranslator] = []


def pick_font_family() -> str | None:
    families = set(QFontDatabase.families())
    for family in FONT_FAMILIES:
        if family in families:
            return family
    for family in sorted(families):  # any family that claims Korean
        if QFontDatabase.WritingSystem.Korean in QFontDatabase.writingSystems(family):
            return family
    return None


def apply_font(app: QApplication, point_size: int = 10) -> str | None:
    family = pick_font_family()
    font = QFont(family) if family else app.font()
    font.setPointSize(point_size)
    app.setFont(font)
    return family


def theme_path(theme: str) -> Path:
    return resources_dir() / "themes" / f"{theme if theme in THEMES else 'light'}.qss"


def apply_theme(app: QApplication, theme: str) -> None:
    """Loads ``resources/themes/<theme>.qss``; ``{icons}`` in the sheet becomes the icon folder."""
    sheet = theme_path(theme).read_text(encoding="utf-8")
    icons = (resources_dir() / "icons").as_posix()
    app.setStyleSheet(sheet.replace("{icons}", icons))
    app.setProperty("station_theme", theme)


def translation_file(language: str) -> Path:
    return resources_dir() / "i18n" / f"station_{language}.qm"


def qt_translation_file(language: str) -> Path:
    """Qt's own catalogue for ``language`` (standard buttons, dialogs), shipped with PySide6."""
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)) / f"qtbase_{language}.qm"


def apply_language(app: QCoreApplication, language: str) -> bool:
    """Installs the translators for ``language`` (English is the source language: no translator).

    Qt's own catalogue translates the standard buttons (Save, Discard, Cancel, OK) of message boxes and
    button boxes; the station's catalogue is installed after it, so the station's texts come first.
    """
    global _translators
    for old in _translators:
        app.removeTranslator(old)
    _translators = []
    QLocale.setDefault(QLocale(QLocale.Language.Korean if language == "ko" else QLocale.Language.English))
    if language == "en":
        return True
    translator = QTranslator(app)
    if not translator.load(str(translation_file(language))):
        return False
    qt_translator = QTranslator(app)
    if qt_translator.load(str(qt_translation_file(language))):
        app.installTranslator(qt_translator)
        _translators.append(qt_translator)
    app.installTranslator(translator)
    _translators.append(translator)
    return True


def icon(name: str) -> QIcon:
    path = resources_dir() / "icons" / f"{name}.svg"
    return QIcon(str(path)) if path.exists() else QIcon()
