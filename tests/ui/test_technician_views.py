"""The technician screen for a product of several views, on real widgets (offscreen) over a real demo station:
the view selector appears only for a product with views and names the implicit view; with the side view
chosen, a bank build, the live preview and the ROI picture (the side camera, the side bank), a calibration
with its suggested thresholds and a preprocessing change act on that view alone (the top view and the
product's own configuration untouched); a view is added from the screen and its camera set there.
A line changeover (a real MQTT broker) while thresholds and preprocessing hold unsaved edits keeps them on
their product with a banner; saving them there stores them for that product only and the screen then
follows the line; discarding them follows the line at once."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from station.app.demo import DEMO_PASSWORD
from station.pipeline.images.decode import from_array
from station.pipeline.synthetic.parts import render_part
from station.services.engine.references import store_image
from station.ui.permissions import Screen
from tests.support.line import mqtt_broker  # noqa: F401
from tests.support.recipes import SECOND_PRODUCT, two_products_on_mqtt
from tests.support.ui import (  # noqa: F401
    demo_ctx, demo_template, demo_window, gui_services, main_window, open_bench, replay_folder, sign_in, station_ctx,
)

pytestmark = pytest.mark.slow
PRODUCT = "demo-cast"
SIZE = 128
SMALL = (1366, 768)


def side_of(image: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.fliplr(np.rot90(image)))


def _two_views(ctx, home: Path) -> None:  # type: ignore[no-untyped-def]
    """demo-cast gets a top and a side view, each with a replay camera and ten good library images of its
    own; only the top view's bank is built here."""
    from station.services.engine.build import BuildOptions

    product = ctx.catalog.get_product(PRODUCT)
    for view in ("top", "side"):
        camera = home / view
        camera.mkdir(parents=True)
        part = render_part(9100 if view == "top" else 9200, SIZE).image
        cv2.imwrite(str(camera / "000_part.png"), side_of(part) if view == "side" else part)
        ctx.station_settings.define_view(PRODUCT, view, None, camera=str(camera), preprocessing={"resize": SIZE})
        for seed in range(10):
            image = render_part(seed, SIZE).image
            store_image(ctx.catalog, ctx.storage, product.product_id,
                        from_array(side_of(image) if view == "side" else image, f"{view}-{seed}.png"), "normal",
                        view_code=view)
    ctx.engine.builder.build(PRODUCT, BuildOptions(backbone=ctx.engine.models.default_backbone(),
                                                   coreset_ratio=0.25), view="top")


def _validation(folder: Path) -> Path:
    """good/ (side pictures of good parts) and hole/ (side pictures of parts with a hole)."""
    for sub, defect, seeds in (("good", None, range(500, 506)), ("hole", "hole", range(600, 603))):
        (folder / sub).mkdir(parents=True)
        for seed in seeds:
            image = render_part(seed, SIZE, defect).image if defect else render_part(seed, SIZE).image
            cv2.imwrite(str(folder / sub / f"{seed}.png"), side_of(image))
    return folder


def _configs(ctx):  # type: ignore[no-untyped-def]
    """(implicit, top, side) model configurations of the product."""
    pid = ctx.catalog.get_product(PRODUCT).product_id
    return tuple(ctx.catalog.get_model_config(pid, v) for v in (None, "top", "side"))


def _technician(qtbot, window, user: str = "admin", password: str = DEMO_PASSWORD):  # type: ignore[no-untyped-def]
    sign_in(qtbot, window, user, password)
    window.show_screen(Screen.TECHNICIAN)
    return window.screens[Screen.TECHNICIAN]


def _choose(qtbot, technician, view: str | None) -> None:  # type: ignore[no-untyped-def]
    """Chooses ``view`` in the selector as a person does (the combo's activation)."""
    combo = technician.view_bar.combo
    index = combo.findData(view) if view else 0
    assert index >= 0, [combo.itemText(i) for i in range(combo.count())]
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    qtbot.waitUntil(lambda: technician.target.view == view, timeout=5000)


def _idle(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not window.runner.active, timeout=60000)


