"""The bench workflow, Qt-free: read the serial -> inspect and record -> decode the display assets (the
reference image read once) -> manual excerpts -> stream the guide -> save it on the result.

One object serves the bench screen, ``station inspect`` and a headless station alike; a run is a
generator of typed events (blocking: iterate it on a worker thread)::

    workflow = BenchWorkflow(inspection, guidance, read_serial=read_serial, thresholds=settings)
    cancel = CancelToken()
    for event in workflow.run(BenchRequest(request_id=7, product_code="demo-cast", image=frame, language="ko"),
                              cancel):
        show(event)

The run yields, in order, :class:`Inspected`, then (FAIL/UNCERTAIN with ``request.guide``)
:class:`ExcerptsReady`, :class:`GuideUpdate`\\ s and :class:`GuideDone`; a stage that fails yields one
:class:`Failed` and ends the run (the stages before it stand: a recorded inspection stays recorded when
its guide fails). After a recorded FAIL (once :class:`Inspected` is yielded and the consumer asks for the
next event) the recurrence watch, when given, looks for a corrective action that did not hold, whichever
front end runs the workflow. ``cancel.cancel()`` before the inspection ends yields :class:`Cancelled`,
during the guide stops the LLM within a token (GuideDone with ``guide.cancelled``). The guide's tokens
come from the LLM's callback on a helper thread and are yielded as they arrive; a consumer that stops
iterating during the guide cancels ``cancel`` and the helper thread is joined before the generator closes.
Every event carries ``request.request_id``.

Other entry points: :meth:`warm_up` (load models before the first part), :meth:`write_guide` ("write
again" on an inspection already shown: the guide's events), :meth:`reevaluate` (the shown result judged
with the product's current thresholds, nothing recorded). Every method is thread-safe and blocking.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator, Sequence
from dataclasses import replace
from typing import Protocol

import numpy as np

from station.domain.bench import (
    BenchEvent, BenchRequest, Cancelled, ExcerptsReady, Failed, GuideDone, GuideUpdate, Inspected,
)
from station.domain.engine import CancelledError, CancelToken, InspectionOutcome
from station.domain.errors import error_line
from station.domain.guidance import Guide, Language, ManualExcerpt
from station.domain.views import SEVERITY, PartNotInspectedError, ViewCapture, worst_verdict
from station.services.bench.streaming import stream_callback
from station.services.engine import InspectionService, Thresholds
from station.services.guidance import GuidanceService
from station.services.records import RecurrenceWatch
from station.services.shared.changes import ChangeNotifier, RecordsChanged

log = logging.getLogger(__name__)

SerialReader = Callable[[np.ndarray], "str | None"]


class ThresholdSource(Protocol):
    """Where the product's configured thresholds live (``StationSettingsService``)."""

    def thresholds(self, product_code: str, view: str | None = None) -> Thresholds: ...


def guide_inputs(outcome: InspectionOutcome) -> tuple[str | None, list[dict], dict[str, float]]:
    """(defect code or None when unknown, regions as JSON, scores) the excerpts and guide are built from."""
    code = outcome.defect.defect_code if outcome.defect is not None and not outcome.defect.unknown else None
    scores = {"anomaly": outcome.image_score}
    if outcome.confidence_score:
        scores["confidence"] = outcome.confidence_score
    return code, [r.to_json() for r in outcome.regions], scores


