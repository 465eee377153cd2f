"""The supervisor's image-centred review of one inspection on real widgets, a real SQLite store and
local-folder object store: opened from a History row (double-click, Enter) and from the awaiting-action
queue, inside the corrective-action dialog; the recorded picture with heatmap and region boxes, the
reference, the verdict history with its override, the actions and the guide; one line in place of a
missing or damaged picture; display names in the UI language; a 1366x768 window in both languages and
themes (screenshots go to ``$REVIEW_SHOTS`` when set)."""

from __future__ import annotations

import os
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QApplication, QLabel

from station.domain.reports import utc_from_local
from station.ui.permissions import Screen
from station.ui.widgets.names import status_name
from tests.support.review import GUIDE, damage, record_reviewed_part, remove
from tests.support.ui import gui_services, main_window, replay_folder, sign_in, station_ctx  # noqa: F401

HANGUL = re.compile(r"[\uac00-\ud7a3]")
SCREEN = QSize(1366, 768)
# what a 1366x768 screen leaves a dialog: a taskbar and the window's title bar
ROOM = QSize(1300, 680)


def _recent() -> datetime:
    """A time today (local) a little before now, stored as UTC: inside the History's default week."""
    local = max(datetime.now() - timedelta(minutes=5), datetime.combine(date.today(), time(0, 30)))
    return utc_from_local(local)


def _user(ctx, name: str):  # type: ignore[no-untyped-def]
    return next(u for u in ctx.users.list_users() if u.username == name)


def _overridden_part(ctx):  # type: ignore[no-untyped-def]
    worker, manager = _user(ctx, "worker"), _user(ctx, "manager")
    part = record_reviewed_part(ctx, inspected_at=_recent(), inspector_id=worker.user_id)
    ctx.overrides.override(part.inspection_code, "other_defect_type", worker, defect_code="burr",
                           notes="sharp edge on the blade")
    ctx.actions.log_action(part.inspection_id, "Deburred the blade edge", "pending", by_user=manager.user_id)
    return part


def _open_history(qtbot, window, user: str = "manager"):  # type: ignore[no-untyped-def]
    sign_in(qtbot, window, user)
    window.show_screen(Screen.SUPERVISOR)
    supervisor = window.screens[Screen.SUPERVISOR]
    supervisor.tabs.setCurrentWidget(supervisor.history)
    history = supervisor.history
    qtbot.waitUntil(lambda: history.table.rowCount() >= 1, timeout=10000)
    return history


