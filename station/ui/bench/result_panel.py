"""The result panel: a large PASS / FAIL / UNCERTAIN, scores against thresholds, the test image with
heatmap overlay (toggle, opacity) and region boxes beside the nearest good reference, the regions list,
the defect type with confidence and the most similar labelled cases."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from station.services.guidance import location_label
from station.ui.bench.display import ResultDisplay
from station.ui.widgets.image_view import ImageView


class ResultPanel(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ResultCard")
        self.display: ResultDisplay | None = None
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        self.verdict = QLabel(self.tr("READY"))
        self.verdict.setObjectName("VerdictBanner")
        self.verdict.setMinimumHeight(78)
        layout.addWidget(self.verdict)
        self.score_line = QLabel(self.tr("Press Space or Inspect to check the part in view."))
        self.score_line.setObjectName("ScoreLine")
        self.score_line.setWordWrap(True)
        layout.addWidget(self.score_line)
        images = QHBoxLayout()
        self.test_view = ImageView(placeholder=self.tr("inspected image"))
        self.test_view.setObjectName("TestView")
        self.reference_view = ImageView(placeholder=self.tr("nearest good reference"))
        self.reference_view.setObjectName("ReferenceView")
        images.addWidget(self.test_view, 1)
        images.addWidget(self.reference_view, 1)
        layout.addLayout(images, 5)
        controls = QHBoxLayout()
        self.heatmap_toggle = QCheckBox(self.tr("Heatmap (H)"))
        self.heatmap_toggle.setObjectName("HeatmapToggle")
        self.heatmap_toggle.setChecked(True)
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setObjectName("OpacitySlider")
        self.opacity.setRange(0, 100)
        self.opacity.setValue(55)
        controls.addWidget(self.heatmap_toggle)
        controls.addWidget(QLabel(self.tr("Opacity")))
        controls.addWidget(self.opacity, 1)
        layout.addLayout(controls)
        details = QGridLayout()
        self.defect_line = QLabel("")
        self.defect_line.setObjectName("DefectLine")
        self.defect_line.setWordWrap(True)
        details.addWidget(self.defect_line, 0, 0, 1, 2)
        regions_title = QLabel(self.tr("Regions"))
        regions_title.setObjectName("Subtle")
        similar_title = QLabel(self.tr("Most similar labelled cases"))
        similar_title.setObjectName("Subtle")
        details.addWidget(regions_title, 1, 0)
        details.addWidget(similar_title, 1, 1)
        self.regions = QListWidget()
        self.regions.setObjectName("RegionsList")
        self.regions.setMaximumHeight(84)
        self.neighbours = QListWidget()
        self.neighbours.setObjectName("NeighboursList")
        self.neighbours.setMaximumHeight(84)
        details.addWidget(self.regions, 2, 0)
        details.addWidget(self.neighbours, 2, 1)
        layout.addLayout(details, 0)
        self.serial = QLabel("")
        self.serial.setObjectName("SerialLabel")
        layout.addWidget(self.serial)
        self.heatmap_toggle.toggled.connect(self.test_view.set_overlay_visible)
        self.opacity.valueChanged.connect(lambda v: self.test_view.set_overlay_opacity(v / 100))
        self.regions.currentRowChanged.connect(lambda row: self.test_view.highlight_box(row if row >= 0 else None))
        self.test_view.set_overlay_opacity(0.55)

    def show_busy(self, text: str) -> None:
        self.verdict.setProperty("verdict", "")
        self._repolish()
        self.verdict.setText(text)

    def _repolish(self) -> None:
        self.verdict.style().unpolish(self.verdict)
        self.verdict.style().polish(self.verdict)

    def show_result(self, display: ResultDisplay, defect_names: dict[str, str], language: str = "en") -> None:
        self.display = display
        o: Any = display.outcome
        verdict_text = {"PASS": self.tr("PASS"), "FAIL": self.tr("FAIL"), "UNCERTAIN": self.tr("UNCERTAIN")}
        self.verdict.setText(verdict_text.get(o.verdict.value, o.verdict.value))
        self.verdict.setProperty("verdict", o.verdict.value)
        self._repolish()
        line = self.tr("Score {0:.3f} · FAIL ≥ {1:.3f} · review ≥ {2:.3f} · pixel ≥ {3:.3f}").format(
            o.image_score, o.image_threshold, o.review_threshold, o.pixel_threshold)
        if o.inspection_code:
            line += " · " + o.inspection_code
        if o.reevaluated:
            line += " · " + self.tr("re-evaluated")
        if o.degraded:
            line += "\n⚠ " + (o.degraded_reason or self.tr("degraded model"))
        self.score_line.setText(line)
        self.test_view.set_image(display.test_image)
        self.test_view.set_overlay(display.overlay)
        self.test_view.set_boxes(display.boxes)
        self.reference_view.set_image(display.reference)
        if o.reference is not None:
            self.reference_view.set_caption(self.tr("reference #{0} · similarity {1:.2f}").format(
                o.reference.image_id, o.reference.similarity))
        else:
            self.reference_view.set_caption("")
            self.reference_view.set_placeholder(self.tr("no good reference indexed"))
        self.regions.clear()
        for i, r in enumerate(o.regions):
            self.regions.addItem(self.tr("{0}. {1} · {2:.2f}% of image · max {3:.2f}").format(
                i + 1, location_label(r.location, "ko" if language == "ko" else "en"), r.area_pct, r.max_score))
        if not o.regions:
            self.regions.addItem(self.tr("no region above the pixel threshold"))
        self.neighbours.clear()
        defect = o.defect
        if defect is None:
            self.defect_line.setText(self.tr("No defect") if o.verdict.value == "PASS" else "")
        elif defect.unknown or not defect.defect_code:
            self.defect_line.setText(self.tr("Defect type: unknown (no similar labelled defect)"))
        else:
            name = defect_names.get(defect.defect_code, defect.defect_name or defect.defect_code)
            self.defect_line.setText(self.tr("Defect type: {0} · confidence {1:.0%}").format(name, defect.confidence))
        for n in (defect.neighbours if defect else ()):
            self.neighbours.addItem(self.tr("image #{0} · {1} · similarity {2:.2f}").format(
                n.image_id, defect_names.get(n.defect_code or "", n.defect_code or "?"), n.similarity))
        self.serial.setText(self.tr("Serial: {0}").format(display.serial) if display.serial else "")
