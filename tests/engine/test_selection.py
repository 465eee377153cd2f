"""Self-configuration: synthetic defects are deterministic per seed, the choice reads no test image, a build
with labelled defect images uses them, and the deployment records candidates, scores and expected rates."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from station.adapters.db.models import Deployment
from station.adapters.weights.manifest import PACKAGES_ENV
from station.adapters.engine.provider import MlModels
from station.pipeline.synthetic.parts import demo_images, write_dataset
from station.pipeline.synthetic.defects import KINDS, make_defects
from station.services.engine import evaluation
from station.services.engine.evaluation import EvaluationService
from station.pipeline.patchcore.bank_build import BuildOptions
from station.pipeline.patchcore.splits import calibration_split, held_out_split, validation_split
from station.services.engine.candidates import Candidate, candidate_sizes, stage1_candidates, stage2_candidates
from tests.support.engine import demo_context, install_mobilenet

SIZE = 64


def _goods(n: int = 4) -> list[np.ndarray]:
    return [np.dstack([i.image] * 3) for i in demo_images(n, 0, 96)]


def test_synthetic_defects_are_deterministic_per_seed() -> None:
    goods = _goods()
    first, again, other = make_defects(goods, seed=3), make_defects(goods, seed=3), make_defects(goods, seed=4)
    assert [d.kind for d in first] == [KINDS[i % len(KINDS)] for i in range(len(goods))]
    for a, b in zip(first, again, strict=True):
        assert np.array_equal(a.image, b.image) and np.array_equal(a.mask, b.mask)
    assert any(not np.array_equal(a.image, c.image) for a, c in zip(first, other, strict=True))
    for d, good in zip(first, goods, strict=True):
        assert d.mask.any() and d.image.shape == good.shape
        changed = np.abs(d.image.astype(int) - good.astype(int)).max(-1) > 0
        assert changed[d.mask].mean() > 0.5  # the mask covers what was painted
    assert all(not np.array_equal(g, d.image) for g, d in zip(goods, first, strict=True))


def test_split_and_candidates() -> None:
    fit, held = held_out_split(20)
    assert len(held) == 5 and not set(fit) & set(held) and len(fit) + len(held) == 20
    assert held_out_split(3) == ([0, 1, 2], [])
    keys = [c.key for c in stage1_candidates(["mobilenet_v2", "efficientnet_lite0", "efficientnet_lite2",
                                              "filterbank"], 256)]
    assert keys == ["mobilenet_v2@256", "efficientnet_lite0@256", "efficientnet_lite2@256"]
    assert all(c.cost <= 2.0 for c in stage1_candidates(["efficientnet_lite2", "mobilenet_v2"], 256))
    every = ["mobilenet_v2", "efficientnet_lite0", "efficientnet_lite2", "mobilenet_v2_2scale",
             "efficientnet_lite0_2scale", "efficientnet_lite2_2scale"]
    mnv2, lite0, lite2 = (Candidate(b, 256) for b in every[:3])
    assert [c.key for c in stage2_candidates(every, [mnv2, lite2, lite0])] == [
        "mobilenet_v2@128", "mobilenet_v2@320", "mobilenet_v2_2scale@256"]
    # Lite2 at 320 px or at two scales is over the 2x latency budget: the next backbone's two scales instead
    assert [c.key for c in stage2_candidates(every, [lite2, lite0, mnv2])] == [
        "efficientnet_lite2@128", "mobilenet_v2@320", "efficientnet_lite0_2scale@256"]
    assert all(c.cost <= 2.0 for r in ([mnv2, lite0, lite2], [lite0, lite2, mnv2])
               for c in stage2_candidates(every, r))
    assert stage2_candidates(["filterbank"], [Candidate("filterbank", 64)]) == []
    assert candidate_sizes(every, 256) == [128, 256, 320] and candidate_sizes(["filterbank"], 64) == [64]
    assert [c.key for c in stage1_candidates(["filterbank"], 64)] == ["filterbank@64"]


@pytest.mark.slow
def test_selection_reads_no_test_image(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PACKAGES_ENV, "off")  # MobileNetV2 only: two sizes, then flips
    root = write_dataset(tmp_path / "ds", n_train=10, n_test_good=3, n_per_defect=2, size=SIZE)
    install_mobilenet(tmp_path / "models")
    service = EvaluationService(MlModels(tmp_path / "models"))
    real_read = evaluation.read_image
    reads: list[Path] = []

    def recording_read(path):  # type: ignore[no-untyped-def]
        reads.append(Path(path))
        return real_read(path)

    monkeypatch.setattr(evaluation, "read_image", recording_read)
    train = root / "train" / "good"
    alone = tmp_path / "train-only"  # the choice made from a copy of train/good with no test folder anywhere
    shutil.copytree(train, alone)
    unbounded = BuildOptions(selection_seconds=None)  # no time budget: the same candidates whatever the load
    selection = service.configure(alone, input_size=SIZE, options=unbounded)
    assert reads and all(p.parent == alone for p in reads)
    keys = [c.candidate.key for c in selection.scores]  # each candidate with every image score
    scored = [f"{c}{extra}" for c in (f"mobilenet_v2@{SIZE}", f"mobilenet_v2@{SIZE + 32}",  # no half size: 64 px
                                      f"mobilenet_v2_2scale@{SIZE}")  # is the smallest
              for extra in ("", "+map_peak", "+map_top")]
    assert keys[:9] == scored
    reads.clear()
    report = service.evaluate(root, input_size=SIZE, options=unbounded)
    n_train = len(list(train.iterdir()))
    assert all(p.parent == train for p in reads[:n_train])  # the choice: train/good only, before any test image
    assert all("test" in p.parts for p in reads[2 * n_train:])
    assert report.selection is not None and report.selection["chosen"] == selection.chosen.key
    assert report.selection["validation_images"] == {"good": n_train, "labelled_defect": 0}
    # without labelled defects no miss rate is predicted; synthetic defects give their recall, named as such
    rates = report.selection["rates"]
    assert report.selection["expected_miss_rate"] is None and rates["miss"] is None
    recall = rates["synthetic_recall_at_review"]
    assert recall["basis"] == "synthetic_defects" and recall["of"] == report.selection["n_synthetic"]
    assert recall["low"] <= recall["rate"] <= recall["high"]
    assert (report.backbone, report.input_size) == (selection.chosen.backbone, selection.chosen.input_size)


@pytest.mark.slow
def test_build_with_labelled_defects_uses_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PACKAGES_ENV, "off")
    ctx = demo_context(size=SIZE, n_good=10, n_per_defect=2)
    try:
        progress = []
        reads: Counter[str] = Counter()
        read = ctx.storage.get_bytes

        def counted(key: str) -> bytes:
            reads[key] += 1
            return read(key)

        with monkeypatch.context() as patched:
            patched.setattr(ctx.storage, "get_bytes", counted)
            summary = ctx.engine.builder.build("demo-cast", progress=progress.append)
        # every library image (10 good, 6 labelled defects) was read and decoded once in the whole build
        assert len(reads) == 16 and set(reads.values()) == {1}
        chosen = summary.selection
        assert chosen is not None and chosen["n_labelled"] == 6 and chosen["n_held_out_good"] == 3
        defects = ctx.catalog.list_images(ctx.catalog.get_product("demo-cast").product_id, "defect")
        assert sorted(chosen["validation_images"]["labelled_defect"]) == sorted(r.image_id for r in defects)
        assert all(c["image_auroc_labelled"] is not None for c in chosen["candidates"])
        assert all(0.0 <= c["miss_rate_labelled"] <= 1.0 for c in chosen["candidates"])
        rates = chosen["rates"]
        assert rates["miss"]["basis"] == "labelled_defects" and rates["miss"]["of"] == 6
        assert rates["miss"]["rate"] == chosen["expected_miss_rate"]
        assert rates["false_alarm"]["basis"] == "held_out_good" and rates["false_alarm"]["of"] == 3
        for entry in (rates["miss"], rates["false_alarm"], rates["uncertain"], rates["synthetic_recall_at_review"]):
            assert 0.0 <= entry["low"] <= entry["rate"] <= entry["high"] <= 1.0 and 0 <= entry["count"] <= entry["of"]
        assert summary.backbone == chosen["backbone"] and summary.image_size == chosen["input_size"]
        assert any(p.stage.startswith("select") for p in progress)
        # the product bank took the selection's features of its good images: all 10 were fit or held out,
        # and their flipped copies too when the chosen candidate has them
        info = ctx.engine.inspection.bank_info("demo-cast")
        bank_idx, _ = calibration_split(10, 0.2, 2)
        fit_idx, _ = validation_split(10)
        copies = len(set(bank_idx) & set(fit_idx)) * len(chosen["augment"])  # the validation bank's copies
        assert info is not None and info["reused_features"] == 10 + copies
        assert set(info["stage_seconds"]) == {"features", "coreset", "calibrate"}
        with ctx.db.session() as session:
            row = session.scalars(select(Deployment).where(Deployment.deployment_type == "patchcore_bank")).one()
            assert row.config_params["self_configured"] is True
            assert row.result_summary["selection"]["chosen"] == chosen["chosen"]
        outcome = ctx.engine.inspection.inspect("demo-cast", demo_images(1, 0, SIZE, start_seed=777)[0].image,
                                                record=False)
        assert outcome.verdict is not None
    finally:
        ctx.close()


def test_technician_build_screen_shows_the_selection(qtbot) -> None:  # type: ignore[no-untyped-def]
    from station.ui.technician.builds import BuildsView

    view = BuildsView(env=None)  # type: ignore[arg-type]  # only the report rendering is exercised
    qtbot.addWidget(view)
    view._show_selection([])
    assert "none recorded" in view.selection.text()
    cand = {"candidate": {"key": "efficientnet_lite0@256", "relative_cost": 1.25}, "objective": 0.97,
            "image_auroc_synthetic": 0.99, "pixel_auroc_synthetic": 0.95, "image_auroc_labelled": 0.98,
            "false_alarm_rate": 0.02, "miss_rate_synthetic": 0.1, "miss_rate_labelled": 0.05}
    other = {**cand, "candidate": {"key": "mobilenet_v2@256", "relative_cost": 1.0}, "objective": 0.95}
    def rate(k: int, n: int, basis: str) -> dict:  # type: ignore[type-arg]
        return {"rate": k / n, "count": k, "of": n, "low": 0.01, "high": 0.4, "basis": basis}

    rates = {"false_alarm": rate(1, 50, "held_out_good"), "uncertain": rate(2, 50, "held_out_good"),
             "miss": rate(1, 20, "labelled_defects"),
             "synthetic_recall_at_review": rate(7, 50, "synthetic_defects")}
    selection = {"chosen": "efficientnet_lite0@256", "objective": 0.97, "image_threshold": 0.85,
                 "review_threshold": 0.7, "expected_false_alarm_rate": 0.02, "expected_uncertain_rate": 0.04,
                 "expected_miss_rate": 0.05, "rates": rates, "n_held_out_good": 50,
                 "n_synthetic": 50, "n_labelled": 20, "candidates": [other, cand]}

    def shown(selection: dict) -> str:  # type: ignore[type-arg]
        view._show_selection([{"deployment_id": 3, "deployment_type": "patchcore_bank", "status": "completed",
                               "result_summary": {"selection": selection}}])
        return view.selection.text()

    text = shown(selection)
    assert "efficientnet_lite0@256 ✔" in text and "mobilenet_v2@256" in text
    assert "false alarms 2.0 % (1 of 50 held-out good images; 95 % interval 1.0 %–40.0 %)" in text
    assert "misses 5.0 % (1 of 20 labelled defects" in text and "20 labelled" in text
    assert "synthetic-defect recall at the review threshold 14.0 % (7 of 50 synthetic defects" in text
    # without labelled defects: no miss rate, and the synthetic recall is never shown as one
    synthetic_only = {**selection, "expected_miss_rate": None, "n_labelled": 0, "rates": {**rates, "miss": None},
                      "candidates": [{**cand, "miss_rate_labelled": None}]}
    text = shown(synthetic_only)
    assert "misses: not predicted" in text and "86" not in text and "misses 14" not in text
    assert "synthetic-defect recall at the review threshold 14.0 %" in text


def test_the_cli_prints_each_rate_with_its_basis() -> None:
    from station.cli.engine_cmd import rate_lines

    def rate(k: int, n: int, basis: str) -> dict:  # type: ignore[type-arg]
        return {"rate": k / n, "count": k, "of": n, "low": 0.0, "high": 0.3, "basis": basis}

    rates = {"false_alarm": rate(0, 40, "held_out_good"), "uncertain": rate(1, 40, "held_out_good"), "miss": None,
             "synthetic_recall_at_review": rate(6, 40, "synthetic_defects")}
    lines = rate_lines({"rates": rates, "expected_false_alarm_rate": 0.0})
    assert lines[0] == "expected false alarms 0.0% (0 of 40 held-out good images, 95 % interval 0.0%–30.0%)"
    assert "expected misses: not predicted (no labelled defects)" in lines
    assert lines[-1].startswith("synthetic-defect recall at the review threshold 15.0% (6 of 40 synthetic defects")
    labelled = rate_lines({"rates": {**rates, "miss": rate(2, 10, "labelled_defects")}})
    assert "expected misses 20.0% (2 of 10 labelled defects, 95 % interval 0.0%–30.0%)" in labelled
    assert rate_lines({"expected_false_alarm_rate": 0.05}) == ["expected false alarms 5.0%"]  # an older build
