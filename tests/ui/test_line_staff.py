"""The technician's threshold proposals from the line's history and the supervisor's recurrence alerts, on
real widgets over the real local store: proposals with their rates and counts, Apply writes the thresholds
and an audit row, a worker sees neither; an alert on the queue linked to the action that did not hold,
acknowledged (audited) off the queue."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from station.adapters.db.models import AuditLog
from station.domain.errors import AuthenticationError
from station.domain.inspection import InspectionRecord
from station.domain.inspection import TestImage as StoredImage
from station.services.engine.settings import Thresholds
from station.services.engine.threshold_history import rates
from station.ui.permissions import Screen
from station.ui.technician.history_proposals import ProposalsLoaded
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


def _labelled_history(ctx) -> tuple[list[float], list[float]]:  # type: ignore[no-untyped-def]
    """Two false alarms overridden, two defects confirmed by resolved actions, one missed defect."""
    worker, manager = _user(ctx, "worker"), _user(ctx, "manager")
    overrides = ctx.overrides
    for score in (0.82, 0.86):
        _, code = _record(ctx, score, True, 50)
        overrides.override(code, "false_alarm", worker)
    for score in (0.9, 0.95):
        inspection_id, _ = _record(ctx, score, True, 40)
        ctx.actions.log_action(inspection_id, "reground the mould", "resolved", by_user=manager.user_id)
    _, code = _record(ctx, 0.5, False, 30)
    overrides.override(code, "missed_defect", worker, defect_code="hole")
    return [0.82, 0.86], [0.5, 0.9, 0.95]


def test_technician_sees_proposals_and_applies_one_with_an_audit_row(qtbot, main_window, station_ctx) -> None:  # noqa: F811
    sign_in(qtbot, main_window, "manager")
    main_window.show_screen(Screen.TECHNICIAN)
    view = main_window.screens[Screen.TECHNICIAN].history
    view.refresh()
    qtbot.waitUntil(lambda: view.loaded is not None, timeout=15000)
    assert view.loaded.proposals == [] and view.table.rowCount() == 0
    basis = view.basis_label.text()
    assert "Too few labelled outcomes" in basis and "0 good and 0 defective" in basis
    good, defect = _labelled_history(station_ctx)

    view.target_far.setValue(0.0)
    view.propose_button.click()
    qtbot.waitUntil(lambda: view.table.rowCount() == 4, timeout=15000)
    assert view.proposal_names() == ["current", "far_target", "balanced", "no_miss"]
    assert "2 good and 3 defective" in view.basis_label.text()
    assert "Current: FAIL at or above 0.850" in view.current_label.text()
    for row, p in enumerate(view.loaded.proposals):
        far, miss, held = rates(good, defect, p.image_threshold, p.review_threshold)
        assert (p.false_alarm_rate, p.miss_rate, p.review_rate) == (far, miss, held)
        assert view.table.item(row, 4).text() == f"{far:.1%}" and view.table.item(row, 5).text() == f"{miss:.1%}"
        assert view.table.item(row, 7).text() == "2 / 3"
    assert view.loaded.proposals[3].miss_rate == 0.0 and view.loaded.proposals[1].false_alarm_rate == 0.0

    assert view.table.select_id("current") and not view.apply_button.isEnabled()  # nothing to apply
    assert view.table.select_id("no_miss") and view.apply_button.isEnabled()
    chosen = view.selected_proposal()
    confirm = view.ask_apply()
    assert confirm is not None and "no missed defect" in confirm.text()
    confirm.button(QMessageBox.StandardButton.Yes).click()
    product = station_ctx.catalog.get_product("demo-cast")
    qtbot.waitUntil(lambda: station_ctx.catalog.get_model_config(product.product_id).image_threshold
                    == pytest.approx(chosen.image_threshold), timeout=15000)
    config = station_ctx.catalog.get_model_config(product.product_id)
    assert config.review_threshold == pytest.approx(chosen.review_threshold)
    with station_ctx.db.session() as session:
        entry = session.scalars(select(AuditLog).where(AuditLog.table_name == "model_configs")
                                .order_by(AuditLog.log_id.desc())).first()
        assert entry.user_id == _user(station_ctx, "manager").user_id
        assert entry.new_data["source"] == "history" and entry.new_data["proposal"] == "no_miss"
        assert entry.old_data["image_threshold"] == pytest.approx(0.85)
    qtbot.waitUntil(lambda: f"FAIL at or above {chosen.image_threshold:.3f}" in view.current_label.text(),
                    timeout=15000)

    # A result for another product than the one selected is never shown.
    before = view.loaded
    view.show_loaded(ProposalsLoaded("other-product", 9, 9, [], Thresholds(0.5, 0.5, 0.5)))
    assert view.loaded is before


def test_worker_neither_sees_nor_applies_proposals(qtbot, main_window, station_ctx) -> None:  # noqa: F811
    _labelled_history(station_ctx)
    sign_in(qtbot, main_window, "worker")
    assert Screen.TECHNICIAN not in main_window.screens and not main_window.show_screen(Screen.TECHNICIAN)
    history = main_window.services.history_thresholds
    proposal = history.propose("demo-cast")[3]
    with pytest.raises(AuthenticationError, match="technician or admin"):
        history.apply("demo-cast", proposal, _user(station_ctx, "worker"))


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
    assert "1 recurrence alerts" in panel.title.text()
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
