"""Thresholds with a calibration view: score histograms of good vs defect samples, ROC, suggested
thresholds, the uncertain band, and a live preview that re-evaluates a result with the edited values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station.pipeline.images.datasets import calibration_images
from station.services.engine import Thresholds
from station.services.shared.changes import ThresholdsChanged
from station.ui.env import ScreenEnv
from station.ui.jobs import BACKGROUND, RequestTracker, engine_progress
from station.ui.widgets.charts import ChartData, LineChart, Marker, Series
from station.ui.widgets.feedback import JobProgress, MessageBar


def _spin(value: float = 0.5) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(0.0, 1.0)
    spin.setDecimals(3)
    spin.setSingleStep(0.01)
    spin.setValue(value)
    return spin


class ThresholdsView(QWidget):
    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.saved: Thresholds | None = None
        self.report: Any = None
        self.preview_outcome: Any = None
        self.previews = RequestTracker()
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        box = QGroupBox(self.tr("Thresholds (normalised scores, 0–1)"))
        form = QFormLayout(box)
        self.image_threshold = _spin(0.85)
        self.image_threshold.setObjectName("ImageThreshold")
        self.review_threshold = _spin(0.75)
        self.review_threshold.setObjectName("ReviewThreshold")
        self.pixel_threshold = _spin(0.90)
        self.pixel_threshold.setObjectName("PixelThreshold")
        form.addRow(self.tr("FAIL at or above"), self.image_threshold)
        form.addRow(self.tr("UNCERTAIN from"), self.review_threshold)
        form.addRow(self.tr("Defect pixels from"), self.pixel_threshold)
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
        layout.addLayout(left, 2)
        charts = QVBoxLayout()
        self.histogram = LineChart()
        self.histogram.setObjectName("ScoreHistogram")
        self.roc = LineChart()
        self.roc.setObjectName("RocChart")
        charts.addWidget(self.histogram, 3)
        charts.addWidget(self.roc, 2)
        layout.addLayout(charts, 3)
        self.save_button.clicked.connect(self.save)
        self.calibrate_button.clicked.connect(self._ask_folder)
        self.suggest_button.clicked.connect(self.use_suggested)
        self.preview_button.clicked.connect(self.preview_current_frame)
        for spin in (self.image_threshold, self.review_threshold, self.pixel_threshold):
            spin.valueChanged.connect(self._thresholds_edited)
        self._draw()

    def thresholds(self) -> tuple[float, float, float]:
        return self.image_threshold.value(), self.pixel_threshold.value(), self.review_threshold.value()

    def refresh(self) -> None:
        product = self.env.session.product
        if product is None:
            return
        code = product.code
        self.env.runner.submit(lambda _ctx: self.env.services.station_settings.thresholds(code),
                               name="thresholds", on_done=self.show_thresholds, on_error=self.message.show_error)

    def show_thresholds(self, saved: Thresholds) -> None:
        self.saved = saved
        review = saved.review_threshold if saved.review_threshold is not None else saved.image_threshold
        for spin, value in ((self.image_threshold, saved.image_threshold),
                            (self.pixel_threshold, saved.pixel_threshold), (self.review_threshold, review)):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)
        self._draw()

    def save(self) -> None:
        product = self.env.session.product
        if product is None:
            return
        image, pixel, review = self.thresholds()
        settings, user_id = self.env.services.station_settings, self.env.user_id

        def done(saved: Thresholds) -> None:
            self.show_thresholds(saved)
            self.message.show_message(self.tr("Thresholds saved."), "info", 5000)
            self.env.changes.fire(ThresholdsChanged(product.product_id))

        self.env.runner.submit(
            lambda _ctx: settings.update_thresholds(product.code, image, pixel, user_id, review_threshold=review),
            name="save-thresholds", on_done=done, on_error=self.message.show_error)

    # Calibration ------------------------------------------------------------------------
    def _ask_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Validation images (good/ and defect folders)"))
        if folder:
            self.calibrate(Path(folder))

    def calibrate(self, folder: Path) -> None:
        product = self.env.session.product
        if product is None:
            return
        calibration = self.env.services.calibration

        def work(ctx):  # type: ignore[no-untyped-def]
            good, defect = calibration_images(folder)
            return calibration.calibrate(product.code, good, defect, progress=engine_progress(ctx), cancel=ctx.token)

        def done(report: Any) -> None:
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

    def _draw(self) -> None:
        image, _pixel, review = self.thresholds()
        markers = [Marker(image, self.tr("FAIL"), "#d93025"), Marker(review, self.tr("review"), "#f5a524")]
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
        self.summary.setText(self.tr(
            "{0} good and {1} defect samples. Suggested: FAIL from {2:.3f}, review from {3:.3f} "
            "(false-alarm target {4:.0%}).").format(report.n_good, report.n_defect, report.suggested_image_threshold,
                                                   report.suggested_review_threshold, report.target_far))

    # Live preview -----------------------------------------------------------------------
    def preview_current_frame(self) -> None:
        product, frame = self.env.session.product, self.env.camera.latest_frame
        if product is None or frame is None:
            self.message.show_message(self.tr("No camera frame yet."), "warning", 4000)
            return
        preview = self.env.services.preview
        image, pixel, review = self.thresholds()
        request = self.previews.begin("preview")  # a newer preview retires this one's result

        def work(_ctx):  # type: ignore[no-untyped-def]
            outcome = preview.inspect(product.code, frame.image, record=False, source_name="preview")
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
            outcome.verdict.value, outcome.image_score, len(outcome.regions)))
        self.preview_label.setProperty("verdict", outcome.verdict.value)
