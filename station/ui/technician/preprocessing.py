"""Preprocessing of a product (grayscale, CLAHE, equalisation, contrast, network input size) and the ROI /
ignore areas drawn with the mouse on a camera frame. Stored in ``model_configs.preprocessing`` in pixels
of the original image, validated by the engine's parser, audited. It acts on the screen's target (a product,
or one of its views: that view's preprocessing and ROI); edits not yet applied are marked, kept over a
refresh, and asked about before they would be lost (Save / Discard / Cancel)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from station.domain.catalog import ModelConfigInfo
from station.ui.env import ScreenEnv
from station.ui.technician.kept_edits import ask_unsaved, settle_unsaved
from station.ui.technician.target import Target, latest_image, target_name, target_of
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
    saved_to = Signal(object)  # the Target whose preprocessing was saved

    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.config: ModelConfigInfo | None = None
        self.target: Target | None = None  # what the screen acts on (None: the session's product)
        self.config_target: Target | None = None  # the product and view whose configuration the form shows
        self.loaded: dict[str, Any] | None = None  # the form as loaded or saved
        self.saving: dict[str, Any] | None = None  # the form whose save is on its way
        self.unsaved_box: QMessageBox | None = None
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
        self.unsaved_label = QLabel(self.tr("Unsaved changes"))
        self.unsaved_label.setObjectName("UnsavedPreprocessing")
        self.unsaved_label.setProperty("level", "warning")
        self.unsaved_label.setVisible(False)
        apply_row.addWidget(self.unsaved_label)
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
        self.apply_button.clicked.connect(lambda: self.apply())
        for box in (self.grayscale, self.equalize, self.clahe, self.contrast):
            box.toggled.connect(self._edited)
        for spin in (self.clahe_clip, self.clahe_grid, self.alpha, self.beta, self.resize_spin):
            spin.valueChanged.connect(self._edited)

    # Loading ----------------------------------------------------------------------------
    def set_target(self, target: Target) -> None:
        self.target = target
        self.refresh()

    def refresh(self) -> None:
        target = target_of(self.env, self.target)
        if target is None:
            return
        settings, code, view = self.env.services.station_settings, target.product.code, target.view

        def read(_ctx):  # type: ignore[no-untyped-def]
            if view is None:
                return settings.model_config(target.product.product_id)
            return next((c for c in settings.views(code) if c.view_code == view), None) \
                or settings.model_config(target.product.product_id)

        self.env.runner.submit(read, name="model-config", owner=self, latest=True,
                               on_done=lambda config: self.show_config(config, target),
                               on_error=self.message.show_error)

    def has_unsaved(self) -> bool:
        """True while the form differs from the configuration last loaded or saved."""
        return self.loaded is not None and self.changes() != self.loaded

    def holds_edits(self) -> bool:
        """Unsaved edits that no save on its way covers: a switch of product would lose them."""
        return self.has_unsaved() and self.changes() != self.saving

    def edits_text(self) -> str:
        """The settings that differ from the saved ones, by name."""
        if self.loaded is None:
            return ""
        names = {"grayscale": self.tr("grayscale"), "equalize": self.tr("histogram equalisation"),
                 "clahe": self.tr("CLAHE"), "contrast": self.tr("contrast"), "resize": self.tr("input size"),
                 "roi": self.tr("ROI"), "ignore": self.tr("ignore areas")}
        now = self.changes()
        return ", ".join(name for key, name in names.items() if now.get(key) != self.loaded.get(key))

    def _edited(self, *_: object) -> None:
        self.unsaved_label.setVisible(self.has_unsaved())

    def show_config(self, config: ModelConfigInfo, target: Target | None = None) -> None:
        """Shows ``config`` of ``target`` (default: the one the screen acts on); an answer for a product or
        view no longer chosen is dropped, and unsaved edits of the same one are kept."""
        current = target_of(self.env, self.target)
        target = target or current
        if target is None or not target.same(current):
            return
        if self.has_unsaved() and target.same(self.config_target):
            self.config = config  # a refresh while editing: the edits stay
            return
        self.config, self.config_target = config, target
        self._fill(config)
        self.loaded = self.changes()
        self._edited()

    def discard_edits(self) -> None:
        """Puts the loaded (saved) configuration back into the form."""
        if self.config is not None:
            self._fill(self.config)
            self.loaded = self.changes()
        self._edited()

    def confirm_leave(self, then: Callable[[], None] | None = None) -> bool:
        """Asks about unsaved edits: Save (for the product and view they belong to), Discard or Cancel; as
        ``ThresholdsView.confirm_leave``."""
        if not self.has_unsaved():
            return True
        target = self.config_target
        choice = ask_unsaved(
            self, self.tr("Unsaved preprocessing"),
            self.tr("The preprocessing of {0} was changed and not applied: {1}. Save it?").format(
                target_name(target), self.edits_text()), "UnsavedPreprocessingQuestion")
        return settle_unsaved(choice, lambda: self.apply(target, then), self.discard_edits, then)

    def _fill(self, config: ModelConfigInfo) -> None:
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
        image, why = latest_image(self.env, target_of(self.env, self.target))
        if image is None:
            self.message.show_message(why or self.tr("No camera frame yet."), "warning", 4000)
            return
        from station.ui.widgets.imaging import to_qimage
        self.editor.set_image(to_qimage(image))
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
        self._edited()
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

    def apply(self, target: Target | None = None, then: Callable[[], None] | None = None) -> None:
        """Saves the form for ``target`` (default: the product and view it was loaded for, else the one the
        screen acts on); ``then`` runs after a successful save."""
        target = target or self.config_target or target_of(self.env, self.target)
        if target is None:
            self.message.show_message(self.tr("Choose a product first."), "warning")
            return
        changes, user_id, validator = self.changes(), self.env.user_id, preprocessing_validator()
        product, view = target.product, target.view
        self.saving = changes

        def done(config: ModelConfigInfo) -> None:
            self.saving = None
            if target.same(target_of(self.env, self.target)):
                if target.same(self.config_target) and self.changes() != changes:
                    self.config, self.loaded = config, changes  # edited since: those edits stay unsaved
                    self._edited()
                else:
                    self.loaded = None  # the saved configuration replaces the form
                    self.show_config(config, target)
            self.message.show_message(self.tr("Preprocessing of {0} saved. Rebuild the memory bank to use it.")
                                      .format(target_name(target)), "info")
            self.saved_to.emit(target)
            if then is not None:
                then()

        def failed(error: BaseException) -> None:
            self.saving = None
            self.message.show_error(error)

        self.env.runner.submit(
            lambda _ctx: self.env.services.station_settings.update_preprocessing(
                product.product_id, changes, user_id, validator=validator, view=view),
            name="save-preprocessing", on_done=done, on_error=failed)
