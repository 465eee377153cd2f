"""The bench workflow, Qt-free: read the serial -> inspect and record -> decode the display assets (the
reference image read once) -> manual excerpts -> stream the guide -> save it on the result.

One object serves the bench screen, ``station inspect`` and a headless station alike::

    workflow = BenchWorkflow(inspection, guidance, read_serial=read_serial, thresholds=settings)
    cancel = CancelToken()
    result = workflow.run(BenchRequest(request_id=7, product_code="demo-cast", image=frame, language="ko"),
                          emit=on_event, cancel=cancel)      # blocking: call it from a worker thread

``emit`` receives, in order, :class:`Inspected`, then (FAIL/UNCERTAIN with ``request.guide``)
:class:`ExcerptsReady`, :class:`GuideToken`\\ s and :class:`GuideDone`; a stage that fails emits one
:class:`Failed` (the stages before it stand: a recorded inspection stays recorded when its guide fails);
After a recorded FAIL (once :class:`Inspected` is emitted) the recurrence watch, when given, looks for a
corrective action that did not hold, whichever front end runs the workflow. ``cancel.cancel()`` before the inspection ends emits :class:`Cancelled`, during the guide stops the LLM
within a token (GuideDone with ``guide.cancelled``). Every event carries ``request.request_id``. The
returned :class:`BenchResult` holds the same events for callers that do not stream (the CLI).

Other entry points: :meth:`warm_up` (load models before the first part), :meth:`write_guide` ("write
again" on an inspection already shown), :meth:`reevaluate` (the shown result judged with the product's
current thresholds, nothing recorded). Every method is thread-safe and blocking.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from station.domain.bench import (
    BenchEvent, BenchRequest, BenchResult, Cancelled, ExcerptsReady, Failed, GuideDone, GuideToken, Inspected,
)
from station.domain.engine import CancelledError, CancelToken, InspectionOutcome
from station.domain.errors import error_line
from station.domain.guidance import Language, ManualExcerpt
from station.services.records.changes import ChangeNotifier, RecordsChanged
from station.services.guidance.service import GuidanceService
from station.services.engine.inspection import InspectionService
from station.services.records.recurrence import RecurrenceWatch
from station.services.engine.settings import Thresholds

log = logging.getLogger(__name__)

SerialReader = Callable[[np.ndarray], "str | None"]
Emit = Callable[[BenchEvent], None]


class ThresholdSource(Protocol):
    """Where the product's configured thresholds live (``StationSettingsService``)."""

    def thresholds(self, product_code: str) -> Thresholds: ...


