"""Inspection engine end to end on a real local store (SQLite), real object store and real MobileNetV2
weights: bank build with deployment rows, progress and cancel, inspect with artifacts and regions,
re-evaluation, bad input recording nothing, calibration."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlalchemy import func, select

from station.adapters.db.models import Deployment, Image, ImageMetadata, Inspection, InspectionResult
from station.domain.engine import CancelledError, CancelToken, InspectionOutcome
from station.domain.enums import Verdict
from station.pipeline.images.decode import ImageInputError, encode_png
from station.pipeline.synthetic.parts import render_part
from station.services.engine.change_log import describe
from station.services.engine.runtime import BankNotBuiltError
from station.pipeline.patchcore.bank_build import BuildOptions
from tests.support.engine import demo_context

SIZE = 128


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """One demo store with a MobileNetV2 bank, shared by this module's tests (building is the slow part)."""
    home = tmp_path_factory.mktemp("engine-home")
    mp = pytest.MonkeyPatch()
    mp.setenv("STATION_HOME", str(home))
    mp.setenv("STATION_CONFIG", str(home / "config.toml"))
    ctx = demo_context(size=SIZE, n_good=14, n_per_defect=2)
    reports = []
    summary = ctx.engine.builder.build("demo-cast", BuildOptions(backbone="mobilenet_v2", coreset_ratio=0.25),
                                       progress=reports.append)
    yield ctx, summary, reports
    ctx.close()
    mp.undo()


def _count(ctx, model) -> int:  # type: ignore[no-untyped-def]
    with ctx.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)))


@pytest.mark.network
def test_build_records_deployments_and_reports_progress(built) -> None:  # type: ignore[no-untyped-def]
    ctx, summary, reports = built
    assert summary.backbone == "mobilenet_v2" and not summary.degraded
    assert summary.n_images == 14 and summary.n_calibration_images >= 2
    assert summary.n_patches == summary.n_bank_images * 16 * 16
    assert 0 < summary.coreset_size <= summary.n_patches and summary.coverage_radius > 0
    assert summary.retrieval_method == "backbone_pooled:mobilenet_v2"
    assert summary.n_indexed_good == 14 and summary.n_indexed_defect == 6
    stages = {r.stage for r in reports}
    assert {"load", "features", "coreset", "calibrate", "save", "index"} <= stages
    with ctx.db.session() as session:
        rows = {d.deployment_type: d for d in session.scalars(select(Deployment))}
    bank_row, index_row = rows["patchcore_bank"], rows["clip_embedding"]
    assert bank_row.status == "completed" and index_row.status == "completed"
    assert bank_row.result_summary["bank_sha256"] == summary.bank_sha256
    assert bank_row.result_summary["coreset_size"] == summary.coreset_size
    assert bank_row.config_params["backbone"] == "mobilenet_v2"
    assert index_row.result_summary["method"] == "backbone_pooled:mobilenet_v2"
    assert Path(summary.bank_file).is_file()


@pytest.mark.network
def test_bank_reload_is_cached(built) -> None:  # type: ignore[no-untyped-def]
    ctx, _, _ = built
    service = ctx.engine.inspection
    service.cache.invalidate()
    loaded = service.warm_up("demo-cast")
    assert loaded.bank.features.shape[1] == loaded.model.embedding_dim
    assert service.warm_up("demo-cast") is loaded  # second call: from the cache
    assert service.bank_info("demo-cast")["coreset_size"] == loaded.bank.features.shape[0]


