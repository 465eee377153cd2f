"""The result: a verdict card (a large PASS / FAIL / UNCERTAIN banner, a correction line once somebody
overrode it, scores against thresholds, the defect type with confidence, the regions list and the most
similar labelled cases) and, apart from it, the pictures (the test image with heatmap overlay (toggle,
opacity) and region boxes beside the nearest good reference).

The card sizes itself to its content so that the bench can keep it whole above the guide; the pictures
scale to whatever room they get.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from station.services.guidance import location_label
from station.ui.bench.display import ResultDisplay
from station.ui.widgets.image_view import ImageView
from station.ui.widgets.names import override_name, ui_language, verdict_name

LIST_ROWS = 3  # rows the regions and similar-cases lists show before they scroll


def _tr(text: str) -> str:
    """The result panel's translation context (the pictures' texts were the panel's own)."""
    return QCoreApplication.translate("ResultPanel", text)


class ResultImages(QWidget):
    """The test image (heatmap, region boxes) beside the nearest good reference, with the heatmap controls."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ResultImages")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        images = QHBoxLayout()
        self.test_view = ImageView(placeholder=_tr("inspected image"))
        self.test_view.setObjectName("TestView")
        self.reference_view = ImageView(placeholder=_tr("nearest good reference"))
        self.reference_view.setObjectName("ReferenceView")
        for view in (self.test_view, self.reference_view):
            view.setMinimumSize(120, 100)
            images.addWidget(view, 1)
        layout.addLayout(images, 1)
        controls = QHBoxLayout()
        self.heatmap_toggle = QCheckBox(_tr("Heatmap (H)"))
        self.heatmap_toggle.setObjectName("HeatmapToggle")
        self.heatmap_toggle.setChecked(True)
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setObjectName("OpacitySlider")
        self.opacity.setRange(0, 100)
        self.opacity.setValue(55)
        controls.addWidget(self.heatmap_toggle)
        controls.addWidget(QLabel(_tr("Opacity")))
        controls.addWidget(self.opacity, 1)
        layout.addLayout(controls)
        self.heatmap_toggle.toggled.connect(self.test_view.set_overlay_visible)
        self.opacity.valueChanged.connect(lambda v: self.test_view.set_overlay_opacity(v / 100))
        self.test_view.set_overlay_opacity(0.55)


class ResultPanel(QFrame):
    """The verdict card; :attr:`images` is its pictures pane, which the bench lays out elsewhere."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ResultCard")
        self.display: ResultDisplay | None = None
        self.correction_code: str | None = None  # the inspection the correction line belongs to
        self.images = ResultImages()
        self.test_view, self.reference_view = self.images.test_view, self.images.reference_view
        self.heatmap_toggle, self.opacity = self.images.heatmap_toggle, self.images.opacity
        layout = QVBoxLayout(self)
        layout.setSpacing(4)
        self.verdict = QLabel(self.tr("READY"))
        self.verdict.setObjectName("VerdictBanner")
        self.verdict.setMinimumHeight(56)
        layout.addWidget(self.verdict)
        self.correction = QLabel("")
        self.correction.setObjectName("VerdictCorrection")
        self.correction.setWordWrap(True)
        self.correction.setVisible(False)
        layout.addWidget(self.correction)
        self.score_line = QLabel(self.tr("Press Space or Inspect to check the part in view."))
        self.score_line.setObjectName("ScoreLine")
        self.score_line.setWordWrap(True)
        layout.addWidget(self.score_line)
        self.defect_line = QLabel("")
        self.defect_line.setObjectName("DefectLine")
        self.defect_line.setWordWrap(True)
        layout.addWidget(self.defect_line)
        details = QGridLayout()
        details.setVerticalSpacing(2)
        regions_title = QLabel(self.tr("Regions"))
        regions_title.setObjectName("Subtle")
        similar_title = QLabel(self.tr("Most similar labelled cases"))
        similar_title.setObjectName("Subtle")
        details.addWidget(regions_title, 0, 0)
        details.addWidget(similar_title, 0, 1)
        self.regions = QListWidget()
        self.regions.setObjectName("RegionsList")
        self.neighbours = QListWidget()
        self.neighbours.setObjectName("NeighboursList")
        for lst in (self.regions, self.neighbours):
            lst.setFixedHeight(lst.fontMetrics().height() * LIST_ROWS + 14)
            lst.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            lst.setTextElideMode(Qt.TextElideMode.ElideRight)
        details.addWidget(self.regions, 1, 0)
        details.addWidget(self.neighbours, 1, 1)
        details.setColumnStretch(0, 1)
        details.setColumnStretch(1, 1)
        layout.addLayout(details)
        self.serial = QLabel("")
        self.serial.setObjectName("SerialLabel")
        self.serial.setVisible(False)
        layout.addWidget(self.serial)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.regions.currentRowChanged.connect(lambda row: self.test_view.highlight_box(row if row >= 0 else None))

    def _refit(self) -> None:
        """Takes the height its wrapped lines need at its present width: the column above and below it
        does not pass heights for widths down, and a card squeezed below that would cut its last lines."""
        layout = self.layout()
        if layout is not None and self.width() > 0:
            height = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else -1
            self.setFixedHeight(max(height, layout.totalMinimumSize().height()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._refit()

    def show_busy(self, text: str) -> None:
        self._set_banner(text, "")
        self._set_correction(None, "")
        self._refit()

    def show_hint(self, text: str) -> None:
        """The line under the banner before a part is inspected (what the worker can do now)."""
        self.score_line.setText(text)
        self._refit()

    def _set_banner(self, text: str, verdict: str) -> None:
        self.verdict.setText(text)
        self.verdict.setProperty("verdict", verdict)
        self.verdict.style().unpolish(self.verdict)
        self.verdict.style().polish(self.verdict)

    def _set_correction(self, code: str | None, text: str) -> None:
        self.correction_code = code
        self.correction.setText(text)
        self.correction.setVisible(bool(text))

    def show_result(self, display: ResultDisplay, defect_names: dict[str, str]) -> None:
        """``display`` in the UI language; a correction of the same inspection stays shown."""
        self.display = display
        o: Any = display.outcome
        self._set_banner(verdict_name(o.verdict.value), o.verdict.value)
        if self.correction_code is None or self.correction_code != o.inspection_code:
            self._set_correction(None, "")
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
        self._show_reference(o.reference)
        self.regions.clear()
        language = ui_language()
        for i, r in enumerate(o.regions):
            self.regions.addItem(self.tr("{0}. {1} · {2:.1f}% · max {3:.2f}").format(
                i + 1, location_label(r.location, language), r.area_pct, r.max_score))
            self.regions.item(i).setToolTip(self.tr("Region {0}: {1}, {2:.2f}% of the image, highest anomaly score "
                                                    "{3:.2f}").format(i + 1, location_label(r.location, language),
                                                                      r.area_pct, r.max_score))
        if not o.regions:
            self.regions.addItem(self.tr("no region above the pixel threshold"))
        self.neighbours.clear()
        defect = o.defect
        if defect is None:
            self.defect_line.setText(self.tr("No defect") if o.verdict.value == "PASS" else "")
        elif defect.unknown or not defect.defect_code:
            self.defect_line.setText(self.tr("Defect type: unknown (no similar labelled defect)"))
        else:
            name = defect_names.get(defect.defect_code, defect.defect_code)
            self.defect_line.setText(self.tr("Defect type: {0} · confidence {1:.0%}").format(name, defect.confidence))
        for n in (defect.neighbours if defect else ()):
            self.neighbours.addItem(self.tr("image #{0} · {1} · similarity {2:.2f}").format(
                n.image_id, defect_names.get(n.defect_code or "", n.defect_code or "?"), n.similarity))
            last = self.neighbours.item(self.neighbours.count() - 1)
            last.setToolTip(last.text())
        self.serial.setText(self.tr("Serial: {0}").format(display.serial) if display.serial else "")
        self.serial.setVisible(bool(display.serial))
        self._refit()

    def _show_reference(self, reference: Any) -> None:
        """The reference caption: how far the part is from its nearest good reference, in units of how far
        good references usually are from each other (no number when the index has no such measure)."""
        if reference is None:
            self.reference_view.set_caption("")
            self.reference_view.set_placeholder(self.tr("no good reference indexed"))
            self.reference_view.setToolTip("")
            return
        spread = getattr(reference, "spread", None)
        if spread is None:
            self.reference_view.set_caption(self.tr("reference #{0}").format(reference.image_id))
        else:
            self.reference_view.set_caption(self.tr("reference #{0} · distance {1:.1f}× usual").format(
                reference.image_id, spread))
        self.reference_view.setToolTip(self.tr(
            "The good reference image most like this part. \"Distance 1.0× usual\" means the part is as far "
            "from it as good references usually are from their own nearest good neighbour; 2× or more means "
            "no good reference looks much like this part (the comparison is less telling). It measures the "
            "whole picture, not the defect: the score and the heatmap decide the verdict."))

    def show_correction(self, code: str, original: str, kind: str, detail: str, who: str,
                        at: datetime | None) -> None:
        """The shown part was overridden: the banner says what it is now, the line under it who said so
        and when (``detail``: the corrected defect type, if any)."""
        now = verdict_name(original) + " → " + override_name(kind) + (f": {detail}" if detail else "")
        self._set_banner(now, "CORRECTED")
        when = at.astimezone().strftime("%H:%M") if at is not None else "?"
        self._set_correction(code, self.tr("Corrected from {0} by {1} at {2}; the part is now a labelled "
                                           "sample of the product.").format(verdict_name(original), who, when))
        self.verdict.setToolTip(at.astimezone().strftime("%Y-%m-%d %H:%M:%S") if at is not None else "")
        self._refit()
