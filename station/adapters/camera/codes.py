"""Serial numbers from the frame: QR codes and 1-D barcodes with OpenCV's detectors (first found wins)."""

from __future__ import annotations

import threading

import cv2
import numpy as np

_local = threading.local()  # OpenCV detectors are not thread-safe: one pair per thread


def _detectors() -> tuple[cv2.QRCodeDetector, object | None]:
    if not hasattr(_local, "qr"):
        _local.qr = cv2.QRCodeDetector()
        _local.barcode = cv2.barcode.BarcodeDetector() if hasattr(cv2, "barcode") else None
    return _local.qr, _local.barcode


def read_serial(image: np.ndarray) -> str | None:
    """The text of a QR code or barcode visible in ``image`` (BGR), or ``None`` when there is none."""
    if image is None or image.size == 0:
        return None
    qr, barcode = _detectors()
    try:
        text, points, _ = qr.detectAndDecode(image)
    except cv2.error:
        text = ""
    if text:
        return text.strip()
    if barcode is not None:
        try:
            ok, decoded, _types, _points = barcode.detectAndDecodeWithType(image)  # type: ignore[attr-defined]
        except (cv2.error, AttributeError, ValueError):
            ok, decoded = False, ()
        if ok:
            for value in decoded:
                if value:
                    return str(value).strip()
    return None
