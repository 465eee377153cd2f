"""OPC UA line link (asyncua): the station is an OPC UA *server* at ``opc.tcp://HOST:PORT/station/``; a PLC
or MES is the client. It calls the ``Trigger``/``SetProduct`` methods and reads (or subscribes to) read-only
variables that carry the station's status and the last result.

Address space (namespace ``urn:inspection-station``, string node ids ``Station_<id>.<Name>``)::

    Objects/Station_<id>            State, Detail, ActiveProduct, Queued, LastInspectionCode, LastChangeover,
                                    LastAlert
    Objects/Station_<id>/LastResult Status, Verdict, VerdictCode, Reject, AnomalyScore, DefectType,
                                    InspectionCode, Product, Serial, TriggerId, Reason, ResultJson,
                                    ResultCounter (written last, +1 per result)
    Station_<id>.Trigger(Product: String, Serial: String) -> TriggerId: String
    Station_<id>.SetProduct(Product: String) -> TriggerId: String

The server runs on its own thread and event loop. Method calls run on asyncua's worker threads and hand the
trigger to the station there; ``publish_result``/``publish_status`` (from the station's threads) hand the
writes to the server's loop and wait for them, so the variables hold the result when the call returns.
A call with the wrong number or types of arguments is refused with the OPC UA status code (BadTypeMismatch,
BadArgumentsMissing, BadTooManyArguments) and triggers nothing; a serial or product that is not 1-64
printable ASCII characters makes a trigger that the station refuses and publishes, like the other links.
The answer to ``SetProduct`` goes to ``LastChangeover``: ``LastResult`` and its counter are about parts only.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import threading
from collections.abc import Callable, Coroutine
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from asyncua import Server, ua
from asyncua.common.node import Node
from asyncua.crypto.truststore import TrustStore
from asyncua.crypto.validator import CertificateValidator, CertificateValidatorOptions

from station.domain.errors import ConfigurationError, ValidationError
from station.domain.line import (
    VERDICT_CODES,
    LineResult,
    LineStatus,
    LineTrigger,
    OpcUaWiring,
    clean_text,
)

log = logging.getLogger(__name__)

NAMESPACE = "urn:inspection-station"
_S, _D, _I, _U, _B = (ua.VariantType.String, ua.VariantType.Double, ua.VariantType.Int32,
                      ua.VariantType.UInt32, ua.VariantType.Boolean)

# name, type, initial value, description (shown to browsing clients)
STATUS_VARIABLES: tuple[tuple[str, ua.VariantType, Any, str], ...] = (
    ("State", _S, "offline", "the station's state as on the MQTT status topic (online, busy, stopping, offline, ...)"),
    ("Detail", _S, "", "why the station is in its state, when it says"),
    ("ActiveProduct", _S, "", "the product code parts are judged by when a trigger names none"),
    ("Queued", _I, 0, "triggers waiting while a part is inspected"),
    ("LastInspectionCode", _S, "", "the inspection code of the last inspected part"),
    ("LastChangeover", _S, "", "the answer to the last SetProduct (changeover) as a JSON object"),
    ("LastAlert", _S, "", "the last recurrence alert as a JSON object"),
)
RESULT_VARIABLES: tuple[tuple[str, ua.VariantType, Any, str], ...] = (
    ("Status", _S, "", "inspected, refused or error"),
    ("Verdict", _S, "", "PASS, FAIL or UNCERTAIN; empty when the part was not inspected"),
    ("VerdictCode", _I, 0, "1 PASS, 2 FAIL, 3 UNCERTAIN, 4 refused, 5 error (as the Modbus verdict register)"),
    ("Reject", _B, False, "true for every result that is not PASS"),
    ("AnomalyScore", _D, math.nan, "the part's anomaly score; NaN when it was not inspected"),
    ("DefectType", _S, "", "the defect type code; empty for PASS or an unknown type"),
    ("InspectionCode", _S, "", "the recorded inspection's code"),
    ("Product", _S, "", "the product code the part was judged by"),
    ("Serial", _S, "", "the serial number of the part"),
    ("TriggerId", _S, "", "the id Trigger/SetProduct returned for the request this result answers"),
    ("Reason", _S, "", "why there is no verdict (refused, error)"),
    ("ResultJson", _S, "", "the whole result message as a JSON object (as on the MQTT result topic)"),
    ("ResultCounter", _U, 0, "+1 per result, written after the other variables: a change means a new result"),
)


def _argument(name: str, description: str) -> ua.Argument:
    arg = ua.Argument()
    arg.Name = name
    arg.DataType = ua.NodeId(ua.ObjectIds.String)
    arg.ValueRank = -1
    arg.Description = ua.LocalizedText(description)
    return arg


def _refusal(code: int, results: list[ua.StatusCode] | None = None) -> ua.CallMethodResult:
    res = ua.CallMethodResult()
    res.StatusCode = ua.StatusCode(code)
    res.InputArgumentResults = results or []
    return res


def _text_arguments(args: tuple[Any, ...], count: int) -> list[str | None] | ua.CallMethodResult:
    """The method's String arguments, or the OPC UA refusal for a wrong count or type."""
    if len(args) < count:
        return _refusal(ua.StatusCodes.BadArgumentsMissing)
    if len(args) > count:
        return _refusal(ua.StatusCodes.BadTooManyArguments)
    checks = [isinstance(a, ua.Variant) and a.VariantType == ua.VariantType.String and not a.is_array
              and (a.Value is None or isinstance(a.Value, str)) for a in args]
    if not all(checks):
        return _refusal(ua.StatusCodes.BadTypeMismatch,
                        [ua.StatusCode(ua.StatusCodes.Good if ok else ua.StatusCodes.BadTypeMismatch) for ok in checks])
    return [a.Value for a in args]


