"""Turns an inspection outcome into what the result panel paints — built in the worker thread (QImage
only), so the GUI thread just swaps pictures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QImage

from station.ui.widgets.image_view import Box
from station.ui.widgets.imaging import heat_colours, to_qimage


@dataclass
class ResultDisplay:
    outcome: Any
    test_image: QImage
    overlay: QImage
    reference: QImage
    boxes: list[Box]
    serial: str | None = None


def region_boxes(outcome: Any) -> list[Box]:
    return [Box(*region.bbox, label=f"{i + 1} · {region.max_score:.2f}") for i, region in enumerate(outcome.regions)]


def build_display(outcome: Any, storage: Any, serial: str | None = None,
                  reference: QImage | None = None) -> ResultDisplay:
    """``reference`` reuses an already decoded reference image (re-evaluation keeps the same one)."""
    image = to_qimage(outcome.image)  # the engine's decoded pixels are grey or BGR
    overlay = to_qimage(heat_colours(outcome.anomaly_map, alpha_floor=0.2), bgr=False)
    if reference is None:
        reference = QImage()
        if outcome.reference is not None and storage is not None:
            try:
                reference = QImage.fromData(storage.get_bytes(outcome.reference.file_path))
            except (OSError, KeyError, ValueError):
                reference = QImage()
    return ResultDisplay(outcome, image, overlay, reference, region_boxes(outcome), serial)
