"""The demo product's fixed model configuration: read from resources/demo, documented there, on real weights,
used by `station demo --headless` on a fresh home (no candidate selection), and reused on a second start."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from station.app.demo import BUILD_STAGES, DEMO_PRODUCT, OverallProgress, demo_model
from station.app.station import build_station
from station.cli.main import main
from station.config import load_settings
from station.domain.engine import Progress
from station.domain.errors import StationError
from station.resources import resources_dir


def test_the_demo_model_file_is_the_documented_configuration() -> None:
    model = demo_model()
    assert (model.backbone, model.input_size, model.image_score, model.augment) == ("mobilenet_v2", 320, "reweighted", ())
    options = model.options()
    assert options.backbone == "mobilenet_v2" and options.coreset_ratio == model.coreset_ratio
    readme = (resources_dir() / "demo" / "README.md").read_text(encoding="utf-8")
    for value in (model.backbone, f"{model.input_size} px", str(model.coreset_ratio), str(model.max_bank_size)):
        assert value in readme


def test_an_unreadable_demo_model_file_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "demo_model.json"
    path.write_text(json.dumps({"backbone": "mobilenet_v2"}), encoding="utf-8")
    with pytest.raises(StationError, match="demo model configuration"):
        demo_model(path)
    fields = {"backbone": "mobilenet_v2", "input_size": 320, "coreset_ratio": 0.05, "max_bank_size": 4096}
    path.write_text(json.dumps({**fields, "layers": ["layer2", "layer3"]}), encoding="utf-8")
    with pytest.raises(StationError, match="taps"):  # the documented layers must be the backbone's
        demo_model(path)
    path.write_text(json.dumps({**fields, "coreset_ratio": 1.5}), encoding="utf-8")
    with pytest.raises(StationError):
        demo_model(path)


def test_the_overall_progress_rises_through_the_stages_and_never_steps_back() -> None:
    seen: list[Progress] = []
    overall = OverallProgress(seen.append)
    for stage, _share in BUILD_STAGES:
        for done in range(5):
            overall(Progress(stage, done, 4, stage))
        if stage == "calibrate":  # the defect images load after the calibration
            overall(Progress("load", 1, 4, "loading defect images"))
    percents = [p.done for p in seen]
    assert percents == sorted(percents) and percents[0] == 0 and percents[-1] == 100
    assert all(p.stage == "build" and p.total == 100 for p in seen)


@pytest.mark.slow
def test_headless_demo_on_a_fresh_home_builds_the_fixed_configuration_and_a_second_start_reuses_it(
        capsys, _isolated_home: Path) -> None:  # type: ignore[no-untyped-def]
    assert main(["demo", "--headless", "--good-images", "8"]) == 0
    out = capsys.readouterr().out
    assert "memory bank: to be built" in out and "(mobilenet_v2 at 320 px)" in out
    assert "validating" not in out and "select" not in out  # no candidate was validated
    verdict = [line for line in out.splitlines() if line.startswith("inspected 002_")]
    assert len(verdict) == 1 and (": FAIL" in verdict[0] or ": UNCERTAIN" in verdict[0])  # a hole

    ctx = build_station(load_settings(home=_isolated_home))
    try:
        product = ctx.catalog.get_product(DEMO_PRODUCT)
        banks = [row for row in ctx.deployments.history(product.product_id, limit=50)
                 if row["deployment_type"] == "patchcore_bank"]
        assert len(banks) == 1 and banks[0]["status"] == "completed"
        config, summary = banks[0]["config_params"], banks[0]["result_summary"]
        config = json.loads(config) if isinstance(config, str) else config
        summary = json.loads(summary) if isinstance(summary, str) else summary
        assert config["self_configured"] is False and config["backbone"] == "mobilenet_v2"
        assert config["coreset_ratio"] == demo_model().coreset_ratio and config["degraded"] is False
        assert summary["selection"] is None and summary["image_size"] == 320 and summary["degraded"] is False
    finally:
        ctx.close()

    assert main(["demo", "--headless"]) == 0  # the second start: the bank is there, nothing is rebuilt
    again = capsys.readouterr().out
    assert "memory bank: already built" in again and "building" not in again
    assert any(line.startswith("inspected 002_") for line in again.splitlines())
    ctx = build_station(load_settings(home=_isolated_home))
    try:
        product = ctx.catalog.get_product(DEMO_PRODUCT)
        assert sum(row["deployment_type"] == "patchcore_bank"
                   for row in ctx.deployments.history(product.product_id, limit=50)) == 1
    finally:
        ctx.close()
