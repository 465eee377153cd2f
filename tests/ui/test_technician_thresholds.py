"""The technician's threshold tabs on real widgets over the real local store: unsaved threshold edits ask
before a tab switch, a product switch or closing the window (Save / Discard / Cancel, each honoured), the
band of the edited values is stated, the change log names people and says what changed, and proposals
from history are refused below the minimum of labelled outcomes and stated with intervals above it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from station.services.engine import MIN_LABELLED_DEFECT, MIN_LABELLED_GOOD
from station.services.engine.threshold_history import rates
from station.services.shared.changes import ThresholdsChanged
from station.ui.permissions import Screen
from tests.support.labelled import record_scored
from tests.support.ui import gui_services, main_window, replay_folder, sign_in, station_ctx  # noqa: F401

Button = QMessageBox.StandardButton


def answer(qtbot, view, button: QMessageBox.StandardButton) -> list[str]:  # type: ignore[no-untyped-def]
    """Answers the next unsaved-thresholds question with ``button``; returns the question's text once asked."""
    asked: list[str] = []

    def click() -> None:
        box = view.unsaved_box
        if box is None or not box.isVisible():
            QTimer.singleShot(20, click)
            return
        asked.append(box.text())
        box.button(button).click()

    QTimer.singleShot(0, click)
    return asked


def open_thresholds(qtbot, window):  # type: ignore[no-untyped-def]
    sign_in(qtbot, window, "manager")
    window.show_screen(Screen.TECHNICIAN)
    technician = window.screens[Screen.TECHNICIAN]
    technician.tabs.setCurrentWidget(technician.thresholds)
    view = technician.thresholds
    qtbot.waitUntil(lambda: view.saved is not None, timeout=15000)
    return technician, view


def test_unsaved_edits_ask_on_tab_switch_cancel_discard_and_save(qtbot, main_window, gui_services,  # noqa: F811
                                                                 station_ctx) -> None:  # noqa: F811
    gui_services.station_settings.update_thresholds("demo-cast", 0.85, 0.9, None, review_threshold=0.75)
    technician, view = open_thresholds(qtbot, main_window)
    saved = view.saved
    assert not view.has_unsaved() and not view.unsaved_label.isVisible()
    assert view.band_label.text() == "UNCERTAIN band 0.750 – 0.850, width 0.100"

    view.image_threshold.setValue(0.8)
    assert view.has_unsaved() and view.unsaved_label.isVisible()
    asked = answer(qtbot, view, Button.Cancel)
    technician.tabs.setCurrentWidget(technician.builds)
    assert asked and "FAIL 0.850 → 0.800" in asked[0]
    assert technician.tabs.currentWidget() is view and view.image_threshold.value() == pytest.approx(0.8)

    answer(qtbot, view, Button.Discard)
    technician.tabs.setCurrentWidget(technician.builds)
    assert technician.tabs.currentWidget() is technician.builds
    assert view.image_threshold.value() == pytest.approx(saved.image_threshold) and not view.has_unsaved()

    technician.tabs.setCurrentWidget(view)
    view.image_threshold.setValue(0.8)
    view.review_threshold.setValue(0.7)
    assert view.band_label.text() == "UNCERTAIN band 0.700 – 0.800, width 0.100"
    answer(qtbot, view, Button.Save)
    technician.tabs.setCurrentWidget(technician.audit)
    assert technician.tabs.currentWidget() is technician.audit
    qtbot.waitUntil(lambda: main_window.services.station_settings.thresholds("demo-cast").image_threshold
                    == pytest.approx(0.8), timeout=15000)
    qtbot.waitUntil(lambda: not view.has_unsaved(), timeout=15000)

    # The change log says who (by name and role, not by id) and what changed, in words.
    log = technician.audit
    log.refresh()

    def by_a_person() -> list[int]:
        return [i for i, e in enumerate(log.entries) if e.table_name == "model_configs" and e.user_id is not None]

    qtbot.waitUntil(lambda: bool(by_a_person()), timeout=15000)
    row = by_a_person()[0]
    manager = next(u for u in station_ctx.users.list_users() if u.username == "manager")
    who, change = log.table.item(row, 1).text(), log.table.item(row, 4).text()
    assert who == "Manager User (Supervisor)" and str(manager.user_id) not in who
    assert change == "FAIL 0.85 → 0.80, UNCERTAIN 0.75 → 0.70" and saved.review_threshold == pytest.approx(0.75)
    assert log.table.item(row, 3).text() == "demo-cast" and "{" not in change
    station_row = next(i for i, e in enumerate(log.entries) if e.table_name == "model_configs" and e.user_id is None)
    assert log.table.item(station_row, 1).text() == "the station"