class BenchWorkflow:
    """Inspect one part and guide the worker (see the module docstring)."""

    def __init__(self, inspection: InspectionService, guidance: GuidanceService | None = None, *,
                 read_serial: SerialReader | None = None, thresholds: ThresholdSource | None = None,
                 changes: ChangeNotifier | None = None, recurrence: RecurrenceWatch | None = None) -> None:
        self._inspection = inspection
        self._recurrence = recurrence
        self._guidance = guidance
        self._read_serial = read_serial
        self._thresholds = thresholds
        self.changes = changes or ChangeNotifier()

    @property
    def has_guidance(self) -> bool:
        return self._guidance is not None

    # ------------------------------------------------------------------------------------------------
    def warm_up(self, product_code: str) -> str:
        """Loads the product's bank, backbone and the manual embedder now; returns a one-line model status.
        The local LLM loads with the first guide. A product of several views loads every view's bank."""
        views = self._inspection.views(product_code)
        for view in views:
            loaded = self._inspection.warm_up(product_code, view)
        if not views:
            loaded = self._inspection.warm_up(product_code)
        runtime = loaded.model.runtime_name
        parts = [f"{loaded.bank.backbone}{' (degraded)' if loaded.bank.degraded else ''} · "
                 f"{loaded.model.device_name}" + (f" · {runtime}" if runtime != "torch" else "")]
        if views:
            parts.insert(0, f"views: {', '.join(views)}")
        if self._guidance is not None:
            self._guidance.excerpts(product_code, None)
            generator = self._guidance.generator
            parts.append(f"guide: {generator.model_name}" if generator is not None else "guide: template")
        return " · ".join(parts)

    def run(self, request: BenchRequest, cancel: CancelToken | None = None) -> Generator[BenchEvent, None, None]:
        """The whole workflow for one part, as events (see the module docstring); never raises for a
        failed stage."""
        cancel = cancel or CancelToken()
        rid = request.request_id
        try:
            cancel.raise_if_cancelled()
            inspected = self.inspect(request)
            cancel.raise_if_cancelled()
        except CancelledError:
            yield Cancelled(rid, "inspect")
            return
        except Exception as exc:  # noqa: BLE001 - one Failed event, the consumer shows its line
            yield Failed(rid, "inspect", error_line(exc), exc)
            return
        yield inspected
        outcome = inspected.outcome
        self._watch_recurrence(outcome)
        if not request.guide or not outcome.needs_attention or self._guidance is None:
            return
        try:
            ready = self.excerpts(rid, outcome)
        except Exception as exc:  # noqa: BLE001
            yield Failed(rid, "excerpts", error_line(exc), exc)
            return
        yield ready
        if cancel.cancelled:
            yield Cancelled(rid, "guide")
            return
        yield from self.write_guide(rid, outcome, request.language, ready.excerpts, cancel)

    # Stages ---------------------------------------------------------------------------------------
    def inspect(self, request: BenchRequest) -> Inspected:
        """Serial, inspection (recorded unless ``request.record`` is false) and the decoded reference."""
        serial = request.serial
        if serial is None and request.read_serial and self._read_serial is not None and isinstance(request.image, np.ndarray):
            try:
                serial = self._read_serial(request.image)
            except Exception as exc:  # noqa: BLE001 - an unreadable code never costs the inspection
                log.warning("serial not read: %s", exc)
        if isinstance(request.image, ViewCapture):  # a part of several views, one frame per view
            outcome = self._inspect_views(request, request.image, serial)
        else:
            outcome = self._inspection.inspect(request.product_code, request.image,
                                               inspector_id=request.inspector_id, record=request.record,
                                               source_name=request.source_name, serial=serial)
        if outcome.inspection_id is not None:
            self.changes.fire(RecordsChanged("inspection", outcome.inspection_id))
        references = {o.view_code or "": self._inspection.reference_pixels(o) for o in outcome.view_outcomes}
        return Inspected(request.request_id, outcome, serial, self._inspection.reference_pixels(outcome),
                         view_references=references)

    def _inspect_views(self, request: BenchRequest, capture: ViewCapture, serial: str | None) -> InspectionOutcome:
        """Every view of the part judged, the worst view's outcome carrying the part's verdict and its views;
        raises PartNotInspectedError (with every view's result) when a view was not captured or judged."""
        part = self._inspection.inspect_part(
            request.product_code, capture.frames, skews_ms=capture.skews_ms, errors=capture.errors,
            inspector_id=request.inspector_id, record=request.record, serial=serial,
            source_name=(request.source_name or "part").rsplit(".", 1)[0])
        if part.error is not None or part.outcome is None:
            raise PartNotInspectedError(part.error or "the part was not inspected", part.views)
        return part.outcome

    def excerpts(self, request_id: int, outcome: InspectionOutcome) -> ExcerptsReady:
        """The manual sections for a FAIL/UNCERTAIN outcome (raises when guidance is not installed)."""
        guidance = self._require_guidance()
        code, regions, scores = guide_inputs(outcome)
        return ExcerptsReady(request_id, tuple(guidance.excerpts(outcome.product_code, code, regions, scores)))

    def write_guide(self, request_id: int, outcome: InspectionOutcome, language: Language,
                    excerpts: Sequence[ManualExcerpt] | None,
                    cancel: CancelToken | None = None) -> Generator[GuideUpdate | GuideDone | Failed, None, None]:
        """Streams the guide (GuideUpdate events, each the whole guide so far; the last one is the stored
        content), stores it on the recorded result and yields GuideDone;
        ``excerpts`` None retrieves them again. A failed stage yields one Failed and ends the stream."""
        guidance = self._require_guidance()
        cancel = cancel or CancelToken()
        code, regions, scores = guide_inputs(outcome)
        try:
            request = guidance.build_request(outcome.product_code, code, regions, {"anomaly": scores["anomaly"]},
                                             language=language,
                                             excerpts=list(excerpts) if excerpts is not None else None)
        except Exception as exc:  # noqa: BLE001
            yield Failed(request_id, "guide", error_line(exc), exc)
            return

        def write(report: Callable[[GuideUpdate], None]) -> Guide:
            return guidance.stream_guide(request, on_update=lambda text: report(GuideUpdate(request_id, text)),
                                         cancel_event=cancel)

        try:
            guide = yield from stream_callback(write, cancel, name="bench-guide")
        except Exception as exc:  # noqa: BLE001
            yield Failed(request_id, "guide", error_line(exc), exc)
            return
        saved = False
        if outcome.result_id:
            try:
                guidance.save_guide(outcome.result_id, guide)
            except Exception as exc:  # noqa: BLE001
                yield Failed(request_id, "save", error_line(exc), exc)
                return
            saved = True
        yield GuideDone(request_id, guide, saved)

    def reevaluate(self, request_id: int, shown: Inspected) -> Inspected:
        """``shown`` judged with the product's current thresholds (nothing recorded, same reference)."""
        if self._thresholds is None:
            raise ValueError("this workflow was built without a threshold source")
        if shown.outcome.view_outcomes:
            return Inspected(request_id, self._reevaluate_views(shown.outcome), shown.serial, shown.reference,
                             view_references=shown.view_references)
        t = self._thresholds.thresholds(shown.outcome.product_code)
        outcome = self._inspection.reevaluate(shown.outcome, image_threshold=t.image_threshold,
                                              pixel_threshold=t.pixel_threshold,
                                              review_threshold=t.review_threshold)
        return Inspected(request_id, outcome, shown.serial, shown.reference)

    def _reevaluate_views(self, part: InspectionOutcome) -> InspectionOutcome:
        """A part of several views judged again: each view with its own current thresholds, the worst view
        deciding (nothing recorded)."""
        assert self._thresholds is not None
        views = []
        for outcome in part.view_outcomes:
            t = self._thresholds.thresholds(outcome.product_code, outcome.view_code)
            views.append(self._inspection.reevaluate(outcome, image_threshold=t.image_threshold,
                                                     pixel_threshold=t.pixel_threshold,
                                                     review_threshold=t.review_threshold))
        decider = max(views, key=lambda o: (SEVERITY[o.verdict], o.image_score))
        results = tuple(replace(v, verdict=o.verdict.value, regions_count=len(o.regions),
                                regions=[r.to_json() for r in o.regions], image_threshold=o.image_threshold,
                                pixel_threshold=o.pixel_threshold, review_threshold=o.review_threshold,
                                defect_type=None if o.defect is None else o.defect.defect_code,
                                defect_type_id=None if o.defect is None else o.defect.defect_type_id)
                        for v, o in zip(part.views, views))
        return replace(decider, verdict=worst_verdict(o.verdict for o in views), views=results,
                       view_outcomes=tuple(views), reevaluated=True, inspection_code=part.inspection_code,
                       inspection_id=part.inspection_id, result_id=part.result_id,
                       test_image_id=part.test_image_id)

    def _watch_recurrence(self, outcome: InspectionOutcome) -> None:
        """After the verdict is out (it never waits for this): a recorded FAIL may raise a recurrence alert."""
        if self._recurrence is None or outcome.inspection_id is None or not outcome.defect_detected:
            return
        try:
            self._recurrence.check(outcome.inspection_id)
        except Exception:  # noqa: BLE001 - the part is recorded; the watch never costs its verdict or guide
            log.exception("recurrence check failed for inspection %s", outcome.inspection_id)

    def _require_guidance(self) -> GuidanceService:
        if self._guidance is None:
            from station.domain.errors import StationError

            raise StationError("manual guidance is not available in this station build")
        return self._guidance
