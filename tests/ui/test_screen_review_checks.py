"""The screen review's checks on deliberately broken and on sound widgets: a label, button, check box, group
title, tab or table header without room for its text is caught and one with room passes; elided text,
English left in the Korean UI, Korean left in the English UI and widgets outside their window are caught."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QGroupBox, QLabel, QListWidget, QPushButton, QRadioButton, QScrollArea, QTableWidget,
    QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from station.resources import resources_dir
from tests.support.screen_review import (
    Catalogue, ReviewContext, fit_findings, language_findings, placement_findings, report,
)

TEXT = "Thresholds and calibration"


@pytest.fixture(autouse=True, params=["plain", "light"])
def look(request: pytest.FixtureRequest, qapp) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Each check runs on Qt's own look and on the station's (its font and light theme), as the review
    does; the application's look is restored afterwards."""
    from station.ui.shell import appearance

    sheet, font = qapp.styleSheet(), qapp.font()
    if request.param == "plain":
        qapp.setStyleSheet("")
    else:
        appearance.apply_font(qapp)
        appearance.apply_theme(qapp, request.param)
    yield request.param
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.load(resources_dir() / "i18n" / "station_ko.ts")


def _ctx(catalogue: Catalogue, language: str = "en", user_data: frozenset[str] = frozenset()) -> ReviewContext:
    return ReviewContext("unit", language, "light", catalogue, user_data)


def _window(qtbot, child: QWidget, width: int, height: int = 0) -> QWidget:  # type: ignore[no-untyped-def]
    """A top-level window holding ``child`` at a fixed size (no layout: the size is what the test sets)."""
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(400, 300)
    child.setParent(window)
    child.move(10, 10)
    child.resize(width, height or child.sizeHint().height())
    window.show()
    qtbot.waitExposed(window)
    return window


def _fits(qtbot, catalogue: Catalogue, widget: QWidget,  # type: ignore[no-untyped-def]
          width: int, height: int = 0) -> list[str]:
    window = _window(qtbot, widget, width, height)
    return [f.problem for f in fit_findings(window, _ctx(catalogue))]


@pytest.mark.parametrize("make", [QLabel, QPushButton, QCheckBox, QRadioButton],
                         ids=["label", "button", "checkbox", "radio"])
