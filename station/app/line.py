"""Wires the line: the headless line station (``station serve``: camera, the bench workflow, the line links
from ``line.toml`` and the command line, the recurrence watch, sync, the health endpoint, and a clean stop
on SIGTERM/SIGINT; see ``station.services.line.station`` for the rules on queued and in-flight triggers),
and the Line I/O settings the GUI edits in the same ``line.toml``."""

from __future__ import annotations

import itertools
import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from station.adapters.camera.worker import make_capture_worker
from station.adapters.line.health_http import HealthServer
from station.adapters.line.modbus import ModbusLink
from station.adapters.line.mqtt import MqttLink
from station.adapters.line.serial_line import SerialLink
from station.adapters.line.wiring_file import apply_options, load_wiring, wiring_path
from station.adapters.line.wiring_store import TomlWiringStore
from station.app.station import Station
from station.config import Settings
from station.domain.camera import CameraSpec
from station.domain.errors import ConfigurationError, StationError, error_line
from station.domain.line import LineTrigger, LineWiring
from station.domain.recurrence import RecurrenceWindow
from station.domain.views import PartNotInspectedError, ViewCapture, bank_key
from station.services.line import LineLink
from station.services.line import Deliver, LineSettingsService, LineStation
from station.services.records import HealthAlertService, RecurrenceWatch
from station.services.shared.ports import AuditTrail

log = logging.getLogger(__name__)


CAMERA_WAIT_S = 5.0  # how long ``serve`` waits for the camera's first frame before it reports none


@dataclass(frozen=True)
class ServeOptions:
    product_code: str  # the active product at start
    camera: str | None = None
    products: tuple[str, ...] = ()  # the other products (recipes) the station serves
    mqtt: str | None = None
    modbus: str | None = None
    serial: str | None = None
    opcua: str | None = None  # serve OPC UA at opc.tcp://HOST:PORT
    health_port: int | None = None
    queue_size: int | None = None
    guides: bool = False  # write the corrective-action guide for FAIL/UNCERTAIN parts (blocks the next part)
    language: str = "en"


def build_links(wiring: LineWiring, station_id: str) -> list[LineLink]:
    links: list[LineLink] = []
    if wiring.mqtt is not None:
        links.append(MqttLink(wiring.mqtt, station_id))
    if wiring.modbus is not None:
        links.append(ModbusLink(wiring.modbus))
    if wiring.serial is not None:
        links.append(SerialLink(wiring.serial))
    if wiring.opcua is not None:
        from station.adapters.line.opcua import OpcUaLink  # asyncua loads only when wired

        links.append(OpcUaLink(wiring.opcua, station_id))
    return links


def build_line_settings(settings: Settings, audit: AuditTrail, recurrence: RecurrenceWatch,
                        health_alerts: HealthAlertService | None = None) -> LineSettingsService:
    """The GUI bench's Line I/O settings: saved to ``line.toml`` (the file ``station serve`` reads), the
    links built by :func:`build_links`, the station's recurrence watch as the line observer and its open
    health alerts on the status topic."""
    station_id = settings.station_id
    store = TomlWiringStore(wiring_path(settings.home))

    def observers():  # type: ignore[no-untyped-def]
        wiring = store.load()  # the settings just saved: the window applies to the bench's own watch too
        recurrence.window = RecurrenceWindow(wiring.recurrence_inspections, wiring.recurrence_hours)
        return [recurrence.line_observer(station_id)]

    return LineSettingsService(store, audit, station_id, lambda wiring: build_links(wiring, station_id), observers,
                               alert_summary=health_alerts.summary if health_alerts is not None else None)


def workflow_inspect(ctx: Station, product_code: str | None = None, *, guides: bool,  # type: ignore[no-untyped-def]
                     language: str):
    """The bench workflow as the line station's Inspect: each part is judged by its trigger's product
    (``product_code`` when the trigger names none); the verdict is delivered on ``Inspected`` with
    ``model_load_ms`` (the time to load a product whose model was not loaded: a cold start; null when warm),
    the excerpts and guide (when ``guides``) follow on the same worker."""
    from station.domain.bench import BenchRequest, Failed, Inspected

    workflow = ctx.bench
    inspection = ctx.engine.inspection
    ids = itertools.count(1)

    def inspect(trigger: LineTrigger, image: Any, deliver: Deliver) -> None:
        product = trigger.product or product_code
        if product is None:
            raise StationError("the trigger names no product and the station has no active product")
        failed: list[Failed] = []
        load_ms: float | None = None
        views = inspection.views(product) if isinstance(image, ViewCapture) else []
        cold = [v for v in (views or [None]) if not inspection.cache.is_loaded(bank_key(product, v))]
        if cold:
            started = time.perf_counter()
            try:
                for view in cold:
                    inspection.warm_up(product, view)
            except StationError:
                raise
            except Exception as exc:  # noqa: BLE001 - one line on the line, the traceback in the log
                log.exception("model of %s not loaded", product)
                raise StationError(f"the model of {product!r} could not be loaded: {error_line(exc)}") from exc
            load_ms = round((time.perf_counter() - started) * 1000.0, 1)
            log.info("cold start: %s loaded in %.0f ms", product, load_ms)

        def emit(event: Any) -> None:
            if isinstance(event, Inspected):
                deliver(event.outcome, {"cold_start": load_ms is not None, "model_load_ms": load_ms})
            elif isinstance(event, Failed) and event.stage == "inspect":
                failed.append(event)

        request = BenchRequest(request_id=next(ids), product_code=product, image=image,
                               language=language,  # type: ignore[arg-type]
                               source_name=f"line-{trigger.source}-{trigger.trigger_id}.png",
                               read_serial=trigger.serial is None, serial=trigger.serial, guide=guides)
        for event in workflow.run(request):
            emit(event)
        if failed:
            if isinstance(failed[0].error, PartNotInspectedError):
                raise failed[0].error  # every view's result goes with the error
            raise StationError(failed[0].message)

    return inspect


