"""Rendering of inspection artifacts: heatmap on a fixed colour scale, binary mask, overlay, comparison.

All functions take the normalised anomaly map (float in [0, 1]) and return uint8 BGR images; colour 0.0
is always the same blue and 1.0 the same red, whatever the image (no per-image stretching).
``encode_png`` (the decoder's lossless PNG encoding) turns any of them into bytes for the object store.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from station.domain.engine import Region
from station.pipeline.images.decode import encode_png

__all__ = ["colour_scale", "comparison", "encode_png", "heatmap", "mask_image", "overlay"]

COLORMAP = cv2.COLORMAP_JET
OVERLAY_ALPHA = 0.45
REGION_COLOUR = (0, 255, 255)


def heatmap(anomaly_map: np.ndarray) -> np.ndarray:
    """Colour heatmap of a normalised map: value v in [0, 1] always gets colour ``COLORMAP(v)``."""
    levels = np.clip(anomaly_map * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return cv2.applyColorMap(levels, COLORMAP)


def colour_scale(height: int = 256, width: int = 24) -> np.ndarray:
    """The legend of :func:`heatmap`: 1.0 at the top, 0.0 at the bottom."""
    column = np.linspace(1.0, 0.0, height, dtype=np.float32)[:, None]
    return heatmap(np.repeat(column, width, axis=1))


def mask_image(mask: np.ndarray) -> np.ndarray:
    return (mask.astype(np.uint8) * 255)


def _bgr(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR) if image.ndim == 2 else image


def overlay(image: np.ndarray, anomaly_map: np.ndarray, mask: np.ndarray,
            regions: Sequence[Region] = ()) -> np.ndarray:
    """The image with the heatmap blended in (weighted by the score itself, so cool areas stay clear),
    the mask outline and a box around each region."""
    base = _bgr(image).astype(np.float32)
    colour = heatmap(anomaly_map).astype(np.float32)
    weight = (OVERLAY_ALPHA * np.clip(anomaly_map, 0, 1))[:, :, None]
    out = np.clip(base * (1 - weight) + colour * weight, 0, 255).astype(np.uint8)
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    thickness = max(1, round(max(image.shape[:2]) / 300))
    cv2.drawContours(out, contours, -1, (0, 0, 255), thickness)
    for region in regions:
        x, y, w, h = region.bbox
        cv2.rectangle(out, (x, y), (x + w - 1, y + h - 1), REGION_COLOUR, thickness)
    return out


def comparison(test: np.ndarray, reference: np.ndarray | None, test_overlay: np.ndarray | None = None,
               labels: tuple[str, str] = ("test", "reference")) -> np.ndarray:
    """The test image (or its overlay) beside the nearest good reference, both at the test's height."""
    left = _bgr(test_overlay if test_overlay is not None else test)
    height = left.shape[0]
    if reference is None:
        right = np.full_like(left, 64)
        labels = (labels[0], "no reference")
    else:
        ref = _bgr(reference)
        scale = height / ref.shape[0]
        right = cv2.resize(ref, (max(1, round(ref.shape[1] * scale)), height), interpolation=cv2.INTER_AREA)
    gap = np.full((height, max(4, height // 50), 3), 255, dtype=np.uint8)
    out = np.ascontiguousarray(np.hstack([left, gap, right]))
    font_scale = max(0.4, height / 500)
    for text, x in ((labels[0], 5), (labels[1], left.shape[1] + gap.shape[1] + 5)):
        org = (x, int(22 * font_scale) + 4)
        cv2.putText(out, text, org, cv2.FONT_HERSHEY_SIMPLEX, font_scale, (0, 0, 0), 3, cv2.LINE_AA)
        cv2.putText(out, text, org, cv2.FONT_HERSHEY_SIMPLEX, font_scale, (255, 255, 255), 1, cv2.LINE_AA)
    return out
