"""The worker bench: live camera, inspect by button / Space / auto-trigger when the scene is still, the
result panel, manual excerpts, the streamed guide (Stop = Esc) and feedback.

The bench's state (idle, inspecting, guiding, the current request, its jobs, the part shown, the line
trigger waiting for a verdict) is a Qt-free :class:`~station.services.bench.session.BenchSession`: this
screen renders it and routes the worker's actions and the workflow's events to it. Each part is a run of
:class:`~station.services.bench.workflow.BenchWorkflow` in a job that forwards its events here; each run is
a new request of the session, so whatever an older part, an older threshold preview or a deleted screen
still produces is dropped by the job runner.

The verdict, scores, defect type, regions and override buttons sit at the top of the verdict column, never
below a fold (see :mod:`station.ui.bench.layout`). Rating keys 1–5 choose the feedback rating from anywhere
on the bench once a recorded result is shown (text fields keep their digits). When the window rebuilds its
screens (a language switch) the shown part, its excerpts and guide move to the new bench
(:mod:`station.ui.bench.carry`) and are shown again in the new language.

Camera/process health alerts of the product show in a banner above both columns
(:mod:`station.ui.bench.health_banner`), never in the verdict's place.

A product of several views opens each view's camera, shows the live views side by side and inspects
every view's newest frame as one part, its result with a tile per view (:mod:`station.ui.bench.views`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QHideEvent, QImage, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QCheckBox, QLabel, QPushButton, QVBoxLayout, QWidget

from station.domain.bench import (
    BenchEvent, BenchRequest, Cancelled, ExcerptsReady, Failed, GuideDone, GuideUpdate, Inspected,
)
from station.domain.camera import CameraState, CameraStatus, Frame
from station.domain.catalog import ProductInfo
from station.domain.engine import CancelToken
from station.domain.errors import error_line
from station.domain.guidance import ManualExcerpt
from station.services.bench import BenchSession, PART, PREVIEW
from station.services.shared.changes import ModelStatusChanged
from station.domain.overrides import OverrideEntry
from station.domain.views import PartNotInspectedError, ViewCapture
from station.ui.bench.carry import BenchCarry, hand_over, take_over
from station.ui.bench.display import ResultDisplay, build_display
from station.ui.bench.guidance_panel import GuidePanel
from station.ui.bench.health_banner import HealthBanner
from station.ui.bench.layout import bench_splitter, live_column, stacked, verdict_column
from station.ui.bench.override_panel import OverridePanel
from station.ui.bench.tools import BenchTools
from station.ui.bench.result_panel import ResultPanel
from station.ui.bench.views import LiveViews, ViewCameras, ViewTiles, error_pictures
from station.ui.env import ScreenEnv
from station.ui.jobs import BACKGROUND, URGENT, JobContext, JobHandle
from station.ui.bench.line_controller import LinePart
from station.ui.permissions import Capability
from station.ui.widgets.feedback import MessageBar
from station.ui.widgets.image_view import ImageView
from station.ui.widgets.names import defect_name


class BenchScreen(QWidget):
    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.workflow = env.services.bench
        self.setObjectName("BenchScreen")
        self.session: BenchSession[ResultDisplay] = BenchSession(self.workflow.has_guidance)
        self._armed = True
        self._building: str | None = None  # the product's model is being built (the progress shown)
        self.live = ImageView(placeholder=self.tr("Waiting for the camera…"))
        self.live.setObjectName("LiveView")
        self.inspect_button = QPushButton(self.tr("Inspect (Space)"))
        self.inspect_button.setObjectName("InspectButton")
        self.auto_trigger = QCheckBox(self.tr("Auto-inspect when the part is still"))
        self.auto_trigger.setObjectName("AutoTrigger")
        self.still_label = QLabel("")
        self.still_label.setObjectName("Subtle")
        self.line_note = QLabel("")  # one line when the line changed the product
        self.line_note.setObjectName("LineProductNote")
        self.line_note.setWordWrap(True)
        self.line_note.hide()
        self.tools = BenchTools(env, self)
        self.message = MessageBar()
        self.result = ResultPanel()
        self.overrides = OverridePanel(env)
        self.guide = GuidePanel()
        # A product of several views: its cameras, their live views side by side, its per-view results.
        self.view_cameras = ViewCameras(env.services.camera_factory, env.runner, self)
        env.view_cameras = self.view_cameras  # the technician's ROI and preview read a view's frame here
        self.live_views = LiveViews()
        self.live_views.hide()
        self.view_tiles = ViewTiles()
        self.view_cameras.frame_ready.connect(self._view_frame)
        self.view_cameras.status_changed.connect(self.live_views.show_status)
        left = live_column(stacked(self.live, self.live_views),
                           [self.inspect_button, self.auto_trigger, self.still_label],
                           stacked(self.view_tiles, self.result.images), [self.line_note, self.tools, self.message])
        self.right = verdict_column(self.result, self.overrides, self.guide)
        layout = QVBoxLayout(self)
        # open camera/process health alerts of the product: above both columns, hidden while there are none
        self.health_banner = HealthBanner(env, on_error=self.message.show_error)
        layout.addWidget(self.health_banner)
        self.splitter = bench_splitter(left, self.right)
        self._sized = False  # the splitter gets its 5:4 split when first shown
        layout.addWidget(self.splitter, 1)
        self.overrides.corrected.connect(self._corrected)
        self.inspect_button.clicked.connect(self.inspect)
        self.guide.stop_button.clicked.connect(self.stop_guide)
        self.guide.regenerate_button.clicked.connect(self.write_again)
        self.guide.feedback_button.clicked.connect(self.save_feedback)
        for key, slot in (("H", self.result.heatmap_toggle.toggle), ("Esc", self.stop_guide)):
            shortcut = QShortcut(QKeySequence(key), self, activated=slot)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        # Rating keys, window-wide like Space and enabled only while the bench is shown with a recorded
        # result (text fields claim digits before shortcuts, so typing a note is not rating).
        self.rating_keys: list[QShortcut] = []
        for value in range(1, 6):
            shortcut = QShortcut(QKeySequence(str(value)), self, activated=lambda v=value: self.rate(v))
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.setAutoRepeat(False)
            shortcut.setEnabled(False)
            self.rating_keys.append(shortcut)
        # Space inspects whichever widget of the window has the focus (the product box included); text
        # fields keep it for typing (they claim printable keys before shortcuts). Window-wide, so it is
        # only enabled while the bench is shown.
        self.space = QShortcut(QKeySequence("Space"), self, activated=self.inspect)
        self.space.setContext(Qt.ShortcutContext.WindowShortcut)
        self.space.setAutoRepeat(False)
        self.space.setEnabled(False)
        env.camera.frame_ready.connect(self._frame)
        env.camera.status_changed.connect(self._camera_status)
        env.changes.thresholds_changed.connect(self._thresholds_changed)
        self._camera_status(env.camera.status)
        if not env.can(Capability.FEEDBACK):
            self.guide.setTabVisible(2, False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.warm_up()
        self._load_views()
        self.health_banner.refresh()
        if env.line is not None:
            env.line.attach(self, env.session.product.code if env.session.product else None)
        self._take_over(take_over(env.session))

    # Keys ---------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.space.setEnabled(True)
        if not self._sized and self.splitter.width() > 0:
            self._sized = True
            width = self.splitter.width()
            self.splitter.setSizes([width * 5 // 9, width - width * 5 // 9])
        self._enable_rating_keys()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt API
        super().hideEvent(event)
        self.space.setEnabled(False)
        self._enable_rating_keys()

    def _enable_rating_keys(self) -> None:
        display = self.display
        on = (self.isVisible() and display is not None and display.outcome.inspection_id is not None
              and self.env.can(Capability.FEEDBACK))
        for shortcut in self.rating_keys:
            shortcut.setEnabled(on)

    def rate(self, value: int) -> None:
        """Rating key 1–5: chooses the feedback rating of the shown result and shows the feedback form."""
        if self.display is None or self.display.outcome.inspection_id is None:
            return
        self.guide.set_rating(value)
        self.guide.setCurrentWidget(self.guide.feedback_page)

    # Models -------------------------------------------------------------------------------
    def warm_up(self) -> None:
        """Loads the product's bank, the backbone and the manual embedder in the background (heavy file
        loads happen here, not in the middle of an inspection)."""
        product, workflow, session = self.env.session.product, self.workflow, self.session
        if product is None or session.warm_job is not None:
            return
        code = product.code

        def failed(error: BaseException) -> None:
            if self._building is not None:  # no bank yet: it is being built, the bench says so
                return
            self.env.changes.fire(ModelStatusChanged(self.tr("not ready")))
            self.message.show_message(self.tr("Models not ready: {0}. A technician builds the memory bank under "
                                              "Technician › Model builds.").format(error_line(error)), "warning")

        def ended(*_: object) -> None:
            session.warm_up_ended(handle)

        handle = self.env.runner.submit(
            lambda _ctx: workflow.warm_up(code), name="warm-up", owner=self, priority=BACKGROUND,
            on_done=lambda status: (ended(), self.env.changes.fire(ModelStatusChanged(status))),
            on_error=lambda e: (ended(), failed(e)), on_cancelled=ended)
        session.warm_up_started(handle)

    def _load_views(self) -> None:
        """Reads the product's views (in the background) and opens their cameras, or the single live view
        for a product without views."""
        product = self.env.session.product
        if product is None:
            return
        code, settings = product.code, self.env.services.station_settings

        def read(_ctx: JobContext) -> list[tuple[str, str | None]]:
            return [(c.view_code, c.camera_source) for c in settings.views(code) if c.view_code]

        self.env.runner.submit(read, name="views", owner=self, on_done=lambda views: self._views_loaded(code, views),
                               on_error=self.message.show_error)

    def _views_loaded(self, code: str, views: list[tuple[str, str | None]]) -> None:
        product = self.env.session.product
        if product is None or product.code != code:
            return
        if views:
            self.view_cameras.open(views)
            self.live_views.set_views([v for v, _ in views])
        else:
            self.view_cameras.close()
        self.live_views.setVisible(bool(views))
        self.live.setVisible(not views)

    def set_model_building(self, text: str | None) -> None:
        """The product's model is being built in the background (``text``: what the bench shows, with the
        progress): Inspect waits. None once it is ready: the models load and Inspect comes back."""
        was_building, self._building = self._building is not None, text
        self.inspect_button.setEnabled(text is None and not self.busy)
        self.inspect_button.setToolTip(self.tr("Inspect is available once the model is built.") if text else "")
        if text is not None:
            self.result.show_busy(text)
            self.result.show_hint(self.tr("Inspect is available once the model is built."))
            if not was_building:
                self.message.show_message(self.tr("Inspect is available once the model is built."), "info")
        elif was_building:
            self.result.show_busy(self.tr("READY"))
            self.result.show_hint(self.tr("Press Space or Inspect to check the part in view."))
            self.message.clear_message()
            self.warm_up()

    # Camera -------------------------------------------------------------------------------
    def _frame(self, image: QImage, frame: Frame) -> None:
        self.live.set_image(image)
        if not self.view_cameras.active:  # a product of several views: its first view's camera counts
            spec = self.env.camera.feed.spec if self.env.camera.feed is not None else None
            self._still(frame, spec.still_frames if spec else 8)

    def _view_frame(self, view: str, image: QImage, frame: Frame) -> None:
        self.live_views.show_frame(view, image)
        if self.view_cameras.views and view == self.view_cameras.views[0][0]:
            self._still(frame, self.view_cameras.still_frames(view))

    def _still(self, frame: Frame, needed: int) -> None:
        """Auto-inspect: once the scene has been still for ``needed`` frames, after it moved."""
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

    # The session, as the screen shows it ------------------------------------------------------
    @property
    def busy(self) -> bool:
        """An inspection is running (its guide may still stream after it: that does not count)."""
        return self.session.busy

    @property
    def display(self) -> ResultDisplay | None:
        """The part shown, rendered."""
        return self.session.shown

    @property
    def excerpts(self) -> tuple[ManualExcerpt, ...]:
        return self.session.excerpts

    @property
    def guide_job(self) -> JobHandle | None:
        """The job writing the shown part's guide, while it writes."""
        return self.session.guide_job  # type: ignore[return-value]

    @property
    def warm_job(self) -> JobHandle | None:
        """The job loading the product's models, while it loads."""
        return self.session.warm_job  # type: ignore[return-value]

    # Inspection ---------------------------------------------------------------------------
    def inspect(self) -> None:
        """Space / Inspect: the part in view now."""
        if self.busy:
            return
        if self.view_cameras.active:  # every view's newest frame, one part
            self._start(self.view_cameras.capture(), source_name="views")
            return
        frame = self.env.camera.latest_frame
        if frame is None:
            self.message.show_message(self.tr("No camera picture yet."), "warning", 5000)
            return
        self._start(frame.image)

    def inspect_line_part(self, part: LinePart) -> None:
        """A line trigger: the frame taken when it arrived, inspected exactly as on Space; the part hears
        the verdict (or why there is none) once."""
        image = part.image
        if self.view_cameras.active and not isinstance(image, ViewCapture):  # the views opened after it arrived
            image = self.view_cameras.capture()
        if image is None:
            part.failed("no camera frame when the trigger arrived")
            return
        trigger = part.trigger
        if not self._start(image, serial=trigger.serial, line_part=part,
                           source_name=f"line-{trigger.source}-{trigger.trigger_id}.png"):
            part.failed("the bench cannot inspect now (no product chosen or busy)")

    def line_capture(self) -> ViewCapture | None:
        """Every view's frame at a line trigger's arrival (any thread) for a product of several views; None for
        a product without views (the line takes the window camera's frame)."""
        return self.view_cameras.capture() if self.view_cameras.active else None

    def line_changed_product(self, product: str, previous: str | None) -> None:
        """The line switched the bench to ``product`` (a changeover, or a part of that product): one line."""
        self.line_note.setText(self.tr("The line changed the product to {0} (was {1}).").format(
            product, previous or "—"))
        self.line_note.show()

    def _start(self, image, *, serial: str | None = None, line_part: LinePart | None = None,  # type: ignore[no-untyped-def]
               source_name: str = "camera") -> bool:
        product = self.env.session.product
        if self.busy:
            return False
        if product is None:
            self.message.show_message(self.tr("Choose a product first."), "warning", 5000)
            return False
        if self._building is not None:
            self.message.show_message(self.tr("The model is still being built: inspect once it is ready."),
                                      "warning", 5000)
            return False
        request_id = self.session.start_inspection(line_part)  # the previous part's guide stops here
        self.message.clear_message()
        self.guide.clear()
        if self.guide.currentWidget() is self.guide.feedback_page:
            self.guide.setCurrentIndex(0)  # the feedback form was the previous part's
        self.result.show_busy(self.tr("INSPECTING…"))
        self.inspect_button.setEnabled(False)
        self.overrides.clear()
        self.view_tiles.clear()
        self._enable_rating_keys()
        request = BenchRequest(request_id=request_id, product_code=product.code, image=image,
                               inspector_id=self.env.user_id, language=self.env.session.language,
                               source_name=source_name, read_serial=serial is None, serial=serial)
        workflow = self.workflow
        self.session.run_job = self._submit(lambda token: workflow.run(request, token), "inspect", request_id,
                                            URGENT)
        return True

    def _submit(self, events: Callable[[CancelToken], Iterable[BenchEvent]], name: str, request_id: int,
                priority: int) -> JobHandle:
        """A job that iterates ``events(its cancel token)`` on a worker and forwards each event to
        :meth:`_event` on the GUI thread (Inspected with its pictures ready)."""
        def forward(ctx: JobContext) -> None:
            for event in events(ctx.token):  # the workflow honours the token itself and ends its stream
                ctx.emit(build_display(event) if isinstance(event, Inspected) else event, check_cancel=False)

        return self.env.runner.submit(forward, name=name, owner=self,
                                      request=(self.session.requests, PART, request_id), priority=priority,
                                      on_chunk=self._event, on_done=self._ended, on_error=self._crashed,
                                      on_cancelled=self._ended)

    def _detected_defect(self) -> str | None:
        """The shown part's likely defect type (None when unknown or none)."""
        defect = self.display.outcome.defect if self.display is not None else None
        return defect.defect_code if defect is not None and not defect.unknown else None

    def _event(self, event: ResultDisplay | BenchEvent) -> None:
        """A current event of the shown part (stale ones never get here)."""
        if isinstance(event, ResultDisplay):
            self._inspected(event)
        elif isinstance(event, ExcerptsReady):
            self.session.excerpts_ready(event.excerpts)
            self.guide.show_excerpts(event.excerpts, self._detected_defect())
            self.guide.start_guide(self.tr("Writing the guide…"))
        elif isinstance(event, GuideUpdate):
            self.guide.show_progress(event.text)
        elif isinstance(event, GuideDone):
            self._guide_done(event)
        elif isinstance(event, Failed):
            self._failed(event)
        elif isinstance(event, Cancelled) and event.stage == "inspect":
            self.result.show_busy(self.tr("CANCELLED"))

    def _ended(self, *_: object) -> None:
        self.session.job_ended()
        self._show_idle()

    def _show_idle(self) -> None:
        self.guide.stop_button.setEnabled(False)
        if self.session.offers_write_again:
            self.guide.regenerate_button.setEnabled(True)
        self.inspect_button.setEnabled(self._building is None)

    def _crashed(self, error: BaseException) -> None:
        self._ended()
        self.message.show_error(error)

    def _failed(self, event: Failed) -> None:
        self.session.failed(event.stage, event.message)
        if event.stage == "inspect":
            self.inspect_button.setEnabled(True)
            self.message.show_message(event.message, "error")
            if isinstance(event.error, PartNotInspectedError):  # a view not captured or not judged
                self.result.show_busy(self.tr("NOT INSPECTED"))
                self.result.show_hint(self.tr("The part was not inspected: {0}").format(event.message))
                self.view_tiles.show_views(error_pictures(event.error.views), None)
            else:
                self.result.show_busy(self.tr("ERROR"))
        elif event.stage == "excerpts":
            self.guide.show_message(event.message)
        else:
            self.guide.finish_guide(self.guide.guide_text(), event.message)

    def _defect_names(self) -> dict[str, str]:
        """Defect code -> its name in the UI language."""
        product = self.env.session.product
        if product is None:
            return {}
        return {d.code: defect_name(d.name_ko, d.name_en, d.code) for d in product.defect_types}

    def _inspected(self, display: ResultDisplay) -> None:
        self.session.inspected(display)  # the waiting line part hears the verdict here
        self.inspect_button.setEnabled(True)
        self._show(display)
        self.health_banner.raised(display.outcome.health_alerts)
        outcome = display.outcome
        if not outcome.needs_attention:
            self.guide.show_message(self.tr("PASS: no manual section needed."))
        elif not self.workflow.has_guidance:
            self.guide.show_message(self.tr("Manual guidance is not available in this station build."))

    def _show(self, display: ResultDisplay) -> None:
        """The part's result, its override buttons and history, and its feedback form."""
        outcome = display.outcome
        self.result.show_result(display, self._defect_names())
        self.view_tiles.show_views(display.views, display.outcome.view_code)
        self.overrides.show_for(outcome, self.env.session.product)
        self.guide.feedback_button.setEnabled(outcome.inspection_id is not None)
        self._enable_rating_keys()

    def _corrected(self, entry: OverrideEntry, who: str) -> None:
        """An override of the shown part (saved now or found in its history): the banner shows it."""
        display, product = self.display, self.env.session.product
        if display is None or entry.inspection_id != display.outcome.inspection_id:
            return
        detail = ""
        if entry.kind == "other_defect_type" and product is not None:
            detail = next((defect_name(d.name_ko, d.name_en, d.code) for d in product.defect_types
                           if d.defect_type_id == entry.defect_type_id), "")
        self.result.show_correction(display.outcome.inspection_code or "",
                                    entry.original_verdict or display.outcome.verdict.value, entry.kind, detail,
                                    who, entry.at)

    def _thresholds_changed(self, product_id: int) -> None:
        preview = self.session.begin_preview(product_id)  # a newer change retires this one's result
        display = self.display
        if preview is None or display is None:
            return
        workflow, reference = self.workflow, display.reference

        def work(_ctx: JobContext) -> ResultDisplay:
            return build_display(workflow.reevaluate(preview, display.shown), reference=reference)

        self.env.runner.submit(work, name="reevaluate", owner=self,
                               request=(self.session.requests, PREVIEW, preview),
                               on_done=self._reevaluated, on_error=self.message.show_error)

    def _reevaluated(self, display: ResultDisplay) -> None:
        self.session.reevaluated(display)
        self.result.show_result(display, self._defect_names())
        self.view_tiles.show_views(display.views, display.outcome.view_code)

    # Guidance -----------------------------------------------------------------------------
    def write_again(self) -> None:
        display, request_id = self.display, self.session.start_write_again()
        if display is None or request_id is None:
            return
        outcome, language, excerpts = display.outcome, self.env.session.language, self.excerpts
        workflow = self.workflow
        self.guide.start_guide(self.tr("Writing the guide…"))
        self.session.rewrite_job = self._submit(
            lambda token: workflow.write_guide(request_id, outcome, language, excerpts or None, token),
            "guide", request_id, BACKGROUND)

    def _guide_done(self, event: GuideDone) -> None:
        guide = event.guide
        source = self.tr("local LLM {0}").format(guide.model_name) if guide.source == "llm" else self.tr("manual template")
        state = self.tr("Guide from {0}").format(source)
        if guide.cancelled:
            state += " · " + self.tr("stopped")
        self.session.guide_done()
        self.guide.finish_guide(guide.content, state)

    def stop_guide(self) -> None:
        if self.session.stop_guide():
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
            lambda _ctx: actions.add_feedback(inspection_id, user_id, rating, text, kind),
            name="feedback", owner=self,
            on_done=lambda _r: self.guide.feedback_message.show_message(self.tr("Thank you — feedback saved."), "info"),
            on_error=self.guide.feedback_message.show_error)

    # Screen protocol ----------------------------------------------------------------------
    def refresh(self) -> None:
        pass

    def product_changed(self, product: ProductInfo) -> None:
        self.line_note.hide()  # the line's switch says so again right after this
        self.session.product_changed()  # every job stops, nothing is shown
        self.health_banner.refresh()
        self.overrides.clear()
        self._enable_rating_keys()
        if self.env.line is not None:
            self.env.line.set_product(product.code)
        self._show_idle()
        self.result.show_busy(self.tr("READY"))
        self.view_tiles.clear()
        self.guide.clear()
        self.message.clear_message()
        self.warm_up()
        self._load_views()

    def shutdown(self) -> None:
        hand_over(self.env.session, self._carry())
        self.session.stop("the bench changed product")
        self.view_cameras.close()
        if self.env.line is not None:
            self.env.line.detach(self)

    # Rebuilt screens ----------------------------------------------------------------------
    def _carry(self) -> BenchCarry | None:
        """The shown part for the bench that replaces this one (None while a part is being inspected)."""
        display, product = self.display, self.env.session.product
        if display is None or product is None or self.busy or display.outcome.product_id != product.product_id:
            return None
        return BenchCarry(product.code, display, self.excerpts, self.guide.guide_text(),
                          guide_stopped=self.session.guiding)

    def _take_over(self, carry: BenchCarry | None) -> None:
        """Shows what the previous bench of this sign-in showed, in this screen's language."""
        product = self.env.session.product
        if carry is None or product is None or carry.product_code != product.code:
            return
        display = carry.display
        self.session.restore(display, carry.excerpts)
        self._show(display)
        outcome = display.outcome
        if carry.excerpts:
            self.guide.show_excerpts(carry.excerpts, self._detected_defect())
        elif not outcome.needs_attention:
            self.guide.show_message(self.tr("PASS: no manual section needed."))
        elif self.workflow.has_guidance and not carry.guide:
            self.guide.show_message(self.tr("The manual excerpts had not arrived when the language changed: "
                                            "\"Write again\" on the Guide tab fetches them and writes the guide."))
        if carry.guide:
            state = self.tr("Guide written before the language changed")
            if carry.guide_stopped:
                state += " · " + self.tr("stopped")
            self.guide.finish_guide(carry.guide, state)
        self._show_idle()
