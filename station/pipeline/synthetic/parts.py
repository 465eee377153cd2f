"""Deterministic synthetic cast parts for the demo and the tests (no external data needed).

:func:`render_part` draws a grey impeller-like cast disc (hub, bore, radial blades, rim, casting texture)
on a dark bench; the seed varies rotation, position, lighting and texture slightly, as a real line does.
Defects are painted on top: ``hole`` (a dark gas pore), ``burr`` (a bright sharp protrusion on the rim)
and ``scratch`` (a thin bright line across the face). The ground-truth mask comes with each image.
:func:`write_dataset` writes an MVTec-layout folder (``train/good``, ``test/good``, ``test/<defect>``,
``ground_truth/<defect>/<stem>_mask.png``) usable by ``station evaluate``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

DEFECT_CODES = ("hole", "burr", "scratch")


@dataclass(frozen=True)
class SyntheticImage:
    name: str
    image: np.ndarray  # uint8 HxW grey
    mask: np.ndarray  # bool HxW, the painted defect (all False for a good part)
    defect_code: str | None


def render_part(seed: int, size: int = 256, defect: str | None = None) -> SyntheticImage:
    """One cast part, ``defect`` in :data:`DEFECT_CODES` or None; identical output for identical input."""
    if defect is not None and defect not in DEFECT_CODES:
        raise ValueError(f"unknown synthetic defect {defect!r}; choose from {DEFECT_CODES}")
    rng = np.random.default_rng(seed)
    s = size / 256.0
    img = np.full((size, size), 40, dtype=np.float32)
    cx = size / 2 + rng.uniform(-3, 3) * s
    cy = size / 2 + rng.uniform(-3, 3) * s
    radius = 100 * s
    angle0 = rng.uniform(0, 2 * math.pi)
    centre = (round(cx), round(cy))
    cv2.circle(img, centre, round(radius), 150, -1, cv2.LINE_AA)  # disc face
    cv2.circle(img, centre, round(radius), 175, max(1, round(5 * s)), cv2.LINE_AA)  # rim
    for k in range(6):  # blades
        a = angle0 + k * math.pi / 3
        pts = []
        for r, da in ((28, -0.18), (92, -0.30), (92, -0.12), (28, 0.05)):
            pts.append((cx + r * s * math.cos(a + da), cy + r * s * math.sin(a + da)))
        cv2.fillPoly(img, [np.round(np.array(pts)).astype(np.int32)], 190, cv2.LINE_AA)
    cv2.circle(img, centre, round(30 * s), 205, -1, cv2.LINE_AA)  # hub
    cv2.circle(img, centre, round(12 * s), 25, -1, cv2.LINE_AA)  # bore
    texture = cv2.GaussianBlur(rng.normal(0, 6, (size, size)).astype(np.float32), (0, 0), 1.2 * s)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    light = 1.0 + rng.uniform(-0.05, 0.05) + 0.06 * ((xx - cx) / size) * rng.uniform(-1, 1)
    img = img * light + texture
    mask = np.zeros((size, size), dtype=np.uint8)
    if defect is not None:
        _paint_defect(img, mask, defect, rng, cx, cy, radius, s)
    img += rng.normal(0, 2.0, (size, size)).astype(np.float32)
    out = np.clip(img + 0.5, 0, 255).astype(np.uint8)
    name = f"{defect or 'good'}_{seed:05d}.png"
    return SyntheticImage(name=name, image=out, mask=mask.astype(bool), defect_code=defect)


def _paint_defect(img: np.ndarray, mask: np.ndarray, defect: str, rng: np.random.Generator,
                  cx: float, cy: float, radius: float, s: float) -> None:
    a = rng.uniform(0, 2 * math.pi)
    if defect == "hole":
        r = rng.uniform(45, 80) * s
        p = (round(cx + r * math.cos(a)), round(cy + r * math.sin(a)))
        rr = max(2, round(rng.uniform(6, 10) * s))
        cv2.circle(img, p, rr, 20, -1, cv2.LINE_AA)
        cv2.circle(img, p, rr + max(1, round(2 * s)), 90, max(1, round(s)), cv2.LINE_AA)
        cv2.circle(mask, p, rr + max(1, round(2 * s)), 1, -1)
    elif defect == "burr":
        base = radius - 2 * s
        pts = [
            (cx + base * math.cos(a - 0.10), cy + base * math.sin(a - 0.10)),
            (cx + (radius + rng.uniform(14, 22) * s) * math.cos(a), cy + (radius + rng.uniform(14, 22) * s) * math.sin(a)),
            (cx + base * math.cos(a + 0.10), cy + base * math.sin(a + 0.10)),
        ]
        poly = np.round(np.array(pts)).astype(np.int32)
        cv2.fillPoly(img, [poly], 235, cv2.LINE_AA)
        cv2.fillPoly(mask, [poly], 1)
    elif defect == "scratch":
        r0, r1 = rng.uniform(35, 50) * s, rng.uniform(75, 92) * s
        da = rng.uniform(0.5, 0.9)
        p0 = (round(cx + r0 * math.cos(a)), round(cy + r0 * math.sin(a)))
        p1 = (round(cx + r1 * math.cos(a + da)), round(cy + r1 * math.sin(a + da)))
        width = max(1, round(rng.uniform(2, 3.5) * s))
        cv2.line(img, p0, p1, 245, width, cv2.LINE_AA)
        cv2.line(mask, p0, p1, 1, width + 2)


def demo_images(n_good: int, n_per_defect: int = 0, size: int = 256, start_seed: int = 0) -> list[SyntheticImage]:
    """``n_good`` good parts then ``n_per_defect`` of each defect code, all deterministic."""
    images = [render_part(start_seed + i, size) for i in range(n_good)]
    seed = start_seed + 10_000
    for code in DEFECT_CODES:
        for _ in range(n_per_defect):
            images.append(render_part(seed, size, code))
            seed += 1
    return images


def write_dataset(root: Path, n_train: int = 20, n_test_good: int = 5, n_per_defect: int = 4,
                  size: int = 256) -> Path:
    """Writes an MVTec-layout synthetic data set under ``root`` and returns it."""
    root = Path(root)
    for i, item in enumerate(demo_images(n_train, 0, size, start_seed=0)):
        _write(root / "train" / "good" / f"{i:03d}.png", item.image)
    for i, item in enumerate(demo_images(n_test_good, 0, size, start_seed=5_000)):
        _write(root / "test" / "good" / f"{i:03d}.png", item.image)
    for item in demo_images(0, n_per_defect, size, start_seed=20_000):
        stem = item.name.rsplit(".", 1)[0]
        _write(root / "test" / str(item.defect_code) / f"{stem}.png", item.image)
        _write(root / "ground_truth" / str(item.defect_code) / f"{stem}_mask.png", item.mask.astype(np.uint8) * 255)
    return root


def _write(path: Path, image: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(path), image):  # pragma: no cover
        raise OSError(f"cannot write {path}")
