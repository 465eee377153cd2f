"""Qt-free services behind the GUI screens, on a real SQLite store: settings validation and audit,
admin edits with audit rows, supervisor reports (dashboard, awaiting action, history, shift CSV),
image-library import."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlalchemy import text

from station.app.station import build_station
from station.app.gui import build_gui_services
from station.domain.camera import CameraSpec
from station.domain.catalog import DefectTypeSpec
from station.domain.errors import ValidationError
from station.domain.inspection import InspectionRecord
from station.domain.inspection import TestImage as StoredImage
from station.domain.reports import STATUS_OPEN, HistoryFilter
from station.resources import resources_dir
from station.services.admin import import_defect_mapping


@pytest.fixture
def ctx():  # type: ignore[no-untyped-def]
    context = build_station()
    import_defect_mapping(context.catalog, resources_dir() / "demo" / "demo_product.json")
    yield context
    context.close()


def _audit_rows(ctx, table: str) -> list:  # type: ignore[no-untyped-def]
    from station.adapters.db.audit_repo import SqlAuditTrail

    audit = SqlAuditTrail(ctx.db)
    return sorted(audit.recent(table, limit=100), key=lambda e: e.log_id)


def test_camera_settings_are_validated_and_audited(ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    gui = build_gui_services(ctx)
    admin = ctx.users.add_user("tech1", "tech1@example.com", "password123", ["manager"])
    with pytest.raises(ValidationError, match="width"):
        gui.station_settings.update_camera(CameraSpec(source=str(tmp_path), width=3), admin.user_id)
    assert _audit_rows(ctx, "station_camera") == []
    gui.station_settings.update_camera(CameraSpec(source=str(tmp_path), fps=5), admin.user_id)
    gui.station_settings.update_camera(CameraSpec(source=str(tmp_path), fps=5), admin.user_id)  # no change
    rows = _audit_rows(ctx, "station_camera")
    assert len(rows) == 1 and rows[0].user_id == admin.user_id and rows[0].logged_at is not None
    old, new = rows[0].old_data, rows[0].new_data
    assert (old["source"], new["source"]) == ("0", str(tmp_path)) and (old["fps"], new["fps"]) == (15.0, 5)
    assert gui.station_settings.camera().fps == 5


def test_thresholds_and_preprocessing_are_validated_and_audited(ctx) -> None:  # type: ignore[no-untyped-def]
    gui = build_gui_services(ctx)
    product = ctx.catalog.get_product("demo-cast")
    for bad in ((1.2, 0.9, None), (0.5, 0.0, None), (0.5, 0.5, 0.7), (0.5, 0.5, 0.0)):
        with pytest.raises(ValidationError):
            gui.station_settings.update_thresholds("demo-cast", *bad[:2], 7, review_threshold=bad[2])
    assert _audit_rows(ctx, "model_configs") == []
    saved = gui.station_settings.update_thresholds("demo-cast", 0.6, 0.7, 7)
    assert (saved.image_threshold, saved.pixel_threshold, saved.review_threshold) == (0.6, 0.7, None)
    rows = _audit_rows(ctx, "model_configs")
    assert len(rows) == 1 and rows[0].old_data["image_threshold"] == 0.85 and rows[0].new_data["image_threshold"] == 0.6
    assert rows[0].user_id == 7 and "pixel_threshold" in rows[0].new_data
    # the review threshold is configured in the same row, with or without a bank
    saved = gui.station_settings.update_thresholds("demo-cast", 0.6, 0.7, 7, review_threshold=0.5)
    assert saved.review_threshold == 0.5
    assert ctx.catalog.get_model_config(product.product_id).review_threshold == 0.5
    assert _audit_rows(ctx, "model_configs")[-1].new_data["review_threshold"] == 0.5
    with pytest.raises(ValidationError, match="ROI"):
        gui.station_settings.update_preprocessing(product.product_id, {"roi": [-1, 0, 60, 20]}, 7)
    with pytest.raises(ValidationError, match="ignore area"):
        gui.station_settings.update_preprocessing(product.product_id, {"ignore": [[0, 0, 2, 2]]}, 7)
    from station.pipeline.images.preprocessing import Preprocessing

    with pytest.raises(ValidationError, match="multiple of 32"):
        gui.station_settings.update_preprocessing(product.product_id, {"resize": 100}, 7,
                                                  validator=Preprocessing.from_config)
    gui.station_settings.update_preprocessing(product.product_id, {"roi": [10, 10, 80, 80], "grayscale": True}, 7,
                                              validator=Preprocessing.from_config)
    config = ctx.catalog.get_model_config(product.product_id)
    assert config.preprocessing == {"roi": [10, 10, 80, 80], "grayscale": True}
    assert config.image_threshold == 0.6 and config.review_threshold == 0.5, "other settings are kept"
    assert len(_audit_rows(ctx, "model_configs")) == 3


def test_a_save_of_some_settings_keeps_a_concurrent_save_of_the_others(ctx) -> None:  # type: ignore[no-untyped-def]
    """Thresholds and preprocessing saved at the same time (two tabs, one Save): each save writes its own
    settings only, so the one that read the configuration first does not undo the other."""
    gui = build_gui_services(ctx)
    product = ctx.catalog.get_product("demo-cast")
    read_first = ctx.catalog.get_model_config(product.product_id)
    gui.station_settings.update_thresholds("demo-cast", 0.81, 0.9, 7, review_threshold=0.6)
    stored = ctx.catalog.save_model_config(replace(read_first, preprocessing={"grayscale": True}), ("preprocessing",))
    assert (stored.image_threshold, stored.review_threshold, stored.preprocessing) == (0.81, 0.6, {"grayscale": True})
    ctx.catalog.save_model_config(replace(read_first, image_threshold=0.7), ("image_threshold",))
    config = ctx.catalog.get_model_config(product.product_id)
    assert (config.image_threshold, config.review_threshold, config.preprocessing) == (0.7, 0.6, {"grayscale": True})
    with pytest.raises(ValueError):
        ctx.catalog.save_model_config(config, ("sync_uuid",))


def test_admin_edits_are_validated_and_audited(ctx) -> None:  # type: ignore[no-untyped-def]
    gui = build_gui_services(ctx)
    boss = gui.admin.add_user("boss", "boss@example.com", "password123", ["admin"], "Boss", None)
    gui.admin.add_user("kim", "kim@example.com", "password123", ["worker"], "Kim", boss.user_id)
    gui.admin.set_roles("kim", ["worker", "viewer"], boss.user_id)
    assert {r.value for r in ctx.users.authenticate("kim", "password123").roles} == {"worker", "viewer"}
    with pytest.raises(ValidationError, match="last active admin"):
        gui.admin.set_roles("boss", ["worker"], boss.user_id)
    with pytest.raises(ValidationError, match="last active admin"):
        gui.admin.set_active("boss", False, boss.user_id)
    gui.admin.set_active("kim", False, boss.user_id)
    with pytest.raises(Exception, match="disabled"):
        ctx.users.authenticate("kim", "password123")
    with pytest.raises(ValidationError):
        gui.admin.save_product("x", "bad code", by_user=boss.user_id)
    gui.admin.save_product("prod9", "제품 9", by_user=boss.user_id)
    product = ctx.catalog.get_product("prod9")
    with pytest.raises(ValidationError, match="severity"):
        gui.admin.save_defect_type(product.product_id, DefectTypeSpec("dent", "찍힘", "dent", None, 9), boss.user_id)
    gui.admin.save_defect_type(product.product_id, DefectTypeSpec("dent", "찍힘", "dent", None, 4), boss.user_id)
    gui.admin.save_defect_type(product.product_id, DefectTypeSpec("dent", "눌림", "dent", None, 5), boss.user_id)
    defect = ctx.catalog.get_product("prod9").defect_by_code("dent")
    assert (defect.name_ko, defect.severity_level) == ("눌림", 5)
    gui.admin.set_product_active("prod9", False, boss.user_id)
    assert "prod9" not in [p.code for p in ctx.catalog.list_products()]
    dt_rows = _audit_rows(ctx, "defect_types")
    assert len(dt_rows) == 2 and dt_rows[1].old_data["defect_name_ko"] == "찍힘" \
        and dt_rows[1].new_data["defect_name_ko"] == "눌림"
    assert len(_audit_rows(ctx, "user_roles")) == 1 and len(_audit_rows(ctx, "users")) == 3


def _record(ctx, product_id: int, defect: bool, when: datetime, defect_type_id=None) -> int:  # type: ignore[no-untyped-def]
    rec = ctx.recorder.record(InspectionRecord(
        product_id=product_id, image=StoredImage(file_name="x.png", file_path="k"), defect_detected=defect,
        anomaly_score=0.9 if defect else 0.1, defect_type_id=defect_type_id, inspected_at=when))
    return rec.inspection_id


def test_reports_dashboard_awaiting_history_and_shift_csv(ctx) -> None:  # type: ignore[no-untyped-def]
    gui = build_gui_services(ctx)
    product = ctx.catalog.get_product("demo-cast")
    hole = product.defect_by_code("hole").defect_type_id
    now = datetime.combine(date.today() - timedelta(days=1), time(12, 0))  # yesterday noon: no run crosses a day
    ok_id = _record(ctx, product.product_id, False, now - timedelta(hours=1))
    bad_id = _record(ctx, product.product_id, True, now - timedelta(minutes=30), hole)
    old_bad = _record(ctx, product.product_id, True, now - timedelta(days=2), hole)
    with ctx.db.session() as session:
        session.execute(text("INSERT INTO action_logs (inspection_id, action_taken, action_result) "
                             "VALUES (:i, 'ground the burr', 'resolved')"), {"i": old_bad})
    [stats] = gui.reports.dashboard(product.product_id)
    assert (stats.total_inspection_count, stats.defect_detected_count, stats.pending_action_count) == (3, 2, 1)
    assert [r.inspection_id for r in gui.reports.awaiting_action("demo-cast")] == [bad_id]
    assert {r.inspection_id for r in gui.reports.history(HistoryFilter(product_id=product.product_id,
                                                                      defects_only=True))} == {bad_id, old_bad}
    assert [r.inspection_id for r in gui.reports.history(HistoryFilter(action_status=STATUS_OPEN))] == [bad_id]
    series = gui.reports.daily_counts(product.product_id, days=7, today=now.date())
    assert len(series) == 7 and series[-1].inspections == 2 and series[-1].defects == 1
    assert gui.reports.defect_type_counts(product.product_id) == {"기공": 2}
    report = gui.reports.shift_report(product.product_id, "demo-cast", product.name,
                                      now - timedelta(hours=8), now + timedelta(minutes=1))
    assert (report.total, report.defects, report.open_actions) == (2, 1, 1)
    lines = report.to_csv().lstrip("\ufeff").splitlines()
    assert lines[0].startswith("inspection_code,") and len(lines) == 3 and "기공" in report.to_csv()
    assert ok_id in [r.inspection_id for r in report.rows]


def test_library_import_stores_images_and_skips_unreadable_files(ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    library = build_gui_services(ctx).library
    product = ctx.catalog.get_product("demo-cast")
    folder = tmp_path / "good"
    folder.mkdir()
    for i in range(3):
        cv2.imwrite(str(folder / f"g{i}.png"), np.full((32, 48, 3), 60 * i, np.uint8))
    (folder / "broken.png").write_bytes(b"not an image")
    seen: list[float] = []
    report = library.import_images(product.product_id, "normal", [folder],
                           progress=lambda f, _m: seen.append(f))
    assert report.imported == 3 and len(report.skipped) == 1 and seen[-1] == 1.0
    images = ctx.catalog.list_images(product.product_id, "normal")
    assert len(images) == 3 and (images[0].width, images[0].height) == (48, 32)
    assert ctx.storage.get_bytes(images[0].file_path)[:4] == b"\x89PNG"
    with pytest.raises(ValidationError, match="defect type"):
        library.import_images(product.product_id, "defect", [folder])
    report = library.import_images(product.product_id, "defect", [folder],
                           defect_type_id=product.defect_by_code("burr").defect_type_id, cancelled=lambda: True)
    assert report.cancelled and report.imported == 0