def trigger_from_call(product: str | None, serial: str | None) -> LineTrigger:
    """A Trigger call as the line's trigger (empty strings: none); bad text makes an ``invalid`` trigger."""
    try:
        return LineTrigger(source="opcua", product=clean_text(product, "product"),
                           serial=clean_text(serial, "serial"))
    except ValidationError as exc:
        return LineTrigger(source="opcua", invalid=str(exc))


def changeover_from_call(product: str | None) -> LineTrigger:
    """A SetProduct call as a changeover trigger; no or bad product makes an ``invalid`` one."""
    try:
        code = clean_text(product, "product")
    except ValidationError as exc:
        return LineTrigger(source="opcua", action="changeover", invalid=str(exc))
    if code is None:
        return LineTrigger(source="opcua", action="changeover", invalid="a changeover must name the product")
    return LineTrigger(source="opcua", action="changeover", product=code)


async def _trusted_clients(folder: Path) -> CertificateValidator:
    """Sessions only for the client certificates in ``folder`` (PEM/DER, self-signed or their CA's), in their
    validity period, whose application URI is the one the client gives."""
    if not folder.is_dir():
        raise FileNotFoundError(2, "No such folder", str(folder))
    store = TrustStore([folder], [])
    await store.load()
    options = (CertificateValidatorOptions.TIME_RANGE | CertificateValidatorOptions.URI
               | CertificateValidatorOptions.TRUSTED | CertificateValidatorOptions.PEER_CLIENT)
    return CertificateValidator(options, store)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    return str(exc) or type(exc).__name__


