"""The supervisor's review of one recorded inspection, centred on its picture: the recorded image with the
anomaly heatmap (toggle) and the region boxes, the nearest good reference, the verdict and scores, the
verdict history (the station's verdict, then each override: kind, who, when), the corrective actions and
the saved guide.

Used inside the corrective-action dialog and on its own (:class:`InspectionReviewDialog`) as the detail
view of the history and the awaiting-action queue. Records and pictures load on a worker thread through
the review service; a picture that is missing or damaged shows one line in its place and the rest of the
review still shows.

The reference carries no number: the bench's "distance ×usual" needs the good references' spread in the
model that judged the part, which the record does not keep, and the stored whole-image similarity is near 1
for any two parts of a product.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np
from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QFontMetrics, QGuiApplication, QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from station.domain.reports import InspectionRow, local_time
from station.domain.review import InspectionReview, ReviewImage
from station.pipeline.images.artifacts import heatmap as colour_heatmap
from station.services.guidance import location_label
from station.ui.env import ScreenEnv
from station.ui.services import InspectionReviews
from station.ui.widgets.feedback import MessageBar
from station.ui.widgets.image_view import Box, ImageView
from station.ui.widgets.imaging import heat_colours, to_qimage
from station.ui.widgets.names import (
    defect_name,
    image_label_name,
    override_name,
    status_name,
    ui_language,
    verdict_name,
)


@dataclass(frozen=True)
class ShownImage:
    """A decoded picture of the review, or the reason there is none (see ``ReviewImage.problem``, plus
    ``damaged`` when the stored bytes are not a readable image)."""

    image: QImage
    problem: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class ReviewData:
    review: InspectionReview
    test: ShownImage
    heat: ShownImage
    reference: ShownImage


@lru_cache(maxsize=1)
def _heat_lookup() -> np.ndarray:
    """Score (0..255) of every 5-bit-per-channel BGR colour: the nearest level of the stored heatmap's
    colour scale."""
    levels = colour_heatmap(np.linspace(0.0, 1.0, 256, dtype=np.float32)[None, :])[0].astype(np.int32)  # 256x3
    grid = np.arange(32, dtype=np.int32) * 8 + 4
    b, g, r = np.meshgrid(grid, grid, grid, indexing="ij")
    colours = np.stack([b.ravel(), g.ravel(), r.ravel()], axis=1)  # 32768x3, index = b*1024 + g*32 + r
    best = np.empty(len(colours), np.uint8)
    for start in range(0, len(colours), 4096):
        chunk = colours[start:start + 4096]
        distance = ((chunk[:, None, :] - levels[None, :, :]) ** 2).sum(axis=2)
        best[start:start + 4096] = distance.argmin(axis=1)
    return best


def heatmap_overlay(data: bytes) -> QImage:
    """The stored colour heatmap as a see-through overlay (the bench's colours: cool areas stay clear);
    a null image when the bytes are not an image."""
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if bgr is None or bgr.size == 0:
        return QImage()
    q = (bgr >> 3).astype(np.uint16)
    index = (q[:, :, 0] << 10) | (q[:, :, 1] << 5) | q[:, :, 2]
    scores = _heat_lookup()[index].astype(np.float32) / 255.0
    return to_qimage(heat_colours(scores, alpha_floor=0.2), bgr=False)


def decode(item: ReviewImage, heat: bool = False) -> ShownImage:
    """Decodes one stored picture (on a worker thread: QImage, never QPixmap)."""
    if item.data is None:
        return ShownImage(QImage(), item.problem or "none", item.detail)
    image = heatmap_overlay(item.data) if heat else QImage.fromData(QByteArray(item.data))
    if image.isNull():
        return ShownImage(QImage(), "damaged")
    return ShownImage(image)


def load_review(service: InspectionReviews, inspection_id: int) -> ReviewData:
    """Job body: the inspection's records and decoded pictures."""
    review = service.review(inspection_id)
    images = service.images(review)
    return ReviewData(review, decode(images.test), decode(images.heatmap, heat=True), decode(images.reference))


def fit_to_screen(widget: QWidget, width: int = 1320, height: int = 860) -> None:
    """Sizes a top-level review to the screen it opens on (at most ``width`` x ``height``)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        widget.resize(width, height)
        return
    area = screen.availableGeometry()
    widget.resize(min(width, int(area.width() * 0.96)), min(height, int(area.height() * 0.94)))


def _when(moment: object) -> str:
    shown = local_time(moment)  # type: ignore[arg-type]
    return shown.strftime("%Y-%m-%d %H:%M") if shown else "—"


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


class InspectionReviewPanel(QWidget):
    """The review itself (see the module docstring); ``show_inspection`` loads and shows one."""

    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.setObjectName("InspectionReview")
        self.data: ReviewData | None = None
        self.row: InspectionRow | None = None
        self.picture_problem: str | None = None
        self.reference_problem: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel(self.tr("Loading the inspection…"))
        self.title.setObjectName("DialogSummary")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.message = MessageBar()
        layout.addWidget(self.message)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        layout.addWidget(self.splitter, 1)

        pictures = QWidget()
        pictures_layout = QVBoxLayout(pictures)
        pictures_layout.setContentsMargins(0, 0, 0, 0)
        images = QHBoxLayout()
        self.picture = ImageView(placeholder=self.tr("Loading the image…"))
        self.picture.setObjectName("ReviewPicture")
        self.picture.setMinimumSize(220, 180)
        self.picture.set_overlay_opacity(0.8)
        self.reference = ImageView(placeholder=self.tr("Loading the reference…"))
        self.reference.setObjectName("ReviewReference")
        self.reference.setMinimumSize(140, 120)
        images.addWidget(self.picture, 3)
        images.addWidget(self.reference, 2)
        pictures_layout.addLayout(images, 1)
        toggles = QHBoxLayout()
        self.heatmap_toggle = QCheckBox(self.tr("Heatmap (H)"))
        self.heatmap_toggle.setObjectName("ReviewHeatmapToggle")
        self.heatmap_toggle.setChecked(True)
        self.boxes_toggle = QCheckBox(self.tr("Region boxes (B)"))
        self.boxes_toggle.setObjectName("ReviewBoxesToggle")
        self.boxes_toggle.setChecked(True)
        self.picture_note = QLabel("")
        self.picture_note.setObjectName("Subtle")
        self.picture_note.setWordWrap(True)
        toggles.addWidget(self.heatmap_toggle)
        toggles.addWidget(self.boxes_toggle)
        toggles.addWidget(self.picture_note, 1)
        pictures_layout.addLayout(toggles)
        self.splitter.addWidget(pictures)

        side = QWidget()
        side.setMinimumWidth(340)
        side.setMaximumWidth(560)
        self.side_layout = QVBoxLayout(side)
        self.side_layout.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setObjectName("ReviewDetails")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        details = QWidget()
        self.details_layout = QVBoxLayout(details)
        self.verdict = QLabel("—")
        self.verdict.setObjectName("VerdictBanner")
        self.verdict.setStyleSheet("font-size: 18pt; padding: 4px;")
        self.details_layout.addWidget(self.verdict)
        self.override_note = QLabel("")
        self.override_note.setObjectName("Subtle")
        self.override_note.setWordWrap(True)
        self.override_note.hide()
        self.details_layout.addWidget(self.override_note)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.fields: dict[str, QLabel] = {}
        for key, label in (("status", self.tr("Status")), ("defect", self.tr("Defect type")),
                           ("anomaly", self.tr("Anomaly score")), ("confidence", self.tr("Type confidence")),
                           ("reference", self.tr("Reference image")), ("serial", self.tr("Serial")),
                           ("inspector", self.tr("Inspector"))):
            value = QLabel("—")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setObjectName(f"Review_{key}")
            self.fields[key] = value
            form.addRow(label, value)
        self.details_layout.addLayout(form)
        self.regions = self._section(self.tr("Regions"), "ReviewRegions")
        self.verdict_history = self._section(self.tr("Verdict history"), "ReviewVerdictHistory")
        self.actions = self._section(self.tr("Corrective actions"), "ReviewActions")
        self.guide = self._section(self.tr("Guide"), "ReviewGuide")
        self.guide.setTextFormat(Qt.TextFormat.MarkdownText)
        self.details_layout.addStretch(1)
        scroll.setWidget(details)
        self.side_layout.addWidget(scroll, 1)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        self.heatmap_toggle.toggled.connect(self.picture.set_overlay_visible)
        self.boxes_toggle.toggled.connect(lambda _on: self._show_boxes())
        for key, toggle in (("H", self.heatmap_toggle), ("B", self.boxes_toggle)):
            shortcut = QShortcut(QKeySequence(key), self, activated=toggle.toggle)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def _section(self, title: str, name: str) -> QLabel:
        heading = QLabel(title)
        heading.setObjectName("SectionTitle")
        heading.setStyleSheet("font-size: 11pt; margin-top: 6px;")
        body = QLabel("—")
        body.setObjectName(name)
        body.setWordWrap(True)
        body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details_layout.addWidget(heading)
        self.details_layout.addWidget(body)
        return body

    def add_side_widget(self, widget: QWidget) -> None:
        """Puts ``widget`` under the details (the action form of the corrective-action dialog)."""
        self.side_layout.addWidget(widget, 0)

    # Loading -----------------------------------------------------------------------------------
    def show_inspection(self, inspection_id: int, row: InspectionRow | None = None) -> None:
        self.row = row
        if row is not None:
            self.title.setText(self._title(row.inspection_code, row.product_code, row.inspection_date))
        service = self.env.services.review
        self.env.runner.submit(lambda _ctx: load_review(service, inspection_id), name="inspection-review",
                               owner=self, on_done=self._show, on_error=self._failed)

    def _failed(self, error: BaseException) -> None:
        self.picture.set_placeholder(self.tr("The inspection could not be loaded."))
        self.reference.set_placeholder("")
        self.message.show_error(error)

    def _title(self, code: str, product: str, when: object) -> str:
        return self.tr("{0} · {1} · {2}").format(code, product, _when(when))

    # Showing ----------------------------------------------------------------------------------
    def problem_line(self, problem: str | None, what: str) -> str:
        """One line in place of a picture that cannot be shown (``what``: ``image``, ``reference``)."""
        if what == "reference":
            lines = {"none": self.tr("No good reference was found for this part."),
                     "missing": self.tr("The reference image is missing from the image store."),
                     "damaged": self.tr("The reference image is damaged and cannot be shown."),
                     "unreadable": self.tr("The reference image is damaged and cannot be shown."),
                     "unavailable": self.tr("The image store cannot be reached; the reference is not shown."),
                     "pruned": self.tr("Image pruned locally; it is at the centre, which cannot be reached now.")}
        else:
            lines = {"none": self.tr("No image was recorded for this inspection."),
                     "missing": self.tr("The recorded image is missing from the image store."),
                     "damaged": self.tr("The recorded image is damaged and cannot be shown."),
                     "unreadable": self.tr("The recorded image is damaged and cannot be shown."),
                     "unavailable": self.tr("The image store cannot be reached; the image is not shown."),
                     "pruned": self.tr("Image pruned locally; it is at the centre, which cannot be reached now.")}
        return lines.get(problem or "", lines["missing"])

    def _show(self, data: ReviewData) -> None:
        self.data = data
        r = data.review
        self.title.setText(self._title(r.inspection_code, r.product_code, r.inspection_date))
        self.message.clear_message()
        self._show_pictures(data)
        self._show_result(r)
        self._show_regions(r)
        self._show_verdict_history(r)
        self._show_actions(r)
        self.guide.setText(r.guide_text or self.tr("No guide was saved for this inspection."))

    def _show_pictures(self, data: ReviewData) -> None:
        self.picture_problem = data.test.problem
        self.picture.set_image(data.test.image)
        self.picture.set_overlay(data.heat.image if data.test.problem is None else None)
        self.picture.set_caption(self.tr("Recorded image") if data.test.problem is None else "")
        if data.test.problem is not None:
            self.picture.set_placeholder(self.problem_line(data.test.problem, "image"))
        notes = []
        if data.test.problem is None and data.heat.problem is not None:
            notes.append(self.tr("No heatmap is stored for this inspection.") if data.heat.problem == "none"
                         else self.tr("The heatmap cannot be shown."))
        self.heatmap_toggle.setEnabled(data.test.problem is None and data.heat.problem is None)
        self.picture_note.setText(" ".join(notes))
        self._show_boxes()
        self.reference_problem = data.reference.problem
        self.reference.set_image(data.reference.image)
        if data.reference.problem is None:
            caption = self.tr("Nearest good reference")
            self.reference.set_caption(caption)
            font = self.reference.font()
            font.setBold(True)  # the caption's bar: its text, 8 px each side, 2 px from each edge
            self.reference.setMinimumWidth(max(140, QFontMetrics(font).horizontalAdvance(caption) + 24))
        else:
            self.reference.set_caption("")
            self.reference.set_placeholder(self.problem_line(data.reference.problem, "reference"))

    def _show_boxes(self) -> None:
        if self.data is None or not self.boxes_toggle.isChecked():
            self.picture.set_boxes([])
            return
        self.picture.set_boxes([Box(g.x, g.y, g.width, g.height, str(i + 1))
                                for i, g in enumerate(self.data.review.regions)])

    def _show_result(self, r: InspectionReview) -> None:
        verdict = r.effective_verdict
        self.verdict.setText(verdict_name(verdict))
        self.verdict.setProperty("verdict", verdict)
        self.verdict.style().unpolish(self.verdict)
        self.verdict.style().polish(self.verdict)
        if r.overrides:
            last = r.overrides[-1]
            self.override_note.setText(self.tr("Corrected by {0} ({1}); the station said {2}.").format(
                last.by or self.tr("unknown user"), override_name(last.kind), verdict_name(r.verdict)))
        self.override_note.setVisible(bool(r.overrides))
        status = self.row.action_status if self.row is not None else None
        self.fields["status"].setText(status_name(status) if status else "—")
        defect = r.effective_defect
        if defect is not None:
            code, name_ko, name_en = defect
            self.fields["defect"].setText(defect_name(name_ko, name_en, code))
        else:
            self.fields["defect"].setText(self.tr("none") if verdict == "PASS" else self.tr("unclassified"))
        anomaly = _score(r.anomaly_score)
        if r.image_threshold is not None:
            anomaly = self.tr("{0} (FAIL ≥ {1:.3f})").format(anomaly, r.image_threshold)
        self.fields["anomaly"].setText(anomaly)
        self.fields["confidence"].setText("—" if r.confidence_score is None else f"{r.confidence_score:.0%}")
        self.fields["reference"].setText(r.reference_image_name or (self.tr("none found")
                                                                     if r.reference_image_key is None else "—"))
        self.fields["serial"].setText(r.serial or "—")
        self.fields["inspector"].setText(r.inspector or "—")

    def _show_regions(self, r: InspectionReview) -> None:
        if not r.regions:
            self.regions.setText(self.tr("No region above the pixel threshold."))
            return
        lines = []
        for i, g in enumerate(r.regions):
            parts = []
            if g.location:
                parts.append(location_label(g.location, ui_language()))
            if g.area_pct is not None:
                parts.append(self.tr("{0:.2f}% of the image").format(g.area_pct))
            if g.max_score is not None:
                parts.append(self.tr("max {0:.2f}").format(g.max_score))
            lines.append(f"{i + 1}. " + " · ".join(parts))
        self.regions.setText("\n".join(lines))

    def _show_verdict_history(self, r: InspectionReview) -> None:
        lines = [self.tr("{0} · station: {1}").format(_when(r.inspection_date), verdict_name(r.verdict))]
        for change in r.overrides:
            label = image_label_name(change.corrected_label)
            if change.corrected_label == "defect" and (change.defect_code or change.defect_name_ko):
                label = f"{label} ({defect_name(change.defect_name_ko, change.defect_name_en, change.defect_code)})"
            line = self.tr("{0} · {1}: {2} → {3}").format(
                _when(change.at), change.by or self.tr("unknown user"), override_name(change.kind), label)
            if change.notes:
                line += f"\n    “{change.notes}”"
            lines.append(line)
        self.verdict_history.setText("\n".join(lines))

    def _show_actions(self, r: InspectionReview) -> None:
        if not r.actions:
            self.actions.setText(self.tr("No corrective action logged yet."))
            return
        results = {"resolved": self.tr("resolved"), "pending": self.tr("pending"), "failed": self.tr("failed"),
                   "deferred": self.tr("deferred")}
        lines = []
        for a in r.actions:
            result = results.get(a.action_result or "", a.action_result or "—")
            line = self.tr("{0} · {1} · {2}: {3}").format(_when(a.at), a.by or self.tr("unknown user"), result,
                                                          a.action_taken)
            if a.notes:
                line += f"\n    “{a.notes}”"
            lines.append(line)
        self.actions.setText("\n".join(lines))


class InspectionReviewDialog(QDialog):
    """The review of one inspection on its own (history and queue detail view), sized to the screen."""

    def __init__(self, env: ScreenEnv, row: InspectionRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row = row
        self.setObjectName("InspectionReviewDialog")
        self.setWindowTitle(self.tr("Inspection {0}").format(row.inspection_code))
        layout = QVBoxLayout(self)
        self.panel = InspectionReviewPanel(env)
        layout.addWidget(self.panel, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_to_screen(self)
        self.panel.show_inspection(row.inspection_id, row)
