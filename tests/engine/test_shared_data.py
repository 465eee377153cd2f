"""The engine on small slices of the real data sets in ../shared/data (skipped when absent): casting parts
(image labels only) and magnetic tiles (with ground-truth masks). The full-size numbers come from
``benchmarks/bench_engine_auroc.py``; these runs keep to a few dozen images at 128 px."""

from __future__ import annotations

from pathlib import Path

import pytest

from station.adapters.engine.provider import MlModels
from station.services.engine.evaluation import EvaluationService
from station.pipeline.patchcore.bank_build import BuildOptions
from tests.support.engine import install_mobilenet

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]


def _slice(source: Path, target: Path, n_train: int, n_per_class: int) -> Path:
    """An MVTec-layout folder of symlinks to the first images of each class (and their masks)."""
    for path in sorted((source / "train" / "good").iterdir())[:n_train]:
        (target / "train" / "good").mkdir(parents=True, exist_ok=True)
        (target / "train" / "good" / path.name).symlink_to(path)
    for cls in sorted(p.name for p in (source / "test").iterdir()):
        for path in sorted((source / "test" / cls).iterdir())[:n_per_class]:
            (target / "test" / cls).mkdir(parents=True, exist_ok=True)
            (target / "test" / cls / path.name).symlink_to(path)
            mask = source / "ground_truth" / cls / f"{path.stem}_mask.png"
            if mask.exists():
                (target / "ground_truth" / cls).mkdir(parents=True, exist_ok=True)
                (target / "ground_truth" / cls / mask.name).symlink_to(mask)
    return target


@pytest.fixture
def evaluator(tmp_path: Path) -> EvaluationService:
    install_mobilenet(tmp_path / "models")
    return EvaluationService(MlModels(tmp_path / "models"))


def test_casting_slice(shared_data: Path, tmp_path: Path, evaluator: EvaluationService) -> None:
    root = _slice(shared_data / "casting", tmp_path / "casting", n_train=40, n_per_class=15)
    report = evaluator.evaluate(root, backbone="mobilenet_v2", input_size=128,
                                options=BuildOptions(coreset_ratio=0.1))
    assert report.n_train == 40 and report.n_test == 30 and report.pixel_auroc is None
    assert report.backbone == "mobilenet_v2" and not report.degraded
    assert report.image_auroc > 0.8


def test_magnetic_tile_slice_with_masks(shared_data: Path, tmp_path: Path, evaluator: EvaluationService) -> None:
    root = _slice(shared_data / "magnetic_tile", tmp_path / "tile", n_train=20, n_per_class=3)
    report = evaluator.evaluate(root, backbone="mobilenet_v2", input_size=128,
                                options=BuildOptions(coreset_ratio=0.1))
    assert report.n_test == 18 and report.pixel_auroc is not None
    assert report.pixel_auroc > 0.6 and report.image_auroc > 0.6
