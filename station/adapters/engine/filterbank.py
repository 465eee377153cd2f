"""The weight-free fallback backbone: fixed, hand-made filters (no learning, no random numbers).

Used only when no pretrained weights are installed, and always reported as DEGRADED. It gives PatchCore
local-structure features -- smoothed intensity, gradient magnitude, Laplacian and oriented edge energy at
three scales -- which find gross surface defects (pores, burrs, scratches on a uniform part) but are far
weaker than a pretrained CNN on real textures.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F  # noqa: N812

def _gauss(sigma: float) -> torch.Tensor:
    radius = max(1, int(math.ceil(3 * sigma)))
    xs = torch.arange(-radius, radius + 1, dtype=torch.float32)
    g = torch.exp(-(xs**2) / (2 * sigma**2))
    return g / g.sum()


def _bank(sigma: float) -> torch.Tensor:
    """2-D kernels at one scale: G, Gx, Gy, Gxx+Gyy, and 4 oriented second derivatives."""
    g = _gauss(sigma)
    r = (g.numel() - 1) // 2
    xs = torch.arange(-r, r + 1, dtype=torch.float32)
    g2 = g[:, None] * g[None, :]
    yy, xx = torch.meshgrid(xs, xs, indexing="ij")
    gx = -xx / sigma**2 * g2
    gy = -yy / sigma**2 * g2
    gxx = (xx**2 / sigma**4 - 1 / sigma**2) * g2
    gyy = (yy**2 / sigma**4 - 1 / sigma**2) * g2
    gxy = (xx * yy / sigma**4) * g2
    kernels = [g2, gx, gy, gxx + gyy]
    for theta in (0.0, math.pi / 4, math.pi / 2, 3 * math.pi / 4):
        c, s = math.cos(theta), math.sin(theta)
        kernels.append(c * c * gxx + 2 * c * s * gxy + s * s * gyy)
    return torch.stack(kernels) * sigma  # scale-normalised


class FilterBankStage(nn.Module):
    def __init__(self, sigma: float, stride: int) -> None:
        super().__init__()
        k = _bank(sigma)
        self.weight = nn.Parameter(k[:, None], requires_grad=False)
        self.pad = (k.shape[-1] - 1) // 2
        self.stride = stride

    def forward(self, grey: torch.Tensor) -> torch.Tensor:
        resp = F.conv2d(F.pad(grey, (self.pad,) * 4, mode="reflect"), self.weight)
        mean, rest = resp[:, :1], resp[:, 1:].abs()
        feats = torch.cat([mean, rest, torch.sqrt(resp[:, 1:2] ** 2 + resp[:, 2:3] ** 2)], 1)
        return F.avg_pool2d(feats, self.stride, self.stride)


class TwoScales(nn.Module):
    def __init__(self, sigmas: tuple[float, float], stride: int) -> None:
        super().__init__()
        self.a = FilterBankStage(sigmas[0], stride)
        self.b = FilterBankStage(sigmas[1], stride)

    def forward(self, grey: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.a(grey), self.b(grey)], 1)


class ToGrey(nn.Module):
    """Undoes the ImageNet normalisation and takes the luma."""

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("mean", torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1))
        self.register_buffer("luma", torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return ((x * self.std + self.mean) * self.luma).sum(1, keepdim=True)


class FilterBankBackbone(nn.Module):
    """Input: ImageNet-normalised RGB batch; ``layer1`` (stride 8) and ``layer2`` (stride 16) are the
    feature nodes PatchCore takes (the module is torch.fx-traceable, as anomalib's extractor needs)."""

    def __init__(self) -> None:
        super().__init__()
        self.grey = ToGrey()
        self.layer1 = FilterBankStage(sigma=1.0, stride=8)
        self.layer2 = TwoScales((2.5, 5.0), stride=16)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        grey = self.grey(x)
        return torch.cat([self.layer1(grey), F.interpolate(self.layer2(grey), scale_factor=2.0)], 1)
