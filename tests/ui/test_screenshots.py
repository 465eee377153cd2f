"""Renders the worker, supervisor, technician and admin screens of a demo station to PNG and checks that
they are real pictures. With STATION_TEST_UPDATE_SCREENSHOTS=1 (or when a file is missing) they are also
written to docs/screenshots/ for the README."""

from __future__ import annotations

import os
import random
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest

from station.app.demo import DEMO_PASSWORD
from station.domain.inspection import InspectionRecord
from station.domain.inspection import TestImage as StoredImage
from station.ui.permissions import Screen
from tests.support.ui import demo_ctx, demo_template, demo_window, sign_in  # noqa: F401

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
pytestmark = pytest.mark.slow


def _history(ctx) -> None:  # type: ignore[no-untyped-def]
    """Two weeks of inspections with defects and actions, so that the dashboard has something to show."""
    rng = random.Random(7)
    product = ctx.catalog.get_product("demo-cast")
    types = [d.defect_type_id for d in product.defect_types]
    users = {u.username: u.user_id for u in ctx.users.list_users()}
    now = datetime.now().replace(minute=0, second=0, microsecond=0)
    for day in range(14, 0, -1):
        for _ in range(rng.randint(12, 20)):
            bad = rng.random() < 0.08 + 0.01 * (day % 5)
            when = now - timedelta(days=day, hours=rng.randint(0, 9))
            rec = ctx.recorder.record(InspectionRecord(
                product_id=product.product_id, image=StoredImage(file_name="p.png", file_path="k"),
                defect_detected=bad, anomaly_score=rng.uniform(0.86, 1.0) if bad else rng.uniform(0.0, 0.5),
                defect_type_id=rng.choice(types) if bad else None, inspector_id=users["worker"], inspected_at=when,
                confidence_score=rng.uniform(0.6, 0.95) if bad else None))
            if bad and rng.random() < 0.7:
                ctx.actions.log_action(rec.inspection_id, "연마 후 재검사", "resolved", by_user=users["supervisor"])


def _save(window, name: str, out: Path) -> Path:  # type: ignore[no-untyped-def]
    image = window.grab().toImage()
    path = out / name
    assert image.save(str(path)), path
    pixels = cv2.imread(str(path))
    assert pixels.shape[:2] == (900, 1440), pixels.shape
    assert len(np.unique(pixels.reshape(-1, 3)[::97], axis=0)) > 40, f"{name} looks blank"
    if os.environ.get("STATION_TEST_UPDATE_SCREENSHOTS") or not (DOCS / name).exists():
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS / name)
    return path


def _switch_user(qtbot, window, user: str) -> None:  # type: ignore[no-untyped-def]
    window.sign_out()
    sign_in(qtbot, window, user, DEMO_PASSWORD)


def test_screenshots_of_every_role(qtbot, demo_window, demo_ctx, tmp_path: Path) -> None:  # noqa: F811
    _history(demo_ctx)
    window = demo_window
    # Worker: an inspected defective part with the manual and the guide
    sign_in(qtbot, window, "worker", DEMO_PASSWORD)
    bench = window.screens[Screen.BENCH]
    qtbot.waitUntil(lambda: not bench.live.image().isNull() and bench.warm_job is None, timeout=60000)
    bench.inspect()
    qtbot.waitUntil(lambda: bench.display is not None and not bench.busy, timeout=60000)
    qtbot.waitUntil(lambda: bench.guide_job is None and bench.guide.regenerate_button.isEnabled(), timeout=60000)
    bench.guide.setCurrentIndex(1)
    qtbot.wait(200)
    _save(window, "worker_bench.png", tmp_path)
    window.set_language("ko")
    bench = window.screens[Screen.BENCH]
    qtbot.waitUntil(lambda: not bench.live.image().isNull(), timeout=20000)
    bench.inspect()
    qtbot.waitUntil(lambda: bench.display is not None and not bench.busy, timeout=60000)
    qtbot.waitUntil(lambda: bench.guide_job is None and bench.guide.regenerate_button.isEnabled(), timeout=60000)
    qtbot.wait(200)
    _save(window, "worker_bench_ko.png", tmp_path)
    window.set_language("en")
    # Supervisor: dashboard, then the queue of defects awaiting action
    _switch_user(qtbot, window, "supervisor")
    window.show_screen(Screen.SUPERVISOR)
    supervisor = window.screens[Screen.SUPERVISOR]
    supervisor.tabs.setCurrentWidget(supervisor.dashboard)
    qtbot.waitUntil(lambda: supervisor.dashboard.data is not None, timeout=20000)
    qtbot.wait(200)
    _save(window, "supervisor_dashboard.png", tmp_path)
    supervisor.tabs.setCurrentWidget(supervisor.awaiting)
    qtbot.waitUntil(lambda: supervisor.awaiting.table.rowCount() > 0, timeout=20000)
    _save(window, "supervisor_awaiting_action.png", tmp_path)
    # Technician: calibration on rendered validation parts
    from station.pipeline.synthetic.parts import render_part

    for i in range(12):
        (tmp_path / "val" / "good").mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(tmp_path / "val" / "good" / f"g{i}.png"), render_part(60_000 + i, 128).image)
    for code in ("hole", "burr", "scratch"):
        (tmp_path / "val" / code).mkdir(parents=True, exist_ok=True)
        for i in range(3):
            cv2.imwrite(str(tmp_path / "val" / code / f"{i}.png"), render_part(61_000 + i, 128, code).image)
    window.show_screen(Screen.TECHNICIAN)
    technician = window.screens[Screen.TECHNICIAN]
    technician.tabs.setCurrentWidget(technician.thresholds)
    technician.thresholds.calibrate(tmp_path / "val")
    qtbot.waitUntil(lambda: technician.thresholds.report is not None, timeout=60000)
    qtbot.wait(200)
    _save(window, "technician_calibration.png", tmp_path)
    technician.tabs.setCurrentWidget(technician.builds)
    qtbot.waitUntil(lambda: technician.builds.table.rowCount() > 0, timeout=20000)
    _save(window, "technician_builds.png", tmp_path)
    # Admin: users and roles, dark theme
    _switch_user(qtbot, window, "admin")
    window.set_theme("dark")
    window.show_screen(Screen.ADMIN)
    admin = window.screens[Screen.ADMIN]
    qtbot.waitUntil(lambda: admin.views["users"].table.rowCount() == 4, timeout=20000)
    admin.views["users"].table.selectRow(2)
    qtbot.wait(200)
    _save(window, "admin_users_dark.png", tmp_path)
    window.set_theme("light")
    admin.tabs.setCurrentWidget(admin.views["catalog"])
    qtbot.waitUntil(lambda: admin.views["catalog"].product_table.rowCount() == 1, timeout=20000)
    admin.views["catalog"].product_table.selectRow(0)
    qtbot.wait(200)
    _save(window, "admin_catalog.png", tmp_path)
    window.sign_out()
    _save(window, "sign_in.png", tmp_path)
