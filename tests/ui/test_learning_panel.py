"""The technician's "Learning from false alarms" tab on real widgets over a real local store, object store and
MobileNetV2 model: it lists the false alarms not learned yet with thumbnails, learns the ticked ones as a
background job (progress, then the validation result: a new live version), no longer lists them, and rolls
back to the version it names."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import Qt

from station.pipeline.synthetic.parts import render_part
from station.services.engine.references import add_demo_images
from station.ui.permissions import Screen
from tests.support.engine import fixed_build, install_mobilenet
from tests.support.ui import gui_services, main_window, replay_folder, sign_in, station_ctx  # noqa: F401

SIZE = 96
pytestmark = [pytest.mark.network, pytest.mark.slow]


def _variation(seed: int) -> np.ndarray:
    out = render_part(seed, SIZE).image.astype(np.float32) * 0.6 + 30
    out += np.sin(np.arange(SIZE) / 1.5)[None, :] * 14
    return np.clip(out, 0, 255).astype(np.uint8)


@pytest.fixture
def learning_station(station_ctx):  # type: ignore[no-untyped-def]  # noqa: F811
    ctx = station_ctx
    install_mobilenet(ctx.settings.resolved_models_dir)
    product = ctx.catalog.get_product("demo-cast")
    config = ctx.catalog.get_model_config(product.product_id)
    ctx.catalog.save_model_config(replace(config, preprocessing={"resize": SIZE}))
    add_demo_images(ctx.catalog, ctx.storage, "demo-cast", n_good=10, n_per_defect=1, size=SIZE)
    fixed_build(ctx)
    worker = next(u for u in ctx.users.list_users() if u.username == "worker")
    ids = []
    for seed in range(3):
        outcome = ctx.engine.inspection.inspect("demo-cast", _variation(50_000 + seed), inspector_id=worker.user_id)
        assert outcome.verdict.value != "PASS"
        ids.append(ctx.overrides.override(outcome.inspection_code, "false_alarm", worker).override_id)
    return ctx, ids


def test_learning_tab_updates_and_rolls_back(qtbot, learning_station, main_window) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    ctx, ids = learning_station
    sign_in(qtbot, main_window, "manager")
    main_window.show_screen(Screen.TECHNICIAN)
    technician = main_window.screens[Screen.TECHNICIAN]
    technician.tabs.setCurrentWidget(technician.learning)
    view = technician.learning
    qtbot.waitUntil(lambda: view.table.rowCount() == 3, timeout=30000)
    assert [view.table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(3)] == ids
    assert all(not view.table.item(r, 0).icon().isNull() for r in range(3))  # thumbnails
    assert view.table.item(0, 3).text() in {"FAIL", "UNCERTAIN"}
    before = ctx.engine.files.current_version("demo-cast")

    view.update_button.click()  # nothing ticked: one line, nothing runs
    assert "Tick the false alarms" in view.message.text()
    for r in range(2):
        view.table.item(r, 0).setCheckState(Qt.CheckState.Checked)
    assert view.checked_ids() == ids[:2]
    view.update_button.click()
    assert not view.update_button.isEnabled()  # busy while the job runs
    qtbot.waitUntil(lambda: isinstance(view.last_result, list), timeout=120000)
    result, = view.last_result
    assert result.accepted and "accepted" in view.result.text() and result.version in view.result.text()
    assert ctx.engine.files.current_version("demo-cast") == result.version != before
    qtbot.waitUntil(lambda: view.table.rowCount() == 1, timeout=30000)  # the learned ones are gone
    assert view.table.item(0, 0).data(Qt.ItemDataRole.UserRole) == ids[2]
    qtbot.waitUntil(lambda: before in view.rollback_button.text() and view.rollback_button.isEnabled(),
                    timeout=30000)

    view.rollback_button.click()
    qtbot.waitUntil(lambda: not isinstance(view.last_result, list) and view.last_result is not None, timeout=60000)
    assert view.last_result.version == before
    assert ctx.engine.files.current_version("demo-cast") == before
    assert "Rolled back" in view.result.text()
    qtbot.waitUntil(lambda: view.table.rowCount() == 3, timeout=30000)  # pending again after the rollback
