"""Few-shot onboarding from the bench with real widgets (offscreen): 5 good parts captured one key press
each from a real image-folder camera, built in a job, the product then selectable and inspectable at the
bench; "Add good parts" rebuilds and the expected false-alarm rate falls."""

from __future__ import annotations

from pathlib import Path

import cv2
import pytest
from PySide6.QtCore import Qt

from station.domain.camera import CameraSpec
from station.pipeline.synthetic.parts import render_part
from station.ui.permissions import Screen
from tests.support.ui import gui_services, main_window, replay_folder, sign_in, station_ctx  # noqa: F401

pytestmark = pytest.mark.slow

SIZE = 64


def _parts(folder: Path, seeds: range) -> Path:
    folder.mkdir(parents=True)
    for seed in seeds:
        cv2.imwrite(str(folder / f"{seed:06d}.png"), render_part(seed, SIZE).image)
    return folder


def _capture(qtbot, dialog, count: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(count):
        seen = dialog.thumbs.count()
        qtbot.waitUntil(lambda: dialog.env.camera.latest_frame is not None
                        and dialog.env.camera.latest_frame.seq != dialog._last_seq, timeout=10000)
        qtbot.keyClick(dialog, Qt.Key.Key_C)
        assert dialog.thumbs.count() == seen + 1


def test_new_product_from_the_live_camera(qtbot, main_window, station_ctx, tmp_path: Path) -> None:  # noqa: F811
    spec = CameraSpec(source=str(_parts(tmp_path / "parts", range(95_000, 95_020))), fps=25)
    main_window.camera.open(spec)
    sign_in(qtbot, main_window, "manager")
    main_window.show_screen(Screen.BENCH)
    bench = main_window.screens[Screen.BENCH]
    assert bench.tools.onboard_button.isVisibleTo(bench) and bench.tools.line_button.isVisibleTo(bench)
    dialog = bench.tools.open_onboarding()
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
    dialog.code.setText("bracket-a7")
    dialog.name.setText("Bracket A7")
    _capture(qtbot, dialog, 4)
    assert not dialog.build_button.isEnabled(), "fewer than 5 good parts cannot be built"
    qtbot.waitUntil(lambda: dialog.env.camera.latest_frame.seq != dialog._last_seq, timeout=10000)
    held = dialog._last_seq
    main_window.camera._poll()
    dialog._last_seq = main_window.camera.latest_frame.seq  # the same frame again is refused
    assert not dialog.capture() and "same picture" in dialog.message.text()
    dialog._last_seq = held
    _capture(qtbot, dialog, 1)
    assert dialog.build_button.isEnabled()
    dialog.build_button.click()
    assert dialog.job is not None and dialog.progress.busy
    qtbot.waitUntil(lambda: dialog.job is None, timeout=300000)
    first = dialog.report
    assert first is not None, dialog.message.text()
    assert first.n_good == 5 and first.far_upper_bound is not None
    assert f"{first.far_upper_bound:.0%}" in dialog.rate.text() and "ready to inspect" in dialog.rate.text()
    product = station_ctx.catalog.get_product("bracket-a7")
    assert len(station_ctx.catalog.list_images(product.product_id, "normal")) == 5

    # the product is in the bench's list: choose it and inspect
    combo = main_window.product_combo
    qtbot.waitUntil(lambda: combo.findData("bracket-a7") >= 0, timeout=15000)
    combo.setCurrentIndex(combo.findData("bracket-a7"))
    qtbot.waitUntil(lambda: bench.warm_job is None, timeout=60000)
    bench.inspect()
    qtbot.waitUntil(lambda: bench.display is not None and not bench.busy, timeout=60000)
    assert bench.display.outcome.product_code == "bracket-a7" and bench.display.outcome.inspection_code

    # more good parts: the model is rebuilt and the bound falls (4 of 20 held out: 3/4)
    _capture(qtbot, dialog, 15)
    dialog.add_button.click()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=300000)
    assert dialog.report is not first, dialog.message.text()
    assert dialog.report.n_good == 20 and dialog.report.far_upper_bound == pytest.approx(0.75)
    assert dialog.report.far_upper_bound < first.far_upper_bound and "75%" in dialog.rate.text()
    dialog.close_button.click()