def _fits(window, name: str) -> None:  # type: ignore[no-untyped-def]
    """At 1366×768 (English): on the technician screen no text cut or elided and no widget outside it."""
    from PySide6.QtWidgets import QApplication

    from station.resources import resources_dir
    from tests.support.screen_review import Catalogue, ReviewContext, fit_findings, placement_findings, report

    QApplication.processEvents()
    assert (window.width(), window.height()) == SMALL, "the content never forces the window larger"
    ctx = ReviewContext(name, "en", "light", Catalogue.load(resources_dir() / "i18n" / "station_ko.ts"))
    screen = window.screens[Screen.TECHNICIAN]
    findings = fit_findings(screen, ctx) + placement_findings(screen, ctx)
    assert not findings, report(findings)


def test_the_side_view_is_built_calibrated_and_preprocessed_alone(qtbot, demo_window, demo_ctx,  # noqa: F811
                                                                 tmp_path) -> None:
    _two_views(demo_ctx, tmp_path / "cameras")
    implicit_bank = demo_ctx.engine.inspection.bank_info(PRODUCT)
    top_bank = demo_ctx.engine.inspection.bank_info(PRODUCT, "top")
    assert demo_ctx.engine.inspection.bank_info(PRODUCT, "side") is None
    implicit, top, side = _configs(demo_ctx)

    demo_window.resize(*SMALL)
    technician = _technician(qtbot, demo_window)
    bar = technician.view_bar
    qtbot.waitUntil(lambda: bar.combo.isVisible() and bar.combo.count() == 3, timeout=15000)
    assert [bar.combo.itemText(i) for i in range(3)] == [
        "the product's own configuration (implicit view)", "top", "side"]
    assert technician.target.view is None  # the product's own configuration until a view is chosen
    # proposals from history are the product's own thresholds: a line says so for a product with views
    assert not technician.history.view_note.isHidden() and "(top, side)" in technician.history.view_note.text()

    _choose(qtbot, technician, "side")
    _fits(demo_window, "technician views")
    # the bank of the side view, built from the screen: the top view's and the product's own banks stay
    builds = technician.builds
    technician.tabs.setCurrentWidget(builds)
    builds.start("bank")
    assert "demo-cast, view side" in builds.progress.label.text()
    qtbot.waitUntil(lambda: not builds.progress.busy, timeout=300000)
    assert "done" in builds.message.text(), builds.message.text()
    side_bank = demo_ctx.engine.inspection.bank_info(PRODUCT, "side")
    assert side_bank is not None
    assert demo_ctx.engine.inspection.bank_info(PRODUCT, "top") == top_bank
    assert demo_ctx.engine.inspection.bank_info(PRODUCT) == implicit_bank
    qtbot.waitUntil(lambda: builds.table.rowCount() > 0
                    and "(view side)" in builds.table.item(0, 1).text(), timeout=15000)

    # the live preview judges the side camera's picture (as the bench has it open) with the side view's bank
    from station.ui.technician.target import latest_image

    thresholds = technician.thresholds
    technician.tabs.setCurrentWidget(thresholds)
    qtbot.waitUntil(lambda: latest_image(technician.env, technician.target)[0] is not None, timeout=30000)
    thresholds.preview_current_frame()
    qtbot.waitUntil(lambda: thresholds.preview_outcome is not None, timeout=60000)
    assert thresholds.preview_outcome.view_code == "side"
    assert thresholds.preview_outcome.inspection_id is None  # a preview is never recorded

    # a calibration of the side view: its pictures scored against its bank; the suggestion saved for it alone
    thresholds.calibrate(_validation(tmp_path / "validation"))
    qtbot.waitUntil(lambda: thresholds.report is not None, timeout=120000)
    assert thresholds.report.view_code == "side" and thresholds.report.n_good == 6
    thresholds.use_suggested()
    suggested = (thresholds.report.suggested_image_threshold, thresholds.report.suggested_review_threshold)
    assert thresholds.has_unsaved()
    thresholds.save_button.click()
    qtbot.waitUntil(lambda: not thresholds.has_unsaved(), timeout=15000)
    _idle(qtbot, demo_window)
    after_implicit, after_top, after_side = _configs(demo_ctx)
    assert (after_side.image_threshold, after_side.review_threshold) == pytest.approx(suggested, abs=1e-3)
    assert (after_top.image_threshold, after_top.review_threshold) == (top.image_threshold, top.review_threshold)
    assert (after_implicit.image_threshold, after_implicit.review_threshold) == (
        implicit.image_threshold, implicit.review_threshold)

    # preprocessing and ROI of the side view: its camera source stays, the others are untouched
    pre = technician.preprocessing
    technician.tabs.setCurrentWidget(pre)
    qtbot.waitUntil(lambda: pre.config is not None and pre.config.view_code == "side", timeout=15000)
    pre.capture_button.click()  # the side camera's picture to draw on
    assert not pre.editor.image().isNull() and pre.editor.image().width() == SIZE
    pre.grayscale.setChecked(True)
    pre.roi_px = [4, 4, 100, 100]
    pre._show_areas()
    assert pre.has_unsaved() and pre.unsaved_label.isVisible()
    pre.apply_button.click()
    qtbot.waitUntil(lambda: not pre.has_unsaved(), timeout=15000)
    after_implicit, after_top, after_side = _configs(demo_ctx)
    assert after_side.preprocessing["grayscale"] is True and after_side.preprocessing["roi"] == [4, 4, 100, 100]
    assert after_side.camera_source == side.camera_source
    assert after_top.preprocessing == top.preprocessing and after_implicit.preprocessing == implicit.preprocessing

    # back on the top view, the screen shows the top view's own values
    technician.tabs.setCurrentWidget(thresholds)
    _choose(qtbot, technician, "top")
    qtbot.waitUntil(lambda: thresholds.saved_target is not None and thresholds.saved_target.view == "top",
                    timeout=15000)
    assert thresholds.image_threshold.value() == pytest.approx(top.image_threshold, abs=1e-3)
    assert thresholds.report is None  # the side view's calibration is not shown for the top view


