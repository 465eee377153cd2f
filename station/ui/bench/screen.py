"""The worker bench: live camera, inspect by button / Space / auto-trigger when the scene is still, the
result panel, manual excerpts, the streamed guide (Stop = Esc) and feedback. All work runs in jobs."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from station.domain.camera import CameraState, CameraStatus, Frame
from station.domain.catalog import ProductInfo
from station.ui import service_bridges as bridges
from station.ui.bench.display import ResultDisplay, build_display
from station.ui.bench.guidance_panel import GuidePanel
from station.ui.bench.result_panel import ResultPanel
from station.ui.env import ScreenEnv
from station.ui.jobs import JobContext, JobHandle
from station.ui.permissions import Capability
from station.ui.widgets.feedback import MessageBar
from station.ui.widgets.image_view import ImageView


class BenchScreen(QWidget):
    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.setObjectName("BenchScreen")
        self.inspect_job: JobHandle | None = None
        self.guide_job: JobHandle | None = None
        self.warm_job: JobHandle | None = None
        self.display: ResultDisplay | None = None
        self.excerpts: list[Any] = []
        self._armed = True
        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        lv = QVBoxLayout(left)
        self.live = ImageView(placeholder=self.tr("Waiting for the camera…"))
        self.live.setObjectName("LiveView")
        lv.addWidget(self.live, 1)
        controls = QHBoxLayout()
        self.inspect_button = QPushButton(self.tr("Inspect (Space)"))
        self.inspect_button.setObjectName("InspectButton")
        self.auto_trigger = QCheckBox(self.tr("Auto-inspect when the part is still"))
        self.auto_trigger.setObjectName("AutoTrigger")
        self.still_label = QLabel("")
        self.still_label.setObjectName("Subtle")
        controls.addWidget(self.inspect_button)
        controls.addWidget(self.auto_trigger)
        controls.addStretch(1)
        controls.addWidget(self.still_label)
        lv.addLayout(controls)
        self.message = MessageBar()
        lv.addWidget(self.message)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        self.result = ResultPanel()
        self.guide = GuidePanel()
        rv.addWidget(self.result, 3)
        rv.addWidget(self.guide, 2)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 6)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.inspect_button.clicked.connect(self.inspect)
        self.guide.stop_button.clicked.connect(self.stop_guide)
        self.guide.regenerate_button.clicked.connect(lambda: self.start_guide(use_excerpts=True))
        self.guide.feedback_button.clicked.connect(self.save_feedback)
        for key, slot in (("Space", self.inspect), ("H", self.result.heatmap_toggle.toggle), ("Esc", self.stop_guide)):
            shortcut = QShortcut(QKeySequence(key), self, activated=slot)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        for value in range(1, 6):
            shortcut = QShortcut(QKeySequence(str(value)), self.guide.feedback_page,
                                 activated=lambda v=value: self.guide.set_rating(v))
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        env.camera.frame_ready.connect(self._frame)
        env.camera.status_changed.connect(self._camera_status)
        env.events.thresholds_changed.connect(self._thresholds_changed)
        self._camera_status(env.camera.status)
        if env.services.inspection is None:
            self.inspect_button.setEnabled(False)
            self.message.show_message(self.tr("The inspection engine is not available in this station build: "
                                              "the live view works, inspections cannot run."), "error")
        if not env.can(Capability.FEEDBACK):
            self.guide.setTabVisible(2, False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.warm_up()

    # Models -------------------------------------------------------------------------------
    def warm_up(self) -> None:
        """Loads the product's bank, the backbone and the manual embedder in the background (heavy file
        loads happen here, not in the middle of an inspection). The local LLM loads with the first guide:
        caching its prompts for every defect type would keep both cores busy for minutes."""
        product, services = self.env.session.product, self.env.services
        if product is None or services.inspection is None or self.warm_job is not None:
            return
        code = product.code
        first_defect = product.defect_types[0].code if product.defect_types else None

        def work(_ctx: JobContext) -> str:
            loaded = services.inspection.warm_up(code)
            parts = [f"{loaded.bank.backbone}{' (degraded)' if loaded.bank.degraded else ''} · "
                     f"{loaded.model.device_name}"]
            guidance = services.guidance
            if guidance is not None:
                guidance.excerpts(code, first_defect)
                parts.append(f"guide: {guidance.generator.model_name}" if guidance.generator is not None
                             else "guide: template")
            return " · ".join(parts)

        def failed(error: BaseException) -> None:
            self.env.events.model_status.emit(self.tr("not ready"))
            self.message.show_message(self.tr("Models not ready: {0}. A technician builds the memory bank under "
                                              "Technician › Model builds.").format(bridges.error_line(error)),
                                      "warning")

        self.warm_job = self.env.runner.submit(work, name="warm-up", on_done=self.env.events.model_status.emit,
                                               on_error=failed)
        self.warm_job.finished.connect(self._warm_finished)

    def _warm_finished(self) -> None:
        self.warm_job = None

    # Camera -------------------------------------------------------------------------------
    def _frame(self, image: QImage, frame: Frame) -> None:
        self.live.set_image(image)
        spec = self.env.camera.feed.spec if self.env.camera.feed is not None else None
        needed = spec.still_frames if spec else 8
        if self.auto_trigger.isChecked():
            self.still_label.setText(self.tr("still {0}/{1}").format(min(frame.still_count, needed), needed))
            if frame.still_count < 2:
                self._armed = True
            elif self._armed and frame.still_count >= needed and not self.busy:
                self._armed = False
                self.inspect()
        else:
            self.still_label.setText("")

    def _camera_status(self, status: CameraStatus) -> None:
        if status.state is CameraState.LIVE:
            self.live.set_caption(self.tr("live · {0:.1f} fps").format(status.fps))
        elif status.state is CameraState.RECONNECTING:
            self.live.set_caption(self.tr("camera lost — reconnecting (attempt {0})").format(status.attempts))
        elif status.state is CameraState.CONNECTING:
            self.live.set_caption(self.tr("connecting to the camera…"))
        else:
            self.live.set_caption(self.tr("camera stopped"))

    # Inspection ---------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.inspect_job is not None

    def inspect(self) -> None:
        if self.busy or not self.inspect_button.isEnabled():
            return
        product, frame = self.env.session.product, self.env.camera.latest_frame
        if product is None:
            self.message.show_message(self.tr("Choose a product first."), "warning", 5000)
            return
        if frame is None:
            self.message.show_message(self.tr("No camera picture yet."), "warning", 5000)
            return
        self.stop_guide()
        self.message.clear_message()
        self.guide.clear()
        self.result.show_busy(self.tr("INSPECTING…"))
        self.inspect_button.setEnabled(False)
        services, user_id, image = self.env.services, self.env.user_id, frame.image

        def work(ctx: JobContext) -> ResultDisplay:
            serial = services.read_serial(image)
            ctx.progress(0.1, "inspect")
            outcome = bridges.inspect(services.inspection, product.code, image, user_id, serial=serial)
            return build_display(outcome, services.storage, serial)

        self.inspect_job = self.env.runner.submit(work, name="inspect", on_done=self._inspected,
                                                  on_error=self._inspect_failed,
                                                  on_cancelled=lambda: self.result.show_busy(self.tr("CANCELLED")))
        self.inspect_job.finished.connect(self._inspect_finished)

    def _inspect_finished(self) -> None:
        self.inspect_job = None
        self.inspect_button.setEnabled(self.env.services.inspection is not None)

    def _inspect_failed(self, error: BaseException) -> None:
        self.result.show_busy(self.tr("ERROR"))
        self.message.show_error(error)

    def _defect_names(self) -> dict[str, str]:
        product = self.env.session.product
        if product is None:
            return {}
        ko = self.env.session.language == "ko"
        return {d.code: (d.name_ko if ko else (d.name_en or d.code)) for d in product.defect_types}

    def _inspected(self, display: ResultDisplay) -> None:
        self.display = display
        self.result.show_result(display, self._defect_names(), self.env.session.language)
        outcome = display.outcome
        if outcome.inspection_id:
            self.env.events.inspection_recorded.emit(outcome.inspection_id)
        self.guide.feedback_button.setEnabled(outcome.inspection_id is not None)
        if outcome.needs_attention:
            self.load_excerpts()
        else:
            self.guide.show_message(self.tr("PASS: no manual section needed."))

    def _thresholds_changed(self, product_id: int) -> None:
        display = self.display
        if display is None or display.outcome.product_id != product_id:
            return
        services = self.env.services

        code = display.outcome.product_code

        def work(_ctx: JobContext) -> ResultDisplay:
            t = services.station_settings.thresholds(code)
            outcome = bridges.reevaluate(services.inspection, display.outcome, t.image_threshold,
                                         t.pixel_threshold, t.review_threshold)
            return build_display(outcome, services.storage, display.serial, reference=display.reference)

        self.env.runner.submit(work, name="reevaluate", on_done=self._reevaluated, on_error=self.message.show_error)

    def _reevaluated(self, display: ResultDisplay) -> None:
        self.display = display
        self.result.show_result(display, self._defect_names(), self.env.session.language)

    # Guidance -----------------------------------------------------------------------------
    def load_excerpts(self) -> None:
        guidance, display = self.env.services.guidance, self.display
        if display is None:
            return
        if guidance is None:
            self.guide.show_message(self.tr("Manual guidance is not available in this station build."))
            return
        o = display.outcome
        code = o.defect.defect_code if o.defect is not None and not o.defect.unknown else None
        regions = [r.to_json() for r in o.regions]
        scores = {"anomaly": o.image_score, **({"confidence": o.confidence_score} if o.confidence_score else {})}

        def done(excerpts: list[Any]) -> None:
            self.excerpts = excerpts
            self.guide.show_excerpts(excerpts)
            self.start_guide(use_excerpts=True)

        self.env.runner.submit(lambda _ctx: guidance.excerpts(o.product_code, code, regions, scores), name="excerpts",
                               on_done=done, on_error=lambda e: self.guide.show_message(bridges.error_line(e)))

    def start_guide(self, use_excerpts: bool = True) -> None:
        guidance, display = self.env.services.guidance, self.display
        if guidance is None or display is None or self.guide_job is not None:
            return
        o, language, excerpts = display.outcome, self.env.session.language, list(self.excerpts)
        code = o.defect.defect_code if o.defect is not None and not o.defect.unknown else None
        regions = [r.to_json() for r in o.regions]
        scores = {"anomaly": o.image_score}

        def work(ctx: JobContext) -> Any:
            request = guidance.build_request(o.product_code, code, regions, scores, language=language,
                                             excerpts=excerpts if use_excerpts else None)
            guide = guidance.stream_guide(request, on_token=lambda t: ctx.emit(t, check_cancel=False),
                                          cancel_event=ctx.token)
            if o.result_id:
                guidance.save_guide(o.result_id, guide)
            return guide

        self.guide.start_guide(self.tr("Writing the guide…"))
        self.guide_job = self.env.runner.submit(work, name="guide", on_chunk=self.guide.append_token,
                                                on_done=self._guide_done, on_error=self._guide_failed)
        self.guide_job.finished.connect(self._guide_finished)

    def _guide_done(self, guide: Any) -> None:
        source = self.tr("local LLM {0}").format(guide.model_name) if guide.source == "llm" else self.tr("manual template")
        state = self.tr("Guide from {0}").format(source)
        if guide.cancelled:
            state += " · " + self.tr("stopped")
        self.guide.finish_guide(guide.content, state)

    def _guide_failed(self, error: BaseException) -> None:
        self.guide.finish_guide(self.guide.guide_text(), bridges.error_line(error))

    def _guide_finished(self) -> None:
        self.guide_job = None
        self.guide.stop_button.setEnabled(False)

    def stop_guide(self) -> None:
        if self.guide_job is not None:
            self.guide_job.cancel()
            self.guide.guide_state.setText(self.tr("Stopping…"))

    # Feedback -----------------------------------------------------------------------------
    def save_feedback(self) -> None:
        display, rating = self.display, self.guide.rating()
        if display is None or display.outcome.inspection_id is None:
            return
        if rating is None:
            self.guide.feedback_message.show_message(self.tr("Choose a rating from 1 to 5."), "warning", 4000)
            return
        actions, user_id = self.env.services.actions, self.env.user_id
        kind, text = self.guide.feedback_type.currentData(), self.guide.feedback_text.toPlainText().strip() or None
        inspection_id = display.outcome.inspection_id
        self.env.runner.submit(
            lambda _ctx: bridges.save_feedback(actions, inspection_id, user_id, rating, kind, text),
            name="feedback",
            on_done=lambda _r: self.guide.feedback_message.show_message(self.tr("Thank you — feedback saved."), "info"),
            on_error=self.guide.feedback_message.show_error)

    # Screen protocol ----------------------------------------------------------------------
    def refresh(self) -> None:
        pass

    def product_changed(self, product: ProductInfo) -> None:
        self.display = None
        self.result.show_busy(self.tr("READY"))
        self.guide.clear()
        self.message.clear_message()
        self.warm_up()

    def shutdown(self) -> None:
        for job in (self.inspect_job, self.guide_job, self.warm_job):
            if job is not None:
                job.cancel()