def _double_click_row(qtbot, table, row: int = 0) -> None:  # type: ignore[no-untyped-def]
    rect = table.visualRect(table.model().index(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _loaded(qtbot, panel) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: panel.data is not None, timeout=15000)


def _texts(widget) -> list[str]:  # type: ignore[no-untyped-def]
    return [label.text() for label in widget.findChildren(QLabel) if label.isVisibleTo(widget)]


def test_double_click_on_a_history_row_opens_the_review_with_the_picture(qtbot, main_window, station_ctx) -> None:  # noqa: F811
    part = _overridden_part(station_ctx)
    history = _open_history(qtbot, main_window)
    _double_click_row(qtbot, history.table)
    qtbot.waitUntil(lambda: history.review is not None and history.review.isVisible(), timeout=5000)
    panel = history.review.panel
    _loaded(qtbot, panel)
    assert panel.data.review.inspection_id == part.inspection_id
    assert not panel.picture.image().isNull() and panel.picture.image().size() == QSize(160, 160)
    assert panel.picture_problem is None and not panel.picture._overlay.isNull()
    assert not panel.reference.image().isNull()
    assert len(panel.picture._boxes) == 1 and panel.picture._boxes[0].x == 60
    # the part as corrected: still a defect, of the type the worker named; the station's verdict stays in view
    assert panel.verdict.text() == "FAIL" and panel.fields["defect"].text() == "burr"
    assert panel.override_note.text() == "Corrected by worker (other defect type); the station said FAIL."
    assert panel.fields["serial"].text() == "SN-0042"
    history_text = panel.verdict_history.text()
    assert "station: FAIL" in history_text
    assert "worker: other defect type → defect (burr)" in history_text and "sharp edge on the blade" in history_text
    assert "manager · pending: Deburred the blade edge" in panel.actions.text()
    assert panel.guide.text() == GUIDE
    # the toggles: heatmap off hides the overlay, boxes off removes them
    panel.heatmap_toggle.setChecked(False)
    assert not panel.picture._overlay_on
    panel.boxes_toggle.setChecked(False)
    assert panel.picture._boxes == []
    history.review.reject()
    qtbot.waitUntil(lambda: not history.review.isVisible(), timeout=5000)
    # Enter on the selected row opens it too
    history.window().activateWindow()
    history.table.setFocus()
    qtbot.waitUntil(history.table.hasFocus, timeout=5000)
    history.review = None
    qtbot.keyClick(history.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: history.review is not None and history.review.isVisible(), timeout=5000)
    _loaded(qtbot, history.review.panel)
    history.review.reject()


def test_the_action_dialog_shows_the_picture_and_its_form_still_saves(qtbot, main_window, station_ctx) -> None:  # noqa: F811
    part = _overridden_part(station_ctx)
    sign_in(qtbot, main_window, "manager")
    main_window.show_screen(Screen.SUPERVISOR)
    view = main_window.screens[Screen.SUPERVISOR].awaiting
    qtbot.waitUntil(lambda: view.table.rowCount() == 1, timeout=10000)
    assert view.table.select_id(part.inspection_id)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.dialog is not None and view.dialog.isVisible(), timeout=5000)
    dialog = view.dialog
    _loaded(qtbot, dialog.review)
    assert not dialog.review.picture.image().isNull() and not dialog.review.reference.image().isNull()
    assert "other defect type" in dialog.review.verdict_history.text()
    # typing h and b into the form writes them (the H / B picture toggles do not take the keys)
    dialog.action_taken.setFocus()
    qtbot.keyClicks(dialog.action_taken, "Sharpened the trim blade")
    assert dialog.action_taken.toPlainText() == "Sharpened the trim blade"
    assert dialog.review.heatmap_toggle.isChecked() and dialog.review.boxes_toggle.isChecked()
    dialog.result.setCurrentIndex(dialog.result.findData("resolved"))
    dialog._accept()
    qtbot.waitUntil(lambda: view.table.rowCount() == 0, timeout=10000)
    actions = station_ctx.actions.actions_for(part.inspection_id)
    assert [a.action_taken for a in actions] == ["Deburred the blade edge", "Sharpened the trim blade"]


def test_the_queue_opens_the_review_for_people_who_only_read(qtbot, main_window, station_ctx) -> None:  # noqa: F811
    part = _overridden_part(station_ctx)
    sign_in(qtbot, main_window, "viewer")
    main_window.show_screen(Screen.SUPERVISOR)
    view = main_window.screens[Screen.SUPERVISOR].awaiting
    qtbot.waitUntil(lambda: view.table.rowCount() == 1, timeout=10000)
    assert not view.action_button.isVisible()
    _double_click_row(qtbot, view.table)
    qtbot.waitUntil(lambda: view.review is not None and view.review.isVisible(), timeout=5000)
    _loaded(qtbot, view.review.panel)
    assert view.dialog is None and view.review.panel.data.review.inspection_id == part.inspection_id
    view.review.reject()


@pytest.mark.parametrize("broken", ["missing", "damaged"])
def test_a_missing_or_damaged_picture_is_one_clear_line(qtbot, main_window, station_ctx, broken: str) -> None:  # noqa: F811
    part = _overridden_part(station_ctx)
    (remove if broken == "missing" else damage)(station_ctx, part.test_key)
    history = _open_history(qtbot, main_window)
    history.table.selectRow(0)
    dialog = history.open_review()
    panel = dialog.panel
    _loaded(qtbot, panel)
    assert panel.picture.image().isNull() and panel.picture_problem == broken
    expected = {"missing": "The recorded image is missing from the image store.",
                "damaged": "The recorded image is damaged and cannot be shown."}[broken]
    assert panel.picture._placeholder == expected
    assert not panel.heatmap_toggle.isEnabled()
    # the rest of the review still works
    assert not panel.reference.image().isNull() and panel.verdict.text() == "FAIL"
    assert "other defect type" in panel.verdict_history.text() and panel.guide.text() == GUIDE
    assert not panel.message.isVisible()
    if os.environ.get("REVIEW_SHOTS"):
        dialog.resize(SCREEN)
        dialog.grab().save(str(Path(os.environ["REVIEW_SHOTS"]) / f"h4-review-{broken}.png"))
    dialog.reject()


