"""Synthetic defects painted on good images, for choosing a product's configuration without test images.

Three kinds, each with its exact mask, all deterministic for a given seed:

* ``cutpaste``: a patch of another good image (or of the same one), rotated, pasted elsewhere with a soft edge
  (CutPaste, Li et al. 2021) -- misplaced structure of the part's own appearance;
* ``noise``: a blob shaped by thresholded Perlin noise whose inside is blended with a contrast-changed,
  texture-noised copy of the image (DRAEM-style, Zavrtanik et al. 2021) -- stains, uneven regions, pores;
* ``scratch``: a thin curved stroke, brighter or darker than its surroundings -- cracks and scratches.

The strength is drawn from a range, so some defects are faint: a validation set on which every candidate
scores 1.0 would choose nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

KINDS = ("cutpaste", "noise", "scratch")


@dataclass(frozen=True)
class SyntheticDefect:
    image: np.ndarray  # uint8, same shape as the good image it was made from
    mask: np.ndarray  # bool (H, W)
    kind: str
    source: int  # index of the good image it was painted on


def perlin(shape: tuple[int, int], cells: int, rng: np.random.Generator) -> np.ndarray:
    """2-D Perlin noise in about [-1, 1] on a ``cells`` x ``cells`` lattice of random gradients."""
    h, w = shape
    angles = rng.uniform(0, 2 * math.pi, (cells + 1, cells + 1))
    grad = np.stack([np.cos(angles), np.sin(angles)], -1)
    ys, xs = np.linspace(0, cells, h, endpoint=False), np.linspace(0, cells, w, endpoint=False)
    yi, xi = ys.astype(int), xs.astype(int)
    yf, xf = (ys - yi)[:, None], (xs - xi)[None, :]

    def dot(dy: int, dx: int) -> np.ndarray:
        g = grad[yi[:, None] + dy, xi[None, :] + dx]
        return g[..., 0] * (xf - dx) + g[..., 1] * (yf - dy)

    fade_x, fade_y = (6 * xf**5 - 15 * xf**4 + 10 * xf**3), (6 * yf**5 - 15 * yf**4 + 10 * yf**3)
    top = dot(0, 0) + fade_x * (dot(0, 1) - dot(0, 0))
    bottom = dot(1, 0) + fade_x * (dot(1, 1) - dot(1, 0))
    return (top + fade_y * (bottom - top)) * math.sqrt(2)


def _blend(image: np.ndarray, other: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    a = alpha[..., None] if image.ndim == 3 else alpha
    return np.clip(image.astype(np.float32) * (1 - a) + other.astype(np.float32) * a, 0, 255).astype(np.uint8)


def _soft(mask: np.ndarray, size: int) -> np.ndarray:
    k = max(3, (size // 64) * 2 + 1)
    return cv2.GaussianBlur(mask.astype(np.float32), (k, k), 0)


def cut_paste(image: np.ndarray, donor: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    h, w = image.shape[:2]
    donor = cv2.resize(donor, (w, h), interpolation=cv2.INTER_AREA) if donor.shape[:2] != (h, w) else donor
    ph, pw = int(h * rng.uniform(0.06, 0.2)), int(w * rng.uniform(0.06, 0.2))
    sy, sx = int(rng.integers(0, h - ph)), int(rng.integers(0, w - pw))
    patch = donor[sy:sy + ph, sx:sx + pw]
    centre = (pw / 2, ph / 2)
    rot = cv2.getRotationMatrix2D(centre, float(rng.uniform(-90, 90)), 1.0)
    patch = cv2.warpAffine(patch, rot, (pw, ph), borderMode=cv2.BORDER_REFLECT)
    patch = np.clip(patch.astype(np.float32) * rng.uniform(0.8, 1.2), 0, 255).astype(np.uint8)
    ty, tx = int(rng.integers(int(0.1 * h), int(0.9 * h) - ph)), int(rng.integers(int(0.1 * w), int(0.9 * w) - pw))
    canvas = image.copy()
    canvas[ty:ty + ph, tx:tx + pw] = patch
    mask = np.zeros((h, w), np.float32)
    mask[ty:ty + ph, tx:tx + pw] = 1
    out = _blend(image, canvas, _soft(mask, min(h, w)))
    return out, mask > 0.5


def noise_blob(image: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    h, w = image.shape[:2]
    field = perlin((h, w), int(rng.integers(4, 9)), rng)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cy, cx = rng.uniform(0.2, 0.8) * h, rng.uniform(0.2, 0.8) * w
    radius = rng.uniform(0.06, 0.16) * min(h, w)
    window = np.exp(-(((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * radius**2)))
    mask = (field * 0.5 + 0.5) * window > 0.35
    if not mask.any():
        mask[int(cy), int(cx)] = True
    texture = perlin((h, w), int(rng.integers(16, 48)), rng) * rng.uniform(20, 60)
    shifted = image.astype(np.float32) * rng.uniform(0.6, 1.4) + rng.uniform(-40, 40)
    shifted = shifted + (texture[..., None] if image.ndim == 3 else texture)
    alpha = _soft(mask, min(h, w)) * rng.uniform(0.5, 1.0)
    return _blend(image, np.clip(shifted, 0, 255), alpha), alpha > 0.25


def scratch(image: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    h, w = image.shape[:2]
    n = 5
    start = np.array([rng.uniform(0.15, 0.85) * w, rng.uniform(0.15, 0.85) * h])
    direction = rng.uniform(0, 2 * math.pi)
    length = rng.uniform(0.15, 0.45) * min(h, w)
    points = [start]
    for _ in range(n - 1):
        direction += rng.uniform(-0.4, 0.4)
        points.append(points[-1] + length / (n - 1) * np.array([math.cos(direction), math.sin(direction)]))
    poly = np.round(np.clip(points, 0, [w - 1, h - 1])).astype(np.int32)
    width = max(1, int(round(rng.uniform(0.006, 0.015) * min(h, w))))
    mask = np.zeros((h, w), np.uint8)
    cv2.polylines(mask, [poly], False, 1, width, cv2.LINE_AA)
    level = 255.0 if rng.uniform() < 0.5 else 0.0
    alpha = _soft(mask > 0, 3 * min(h, w) // 4) * rng.uniform(0.4, 0.9)
    return _blend(image, np.full_like(image, int(level)), alpha), alpha > 0.2


def make_defects(images: list[np.ndarray], seed: int, per_image: int = 1,
                 kinds: tuple[str, ...] = KINDS) -> list[SyntheticDefect]:
    """``per_image`` synthetic defects on each image, kinds in turn; the same ``seed`` gives the same output."""
    rng = np.random.default_rng(seed)
    out = []
    for index, image in enumerate(images):
        for k in range(per_image):
            kind = kinds[(index * per_image + k) % len(kinds)]
            if kind == "cutpaste":
                donor = images[int(rng.integers(0, len(images)))]
                pixels, mask = cut_paste(image, donor, rng)
            elif kind == "noise":
                pixels, mask = noise_blob(image, rng)
            elif kind == "scratch":
                pixels, mask = scratch(image, rng)
            else:
                raise ValueError(f"unknown synthetic defect kind {kind!r}; choose from {KINDS}")
            out.append(SyntheticDefect(pixels, mask, kind, index))
    return out
