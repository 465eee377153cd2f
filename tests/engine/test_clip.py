"""Retrieval with an open_clip image encoder: loaded only from a verified local file, used for the index and
recorded as the retrieval method. The encoder here is a tiny open_clip architecture with freshly initialised
weights (registered for the test): this checks the loading, verification and plumbing, not CLIP's quality."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from station.adapters.weights.fetch import fetch_model
from station.adapters.weights.manifest import ChecksumError, ModelsDirectory, sha256_file
from station.adapters.engine.provider import MlModels
from station.pipeline.synthetic.parts import render_part
from station.pipeline.patchcore.bank_build import BuildOptions
from tests.support.engine import demo_context

ARCH = "station-test-tiny-clip"


@pytest.fixture(scope="module")
def tiny_clip_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import open_clip

    folder = tmp_path_factory.mktemp("clip-config")
    (folder / f"{ARCH}.json").write_text(json.dumps({
        "embed_dim": 32,
        "vision_cfg": {"image_size": 64, "layers": 1, "width": 64, "patch_size": 16},
        "text_cfg": {"context_length": 16, "vocab_size": 1000, "width": 32, "heads": 2, "layers": 1},
    }), encoding="utf-8")
    open_clip.add_model_config(folder)
    torch.manual_seed(0)
    model = open_clip.create_model(ARCH, pretrained=None)
    path = folder / "tiny_clip.bin"
    torch.save(model.state_dict(), path)
    return path


def _declare(models_dir: Path, weights: Path) -> None:
    models_dir.mkdir(parents=True, exist_ok=True)
    (models_dir / "manifest.toml").write_text(
        f'[models.clip_tiny]\nkind = "clip"\nformat = "open_clip"\narchitecture = "{ARCH}"\n'
        f'file = "clip_tiny.bin"\nsha256 = "{sha256_file(weights)}"\n', encoding="utf-8")


def test_clip_embedder_loads_verified_file(tmp_path: Path, tiny_clip_file: Path) -> None:
    root = tmp_path / "models"
    assert MlModels(root).clip_embedder() is None  # nothing installed: backbone features are used
    _declare(root, tiny_clip_file)
    fetch_model(ModelsDirectory(root), "clip_tiny", source=tiny_clip_file)
    embedder = MlModels(root).clip_embedder()
    assert embedder is not None and embedder.method == f"open_clip:{ARCH}"
    vectors = embedder.embed([render_part(1, 100).image, render_part(2, 80, "hole").image])
    assert vectors.shape == (2, 32)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    (root / "clip_tiny.bin").write_bytes(b"tampered")
    with pytest.raises(ChecksumError):
        MlModels(root).clip_embedder()


@pytest.mark.slow
@pytest.mark.network
def test_index_and_results_record_the_clip_method(tiny_clip_file: Path) -> None:
    ctx = demo_context(size=128, n_good=8, n_per_defect=1, weights=True)
    try:
        root = ctx.settings.resolved_models_dir
        _declare(root, tiny_clip_file)
        fetch_model(ModelsDirectory(root), "clip_tiny", source=tiny_clip_file)
        summary = ctx.engine.builder.build("demo-cast", BuildOptions(backbone="mobilenet_v2"))
        assert summary.retrieval_method == f"open_clip:{ARCH}"
        outcome = ctx.engine.inspection.inspect("demo-cast", render_part(4242, 128, "burr").image)
        assert outcome.retrieval_method == f"open_clip:{ARCH}"
        assert outcome.reference is not None and 0.0 <= outcome.reference.similarity <= 1.0
        assert outcome.defect_candidate is not None and len(outcome.defect_candidate.neighbours) == 3
    finally:
        ctx.close()
