"""The torch-free CPU runtime (``station.adapters.engine.exported``): the same scores as the torch path on real
images, the parity check at build time with its fallback to torch, inspection through the service on the
exported runtime, and an inspection that never imports torch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlalchemy import select

from station.adapters.db.models import Deployment
from station.adapters.engine.exported import ExportedRuntime
from station.adapters.engine.patchcore import PatchcoreRuntime
from station.adapters.engine.provider import ExportArtifact, MlModels
from station.domain.engine import decide_verdict
from station.pipeline.images.decode import decode_input, read_image
from station.pipeline.patchcore.analysis import analyse
from station.pipeline.patchcore.bank_build import BuildOptions, build_memory_bank
from station.pipeline.synthetic.parts import render_part
from station.services.engine.export import PARITY_TOLERANCE, check_export
from station.services.engine.runtime import EXPORT_FILE
from tests.support.engine import demo_context, install_mobilenet

SIZE = 128
REPO = Path(__file__).resolve().parents[2]


def _images(folder: Path, n: int) -> list[np.ndarray]:
    paths = sorted(folder.iterdir())[:n]
    return [cv2.resize(read_image(p).pixels, (SIZE, SIZE), interpolation=cv2.INTER_AREA) for p in paths]


@pytest.mark.shared_data
@pytest.mark.slow  # the backbones' first load and traces; the comparisons themselves take a second
@pytest.mark.parametrize(("dataset", "backbone", "defect"), [
    ("casting", "mobilenet_v2", "def_front"),
    ("magnetic_tile", "efficientnet_lite0_2scale", None),
])
def test_exported_runtime_equals_torch_on_real_images(shared_data: Path, tmp_path: Path, dataset: str,
                                                      backbone: str, defect: str | None) -> None:
    root = shared_data / dataset
    if not (root / "train" / "good").is_dir():
        pytest.skip(f"{root} has no train/good")
    models = MlModels(tmp_path / "models")
    if backbone == "mobilenet_v2":
        install_mobilenet(tmp_path / "models")
    elif not any(b["name"] == backbone and b["installed"] for b in models.backbones()):
        pytest.skip(f"{backbone} weights are not installed")
    torch_model = models.runtime(backbone, SIZE)
    train = _images(root / "train" / "good", 10)
    classes = sorted(p.name for p in (root / "test").iterdir() if p.is_dir() and p.name != "good")
    tests = _images(root / "test" / "good", 3) + _images(root / "test" / (defect or classes[0]), 3)
    built = build_memory_bank(dataset, torch_model, train, {"resize": SIZE}, BuildOptions(coreset_ratio=0.1))
    exported = models.export_runtime(torch_model).model
    assert isinstance(exported, ExportedRuntime) and exported.embedding_dim == torch_model.embedding_dim
    for mode, calibration in built.calibrations.items():
        t_handle = torch_model.prepare_bank(built.bank.features, mode)
        e_handle = exported.prepare_bank(built.bank.features, mode)
        for image in tests:
            a, b = torch_model.score([image], t_handle)[0], exported.score([image], e_handle)[0]
            sa, sb = float(calibration.image(a.image_score)), float(calibration.image(b.image_score))
            assert abs(sa - sb) <= PARITY_TOLERANCE, (mode, sa, sb)
            assert decide_verdict(sa, 0.85, 0.70) == decide_verdict(sb, 0.85, 0.70)
            assert np.abs(a.anomaly_map - b.anomaly_map).max() <= 1e-3 * max(1.0, float(a.anomaly_map.max()))
            assert a.patch_scores.shape == b.patch_scores.shape and a.grid.shape == b.grid.shape
            assert np.allclose(a.pooled, b.pooled, atol=1e-4)
    # the build's own check passes on the calibration images
    check = check_export(models, torch_model, built.bank, train[:3], image_threshold=0.85, review_threshold=0.70)
    assert check.choice.passed and check.choice.runtime == "onnxruntime"
    assert check.choice.parity is not None and check.choice.parity <= PARITY_TOLERANCE


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A demo store with a MobileNetV2 bank built through the service (its export checked and published)."""
    home = tmp_path_factory.mktemp("exported-home")
    mp = pytest.MonkeyPatch()
    mp.setenv("STATION_HOME", str(home))
    mp.setenv("STATION_CONFIG", str(home / "config.toml"))
    for key in list(os.environ):
        if key.startswith("STATION_") and key not in ("STATION_HOME", "STATION_CONFIG") \
                and not key.startswith("STATION_TEST_"):
            mp.delenv(key)
    ctx = demo_context(size=SIZE, n_good=10, n_per_defect=1)
    summary = ctx.engine.builder.build("demo-cast", BuildOptions(backbone="mobilenet_v2", coreset_ratio=0.25))
    yield ctx, summary, home
    ctx.close()
    mp.undo()


def _bank_rows(ctx) -> list[Deployment]:  # type: ignore[no-untyped-def]
    with ctx.db.session() as session:
        return list(session.scalars(select(Deployment).where(Deployment.deployment_type == "patchcore_bank")
                                    .order_by(Deployment.deployment_id)))


