"""Overrides on the supervisor's tables, the review's reference and the counts' plurals, on real widgets over
the real local store: an overridden row is marked and its tooltip says what the station judged, how it was
corrected, by whom and when; History filters to overridden parts; the review's reference carries no
similarity number and its caption fits the action dialog at 1366x768 in both languages; one recurrence
alert is said in the singular. Screenshots go to ``$REVIEW_SHOTS`` (the test's folder otherwise)."""

from __future__ import annotations

import os
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication

from station.domain.inspection import InspectionRecord
from station.domain.inspection import TestImage as StoredImage
from station.domain.reports import local_time, utc_from_local
from station.ui.permissions import Screen
from station.ui.supervisor.queues import OVERRIDE_MARK, VERDICT_COLUMN
from tests.support.review import record_reviewed_part
from tests.support.screen_review import caption_problem
from tests.support.ui import gui_services, main_window, replay_folder, sign_in, station_ctx  # noqa: F401

SCREEN = QSize(1366, 768)


def _recent(minutes: int = 5) -> datetime:
    """A time today (local) a little before now, stored as UTC: inside the History's default week."""
    local = max(datetime.now() - timedelta(minutes=minutes), datetime.combine(date.today(), time(0, 30)))
    return utc_from_local(local)


def _user(ctx, name: str):  # type: ignore[no-untyped-def]
    return next(u for u in ctx.users.list_users() if u.username == name)


def _shots(tmp_path: Path) -> Path:
    return Path(os.environ.get("REVIEW_SHOTS") or tmp_path)


def _false_alarm_and_plain_fail(ctx):  # type: ignore[no-untyped-def]
    """A FAIL a supervisor marked a false alarm, and a FAIL nobody touched."""
    manager = _user(ctx, "manager")
    corrected = record_reviewed_part(ctx, inspected_at=_recent(6))
    ctx.overrides.override(corrected.inspection_code, "false_alarm", manager, notes="dust on the lens")
    plain = record_reviewed_part(ctx, inspected_at=_recent(4))
    return corrected, plain


def _history(qtbot, window):  # type: ignore[no-untyped-def]
    window.resize(SCREEN)
    sign_in(qtbot, window, "manager")
    window.show_screen(Screen.SUPERVISOR)
    supervisor = window.screens[Screen.SUPERVISOR]
    supervisor.tabs.setCurrentWidget(supervisor.history)
    history = supervisor.history
    qtbot.waitUntil(lambda: history.table.rowCount() == 2, timeout=10000)
    return history


def _row_of(table, code: str) -> int:  # type: ignore[no-untyped-def]
    return table.column_values(0).index(code)


def test_an_overridden_row_is_marked_and_history_filters_to_it(qtbot, main_window, station_ctx,  # noqa: F811
                                                               tmp_path: Path) -> None:
    corrected, plain = _false_alarm_and_plain_fail(station_ctx)
    history = _history(qtbot, main_window)
    table = history.table
    row = table.rows[[r.inspection_code for r in table.rows].index(corrected.inspection_code)]
    at = local_time(row.overridden_at)
    assert at is not None
    mine = table.item(_row_of(table, corrected.inspection_code), VERDICT_COLUMN)
    other = table.item(_row_of(table, plain.inspection_code), VERDICT_COLUMN)
    # the effective verdict (a false alarm passes), marked; its tooltip in display names and local time
    assert mine.text() == f"PASS {OVERRIDE_MARK}" and mine.font().italic()
    assert mine.toolTip() == f"Overridden: FAIL → false alarm by manager at {at:%H:%M}"
    assert other.text() == "FAIL" and other.toolTip() == "" and not other.font().italic()
    assert table.horizontalHeaderItem(VERDICT_COLUMN).text() == "Verdict"
    assert history.count_label.text() == "2 inspections"
    tabs = main_window.screens[Screen.SUPERVISOR].tabs
    qtbot.waitUntil(lambda: tabs.tabBar().width() >= tabs.tabBar().sizeHint().width(), timeout=5000)
    assert history.grab().save(str(_shots(tmp_path) / "h10-history.png"))
    assert main_window.grab().save(str(_shots(tmp_path) / "h10-history-window.png"))

    history.overridden_only.setChecked(True)
    history.apply_button.click()
    qtbot.waitUntil(lambda: table.rowCount() == 1, timeout=10000)
    assert table.column_values(0) == [corrected.inspection_code]
    assert history.count_label.text() == "1 inspection"
    history.overridden_only.setChecked(False)
    history.apply_button.click()
    qtbot.waitUntil(lambda: table.rowCount() == 2, timeout=10000)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_review_reference_has_no_similarity_number_and_fits_the_action_dialog(  # noqa: D103
        qtbot, main_window, station_ctx, language: str, tmp_path: Path) -> None:  # noqa: F811
    from station.ui.shell import appearance

    manager = _user(station_ctx, "manager")
    part = record_reviewed_part(station_ctx, inspected_at=_recent(), inspector_id=manager.user_id)
    app = QApplication.instance()
    appearance.apply_language(app, language)
    try:
        main_window.resize(SCREEN)
        sign_in(qtbot, main_window, "manager")
        main_window.show_screen(Screen.SUPERVISOR)
        awaiting = main_window.screens[Screen.SUPERVISOR].awaiting
        qtbot.waitUntil(lambda: awaiting.table.rowCount() == 1, timeout=10000)
        awaiting.table.selectRow(0)
        dialog = awaiting.open_action_dialog()
        qtbot.waitUntil(lambda: dialog.review.data is not None, timeout=15000)
        dialog.resize(SCREEN)
        review = dialog.review
        qtbot.waitUntil(lambda: review.picture.image_rect().width() > 200, timeout=5000)
        caption = review.reference._caption
        assert caption == review.tr("Nearest good reference") and not re.search(r"\d", caption)
        assert caption_problem(review.reference) is None
        shown = review.fields["reference"].text()
        assert "0.87" not in shown and not re.search(r"\d\.\d", shown) and shown not in ("", "—")
        assert all("0.87" not in label.text() for label in review.findChildren(type(review.title)))
        assert part.reference_key and shown.endswith(".png")  # the reference's file name
        assert dialog.grab().save(str(_shots(tmp_path) / f"h10-action-{language}.png"))
        # narrowed to its smallest, the reference still holds its caption
        dialog.resize(dialog.minimumSizeHint())
        qtbot.waitUntil(lambda: review.reference.width() <= review.reference.minimumWidth() + 40, timeout=5000)
        assert caption_problem(review.reference) is None, caption_problem(review.reference)
        assert dialog.grab().save(str(_shots(tmp_path) / f"h10-action-narrow-{language}.png"))
        dialog.reject()
    finally:
        appearance.apply_language(app, "en")