def test_text_without_room_is_caught_and_with_room_passes(qtbot, catalogue: Catalogue,  # type: ignore[no-untyped-def]
                                                          make) -> None:
    roomy = make(TEXT)
    assert _fits(qtbot, catalogue, roomy, roomy.sizeHint().width() + 20) == []
    tight = make(TEXT)
    problems = _fits(qtbot, catalogue, tight, tight.fontMetrics().horizontalAdvance(TEXT) // 2)
    assert len(problems) == 1 and "clipped" in problems[0], problems


def test_a_label_cut_in_height_is_caught(qtbot, catalogue: Catalogue) -> None:
    label = QLabel("first line\nsecond line\nthird line")
    assert _fits(qtbot, catalogue, label, 300, label.sizeHint().height()) == []
    assert any("height" in p for p in _fits(qtbot, catalogue, QLabel("first line\nsecond line\nthird"), 300,
                                            QLabel("x").sizeHint().height()))


def test_word_wrapped_label_is_judged_by_its_height_for_width(qtbot, catalogue: Catalogue) -> None:
    text = "A technician builds the memory bank under Technician › Model builds before the bench inspects."
    roomy = QLabel(text)
    roomy.setWordWrap(True)
    assert _fits(qtbot, catalogue, roomy, 200, roomy.heightForWidth(200)) == []
    tight = QLabel(text)
    tight.setWordWrap(True)
    problems = _fits(qtbot, catalogue, tight, 200, tight.fontMetrics().height() + 2)
    assert len(problems) == 1 and "height" in problems[0], problems
    word = QLabel("Preprocessing")
    word.setWordWrap(True)
    assert "a word needs" in _fits(qtbot, catalogue, word, 20, 200)[0]


def test_label_with_a_margin_and_style_sheet_padding_counts_only_its_contents(qtbot, catalogue: Catalogue) -> None:
    label = QLabel(TEXT)
    label.setStyleSheet("QLabel { padding: 0 30px; }")
    width = label.fontMetrics().horizontalAdvance(TEXT) + 20  # enough without the padding, not with it
    assert _fits(qtbot, catalogue, label, width)


def test_elided_text_is_caught_but_a_ui_text_ending_with_an_ellipsis_is_not(qtbot, catalogue: Catalogue) -> None:
    assert "elided" in _fits(qtbot, catalogue, QLabel("Thresholds and cal…"), 300)[0]
    assert _fits(qtbot, catalogue, QLabel("Line I/O…"), 300) == []  # the catalogue's own text


def test_group_title_without_room_is_caught(qtbot, catalogue: Catalogue) -> None:
    for checkable in (False, True):
        box = QGroupBox(TEXT)
        box.setCheckable(checkable)
        assert _fits(qtbot, catalogue, box, box.fontMetrics().horizontalAdvance(TEXT) + 80, 60) == []
        box = QGroupBox(TEXT)
        box.setCheckable(checkable)
        problems = _fits(qtbot, catalogue, box, 60, 60)
        assert len(problems) == 1 and "title clipped" in problems[0], problems


def test_elided_tab_and_tab_behind_scroll_buttons_are_caught(qtbot, catalogue: Catalogue) -> None:
    tabs = QTabWidget()
    for title in ("Camera", TEXT, "Model builds"):
        tabs.addTab(QWidget(), title)
    assert _fits(qtbot, catalogue, tabs, 700, 200) == []
    tabs = QTabWidget()
    tabs.setElideMode(Qt.TextElideMode.ElideRight)
    for title in ("Camera", TEXT, "Model builds"):
        tabs.addTab(QWidget(), title)
    problems = _fits(qtbot, catalogue, tabs, 160, 200)
    assert problems and all("tab" in p for p in problems), problems


def test_narrow_table_header_is_caught(qtbot, catalogue: Catalogue) -> None:
    table = QTableWidget(1, 2)
    table.setHorizontalHeaderLabels(["When", TEXT])
    table.horizontalHeader().resizeSection(0, table.fontMetrics().horizontalAdvance("When") + 60)
    table.horizontalHeader().resizeSection(1, 40)
    table.horizontalHeader().setStretchLastSection(False)
    window = _window(qtbot, table, 380, 120)
    problems = [f.problem for f in fit_findings(window, _ctx(catalogue))]
    assert len(problems) == 1 and "header" in problems[0], problems
    table.resizeColumnsToContents()
    assert [f.problem for f in fit_findings(window, _ctx(catalogue))] == []


def test_elided_list_items_are_caught(qtbot, catalogue: Catalogue) -> None:
    items = ["image #14 · hole · similarity 0.912", "1. top-left · 1.73% of the image · max 0.98"]
    roomy = QListWidget()
    roomy.addItems(items)
    assert _fits(qtbot, catalogue, roomy, 380, 120) == []
    tight = QListWidget()
    tight.addItems(items)
    problems = _fits(qtbot, catalogue, tight, 120, 120)
    assert len(problems) == 2 and all("list item elided" in p for p in problems), problems


def test_image_view_captions_are_checked_for_fit_and_language(qtbot, catalogue: Catalogue) -> None:
    from PySide6.QtGui import QImage

    from station.ui.widgets.image_view import ImageView

    view = ImageView(placeholder="Waiting for the camera…")
    window = _window(qtbot, view, 300, 200)
    assert [f.text for f in language_findings(window, _ctx(catalogue, "ko"))] == ["Waiting for the camera…"]
    image = QImage(64, 64, QImage.Format.Format_RGB888)
    image.fill(0)
    view.set_image(image)
    view.set_caption("Nearest good reference")
    assert fit_findings(window, _ctx(catalogue)) == []
    assert [f.text for f in language_findings(window, _ctx(catalogue, "ko"))] == ["Nearest good reference"]
    view.setMinimumSize(0, 0)
    view.resize(60, 200)
    assert "caption clipped" in fit_findings(window, _ctx(catalogue))[0].problem


def test_korean_pass_catches_english_ui_text_and_allows_names_and_data(qtbot, catalogue: Catalogue) -> None:
    panel = QWidget()
    layout = QVBoxLayout(panel)
    english = QLabel("Thresholds and calibration")  # a source the catalogue translates
    latin = QLabel("모델 status 확인")                  # not a source, but an English word
    allowed = [QLabel("ROI 128 px · 12.5 fps"), QLabel(catalogue.finished["ROI: {0}"].format("전체 이미지")),
               QLabel("데모 주조 임펠러 (demo-cast)"), QLabel("Admin User"),
               QLabel("모델: mobilenet_v2 · demo_manual.md · Ctrl+L · 19x19")]
    korean = QLabel(catalogue.finished["Thresholds and calibration"])
    for widget in (english, latin, korean, *allowed):
        layout.addWidget(widget)
    window = _window(qtbot, panel, 380, 280)
    found = language_findings(window, _ctx(catalogue, "ko", frozenset({"demo-cast", "Admin User"})))
    assert {f.text for f in found} == {english.text(), latin.text()}, report(found)
    assert "finished Korean translation" not in found[0].problem  # the catalogue has this one


def test_korean_pass_names_an_unfinished_catalogue_entry(catalogue: Catalogue) -> None:
    from tests.support.screen_review import korean_problem

    cat = Catalogue(finished=dict(catalogue.finished), unfinished={"Brand new text"})
    problem = korean_problem("Brand new text", "label", ReviewContext("unit", "ko", "light", cat))
    assert problem is not None and "without a finished Korean translation" in problem
    shown = korean_problem("12 defects awaiting action", "label", ReviewContext("unit", "ko", "light", catalogue))
    assert shown is not None and "{0} defects awaiting action" in shown  # placeholders filled


def test_english_pass_catches_korean_ui_text_but_not_user_data(qtbot, catalogue: Catalogue) -> None:
    panel = QWidget()
    layout = QVBoxLayout(panel)
    table = QTableWidget(2, 2)
    product = "데모 주조 임펠러"
    for r, status in enumerate(("미조치", "Resolved")):
        table.setItem(r, 0, QTableWidgetItem(status))
        table.setItem(r, 1, QTableWidgetItem(product))
    layout.addWidget(QLabel("Defect: 기공"))
    layout.addWidget(QLabel("Language: 한국어"))
    layout.addWidget(table)
    window = _window(qtbot, panel, 380, 280)
    found = language_findings(window, _ctx(catalogue, "en", frozenset({"데모 주조 임펠러", "한국어"})))
    assert sorted(f.text for f in found) == ["Defect: 기공", "미조치"], report(found)


def test_widgets_outside_the_window_or_their_parent_are_caught(qtbot, catalogue: Catalogue) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(300, 200)
    inside = QPushButton("Inside", window)
    inside.setGeometry(10, 10, 100, 30)
    outside = QPushButton("Outside", window)
    outside.setGeometry(250, 180, 100, 30)
    holder = QWidget(window)
    holder.setObjectName("Holder")
    holder.setGeometry(10, 60, 100, 40)
    spill = QLabel("Spills", holder)
    spill.setGeometry(60, 0, 80, 20)
    scroll = QScrollArea(window)
    scroll.setGeometry(150, 10, 100, 100)
    content = QWidget()
    content.resize(400, 400)
    QPushButton("Scrolled", content).setGeometry(300, 300, 80, 30)  # outside the viewport, inside the content
    scroll.setWidget(content)
    window.show()
    qtbot.waitExposed(window)
    found = placement_findings(window, _ctx(catalogue), (300, 200))
    assert sorted(f.text for f in found) == ["Outside", "Spills"], report(found)
    window.resize(500, 400)
    found = placement_findings(window, _ctx(catalogue), (300, 200))
    assert any("larger than 300x200" in f.problem for f in found)


def test_report_lists_screen_language_theme_widget_text_and_problem(qtbot, catalogue: Catalogue) -> None:
    label = QLabel(TEXT)
    label.setObjectName("Tight")
    window = _window(qtbot, label, 30)
    text = report(fit_findings(window, ReviewContext("technician/thresholds", "ko", "dark", catalogue)))
    assert text.startswith("technician/thresholds:")
    assert f"[technician/thresholds | ko | dark] QLabel#Tight: {TEXT!r} -> clipped" in text


def test_catalogue_reads_finished_and_unfinished_messages(tmp_path: Path) -> None:
    ts = tmp_path / "x.ts"
    ts.write_text("""<?xml version='1.0' encoding='utf-8'?><TS version="2.1" language="ko_KR"><context><name>A</name>
<message><source>Done {0}</source><translation>완료 {0} ROI</translation></message>
<message><source>Open</source><translation type="unfinished"></translation></message>
</context></TS>""", encoding="utf-8")
    cat = Catalogue.load(ts)
    assert cat.finished == {"Done {0}": "완료 {0} ROI"} and cat.unfinished == {"Open"}
    assert cat.source_of("Done 7") == ("Done {0}", True) and cat.source_of("Open") == ("Open", False)
    assert "roi" in cat.latin_kept and cat.source_of("완료 7 ROI") is None and cat.is_translation("완료 7 ROI")