class _OneLine(logging.Filter):
    """asyncua logs a failed start (a port in use) with its traceback: start() reports it as one line, so the
    record goes; a refused client certificate stays one log line, without the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        if "error starting server" in message:
            return False
        if "Not trusted certificate" in message:
            record.exc_info = None
        return True


def _text(value: Any) -> str:
    return "" if value is None else str(value)


class OpcUaLink:
    name = "opcua"

    def __init__(self, wiring: OpcUaWiring, station_id: str, *, start_timeout: float = 60.0,
                 write_timeout: float = 5.0) -> None:
        try:
            self.wiring = wiring.validated()
        except ValidationError as exc:
            raise ConfigurationError(str(exc)) from None
        self.station_id = station_id
        self.port = wiring.port  # the bound port once started (wiring port 0: a free one)
        self._start_timeout, self._write_timeout = start_timeout, write_timeout
        self._on_trigger: Callable[[LineTrigger], None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: Server | None = None
        self._nodes: dict[str, Node] = {}
        self._write_lock: asyncio.Lock | None = None
        self._counter = 0
        self._closing = False

    @property
    def endpoint(self) -> str:
        return f"opc.tcp://{self.wiring.host}:{self.port}/station/"

    # life cycle ------------------------------------------------------------------------------------------
    def start(self, on_trigger: Callable[[LineTrigger], None]) -> None:
        logging.getLogger("asyncua").setLevel(max(logging.WARNING, logging.getLogger("asyncua").level))
        for name in ("asyncua.server.server", "asyncua.crypto.truststore"):
            logger = logging.getLogger(name)
            if not any(isinstance(f, _OneLine) for f in logger.filters):
                logger.addFilter(_OneLine())
        self._on_trigger = on_trigger
        self._closing = False
        ready = threading.Event()
        failure: list[BaseException] = []
        self._thread = threading.Thread(target=self._run, args=(ready, failure), name="opcua-server", daemon=True)
        self._thread.start()
        if not ready.wait(self._start_timeout):
            self._on_trigger = None
            raise ConfigurationError(f"the OPC UA server on {self.wiring.host}:{self.wiring.port} did not start "
                                     f"within {self._start_timeout:.0f} s")
        if failure:
            self._thread.join(10)
            self._on_trigger = None
            raise ConfigurationError(f"cannot serve OPC UA on {self.wiring.host}:{self.wiring.port}: "
                                     f"{_reason(failure[0])}") from None

    def _run(self, ready: threading.Event, failure: list[BaseException]) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._open())
        except Exception as exc:  # noqa: BLE001 - reported by start() as one line
            failure.append(exc)
            ready.set()
            loop.run_until_complete(self._close_server())
            loop.close()
            return
        self._loop = loop
        ready.set()
        try:
            loop.run_forever()
        finally:
            self._loop = None
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _open(self) -> None:
        w = self.wiring
        server = Server()
        self._server = server
        await server.init()
        server.set_endpoint(w.endpoint())
        server.set_server_name(f"Inspection Station {self.station_id}")
        await server.set_application_uri(f"{NAMESPACE}:{self.station_id}")
        if w.security == "basic256sha256":
            await server.load_certificate(w.certificate or "")
            await server.load_private_key(w.private_key or "")
            server.set_security_policy([ua.SecurityPolicyType.Basic256Sha256_SignAndEncrypt])
            if w.trusted_clients:
                server.set_certificate_validator(await _trusted_clients(Path(w.trusted_clients)))
        else:
            server.set_security_policy([ua.SecurityPolicyType.NoSecurity])
        server.set_identity_tokens([ua.AnonymousIdentityToken])  # no user accounts on the line
        idx = await server.register_namespace(NAMESPACE)
        base = f"Station_{self.station_id}"
        station = await server.nodes.objects.add_object(ua.NodeId(base, idx), ua.QualifiedName(base, idx))
        folder = await station.add_folder(ua.NodeId(f"{base}.LastResult", idx), ua.QualifiedName("LastResult", idx))
        for parent, prefix, variables in ((station, base, STATUS_VARIABLES),
                                          (folder, f"{base}.LastResult", RESULT_VARIABLES)):
            for name, vtype, initial, description in variables:
                node = await parent.add_variable(ua.NodeId(f"{prefix}.{name}", idx), ua.QualifiedName(name, idx),
                                                 initial, vtype)
                await node.write_attribute(ua.AttributeIds.Description,
                                           ua.DataValue(ua.Variant(ua.LocalizedText(description))))
                self._nodes[name] = node  # read-only to clients: asyncua's default access level
        await station.add_method(
            ua.NodeId(f"{base}.Trigger", idx), ua.QualifiedName("Trigger", idx), self._trigger_call,
            [_argument("Product", "product code the part is judged by; empty: the active product"),
             _argument("Serial", "the part's serial number; empty: read from the image")],
            [_argument("TriggerId", "the id the result will carry in LastResult.TriggerId")])
        await station.add_method(
            ua.NodeId(f"{base}.SetProduct", idx), ua.QualifiedName("SetProduct", idx), self._set_product_call,
            [_argument("Product", "the product code the following parts are judged by")],
            [_argument("TriggerId", "the id the changeover's answer will carry in LastResult.TriggerId")])
        self._write_lock = asyncio.Lock()
        await server.start()
        assert server.bserver is not None
        self.port = int(server.bserver.port)
        if w.port == 0:  # advertise the port actually bound
            url = self.endpoint
            server.endpoint = urlparse(url)
            for edp in server.iserver.endpoints:
                edp.EndpointUrl = url
                edp.Server.DiscoveryUrls = [url]

    async def _close_server(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        try:
            await server.stop()
        except Exception as exc:  # noqa: BLE001 - closing: the port is released either way
            log.warning("OPC UA server did not stop cleanly: %s", exc)

    def stop(self) -> None:
        """Publishes nothing more: the server closes its port and the clients' sessions."""
        self._on_trigger = None
        self._closing = True
        loop, thread = self._loop, self._thread
        if loop is not None and loop.is_running():
            try:
                asyncio.run_coroutine_threadsafe(self._offline_and_close(), loop).result(30)
            except Exception as exc:  # noqa: BLE001
                log.warning("OPC UA server did not stop cleanly: %s", exc)
            loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(30)
        self._thread = None

    async def _offline_and_close(self) -> None:
        try:
            await self._write({"State": ("offline", _S), "Detail": ("stopped", _S)})
        finally:
            await self._close_server()

    # methods (asyncua's worker threads) ----------------------------------------------------------------------
    def _trigger_call(self, parent: ua.NodeId, *args: Any) -> Any:
        texts = _text_arguments(args, 2)
        if isinstance(texts, ua.CallMethodResult):
            log.warning("OPC UA Trigger call refused: %s", texts.StatusCode.name)
            return texts
        return self._deliver(trigger_from_call(*texts))

    def _set_product_call(self, parent: ua.NodeId, *args: Any) -> Any:
        texts = _text_arguments(args, 1)
        if isinstance(texts, ua.CallMethodResult):
            log.warning("OPC UA SetProduct call refused: %s", texts.StatusCode.name)
            return texts
        return self._deliver(changeover_from_call(texts[0]))

    def _deliver(self, trigger: LineTrigger) -> Any:
        callback = self._on_trigger
        if callback is None:
            return _refusal(ua.StatusCodes.BadInvalidState)
        try:
            callback(trigger)
        except Exception:  # noqa: BLE001 - the caller gets a status code, the server keeps serving
            log.exception("OPC UA trigger %s not taken", trigger.trigger_id)
            return _refusal(ua.StatusCodes.BadInternalError)
        return [ua.Variant(trigger.trigger_id, ua.VariantType.String)]

    # outputs (the station's threads) -------------------------------------------------------------------------
    def publish_result(self, result: LineResult) -> None:
        message = result.to_json()
        if result.kind == "recurrence_alert":
            self._submit(self._write({"LastAlert": (json.dumps(message, ensure_ascii=False), _S)}))
            return
        t = result.trigger
        if result.kind == "changeover" or t.action == "changeover":  # about no part: LastResult stays the part's
            self._submit(self._write({"LastChangeover": (json.dumps(message, ensure_ascii=False), _S)}))
            return
        values = {
            "Status": (result.status, _S), "Verdict": (_text(result.verdict), _S),
            "VerdictCode": (VERDICT_CODES.get(result.verdict or result.status, 0), _I),
            "Reject": (result.rejects, _B),
            "AnomalyScore": (math.nan if result.anomaly_score is None else float(result.anomaly_score), _D),
            "DefectType": (_text(result.defect_type), _S), "InspectionCode": (_text(result.inspection_code), _S),
            "Product": (_text(result.product_code), _S), "Serial": (_text(t.serial), _S),
            "TriggerId": (t.trigger_id, _S), "Reason": (_text(result.reason), _S),
            "ResultJson": (json.dumps(message, ensure_ascii=False), _S),
        }
        self._submit(self._write(values, count=True))

    def publish_status(self, status: LineStatus) -> None:
        self._submit(self._write({
            "State": (status.state, _S), "Detail": (_text(status.detail), _S),
            "ActiveProduct": (_text(status.product_code), _S), "Queued": (int(status.queued), _I),
            "LastInspectionCode": (_text(status.last_inspection_code), _S)}))

    def _submit(self, work: Coroutine[Any, Any, None]) -> None:
        """Runs ``work`` on the server's loop and waits for it; never raises (a stopped server: dropped)."""
        loop = self._loop
        if loop is None or not loop.is_running() or self._closing:
            work.close()
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:  # on the server's own thread: cannot wait for itself
            loop.create_task(work)
            return
        try:
            asyncio.run_coroutine_threadsafe(work, loop).result(self._write_timeout)
        except Exception as exc:  # noqa: BLE001 - the line's other links must still hear the result
            log.warning("OPC UA variables not updated: %s", exc)

    async def _write(self, values: dict[str, tuple[Any, ua.VariantType]], count: bool = False) -> None:
        server, lock = self._server, self._write_lock
        if server is None or lock is None:
            return
        async with lock:  # one result's variables are written together, the counter after them
            now = datetime.now(timezone.utc)
            if count:
                self._counter = (self._counter + 1) % 2**32
                values = {**values, "ResultCounter": (self._counter, _U)}  # last: dicts keep their order
            for name, (value, vtype) in values.items():
                await server.write_attribute_value(self._nodes[name].nodeid, ua.DataValue(
                    ua.Variant(value, vtype), SourceTimestamp=now, ServerTimestamp=now))
