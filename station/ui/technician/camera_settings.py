"""Camera settings: source (device index, video file, stream URL, image folder), resolution, exposure,
replay speed and the auto-trigger stillness; validated and audited by the settings service.

The form shows the camera that is running now (which may differ from the saved setting, e.g. the demo's
replay folder), and a line above it says what runs: the kind of source, where, its set and measured frame
rate; a saved setting that differs is named, so Apply never surprises.

A view of a product (the screen's target) has a camera of its own (``preprocessing["camera"]`` of the view's
configuration, saved with ``define_view``): with a view chosen, a box above the station's camera edits that
source; the bench opens it when it shows the product."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from station.domain.camera import CameraSpec, CameraState, CameraStatus, SourceKind
from station.ui.env import ScreenEnv
from station.ui.technician.target import Target, target_name
from station.ui.widgets.feedback import MessageBar
from station.ui.widgets.image_view import ImageView


class CameraSettingsView(QWidget):
    view_camera_saved = Signal(object)  # the Target whose view camera was saved

    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.target: Target | None = None
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        self.view_box = QGroupBox()
        self.view_box.setObjectName("ViewCameraBox")
        view_row = QHBoxLayout(self.view_box)
        self.view_source = QLineEdit()
        self.view_source.setObjectName("ViewCameraSource")
        self.view_source.setPlaceholderText(self.tr("0, a video file, rtsp://… or an image folder"))
        self.view_save = QPushButton(self.tr("Save view camera"))
        self.view_save.setObjectName("SaveViewCamera")
        view_row.addWidget(self.view_source, 1)
        view_row.addWidget(self.view_save)
        self.view_box.setVisible(False)
        left.addWidget(self.view_box)
        self.station_title = QLabel(self.tr("The station's camera"))
        self.station_title.setObjectName("SectionTitle")
        self.station_title.setVisible(False)
        left.addWidget(self.station_title)
        self.running = QLabel("")
        self.running.setObjectName("CameraRunning")
        self.running.setWordWrap(True)
        self.running.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        left.addWidget(self.running)
        self.saved_note = QLabel("")
        self.saved_note.setObjectName("Subtle")
        self.saved_note.setWordWrap(True)
        left.addWidget(self.saved_note)
        self.saved: CameraSpec | None = None
        form = QFormLayout()
        self.source = QLineEdit()
        self.source.setObjectName("CameraSource")
        self.source.setPlaceholderText(self.tr("0, a video file, rtsp://… or an image folder"))
        browse = QHBoxLayout()
        browse.addWidget(self.source, 1)
        folder_button = QPushButton(self.tr("Folder…"))
        file_button = QPushButton(self.tr("File…"))
        browse.addWidget(folder_button)
        browse.addWidget(file_button)
        self.width_spin = self._spin(0, 8192, self.tr("camera default"))
        self.height_spin = self._spin(0, 8192, self.tr("camera default"))
        self.auto_exposure = QCheckBox(self.tr("automatic"))
        self.exposure = QDoubleSpinBox()
        self.exposure.setRange(-13.0, 10000.0)
        self.exposure.setDecimals(1)
        self.fps = QDoubleSpinBox()
        self.fps.setRange(0.0, 500.0)
        self.fps.setDecimals(1)
        self.loop = QCheckBox(self.tr("loop replay"))
        self.still_frames = QSpinBox()
        self.still_frames.setRange(0, 1000)
        self.still_tolerance = QDoubleSpinBox()
        self.still_tolerance.setRange(0.0, 255.0)
        self.still_tolerance.setDecimals(1)
        exposure_row = QHBoxLayout()
        exposure_row.addWidget(self.auto_exposure)
        exposure_row.addWidget(self.exposure, 1)
        form.addRow(self.tr("Source"), browse)
        form.addRow(self.tr("Width (px)"), self.width_spin)
        form.addRow(self.tr("Height (px)"), self.height_spin)
        form.addRow(self.tr("Exposure"), exposure_row)
        form.addRow(self.tr("Replay fps"), self.fps)
        form.addRow("", self.loop)
        form.addRow(self.tr("Auto-trigger after still frames"), self.still_frames)
        form.addRow(self.tr("Stillness tolerance (grey levels)"), self.still_tolerance)
        left.addLayout(form)
        buttons = QHBoxLayout()
        self.apply_button = QPushButton(self.tr("Apply"))
        self.apply_button.setObjectName("PrimaryButton")
        self.reload_button = QPushButton(self.tr("Revert"))
        buttons.addStretch(1)
        buttons.addWidget(self.reload_button)
        buttons.addWidget(self.apply_button)
        left.addLayout(buttons)
        self.message = MessageBar()
        left.addWidget(self.message)
        left.addStretch(1)
        layout.addLayout(left, 2)
        self.preview = ImageView(placeholder=self.tr("No camera picture"))
        layout.addWidget(self.preview, 3)
        self.auto_exposure.toggled.connect(lambda on: self.exposure.setEnabled(not on))
        folder_button.clicked.connect(self._browse_folder)
        file_button.clicked.connect(self._browse_file)
        self.apply_button.clicked.connect(self.apply)
        self.view_save.clicked.connect(self.save_view_camera)
        self.reload_button.clicked.connect(self.refresh)
        env.camera.frame_ready.connect(self._frame)  # a bound slot: disconnected when this view is deleted
        env.camera.status_changed.connect(self._show_running)
        self._show_running(env.camera.status)

    def _frame(self, image: object, _frame: object) -> None:
        if self.isVisible():
            self.preview.set_image(image)  # type: ignore[arg-type]

    @staticmethod
    def _spin(low: int, high: int, special: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setSpecialValueText(special)
        return spin

    def _browse_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Image folder to replay"))
        if path:
            self.source.setText(path)

    def _browse_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Video file"), "",
                                              self.tr("Videos (*.mp4 *.avi *.mkv *.mov);;All files (*)"))
        if path:
            self.source.setText(path)

    def set_target(self, target: Target) -> None:
        """Shows the camera source of ``target``'s view (a box above the station's camera), none for the
        product's own configuration."""
        self.target = target
        has_view = target.view is not None
        self.view_box.setVisible(has_view)
        self.station_title.setVisible(has_view)
        if has_view:
            self.view_box.setTitle(self.tr("Camera of {0}").format(target_name(target)))
            self.view_source.setText(target.camera or "")

    def save_view_camera(self) -> None:
        target = self.target
        if target is None or target.view is None:
            return
        source, settings, user_id = self.view_source.text().strip(), self.env.services.station_settings, \
            self.env.user_id
        if not source:
            self.message.show_message(self.tr("Give the view's camera source."), "warning", 5000)
            return

        def work(_ctx):  # type: ignore[no-untyped-def]
            CameraSpec(source=source).validated()
            return settings.define_view(target.product.code, target.view or "", user_id, camera=source)

        def done(_saved: object) -> None:
            self.message.show_message(self.tr("Camera of {0} saved: the bench opens it the next time it shows {1}.").format(
                target_name(target), target.product.code), "info", 8000)
            self.view_camera_saved.emit(target)

        self.env.runner.submit(work, name="save-view-camera", on_done=done, on_error=self.message.show_error)

    def refresh(self) -> None:
        self.env.runner.submit(lambda _ctx: self.env.services.station_settings.camera(), name="camera-settings",
                               owner=self, latest=True, on_done=self._show_settings,
                               on_error=self.message.show_error)

    def _running_spec(self) -> CameraSpec | None:
        feed = self.env.camera.feed
        return feed.spec if feed is not None else None

    def _show_settings(self, saved: CameraSpec) -> None:
        """The running camera's settings in the form (else the saved ones), and whether they differ."""
        self.saved = saved
        running = self._running_spec()
        self.show_spec(running or saved)
        if running is not None and running.to_dict() != saved.to_dict():
            self.saved_note.setText(self.tr("The saved setting differs: {0}. Apply saves what this form "
                                            "shows.").format(self._describe(saved)))
        else:
            self.saved_note.setText("")
        self._show_running(self.env.camera.status)

    def _describe(self, spec: CameraSpec) -> str:
        kind = spec.kind
        if kind is SourceKind.DEVICE:
            return self.tr("camera device {0}").format(spec.source)
        if kind is SourceKind.URL:
            return self.tr("stream {0}").format(spec.source)
        if kind is SourceKind.FOLDER:
            return self.tr("replay of the image folder {0} at {1:.1f} fps, each picture held {2} frames").format(
                spec.source, spec.fps, spec.replay_dwell)
        return self.tr("replay of the video file {0}").format(spec.source)

    def _show_running(self, status: CameraStatus) -> None:
        """What runs now: its source and frame rate (set and measured)."""
        running = self._running_spec()
        if running is None:
            self.running.setText(self.tr("No camera is running."))
            return
        text = self.tr("Running now: {0}").format(self._describe(running))
        if status.state is CameraState.LIVE:
            text += " · " + self.tr("{0:.1f} frames per second measured").format(status.fps)
        elif status.state is CameraState.RECONNECTING:
            text += " · " + self.tr("reconnecting")
        elif status.state is CameraState.CONNECTING:
            text += " · " + self.tr("connecting")
        self.running.setText(text)

    def show_spec(self, spec: CameraSpec) -> None:
        self.source.setText(spec.source)
        self.source.setToolTip(spec.source)
        self.width_spin.setValue(spec.width or 0)
        self.height_spin.setValue(spec.height or 0)
        self.auto_exposure.setChecked(spec.exposure is None)
        self.exposure.setValue(spec.exposure or 0.0)
        self.fps.setValue(spec.fps)
        self.loop.setChecked(spec.loop)
        self.still_frames.setValue(spec.still_frames)
        self.still_tolerance.setValue(spec.still_tolerance)

    def spec(self) -> CameraSpec:
        return CameraSpec(
            source=self.source.text().strip(), width=self.width_spin.value() or None,
            height=self.height_spin.value() or None,
            exposure=None if self.auto_exposure.isChecked() else self.exposure.value(), fps=self.fps.value(),
            loop=self.loop.isChecked(), still_frames=self.still_frames.value(),
            still_tolerance=self.still_tolerance.value())

    def apply(self) -> None:
        spec, user_id = self.spec(), self.env.user_id

        def done(saved: CameraSpec) -> None:
            self.message.show_message(self.tr("Camera settings saved."), "info", 5000)
            self.env.camera.open(saved)
            self._show_settings(saved)

        self.env.runner.submit(lambda _ctx: self.env.services.station_settings.update_camera(spec, user_id),
                               name="save-camera", on_done=done, on_error=self.message.show_error)
