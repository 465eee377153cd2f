"""Backbone registry: which CNNs PatchCore can use, which layers it taps, how their weights are loaded.

Every backbone is built as a timm architecture without weights (timm's ``pretrained=True`` would reach
for a model hub) inside anomalib's ``PatchcoreModel``; the state dict is then read from the models
directory -- after its sha256 check -- and mapped onto timm's names. ``filterbank`` needs no weights and
is the clearly labelled degraded fallback.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from dataclasses import dataclass

import torch
from torch import nn

from station.adapters.ml.filterbank import DEGRADED_REASON, FilterBankBackbone
from station.adapters.ml.manifest import ModelsDirectory
from station.domain.errors import NotFoundError, ValidationError

with warnings.catch_warnings():  # anomalib announces deprecations of modules we do not use
    warnings.simplefilter("ignore", FutureWarning)
    from anomalib.models.image.patchcore.torch_model import PatchcoreModel

IMAGENET = ((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))
TF_LITE = ((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))
FILTERBANK = "filterbank"


@dataclass(frozen=True)
class BackboneSpec:
    name: str
    arch: str | None  # timm architecture
    layers: tuple[str, ...]
    norm: tuple[tuple[float, float, float], tuple[float, float, float]]
    weights: str | None  # manifest entry
    mapping: str  # "names" (same keys), "order" (same order and shapes), "none"
    preference: int  # lower is better when choosing a default
    degraded: bool = False


REGISTRY: dict[str, BackboneSpec] = {
    "wide_resnet50_2": BackboneSpec("wide_resnet50_2", "wide_resnet50_2", ("layer2", "layer3"), IMAGENET,
                                    "wide_resnet50_2", "names", 0),
    "resnet18": BackboneSpec("resnet18", "resnet18", ("layer2", "layer3"), IMAGENET, "resnet18", "names", 2),
    "mobilenet_v2": BackboneSpec("mobilenet_v2", "mobilenetv2_100", ("blocks.2", "blocks.4"), IMAGENET,
                                 "mobilenet_v2", "order", 1),
    "efficientnet_lite0": BackboneSpec("efficientnet_lite0", "tf_efficientnet_lite0", ("blocks.2", "blocks.4"),
                                       TF_LITE, "efficientnet_lite0", "order", 3),
    FILTERBANK: BackboneSpec(FILTERBANK, None, ("layer1", "layer2"), IMAGENET, None, "none", 99, degraded=True),
}


def spec_of(name: str) -> BackboneSpec:
    try:
        return REGISTRY[name]
    except KeyError:
        raise NotFoundError(f"unknown backbone {name!r}; choose from {', '.join(sorted(REGISTRY))}") from None


def installed_backbones(models: ModelsDirectory) -> list[str]:
    """Backbones whose weights file is present (checked again, by sha256, when loaded)."""
    return [s.name for s in sorted(REGISTRY.values(), key=lambda s: s.preference)
            if s.weights is None or models.is_present(s.weights)]


def default_backbone(models: ModelsDirectory) -> str:
    """The best backbone whose weights are installed; ``filterbank`` (degraded) when none is."""
    return installed_backbones(models)[0]


def degraded_reason(name: str) -> str | None:
    return DEGRADED_REASON if spec_of(name).degraded else None


def _read_state_dict(models: ModelsDirectory, entry_name: str) -> dict[str, torch.Tensor]:
    path = models.verified_path(entry_name)  # sha256 first: nothing unverified is unpickled
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - any unpickling failure is a bad file
        raise ValidationError(f"{path}: not a readable PyTorch state dict ({exc})") from None
    if isinstance(data, dict) and "state_dict" in data and isinstance(data["state_dict"], dict):
        data = data["state_dict"]
    if not isinstance(data, dict):
        raise ValidationError(f"{path}: expected a state dict, found {type(data).__name__}")
    return data


def _map_state(spec: BackboneSpec, source: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Source keys renamed to the full timm model's keys."""
    import timm

    full = timm.create_model(spec.arch, pretrained=False).state_dict()
    if spec.mapping == "names":
        return {k: v for k, v in source.items() if k in full}
    src = [(k, v) for k, v in source.items()]
    if len(src) != len(full):
        raise ValidationError(f"{spec.name}: weights have {len(src)} tensors, {spec.arch} needs {len(full)}")
    mapped: dict[str, torch.Tensor] = OrderedDict()
    for (sk, sv), (tk, tv) in zip(src, full.items(), strict=True):
        if tuple(sv.shape) != tuple(tv.shape):
            raise ValidationError(f"{spec.name}: weights tensor {sk} {tuple(sv.shape)} does not fit {tk}")
        mapped[tk] = sv
    return mapped


def build_patchcore(name: str, models: ModelsDirectory, num_neighbors: int = 9) -> PatchcoreModel:
    """anomalib's PatchcoreModel with the named backbone's verified weights, in eval mode on the CPU."""
    spec = spec_of(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if spec.degraded:
            model = PatchcoreModel(layers=list(spec.layers), backbone=FilterBankBackbone(), pre_trained=False,
                                   num_neighbors=num_neighbors)
        else:
            assert spec.weights is not None and spec.arch is not None
            state = _map_state(spec, _read_state_dict(models, spec.weights))
            model = PatchcoreModel(layers=list(spec.layers), backbone=spec.arch, pre_trained=False,
                                   num_neighbors=num_neighbors)
            extractor: nn.Module = model.feature_extractor.feature_extractor
            wanted = extractor.state_dict()
            missing = [k for k in wanted if k not in state]
            if missing:
                raise ValidationError(f"{name}: weights lack {len(missing)} tensors, e.g. {missing[0]}")
            extractor.load_state_dict({k: state[k] for k in wanted}, strict=True)
    return model.eval()