def test_names_follow_the_ui_language(qtbot, main_window, station_ctx) -> None:  # noqa: F811
    from station.ui.shell import appearance

    _overridden_part(station_ctx)
    history = _open_history(qtbot, main_window)
    history.table.selectRow(0)
    dialog = history.open_review()
    _loaded(qtbot, dialog.panel)
    assert not [t for t in _texts(dialog) if HANGUL.search(t)], "the English review shows no Korean"
    defect_cell = history.table.item(0, 4).text()
    assert defect_cell in {"hole", "burr"} and history.table.item(0, 8).text() == "in progress"
    dialog.reject()
    app = QApplication.instance()
    assert appearance.apply_language(app, "ko")
    try:
        dialog = history.open_review()
        panel = dialog.panel
        _loaded(qtbot, panel)
        assert panel.fields["defect"].text() == "날개 버"
        history.table.name_defects(main_window.session.product)
        assert history.table.row_values(history.table.rows[0])[4] == {"hole": "기공", "burr": "날개 버"}[defect_cell]
        # the stored status through the display names (their Korean comes with the catalogue)
        assert panel.fields["status"].text() == status_name("조치중") != ""
        assert "날개 버" in panel.verdict_history.text() and "burr" not in panel.fields["defect"].text()
        dialog.reject()
    finally:
        appearance.apply_language(app, "en")


@pytest.mark.parametrize("language,theme", [("en", "light"), ("en", "dark"), ("ko", "light"), ("ko", "dark")])
def test_review_and_action_dialog_fit_a_1366x768_window(qtbot, main_window, station_ctx, language: str,  # noqa: F811
                                                        theme: str, tmp_path: Path) -> None:
    from station.ui.shell import appearance

    _overridden_part(station_ctx)
    app = QApplication.instance()
    appearance.apply_theme(app, theme)
    appearance.apply_language(app, language)
    shots = Path(os.environ.get("REVIEW_SHOTS") or tmp_path)
    try:
        main_window.resize(SCREEN)
        history = _open_history(qtbot, main_window)
        history.table.selectRow(0)
        dialog = history.open_review()
        _loaded(qtbot, dialog.panel)
        dialog.resize(SCREEN)
        hint = dialog.minimumSizeHint()
        assert hint.width() <= ROOM.width() and hint.height() <= ROOM.height(), hint
        qtbot.waitUntil(lambda: dialog.panel.picture.image_rect().width() > 250, timeout=5000)
        assert dialog.grab().save(str(shots / f"h4-review-{language}-{theme}.png"))
        dialog.reject()
        awaiting = main_window.screens[Screen.SUPERVISOR].awaiting
        main_window.screens[Screen.SUPERVISOR].tabs.setCurrentWidget(awaiting)
        qtbot.waitUntil(lambda: awaiting.table.rowCount() == 1, timeout=10000)
        awaiting.table.selectRow(0)
        action = awaiting.open_action_dialog()
        _loaded(qtbot, action.review)
        action.resize(SCREEN)
        hint = action.minimumSizeHint()
        assert hint.width() <= ROOM.width() and hint.height() <= ROOM.height(), hint
        qtbot.waitUntil(lambda: action.review.picture.image_rect().width() > 200, timeout=5000)
        form_bottom = action.action_taken.mapTo(action, action.action_taken.rect().bottomLeft()).y()
        assert 0 < form_bottom < SCREEN.height(), "the action form is inside the window"
        assert action.grab().save(str(shots / f"h4-action-{language}-{theme}.png"))
        action.reject()
    finally:
        appearance.apply_language(app, "en")
        appearance.apply_theme(app, "light")


def test_the_stored_heatmap_becomes_a_see_through_overlay(qapp) -> None:  # type: ignore[no-untyped-def]
    import cv2
    import numpy as np

    from station.pipeline.images import artifacts
    from station.ui.supervisor.inspection_review import heatmap_overlay

    scores = np.zeros((40, 60), np.float32)
    scores[10:20, 30:50] = 0.95
    scores[30:35, 5:10] = 0.5
    ok, png = cv2.imencode(".png", artifacts.heatmap(scores))
    overlay = heatmap_overlay(png.tobytes())
    assert overlay.size() == QSize(60, 40)
    hot, warm, cool = (overlay.pixelColor(x, y) for x, y in ((40, 15), (7, 32), (2, 2)))
    assert cool.alpha() == 0, "good areas stay clear"
    # the scores come back from the colours: the bench's overlay of 0.95 and 0.5 (alpha floor 0.2)
    assert abs(hot.alpha() - 241) <= 4 and abs(warm.alpha() - 120) <= 4
    assert hot.red() > max(hot.green(), hot.blue()) and warm.green() > max(warm.red(), warm.blue())
    assert heatmap_overlay(b"not a picture").isNull()