def test_a_product_without_views_has_no_selector_and_a_view_is_added_here(qtbot, main_window,  # noqa: F811
                                                                         gui_services, tmp_path) -> None:
    technician = _technician(qtbot, main_window, "manager", "password123")
    qtbot.waitUntil(lambda: technician.target is not None and technician.target.product.code == PRODUCT,
                    timeout=15000)
    _idle(qtbot, main_window)
    bar = technician.view_bar
    assert not bar.combo.isVisible() and bar.add_button.isVisible()
    assert bar.note.text() == "demo-cast has one camera view."

    dialog = technician.ask_add_view()
    dialog.code.setText("side view")
    dialog.add_button.click()
    assert "view code" in dialog.message.text() and dialog.isVisible()  # refused on the spot, nothing saved
    assert gui_services.station_settings.views(PRODUCT) == []
    dialog.code.setText("side")
    dialog.camera.setText(str(tmp_path))
    dialog.add_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15000)
    qtbot.waitUntil(lambda: bar.combo.isVisible() and technician.target.view == "side", timeout=15000)
    views = gui_services.station_settings.views(PRODUCT)
    assert [(c.view_code, c.camera_source) for c in views] == [("side", str(tmp_path))]
    assert bar.combo.itemText(0) == "the product's own configuration (implicit view)"

    # the Camera tab edits the chosen view's camera; the station's camera is named as such below it
    camera = technician.camera
    technician.tabs.setCurrentWidget(camera)
    assert camera.view_box.isVisible() and camera.view_source.text() == str(tmp_path)
    other = tmp_path / "side2"
    other.mkdir()
    camera.view_source.setText(str(other))
    camera.view_save.click()
    qtbot.waitUntil(lambda: gui_services.station_settings.views(PRODUCT)[0].camera_source == str(other),
                    timeout=15000)
    qtbot.waitUntil(lambda: technician.target.camera == str(other), timeout=15000)

    # unsaved thresholds of the view ask before another view is chosen (Cancel keeps the view and the edits)
    from tests.ui.test_technician_thresholds import Button, answer

    thresholds = technician.thresholds
    technician.tabs.setCurrentWidget(thresholds)
    qtbot.waitUntil(lambda: thresholds.saved_target is not None and thresholds.saved_target.view == "side",
                    timeout=15000)
    thresholds.review_threshold.setValue(0.7)
    thresholds.image_threshold.setValue(0.77)
    asked = answer(qtbot, thresholds, Button.Cancel)
    bar.combo.setCurrentIndex(0)
    bar.combo.activated.emit(0)
    assert asked and "demo-cast, view side" in asked[0]
    assert technician.target.view == "side" and bar.combo.currentData() == "side"
    answer(qtbot, thresholds, Button.Save)
    bar.combo.setCurrentIndex(0)
    bar.combo.activated.emit(0)
    assert technician.target.view is None
    settings = gui_services.station_settings
    qtbot.waitUntil(lambda: settings.thresholds(PRODUCT, "side").image_threshold == pytest.approx(0.77),
                    timeout=15000)
    assert settings.thresholds(PRODUCT).image_threshold != pytest.approx(0.77)


