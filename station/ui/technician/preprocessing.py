"""Preprocessing of a product (grayscale, CLAHE, equalisation, contrast, network input size) and the ROI /
ignore areas drawn with the mouse on a camera frame. Stored in ``model_configs.preprocessing`` in pixels
of the original image, validated by the engine's parser, audited."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from station.domain.catalog import ModelConfigInfo
from station.ui.env import ScreenEnv
from station.ui.widgets.feedback import MessageBar
from station.ui.widgets.image_view import Box, RoiEditor


def preprocessing_validator() -> Any:
    """The engine's own parser of ``model_configs.preprocessing`` (None until the engine is installed)."""
    try:
        from station.pipeline.images.preprocessing import Preprocessing
    except ImportError:  # pragma: no cover - the engine ships with the station
        return None
    return Preprocessing.from_config


class PreprocessingView(QWidget):
    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.config: ModelConfigInfo | None = None
        self.roi_px: list[int] | None = None
        self.ignore_px: list[list[int]] = []
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        form = QFormLayout()
        self.grayscale = QCheckBox(self.tr("grayscale"))
        self.equalize = QCheckBox(self.tr("histogram equalisation"))
        self.clahe = QCheckBox(self.tr("CLAHE"))
        self.clahe_clip = QDoubleSpinBox()
        self.clahe_clip.setRange(0.1, 40.0)
        self.clahe_clip.setValue(2.0)
        self.clahe_grid = QSpinBox()
        self.clahe_grid.setRange(1, 64)
        self.clahe_grid.setValue(8)
        self.contrast = QCheckBox(self.tr("contrast"))
        self.alpha = QDoubleSpinBox()
        self.alpha.setRange(0.1, 10.0)
        self.alpha.setValue(1.0)
        self.beta = QDoubleSpinBox()
        self.beta.setRange(-255.0, 255.0)
        self.resize_spin = QSpinBox()
        self.resize_spin.setObjectName("ResizeSpin")
        self.resize_spin.setRange(16, 2048)
        self.resize_spin.setSingleStep(32)
        self.resize_spin.setValue(256)
        clahe_row = QHBoxLayout()
        for w in (self.clahe, QLabel(self.tr("clip")), self.clahe_clip, QLabel(self.tr("tiles")), self.clahe_grid):
            clahe_row.addWidget(w)
        contrast_row = QHBoxLayout()
        for w in (self.contrast, QLabel(self.tr("gain")), self.alpha, QLabel(self.tr("offset")), self.beta):
            contrast_row.addWidget(w)
        form.addRow("", self.grayscale)
        form.addRow("", self.equalize)
        form.addRow(clahe_row)
        form.addRow(contrast_row)
        form.addRow(self.tr("Network input (px, multiple of 32)"), self.resize_spin)
        left.addLayout(form)
        mode_row = QHBoxLayout()
        self.draw_roi = QRadioButton(self.tr("Draw ROI"))
        self.draw_ignore = QRadioButton(self.tr("Draw ignore area"))
        self.draw_roi.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.draw_roi)
        group.addButton(self.draw_ignore)
        mode_row.addWidget(self.draw_roi)
        mode_row.addWidget(self.draw_ignore)
        left.addLayout(mode_row)
        self.roi_label = QLabel()
        left.addWidget(self.roi_label)
        self.ignore_list = QListWidget()
        self.ignore_list.setMaximumHeight(110)
        left.addWidget(self.ignore_list)
        row = QHBoxLayout()
        self.capture_button = QPushButton(self.tr("Use current frame"))
        self.clear_roi_button = QPushButton(self.tr("Clear ROI"))
        self.remove_ignore_button = QPushButton(self.tr("Remove area"))
        for b in (self.capture_button, self.clear_roi_button, self.remove_ignore_button):
            row.addWidget(b)
        left.addLayout(row)
        apply_row = QHBoxLayout()
        apply_row.addStretch(1)
        self.apply_button = QPushButton(self.tr("Apply"))
        self.apply_button.setObjectName("PrimaryButton")
        apply_row.addWidget(self.apply_button)
        left.addLayout(apply_row)
        self.message = MessageBar()
        left.addWidget(self.message)
        left.addStretch(1)
        layout.addLayout(left, 2)
        self.editor = RoiEditor(placeholder=self.tr("Press “Use current frame” to draw on a camera picture"))
        self.editor.setObjectName("RoiEditor")
        layout.addWidget(self.editor, 3)
        self.editor.roi_changed.connect(self._drawn)
        self.capture_button.clicked.connect(self.capture_frame)
        self.clear_roi_button.clicked.connect(self._clear_roi)
        self.remove_ignore_button.clicked.connect(self._remove_ignore)
        self.apply_button.clicked.connect(self.apply)

    # Loading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        product = self.env.session.product
        if product is None:
            return
        pid = product.product_id
        self.env.runner.submit(lambda _ctx: self.env.services.station_settings.model_config(pid),
                               name="model-config", on_done=self.show_config, on_error=self.message.show_error)

    def show_config(self, config: ModelConfigInfo) -> None:
        self.config = config
        pre = config.preprocessing
        self.grayscale.setChecked(bool(pre.get("grayscale")))
        self.equalize.setChecked(bool(pre.get("equalize")))
        clahe = pre.get("clahe")
        self.clahe.setChecked(bool(clahe))
        if isinstance(clahe, dict):
            self.clahe_clip.setValue(float(clahe.get("clip_limit", 2.0)))
            self.clahe_grid.setValue(int(clahe.get("tile_grid", 8)))
        contrast = pre.get("contrast")
        self.contrast.setChecked(bool(contrast))
        if isinstance(contrast, dict):
            self.alpha.setValue(float(contrast.get("alpha", 1.0)))
            self.beta.setValue(float(contrast.get("beta", 0.0)))
        resize = pre.get("resize", 256)
        self.resize_spin.setValue(int(resize[0] if isinstance(resize, (list, tuple)) else resize))
        self.roi_px = list(pre["roi"]) if pre.get("roi") else None
        self.ignore_px = [list(r) for r in pre.get("ignore") or []]
        self._show_areas()

    def capture_frame(self) -> None:
        frame = self.env.camera.latest_frame
        if frame is None:
            self.message.show_message(self.tr("No camera frame yet."), "warning", 4000)
            return
        from station.ui.widgets.imaging import to_qimage
        self.editor.set_image(to_qimage(frame.image))
        self._show_areas()

    # Drawing ----------------------------------------------------------------------------
    def _size(self) -> tuple[int, int] | None:
        image: QImage = self.editor.image()
        return None if image.isNull() else (image.width(), image.height())

    def _drawn(self, roi: tuple[float, float, float, float] | None) -> None:
        size = self._size()
        if roi is None or size is None:
            return
        x, y, w, h = roi
        rect = [round(x * size[0]), round(y * size[1]), round(w * size[0]), round(h * size[1])]
        if self.draw_ignore.isChecked():
            self.ignore_px.append(rect)
        else:
            self.roi_px = rect
        self._show_areas()

    def _clear_roi(self) -> None:
        self.roi_px = None
        self._show_areas()

    def _remove_ignore(self) -> None:
        row = self.ignore_list.currentRow()
        if 0 <= row < len(self.ignore_px):
            del self.ignore_px[row]
        self._show_areas()

    def _show_areas(self) -> None:
        self.roi_label.setText(self.tr("ROI: {0}").format(self.roi_px if self.roi_px else self.tr("whole image")))
        self.ignore_list.clear()
        for rect in self.ignore_px:
            self.ignore_list.addItem(self.tr("ignore {0}").format(rect))
        size = self._size()
        if size is None:
            return
        w, h = size
        self.editor.set_roi(None if not self.roi_px else (self.roi_px[0] / w, self.roi_px[1] / h,
                                                           self.roi_px[2] / w, self.roi_px[3] / h))
        self.editor.set_boxes([Box(*r, label=self.tr("ignore")) for r in self.ignore_px])

    # Saving -----------------------------------------------------------------------------
    def changes(self) -> dict[str, Any]:
        return {
            "grayscale": True if self.grayscale.isChecked() else None,
            "equalize": True if self.equalize.isChecked() else None,
            "clahe": {"clip_limit": self.clahe_clip.value(), "tile_grid": self.clahe_grid.value()}
            if self.clahe.isChecked() else None,
            "contrast": {"alpha": self.alpha.value(), "beta": self.beta.value()} if self.contrast.isChecked() else None,
            "resize": self.resize_spin.value(),
            "roi": self.roi_px,
            "ignore": self.ignore_px or None,
        }

    def apply(self) -> None:
        product = self.env.session.product
        if product is None:
            self.message.show_message(self.tr("Choose a product first."), "warning")
            return
        changes, user_id, validator = self.changes(), self.env.user_id, preprocessing_validator()

        def done(config: ModelConfigInfo) -> None:
            self.show_config(config)
            self.message.show_message(self.tr("Preprocessing saved. Rebuild the memory bank to use it."), "info")

        self.env.runner.submit(
            lambda _ctx: self.env.services.station_settings.update_preprocessing(
                product.product_id, changes, user_id, validator=validator),
            name="save-preprocessing", on_done=done, on_error=self.message.show_error)
