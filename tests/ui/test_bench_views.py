"""The bench with a product of two views (real widgets offscreen, real banks, replay cameras of rendered
parts): the bench opens each view's camera and shows them side by side, Space inspects both views as one
part and shows a tile per view (verdict, score, deciding view, the view's own nearest good reference), the
part's verdict the worst, all inside
1366×768, and auto-inspect on the first view's camera; a view whose camera gives no frames shows its error in its tile and the part is not passed; a
product without views keeps its single live view and no view tiles; a line trigger at the bench takes
every view's frame when it arrives and hears the part's (worst) verdict with every view's."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from station.domain.line import LineWiring, MqttWiring
from station.pipeline.images.decode import from_array
from station.pipeline.synthetic.parts import render_part
from station.services.engine.references import store_image
from tests.support.line import Listener, mqtt_broker  # noqa: F401
from tests.support.ui import demo_ctx, demo_template, demo_window, open_bench  # noqa: F401
from tests.ui.test_bench_layout import SMALL, _unclipped

pytestmark = pytest.mark.slow
PRODUCT = "demo-cast"
SIZE = 128


def side_of(image: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.fliplr(np.rot90(image)))


def _replay(folder: Path, image: np.ndarray | None) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    if image is not None:
        cv2.imwrite(str(folder / "000_part.png"), image)
    return str(folder)


def _two_views(ctx, home: Path, side_frames: bool = True) -> None:  # type: ignore[no-untyped-def]
    """demo-cast gets a top view (a good part in its camera) and a side view (a part with a hole, or an
    empty replay folder), each with a bank of its own good images."""
    from station.services.engine.build import BuildOptions

    product = ctx.catalog.get_product(PRODUCT)
    cameras = {"top": _replay(home / "top", render_part(9101, SIZE).image),
               "side": _replay(home / "side", side_of(render_part(9102, SIZE, "hole").image) if side_frames else None)}
    for view in ("top", "side"):
        ctx.station_settings.define_view(PRODUCT, view, None, camera=cameras[view], preprocessing={"resize": SIZE})
        for seed in range(10):
            image = render_part(seed, SIZE).image
            store_image(ctx.catalog, ctx.storage, product.product_id,
                        from_array(side_of(image) if view == "side" else image, f"{view}-{seed}.png"), "normal",
                        view_code=view)
        ctx.engine.builder.build(PRODUCT, BuildOptions(backbone=ctx.engine.models.default_backbone(),
                                                       coreset_ratio=0.25), view=view)


def _views_bench(qtbot, window):  # type: ignore[no-untyped-def]
    window.resize(*SMALL)
    bench = open_bench(qtbot, window, "worker")
    qtbot.waitUntil(lambda: bench.view_cameras.active and set(bench.live_views.tiles) == {"top", "side"},
                    timeout=15000)
    return bench


def _space(qtbot, window, bench) -> None:  # type: ignore[no-untyped-def]
    window.product_combo.setFocus()
    qtbot.keyClick(window.product_combo, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not bench.busy and bench.result.verdict.text() not in ("INSPECTING…", "READY"),
                    timeout=180000)
    QApplication.processEvents()


def test_space_inspects_both_views_and_the_worst_view_decides(qtbot, demo_ctx, demo_window,  # noqa: F811
                                                             tmp_path: Path) -> None:
    _two_views(demo_ctx, tmp_path)
    bench = _views_bench(qtbot, demo_window)
    assert not bench.live.isVisible() and bench.live_views.isVisible()
    qtbot.waitUntil(lambda: all(not t.image().isNull() for t in bench.live_views.tiles.values()), timeout=15000)
    _space(qtbot, demo_window, bench)

    outcome = bench.display.outcome
    assert outcome.inspection_id is not None  # recorded once, as one part
    assert [t.view for t in bench.view_tiles.tiles] == ["top", "side"]
    top, side = bench.view_tiles.tile("top"), bench.view_tiles.tile("side")
    verdicts = {v.view: v.verdict for v in outcome.views}
    assert verdicts["top"] == "PASS" and verdicts["side"] in ("FAIL", "UNCERTAIN")
    assert outcome.verdict.value == verdicts["side"] and outcome.view_code == "side"  # the worst decides
    assert bench.result.verdict.property("verdict") == verdicts["side"]
    assert top.verdict.property("verdict") == "PASS" and side.verdict.property("verdict") == verdicts["side"]
    assert side.deciding and not top.deciding and "deciding" in side.name.text()
    assert "score" in top.detail.text() and "regions" in side.detail.text()
    assert not side.picture.image().isNull() and not side.picture._overlay.isNull()
    # each tile shows its own view's nearest good reference: a good library image of that view
    product = demo_ctx.catalog.get_product(PRODUCT)
    for tile in (top, side):
        own = {r.image_id for r in demo_ctx.catalog.list_images(product.product_id, "normal", view_code=tile.view)}
        assert tile.reference_id in own and not tile.reference.image().isNull()
    assert top.reference.image() != side.reference.image()
    hidden = [name for name, w in {"banner": bench.result.verdict, "scores": bench.result.score_line,
                                   "top tile": top.verdict, "side tile": side.verdict,
                                   "false alarm": bench.overrides.false_alarm}.items()
              if not _unclipped(w, demo_window)]
    assert (demo_window.width(), demo_window.height()) == SMALL and not hidden, hidden
    demo_window.grab().save("/tmp/bench-views-test.png")

    first = outcome.inspection_id
    bench.auto_trigger.setChecked(True)  # the top view's camera is still: the next part inspects by itself
    qtbot.waitUntil(lambda: bench.display is not None and not bench.busy
                    and bench.display.outcome.inspection_id not in (None, first), timeout=180000)
    assert {v.view for v in bench.display.outcome.views} == {"top", "side"}
    assert bench.still_label.text().startswith("still ")


def test_a_view_without_frames_shows_its_error_and_the_part_is_not_passed(qtbot, demo_ctx, demo_window,  # noqa: F811
                                                                        tmp_path: Path) -> None:
    _two_views(demo_ctx, tmp_path, side_frames=False)
    bench = _views_bench(qtbot, demo_window)
    qtbot.waitUntil(lambda: not bench.live_views.tiles["top"].image().isNull(), timeout=15000)
    _space(qtbot, demo_window, bench)

    assert bench.display is None  # nothing recorded, nothing shown as a result
    assert bench.result.verdict.text() == "NOT INSPECTED" and bench.result.verdict.property("verdict") != "PASS"
    side, top = bench.view_tiles.tile("side"), bench.view_tiles.tile("top")
    assert side is not None and top is not None
    assert side.detail.text().startswith(f"view side: camera {tmp_path / 'side'} gives no frames")
    assert side.verdict.text() == "NOT INSPECTED"
    assert top.verdict.property("verdict") == "PASS"
    assert "not inspected" in bench.result.score_line.text()
    assert _unclipped(bench.result.verdict, demo_window)


def test_a_product_without_views_keeps_its_single_live_view(qtbot, demo_window) -> None:  # noqa: F811
    demo_window.resize(*SMALL)
    bench = open_bench(qtbot, demo_window, "worker")
    qtbot.wait(300)  # the views are read in the background
    assert bench.live.isVisible() and not bench.live_views.isVisible() and not bench.view_cameras.active
    bench.inspect()
    qtbot.waitUntil(lambda: bench.display is not None and not bench.busy, timeout=120000)
    assert bench.display.views == [] and not bench.view_tiles.isVisible()
    assert bench.display.outcome.view_code is None


def test_a_line_trigger_takes_every_view_when_it_arrives(qtbot, demo_ctx, demo_window, mqtt_broker,  # noqa: F811
                                                        tmp_path: Path) -> None:
    _two_views(demo_ctx, tmp_path)
    services = demo_window.services
    station_id = services.line.station_id
    services.line.update(LineWiring(mqtt=MqttWiring(url=mqtt_broker.url)), None)
    listener = Listener(mqtt_broker.port, f"station/{station_id}/result")
    try:
        bench = _views_bench(qtbot, demo_window)
        qtbot.waitUntil(lambda: "online" in demo_window.status.line_label.text(), timeout=30000)
        qtbot.waitUntil(lambda: all(not t.image().isNull() for t in bench.live_views.tiles.values()), timeout=15000)
        captured = []
        original = bench.line_capture
        bench.line_capture = lambda: captured.append(original()) or captured[-1]  # type: ignore[method-assign]
        listener.publish(f"station/{station_id}/trigger", '{"serial": "SN-V7"}')
        qtbot.waitUntil(lambda: bool(listener.json_on(f"station/{station_id}/result")), timeout=180000)
        result = listener.json_on(f"station/{station_id}/result")[0]
        assert result["status"] == "inspected" and result["serial"] == "SN-V7"
        assert len(captured) == 1 and set(captured[0].frames) == {"top", "side"}, "taken once, at arrival"
        assert all(frame is not None for frame in captured[0].frames.values())
        verdicts = {v["view"]: v["verdict"] for v in result["views"]}
        assert verdicts["top"] == "PASS" and result["verdict"] == verdicts["side"] != "PASS"
        qtbot.waitUntil(lambda: bench.display is not None and not bench.busy, timeout=60000)
        assert bench.display.outcome.inspection_code == result["inspection_code"]
    finally:
        listener.close()