def test_a_changeover_keeps_unsaved_edits_on_their_product(qtbot, demo_window, demo_ctx, mqtt_broker,  # noqa: F811
                                                           tmp_path) -> None:
    station_id, listener = two_products_on_mqtt(demo_window, demo_ctx, mqtt_broker, tmp_path)
    services = demo_window.services
    trigger_topic = f"station/{station_id}/trigger"
    settings = services.station_settings
    try:
        demo_window.resize(*SMALL)
        open_bench(qtbot, demo_window, "admin")
        qtbot.waitUntil(lambda: "online" in demo_window.status.line_label.text(), timeout=30000)
        start = demo_window.session.product.code
        other = next(c for c in (PRODUCT, SECOND_PRODUCT) if c != start)
        before = {code: settings.thresholds(code) for code in (start, other)}
        demo_window.show_screen(Screen.TECHNICIAN)
        technician = demo_window.screens[Screen.TECHNICIAN]
        thresholds, pre = technician.thresholds, technician.preprocessing
        technician.tabs.setCurrentWidget(thresholds)
        qtbot.waitUntil(lambda: thresholds.saved is not None and pre.loaded is not None, timeout=15000)
        thresholds.review_threshold.setValue(0.6)
        thresholds.image_threshold.setValue(0.81)
        pre.grayscale.setChecked(not pre.grayscale.isChecked())
        assert thresholds.has_unsaved() and pre.has_unsaved()

        # the line changes the product: the bench follows, the technician's edits stay on their product
        listener.publish(trigger_topic, json.dumps({"action": "changeover", "product": other}))
        qtbot.waitUntil(lambda: demo_window.session.product.code == other, timeout=30000)
        qtbot.wait(300)
        _idle(qtbot, demo_window)
        assert technician.pinned and technician.target.product.code == start
        assert thresholds.image_threshold.value() == pytest.approx(0.81) and thresholds.has_unsaved()
        assert pre.has_unsaved()
        banner = technician.kept
        assert banner.isVisible()
        text = banner.text.text()
        assert text.startswith(f"The line changed the product to {other}. Your unsaved changes to {start} are kept")
        assert "FAIL 0.850 → 0.810" in text and "grayscale" in text
        assert banner.save_button.text() == f"Save to {start}"
        assert not technician.view_bar.isEnabled()
        _fits(demo_window, "kept edits banner")

        # saved there: the values land on the first product only, and the screen follows the line
        banner.save_button.click()
        qtbot.waitUntil(lambda: not technician.pinned and technician.target.product.code == other, timeout=15000)
        assert not banner.isVisible()
        assert settings.thresholds(start).image_threshold == pytest.approx(0.81)
        assert settings.thresholds(start).review_threshold == pytest.approx(0.6)
        assert settings.thresholds(other) == before[other]
        qtbot.waitUntil(lambda: thresholds.saved_target is not None
                        and thresholds.saved_target.product.code == other, timeout=15000)
        assert thresholds.image_threshold.value() == pytest.approx(before[other].image_threshold, abs=1e-3)
        assert not thresholds.has_unsaved()

        # edits of the second product, discarded after the next changeover: the screen follows at once
        thresholds.image_threshold.setValue(0.7)
        listener.publish(trigger_topic, json.dumps({"action": "changeover", "product": start}))
        qtbot.waitUntil(lambda: demo_window.session.product.code == start, timeout=30000)
        qtbot.waitUntil(lambda: banner.isVisible(), timeout=5000)
        assert technician.target.product.code == other and thresholds.image_threshold.value() == pytest.approx(0.7)
        banner.discard_button.click()
        assert not technician.pinned and technician.target.product.code == start and not banner.isVisible()
        qtbot.waitUntil(lambda: thresholds.saved_target.product.code == start, timeout=15000)
        assert thresholds.image_threshold.value() == pytest.approx(0.81)
        assert settings.thresholds(other) == before[other]
    finally:
        listener.close()
        technician = demo_window.screens.get(Screen.TECHNICIAN)
        if technician is not None:  # a failed check leaves no question to block the window's closing
            technician.thresholds.discard_edits()
            technician.preprocessing.discard_edits()
