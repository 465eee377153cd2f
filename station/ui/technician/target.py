"""What the technician screen acts on: a product and one of its views (None: the product's own
configuration, its implicit view), the bar that chooses the view (shown only for a product with views) and
the dialog that adds a view (``StationSettingsService.define_view``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station.domain.camera import CameraSpec
from station.domain.catalog import ModelConfigInfo, ProductInfo
from station.domain.errors import ValidationError
from station.domain.views import validate_view_code
from station.ui.env import ScreenEnv
from station.ui.widgets.feedback import MessageBar


@dataclass(frozen=True)
class Target:
    """A product and the view the technician works on; ``cameras`` is each named view's camera source."""

    product: ProductInfo
    view: str | None = None
    cameras: dict[str, str | None] = field(default_factory=dict)

    @property
    def views(self) -> list[str]:
        return list(self.cameras)

    def same(self, other: Target | None) -> bool:
        """The same product and view (the views' list may have changed)."""
        return other is not None and other.product.code == self.product.code and other.view == self.view

    @property
    def camera(self) -> str | None:
        """The chosen view's own camera source (None for the implicit view or a view without one)."""
        return None if self.view is None else self.cameras.get(self.view)


def target_of(env: ScreenEnv, target: Target | None) -> Target | None:
    """``target``, else the session's product with its implicit view (a view used on its own)."""
    if target is not None:
        return target
    product = env.session.product
    return Target(product) if product is not None else None


def read_views(env: ScreenEnv, code: str) -> dict[str, str | None]:
    """The product's named views and their camera sources, in their order (call from a job)."""
    configs: list[ModelConfigInfo] = env.services.station_settings.views(code)
    return {c.view_code: c.camera_source for c in configs if c.view_code}


class ViewBar(QWidget):
    """"View: [the product's own configuration (implicit view) | top | side]  [Add view…]". The selector is
    shown only while the product has views; ``chosen`` carries the view (None: the implicit view)."""

    chosen = Signal(object)  # str | None
    add_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TechnicianViewBar")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(self.tr("View"))
        self.combo = QComboBox()
        self.combo.setObjectName("TechnicianViewCombo")
        self.combo.setToolTip(self.tr("Builds, thresholds, calibration, preprocessing and the view's camera act on "
                                      "the view chosen here"))
        self.label.setBuddy(self.combo)
        self.add_button = QPushButton(self.tr("Add view…"))
        self.add_button.setObjectName("AddViewButton")
        self.add_button.setToolTip(self.tr("Another camera on the same part (e.g. a side view): its own camera, "
                                           "preprocessing, thresholds and memory bank"))
        self.note = QLabel()
        self.note.setObjectName("Subtle")
        row.addWidget(self.label)
        row.addWidget(self.combo)
        row.addWidget(self.note, 1)
        row.addWidget(self.add_button)
        self.combo.activated.connect(lambda index: self.chosen.emit(self.combo.itemData(index)))
        self.add_button.clicked.connect(self.add_requested.emit)
        self.show_target(None)

    def show_target(self, target: Target | None) -> None:
        """The views of ``target``'s product with its view selected (no signal)."""
        self.combo.blockSignals(True)
        self.combo.clear()
        views = target.views if target is not None else []
        if views:
            self.combo.addItem(self.tr("the product's own configuration (implicit view)"), None)
            for view in views:
                self.combo.addItem(view, view)
            self.combo.setCurrentIndex(max(0, self.combo.findData(target.view)) if target and target.view else 0)
        self.combo.blockSignals(False)
        self.label.setVisible(bool(views))
        self.combo.setVisible(bool(views))
        self.add_button.setEnabled(target is not None)
        if target is None:
            self.note.setText("")
        elif views:
            self.note.setText(self.tr("The line inspects {0} from its views: {1}.").format(
                target.product.code, ", ".join(views)))
        else:
            self.note.setText(self.tr("{0} has one camera view.").format(target.product.code))

    def set_view(self, view: str | None) -> None:
        """Selects ``view`` again (after a refused change), without a signal."""
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(max(0, self.combo.findData(view)) if view else 0)
        self.combo.blockSignals(False)


