"""Several views of one part on a real local store, object store and MobileNetV2 weights: a product with a top
and a side view (each its own library images, bank and thresholds) is built per view and inspected from one
frame per view; the part's verdict is the worst of its views, each view keeps its regions and heatmap, the
record is one inspection with one result holding every view's, and a view without a frame makes the part an
error (nothing recorded). The product's own (implicit) view is untouched."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import func, select

from station.adapters.db.models import Deployment, Image, Inspection, InspectionResult, ModelConfig
from station.domain.catalog import ProductSpec
from station.domain.enums import Verdict
from station.domain.errors import NotFoundError, ValidationError
from station.domain.views import ViewResult, bank_key, worst_verdict
from station.pipeline.images.decode import from_array
from station.pipeline.patchcore.bank_build import BuildOptions
from station.pipeline.synthetic.parts import render_part
from station.services.engine.references import store_image
from tests.support.engine import demo_context

SIZE = 128
PRODUCT = "demo-cast"
VIEWS = ("top", "side")


def side_of(image: np.ndarray) -> np.ndarray:
    """The side camera's picture of a part: another framing of the same rendered part (rotated, mirrored)."""
    return np.ascontiguousarray(np.fliplr(np.rot90(image)))


def frame(view: str, seed: int, defect: str | None = None) -> np.ndarray:
    image = render_part(seed, SIZE, defect).image
    return side_of(image) if view == "side" else image


@pytest.fixture(scope="module")
def views_ctx(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    home = tmp_path_factory.mktemp("views-home")
    mp = pytest.MonkeyPatch()
    mp.setenv("STATION_HOME", str(home))
    mp.setenv("STATION_CONFIG", str(home / "config.toml"))
    ctx = demo_context(size=SIZE, n_good=0, n_per_defect=0)
    product = ctx.catalog.get_product(PRODUCT)
    for view in VIEWS:
        ctx.station_settings.define_view(PRODUCT, view, None, camera=str(home / f"replay-{view}"),
                                         preprocessing={"resize": SIZE})
        for seed in range(12):
            store_image(ctx.catalog, ctx.storage, product.product_id,
                        from_array(frame(view, seed), f"{view}-{seed:03d}.png"), "normal", view_code=view)
    summaries = {view: ctx.engine.builder.build(PRODUCT, BuildOptions(backbone="mobilenet_v2", coreset_ratio=0.25),
                                                view=view) for view in VIEWS}
    yield ctx, summaries
    ctx.close()
    mp.undo()


def _count(ctx, model) -> int:  # type: ignore[no-untyped-def]
    with ctx.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)))


def test_worst_verdict_rule() -> None:
    assert worst_verdict([Verdict.PASS, Verdict.UNCERTAIN, Verdict.PASS]) is Verdict.UNCERTAIN
    assert worst_verdict([Verdict.UNCERTAIN, Verdict.FAIL]) is Verdict.FAIL
    assert worst_verdict([Verdict.PASS, Verdict.PASS]) is Verdict.PASS
    assert bank_key("p", None) == "p" and bank_key("p", "top") == "p@top"


@pytest.mark.network
def test_each_view_has_its_configuration_images_and_bank(views_ctx) -> None:  # type: ignore[no-untyped-def]
    ctx, summaries = views_ctx
    product = ctx.catalog.get_product(PRODUCT)
    configs = ctx.catalog.list_views(product.product_id)
    assert [c.view_code for c in configs] == list(VIEWS)
    assert configs[0].camera_source.endswith("replay-top")
    assert ctx.engine.inspection.views(PRODUCT) == list(VIEWS)
    # the product's own configuration and library are not the views'
    assert ctx.catalog.get_model_config(product.product_id).view_code is None
    assert ctx.catalog.list_images(product.product_id, "normal") == []
    assert len(ctx.catalog.list_images(product.product_id, "normal", view_code="side")) == 12
    for view in VIEWS:
        assert summaries[view].n_images == 12
        info = ctx.engine.inspection.bank_info(PRODUCT, view)
        assert info is not None and info["backbone"] == "mobilenet_v2"
    assert ctx.engine.inspection.bank_info(PRODUCT) is None  # no bank of the implicit view was built
    assert summaries["top"].bank_sha256 != summaries["side"].bank_sha256
    with ctx.db.session() as session:
        deployed = [d.config_params.get("view") for d in session.scalars(
            select(Deployment).where(Deployment.deployment_type == "patchcore_bank"))]
        assert sorted(deployed) == sorted(VIEWS)
        assert session.scalar(select(func.count()).select_from(ModelConfig)
                              .where(ModelConfig.view_code.is_not(None))) == 2
    with pytest.raises(NotFoundError, match="no view 'front'.*views: top, side"):
        ctx.engine.builder.build(PRODUCT, view="front")
    with pytest.raises(ValidationError, match="view code"):
        ctx.station_settings.define_view(PRODUCT, "top view", None)


