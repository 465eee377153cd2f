"""The GUI bench on the line: the links wired under Line I/O (MQTT, Modbus TCP, serial) trigger the bench
exactly as the Space key does, and each verdict goes back out on every link.

The service's :class:`~station.services.line.station.LineStation` takes the camera frame when the trigger
arrives and queues it; its worker hands the part to the GUI thread, where the bench starts its usual
inspection job, and waits (off the GUI thread) until the bench has the verdict, which it then publishes.
Connecting, publishing and disconnecting run on this controller's own thread, never on the GUI thread: a
broker that is down gives one line in the status bar, and the bench keeps working on Space.

Products: the bench's product is the line's active product; the others with a built model may be named by
the line. A changeover to one of them is answered on the line as ``station serve`` answers it and switches
the bench's product (the window's own product-switching path) once the parts that arrived before it are
done; a trigger naming one (by code or recipe number) switches the bench to it before that part, taken when
the trigger arrived, is inspected, so a part is always judged by its own product. Each switch made by the
line is logged and audited as the line's (no user) and the bench says so in one line. A product the station
does not have (or without a built model) is an error result at once and the bench stays on its product. A
camera that gives no frames makes the line status ``degraded`` with the reason.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from station.domain.engine import InspectionOutcome
from station.domain.errors import StationError, error_line
from station.domain.line import LineResult, LineStatus, LineTrigger
from station.services.line import Deliver, LineSettingsService, LineStation, describe
from station.services.line import AlertLink, LineLink
from station.ui.camera_bridge import CameraBridge

log = logging.getLogger(__name__)

BENCH_DETAIL = "GUI bench"
ANSWER_TIMEOUT_S = 300.0  # the bench always answers; this only keeps a stuck GUI from freezing the line
RETRY_MS = 30_000
HEALTH_MS = 1_000


@dataclass
class LinePart:
    """A line trigger waiting for the bench: the bench calls :meth:`inspected` or :meth:`failed` once."""

    trigger: LineTrigger
    image: Any
    outcome: InspectionOutcome | None = None
    error: str | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def inspected(self, outcome: InspectionOutcome) -> None:
        if not self.done.is_set():
            self.outcome = outcome
            self.done.set()

    def failed(self, message: str) -> None:
        if not self.done.is_set():
            self.error = message
            self.done.set()


class LineBench(Protocol):
    """What the controller needs of the bench screen."""

    @property
    def busy(self) -> bool: ...

    def inspect_line_part(self, part: LinePart) -> None: ...

    def line_changed_product(self, product: str, previous: str | None) -> None: ...

    def line_capture(self) -> Any:
        """Every view's frame now for a product of several views (called from a link's thread), else None."""
        ...


# Switches the window's product to the code for the line; None once done, else one line on why not.
ProductSwitch = Callable[[str], "str | None"]
# The codes of the products the line may name: those with a built model (called off the GUI thread).
ServedProducts = Callable[[], Sequence[str]]


def served_products(services: Any) -> list[str]:
    """The codes of the station's products with a built model (the ones the line may name); call it off
    the GUI thread (it reads the catalog and the models' files)."""
    return [product.code for product in services.catalog.list_products()
            if services.preview.bank_info(product.code) is not None]


@dataclass(frozen=True)
class _Changeover:
    """A changeover the line made (answered ``changed``): the bench follows once it is not inspecting."""

    product: str
    link: str
    trigger_id: str


class _BenchStatusLink:
    """A link whose status messages say the station is the GUI bench; the first link of a station also
    reports each changeover the line made (``changed``) to ``on_changeover``."""

    def __init__(self, link: LineLink, on_changeover: Callable[[LineResult], None] | None = None) -> None:
        self._link = link
        self.name = link.name
        self._on_changeover = on_changeover

    def start(self, on_trigger: Any) -> None:
        self._link.start(on_trigger)

    def publish_result(self, result: LineResult) -> None:
        if self._on_changeover is not None and result.kind == "changeover" and result.status == "changed":
            self._on_changeover(result)
        self._link.publish_result(result)

    def publish_status(self, status: LineStatus) -> None:
        if status.detail is None:
            status = dataclasses.replace(status, detail=BENCH_DETAIL)
        self._link.publish_status(status)

    def publish_alert(self, alert: Mapping[str, Any]) -> None:
        if isinstance(self._link, AlertLink):
            self._link.publish_alert(alert)

    def stop(self) -> None:
        self._link.stop()


class LineController(QObject):
    state_changed = Signal(str, str)   # level ("ok", "warning", "off"), one line for the status bar
    _arrived = Signal(object)          # LinePart, from the line station's worker to the GUI thread
    _started = Signal(object, object, str)  # generation, the started LineStation or None, what is wired
    _start_failed = Signal(object, str)  # generation, one line on why
    _changed = Signal(object, object)  # generation, the LineResult of a changeover the line made

    def __init__(self, service: LineSettingsService, camera: CameraBridge, parent: QObject | None = None,
                 served: ServedProducts = lambda: (), switch: ProductSwitch | None = None) -> None:
        super().__init__(parent)
        self._service, self._camera = service, camera
        self._served, self.switch = served, switch
        self._following = False  # the window's product is being switched for the line (no changeover back)
        self._changeover: _Changeover | None = None  # a changeover the bench has still to follow
        self._io = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bench-line")
        self._station: LineStation | None = None
        self._bench: LineBench | None = None
        self._product: str | None = None
        self._generation = 0
        self._waiting: list[LinePart] = []
        self.level, self.text = "off", ""
        self._arrived.connect(self._take)
        self._changed.connect(self._line_changeover)
        self._started.connect(self._on_started)
        self._start_failed.connect(self._on_start_failed)
        self._retry = QTimer(self, singleShot=True, interval=RETRY_MS)
        self._retry.timeout.connect(self.restart)
        self._pump = QTimer(self, interval=50)
        self._pump.timeout.connect(self._serve_waiting)
        self._health = QTimer(self, interval=HEALTH_MS)  # the camera's health on the line's status
        self._health.timeout.connect(self._refresh_status)

    @property
    def station(self) -> LineStation | None:
        return self._station

    # the bench ----------------------------------------------------------------------------------------
    def attach(self, bench: LineBench, product_code: str | None) -> None:
        """The bench screen of the signed-in user: line triggers inspect there (starts the line if needed)."""
        self._bench = bench
        if product_code != self._product or self._station is None:
            self._product = product_code
            self.restart()

    def detach(self, bench: LineBench) -> None:
        """The bench is gone (sign-out, language switch): waiting parts are answered, the links stay."""
        if self._bench is bench:
            self._bench = None
            self._fail_waiting("no bench is open at the station")

    @property
    def product(self) -> str | None:
        """The bench's product as the line knows it."""
        return self._product

    def set_product(self, product_code: str | None) -> None:
        """The bench's product changed. Chosen at the bench: the line's active product follows (a changeover
        answered on the line; a product the running line does not serve restarts it). Switched for the line:
        only noted."""
        if product_code == self._product:
            return
        self._product = product_code
        station = self._station
        if self._following:
            return
        self._changeover = None  # the worker's choice replaces a changeover not yet followed
        if station is not None and product_code is not None and product_code in station.products:
            self._io.submit(self._bench_changeover, station, product_code)
        else:
            self.restart()

    @staticmethod
    def _bench_changeover(station: LineStation, product_code: str) -> None:
        station.on_trigger(LineTrigger(source="local", product=product_code, action="changeover"))

    # life cycle -----------------------------------------------------------------------------------------
    def restart(self) -> None:
        """(Re)opens the line for the bench's product with the saved wiring, off the GUI thread."""
        self._retry.stop()
        self._generation += 1
        generation, product = self._generation, self._product
        old, self._station = self._station, None
        self._changeover = None
        self._fail_waiting("the line is restarting")
        if old is not None:
            self._io.submit(self._stop_quietly, old)
        if product is None or self._bench is None:
            self._show("off", "")
            return
        self._show("warning", self.tr("Line: connecting…"))
        self._io.submit(self._open, generation, product)

    def _open(self, generation: int, product: str) -> None:
        links: list[_BenchStatusLink] = []

        def wrap(link: LineLink) -> LineLink:
            reports = None if links else (lambda result: self._changed.emit(generation, result))
            links.append(_BenchStatusLink(link, reports))
            return links[-1]

        try:
            others = [code for code in self._served() if code != product]
        except Exception as exc:  # noqa: BLE001 - the line still serves the bench's own product
            log.warning("the products the line may name are unknown, it serves %s only: %s", product, exc)
            others = []
        try:
            station = self._service.open_station(product, self._frame, self._inspect, wrap=wrap,
                                                 camera_problem=self._camera_problem, products=others)
            wired = describe(self._service.wiring()) if station is not None else ""
            if station is not None:
                station.start()
        except Exception as exc:  # noqa: BLE001 - a line that cannot start must never stop the bench
            log.warning("line not started: %s", exc)
            self._start_failed.emit(generation, error_line(exc))
            return
        self._started.emit(generation, station, wired)

    def _on_started(self, generation: int, station: LineStation | None, wired: str) -> None:
        if generation != self._generation:  # superseded meanwhile: close what was opened
            if station is not None:
                self._io.submit(self._stop_quietly, station)
            return
        self._station = station
        if station is None:
            self._health.stop()
            self._show("off", "")
            return
        self._health.start()
        self._show("ok", self.tr("Line: {0} · online").format(wired))

    def _on_start_failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self._show("warning", self.tr("Line offline: {0} — the bench works without it (retry in 30 s)").format(message))
        if self._bench is not None:
            self._retry.start()

    def stop(self) -> None:
        """Closes the links (sign-out): off the GUI thread."""
        self._retry.stop()
        self._health.stop()
        self._generation += 1
        self._changeover = None
        self._fail_waiting("station stopping")
        old, self._station = self._station, None
        if old is not None:
            self._io.submit(self._stop_quietly, old)
        self._show("off", "")

    def close(self, timeout: float = 15.0) -> None:
        """Window closing: stops the links and waits for them (bounded) so nothing is left connected."""
        self.stop()
        done = self._io.submit(lambda: None)
        try:
            done.result(timeout)
        except Exception:  # noqa: BLE001 - a link that does not close in time is logged, the window closes
            log.warning("line links did not close within %.0f s", timeout)
        self._io.shutdown(wait=False)

    @staticmethod
    def _stop_quietly(station: LineStation) -> None:
        try:
            station.stop(timeout=30.0)
        except Exception as exc:  # noqa: BLE001
            log.warning("line did not stop cleanly: %s", exc)

    def _refresh_status(self) -> None:
        station = self._station
        if station is None:
            self._health.stop()
            return
        self._io.submit(station.refresh_status)  # a status message is link I/O: off the GUI thread

    def _show(self, level: str, text: str) -> None:
        self.level, self.text = level, text
        self.state_changed.emit(level, text)

    # triggers (line station worker) --------------------------------------------------------------------
    def _frame(self) -> Any:
        bench = self._bench
        views = bench.line_capture() if bench is not None else None
        if views is not None:  # a product of several views: every view's frame, taken now
            return views
        feed = self._camera.feed
        frame = feed.latest() if feed is not None else None
        return None if frame is None else frame.image.copy()

    def _camera_problem(self) -> str | None:
        feed = self._camera.feed
        if feed is None:
            return "no camera is open at the bench"
        status = feed.status()
        if str(getattr(status, "state", "")) == "live" and feed.latest() is not None:
            return None
        return f"camera {getattr(status, 'source', '') or '?'} gives no frames: {getattr(status, 'message', '')}"

    def _inspect(self, trigger: LineTrigger, image: Any, deliver: Deliver) -> None:
        part = LinePart(trigger, image)
        self._arrived.emit(part)
        if not part.done.wait(ANSWER_TIMEOUT_S):
            raise StationError(f"the bench did not answer within {ANSWER_TIMEOUT_S:.0f} s")
        if part.outcome is None:
            raise StationError(part.error or "the bench did not inspect the part")
        deliver(part.outcome)  # publishing is link I/O: here, on the line station's worker

    # GUI thread --------------------------------------------------------------------------------------
    def _take(self, part: LinePart) -> None:
        self._waiting.append(part)
        self._serve_waiting()

    def _line_changeover(self, generation: int, result: LineResult) -> None:
        """The line made ``result.product_code`` active: the bench follows once the parts that arrived before
        it are done (each is judged by its own product) and the bench is not inspecting."""
        if generation != self._generation or result.trigger.source == "local":
            return  # an older line, or the bench's own choice told to the line
        self._changeover = _Changeover(result.product_code, result.trigger.source, result.trigger.trigger_id)
        self._serve_waiting()

    def _follow(self, product: str, link: str, trigger_id: str, reason: str) -> str | None:
        """Switches the bench to ``product`` for the line (GUI thread); None once done, else why not."""
        previous = self._product
        if product == previous:
            return None
        if self.switch is None:
            return "the bench cannot change its product"
        self._following = True
        try:
            problem = self.switch(product)
        finally:
            self._following = False
        if problem is not None:
            log.warning("the line asked for product %s (%s), the bench stays on %s: %s", product, reason,
                        previous, problem)
            return problem
        self._product = product
        log.info("the line (%s, trigger %s) changed the bench's product: %s -> %s (%s)", link, trigger_id,
                 previous, product, reason)
        self._io.submit(self._audit, previous, product, link, trigger_id, reason)
        if self._bench is not None:
            self._bench.line_changed_product(product, previous)
        return None

    def _line_busy(self) -> bool:
        """The line station still has parts in hand or waiting: those that arrived before a changeover are
        judged by their own product first (each switches the bench itself), the changeover is followed after."""
        station = self._station
        if station is None:
            return False
        health = station.health()
        return bool(health["busy"] or health["queued"])

    def _audit(self, previous: str | None, product: str, link: str, trigger_id: str, reason: str) -> None:
        try:
            self._service.record_changeover(previous, product, link, trigger_id, reason)
        except Exception as exc:  # noqa: BLE001 - a store that is down never stops the line
            log.warning("the line's product change was not audited: %s", exc)

    def _serve_waiting(self) -> None:
        bench = self._bench
        if not self._waiting and self._changeover is None:
            self._pump.stop()
            return
        if bench is None:
            self._changeover = None
            self._fail_waiting("no bench is open at the station")
            return
        if bench.busy:
            self._pump.start()  # the bench finishes the part in hand first (the line station queues)
            return
        if self._waiting:
            part = self._waiting.pop(0)
            product = part.trigger.product
            problem = None
            if product is not None and product != self._product:
                problem = self._follow(product, part.trigger.source, part.trigger.trigger_id, "part")
            if problem is not None:
                part.failed(f"the bench cannot change to product {product!r} for this part: {problem}")
            else:
                bench.inspect_line_part(part)
        elif self._changeover is not None and not self._line_busy():
            change, self._changeover = self._changeover, None
            self._follow(change.product, change.link, change.trigger_id, "changeover")
        if self._waiting or self._changeover is not None:
            self._pump.start()

    def _fail_waiting(self, reason: str) -> None:
        waiting, self._waiting = self._waiting, []
        for part in waiting:
            part.failed(reason)
