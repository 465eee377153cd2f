"""Health alerts on real widgets over the real local store: the bench's banner (what changed in the worker's
words from the alert's kind and numbers, dismissed for the shift by a worker and back at the next shift,
acknowledged by a supervisor at the bench), the supervisor's queue listing open alerts and acknowledging
them (audited), and the banner beside a real verdict at 1366×768 without pushing it out of view."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import select

from station.adapters.db.models import AuditLog
from station.domain.health import HealthAlert, HealthAlertKind, HealthSignal
from station.domain.spc import shift_start
from station.ui.permissions import Screen
from station.ui.widgets.names import health_alert_name, health_alert_text
from tests.support.ui import (  # noqa: F401
    demo_ctx, demo_template, demo_window, gui_services, main_window, open_bench, replay_folder, sign_in, station_ctx,
)

# The day the tests run on, frozen at their start: every moment below is an hour of it (or of the next day).
DAY = datetime.combine(date.today(), time())
STORED = "stored English sentence"  # never shown: screens say it from the kind and the numbers


def _alert(kind: HealthAlertKind = HealthAlertKind.CAMERA_MOVED, view: str | None = None,  # type: ignore[no-untyped-def]
           **params) -> HealthAlert:
    signal = {HealthAlertKind.CAMERA_MOVED: HealthSignal.OFFSET_X,
              HealthAlertKind.IMAGE_DARKER: HealthSignal.BRIGHTNESS}.get(kind, HealthSignal.FOCUS)
    return HealthAlert(kind, "demo-cast", view, signal, STORED, 12.0, 0.5, 42,
                       params=params or {"px": 12, "direction": "up-left", "dx": -12.0, "dy": -7.0})


def test_alert_texts_from_kind_and_numbers() -> None:
    assert health_alert_text("camera_moved", {"px": 12, "direction": "up-left"}) == (
        "Camera moved: the picture shifted about 12 px up and left. Check the camera mount and the fixture.")
    assert health_alert_text("image_darker", {"grey_levels": -18}).startswith(
        "Picture darker than at calibration (\u221218 grey levels)")
    assert "(sharpness \u221260 %)" in health_alert_text("focus_lost", {"percent": -60})
    assert "(0.31 instead of 0.20)" in health_alert_text("pass_scores_higher", {"score": 0.312, "usual": 0.2})
    assert health_alert_text("sky_fell", {}, STORED) == STORED  # an unknown kind: the stored sentence
    assert [health_alert_name(k.value) for k in HealthAlertKind][:2] == ["Picture darker", "Picture brighter"]
    assert all(health_alert_name(k.value) != k.value for k in HealthAlertKind)
    assert shift_start(DAY + timedelta(hours=13, minutes=59)) == DAY + timedelta(hours=6)
    assert shift_start(DAY + timedelta(hours=23, minutes=10)) == DAY + timedelta(hours=22)
    assert shift_start(DAY + timedelta(days=1, hours=5, minutes=59)) == DAY + timedelta(hours=22)


def test_bench_banner_dismissed_for_the_shift_then_acknowledged_by_a_supervisor(
        qtbot, main_window, station_ctx) -> None:  # noqa: F811
    sign_in(qtbot, main_window, "worker")
    main_window.show_screen(Screen.BENCH)
    bench = main_window.screens[Screen.BENCH]
    banner = bench.health_banner
    now = [DAY + timedelta(hours=9, minutes=30)]
    banner.clock = lambda: now[0]
    qtbot.wait(200)
    assert not banner.isVisible()

    station_ctx.health_alerts.raised(_alert())  # what the health watch's sink does during an inspection
    qtbot.waitUntil(lambda: banner.isVisible(), timeout=15000)  # the change notifier: no inspection needed
    assert banner.text.text() == ("Camera moved: the picture shifted about 12 px up and left. Check the camera "
                                  "mount and the fixture.")
    assert STORED not in banner.text.text() and "Camera moved" in banner.title.text()
    assert not banner.ack_button.isVisible() and banner.dismiss_button.isVisible()  # a worker cannot acknowledge
    assert bench.inspect_button.isVisible()  # never blocks the bench

    station_ctx.health_alerts.raised(_alert(HealthAlertKind.IMAGE_DARKER, "top", grey_levels=-18))
    qtbot.waitUntil(lambda: banner.more.text() == "+1 more", timeout=15000)
    assert "Picture darker" in banner.title.text() and "top" in banner.title.text()
    banner.dismiss_button.click()
    assert banner.isVisible() and "Camera moved" in banner.title.text() and not banner.more.isVisible()
    banner.dismiss_button.click()
    assert not banner.isVisible()
    assert len(station_ctx.health_alerts.open_alerts()) == 2  # dismissed here, still open for the supervisor
    main_window.set_language("ko")  # the bench is rebuilt; the dismissals belong to the sign-in
    main_window.set_language("en")
    banner = main_window.screens[Screen.BENCH].health_banner
    assert banner is not bench.health_banner
    qtbot.waitUntil(lambda: len(banner.alerts) == 2, timeout=15000)  # the new bench read both again
    banner.clock = lambda: now[0]
    banner.show_alerts(banner.alerts)
    assert not banner.isVisible() and len(banner.dismissed) == 2  # both still dismissed in this shift
    now[0] = DAY + timedelta(hours=14)  # the next shift
    banner.refresh()
    qtbot.waitUntil(lambda: banner.isVisible() and banner.more.text() == "+1 more", timeout=15000)

    main_window.sign_out()
    sign_in(qtbot, main_window, "manager")
    main_window.show_screen(Screen.BENCH)
    banner = main_window.screens[Screen.BENCH].health_banner
    qtbot.waitUntil(lambda: banner.isVisible() and banner.more.text() == "+1 more", timeout=15000)
    assert banner.ack_button.isVisible()
    banner.ack_button.click()  # the newest: the darker picture
    qtbot.waitUntil(lambda: banner.isVisible() and not banner.more.isVisible(), timeout=15000)
    assert [a.kind for a in station_ctx.health_alerts.open_alerts()] == [HealthAlertKind.CAMERA_MOVED]


def test_supervisor_queue_lists_open_alerts_and_acknowledges_them(
        qtbot, main_window, station_ctx) -> None:  # noqa: F811
    first = station_ctx.health_alerts.record(_alert())
    second = station_ctx.health_alerts.record(_alert(HealthAlertKind.IMAGE_DARKER, "top", grey_levels=-18))
    sign_in(qtbot, main_window, "manager")
    main_window.show_screen(Screen.SUPERVISOR)
    panel = main_window.screens[Screen.SUPERVISOR].awaiting.health
    qtbot.waitUntil(lambda: panel.isVisible() and panel.table.rowCount() == 2, timeout=15000)
    assert panel.title.text() == "2 camera or process alerts"
    assert [panel.table.item(r, 0).text() for r in range(2)] == ["Picture darker", "Camera moved"]  # newest first
    assert panel.table.item(0, 1).text().startswith("Picture darker than at calibration (\u221218 grey levels)")
    assert (panel.table.item(0, 2).text(), panel.table.item(0, 3).text(), panel.table.item(1, 3).text()) == (
        "demo-cast", "top", "—")
    assert panel.table.item(0, 4).text() == station_ctx.settings.station_id
    assert not panel.ack_button.isEnabled()
    assert panel.table.select_id(first.alert_id)
    assert "12 px up and left" in panel.detail.text() and "after 42 parts" in panel.detail.text()
    panel.ack_button.click()
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1, timeout=15000)
    assert panel.title.text() == "1 camera or process alert" and panel.alerts[0].alert_id == second.alert_id
    assert [a.alert_id for a in station_ctx.health_alerts.open_alerts()] == [second.alert_id]
    manager = next(u for u in station_ctx.users.list_users() if u.username == "manager")
    with station_ctx.db.session() as session:
        entry = session.scalars(select(AuditLog).where(AuditLog.table_name == "health_alerts")).one()
        assert entry.user_id == manager.user_id and entry.new_data["status"] == "acknowledged"
    panel.table.select_id(second.alert_id)
    panel.ack_button.click()
    qtbot.waitUntil(lambda: not panel.isVisible(), timeout=15000)


def _unclipped(widget: QWidget, window: QWidget) -> bool:
    if not widget.isVisible() or widget.width() <= 0 or widget.height() <= 0:
        return False
    inside = window.rect().contains(QRect(widget.mapTo(window, QPoint(0, 0)), widget.size()))
    return inside and (widget.visibleRegion().boundingRect().size() == widget.size())


@pytest.mark.slow
def test_banner_beside_a_real_verdict_at_1366x768(qtbot, demo_window, demo_ctx) -> None:  # noqa: F811
    demo_window.resize(1366, 768)
    bench = open_bench(qtbot, demo_window, "worker")
    bench.inspect()
    qtbot.waitUntil(lambda: bench.display is not None and not bench.busy, timeout=120000)
    demo_ctx.health_alerts.raised(_alert(HealthAlertKind.FOCUS_LOST, percent=-60))
    bench.health_banner.raised((_alert(),))  # as an inspection that raised it does
    qtbot.waitUntil(lambda: bench.health_banner.isVisible(), timeout=15000)
    QApplication.processEvents()
    assert (demo_window.width(), demo_window.height()) == (1366, 768)
    r, o = bench.result, bench.overrides
    shown = {"banner": bench.health_banner, "verdict": r.verdict, "scores": r.score_line, "defect": r.defect_line,
             "regions": r.regions, "false alarm": o.false_alarm, "missed": o.missed, "other type": o.other_type}
    clipped = [name for name, widget in shown.items() if not _unclipped(widget, demo_window)]
    assert not clipped, f"out of view at 1366×768 with the health banner: {clipped}"
    assert "sharpness \u221260 %" in bench.health_banner.text.text()
    assert bench.health_banner.height() < 90
    bench.health_banner.dismiss_button.click()
    assert not bench.health_banner.isVisible() and bench.result.verdict.isVisible()