@pytest.mark.network
def test_the_part_is_the_worst_of_its_views_and_recorded_once(views_ctx) -> None:  # type: ignore[no-untyped-def]
    ctx, _ = views_ctx
    service = ctx.engine.inspection
    before = (_count(ctx, Inspection), _count(ctx, InspectionResult))
    hole = render_part(9002, SIZE, "hole")
    part = service.inspect_part(PRODUCT, {"top": frame("top", 9001), "side": side_of(hole.image)},
                                skews_ms={"top": 0.0, "side": 3.25}, serial="SN-V1")
    assert part.error is None and part.verdict is Verdict.FAIL and not part.passed
    top, side = part.views
    assert (top.view, top.verdict, side.view, side.verdict) == ("top", "PASS", "side", "FAIL")
    assert side.regions_count >= 1 and top.regions_count == 0 and side.skew_ms == 3.25
    outcome = part.outcome
    assert outcome.verdict is Verdict.FAIL and outcome.view_code == "side"
    assert [o.view_code for o in outcome.view_outcomes] == ["top", "side"]
    # regions and heatmaps stay per view: the side view's region lies on the painted hole, seen from the side
    side_outcome = outcome.view_outcomes[1]
    x, y, w, h = side_outcome.regions[0].bbox
    assert side_of(hole.mask)[y:y + h, x:x + w].any()
    assert outcome.view_outcomes[0].anomaly_map.max() < outcome.view_outcomes[0].pixel_threshold
    assert (_count(ctx, Inspection), _count(ctx, InspectionResult)) == (before[0] + 1, before[1] + 1)
    with ctx.db.session() as session:
        result = session.get(InspectionResult, outcome.result_id)
        assert result.view_code == "side" and result.verdict == "FAIL" and result.defect_detected is True
        assert result.anomaly_score == pytest.approx(side.anomaly_score, abs=1e-6)
        assert result.heatmap_path == side.artifacts["heatmap"]
        stored = [ViewResult.from_json(v) for v in result.view_results]
        assert [(v.view, v.verdict) for v in stored] == [("top", "PASS"), ("side", "FAIL")]
        for v in stored:
            assert set(v.artifacts) == {"test_image", "heatmap", "mask", "overlay", "comparison", "reference"}
            assert all(ctx.storage.local_path(k) is not None for k in v.artifacts.values())
            assert len(v.provenance["bank_sha256"]) == 64
        assert stored[0].artifacts["heatmap"] != stored[1].artifacts["heatmap"]
        assert stored[1].regions and stored[1].regions == result.detected_regions
        assert session.get(Image, outcome.test_image_id).view_code == "side"
    assert part.summary()["views"][1]["verdict"] == "FAIL"


@pytest.mark.network
def test_a_good_part_passes_every_view(views_ctx) -> None:  # type: ignore[no-untyped-def]
    ctx, _ = views_ctx
    part = ctx.engine.inspection.inspect_part(PRODUCT, {v: frame(v, 9011) for v in VIEWS}, record=False)
    assert part.verdict is Verdict.PASS and part.passed
    assert [v.verdict for v in part.views] == ["PASS", "PASS"]
    assert part.outcome.inspection_code is None  # not recorded


