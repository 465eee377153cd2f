"""Thresholds with a calibration view: score histograms of good vs defect samples, ROC, suggested
thresholds with their UNCERTAIN band (its edges, width and where it comes from), the band of the edited
values, and a live preview that re-evaluates a result with the edited values. Unsaved edits ask before they
are lost (Save / Discard / Cancel): the technician screen asks on a tab or view switch, the main window on a
product switch and on closing. Everything acts on the screen's target: a product and one of its views."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from station.domain.catalog import ProductInfo

from station.pipeline.images.datasets import calibration_images
from station.services.engine import Thresholds
from station.services.shared.changes import ThresholdsChanged
from station.ui.env import ScreenEnv
from station.ui.jobs import BACKGROUND, RequestTracker, engine_progress
from station.ui.technician.kept_edits import ask_unsaved, settle_unsaved
from station.ui.technician.target import Target, latest_image, target_name, target_of
from station.ui.widgets.charts import ChartData, LineChart, Marker, Series
from station.ui.widgets.feedback import JobProgress, MessageBar
from station.ui.widgets.names import verdict_name

# Spin boxes show three decimals: values closer than this are the same value.
_SAME = 5e-4


def _spin(value: float = 0.5) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(0.0, 1.0)
    spin.setDecimals(3)
    spin.setSingleStep(0.01)
    spin.setValue(value)
    return spin


def _scrolled(column: QWidget) -> QScrollArea:
    """``column`` in a frameless scroll area that follows its width and scrolls vertically: the long
    calibration summary never makes the window taller than the screen."""
    scroll = QScrollArea()
    scroll.setObjectName("ThresholdsScroll")
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidgetResizable(True)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(column)
    # the tab page's background shows through, as beside the charts
    scroll.setStyleSheet("#ThresholdsScroll, #ThresholdsScroll > QWidget, #ThresholdsForm { background: transparent; }")
    scroll.setMinimumWidth(column.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width())
    return scroll


class ThresholdsView(QWidget):
    saved_to = Signal(object)  # the Target whose thresholds were saved

    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.saved: Thresholds | None = None
        self.target: Target | None = None  # what the screen acts on (None: the session's product)
        self.saved_target: Target | None = None  # the product and view whose saved values the spin boxes started from
        self.saving: tuple[float, float, float] | None = None  # values whose save is on its way
        self.shown: tuple[float, float, float] | None = None  # (image, pixel, review) as loaded or saved
        self.unsaved_box: QMessageBox | None = None
        self.report: Any = None
        self.preview_outcome: Any = None
        self.previews = RequestTracker()
        layout = QHBoxLayout(self)
        column = QWidget()
        column.setObjectName("ThresholdsForm")
        left = QVBoxLayout(column)
        left.setContentsMargins(0, 4, 4, 0)
        box = QGroupBox(self.tr("Thresholds (normalised scores, 0–1)"))
        form = QFormLayout(box)
        self.image_threshold = _spin(0.85)
        self.image_threshold.setObjectName("ImageThreshold")
        self.review_threshold = _spin(0.75)
        self.review_threshold.setObjectName("ReviewThreshold")
        self.pixel_threshold = _spin(0.90)
        self.pixel_threshold.setObjectName("PixelThreshold")
        form.addRow(self.tr("{0} at or above").format(verdict_name("FAIL")), self.image_threshold)
        form.addRow(self.tr("{0} from").format(verdict_name("UNCERTAIN")), self.review_threshold)
        form.addRow(self.tr("Defect pixels from"), self.pixel_threshold)
        self.band_label = QLabel()
        self.band_label.setObjectName("BandWidth")
        self.band_label.setWordWrap(True)
        form.addRow(self.band_label)
        self.unsaved_label = QLabel(self.tr("Unsaved changes"))
        self.unsaved_label.setObjectName("UnsavedThresholds")
        self.unsaved_label.setProperty("level", "warning")
        self.unsaved_label.setVisible(False)
        form.addRow(self.unsaved_label)
        left.addWidget(box)
        row = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Save thresholds"))
        self.save_button.setObjectName("PrimaryButton")
        self.calibrate_button = QPushButton(self.tr("Run calibration…"))
        self.calibrate_button.setToolTip(self.tr("Choose a folder of validation images: good/ and one folder per "
                                                 "defect type"))
        self.suggest_button = QPushButton(self.tr("Use suggested"))
        self.suggest_button.setEnabled(False)
        row.addWidget(self.calibrate_button)
        row.addWidget(self.suggest_button)
        row.addStretch(1)
        row.addWidget(self.save_button)
        left.addLayout(row)
        self.progress = JobProgress()
        left.addWidget(self.progress)
        self.summary = QLabel(self.tr("Run a calibration to see how good and defect samples score."))
        self.summary.setWordWrap(True)
        left.addWidget(self.summary)
        preview = QGroupBox(self.tr("Live preview"))
        pv = QVBoxLayout(preview)
        self.preview_button = QPushButton(self.tr("Score the current frame"))
        self.preview_label = QLabel(self.tr("No preview yet."))
        self.preview_label.setObjectName("PreviewVerdict")
        self.preview_label.setWordWrap(True)
        pv.addWidget(self.preview_button)
        pv.addWidget(self.preview_label)
        left.addWidget(preview)
        self.message = MessageBar()
        left.addWidget(self.message)
        left.addStretch(1)
        layout.addWidget(_scrolled(column), 2)
        charts = QVBoxLayout()
        self.histogram = LineChart()
        self.histogram.setObjectName("ScoreHistogram")
        self.roc = LineChart()
        self.roc.setObjectName("RocChart")
        charts.addWidget(self.histogram, 3)
        charts.addWidget(self.roc, 2)
        layout.addLayout(charts, 3)
        self.save_button.clicked.connect(lambda: self.save())
        self.calibrate_button.clicked.connect(self._ask_folder)
        self.suggest_button.clicked.connect(self.use_suggested)
        self.preview_button.clicked.connect(self.preview_current_frame)
        for spin in (self.image_threshold, self.review_threshold, self.pixel_threshold):
            spin.valueChanged.connect(self._thresholds_edited)
        self._draw()

    def thresholds(self) -> tuple[float, float, float]:
        return self.image_threshold.value(), self.pixel_threshold.value(), self.review_threshold.value()

    @property
    def saved_product(self) -> ProductInfo | None:
        return self.saved_target.product if self.saved_target is not None else None

    def set_target(self, target: Target) -> None:
        """Acts on ``target`` from now on: a calibration or preview of another product or view is dropped."""
        if not target.same(self.target):
            self.report, self.preview_outcome = None, None
            self.suggest_button.setEnabled(False)
            self.preview_label.setText(self.tr("No preview yet."))
            self.summary.setText(self.tr("Run a calibration to see how good and defect samples score."))
            self._draw()
        self.target = target
        self.refresh()

    def refresh(self) -> None:
        target = target_of(self.env, self.target)
        if target is None:
            return
        code, view = target.product.code, target.view
        self.env.runner.submit(lambda _ctx: self.env.services.station_settings.thresholds(code, view),
                               name="thresholds", owner=self, latest=True,
                               on_done=lambda saved: self.show_thresholds(saved, target),
                               on_error=self.message.show_error)

    def show_thresholds(self, saved: Thresholds, target: Target | ProductInfo | None = None) -> None:
        """Shows the saved thresholds of ``target`` (default: the one the screen acts on); an answer for a
        product or view no longer chosen is dropped, and unsaved edits of the same one are kept."""
        current = target_of(self.env, self.target)
        if isinstance(target, ProductInfo):
            target = Target(target, current.view if current is not None else None)
        target = target or current
        if target is None or not target.same(current):
            return
        keep_edits = self.has_unsaved() and target.same(self.saved_target)
        self.saved, self.saved_target = saved, target
        review = saved.review_threshold if saved.review_threshold is not None else saved.image_threshold
        values = (saved.image_threshold, saved.pixel_threshold, review)
        if keep_edits:  # a refresh while editing: the edits stay, measured against the new saved values
            self.shown = tuple(round(v, self.image_threshold.decimals()) for v in values)  # type: ignore[assignment]
        else:
            for spin, value in zip((self.image_threshold, self.pixel_threshold, self.review_threshold), values):
                spin.blockSignals(True)
                spin.setValue(value)
                spin.blockSignals(False)
            self.shown = self.thresholds()
        self._draw()

    def has_unsaved(self) -> bool:
        """True while the spin boxes differ from the thresholds last loaded or saved."""
        if self.shown is None:
            return False
        return any(abs(a - b) > _SAME for a, b in zip(self.thresholds(), self.shown))

    def holds_edits(self) -> bool:
        """Unsaved edits that no save on its way covers: a switch of product would lose them."""
        if not self.has_unsaved():
            return False
        return self.saving is None or any(abs(a - b) > _SAME for a, b in zip(self.thresholds(), self.saving))

    def discard_edits(self) -> None:
        """Puts the loaded (saved) values back into the spin boxes."""
        if self.shown is None:
            return
        for spin, value in zip((self.image_threshold, self.pixel_threshold, self.review_threshold), self.shown):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)
        self._thresholds_edited()

    def confirm_leave(self, then: Callable[[], None] | None = None) -> bool:
        """Asks about unsaved edits: Save (saved for the product they belong to), Discard or Cancel.

        True: go on. False: stay (Cancel), or, with ``then``, the save is on its way and ``then`` runs
        once it is done (closing the window waits for the save)."""
        if not self.has_unsaved():
            return True
        target = self.saved_target
        return settle_unsaved(self.ask_unsaved(), lambda: self.save(target, then), self.discard_edits, then)

    def ask_unsaved(self) -> QMessageBox.StandardButton:
        """The Save / Discard / Cancel question (modal); the box stays in ``unsaved_box`` while it is open."""
        return ask_unsaved(self, self.tr("Unsaved thresholds"), self.tr(
            "The thresholds of {0} were changed and not saved: {1}. Save them?").format(
            target_name(self.saved_target), self.edits_text()), "UnsavedThresholdsQuestion")

    def edits_text(self) -> str:
        """The edited values against the saved ones, e.g. ``FAIL 0.850 → 0.800``."""
        if self.shown is None:
            return ""
        names = (verdict_name("FAIL"), self.tr("defect pixels"), verdict_name("UNCERTAIN"))
        return ", ".join(f"{name} {old:.3f} → {new:.3f}" for name, old, new in zip(names, self.shown, self.thresholds())
                         if abs(old - new) > _SAME)

    def save(self, target: Target | None = None, then: Callable[[], None] | None = None) -> None:
        """Saves the edited values for ``target`` (default: the product and view they were loaded for, else
        the one the screen acts on); ``then`` runs after a successful save."""
        target = target or self.saved_target or target_of(self.env, self.target)
        if target is None:
            return
        product, view = target.product, target.view
        image, pixel, review = values = self.thresholds()
        settings, user_id = self.env.services.station_settings, self.env.user_id
        self.saving = values

        def done(saved: Thresholds) -> None:
            self.saving = None
            if target.same(target_of(self.env, self.target)):
                self.show_thresholds(saved, target)
            self.message.show_message(self.tr("Thresholds of {0} saved.").format(target_name(target)), "info", 5000)
            self.env.changes.fire(ThresholdsChanged(product.product_id))
            self.saved_to.emit(target)
            if then is not None:
                then()

        def failed(error: BaseException) -> None:
            self.saving = None
            self.message.show_error(error)

        self.env.runner.submit(
            lambda _ctx: settings.update_thresholds(product.code, image, pixel, user_id, review_threshold=review,
                                                    view=view),
            name="save-thresholds", on_done=done, on_error=failed)

    # Calibration ------------------------------------------------------------------------
    def _ask_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Validation images (good/ and defect folders)"))
        if folder:
            self.calibrate(Path(folder))

    def calibrate(self, folder: Path) -> None:
        target = target_of(self.env, self.target)
        if target is None:
            return
        calibration, code, view = self.env.services.calibration, target.product.code, target.view

        def work(ctx):  # type: ignore[no-untyped-def]
            good, defect = calibration_images(folder)
            return calibration.calibrate(code, good, defect, progress=engine_progress(ctx), cancel=ctx.token,
                                         view=view)

        def done(report: Any) -> None:
            if not target.same(target_of(self.env, self.target)):
                return  # the screen moved on to another product or view
            self.report = report
            self.suggest_button.setEnabled(True)
            self._draw()

        handle = self.env.runner.submit(work, name="calibrate", on_done=done, on_error=self.message.show_error,
                                        on_progress=self.progress.set_progress, owner=self, priority=BACKGROUND)
        self.progress.track(handle, self.tr("Calibrating"))

    def use_suggested(self) -> None:
        if self.report is None:
            return
        self.image_threshold.setValue(self.report.suggested_image_threshold)
        self.review_threshold.setValue(self.report.suggested_review_threshold)

    def _thresholds_edited(self) -> None:
        self._draw()
        self._reevaluate_preview()

    def _draw_band(self) -> None:
        image, _pixel, review = self.thresholds()
        uncertain = verdict_name("UNCERTAIN")
        if review >= image - _SAME:
            self.band_label.setText(self.tr("No {0} band: every part is {1} or {2}. Lower \"{0} from\" to hold "
                                            "doubtful parts for a person.").format(
                uncertain, verdict_name("PASS"), verdict_name("FAIL")))
            self.band_label.setProperty("level", "warning")
        else:
            self.band_label.setText(self.tr("{0} band {1:.3f} – {2:.3f}, width {3:.3f}").format(
                uncertain, review, image, image - review))
            self.band_label.setProperty("level", "info")
        self.band_label.style().unpolish(self.band_label)
        self.band_label.style().polish(self.band_label)
        self.unsaved_label.setVisible(self.has_unsaved())

    def _draw(self) -> None:
        self._draw_band()
        image, _pixel, review = self.thresholds()
        markers = [Marker(image, verdict_name("FAIL"), "#d93025"), Marker(review, verdict_name("UNCERTAIN"),
                                                                          "#f5a524")]
        report = self.report
        if report is None:
            self.histogram.set_data(ChartData(title=self.tr("Score distribution"), markers=markers,
                                              band=(review, image), x_range=(0.0, 1.0)),
                                    empty_text=self.tr("No calibration yet"))
            self.roc.set_data(ChartData(title=self.tr("ROC")), empty_text=self.tr("No calibration yet"))
            return
        edges = list(report.histogram_edges)
        good = [(edges[i], float(v)) for i, v in enumerate(report.good_histogram)] + [(edges[-1], 0.0)]
        bad = [(edges[i], float(v)) for i, v in enumerate(report.defect_histogram)] + [(edges[-1], 0.0)]
        series = [Series(self.tr("good ({0})").format(report.n_good), good, "#30a46c", fill=True, step=True)]
        if report.n_defect:
            series.append(Series(self.tr("defect ({0})").format(report.n_defect), bad, "#e5484d", fill=True,
                                 step=True))
        if abs(report.suggested_image_threshold - image) > 0.005:  # the edited FAIL marker already sits there
            markers.append(Marker(report.suggested_image_threshold, self.tr("suggested"), "#2563eb"))
        self.histogram.set_data(ChartData(title=self.tr("Score distribution"), x_label=self.tr("image score"),
                                          series=series, markers=markers, band=(review, image), x_range=(0.0, 1.0)))
        if report.roc is not None:
            self.roc.set_data(ChartData(
                title=self.tr("ROC (AUROC {0:.3f})").format(report.auroc or 0.0), x_label=self.tr("false alarm rate"),
                series=[Series(self.tr("ROC"), list(zip(report.roc.fpr, report.roc.tpr)), "#2563eb")],
                x_range=(0.0, 1.0), y_range=(0.0, 1.0)))
        else:
            self.roc.set_data(ChartData(title=self.tr("ROC")),
                              empty_text=self.tr("Add labelled defect images to see the ROC"))
        self.summary.setText(self.suggestion_text(report))

    def suggestion_text(self, report: Any) -> str:
        """The suggestion in words: both thresholds, the band's width and where the band comes from."""
        text = self.tr("{0} good and {1} defect samples. Suggested: {2} from {3:.3f}, {4} from {5:.3f}: a band "
                       "{6:.3f} wide").format(report.n_good, report.n_defect, verdict_name("FAIL"),
                                              report.suggested_image_threshold, verdict_name("UNCERTAIN"),
                                              report.suggested_review_threshold, report.band_width)
        good_q, good_edge = 1 - report.target_far, report.band_good_edge
        defect_q, defect_edge = 1 - (report.target_recall or 1.0), report.band_defect_edge
        if good_edge is None:
            reason = ""
        elif report.band_rule == "gap" and defect_edge is not None:
            reason = self.tr("the gap between the good parts' {0:.0%} quantile ({1:.3f}) and the defects' {2:.0%} "
                             "quantile ({3:.3f}): a part there looks like neither and is held for a person").format(
                good_q, good_edge, defect_q, defect_edge)
        elif report.band_rule == "overlap" and defect_edge is not None:
            reason = self.tr("the overlap of the classes, from the defects' {0:.0%} quantile ({1:.3f}) to the good "
                             "parts' {2:.0%} quantile ({3:.3f}): a part there could be either and a person "
                             "decides").format(defect_q, defect_edge, good_q, good_edge)
        else:
            reason = self.tr("below the good parts' {0:.0%} quantile ({1:.3f}); add defect images for a band drawn "
                             "from both classes").format(good_q, good_edge)
        if reason:
            text = self.tr("{0}, covering {1}.").format(text, reason)
        else:
            text += "."
        if report.band_widened:
            text += " " + self.tr("Widened to the minimum width {0:.2f}.").format(report.min_band_width)
        return text + " " + self.tr("False-alarm target {0:.0%}.").format(report.target_far)

    # Live preview -----------------------------------------------------------------------
    def preview_current_frame(self) -> None:
        target = target_of(self.env, self.target)
        picture, why = latest_image(self.env, target)
        if target is None or picture is None:
            self.message.show_message(why or self.tr("No camera frame yet."), "warning", 4000)
            return
        preview, code, view = self.env.services.preview, target.product.code, target.view
        image, pixel, review = self.thresholds()
        request = self.previews.begin("preview")  # a newer preview retires this one's result

        def work(_ctx):  # type: ignore[no-untyped-def]
            outcome = preview.inspect(code, picture, record=False, source_name="preview", view=view)
            return preview.reevaluate(outcome, image, pixel, review)

        self.env.runner.submit(work, name="preview", owner=self, request=(self.previews, "preview", request),
                               on_done=self._show_preview, on_error=self.message.show_error)

    def _reevaluate_preview(self) -> None:
        if self.preview_outcome is None:
            return
        preview, outcome = self.env.services.preview, self.preview_outcome
        image, pixel, review = self.thresholds()
        request = self.previews.begin("preview")
        self.env.runner.submit(lambda _ctx: preview.reevaluate(outcome, image, pixel, review),
                               name="preview-reevaluate", owner=self, request=(self.previews, "preview", request),
                               on_done=self._show_preview, on_error=self.message.show_error)

    def _show_preview(self, outcome: Any) -> None:
        self.preview_outcome = outcome
        self.preview_label.setText(self.tr("{0}: score {1:.3f}, {2} regions at these thresholds").format(
            verdict_name(outcome.verdict.value), outcome.image_score, len(outcome.regions)))
        self.preview_label.setProperty("verdict", outcome.verdict.value)
