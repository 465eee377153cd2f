"""The supervisor's recurrence alerts on real widgets over the real local store: an alert on the queue
linked to the action that did not hold, acknowledged (audited) off the queue. (The technician's threshold
proposals from history: tests/ui/test_technician_thresholds.py.)"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from station.adapters.db.models import AuditLog
from station.domain.inspection import InspectionRecord
from station.domain.inspection import TestImage as StoredImage
from station.ui.permissions import Screen
from tests.support.ui import gui_services, main_window, replay_folder, sign_in, station_ctx  # noqa: F401


def _record(ctx, score: float, defect: bool, minutes_ago: float, code: str | None = "hole") -> tuple[int, str]:  # type: ignore[no-untyped-def]
    product = ctx.catalog.get_product("demo-cast")
    defect_type = product.defect_by_code(code) if defect and code else None
    rec = ctx.recorder.record(InspectionRecord(
        product_id=product.product_id, image=StoredImage(file_name="x.png", file_path=f"k{score}"),
        defect_detected=defect, anomaly_score=score, defect_type_id=defect_type.defect_type_id if defect_type else None,
        inspected_at=datetime.utcnow() - timedelta(minutes=minutes_ago)))
    return rec.inspection_id, rec.inspection_code


def _user(ctx, name: str):  # type: ignore[no-untyped-def]
    return next(u for u in ctx.users.list_users() if u.username == name)


def test_supervisor_queue_shows_a_recurrence_alert_and_acknowledges_it(qtbot, main_window, station_ctx) -> None:  # noqa: F811
    manager = _user(station_ctx, "manager")
    first, first_code = _record(station_ctx, 0.95, True, 30)
    station_ctx.actions.log_action(first, "reground the mould", "resolved", by_user=manager.user_id,
                                   notes="core pin replaced", when=datetime.utcnow() - timedelta(minutes=20))
    again, again_code = _record(station_ctx, 0.93, True, 10)
    sign_in(qtbot, main_window, "manager")
    main_window.show_screen(Screen.SUPERVISOR)
    view = main_window.screens[Screen.SUPERVISOR].awaiting
    panel = view.recurrence
    qtbot.waitUntil(lambda: view.table.rowCount() == 1, timeout=15000)
    assert not panel.isVisible() and panel.alerts == []

    alert = station_ctx.recurrence.check(again)  # as the bench workflow does after a recorded FAIL
    assert alert is not None
    qtbot.waitUntil(lambda: panel.isVisible() and panel.table.rowCount() == 1, timeout=15000)  # the notifier
    assert panel.table.item(0, 0).text() == "RECURRENCE" and panel.table.item(0, 1).text() == again_code
    assert panel.table.item(0, 3).text() == "reground the mould" and panel.table.item(0, 4).text() == "manager"
    assert panel.title.text().startswith("1 recurrence alert: ")
    assert panel.table.select_id(alert.alert_id)
    detail = panel.detail.text()
    for part in ("reground the mould", "core pin replaced", "manager", first_code, again_code):
        assert part in detail
    panel.open_button.click()
    assert view.table.selected_id() == again  # the new inspection, on the queue, ready for an action

    panel.ack_button.click()
    qtbot.waitUntil(lambda: not panel.isVisible() and panel.alerts == [], timeout=15000)
    assert station_ctx.recurrence.open_alerts() == []
    with station_ctx.db.session() as session:
        entry = session.scalars(select(AuditLog).where(AuditLog.table_name == "recurrence_alerts")).one()
        assert entry.user_id == manager.user_id and entry.new_data["status"] == "acknowledged"