def test_a_refresh_keeps_the_edits_and_signing_out_asks(qtbot, main_window) -> None:  # noqa: F811
    technician, view = open_thresholds(qtbot, main_window)
    view.review_threshold.setValue(0.6)
    technician.refresh()  # F5, a finished build or an applied proposal reload the saved values
    qtbot.waitUntil(lambda: not any(h.name == "thresholds" for h in main_window.runner.active), timeout=15000)
    qtbot.wait(50)
    assert view.review_threshold.value() == pytest.approx(0.6) and view.has_unsaved()
    answer(qtbot, view, Button.Cancel)
    main_window.sign_out()
    assert main_window.session is not None and view.review_threshold.value() == pytest.approx(0.6)
    answer(qtbot, view, Button.Discard)
    main_window.sign_out()
    assert main_window.session is None


def test_no_band_is_stated_as_a_warning(qtbot, main_window) -> None:  # noqa: F811
    _technician, view = open_thresholds(qtbot, main_window)
    assert view.saved.review_threshold is None  # no bank and none configured: no band at all
    assert view.band_label.text().startswith("No UNCERTAIN band")
    view.review_threshold.setValue(0.5)
    assert "width 0.350" in view.band_label.text() and view.band_label.property("level") == "info"
    view.review_threshold.setValue(view.image_threshold.value())
    assert view.band_label.text().startswith("No UNCERTAIN band") and view.band_label.property("level") == "warning"
    view.discard_edits()
    assert not view.has_unsaved()


def test_unsaved_edits_ask_on_product_switch(qtbot, main_window, gui_services) -> None:  # noqa: F811
    gui_services.admin.save_product("other-part", "Other part")
    _technician, view = open_thresholds(qtbot, main_window)
    combo = main_window.product_combo
    qtbot.waitUntil(lambda: combo.findData("other-part") >= 0, timeout=15000)
    view.review_threshold.setValue(0.7)
    view.image_threshold.setValue(0.81)
    answer(qtbot, view, Button.Cancel)
    combo.setCurrentIndex(combo.findData("other-part"))
    assert main_window.session.product.code == "demo-cast" and combo.currentData() == "demo-cast"
    assert view.image_threshold.value() == pytest.approx(0.81)

    answer(qtbot, view, Button.Save)
    combo.setCurrentIndex(combo.findData("other-part"))
    assert main_window.session.product.code == "other-part"
    settings = gui_services.station_settings
    qtbot.waitUntil(lambda: settings.thresholds("demo-cast").image_threshold == pytest.approx(0.81), timeout=15000)
    assert settings.thresholds("other-part").image_threshold != pytest.approx(0.81)  # saved where they belong
    qtbot.waitUntil(lambda: view.saved_product is not None and view.saved_product.code == "other-part",
                    timeout=15000)
    assert not view.has_unsaved()


def test_unsaved_edits_ask_before_the_window_closes(qtbot, main_window, gui_services) -> None:  # noqa: F811
    _technician, view = open_thresholds(qtbot, main_window)
    view.review_threshold.setValue(0.7)
    view.image_threshold.setValue(0.79)
    answer(qtbot, view, Button.Cancel)
    main_window.close()
    assert main_window.isVisible() and view.image_threshold.value() == pytest.approx(0.79)

    answer(qtbot, view, Button.Save)
    main_window.close()  # waits for the save, then closes
    qtbot.waitUntil(lambda: not main_window.isVisible(), timeout=15000)
    assert gui_services.station_settings.thresholds("demo-cast").image_threshold == pytest.approx(0.79)