@pytest.mark.network
def test_build_records_the_runtime_and_its_parity(built) -> None:  # type: ignore[no-untyped-def]
    ctx, summary, _ = built
    assert summary.runtime == "onnxruntime" and summary.runtime_parity is not None
    assert summary.runtime_parity <= PARITY_TOLERANCE and "onnxruntime" in (summary.runtime_reason or "")
    recorded = _bank_rows(ctx)[0].result_summary
    assert recorded["runtime"] == "onnxruntime" and recorded["runtime_parity"] == summary.runtime_parity
    files = ctx.engine.files.load("demo-cast", EXPORT_FILE)
    assert files is not None
    arrays, meta = files
    assert meta["passed"] and meta["runtime"] == "onnxruntime" and arrays["onnx"].size > 1000
    assert meta["runtime_parity_images"] >= 2 and meta["runtime_tolerance"] == PARITY_TOLERANCE


@pytest.mark.network
def test_inspection_runs_on_the_exported_runtime_with_the_torch_verdict(built) -> None:  # type: ignore[no-untyped-def]
    ctx, _, _ = built
    service = ctx.engine.inspection
    loaded = service.cache.get("demo-cast")
    assert isinstance(loaded.model, ExportedRuntime)
    # the bench's model status says which runtime inspects
    assert ctx.bench.warm_up("demo-cast").startswith(f"{loaded.bank.backbone} · cpu · onnxruntime")
    torch_model = ctx.engine.models.runtime(loaded.bank.backbone, loaded.bank.input_size)
    assert isinstance(torch_model, PatchcoreRuntime)
    torch_handle = torch_model.prepare_bank(loaded.bank.features, loaded.bank.image_score)
    config = ctx.catalog.get_model_config(ctx.catalog.get_product("demo-cast").product_id)
    for seed, defect in [(9001, None), (9002, "hole"), (9003, "scratch")]:
        image = render_part(seed, SIZE, defect).image if defect else render_part(seed, SIZE).image
        outcome = service.inspect("demo-cast", image, record=False)
        reference = analyse(decode_input(image), loaded.bank, torch_model, torch_handle)
        assert abs(outcome.image_score - reference.image_score) <= PARITY_TOLERANCE
        assert outcome.verdict == decide_verdict(reference.image_score, outcome.image_threshold,
                                                 outcome.review_threshold)
        assert outcome.image_threshold == pytest.approx(config.image_threshold)


@pytest.mark.network
def test_inspection_with_an_export_imports_no_torch(built) -> None:  # type: ignore[no-untyped-def]
    _, _, home = built
    script = (
        "import sys, json\n"
        "from station.config import load_settings\n"
        "from station.app.station import build_station\n"
        "from station.pipeline.synthetic.parts import render_part\n"
        "ctx = build_station(load_settings())\n"
        "outcome = ctx.engine.inspection.inspect('demo-cast', render_part(9005, 128).image)\n"
        "model = ctx.engine.inspection.cache.get('demo-cast').model\n"
        "print(json.dumps({'torch': 'torch' in sys.modules, 'runtime': type(model).__name__,\n"
        "                  'verdict': outcome.verdict.value}))\n"
        "ctx.close()\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATION_") or k.startswith("STATION_TEST_")}
    env.update(STATION_HOME=str(home), STATION_CONFIG=str(home / "config.toml"), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"torch": False, "runtime": "ExportedRuntime", "verdict": result["verdict"]}


@pytest.mark.network
def test_a_mismatching_export_falls_back_to_torch_with_the_reason(built, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    ctx, _, _ = built
    models = ctx.engine.models
    original = models.export_runtime

    def perturbed(model):  # type: ignore[no-untyped-def]
        """A real export whose input normalisation is shifted: its scores no longer match torch's."""
        artifact = original(model)
        exported = replace(artifact.exported, mean=tuple(m + 0.2 for m in artifact.exported.mean))
        return ExportArtifact(exported, model.degraded, model.degraded_reason)

    monkeypatch.setattr(models, "export_runtime", perturbed)
    summary = ctx.engine.builder.build("demo-cast", BuildOptions(backbone="mobilenet_v2", coreset_ratio=0.25))
    assert summary.runtime == "torch" and summary.runtime_parity is not None
    assert summary.runtime_parity > PARITY_TOLERANCE
    assert "differ" in (summary.runtime_reason or "") and "inspecting with torch" in (summary.runtime_reason or "")
    recorded = _bank_rows(ctx)[-1].result_summary
    assert recorded["runtime"] == "torch" and recorded["runtime_reason"] == summary.runtime_reason
    files = ctx.engine.files.load("demo-cast", EXPORT_FILE)
    assert files is not None and not files[1]["passed"] and "onnx" not in files[0]  # no model carried over
    assert isinstance(ctx.engine.inspection.cache.get("demo-cast").model, PatchcoreRuntime)
    monkeypatch.undo()
    # an export error (the degraded filter bank is never exported) also keeps torch, with the reason
    summary = ctx.engine.builder.build("demo-cast", BuildOptions(backbone="filterbank", coreset_ratio=0.25))
    assert summary.runtime == "torch" and "export failed" in (summary.runtime_reason or "")
    assert summary.runtime_parity is None
    # and a rebuild on the real backbone serves the exported runtime again
    summary = ctx.engine.builder.build("demo-cast", BuildOptions(backbone="mobilenet_v2", coreset_ratio=0.25))
    assert summary.runtime == "onnxruntime"
    assert isinstance(ctx.engine.inspection.cache.get("demo-cast").model, ExportedRuntime)


@pytest.mark.network
def test_a_cuda_device_keeps_torch(built, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ctx, _, _ = built
    files = ctx.engine.files.load("demo-cast", EXPORT_FILE)
    assert files is not None and files[1]["passed"]
    assert MlModels(tmp_path, device="cuda").load_exported(*files) is None
    assert isinstance(MlModels(tmp_path, device="cpu").load_exported(*files), ExportedRuntime)