def _record(ctx, defect: bool, minutes_ago: float) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    product = ctx.catalog.get_product("demo-cast")
    rec = ctx.recorder.record(InspectionRecord(
        product_id=product.product_id, image=StoredImage(file_name="x.png", file_path=f"k{minutes_ago}"),
        defect_detected=defect, anomaly_score=0.95,
        defect_type_id=product.defect_by_code("hole").defect_type_id if defect else None,
        inspected_at=datetime.utcnow() - timedelta(minutes=minutes_ago)))
    return rec.inspection_id, rec.inspection_code


def test_one_recurrence_alert_is_said_in_the_singular(qtbot, main_window, station_ctx) -> None:  # noqa: F811
    manager = _user(station_ctx, "manager")
    first, _code = _record(station_ctx, True, 60)
    station_ctx.actions.log_action(first, "reground the mould", "resolved", by_user=manager.user_id,
                                   when=datetime.utcnow() - timedelta(minutes=50))
    again, _again_code = _record(station_ctx, True, 30)
    assert station_ctx.recurrence.check(again) is not None
    sign_in(qtbot, main_window, "manager")
    main_window.show_screen(Screen.SUPERVISOR)
    view = main_window.screens[Screen.SUPERVISOR].awaiting
    panel = view.recurrence
    view.refresh()
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1, timeout=15000)
    assert panel.title.text().startswith("1 recurrence alert: ")
    assert panel.table.item(0, 2).text() == "hole"  # the defect type's display name
    from station.ui.shell import appearance

    app = QApplication.instance()
    appearance.apply_language(app, "ko")
    try:
        panel.show_alerts(panel.alerts)
        assert panel.table.item(0, 2).text() == "기공"
    finally:
        appearance.apply_language(app, "en")
        panel.show_alerts(panel.alerts)
    assert panel.table.item(0, 6).text().startswith("1 inspection, ")  # the new part is the first since
    panel.table.selectRow(0)
    assert "; 1 inspection and " in panel.detail.text()

    # a second recurrence of the same type after a second resolved action
    station_ctx.actions.log_action(again, "replaced the core pin", "resolved", by_user=manager.user_id,
                                   when=datetime.utcnow() - timedelta(minutes=20))
    _record(station_ctx, False, 15)
    third, _third_code = _record(station_ctx, True, 10)
    assert station_ctx.recurrence.check(third) is not None
    view.refresh()
    qtbot.waitUntil(lambda: panel.table.rowCount() == 2, timeout=15000)
    assert panel.title.text().startswith("2 recurrence alerts: ")
    texts = panel.table.column_values(6)
    assert any(t.startswith("2 inspections, ") for t in texts), texts
    assert view.count_label.text() in ("1 defect awaiting action", "2 defects awaiting action",
                                       "3 defects awaiting action")