# Proposals from history ----------------------------------------------------------------------------------
def label(ctx, good: list[float], defect: list[float]) -> None:  # type: ignore[no-untyped-def]
    users = {u.username: u for u in ctx.users.list_users()}
    for i, score in enumerate(good):
        _, code = record_scored(ctx, score, True, 200 + i)
        ctx.overrides.override(code, "false_alarm", users["worker"])
    for i, score in enumerate(defect):
        inspection_id, _ = record_scored(ctx, score, True, 100 + i)
        ctx.actions.log_action(inspection_id, "reground the mould", "resolved", by_user=users["manager"].user_id)


def test_history_below_the_minimum_offers_nothing_to_apply(qtbot, main_window, station_ctx) -> None:  # noqa: F811
    label(station_ctx, [0.985], [0.99])
    sign_in(qtbot, main_window, "manager")
    main_window.show_screen(Screen.TECHNICIAN)
    view = main_window.screens[Screen.TECHNICIAN].history
    view.refresh()
    qtbot.waitUntil(lambda: view.loaded is not None, timeout=15000)
    assert view.loaded.proposals == [] and view.table.rowCount() == 0 and not view.apply_button.isEnabled()
    basis = view.basis_label.text()
    assert f"needs at least {MIN_LABELLED_GOOD} labelled good parts, have 1" in basis
    assert f"needs at least {MIN_LABELLED_DEFECT} labelled defective parts, have 1" in basis
    assert view.ask_apply() is None


def test_history_proposals_show_intervals_and_apply(qtbot, main_window, station_ctx) -> None:  # noqa: F811
    good = [round(0.55 + 0.012 * i, 3) for i in range(MIN_LABELLED_GOOD)]
    defect = [0.5] + [round(0.80 + 0.015 * i, 3) for i in range(MIN_LABELLED_DEFECT)]  # one missed at 0.5
    label(station_ctx, good, defect)
    sign_in(qtbot, main_window, "manager")
    main_window.show_screen(Screen.TECHNICIAN)
    view = main_window.screens[Screen.TECHNICIAN].history
    view.target_far.setValue(0.0)
    view.propose_button.click()
    qtbot.waitUntil(lambda: view.table.rowCount() == 4, timeout=15000)
    assert view.proposal_names() == ["current", "far_target", "balanced", "no_miss"]
    assert f"{len(good)} good and {len(defect)} defective" in view.basis_label.text()
    headers = [view.table.horizontalHeaderItem(c).text() for c in range(view.table.columnCount())]
    assert headers[1:4] == ["FAIL at or above", "UNCERTAIN from", "Band width"]
    for row, p in enumerate(view.loaded.proposals):
        assert (p.false_alarm_rate, p.miss_rate, p.review_rate) == rates(good, defect, p.image_threshold,
                                                                         p.review_threshold)
        lo, hi = p.false_alarm_interval
        assert view.table.item(row, 4).text() == f"{p.false_alarm_rate:.1%} ({lo:.1%}–{hi:.1%})"
        assert view.table.item(row, 7).text() == f"{len(good)} / {len(defect)}"
    current = view.loaded.proposals[0]
    # FAIL and UNCERTAIN at 0.85 now: the defects below it would pass, and the table says so
    assert current.passed_defects == (0.5, 0.8, 0.815, 0.83, 0.845)
    assert view.table.item(0, 8).text() == "5 would be PASS (0.500, 0.800, 0.815, 0.830, 0.845)"
    assert view.table.item(3, 8).text() == "none"
    # The narrow-band proposals would pass the defect at 0.5 and say so; applying one warns again.
    far_target = view.loaded.proposals[1]
    assert far_target.passed_defects == (0.5,) and far_target.band_width == pytest.approx(0.05, abs=1e-4)
    assert view.table.item(1, 8).text() == "1 would be PASS (0.500)"
    assert view.table.select_id("far_target")
    warned = view.ask_apply()
    assert warned is not None and "Warning: 1 labelled defects of this period would be PASS" in warned.text()
    assert warned.icon() == QMessageBox.Icon.Warning
    warned.button(QMessageBox.StandardButton.Cancel).click()
    assert view.table.select_id("current") and not view.apply_button.isEnabled()
    assert view.table.select_id("no_miss") and view.apply_button.isEnabled()
    chosen = view.selected_proposal()
    assert chosen.passed_defects == () and chosen.review_threshold == pytest.approx(0.5)  # holds every defect
    confirm = view.ask_apply()
    assert confirm is not None and "no missed defect" in confirm.text() and "band width" in confirm.text()
    with qtbot.waitSignal(view.applied, timeout=15000):  # saved, and its change-log row written
        confirm.button(QMessageBox.StandardButton.Yes).click()
    product = station_ctx.catalog.get_product("demo-cast")
    assert station_ctx.catalog.get_model_config(product.product_id).image_threshold == pytest.approx(
        chosen.image_threshold)
    technician = main_window.screens[Screen.TECHNICIAN]
    technician.tabs.setCurrentWidget(technician.audit)
    log = technician.audit
    qtbot.waitUntil(lambda: any(e.source == "history" for e in log.entries), timeout=15000)
    row = next(i for i, e in enumerate(log.entries) if e.source == "history")
    assert log.table.item(row, 1).text() == "Manager User (Supervisor)"
    assert "(proposal from history: no_miss)" in log.table.item(row, 4).text()
    assert log.table.item(row, 4).text().startswith("FAIL 0.85 → ")
    # A threshold change made elsewhere on the station reloads the change log on screen.
    main_window.services.station_settings.update_thresholds("demo-cast", 0.9, 0.5, None)
    technician.env.changes.fire(ThresholdsChanged(product.product_id))
    qtbot.waitUntil(lambda: log.entries[0].user_id is None and "FAIL" in log.table.item(0, 4).text(), timeout=15000)


