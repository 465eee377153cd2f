"""Model files: manifest, sha256 refusal before unpickling, fetch sources, backbone weights mapping,
equality of the fast scoring path with anomalib's PatchcoreModel, the labelled weight-free fallback."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from station.adapters.engine.backbone_loader import build_patchcore
from station.adapters.engine.backbones import default_backbone, installed_backbones
from station.adapters.weights.fetch import fetch_model
from station.adapters.weights.manifest import PACKAGES_ENV, ChecksumError, ModelsDirectory, sha256_file
from station.adapters.engine.patchcore import PatchcoreRuntime
from station.adapters.engine.vision_models import available_models
from station.domain.errors import NotFoundError
from station.pipeline.patchcore.bank import map_image_score
from station.pipeline.synthetic.parts import demo_images
from tests.support.engine import install_mobilenet, mobilenet_wheel


class _Payload:
    """Unpickling this runs code: it must never happen for an unverified file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.system, (f"touch {self.marker}",))


def test_tampered_weights_are_refused_before_unpickling(tmp_path: Path) -> None:
    models = ModelsDirectory(tmp_path / "models", packages=False)
    marker = tmp_path / "code-ran"
    models.root.mkdir(parents=True)
    (models.root / models.entry("mobilenet_v2").file).write_bytes(pickle.dumps(_Payload(marker)))
    with pytest.raises(ChecksumError, match="does not match"):
        build_patchcore("mobilenet_v2", models)
    assert not marker.exists()
    # a file whose hash nobody knows is refused too
    entry_file = models.root / models.entry("resnet18").file
    entry_file.write_bytes(pickle.dumps(_Payload(marker)))
    with pytest.raises(ChecksumError, match="no known sha256"):
        build_patchcore("resnet18", models)
    assert not marker.exists()


@pytest.mark.network
def test_fetch_verifies_and_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PACKAGES_ENV, "off")  # only the models directory counts here
    models = ModelsDirectory(tmp_path / "models")
    bogus = tmp_path / "mobilenet.pth"
    bogus.write_bytes(b"not the weights")
    with pytest.raises(ChecksumError):
        fetch_model(models, "mobilenet_v2", source=bogus)
    assert not models.is_present("mobilenet_v2")
    path = fetch_model(models, "mobilenet_v2", source=mobilenet_wheel())
    assert sha256_file(path) == models.entry("mobilenet_v2").sha256
    assert models.verified_path("mobilenet_v2") == path
    rows = {r["name"]: r for r in available_models(models.root)}
    assert rows["mobilenet_v2"]["installed"] and rows["mobilenet_v2"]["state"] == "installed"
    assert rows["resnet18"]["state"] == "-"
    path.write_bytes(path.read_bytes()[:-10])  # damaged on disk
    assert {r["name"]: r for r in available_models(models.root)}["mobilenet_v2"]["state"] == "MISMATCH"
    with pytest.raises(NotFoundError):
        fetch_model(models, "no_such_model")


def test_site_manifest_entry_with_prefix_and_user_hash(tmp_path: Path) -> None:
    root = tmp_path / "models"
    root.mkdir()
    weights = tmp_path / "site.pth"
    torch.save({"w": torch.ones(2)}, weights)
    digest = sha256_file(weights)
    (root / "manifest.toml").write_text(
        f'[models.site_backbone]\nkind = "backbone"\nformat = "timm"\nfile = "site.pth"\n'
        f'sha256_prefix = "{digest[:8]}"\n\n'
        f'[models.wrong_prefix]\nkind = "backbone"\nformat = "timm"\nfile = "other.pth"\nsha256_prefix = "00000000"\n',
        encoding="utf-8",
    )
    models = ModelsDirectory(root)
    fetch_model(models, "site_backbone", source=weights)
    assert models.expected_sha256("site_backbone") == (digest, "prefix+fetch")
    assert models.verified_path("site_backbone").name == "site.pth"
    with pytest.raises(ChecksumError, match="prefix"):
        fetch_model(models, "wrong_prefix", source=weights)
    with pytest.raises(ChecksumError, match="no sha256"):
        fetch_model(models, "clip_vit_b32", source=weights)
    fetch_model(models, "clip_vit_b32", source=weights, sha256=digest)
    assert models.expected_sha256("clip_vit_b32") == (digest, "user-sha256")


