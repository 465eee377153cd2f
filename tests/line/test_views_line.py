"""``station serve`` (``ServeRun`` in process) with a product of two views: a top and a side replay camera of
real rendered parts, a real MQTT broker and MobileNetV2 banks per view. One trigger captures both views, the
part's verdict is the worst, the result lists every view with its capture skew and the part is recorded once;
a view whose camera gives no frames makes the part an error that lists every view (never a PASS, nothing
recorded); serve refuses a view without a bank with one line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from sqlalchemy import func, select

from station.adapters.db.models import Inspection, InspectionResult
from station.app.line import ServeOptions, ServeRun
from station.domain.errors import ConfigurationError
from station.domain.line import LineWiring
from station.pipeline.images.decode import from_array
from station.pipeline.patchcore.bank_build import BuildOptions
from station.pipeline.synthetic.parts import render_part
from station.services.engine.references import store_image
from tests.support.engine import demo_context
from tests.support.line import Broker, Listener, mqtt_broker, wait_for  # noqa: F401

pytestmark = [pytest.mark.slow, pytest.mark.network]
SIZE = 128
PRODUCT = "demo-cast"
TOPIC = "station/ST01"


def side_of(image: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.fliplr(np.rot90(image)))


def _replay(folder: Path, image: np.ndarray) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(folder / "000_part.png"), image)
    return str(folder)


@pytest.fixture(scope="module")
def views_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("views-line-home")
    mp = pytest.MonkeyPatch()
    mp.setenv("STATION_HOME", str(home))
    mp.setenv("STATION_CONFIG", str(home / "config.toml"))
    ctx = demo_context(size=SIZE, n_good=0, n_per_defect=0)
    product = ctx.catalog.get_product(PRODUCT)
    hole = render_part(9102, SIZE, "hole").image
    cameras = {"top": _replay(home / "top", render_part(9101, SIZE).image),
               "side": _replay(home / "side", side_of(hole))}
    for view in ("top", "side"):
        ctx.station_settings.define_view(PRODUCT, view, None, camera=cameras[view], preprocessing={"resize": SIZE})
        for seed in range(12):
            image = render_part(seed, SIZE).image
            store_image(ctx.catalog, ctx.storage, product.product_id,
                        from_array(side_of(image) if view == "side" else image, f"{view}-{seed}.png"), "normal",
                        view_code=view)
        ctx.engine.builder.build(PRODUCT, BuildOptions(backbone="mobilenet_v2", coreset_ratio=0.25), view=view)
    ctx.close()
    yield home
    mp.undo()


@pytest.fixture
def ctx(views_home: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from station.app.station import build_station
    from station.config import load_settings

    monkeypatch.setenv("STATION_HOME", str(views_home))
    context = build_station(load_settings())
    yield context
    context.close()


def _counts(ctx) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with ctx.db.session() as session:
        return (int(session.scalar(select(func.count()).select_from(Inspection))),
                int(session.scalar(select(func.count()).select_from(InspectionResult))))


def _serve(ctx, broker: Broker) -> ServeRun:  # type: ignore[no-untyped-def]
    run = ServeRun(ctx, ServeOptions(product_code=PRODUCT, mqtt=broker.url), wiring=LineWiring())
    run.start()
    return run


def _one_result(listener: Listener, serial: str) -> dict[str, Any]:
    listener.publish(f"{TOPIC}/trigger", serial)
    found = wait_for(lambda: [m for m in listener.json_on(f"{TOPIC}/result") if m.get("serial") == serial],
                     what=f"the result of {serial}")
    return found[0]


def test_one_trigger_inspects_every_view_and_the_worst_decides(ctx, mqtt_broker: Broker) -> None:  # type: ignore[no-untyped-def]
    listener = Listener(mqtt_broker.port, f"{TOPIC}/#")
    before = _counts(ctx)
    run = _serve(ctx, mqtt_broker)
    try:
        home = ctx.settings.home
        assert run.camera is None  # no product without views: the station's own camera is not opened
        assert sorted(run.view_cameras) == sorted([str(home / "side"), str(home / "top")])
        health = run._health()
        assert health["camera_problem"] is None and set(health["view_cameras"]) == {f"{PRODUCT}@top",
                                                                                    f"{PRODUCT}@side"}
        result = _one_result(listener, "SN-VIEWS-1")
    finally:
        run.stop()
        listener.close()
    assert result["status"] == "inspected" and result["verdict"] == "FAIL" and result["view"] == "side"
    views = {v["view"]: v for v in result["views"]}
    assert [v["view"] for v in result["views"]] == ["top", "side"]
    assert views["top"]["verdict"] == "PASS" and views["side"]["verdict"] == "FAIL"
    assert views["side"]["regions_count"] >= 1 and views["top"]["error"] is None
    skews = [v["skew_ms"] for v in result["views"]]
    assert all(s is not None and s >= 0 for s in skews) and min(skews) == 0.0
    assert result["capture_skew_ms"] == max(skews)
    assert _counts(ctx) == (before[0] + 1, before[1] + 1)  # one part, one inspection, one result
    with ctx.db.session() as session:
        row = session.scalar(select(InspectionResult).join(Inspection, Inspection.inspection_id ==
                                                           InspectionResult.inspection_id)
                             .where(Inspection.inspection_code == result["inspection_code"]))
        assert row.view_code == "side" and [v["view"] for v in row.view_results] == ["top", "side"]


def test_a_view_camera_without_frames_is_a_per_view_error(ctx, mqtt_broker: Broker, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = ctx.station_settings
    [_, side] = settings.views(PRODUCT)
    empty = tmp_path / "no-frames"
    empty.mkdir()
    settings.define_view(PRODUCT, "side", None, camera=str(empty))
    listener = Listener(mqtt_broker.port, f"{TOPIC}/#")
    before = _counts(ctx)
    try:
        run = _serve(ctx, mqtt_broker)
        try:
            assert run._health()["camera_problem"].startswith(f"camera {empty} gives no frames")
            result = _one_result(listener, "SN-VIEWS-2")
        finally:
            run.stop()
    finally:
        settings.define_view(PRODUCT, "side", None, camera=side.camera_source)
        listener.close()
    assert result["status"] == "error" and result["verdict"] is None  # never passed: the PLC rejects it
    assert result["error"].startswith(f"view side: camera {empty} gives no frames")
    views = {v["view"]: v for v in result["views"]}
    assert views["top"]["verdict"] == "PASS" and views["top"]["error"] is None
    assert views["side"]["verdict"] is None and views["side"]["error"] == result["error"]
    assert _counts(ctx) == before  # a part not seen whole is not recorded


def test_serve_refuses_a_view_without_a_bank(ctx, mqtt_broker: Broker) -> None:  # type: ignore[no-untyped-def]
    settings = ctx.station_settings
    settings.define_view(PRODUCT, "bottom", None, camera=str(ctx.settings.home / "top"))
    try:
        run = ServeRun(ctx, ServeOptions(product_code=PRODUCT, mqtt=mqtt_broker.url), wiring=LineWiring())
        with pytest.raises(ConfigurationError, match="view 'bottom' of product 'demo-cast' has no memory bank yet"):
            run.start()
    finally:
        from station.adapters.db.models import ModelConfig

        with ctx.db.session() as session:  # the view is taken away again for the module's other tests
            for row in session.scalars(select(ModelConfig).where(ModelConfig.view_code == "bottom")):
                row.is_active = False