@pytest.mark.network
def test_inspect_good_and_defective_parts(built) -> None:  # type: ignore[no-untyped-def]
    ctx, _, _ = built
    service = ctx.engine.inspection
    seen = []
    good = service.inspect("demo-cast", render_part(9001, SIZE).image, progress=seen.append, inspector_id=None)
    assert good.verdict is Verdict.PASS and good.regions == ()
    assert good.anomaly_map.max() < good.pixel_threshold
    assert seen[-1].done == seen[-1].total
    hole = render_part(9002, SIZE, "hole")
    bad = service.inspect("demo-cast", cv2.cvtColor(hole.image, cv2.COLOR_GRAY2BGR), source_name="hole.png",
                          serial="SN-0042")
    assert bad.verdict is Verdict.FAIL and bad.image_score >= bad.image_threshold
    assert bad.regions, "the painted hole must be found as a region"
    x, y, w, h = bad.regions[0].bbox
    assert hole.mask[y:y + h, x:x + w].any(), "the region must overlap the painted defect"
    assert bad.defect is not None and bad.defect.defect_code in ("hole", "burr", "scratch", None)
    assert bad.reference is not None and 0 <= bad.similarity_score <= 1
    assert bad.confidence_score is None or 0 <= bad.confidence_score <= 1
    assert bad.inspection_code and bad.inspection_code.startswith("INS-")
    for key in (bad.artifacts.heatmap, bad.artifacts.mask, bad.artifacts.overlay, bad.artifacts.comparison,
                bad.artifacts.test_image):
        assert key and ctx.storage.local_path(key) is not None
    with ctx.db.session() as session:
        result = session.scalar(select(InspectionResult).where(InspectionResult.result_id == bad.result_id))
        inspection = session.get(Inspection, bad.inspection_id)
        assert result.heatmap_path == bad.artifacts.heatmap and result.overlay_path == bad.artifacts.overlay
        assert result.comparison_path == bad.artifacts.comparison and result.mask_path == bad.artifacts.mask
        assert result.defect_detected is True and result.anomaly_score == pytest.approx(bad.image_score)
        assert result.verdict == "FAIL" and result.image_threshold == bad.image_threshold
        assert (result.pixel_threshold, result.review_threshold) == (bad.pixel_threshold, bad.review_threshold)
        assert result.provenance == bad.provenance and result.provenance["backbone"] == bad.backbone
        assert len(result.provenance["bank_sha256"]) == 64 and result.provenance["guide_model"] is None
        assert result.detected_regions[0]["bbox"]["x"] == x
        assert inspection.reference_image_id == bad.reference.image_id
        test_image = session.get(Image, bad.test_image_id)
        assert test_image.file_path == bad.artifacts.test_image and test_image.image_type == "test"
        metadata = session.scalars(select(ImageMetadata).where(ImageMetadata.image_id == bad.test_image_id)).all()
        assert len(metadata) == 1 and metadata[0].exif_data == {"serial": "SN-0042"}
        assert metadata[0].preprocessing_applied is not None  # one row, written with the inspection
    assert bad.summary()["verdict"] == "FAIL"


@pytest.mark.network
def test_reevaluate_changes_verdict_without_features(built) -> None:  # type: ignore[no-untyped-def]
    ctx, _, _ = built
    service = ctx.engine.inspection
    outcome = service.inspect("demo-cast", render_part(9003, SIZE, "scratch").image, record=False)
    assert outcome.inspection_code is None and outcome.artifacts.heatmap is None
    loaded = service.cache.get("demo-cast")
    runtime = loaded.model
    calls = []
    original = runtime.score
    runtime.score = lambda *a, **k: calls.append(1) or original(*a, **k)  # type: ignore[method-assign]
    try:
        lenient = service.reevaluate(outcome, image_threshold=1.0, pixel_threshold=1.0, review_threshold=1.0)
        assert lenient.verdict in (Verdict.PASS, Verdict.FAIL) and lenient.reevaluated
        assert lenient.regions == () and not lenient.mask.any()
        strict = service.reevaluate(outcome, image_threshold=0.05, pixel_threshold=0.5)
        assert strict.verdict is Verdict.FAIL and strict.regions and strict.defect is not None
        band = service.reevaluate(outcome, image_threshold=min(1.0, outcome.image_score + 0.01),
                                  review_threshold=max(0.0, outcome.image_score - 0.01))
        assert band.verdict is Verdict.UNCERTAIN
    finally:
        runtime.score = original  # type: ignore[method-assign]
    assert calls == []


@pytest.mark.network
@pytest.mark.parametrize("bad", ["empty", "corrupt", "tiny", "huge", "text", "channels"])
def test_bad_input_records_nothing(built, tmp_path: Path, bad: str) -> None:  # type: ignore[no-untyped-def]
    ctx, _, _ = built
    before = (_count(ctx, Image), _count(ctx, Inspection), _count(ctx, InspectionResult))
    path = tmp_path / "input.png"
    image: object = path
    if bad == "empty":
        path.write_bytes(b"")
    elif bad == "corrupt":
        path.write_bytes(encode_png(render_part(1, SIZE).image)[:200])
    elif bad == "tiny":
        path.write_bytes(encode_png(np.zeros((1, 1), np.uint8)))
    elif bad == "huge":
        image = np.zeros((20000, 20000), np.uint8)
    elif bad == "text":
        path.write_text("hello, I am not an image", encoding="utf-8")
    else:
        image = np.zeros((SIZE, SIZE, 2), np.uint8)
    with pytest.raises(ImageInputError) as info:
        ctx.engine.inspection.inspect("demo-cast", image)  # type: ignore[arg-type]
    assert "\n" not in str(info.value)
    assert (_count(ctx, Image), _count(ctx, Inspection), _count(ctx, InspectionResult)) == before