class ServeRun:
    """One running headless station; ``wait()`` blocks until SIGTERM/SIGINT or ``request_stop()``."""

    def __init__(self, ctx: Station, options: ServeOptions, *, wiring: LineWiring | None = None,
                 camera_factory: Callable[[CameraSpec], Any] = make_capture_worker) -> None:
        self.ctx, self.options = ctx, options
        settings = ctx.settings
        base = wiring if wiring is not None else load_wiring(wiring_path(settings.home))
        self.wiring = apply_options(base, mqtt=options.mqtt, modbus=options.modbus, serial=options.serial,
                                    queue_size=options.queue_size, opcua=options.opcua)
        links = build_links(self.wiring, settings.station_id)
        if not links and options.health_port is None:
            raise ConfigurationError("nothing to serve: give --mqtt, --modbus, --serial or --opcua (or wire them in "
                                     f"{wiring_path(settings.home)}), or --health-port")
        self.products = tuple(dict.fromkeys([options.product_code, *options.products]))
        unknown = sorted({code for code in self.wiring.recipes.values() if code not in self.products})
        if unknown:
            log.warning("line.toml [recipes] names products this station does not serve: %s", ", ".join(unknown))
        # Products of several views: each view's camera (one capture per source, shared by the views on it);
        # the station's camera serves the products without views.
        self.views = {code: self._views_of(code) for code in self.products}
        self.view_cameras: dict[str, Any] = {}
        for source in dict.fromkeys(src for views in self.views.values() for _, src in views if src):
            self.view_cameras[source] = camera_factory(CameraSpec(source=source).validated())
        spec = CameraSpec(source=options.camera).validated() if options.camera else self._camera_spec()
        self.camera_source = spec.source
        self.camera = camera_factory(spec) if any(not v for v in self.views.values()) else None
        self._stop = threading.Event()
        # The bench workflow raises the alert (ctx.recurrence); the observer publishes it on the result topic.
        self.recurrence = ctx.recurrence
        self.recurrence.window = RecurrenceWindow(self.wiring.recurrence_inspections, self.wiring.recurrence_hours)
        self.station = LineStation(settings.station_id, options.product_code, links, self._frame,
                                   workflow_inspect(ctx, options.product_code, guides=options.guides,
                                                    language=options.language),
                                   queue_size=self.wiring.queue_size,
                                   observers=[self.recurrence.line_observer(settings.station_id)],
                                   products=self.products, recipes=self.wiring.recipes,
                                   camera_problem=self.camera_problem, capture_part=self._capture_part,
                                   alert_summary=ctx.health_alerts.summary)
        self.health: HealthServer | None = None

    def _camera_spec(self) -> CameraSpec:
        from station.adapters.camera.settings_file import JsonCameraSettings

        return JsonCameraSettings(self.ctx.settings.home / "camera.json").load()

    def _views_of(self, code: str) -> list[tuple[str, str | None]]:
        """(view code, camera source) of each view of a served product; empty for a product without views
        (or an unknown one: ``start`` reports it)."""
        try:
            return [(c.view_code or "", c.camera_source) for c in self.ctx.station_settings.views(code)]
        except StationError:
            return []

    def _frame(self) -> Any:
        if self.camera is None:
            return None
        frame = self.camera.latest()
        return None if frame is None else frame.image

    def _capture_part(self, product: str | None) -> Any:
        """The frames of a part of ``product`` when its trigger arrives: the station camera's newest image,
        or for a product of several views every view camera's newest frame (taken one after the other at
        once), with each capture's time after the earliest (the skew) and a line for a view without one."""
        views = self.views.get(product or "") or []
        if not views:
            return self._frame()
        frames: dict[str, Any] = {}
        stamps: dict[str, float] = {}
        errors: dict[str, str] = {}
        latest = {source: camera.latest() for source, camera in self.view_cameras.items()}
        for view, source in views:
            frame = latest.get(source or "")
            if frame is None:
                problem = self._problem_of(self.view_cameras[source], source) if source in self.view_cameras \
                    else f"camera {source} gives no frames: not opened"
                errors[view] = f"view {view}: {problem or f'camera {source} gives no frames'}"
                frames[view] = None
            else:
                frames[view], stamps[view] = frame.image, float(frame.timestamp)
        first = min(stamps.values(), default=0.0)
        skews = {view: round((stamps[view] - first) * 1000.0, 2) if view in stamps else None for view, _ in views}
        return ViewCapture(frames, skews, errors)

    @staticmethod
    def _problem_of(camera: Any, source: str) -> str | None:
        status = camera.status()
        state = getattr(getattr(status, "state", None), "value", str(getattr(status, "state", status)))
        if state == "live" and camera.latest() is not None:
            return None
        message = getattr(status, "message", "") or state
        return f"camera {source} gives no frames: {message}"

    def _cameras(self) -> list[tuple[Any, str]]:
        main = [(self.camera, self.camera_source)] if self.camera is not None else []
        return main + [(camera, source) for source, camera in self.view_cameras.items()]

    def camera_problem(self) -> str | None:
        """One line on why a camera gives no frames (None while they all give them): the station is then
        ``degraded`` and a trigger's error says so (a view's camera: the error of a part of that product)."""
        for camera, source in self._cameras():
            problem = self._problem_of(camera, source)
            if problem is not None:
                return problem
        return None

    def start(self) -> str:
        """Loads the models (up to the warm bound, the active product last), opens the camera and the links;
        returns a one-line description."""
        inspection = self.ctx.engine.inspection
        for code in self.products:  # a typo in a product code is one line now, not an error on the line later
            self.ctx.catalog.get_product(code)
            for view, source in self.views[code]:
                if inspection.bank_info(code, view) is None:
                    raise ConfigurationError(f"view {view!r} of product {code!r} has no memory bank yet: run "
                                             f"`station build --product {code} --view {view}`")
                if not source:
                    raise ConfigurationError(f"view {view!r} of product {code!r} has no camera: run `station views "
                                             f"add --product {code} --view {view} --camera SOURCE`")
            if not self.views[code] and inspection.bank_info(code) is None:
                raise ConfigurationError(f"product {code!r} has no memory bank yet: run "
                                         f"`station build --product {code}`")
        cache = inspection.cache
        cache.set_max_products(self.wiring.max_warm_products)
        warm = list(self.products[:cache.max_products])
        for code in reversed(warm[1:]):  # the active product loads last: the most recently used
            for view in [v for v, _ in self.views[code]] or [None]:
                inspection.warm_up(code, view)
        status = self.ctx.bench.warm_up(self.options.product_code)  # every view's bank for a product of views
        for camera, _ in self._cameras():
            camera.start()
        self._wait_for_camera()
        try:
            self.station.start()
        except BaseException:
            for camera, _ in self._cameras():
                camera.stop()
            raise
        self._watch = threading.Thread(target=self._watch_camera, name="serve-camera-watch", daemon=True)
        self._watch.start()
        if self.options.health_port is not None:
            self.health = HealthServer(self._health, self.options.health_port)
            self.health.start()
        try:
            self.ctx.sync.start()
        except Exception as exc:  # noqa: BLE001 - the line works without the centre
            log.warning("sync not started: %s", exc)
        links = ", ".join(link.name for link in self.station.links) or "no line links"
        health = f", health on 127.0.0.1:{self.health.port}" if self.health else ""
        others = [code for code in self.products if code != self.options.product_code]
        served = self.options.product_code + (f" (also {', '.join(others)})" if others else "")
        return f"serving {served} on {links}{health} ({status})"

    def _wait_for_camera(self) -> None:
        deadline = time.monotonic() + CAMERA_WAIT_S
        while self.camera_problem() is not None and time.monotonic() < deadline:
            if self._stop.wait(0.05):
                return

    def _watch_camera(self) -> None:
        """The camera's health on the status topic: degraded when it stops, online when it is back."""
        while not self._stop.wait(1.0):
            self.station.refresh_status()

    def _health(self) -> dict[str, Any]:
        data = self.station.health()
        if self.camera is not None:
            status = self.camera.status()
            data["camera"] = getattr(getattr(status, "state", None), "value", str(status))
            data["camera_source"] = self.camera_source
        else:
            data["camera"], data["camera_source"] = None, None
        if self.view_cameras:
            data["view_cameras"] = {
                f"{code}@{view}": {"source": source, "problem": self._problem_of(self.view_cameras[source], source)}
                for code, views in self.views.items() for view, source in views if source in self.view_cameras}
        cache = self.ctx.engine.inspection.cache
        data["warm_products"] = cache.loaded_products()
        data["max_warm_products"] = cache.max_products
        return data

    def request_stop(self, *_: Any) -> None:
        self._stop.set()

    def install_signals(self) -> None:
        signal.signal(signal.SIGTERM, self.request_stop)
        signal.signal(signal.SIGINT, self.request_stop)

    def wait(self, timeout: float | None = None) -> bool:
        return self._stop.wait(timeout)

    def stop(self) -> None:
        """Finishes the inspection in flight, answers waiting triggers, closes links, camera and sync."""
        self._stop.set()
        self.station.stop()
        if self.health is not None:
            self.health.stop()
        for camera, _ in self._cameras():
            camera.stop()
        self.ctx.sync.stop()
