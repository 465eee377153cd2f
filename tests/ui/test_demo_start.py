"""The demo's first start: the window opens on a home whose bank is still to be built, the build runs in the
background (a real build with the demo's fixed configuration, on a few small rendered parts) while the status
bar and the bench show its progress and Inspect waits, and the bench becomes ready once the build is done."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.support.ui import open_bench

pytestmark = pytest.mark.slow


def test_window_opens_before_the_build_and_the_bench_is_ready_after_it(qtbot, _isolated_home: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    from station.app.demo import DEMO_PRODUCT, OverallProgress, build_demo_model, prepare_demo
    from station.app.gui import BackgroundBuild, build_gui_services
    from station.app.station import build_station
    from station.config import load_settings
    from station.ui.shell import appearance
    from station.ui.shell.main_window import MainWindow

    ctx = build_station(load_settings(home=_isolated_home))
    try:
        setup = prepare_demo(ctx, ctx.engine, n_good=8, n_per_defect=1, size=128, report=None, build=False)
        assert setup.needs_build and setup.build is None  # nothing built yet: no bank, no selection

        started, release = threading.Event(), threading.Event()

        def build(progress, cancel):  # type: ignore[no-untyped-def]
            started.set()  # the real build, held until the test has seen the window waiting for it
            release.wait(60)
            return build_demo_model(ctx.engine, progress=OverallProgress(progress), cancel=cancel)

        app = QApplication.instance()
        appearance.apply_font(app)
        appearance.apply_theme(app, "light")
        appearance.apply_language(app, "en")
        window = MainWindow(build_gui_services(ctx))
        qtbot.addWidget(window)
        window.camera.open(setup.camera)
        window.show()
        job = window.build_in_background(BackgroundBuild(DEMO_PRODUCT, build))
        try:
            assert window.isVisible() and job.running
            qtbot.waitUntil(started.is_set, timeout=10000)
            assert window.status.build_label.isVisible()
            assert window.status.build_label.text().startswith(f"Building the model of {DEMO_PRODUCT}")

            bench = open_bench(qtbot, window, warm=False)
            assert job.running
            assert not bench.inspect_button.isEnabled()
            assert bench.result.verdict.text().startswith("Building the model")
            assert bench.result.score_line.text() == "Inspect is available once the model is built."
            assert bench.message.text() == "Inspect is available once the model is built."
            bench.inspect()  # Space while building: a message, no inspection
            assert not bench.busy and "still being built" in bench.message.text()
            window.sign_out()  # the session's jobs stop, the build goes on
            assert job.running and not job.handle.token.cancelled
            bench = open_bench(qtbot, window, warm=False)
            assert not bench.inspect_button.isEnabled()

            release.set()
            qtbot.waitUntil(lambda: not job.running, timeout=600000)
            assert job.error is None and job.result.backbone == "mobilenet_v2" and job.result.selection is None
            assert not window.status.build_label.isVisible()
            qtbot.waitUntil(lambda: bench.warm_job is None and bench.inspect_button.isEnabled(), timeout=120000)
            assert bench.result.verdict.text() == "READY"
            assert bench.result.score_line.text().startswith("Press Space or Inspect")

            bench.inspect()  # the model is ready: the part in view is inspected
            qtbot.waitUntil(lambda: bench.display is not None, timeout=120000)
            assert bench.display.outcome.verdict.value in ("PASS", "FAIL", "UNCERTAIN")
        finally:
            release.set()
            window.close()
            window.runner.wait_idle(60000)
    finally:
        ctx.close()
