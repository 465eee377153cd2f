"""Conversions between numpy images and QImage (safe in worker threads: QImage, never QPixmap)."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage


def to_qimage(array: np.ndarray, *, bgr: bool = True) -> QImage:
    """A deep-copied QImage of an H×W (grey), H×W×3 (BGR or RGB) or H×W×4 (BGRA/RGBA) uint8 array."""
    if array is None or array.size == 0:
        return QImage()
    data = np.ascontiguousarray(array if array.dtype == np.uint8 else np.clip(array, 0, 255).astype(np.uint8))
    height, width = data.shape[:2]
    if data.ndim == 2:
        fmt, channels = QImage.Format.Format_Grayscale8, 1
    elif data.shape[2] == 3:
        fmt, channels = (QImage.Format.Format_BGR888 if bgr else QImage.Format.Format_RGB888), 3
    elif data.shape[2] == 4:
        if bgr:
            data = np.ascontiguousarray(data[:, :, [2, 1, 0, 3]])
        fmt, channels = QImage.Format.Format_RGBA8888, 4
    else:
        raise ValueError(f"unsupported image shape {array.shape}")
    return QImage(data.data, width, height, width * channels, fmt).copy()


def heat_colours(scores: np.ndarray, alpha_floor: float = 0.0) -> np.ndarray:
    """A fixed colour scale (blue→green→yellow→red) for scores in [0, 1] as an RGBA uint8 image; scores
    below ``alpha_floor`` are transparent so that good areas do not hide the part."""
    s = np.clip(np.nan_to_num(scores.astype(np.float32)), 0.0, 1.0)
    r = np.clip(1.5 - np.abs(4 * s - 3), 0, 1)
    g = np.clip(1.5 - np.abs(4 * s - 2), 0, 1)
    b = np.clip(1.5 - np.abs(4 * s - 1), 0, 1)
    ramp = np.clip((s - alpha_floor) / max(1e-6, 1.0 - alpha_floor), 0.0, 1.0)
    a = np.where(s >= alpha_floor, 0.15 + 0.85 * ramp, 0.0)
    return (np.stack([r, g, b, a], axis=-1) * 255).astype(np.uint8)
