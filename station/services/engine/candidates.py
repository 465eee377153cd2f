"""The self-configuration's candidates: a backbone at an input size (with a bank augmentation and a way of
taking the image score), its inference cost relative to MobileNetV2 at 256 px, and the candidates of each
stage of the selection (``station.services.engine.selection``) within the latency budget."""

from __future__ import annotations

from dataclasses import dataclass

MAX_RELATIVE_COST = 2.0
# per-image inference cost relative to MobileNetV2 at 256 px on the CPU (backbone plus bank search)
BACKBONE_COST = {"mobilenet_v2": 1.0, "efficientnet_lite0": 1.25, "efficientnet_lite2": 1.8, "resnet18": 1.6,
                 "wide_resnet50_2": 8.0, "filterbank": 0.6}
# a two-scale variant runs the backbone on a quarter of the pixels more and searches twice as wide features
TWO_SCALE_COST = 1.6
TWO_SCALE_SUFFIX = "_2scale"
STAGE1_BACKBONES = ("mobilenet_v2", "efficientnet_lite0", "efficientnet_lite2")


@dataclass(frozen=True)
class Candidate:
    backbone: str
    input_size: int
    augment: tuple[str, ...] = ()
    image_score: str = "reweighted"

    @property
    def key(self) -> str:
        extras = list(self.augment) + ([self.image_score] if self.image_score != "reweighted" else [])
        return f"{self.backbone}@{self.input_size}" + (f"+{'+'.join(extras)}" if extras else "")

    @property
    def cost(self) -> float:
        name, factor = self.backbone, 1.0
        if name.endswith(TWO_SCALE_SUFFIX):
            name, factor = name[: -len(TWO_SCALE_SUFFIX)], TWO_SCALE_COST
        return round(BACKBONE_COST.get(name, 4.0) * factor * (self.input_size / 256.0) ** 2, 3)


def stage1_candidates(installed: list[str], base_size: int) -> list[Candidate]:
    """The backbones at the product's input size (the degraded filter bank only when nothing else is)."""
    found = [Candidate(b, base_size) for b in STAGE1_BACKBONES if b in installed]
    if not found:  # no pretrained weights at all: the degraded fallback is the only candidate
        return [Candidate(installed[0], base_size)]
    return [c for c in found if c.cost <= MAX_RELATIVE_COST] or found[:1]


def other_sizes(base_size: int) -> tuple[int, int]:
    """(half, 1.25x) of the input size, in multiples of 32 (at least 64)."""
    half = max(64, int(round(base_size * 0.5 / 32.0)) * 32)
    larger = max(base_size + 32, int(round(base_size * 1.25 / 32.0)) * 32)
    return half, larger


def stage2_candidates(installed: list[str], ranked: list[Candidate]) -> list[Candidate]:
    """The stage-1 winner (``ranked[0]``; the rest follow by their objective) at other sizes, the cheapest
    stage-1 backbone at the larger size, and the best-ranked backbone whose two-scale variant fits the
    budget, at two scales."""
    winner = ranked[0]
    if winner.backbone not in STAGE1_BACKBONES:
        return []
    found = [Candidate(winner.backbone, size) for size in other_sizes(winner.input_size) if size != winner.input_size]
    cheapest = min(ranked, key=lambda c: c.cost)
    if cheapest.backbone != winner.backbone:  # the cheapest backbone can afford the larger size too
        found.append(Candidate(cheapest.backbone, other_sizes(cheapest.input_size)[1]))
    two_scale = [Candidate(c.backbone + TWO_SCALE_SUFFIX, c.input_size) for c in ranked
                 if c.backbone + TWO_SCALE_SUFFIX in installed]
    found += [c for c in two_scale if c.cost <= MAX_RELATIVE_COST][:1]
    return [c for c in found if c.cost <= MAX_RELATIVE_COST]


def candidate_sizes(installed: list[str], base_size: int) -> list[int]:
    """Every input size a candidate may have (the images are prepared at each before the selection)."""
    stage1 = stage1_candidates(installed, base_size)
    if not any(c.backbone in STAGE1_BACKBONES for c in stage1):  # the degraded fallback: one size only
        return [base_size]
    return sorted({base_size, *other_sizes(base_size)})
