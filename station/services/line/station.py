"""The station on the line: triggers from any wired link (MQTT, Modbus, serial) are served one at a time,
and every trigger gets exactly one published answer — an inspection, or a refusal with its reason.

Rules (docs/readme/line.md):
- The camera frame is taken when the trigger arrives (the part is in view *then*); the frame waits in a
  bounded queue while an earlier part is inspected. A trigger arriving when ``queue_size`` triggers
  already wait is refused (``busy``) and published so; never dropped silently.
- A malformed trigger (bad payload) is refused with the reason; no frame -> an ``error`` result.
- Recipes: the station serves a set of products, one of them active. A trigger's product (named, or a PLC
  recipe number resolved through the recipes table, else the active product) is fixed when the trigger
  arrives, before it waits in the queue; a changeover makes its product the active one for the triggers
  that arrive after it and is answered (``kind: "changeover"``). A product the station does not serve gives
  an ``error`` result (no verdict) at once.
- The camera is part of the station's health: while ``camera_problem`` names one, the status is
  ``degraded`` with the reason, and a trigger without a frame gets an error that says so.
- A product of several views: one trigger captures every view's camera (``capture_part``); the part's
  verdict is the worst of its views and its result lists them (``views``); a view without a frame makes
  the part an ``error`` that lists every view, never a PASS.
- Camera/process health alerts a part raised (``InspectionOutcome.health_alerts``, stored by the health
  watch) are published, each as one JSON message, on the links that carry alerts (MQTT: the alert topic);
  the status carries the station's open alerts (``open_alerts``, ``latest_alert``) from ``alert_summary``.
- ``stop()`` refuses new triggers, answers the waiting ones ``refused: station stopping``, lets the
  inspection in flight finish (it is recorded in one transaction, so nothing is half-recorded), publishes
  its result and the ``offline`` status, then closes the links.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from station.domain.engine import InspectionOutcome
from station.domain.errors import StationError
from station.domain.health_alerts import HealthAlertSummary
from station.domain.line import LineResult, LineStatus, LineTrigger, StationState, utc_now
from station.services.line.ports import AlertLink, LineLink

log = logging.getLogger(__name__)

Capture = Callable[[], Any]  # the newest camera image (BGR array), None when there is none
# The frames of a part of the given product, taken when its trigger arrives: the newest image, or for a
# product of several views a ``ViewCapture`` (one frame per view; None when there is none at all).
CapturePart = Callable[[str | None], Any]
CameraProblem = Callable[[], "str | None"]  # why the camera gives no frames, None while it does
# Called with the recorded outcome (and optional extra result fields such as ``model_load_ms``).
Deliver = Callable[..., None]
# Inspects and records the image by ``trigger.product`` (always set: the station resolves it on arrival),
# calls ``deliver`` with the recorded outcome as soon as it exists (the line hears the verdict then), may go
# on with follow-up work (excerpts, guide); raises on failure.
Inspect = Callable[[LineTrigger, Any, Deliver], None]
Observer = Callable[[LineTrigger, InspectionOutcome], Sequence[LineResult]]  # extra messages (alerts)
AlertSummary = Callable[[], HealthAlertSummary]  # the station's open health alerts (count and newest)


@dataclass
class LineCounters:
    inspected: int = 0
    refused: int = 0
    errors: int = 0
    changeovers: int = 0
    last_inspection_code: str | None = None
    last_latency_ms: float | None = None
    by_verdict: dict[str, int] = field(default_factory=dict)


def result_of(station_id: str, trigger: LineTrigger, outcome: InspectionOutcome) -> LineResult:
    """The line's result for a recorded outcome; a part of several views carries ``views`` (each view's
    verdict, score, defect type, regions, capture skew) and ``capture_skew_ms`` (the largest)."""
    defect = outcome.defect
    views: dict[str, Any] = {}
    if outcome.views:
        skews = [v.skew_ms for v in outcome.views if v.skew_ms is not None]
        views = {"views": [v.summary() for v in outcome.views], "view": outcome.view_code,
                 "capture_skew_ms": round(max(skews), 2) if len(skews) > 1 else None}
    return LineResult(
        station_id=station_id, product_code=outcome.product_code, status="inspected", trigger=trigger,
        verdict=outcome.verdict.value, inspection_code=outcome.inspection_code, anomaly_score=outcome.image_score,
        image_threshold=outcome.image_threshold, pixel_threshold=outcome.pixel_threshold,
        review_threshold=outcome.review_threshold,
        defect_type=None if defect is None or defect.unknown else defect.defect_code,
        defect_confidence=None if defect is None else defect.confidence, regions_count=len(outcome.regions),
        inspection_ms=outcome.timings_ms.get("total"), inspected_at=utc_now(), extra=views,
    )


class LineStation:
    """Serves line triggers for a set of products, ``product_code`` active at start (see the module
    docstring). Thread-safe."""

    def __init__(self, station_id: str, product_code: str, links: Sequence[LineLink], capture: Capture,
                 inspect: Inspect, *, queue_size: int = 4, observers: Sequence[Observer] = (),
                 products: Sequence[str] = (), recipes: Mapping[int, str] | None = None,
                 camera_problem: CameraProblem | None = None,
                 capture_part: CapturePart | None = None, alert_summary: AlertSummary | None = None) -> None:
        if queue_size < 0:
            raise StationError("queue_size must be 0 or more")
        self.station_id, self.product_code = station_id, product_code
        self.products: tuple[str, ...] = tuple(dict.fromkeys([product_code, *products]))
        self.recipes = dict(recipes or {})
        self._camera_problem = camera_problem or (lambda: None)
        self.links = list(links)
        self._capture, self._inspect = capture, inspect
        self._capture_part = capture_part
        self._observers = list(observers)
        self._alert_summary = alert_summary
        self._alerts_shown: tuple[int, int | None] = (0, None)  # open count, newest id on the last status
        self._queue: queue.Queue[tuple[LineTrigger, Any, str | None] | None] = queue.Queue()
        self._queue_size = queue_size
        self._lock = threading.Lock()
        self._waiting = 0
        self._busy = False
        self._accepting = False
        self._worker: threading.Thread | None = None
        self.counters = LineCounters()
        self.state: StationState = "offline"

    # life cycle -------------------------------------------------------------------------------------
    def start(self) -> None:
        self._worker = threading.Thread(target=self._run, name="line-station", daemon=True)
        self._worker.start()
        started: list[LineLink] = []
        try:
            for link in self.links:
                link.start(self.on_trigger)
                started.append(link)
        except BaseException:
            for link in started:
                link.stop()
            self._queue.put(None)
            raise
        with self._lock:
            self._accepting = True
        self._publish_status("online")

    @property
    def active_product(self) -> str:
        with self._lock:
            return self.product_code

    def camera_problem(self) -> str | None:
        """Why the camera gives no frames now, or None."""
        try:
            return self._camera_problem()
        except Exception as exc:  # noqa: BLE001 - a failing check is itself the problem to report
            return f"camera status unknown: {exc}"

    def stop(self, timeout: float = 60.0) -> None:
        """Clean shutdown (see the module docstring); returns once the links are closed."""
        with self._lock:
            self._accepting = False
        self._publish_status("stopping", "shutting down")
        pending: list[tuple[LineTrigger, Any, str | None]] = []
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                pending.append(item)
        for trigger, _, _ in pending:
            with self._lock:
                self._waiting -= 1
            self._refuse(trigger, "station stopping")
        self._queue.put(None)
        if self._worker is not None:
            self._worker.join(timeout)
            if self._worker.is_alive():
                log.error("the inspection in flight did not finish within %.0f s", timeout)
        self._publish_status("offline", "stopped")
        for link in self.links:
            try:
                link.stop()
            except Exception as exc:  # noqa: BLE001 - one broken link must not keep the others open
                log.warning("%s link did not close cleanly: %s", link.name, exc)

    # triggers (called from the links' threads) -------------------------------------------------------
    def on_trigger(self, trigger: LineTrigger) -> None:
        if trigger.invalid:
            self._refuse(trigger, trigger.invalid)
            return
        if trigger.action == "changeover":
            if trigger.product is None and trigger.recipe in (None, 0):
                self._refuse(trigger, "a changeover must name the product", kind="changeover")
                return
            self._changeover(trigger)
            return
        with self._lock:
            product, unknown = self._product_of(trigger)
            if product is not None:
                trigger = replace(trigger, product=product)
            if not self._accepting:
                reason = "station stopping"
            elif unknown is not None:
                reason = None
            elif self._waiting >= self._queue_size and (self._busy or self._waiting > 0):
                reason = f"busy: {self._waiting} trigger(s) already waiting (queue size {self._queue_size})"
            else:
                reason = None
                self._waiting += 1
        if reason is not None:
            self._refuse(trigger, reason)
            return
        if unknown is not None:
            self._error(trigger, unknown)
            return
        try:
            image = self._capture_part(trigger.product) if self._capture_part is not None else self._capture()
        except Exception as exc:  # noqa: BLE001 - a camera fault is reported on the line, not raised here
            image = None
            log.warning("camera frame not taken: %s", exc)
        problem = self.camera_problem() if image is None else None
        self._queue.put((trigger, image, problem))
        self._publish_status("busy")

    def _product_of(self, trigger: LineTrigger) -> tuple[str | None, str | None]:
        """(the product the trigger is judged by, None) or (the code asked for or None, why it cannot be);
        call with the lock held (the active product is read at arrival)."""
        if trigger.recipe is not None and trigger.recipe != 0:
            product = self.recipes.get(trigger.recipe)
            if product is None:
                known = ", ".join(f"{n}={code}" for n, code in sorted(self.recipes.items())) or "none"
                return None, f"recipe {trigger.recipe} is not in the recipes table of line.toml (known: {known})"
        else:
            product = trigger.product or self.product_code
        if product not in self.products:
            return product, self._unknown(product)
        return product, None

    def _unknown(self, product: str) -> str:
        return f"product {product!r} is not served by this station (serving: {', '.join(self.products)})"

    def _changeover(self, trigger: LineTrigger) -> None:
        """Makes ``trigger.product`` the active product for the triggers that arrive from now on; answered
        with a ``changeover`` message (or an error for a product the station does not serve)."""
        with self._lock:
            accepting = self._accepting
            product, unknown = self._product_of(trigger)
            if accepting and unknown is None and product is not None:
                previous, self.product_code = self.product_code, product
        if not accepting:
            self._refuse(trigger, "station stopping", kind="changeover")
            return
        if unknown is not None or product is None:
            self._answer(LineResult(self.station_id, product or trigger.product or "", "error",
                                    replace(trigger, product=product), reason=unknown, kind="changeover"))
            return
        log.info("changeover: %s -> %s", previous, product)
        self._answer(LineResult(self.station_id, product, "changed", replace(trigger, product=product),
                                kind="changeover", inspected_at=utc_now(),
                                extra={"previous_product": previous}))
        with self._lock:
            state = self.state if self.state in ("busy",) else "online"
        self._publish_status(state)

    def trigger_now(self, serial: str | None = None, part_id: str | None = None,
                    product: str | None = None) -> LineTrigger:
        """A trigger from the station itself (CLI, health endpoint, GUI)."""
        trigger = LineTrigger(source="local", serial=serial, part_id=part_id, product=product)
        self.on_trigger(trigger)
        return trigger

    # the worker ---------------------------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            trigger, image, camera_problem = item
            with self._lock:
                self._waiting -= 1
                self._busy = True
            try:
                self._serve(trigger, image, camera_problem)
            finally:
                with self._lock:
                    self._busy = False
                    idle = self._waiting == 0 and self._accepting
                if idle:
                    self._publish_status("online")

    def _serve(self, trigger: LineTrigger, image: Any, camera_problem: str | None = None) -> None:
        if image is None:
            self._error(trigger, camera_problem or "no camera frame when the trigger arrived")
            return
        delivered: list[InspectionOutcome] = []

        def deliver(outcome: InspectionOutcome, extra: Mapping[str, Any] | None = None) -> None:
            if delivered:
                return
            delivered.append(outcome)
            result = result_of(self.station_id, trigger, outcome)
            if extra:
                result = replace(result, extra={**result.extra, **extra})
            self._answer(result)
            self._publish_alerts(outcome)
            for observer in self._observers:
                try:
                    for extra in observer(trigger, outcome):
                        self._broadcast(extra)
                except Exception:  # noqa: BLE001 - a watch failing never blocks the line
                    log.exception("line observer failed")

        try:
            self._inspect(trigger, image, deliver)
        except StationError as exc:
            if not delivered:
                fields = getattr(exc, "line_fields", None)
                self._error(trigger, str(exc), fields() if callable(fields) else None)
            else:
                log.warning("follow-up work after %s failed: %s", delivered[0].inspection_code, exc)
        except Exception as exc:  # noqa: BLE001 - the line must hear about every trigger
            log.exception("inspection failed")
            if not delivered:
                self._error(trigger, f"inspection failed: {type(exc).__name__}")
        else:
            if not delivered:
                self._error(trigger, "the workflow ended without an inspection")

    def _error(self, trigger: LineTrigger, reason: str, extra: Mapping[str, Any] | None = None) -> None:
        self._answer(LineResult(self.station_id, trigger.product or self.active_product, "error", trigger,
                                reason=reason, extra=dict(extra or {})))

    # outputs -------------------------------------------------------------------------------------------
    def _refuse(self, trigger: LineTrigger, reason: str, kind: str = "result") -> None:
        self._answer(LineResult(self.station_id, trigger.product or self.active_product, "refused", trigger,
                                reason=reason, kind=kind))

    def _answer(self, result: LineResult) -> None:
        self._broadcast(result)
        with self._lock:
            c = self.counters
            if result.status == "changed":
                c.changeovers += 1
            elif result.status == "inspected":
                c.inspected += 1
                c.last_inspection_code = result.inspection_code
                c.by_verdict[result.verdict or "?"] = c.by_verdict.get(result.verdict or "?", 0) + 1
                c.last_latency_ms = (time.perf_counter() - result.trigger.received_mono) * 1000.0
            elif result.status == "refused":
                c.refused += 1
            else:
                c.errors += 1

    def _broadcast(self, result: LineResult) -> None:
        for link in self.links:
            try:
                link.publish_result(result)
            except Exception:  # noqa: BLE001 - one broken output must not silence the others
                log.exception("%s link: result not published", link.name)

    def _publish_alerts(self, outcome: InspectionOutcome) -> None:
        """Each health alert of the part as one message on the links that carry alerts."""
        for alert in outcome.health_alerts:
            message = {**alert.to_json(), "station": alert.station_code or self.station_id,
                       "station_id": self.station_id, "inspection_code": outcome.inspection_code}
            for link in self.links:
                if isinstance(link, AlertLink):
                    try:
                        link.publish_alert(message)
                    except Exception:  # noqa: BLE001 - one broken output must not silence the others
                        log.exception("%s link: health alert not published", link.name)

    def _open_alerts(self) -> HealthAlertSummary | None:
        if self._alert_summary is None:
            return None
        try:
            return self._alert_summary()
        except Exception:  # noqa: BLE001 - the status goes out without the alerts rather than not at all
            log.exception("open health alerts not read")
            return None

    def _publish_status(self, state: StationState, detail: str | None = None) -> None:
        if state == "online":
            problem = self.camera_problem()
            if problem is not None:
                state, detail = "degraded", problem
        alerts = self._open_alerts()
        summary = alerts.to_json() if alerts is not None else {"open": 0, "latest": None}
        with self._lock:
            self.state = state
            if alerts is not None:
                self._alerts_shown = (alerts.open_count, alerts.latest.alert_id if alerts.latest else None)
            status = LineStatus(self.station_id, state, self.product_code, queued=max(self._waiting, 0),
                                last_inspection_code=self.counters.last_inspection_code, detail=detail,
                                open_alerts=summary["open"], latest_alert=summary["latest"])
        for link in self.links:
            try:
                link.publish_status(status)
            except Exception:  # noqa: BLE001
                log.exception("%s link: status not published", link.name)

    def refresh_status(self) -> None:
        """Publishes the status again when the camera's health or the open health alerts changed since the
        last one (call it periodically: a camera that comes back makes the station ``online``, one that stops
        ``degraded``; an alert acknowledged on the supervisor's screen leaves the count)."""
        with self._lock:
            state, accepting, busy = self.state, self._accepting, self._busy or self._waiting > 0
            shown = self._alerts_shown
        if not accepting or busy:
            return
        degraded = self.camera_problem() is not None
        alerts = self._open_alerts()
        now = shown if alerts is None else (alerts.open_count, alerts.latest.alert_id if alerts.latest else None)
        if degraded != (state == "degraded") or now != shown:
            self._publish_status("online")

    def health(self) -> dict[str, Any]:
        problem = self.camera_problem()
        with self._lock:
            c = self.counters
            return {"station_id": self.station_id, "product_code": self.product_code,
                    "products": list(self.products), "changeovers": c.changeovers,
                    "camera_problem": problem, "state": self.state,
                    "queued": max(self._waiting, 0), "busy": self._busy, "inspected": c.inspected,
                    "refused": c.refused, "errors": c.errors, "by_verdict": dict(c.by_verdict),
                    "last_inspection_code": c.last_inspection_code, "last_latency_ms": c.last_latency_ms,
                    "open_alerts": self._alerts_shown[0],
                    "links": [link.name for link in self.links]}