@pytest.mark.network
def test_calibration_report_and_apply(built) -> None:  # type: ignore[no-untyped-def]
    ctx, _, _ = built
    service = ctx.engine.calibration
    good = [render_part(7000 + i, SIZE).image for i in range(6)]
    defect = [render_part(7100 + i, SIZE, code).image for i, code in enumerate(("hole", "burr", "scratch"))]
    report = service.calibrate("demo-cast", good, defect, target_far=0.2)
    assert report.n_good == 6 and report.n_defect == 3
    assert report.auroc is not None and report.auroc > 0.9
    assert report.roc is not None and report.roc.fpr[0] == 0.0 and report.roc.tpr[-1] == 1.0
    assert 0 <= report.suggested_review_threshold <= report.suggested_image_threshold <= 1
    assert sum(report.good_histogram) == 6 and sum(report.defect_histogram) == 3
    applied = service.apply(report)
    assert applied.applied
    product = ctx.catalog.get_product("demo-cast")
    assert ctx.catalog.get_model_config(product.product_id).image_threshold == pytest.approx(
        report.suggested_image_threshold)
    outcome = ctx.engine.inspection.inspect("demo-cast", good[0], record=False)
    assert outcome.review_threshold == pytest.approx(report.suggested_review_threshold)
    only_good = service.calibrate("demo-cast", good)
    assert only_good.auroc is None and only_good.roc is None
    assert only_good.suggested_image_threshold == pytest.approx(only_good.far_threshold)


@pytest.mark.network
def test_cancelled_build_keeps_the_previous_bank(built) -> None:  # type: ignore[no-untyped-def]
    ctx, summary, _ = built
    token = CancelToken()

    def cancel_at_coreset(progress) -> None:  # type: ignore[no-untyped-def]
        if progress.stage == "coreset":
            token.cancel()

    with pytest.raises(CancelledError):
        ctx.engine.builder.build("demo-cast", BuildOptions(backbone="mobilenet_v2"), progress=cancel_at_coreset,
                                 cancel=token)
    with ctx.db.session() as session:
        last = session.scalars(select(Deployment).order_by(Deployment.deployment_id.desc())).first()
        assert last.deployment_type == "patchcore_bank" and last.status == "cancelled"
    assert ctx.engine.inspection.bank_info("demo-cast")["coreset_size"] == summary.coreset_size


@pytest.mark.network
def test_the_chosen_review_threshold_lives_in_model_configs_and_survives_a_rebuild(built) -> None:  # type: ignore[no-untyped-def]
    ctx, summary, _ = built
    service = ctx.engine.calibration
    good = [render_part(7200 + i, SIZE).image for i in range(4)]
    bank_default = ctx.engine.inspection.bank_info("demo-cast")["review_threshold"]
    service.apply(service.calibrate("demo-cast", good), image_threshold=0.9, review_threshold=0.55)
    logged = describe(ctx.audit.recent("model_configs", limit=1)[0])
    assert logged.source == "calibration" and logged.basis == (4, 0) and logged.user_id is None
    assert {c.field: (c.old, c.new) for c in logged.changes}["image_threshold"][1] == pytest.approx(0.9)
    assert {c.field for c in logged.changes} <= {"image_threshold", "review_threshold"}
    product = ctx.catalog.get_product("demo-cast")
    config = ctx.catalog.get_model_config(product.product_id)
    assert (config.image_threshold, config.review_threshold) == (pytest.approx(0.9), pytest.approx(0.55))
    assert ctx.engine.inspection.bank_info("demo-cast")["review_threshold"] == bank_default, "the bank is not edited"
    rebuilt = ctx.engine.builder.build("demo-cast", BuildOptions(backbone="mobilenet_v2", coreset_ratio=0.25))
    assert rebuilt.bank_sha256 and rebuilt.coreset_size == summary.coreset_size
    assert ctx.catalog.get_model_config(product.product_id).review_threshold == pytest.approx(0.55)
    outcome = ctx.engine.inspection.inspect("demo-cast", good[0], record=False)
    assert outcome.review_threshold == pytest.approx(0.55)


def test_product_without_bank_is_reported(tmp_path: Path) -> None:
    ctx = demo_context(size=SIZE, n_good=2, n_per_defect=0, weights=False)
    try:
        with pytest.raises(BankNotBuiltError, match="station build --product demo-cast"):
            ctx.engine.inspection.inspect("demo-cast", render_part(1, SIZE).image)
        with pytest.raises(Exception, match="at least 3"):
            ctx.engine.builder.build("demo-cast")
        with ctx.db.session() as session:
            assert session.scalars(select(Deployment)).one().status == "failed"
    finally:
        ctx.close()


def test_degraded_bank_without_weights_is_labelled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATION_WEIGHT_PACKAGES", "off")  # a machine without the weight packages
    ctx = demo_context(size=SIZE, n_good=8, n_per_defect=1, weights=False)
    try:
        summary = ctx.engine.builder.build("demo-cast")
        assert summary.backbone == "filterbank" and summary.degraded
        outcome: InspectionOutcome = ctx.engine.inspection.inspect("demo-cast", render_part(5, SIZE).image)
        assert outcome.degraded and "no pretrained backbone weights" in (outcome.degraded_reason or "")
        assert outcome.summary()["degraded"] is True
        with ctx.db.session() as session:
            row = session.scalars(select(Deployment).where(Deployment.deployment_type == "patchcore_bank")).one()
            assert row.config_params["degraded"] is True and row.result_summary["degraded"] is True
    finally:
        ctx.close()