@pytest.mark.network
def test_a_view_without_a_frame_makes_the_part_an_error(views_ctx) -> None:  # type: ignore[no-untyped-def]
    ctx, _ = views_ctx
    before = _count(ctx, Inspection)
    part = ctx.engine.inspection.inspect_part(
        PRODUCT, {"top": frame("top", 9021), "side": None},
        errors={"side": "view side: camera /dev/video1 gives no frames"})
    assert part.verdict is None and not part.passed and part.outcome is None
    assert part.error == "view side: camera /dev/video1 gives no frames"
    top, side = part.views
    assert top.verdict == "PASS" and top.error is None  # the view that was captured is still judged
    assert side.verdict is None and side.error == part.error
    assert _count(ctx, Inspection) == before  # nothing recorded for a part not seen whole


@pytest.mark.network
def test_thresholds_are_per_view(views_ctx) -> None:  # type: ignore[no-untyped-def]
    ctx, _ = views_ctx
    settings = ctx.station_settings
    settings.update_thresholds(PRODUCT, 0.99, 0.995, None, review_threshold=0.98, view="top")
    try:
        assert settings.thresholds(PRODUCT, "top").image_threshold == 0.99
        assert settings.thresholds(PRODUCT, "side").image_threshold == 0.85
        assert settings.thresholds(PRODUCT).image_threshold == 0.85  # the product's own row is untouched
        hole = render_part(9031, SIZE, "hole").image
        part = ctx.engine.inspection.inspect_part(PRODUCT, {"top": hole, "side": side_of(hole)}, record=False)
        top, side = part.outcome.view_outcomes
        assert top.image_threshold == 0.99 and side.image_threshold == 0.85
    finally:
        settings.update_thresholds(PRODUCT, 0.85, 0.90, None, view="top")


def test_a_product_without_views_is_one_implicit_view(views_ctx) -> None:  # type: ignore[no-untyped-def]
    ctx, _ = views_ctx
    ctx.catalog.upsert_products([ProductSpec(code="plain", name="plain")])
    assert ctx.engine.inspection.views("plain") == []
    with pytest.raises(ValidationError, match="defines no views"):
        ctx.engine.inspection.inspect_part("plain", {})


