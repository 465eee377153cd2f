"""Anomalous regions: connected components of the thresholded anomaly map, with size, place and scores."""

from __future__ import annotations

import cv2
import numpy as np

from station.domain.engine import Region

CENTER_BOX = (1 / 3, 2 / 3)
EDGE_BAND = 0.125


def location_label(cx: float, cy: float, width: int, height: int) -> str:
    """``center`` inside the middle third, ``edge`` within 12.5 % of a border, else the quadrant."""
    u, v = cx / max(width, 1), cy / max(height, 1)
    lo, hi = CENTER_BOX
    if lo <= u <= hi and lo <= v <= hi:
        return "center"
    if min(u, v, 1 - u, 1 - v) < EDGE_BAND:
        return "edge"
    return f"{'top' if v < 0.5 else 'bottom'}-{'left' if u < 0.5 else 'right'}"


def threshold_mask(anomaly_map: np.ndarray, pixel_threshold: float) -> np.ndarray:
    return anomaly_map >= pixel_threshold


def find_regions(anomaly_map: np.ndarray, mask: np.ndarray, min_area_px: int | None = None) -> tuple[Region, ...]:
    """Connected components (8-neighbourhood) of ``mask``; specks smaller than ``min_area_px`` (default
    0.02 % of the image, at least 4 px) are dropped. Largest region first."""
    height, width = mask.shape
    total = float(height * width)
    if min_area_px is None:
        min_area_px = max(4, int(round(total * 0.0002)))
    count, labels, stats, centroids = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    regions = []
    for label in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[label])
        if area < min_area_px:
            continue
        values = anomaly_map[y:y + h, x:x + w][labels[y:y + h, x:x + w] == label]
        cx, cy = (float(c) for c in centroids[label])
        regions.append(Region(
            bbox=(x, y, w, h), area_px=area, area_pct=100.0 * area / total, centroid=(cx, cy),
            location=location_label(cx, cy, width, height),
            max_score=float(values.max()), mean_score=float(values.mean()),
        ))
    regions.sort(key=lambda r: r.area_px, reverse=True)
    return tuple(regions)
