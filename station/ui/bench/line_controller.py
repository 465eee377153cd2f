"""The GUI bench on the line: the links wired under Line I/O (MQTT, Modbus TCP, serial) trigger the bench
exactly as the Space key does, and each verdict goes back out on every link.

The service's :class:`~station.services.line.station.LineStation` takes the camera frame when the trigger
arrives and queues it; its worker hands the part to the GUI thread, where the bench starts its usual
inspection job, and waits (off the GUI thread) until the bench has the verdict, which it then publishes.
Connecting, publishing and disconnecting run on this controller's own thread, never on the GUI thread: a
broker that is down gives one line in the status bar, and the bench keeps working on Space.

The bench serves the product chosen at the bench: a trigger or changeover naming another product (or a
recipe number of another product) is answered with an error result that says so; the product is changed at
the bench. A camera that gives no frames makes the line status ``degraded`` with the reason.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from station.domain.engine import InspectionOutcome
from station.domain.errors import StationError, error_line
from station.domain.line import LineResult, LineStatus, LineTrigger
from station.services.line import Deliver, LineSettingsService, LineStation, describe
from station.services.line import LineLink
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


class _BenchStatusLink:
    """A link whose status messages say the station is the GUI bench."""

    def __init__(self, link: LineLink) -> None:
        self._link = link
        self.name = link.name

    def start(self, on_trigger: Any) -> None:
        self._link.start(on_trigger)

    def publish_result(self, result: LineResult) -> None:
        self._link.publish_result(result)

    def publish_status(self, status: LineStatus) -> None:
        if status.detail is None:
            status = LineStatus(status.station_id, status.state, status.product_code, status.queued,
                                status.last_inspection_code, BENCH_DETAIL, status.since)
        self._link.publish_status(status)

    def stop(self) -> None:
        self._link.stop()


class LineController(QObject):
    state_changed = Signal(str, str)   # level ("ok", "warning", "off"), one line for the status bar
    _arrived = Signal(object)          # LinePart, from the line station's worker to the GUI thread
    _started = Signal(object, object, str)  # generation, the started LineStation or None, what is wired
    _start_failed = Signal(object, str)  # generation, one line on why

    def __init__(self, service: LineSettingsService, camera: CameraBridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._service, self._camera = service, camera
        self._io = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bench-line")
        self._station: LineStation | None = None
        self._bench: LineBench | None = None
        self._product: str | None = None
        self._generation = 0
        self._waiting: list[LinePart] = []
        self.level, self.text = "off", ""
        self._arrived.connect(self._take)
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

    def set_product(self, product_code: str | None) -> None:
        if product_code != self._product:
            self._product = product_code
            self.restart()

    # life cycle -----------------------------------------------------------------------------------------
    def restart(self) -> None:
        """(Re)opens the line for the bench's product with the saved wiring, off the GUI thread."""
        self._retry.stop()
        self._generation += 1
        generation, product = self._generation, self._product
        old, self._station = self._station, None
        self._fail_waiting("the line is restarting")
        if old is not None:
            self._io.submit(self._stop_quietly, old)
        if product is None or self._bench is None:
            self._show("off", "")
            return
        self._show("warning", self.tr("Line: connecting…"))
        self._io.submit(self._open, generation, product)

    def _open(self, generation: int, product: str) -> None:
        try:
            station = self._service.open_station(product, self._frame, self._inspect, wrap=_BenchStatusLink,
                                                 camera_problem=self._camera_problem)
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

    def _serve_waiting(self) -> None:
        if not self._waiting:
            self._pump.stop()
            return
        bench = self._bench
        if bench is None:
            self._fail_waiting("no bench is open at the station")
            return
        if bench.busy:
            self._pump.start()  # the bench finishes the part in hand first (the line station queues)
            return
        bench.inspect_line_part(self._waiting.pop(0))
        if self._waiting:
            self._pump.start()

    def _fail_waiting(self, reason: str) -> None:
        waiting, self._waiting = self._waiting, []
        for part in waiting:
            part.failed(reason)