@pytest.mark.network
def test_views_from_the_command_line(views_ctx, tmp_path, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                     capsys: pytest.CaptureFixture[str]) -> None:
    import json

    import cv2

    from station.cli.main import main

    ctx, _ = views_ctx
    monkeypatch.setenv("STATION_HOME", str(ctx.settings.home))
    monkeypatch.setenv("STATION_CONFIG", str(ctx.settings.home / "config.toml"))
    assert main(["views", "list", "--product", PRODUCT, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(v["view"], v["bank"]) for v in listed] == [("top", True), ("side", True)]
    hole = render_part(9041, SIZE, "hole").image
    paths = {"top": tmp_path / "top.png", "side": tmp_path / "side.png"}
    cv2.imwrite(str(paths["top"]), frame("top", 9040))
    cv2.imwrite(str(paths["side"]), side_of(hole))
    assert main(["inspect", "--product", PRODUCT, "--view", f"top={paths['top']}", "--view",
                 f"side={paths['side']}", "--json", "--no-record"]) == 0
    [summary] = json.loads(capsys.readouterr().out)
    assert summary["verdict"] == "FAIL" and summary["view"] == "side"
    assert [v["verdict"] for v in summary["views"]] == ["PASS", "FAIL"]
    # a view left out: one line, nothing recorded
    assert main(["inspect", "--product", PRODUCT, "--view", f"top={paths['top']}"]) != 0
    err = capsys.readouterr().err
    assert "view side: no frame" in err and "Traceback" not in err
    # a view added from the command line (audited like every configuration change)
    ctx.catalog.upsert_products([ProductSpec(code="cli-p", name="cli-p")])
    assert main(["views", "add", "--product", "cli-p", "--view", "front", "--camera", "3", "--roi", "0,0,64,64",
                 "--image-threshold", "0.9", "--json"]) == 0
    added = json.loads(capsys.readouterr().out)
    assert (added["view"], added["camera"], added["roi"], added["image_threshold"]) == ("front", "3",
                                                                                       [0, 0, 64, 64], 0.9)
    assert any((e.new_data or {}).get("view_code") == "front" for e in ctx.station_settings.audit_history(5))
    assert main(["views", "add", "--product", "cli-p", "--view", "back", "--roi", "0,0,x,64"]) != 0
    assert "--roi takes X,Y,W,H" in capsys.readouterr().err
    assert [v.view_code for v in ctx.station_settings.views("cli-p")] == ["front"]
    # calibration of one view: its images, its bank, its thresholds
    good = tmp_path / "cal" / "good"
    good.mkdir(parents=True)
    for seed in range(4):
        cv2.imwrite(str(good / f"{seed}.png"), frame("side", 9050 + seed))
    assert main(["calibrate", "--product", PRODUCT, "--view", "side", str(tmp_path / "cal"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["view_code"] == "side" and report["n_good"] == 4


@pytest.mark.network
def test_onboarding_adds_parts_to_one_view_and_rebuilds_its_bank(views_ctx) -> None:  # type: ignore[no-untyped-def]
    ctx, summaries = views_ctx
    side_sha = ctx.engine.inspection.bank_info(PRODUCT, "side")
    report = ctx.engine.onboarding.add_good(PRODUCT, [frame("top", 300 + i) for i in range(2)], quick=True,
                                            view="top")
    assert report.n_good == 14 and report.build.n_images == 14
    product = ctx.catalog.get_product(PRODUCT)
    assert len(ctx.catalog.list_images(product.product_id, "normal", view_code="top")) == 14
    assert len(ctx.catalog.list_images(product.product_id, "normal", view_code="side")) == 12
    assert report.build.bank_sha256 != summaries["top"].bank_sha256
    assert ctx.engine.inspection.bank_info(PRODUCT, "side") == side_sha  # the other view's bank is untouched
    with pytest.raises(NotFoundError, match="no view 'front'"):
        ctx.engine.onboarding.add_good(PRODUCT, [frame("top", 310)], view="front")


@pytest.mark.network
def test_one_image_of_a_product_with_views_is_one_clear_line(views_ctx) -> None:  # type: ignore[no-untyped-def]
    ctx, _ = views_ctx
    with pytest.raises(ValidationError, match=r"inspected from its views \(top, side\): give one image per view"):
        ctx.engine.inspection.inspect(PRODUCT, frame("top", 9060), record=False)
    assert ctx.bench.warm_up(PRODUCT).startswith("views: top, side · mobilenet_v2")


@pytest.mark.network
def test_the_bench_judges_a_part_again_with_each_views_thresholds(views_ctx) -> None:  # type: ignore[no-untyped-def]
    from station.domain.bench import Inspected

    ctx, _ = views_ctx
    part = ctx.engine.inspection.inspect_part(PRODUCT, {v: frame(v, 9070) for v in VIEWS}, record=False)
    assert part.verdict is Verdict.PASS
    settings = ctx.station_settings
    low = part.views[0].anomaly_score / 2  # below the good top view's own score: it fails
    settings.update_thresholds(PRODUCT, low, 0.9, None, review_threshold=low / 2, view="top")
    try:
        again = ctx.bench.reevaluate(7, Inspected(7, part.outcome, None, None)).outcome
    finally:
        settings.update_thresholds(PRODUCT, 0.85, 0.90, None, review_threshold=0.7, view="top")
    assert again.reevaluated and again.verdict is Verdict.FAIL and again.view_code == "top"
    assert [(v.view, v.verdict) for v in again.views] == [("top", "FAIL"), ("side", "PASS")]
    assert [o.image_threshold for o in again.view_outcomes] == [pytest.approx(low), 0.85]


def test_a_view_without_a_bank_is_named_with_the_command_that_builds_it(views_ctx) -> None:  # type: ignore[no-untyped-def]
    ctx, _ = views_ctx
    ctx.catalog.upsert_products([ProductSpec(code="nobank-p", name="nobank-p")])
    ctx.station_settings.define_view("nobank-p", "front", None, camera="0")
    part = ctx.engine.inspection.inspect_part("nobank-p", {"front": frame("top", 9080)})
    assert part.verdict is None and not part.passed
    assert part.error == "view front: no memory bank yet: run `station build --product nobank-p --view front`"


@pytest.mark.network
def test_a_product_of_several_views_takes_one_place_among_the_warm_products(views_ctx) -> None:  # type: ignore[no-untyped-def]
    ctx, _ = views_ctx
    cache = ctx.engine.inspection.cache
    cache.set_max_products(1)
    try:
        for view in VIEWS:
            cache.get(bank_key(PRODUCT, view))
        assert sorted(cache.loaded_products()) == sorted(bank_key(PRODUCT, v) for v in VIEWS), \
            "both views stay loaded under a bound of one product"
        top = cache.get(bank_key(PRODUCT, "top"))
        assert cache.get(bank_key(PRODUCT, "top")) is top and cache.is_loaded(bank_key(PRODUCT, "side"))
    finally:
        cache.set_max_products(3)


@pytest.mark.network
def test_each_view_gets_its_nearest_good_reference_from_its_own_view(views_ctx) -> None:  # type: ignore[no-untyped-def]
    """The top and side views look different (the side camera sees the part turned and mirrored): each view's
    reference is a good library image of that view, found in the view's own retrieval index, and it is the
    one most like the view's picture; the record keeps every view's reference, the bench gets each one."""
    from station.domain.bench import BenchRequest
    from station.domain.views import ViewCapture

    ctx, _ = views_ctx
    product = ctx.catalog.get_product(PRODUCT)
    library = {view: {row.image_id: row for row in ctx.catalog.list_images(product.product_id, "normal",
                                                                            view_code=view)} for view in VIEWS}
    assert not set(library["top"]) & set(library["side"])
    seed = 5  # a library part: each view's nearest reference is that part's own image of the view
    part = ctx.engine.inspection.inspect_part(PRODUCT, {v: frame(v, seed) for v in VIEWS}, serial="SN-REF")
    assert part.error is None
    references = {o.view_code: o.reference for o in part.outcome.view_outcomes}
    for view in VIEWS:
        reference = references[view]
        assert reference is not None and reference.image_id in library[view], f"{view}: not its own view's"
        row = library[view][reference.image_id]
        assert row.file_name == f"{view}-{seed:03d}.png" and reference.file_path == row.file_path
    assert references["top"].image_id != references["side"].image_id
    # the pictures differ: the side reference is the side framing, not the top one
    pixels = {v: ctx.engine.inspection.reference_pixels(o) for v, o in zip(VIEWS, part.outcome.view_outcomes)}
    assert pixels["top"].shape == pixels["side"].shape and not np.array_equal(pixels["top"], pixels["side"])
    # the record: the deciding view's reference on the inspection, every view's in its view result
    with ctx.db.session() as session:
        result = session.get(InspectionResult, part.outcome.result_id)
        stored = {v.view: v for v in (ViewResult.from_json(j) for j in result.view_results)}
        inspection = session.get(Inspection, part.outcome.inspection_id)
        assert inspection.reference_image_id == references[part.outcome.view_code].image_id
    for view in VIEWS:
        assert stored[view].artifacts["reference"] == references[view].file_path
        assert stored[view].reference_similarity == pytest.approx(references[view].similarity, abs=1e-5)
    # the bench: each view's own decoded reference travels with the part (the side-by-side tiles show it)
    capture = ViewCapture({v: frame(v, seed) for v in VIEWS}, {"top": 0.0, "side": 1.0})
    shown = ctx.bench.inspect(BenchRequest(1, PRODUCT, capture, record=False, read_serial=False, guide=False))
    assert set(shown.view_references) == set(VIEWS)
    for view in VIEWS:
        assert np.array_equal(shown.view_references[view], pixels[view])