def test_worker_neither_sees_nor_applies_proposals(qtbot, main_window, station_ctx) -> None:  # noqa: F811
    from station.domain.errors import AuthenticationError

    label(station_ctx, [round(0.55 + 0.012 * i, 3) for i in range(MIN_LABELLED_GOOD)],
          [round(0.80 + 0.015 * i, 3) for i in range(MIN_LABELLED_DEFECT)])
    sign_in(qtbot, main_window, "worker")
    assert Screen.TECHNICIAN not in main_window.screens and not main_window.show_screen(Screen.TECHNICIAN)
    history = main_window.services.history_thresholds
    proposal = history.propose("demo-cast")[3]
    worker = next(u for u in station_ctx.users.list_users() if u.username == "worker")
    with pytest.raises(AuthenticationError, match="technician or admin"):
        history.apply("demo-cast", proposal, worker)


def test_change_log_values_read_as_numbers_names_and_words(qtbot, main_window) -> None:  # noqa: F811
    from station.services.engine import ChangeLogEntry, FieldChange

    sign_in(qtbot, main_window, "manager")
    main_window.show_screen(Screen.TECHNICIAN)
    log = main_window.screens[Screen.TECHNICIAN].audit

    def entry(operation: str, *changes: FieldChange, roles: tuple[str, ...] = ()) -> ChangeLogEntry:
        return ChangeLogEntry(1, None, 5, "Kim", roles, "model_configs", operation, "demo-cast", None, None,
                              tuple(changes))

    assert log.change_text(entry("UPDATE", FieldChange("image_threshold", 0.62, 0.585),
                                 FieldChange("fps", 15.0, 20))) == "FAIL 0.62 → 0.585, frame rate 15 → 20"
    assert log.change_text(entry("UPDATE", FieldChange("preprocessing", {"resize": 256, "roi": None},
                                                       {"resize": 128, "grayscale": True}))) == \
        "preprocessing: greyscale — → on, input size 256 → 128"
    assert log.change_text(entry("INSERT", FieldChange("override", None, "false_alarm"),
                                 FieldChange("label", None, "normal"))) == "override false alarm, label good"
    assert log.who(entry("UPDATE", roles=("manager", "admin"))) == "Kim (Supervisor, Administrator)"
    calibrated = replace(entry("UPDATE", FieldChange("image_threshold", 0.85, 0.8)), source="calibration",
                         basis=(40, 12))
    assert log.change_text(calibrated) == "FAIL 0.85 → 0.80 (calibration on 40 good and 12 defective images)"
