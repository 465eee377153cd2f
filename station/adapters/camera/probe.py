"""Checks that a file is a decodable image and returns its size and format (for library imports)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np


def probe_image(path: Path) -> tuple[int, int, str] | None:
    try:
        data = np.fromfile(str(path), dtype=np.uint8)
    except OSError:
        return None
    if data.size == 0:
        return None
    image = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    if image is None or image.ndim < 2 or min(image.shape[:2]) < 2:
        return None
    fmt = path.suffix.lower().lstrip(".").replace("jpeg", "jpg")[:10]
    return int(image.shape[1]), int(image.shape[0]), fmt