@pytest.mark.network
def test_mobilenet_weights_map_onto_timm_exactly(tmp_path: Path) -> None:
    import torchvision

    models = install_mobilenet(tmp_path / "models")
    assert default_backbone(models) == "mobilenet_v2"
    assert installed_backbones(models)[-1] == "filterbank"
    model = build_patchcore("mobilenet_v2", models)
    reference = torchvision.models.mobilenet_v2()
    reference.load_state_dict(torch.load(models.verified_path("mobilenet_v2"), weights_only=True))
    reference.eval()
    x = torch.randn(1, 3, 96, 96, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        ours = model.feature_extractor(x)
        theirs = reference.features[:7](x)  # torchvision features.6 == timm blocks.2 (stride 8, 32 channels)
    assert torch.allclose(ours["blocks.2"], theirs, atol=1e-5)


@pytest.mark.slow
@pytest.mark.network
def test_fast_scores_equal_anomalib_forward(tmp_path: Path) -> None:
    models = install_mobilenet(tmp_path / "models")
    runtime = PatchcoreRuntime("mobilenet_v2", models, input_size=128)
    images = [np.dstack([i.image] * 3) for i in demo_images(5, 1, 128)]
    features = runtime.embed(images[:3])
    assert features.grid.shape == (3, 16, 16, runtime.embedding_dim)
    bank = features.grid.reshape(-1, runtime.embedding_dim)[::5].copy()
    ours = runtime.score(images[3:], runtime.prepare_bank(bank))
    model = runtime.model
    model.memory_bank = torch.from_numpy(bank)
    with torch.no_grad():
        theirs = model(runtime.to_tensor(images[3:]))
    for i, raw in enumerate(ours):
        assert raw.image_score == pytest.approx(float(theirs.pred_score[i]), abs=1e-4)
        assert np.abs(raw.anomaly_map - theirs.anomaly_map[i, 0].numpy()).max() < 1e-4
    assert ours[-1].image_score > max(r.image_score for r in ours[:2])  # the defect scores higher


def test_filterbank_fallback_is_labelled(tmp_path: Path) -> None:
    models = ModelsDirectory(tmp_path / "empty", packages=False)
    assert default_backbone(models) == "filterbank"
    runtime = PatchcoreRuntime("filterbank", models, input_size=64)
    assert runtime.degraded and "no pretrained backbone weights" in (runtime.degraded_reason or "")
    out = runtime.embed([np.zeros((64, 64, 3), np.uint8)])
    assert out.grid.shape[1:3] == (8, 8)


@pytest.mark.network
def test_two_scale_features_and_map_peak_score(tmp_path: Path) -> None:
    models = install_mobilenet(tmp_path / "models")
    assert "mobilenet_v2_2scale" in installed_backbones(models)  # made of the same verified weights
    single = PatchcoreRuntime("mobilenet_v2", models, input_size=128)
    double = PatchcoreRuntime("mobilenet_v2_2scale", models, input_size=128)
    images = [np.dstack([i.image] * 3) for i in demo_images(4, 1, 128)]
    fine, both = single.embed(images[:3]), double.embed(images[:3])
    assert double.embedding_dim == 2 * single.embedding_dim and both.grid.shape[1:3] == fine.grid.shape[1:3]
    # the first half is the single-scale feature; the second is the half-size image's, so it differs
    assert np.allclose(both.grid[..., :single.embedding_dim], fine.grid, atol=1e-4)
    small = PatchcoreRuntime("mobilenet_v2", models, input_size=64)
    half = small.embed([cv2.resize(img, (64, 64), interpolation=cv2.INTER_AREA) for img in images[:1]])
    up = torch.nn.functional.interpolate(torch.from_numpy(half.grid).permute(0, 3, 1, 2), size=(16, 16),
                                         mode="bilinear", align_corners=False).permute(0, 2, 3, 1).numpy()
    coarse = both.grid[:1, ..., single.embedding_dim:]
    assert np.abs(coarse - up).mean() < 0.1 * np.abs(up).mean()  # rounding of the uint8 half-size image only
    assert np.abs(coarse - fine.grid[:1]).mean() > 0.3 * np.abs(up).mean()
    bank = both.grid.reshape(-1, double.embedding_dim)[::4].copy()
    peak = double.score(images[3:], double.prepare_bank(bank, "map_peak"))
    plain = double.score(images[3:], double.prepare_bank(bank))
    for p, q in zip(peak, plain, strict=True):
        assert p.image_score == pytest.approx(float(p.anomaly_map.max()), rel=1e-6)
        assert np.array_equal(p.anomaly_map, q.anomaly_map) and p.image_score != q.image_score
    top = double.score(images[3:], double.prepare_bank(bank, "map_top"))
    for t, p in zip(top, peak, strict=True):  # the mean of the hottest 1 % of the map, below its peak
        assert t.image_score == pytest.approx(map_image_score("map_top", t.anomaly_map), rel=1e-5)
        assert np.array_equal(t.anomaly_map, p.anomaly_map) and t.image_score < p.image_score
    with pytest.raises(ValueError, match="image score"):
        double.prepare_bank(bank, "mean")