class AddViewDialog(QDialog):
    """A new view of the product: its code and its camera source (optional; set it later on Camera). It
    starts from the product's own configuration; ``added`` carries the saved view's code."""

    added = Signal(str)

    def __init__(self, env: ScreenEnv, product: ProductInfo, known: list[str], validator: Any = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env, self.product, self.known, self.validator = env, product, list(known), validator
        self.setObjectName("AddViewDialog")
        self.setWindowTitle(self.tr("Add a view of {0}").format(product.code))
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("A view is another camera on the same part. It starts from the product's own "
                               "preprocessing and thresholds; build its memory bank from its own good images."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.code = QLineEdit()
        self.code.setObjectName("NewViewCode")
        self.code.setPlaceholderText(self.tr("e.g. top, side"))
        self.camera = QLineEdit()
        self.camera.setObjectName("NewViewCamera")
        self.camera.setPlaceholderText(self.tr("0, a video file, rtsp://… or an image folder"))
        form.addRow(self.tr("View code"), self.code)
        form.addRow(self.tr("Camera source"), self.camera)
        layout.addLayout(form)
        self.message = MessageBar()
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add_button = self.buttons.addButton(self.tr("Add view"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.add_button.setObjectName("PrimaryButton")
        self.add_button.setDefault(True)
        self.buttons.rejected.connect(self.reject)
        self.add_button.clicked.connect(self.submit)
        layout.addWidget(self.buttons)

    def submit(self) -> None:
        code, camera = self.code.text().strip(), self.camera.text().strip() or None
        try:
            validate_view_code(code)
        except ValidationError:
            self.message.show_message(self.tr("A view code is 1 to 50 letters, digits, '_' or '-' (e.g. side)."),
                                      "error")
            return
        settings, user_id, product, validator = (self.env.services.station_settings, self.env.user_id,
                                                 self.product, self.validator)
        if code in self.known:
            self.message.show_message(self.tr("{0} already has a view {1}.").format(product.code, code), "error")
            return

        def work(_ctx):  # type: ignore[no-untyped-def]
            if camera is not None:
                CameraSpec(source=camera).validated()
            return settings.define_view(product.code, code, user_id, camera=camera,
                                        validator=validator)

        def done(saved: ModelConfigInfo) -> None:
            self.added.emit(saved.view_code or code)
            self.accept()

        self.add_button.setEnabled(False)
        handle = self.env.runner.submit(work, name="add-view", owner=self, on_done=done,
                                        on_error=self.message.show_error)
        handle.finished.connect(lambda: self.add_button.setEnabled(True))



def _t(text: str) -> str:
    return QCoreApplication.translate("Target", text)


def target_name(target: Target | None) -> str:
    """``demo-cast``, or ``demo-cast, view side`` (in the UI language)."""
    if target is None:
        return ""
    if target.view is None:
        return target.product.code
    return _t("{0}, view {1}").format(target.product.code, target.view)


def latest_image(env: ScreenEnv, target: Target | None) -> tuple[Any, str | None]:
    """The newest picture of ``target``'s camera and, without one, why: the station's camera for the
    implicit view, the view's own camera (as the bench has it open) for a view."""
    if target is None or target.view is None:
        frame = env.camera.latest_frame
        return (frame.image, None) if frame is not None else (None, _t("No camera frame yet."))
    if target.camera is None:
        return None, _t("View {0} has no camera: set its source on the Camera tab.").format(target.view)
    cameras = getattr(env, "view_cameras", None)
    product = env.session.product
    if cameras is None or product is None or product.code != target.product.code \
            or target.view not in dict(cameras.views):
        return None, _t("The camera of view {0} runs while the bench shows {1}: choose {1} at the bench.").format(
            target.view, target.product.code)
    image = cameras.capture().frames.get(target.view)
    return (image, None) if image is not None else (None, _t("No frame from the camera of view {0} yet.").format(
        target.view))
