"""Turns the workflow's Inspected event into what the result panel paints — built in the worker thread
(QImage only), so the GUI thread just swaps pictures."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtGui import QImage

from station.domain.bench import Inspected
from station.domain.engine import InspectionOutcome
from station.ui.bench.views import ViewPicture, view_pictures
from station.ui.widgets.image_view import Box
from station.ui.widgets.imaging import heat_colours, to_qimage


@dataclass
class ResultDisplay:
    shown: Inspected
    test_image: QImage
    overlay: QImage
    reference: QImage
    boxes: list[Box]
    views: list[ViewPicture] = field(default_factory=list)  # every view of a part of several views

    @property
    def outcome(self) -> InspectionOutcome:
        return self.shown.outcome

    @property
    def serial(self) -> str | None:
        return self.shown.serial


def region_boxes(outcome: InspectionOutcome) -> list[Box]:
    return [Box(*region.bbox, label=f"{i + 1} · {region.max_score:.2f}") for i, region in enumerate(outcome.regions)]


def build_display(shown: Inspected, reference: QImage | None = None) -> ResultDisplay:
    """``reference`` reuses an already converted reference picture (re-evaluation keeps the same one)."""
    outcome = shown.outcome
    image = to_qimage(outcome.image)  # the engine's decoded pixels are grey or BGR
    overlay = to_qimage(heat_colours(outcome.anomaly_map, alpha_floor=0.2), bgr=False)
    if reference is None:
        reference = to_qimage(shown.reference) if shown.reference is not None else QImage()
    return ResultDisplay(shown, image, overlay, reference, region_boxes(outcome),
                         view_pictures(outcome, shown.view_references))
