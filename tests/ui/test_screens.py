"""Supervisor, technician and admin screens on real widgets: action logging, history, dashboard and
shift report export; settings validation with audit rows; bank build with progress and cancel;
calibration charts; user, product and defect-type administration; image-library import."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import Qt

from station.app.demo import DEMO_PASSWORD
from station.domain.inspection import InspectionRecord
from station.domain.inspection import TestImage as StoredImage
from station.ui.permissions import Screen
from tests.support.ui import (  # noqa: F401
    demo_ctx,
    demo_template,
    demo_window,
    gui_services,
    main_window,
    replay_folder,
    sign_in,
    station_ctx,
)


def _record(ctx, defect: bool, minutes_ago: int, defect_code: str | None = "hole") -> int:  # type: ignore[no-untyped-def]
    product = ctx.catalog.get_product("demo-cast")
    defect_type = product.defect_by_code(defect_code) if defect and defect_code else None
    rec = ctx.recorder.record(InspectionRecord(
        product_id=product.product_id, image=StoredImage(file_name="x.png", file_path="k"), defect_detected=defect,
        anomaly_score=0.95 if defect else 0.1, defect_type_id=defect_type.defect_type_id if defect_type else None,
        inspected_at=_today_minus(minutes_ago)))
    return rec.inspection_id


def _today_minus(minutes: int) -> datetime:
    """``minutes`` before now, but never before 00:30 today - minutes: the screens count *today's* parts, so a
    run just after midnight must not push a part into yesterday (a few minutes ahead of the clock is harmless)."""
    base = max(datetime.now(), datetime.combine(date.today(), time(0, 30)))
    return base - timedelta(minutes=minutes)


def test_supervisor_logs_an_action_and_the_defect_leaves_the_queue(qtbot, main_window, station_ctx) -> None:  # noqa: F811
    bad = _record(station_ctx, True, 5)
    _record(station_ctx, False, 10)
    sign_in(qtbot, main_window, "manager")
    main_window.show_screen(Screen.SUPERVISOR)
    view = main_window.screens[Screen.SUPERVISOR].awaiting
    qtbot.waitUntil(lambda: view.table.rowCount() == 1, timeout=10000)
    assert view.table.select_id(bad)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)  # keyboard: Enter opens the action dialog
    qtbot.waitUntil(lambda: view.dialog is not None and view.dialog.isVisible(), timeout=5000)
    dialog = view.dialog
    dialog.action_taken.setPlainText("x")
    dialog._accept()
    assert dialog.isVisible() and dialog.message.level == "warning", "too short: refused with a message"
    dialog.action_taken.setPlainText("Ground the pore and re-inspected")
    dialog.result.setCurrentIndex(dialog.result.findData("resolved"))
    dialog.notes.setPlainText("line 2")
    dialog._accept()
    qtbot.waitUntil(lambda: view.table.rowCount() == 0, timeout=10000)
    [entry] = station_ctx.actions.actions_for(bad)
    assert (entry.action_taken, entry.action_result, entry.notes) == ("Ground the pore and re-inspected", "resolved",
                                                                    "line 2")
    assert entry.action_by == main_window.session.user.user_id
    dashboard = main_window.screens[Screen.SUPERVISOR].dashboard
    qtbot.waitUntil(lambda: dashboard.cards["resolved"].value.text() == "1", timeout=10000)
    assert dashboard.cards["total"].value.text() == "2" and dashboard.cards["rate"].value.text() == "50.0%"
    assert dashboard.type_chart.values() == [("hole", 1)]  # the stored 기공 in the UI language
    assert dashboard.rate_chart.data().series[0].points[-1] == (13.0, 0.5)


def test_history_filters_and_shift_report_exports(qtbot, main_window, station_ctx, tmp_path: Path) -> None:  # noqa: F811
    _record(station_ctx, True, 5)
    _record(station_ctx, False, 6)
    _record(station_ctx, True, 7, "burr")
    sign_in(qtbot, main_window, "viewer")
    supervisor = main_window.screens[Screen.SUPERVISOR]
    history = supervisor.history
    qtbot.waitUntil(lambda: history.table.rowCount() == 3, timeout=10000)
    history.defects_only.setChecked(True)
    history.refresh()
    qtbot.waitUntil(lambda: history.table.rowCount() == 2, timeout=10000)
    history.text.setText("날개")
    history.refresh()
    qtbot.waitUntil(lambda: history.table.rowCount() == 1, timeout=10000)
    shift = supervisor.shift
    now = datetime.now()
    shift.start_hour.setValue(max(0, now.hour - 2))
    shift.hours.setValue(24)
    shift.refresh()
    qtbot.waitUntil(lambda: shift.report is not None, timeout=10000)
    assert shift.report.total == 3
    csv_path, pdf_path = tmp_path / "shift.csv", tmp_path / "shift.pdf"
    shift.export(csv_path, "csv")
    shift.export(pdf_path, "pdf")
    qtbot.waitUntil(lambda: csv_path.exists() and pdf_path.exists() and pdf_path.stat().st_size > 1000, timeout=20000)
    assert csv_path.read_text(encoding="utf-8").lstrip("\ufeff").startswith("inspection_code,")
    assert pdf_path.read_bytes()[:4] == b"%PDF"


def test_camera_settings_are_validated_and_audited(qtbot, main_window, tmp_path: Path) -> None:  # noqa: F811
    sign_in(qtbot, main_window, "manager")
    main_window.show_screen(Screen.TECHNICIAN)
    camera = main_window.screens[Screen.TECHNICIAN].camera
    qtbot.waitUntil(lambda: camera.source.text() != "", timeout=10000)
    camera.width_spin.setValue(5)
    camera.apply()
    qtbot.waitUntil(lambda: camera.message.level == "error", timeout=10000)
    assert "width" in camera.message.text()
    camera.width_spin.setValue(0)
    camera.fps.setValue(0.1)
    camera.apply()
    qtbot.waitUntil(lambda: "fps" in camera.message.text(), timeout=10000)
    def mine() -> list:  # type: ignore[type-arg]  # (the fixture's own camera set-up has no user)
        return [e for e in main_window.services.station_settings.audit_history() if e.user_id is not None]

    assert mine() == []
    other = tmp_path / "other"
    other.mkdir()
    cv2.imwrite(str(other / "a.png"), np.full((64, 80, 3), 99, np.uint8))
    camera.source.setText(str(other))
    camera.fps.setValue(10)
    camera.apply()
    qtbot.waitUntil(lambda: camera.message.level == "info", timeout=10000)
    qtbot.waitUntil(lambda: main_window.camera.feed is not None and main_window.camera.feed.spec.source == str(other),
                    timeout=10000)
    [entry] = mine()
    assert entry.table_name == "station_camera" and entry.new_data["source"] == str(other)
    assert entry.user_id == main_window.session.user.user_id and entry.logged_at is not None


def test_preprocessing_roi_is_drawn_validated_and_saved(qtbot, main_window) -> None:  # noqa: F811
    from PySide6.QtCore import QPoint, Qt

    sign_in(qtbot, main_window, "admin")
    main_window.show_screen(Screen.TECHNICIAN)
    technician = main_window.screens[Screen.TECHNICIAN]
    technician.tabs.setCurrentWidget(technician.preprocessing)
    view = technician.preprocessing
    qtbot.waitUntil(lambda: view.config is not None and main_window.camera.latest_frame is not None, timeout=10000)
    view.capture_frame()
    rect = view.editor.image_rect()
    start = QPoint(int(rect.left() + rect.width() * 0.25), int(rect.top() + rect.height() * 0.25))
    end = QPoint(int(rect.left() + rect.width() * 0.75), int(rect.top() + rect.height() * 0.75))
    qtbot.mousePress(view.editor, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(view.editor, end)
    qtbot.mouseRelease(view.editor, Qt.MouseButton.LeftButton, pos=end)
    assert view.roi_px is not None and abs(view.roi_px[2] - 48) <= 2, view.roi_px  # half of the 96-px frame
    view.resize_spin.setValue(100)
    view.apply()
    qtbot.waitUntil(lambda: view.message.level == "error", timeout=10000)
    assert "multiple of 32" in view.message.text()
    view.resize_spin.setValue(128)
    view.grayscale.setChecked(True)
    view.apply()
    qtbot.waitUntil(lambda: view.message.level == "info", timeout=10000)
    config = main_window.services.station_settings.model_config(main_window.session.product.product_id)
    assert config.preprocessing["resize"] == 128 and config.preprocessing["grayscale"] is True
    assert config.preprocessing["roi"] == view.roi_px
    assert [e.table_name for e in main_window.services.station_settings.audit_history()
            if e.user_id is not None] == ["model_configs"]


@pytest.mark.slow
def test_bank_build_shows_progress_can_be_cancelled_and_completes(qtbot, demo_window) -> None:  # noqa: F811
    sign_in(qtbot, demo_window, "supervisor", DEMO_PASSWORD)
    demo_window.show_screen(Screen.TECHNICIAN)
    technician = demo_window.screens[Screen.TECHNICIAN]
    builds = technician.builds
    technician.tabs.setCurrentWidget(builds)
    qtbot.waitUntil(lambda: builds.table.rowCount() >= 2, timeout=10000)
    before = builds.table.rowCount()
    builds.start("bank")
    assert builds.progress.isVisible() and not builds.bank_button.isEnabled()
    qtbot.waitUntil(lambda: builds.progress.bar.value() > 0, timeout=30000)
    builds.progress.cancel_button.click()
    qtbot.waitUntil(lambda: not builds.progress.busy, timeout=60000)
    assert "cancelled" in builds.message.text()
    qtbot.waitUntil(lambda: builds.table.rowCount() == before + 1, timeout=10000)
    assert builds.table.item(0, 2).text() == "cancelled" and builds.table.item(0, 1).text() == "patchcore_bank"
    builds.start("bank")
    qtbot.waitUntil(lambda: not builds.progress.busy, timeout=120000)
    assert "done" in builds.message.text(), builds.message.text()
    qtbot.waitUntil(lambda: builds.table.rowCount() == before + 3, timeout=10000)
    assert {builds.table.item(r, 1).text(): builds.table.item(r, 2).text() for r in range(2)} == {
        "patchcore_bank": "completed", "clip_embedding": "completed"}


@pytest.mark.slow
def test_calibration_view_plots_scores_and_suggests_thresholds(qtbot, demo_window, tmp_path: Path) -> None:  # noqa: F811
    from station.pipeline.synthetic.parts import render_part

    (tmp_path / "val" / "good").mkdir(parents=True)
    (tmp_path / "val" / "hole").mkdir()
    for i in range(6):
        cv2.imwrite(str(tmp_path / "val" / "good" / f"g{i}.png"), render_part(70_000 + i, 128).image)
    for i in range(3):
        cv2.imwrite(str(tmp_path / "val" / "hole" / f"h{i}.png"), render_part(71_000 + i, 128, "hole").image)
    sign_in(qtbot, demo_window, "admin", DEMO_PASSWORD)
    demo_window.show_screen(Screen.TECHNICIAN)
    view = demo_window.screens[Screen.TECHNICIAN].thresholds
    qtbot.waitUntil(lambda: view.saved is not None, timeout=10000)
    view.calibrate(tmp_path / "val")
    qtbot.waitUntil(lambda: view.report is not None, timeout=60000)
    assert (view.report.n_good, view.report.n_defect) == (6, 3)
    labels = [s.label for s in view.histogram.data().series]
    assert labels == ["good (6)", "defect (3)"] and view.roc.data().series[0].label == "ROC"
    assert "6 good and 3 defect samples" in view.summary.text()
    view.use_suggested()
    assert view.image_threshold.value() == pytest.approx(view.report.suggested_image_threshold, abs=1e-3)
    assert view.review_threshold.value() == pytest.approx(view.report.suggested_review_threshold, abs=1e-3)
    qtbot.waitUntil(lambda: demo_window.camera.latest_frame is not None, timeout=10000)
    view.preview_current_frame()  # live preview on the current frame, re-judged as the values change
    qtbot.waitUntil(lambda: view.preview_outcome is not None, timeout=30000)
    assert view.preview_label.text().startswith(view.preview_outcome.verdict.value)
    view.image_threshold.setValue(0.999)
    view.review_threshold.setValue(0.998)
    qtbot.waitUntil(lambda: view.preview_outcome.image_threshold == pytest.approx(0.999), timeout=10000)
    assert view.preview_outcome.reevaluated
    assert view.has_unsaved() and view.report.band_width >= 0.05 - 1e-9
    assert f"a band {view.report.band_width:.3f} wide" in view.summary.text()
    view.discard_edits()  # nothing saved: closing the window asks nothing


def test_admin_manages_users_products_defect_types_and_imports_images(qtbot, main_window, station_ctx,  # noqa: F811
                                                                      tmp_path: Path) -> None:
    sign_in(qtbot, main_window, "admin")
    main_window.show_screen(Screen.ADMIN)
    admin = main_window.screens[Screen.ADMIN]
    users = admin.views["users"]
    qtbot.waitUntil(lambda: users.table.rowCount() == 4, timeout=10000)
    users.username.setText("lee")
    users.email.setText("not-an-email")
    users.password.setText("password123")
    users.role_boxes[next(r for r in users.role_boxes if r.value == "worker")].setChecked(True)
    users.add_user()
    qtbot.waitUntil(lambda: users.message.level == "error", timeout=10000)
    assert "e-mail" in users.message.text()
    users.email.setText("lee@example.com")
    users.add_user()
    qtbot.waitUntil(lambda: users.table.rowCount() == 5, timeout=10000)
    assert "lee" in users.table.column_values(0)
    catalog = admin.views["catalog"]
    qtbot.waitUntil(lambda: catalog.product_table.rowCount() == 1, timeout=10000)
    assert catalog.product_table.select_id("demo-cast")
    catalog.defect_code.setText("dent")
    catalog.name_ko.setText("찍힘")
    catalog.severity.setValue(7)
    catalog.save_defect()
    qtbot.waitUntil(lambda: catalog.message.level == "error", timeout=10000)
    assert "severity" in catalog.message.text()
    catalog.severity.setValue(2)
    catalog.save_defect()
    qtbot.waitUntil(lambda: catalog.defect_table.rowCount() == 4, timeout=10000)
    assert station_ctx.catalog.get_product("demo-cast").defect_by_code("dent").severity_level == 2
    library = admin.views["library"]
    admin.tabs.setCurrentWidget(library)
    folder = tmp_path / "good"
    folder.mkdir()
    for i in range(5):
        cv2.imwrite(str(folder / f"{i}.png"), np.full((40, 40, 3), 30 * i, np.uint8))
    library.drop_list.add_path(folder)
    library.start_import()
    assert library.progress.isVisible()
    qtbot.waitUntil(lambda: "Imported 5 images" in library.message.text(), timeout=20000)
    product = station_ctx.catalog.get_product("demo-cast")
    assert len(station_ctx.catalog.list_images(product.product_id, "normal")) == 5
    tables = {e.table_name for e in main_window.services.station_settings.audit_history()}
    assert {"users", "defect_types"} <= tables
    manuals = admin.views["manuals"]
    admin.tabs.setCurrentWidget(manuals)
    manuals.upload([Path(__file__).resolve().parents[2] / "resources" / "demo" / "demo_manual.md"])
    qtbot.waitUntil(lambda: manuals.list.count() == 1, timeout=60000)
    assert "Ingested 1 manual(s)" in manuals.message.text() and "indexed" in manuals.list.item(0).text()