def _ignore(_: BenchEvent) -> None:
    return None


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
        The local LLM loads with the first guide."""
        loaded = self._inspection.warm_up(product_code)
        parts = [f"{loaded.bank.backbone}{' (degraded)' if loaded.bank.degraded else ''} · "
                 f"{loaded.model.device_name}"]
        if self._guidance is not None:
            self._guidance.excerpts(product_code, None)
            generator = self._guidance.generator
            parts.append(f"guide: {generator.model_name}" if generator is not None else "guide: template")
        return " · ".join(parts)

    def run(self, request: BenchRequest, emit: Emit | None = None, cancel: CancelToken | None = None) -> BenchResult:
        """The whole workflow for one part (see the module docstring); never raises for a failed stage."""
        emit = emit or _ignore
        cancel = cancel or CancelToken()
        rid = request.request_id
        try:
            cancel.raise_if_cancelled()
            inspected = self.inspect(request)
            cancel.raise_if_cancelled()
        except CancelledError:
            event = Cancelled(rid, "inspect")
            emit(event)
            return BenchResult(rid, cancelled=True)
        except Exception as exc:  # noqa: BLE001 - one Failed event, the caller shows its line
            failed = Failed(rid, "inspect", error_line(exc), exc)
            emit(failed)
            return BenchResult(rid, failed=failed)
        emit(inspected)
        outcome = inspected.outcome
        self._watch_recurrence(outcome)
        if not request.guide or not outcome.needs_attention or self._guidance is None:
            return BenchResult(rid, inspected=inspected)
        try:
            ready = self.excerpts(rid, outcome)
        except Exception as exc:  # noqa: BLE001
            failed = Failed(rid, "excerpts", error_line(exc), exc)
            emit(failed)
            return BenchResult(rid, inspected=inspected, failed=failed)
        emit(ready)
        if cancel.cancelled:
            emit(Cancelled(rid, "guide"))
            return BenchResult(rid, inspected=inspected, excerpts=ready.excerpts, cancelled=True)
        done = self.write_guide(rid, outcome, request.language, ready.excerpts, emit, cancel)
        if isinstance(done, Failed):
            return BenchResult(rid, inspected=inspected, excerpts=ready.excerpts, failed=done)
        return BenchResult(rid, inspected=inspected, excerpts=ready.excerpts, guide=done,
                           cancelled=done.guide.cancelled)

    # Stages ---------------------------------------------------------------------------------------
    def inspect(self, request: BenchRequest) -> Inspected:
        """Serial, inspection (recorded unless ``request.record`` is false) and the decoded reference."""
        serial = request.serial
        if serial is None and request.read_serial and self._read_serial is not None and isinstance(request.image, np.ndarray):
            try:
                serial = self._read_serial(request.image)
            except Exception as exc:  # noqa: BLE001 - an unreadable code never costs the inspection
                log.warning("serial not read: %s", exc)
        outcome = self._inspection.inspect(request.product_code, request.image, inspector_id=request.inspector_id,
                                           record=request.record, source_name=request.source_name, serial=serial)
        if outcome.inspection_id is not None:
            self.changes.fire(RecordsChanged("inspection", outcome.inspection_id))
        return Inspected(request.request_id, outcome, serial, self._inspection.reference_pixels(outcome))

    def excerpts(self, request_id: int, outcome: InspectionOutcome) -> ExcerptsReady:
        """The manual sections for a FAIL/UNCERTAIN outcome (raises when guidance is not installed)."""
        guidance = self._require_guidance()
        code, regions, scores = guide_inputs(outcome)
        return ExcerptsReady(request_id, tuple(guidance.excerpts(outcome.product_code, code, regions, scores)))

    def write_guide(self, request_id: int, outcome: InspectionOutcome, language: Language,
                    excerpts: Sequence[ManualExcerpt] | None, emit: Emit | None = None,
                    cancel: CancelToken | None = None) -> GuideDone | Failed:
        """Streams the guide (GuideToken events), stores it on the recorded result and emits GuideDone;
        ``excerpts`` None retrieves them again. A failure emits and returns Failed."""
        emit = emit or _ignore
        guidance = self._require_guidance()
        code, regions, scores = guide_inputs(outcome)
        stage = "guide"
        try:
            request = guidance.build_request(outcome.product_code, code, regions, {"anomaly": scores["anomaly"]},
                                             language=language,
                                             excerpts=list(excerpts) if excerpts is not None else None)
            guide = guidance.stream_guide(request, on_token=lambda text: emit(GuideToken(request_id, text)),
                                          cancel_event=cancel)
            saved = False
            if outcome.result_id:
                stage = "save"
                guidance.save_guide(outcome.result_id, guide)
                saved = True
        except Exception as exc:  # noqa: BLE001
            failed = Failed(request_id, stage, error_line(exc), exc)  # type: ignore[arg-type]
            emit(failed)
            return failed
        done = GuideDone(request_id, guide, saved)
        emit(done)
        return done

    def reevaluate(self, request_id: int, shown: Inspected) -> Inspected:
        """``shown`` judged with the product's current thresholds (nothing recorded, same reference)."""
        if self._thresholds is None:
            raise ValueError("this workflow was built without a threshold source")
        t = self._thresholds.thresholds(shown.outcome.product_code)
        outcome = self._inspection.reevaluate(shown.outcome, image_threshold=t.image_threshold,
                                              pixel_threshold=t.pixel_threshold,
                                              review_threshold=t.review_threshold)
        return Inspected(request_id, outcome, shown.serial, shown.reference)

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
