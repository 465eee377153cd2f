"""The factory line's vocabulary: a trigger from the line, the result sent back, the station's status,
and the per-station wiring (MQTT topics, Modbus addresses, serial protocol).

Plain data, protocol-free: ``station.adapters.line`` turns these into MQTT messages, Modbus registers and
serial lines; ``station.services.line.station`` never knows which protocol is wired.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from typing import Any, Literal

from station.domain.errors import ValidationError

ResultStatus = Literal["inspected", "refused", "error", "changed"]  # "changed": a changeover done
TriggerAction = Literal["inspect", "changeover"]
StationState = Literal["online", "busy", "degraded", "offline", "stopping"]  # degraded: no camera frames
_TEXT_RE = re.compile(r"^[\x20-\x7e]{1,64}$")

# Modbus verdict register values (documented in docs/readme/line.md).
VERDICT_CODES = {"PASS": 1, "FAIL": 2, "UNCERTAIN": 3, "refused": 4, "error": 5}


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def clean_text(value: Any, what: str) -> str | None:
    """A serial number / part id from the line: printable ASCII, at most 64 characters; None when empty."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if not _TEXT_RE.match(text):
        raise ValidationError(f"{what} must be 1-64 printable ASCII characters")
    return text


@dataclass(frozen=True)
class LineTrigger:
    """One request from the line: inspect the part now in view (judged by ``product``, else by the station's
    active product), or, with ``action="changeover"``, make ``product`` the active product for the parts
    that follow."""

    source: str  # "mqtt", "modbus", "serial", "opcua", "cli", "local"
    serial: str | None = None
    part_id: str | None = None
    product: str | None = None  # a product code (recipe); None: the active product
    action: TriggerAction = "inspect"
    recipe: int | None = None  # a PLC's recipe number (line.toml [recipes]); the station resolves it to a product
    trigger_id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    received_at: datetime = field(default_factory=utc_now)
    received_mono: float = field(default_factory=time.perf_counter)  # for latency, same clock as the service
    invalid: str | None = None  # why the request cannot be served (bad payload): refused, and published so


@dataclass(frozen=True)
class LineResult:
    """What the station tells the line about one trigger: an inspection, or why there was none.

    ``product_code`` is the product the part was judged by (for a changeover: the new active product; for an
    unknown product: the code asked for). ``kind`` is ``result``, ``changeover`` or ``recurrence_alert``."""

    station_id: str
    product_code: str
    status: ResultStatus
    trigger: LineTrigger
    verdict: str | None = None
    inspection_code: str | None = None
    anomaly_score: float | None = None
    image_threshold: float | None = None
    pixel_threshold: float | None = None
    review_threshold: float | None = None
    defect_type: str | None = None
    defect_confidence: float | None = None
    regions_count: int | None = None
    inspection_ms: float | None = None
    reason: str | None = None
    inspected_at: datetime | None = None
    kind: str = "result"  # "result", or "recurrence_alert" for a recurrence watch message
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rejects(self) -> bool:
        """Whether the line should reject the part: anything but a PASS (a part not inspected is not good)."""
        return self.verdict != "PASS"

    @property
    def code(self) -> int:
        """The numeric verdict for PLC registers (see VERDICT_CODES)."""
        return VERDICT_CODES.get(self.verdict or self.status, VERDICT_CODES["error"])

    def to_json(self) -> dict[str, Any]:
        t = self.trigger
        data: dict[str, Any] = {
            "kind": self.kind, "station_id": self.station_id, "product": self.product_code,
            "product_code": self.product_code, "status": self.status, "verdict": self.verdict,
            "inspection_code": self.inspection_code, "anomaly_score": self.anomaly_score,
            "thresholds": {"image": self.image_threshold, "pixel": self.pixel_threshold,
                           "review": self.review_threshold},
            "defect_type": self.defect_type, "defect_confidence": self.defect_confidence,
            "regions_count": self.regions_count, "serial": t.serial, "part_id": t.part_id,
            "trigger_id": t.trigger_id, "trigger_source": t.source,
            "triggered_at": t.received_at.isoformat(),
            "inspected_at": None if self.inspected_at is None else self.inspected_at.isoformat(),
            "published_at": utc_now().isoformat(), "inspection_ms": self.inspection_ms, "reason": self.reason,
            "error": self.reason if self.status == "error" else None,
        }
        data.update(self.extra)
        return data

    def to_payload(self) -> bytes:
        return json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True)
class LineStatus:
    station_id: str
    state: StationState
    product_code: str | None = None
    queued: int = 0
    last_inspection_code: str | None = None
    detail: str | None = None
    since: datetime = field(default_factory=utc_now)
    # the station's open camera/process health alerts: how many, and the newest (alert_id, kind, product,
    # view, message, raised_at); see docs/readme/line.md
    open_alerts: int = 0
    latest_alert: dict[str, Any] | None = None

    def to_payload(self) -> bytes:
        data = asdict(self)
        data["since"] = self.since.isoformat()
        return json.dumps(data, separators=(",", ":")).encode()


def parse_trigger_payload(payload: bytes, source: str) -> LineTrigger:
    """A trigger message: empty, a plain serial number, or JSON ``{"serial": ..., "part_id": ..., "product":
    ...}`` (``product``: the product code the part is judged by), or a changeover
    ``{"action": "changeover", "product": ...}`` (the parts that follow are judged by that product).

    A payload that is neither gives a trigger with ``invalid`` set (the service refuses and publishes it)."""
    try:
        return _parse_trigger(payload.decode("utf-8", errors="replace").strip(), source)
    except ValidationError as exc:
        return LineTrigger(source=source, invalid=str(exc))


def _parse_trigger(text: str, source: str) -> LineTrigger:
    if not text:
        return LineTrigger(source=source)
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(f"trigger payload is not valid JSON: {exc.msg}") from None
        if not isinstance(data, dict):
            raise ValidationError("trigger payload must be a JSON object")
        action = data.get("action", "inspect")
        if action not in ("inspect", "changeover"):
            raise ValidationError(f"trigger action must be \"inspect\" or \"changeover\", got {action!r}")
        product = clean_text(data.get("product"), "product")
        if action == "changeover":
            if product is None:
                raise ValidationError("a changeover must name the product: {\"action\": \"changeover\", "
                                      "\"product\": \"CODE\"}")
            return LineTrigger(source=source, action="changeover", product=product)
        return LineTrigger(source=source, serial=clean_text(data.get("serial"), "serial"),
                           part_id=clean_text(data.get("part_id"), "part_id"), product=product)
    return LineTrigger(source=source, serial=clean_text(text, "serial"))


# Per-station wiring ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class MqttWiring:
    """``url`` is mqtt://HOST:PORT; topics default to station/<station id>/{trigger,result,status}."""

    url: str
    trigger_topic: str | None = None
    result_topic: str | None = None
    status_topic: str | None = None
    qos: int = 1
    client_id: str | None = None

    def topics(self, station_id: str) -> tuple[str, str, str]:
        base = f"station/{station_id}"
        return (self.trigger_topic or f"{base}/trigger", self.result_topic or f"{base}/result",
                self.status_topic or f"{base}/status")

    def host_port(self) -> tuple[str, int]:
        return parse_host_port(self.url, "mqtt", 1883)


@dataclass(frozen=True)
class ModbusWiring:
    """The PLC is the Modbus TCP server; the station polls it. Addresses are 0-based.

    Trigger: a rising edge (0 -> non-zero) of coil ``trigger_coil`` (or, when ``trigger_register`` is
    set, of that holding register). Outputs: ``verdict_register`` gets VERDICT_CODES, ``counter_register``
    counts results (so the PLC sees a new verdict even when it repeats), ``reject_coil`` pulses on for
    ``reject_pulse_ms`` for every non-PASS result, ``ready_coil`` is on while the station is online.
    ``recipe_register`` (optional) is read with every trigger: a non-zero value is the recipe number the part
    is judged by (line.toml ``[recipes]``), 0 the station's active product. ``changeover_coil`` (optional,
    needs ``recipe_register``): the PLC sets it to change the active product to the recipe in
    ``recipe_register`` without inspecting; the station answers in ``changeover_status_register`` (optional:
    1 changed, 4 refused, 5 error) and then clears the coil (the acknowledgement)."""

    host: str
    port: int = 502
    device_id: int = 1
    trigger_coil: int = 0
    trigger_register: int | None = None
    verdict_register: int = 0
    counter_register: int = 1
    reject_coil: int = 1
    ready_coil: int = 2
    reject_pulse_ms: int = 200
    poll_ms: int = 10
    recipe_register: int | None = None
    changeover_coil: int | None = None
    changeover_status_register: int | None = None

    def validated(self) -> ModbusWiring:
        """Itself, or one clear error for the first bad value (a typo must not silently leave a PLC unwired)."""
        parse_host_port(f"{self.host}:{self.port}", "modbus", 502)
        _whole(self.device_id, "Modbus device id", 247)
        for name in ("trigger_coil", "trigger_register", "verdict_register", "counter_register", "reject_coil",
                     "ready_coil", "recipe_register", "changeover_coil", "changeover_status_register"):
            _whole(getattr(self, name), f"Modbus {name.replace('_', ' ')}", 65535)
        coils = [self.reject_coil, self.ready_coil] + ([self.trigger_coil] if self.trigger_register is None else []) \
            + ([self.changeover_coil] if self.changeover_coil is not None else [])
        if len(set(coils)) < len(coils):
            raise ValidationError("the Modbus trigger, changeover, reject and ready coils must be different coils")
        registers = [self.verdict_register, self.counter_register] + [
            r for r in (self.trigger_register, self.recipe_register, self.changeover_status_register) if r is not None]
        if len(set(registers)) < len(registers):
            raise ValidationError("the Modbus trigger, recipe, changeover status, verdict and counter registers must "
                                  "be different registers")
        if self.changeover_coil is None and self.changeover_status_register is not None:
            raise ValidationError("the Modbus changeover status register needs a changeover coil")
        if self.changeover_coil is not None and self.recipe_register is None:
            raise ValidationError("the Modbus changeover coil needs a recipe register (the recipe to change to)")
        _whole(self.reject_pulse_ms, "the Modbus reject pulse (ms)", 10_000, 10)
        _whole(self.poll_ms, "the Modbus poll interval (ms)", 1000, 1)
        return self


def _whole(value: Any, what: str, top: int, bottom: int = 0) -> None:
    """One clear error unless ``value`` is None or a whole number from ``bottom`` to ``top``."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not bottom <= value <= top):
        raise ValidationError(f"{what} must be a whole number from {bottom} to {top}, got {value!r}")


@dataclass(frozen=True)
class SerialWiring:
    """A serial line (or a USB barcode scanner): a line that is exactly ``trigger`` triggers without a
    serial number, any other line triggers with that line as the serial number (scanner mode); the
    verdict goes back as ``<VERDICT> <inspection code>\\r\\n`` when ``reply`` is on. A line
    ``<changeover> <product>`` (default ``P demo-cast``) is a changeover to that product."""

    device: str
    baudrate: int = 9600
    trigger: str = "T"
    reply: bool = True
    changeover: str = "P"


@dataclass(frozen=True)
class OpcUaWiring:
    """The station serves OPC UA at ``opc.tcp://HOST:PORT/station/``; the PLC or MES is the client.

    ``host`` is the address listened on (``0.0.0.0``: every interface), ``port`` 0 picks a free one.
    ``security`` is ``none`` (no signing, no encryption, anonymous clients: only on a separated, trusted line
    network) or ``basic256sha256`` (every message signed and encrypted; ``certificate`` and ``private_key``
    name the server's certificate and key files, PEM or DER; ``trusted_clients``, a folder of client
    certificates: only those clients may open a session)."""

    host: str = "0.0.0.0"
    port: int = 4840
    security: str = "none"
    certificate: str | None = None
    private_key: str | None = None
    trusted_clients: str | None = None

    def endpoint(self) -> str:
        return f"opc.tcp://{self.host}:{self.port}/station/"

    def validated(self) -> OpcUaWiring:
        """Itself, or one clear error for the first bad value."""
        if not isinstance(self.host, str) or not re.match(r"^[A-Za-z0-9_.:-]+$", self.host):
            raise ValidationError(f"OPC UA host must be a host name or address, got {self.host!r}")
        if isinstance(self.port, bool) or not isinstance(self.port, int) or not 0 <= self.port < 65536:
            raise ValidationError(f"OPC UA port must be 0 to 65535, got {self.port!r}")
        if self.security not in OPCUA_SECURITY:
            raise ValidationError(f"OPC UA security must be one of {', '.join(OPCUA_SECURITY)}, got {self.security!r}")
        if self.security != "none" and not (self.certificate and self.private_key):
            raise ValidationError(f"OPC UA security {self.security} needs certificate and private_key files")
        if self.trusted_clients and self.security == "none":
            raise ValidationError("OPC UA trusted_clients needs security basic256sha256 (no certificates without it)")
        return self

    @staticmethod
    def parse_address(text: str) -> tuple[str, int]:
        """``opc.tcp://HOST:PORT[/station/]``, ``HOST:PORT`` or ``HOST`` -> (host, port)."""
        rest = text.strip()
        if rest.startswith("opc.tcp://"):
            rest = rest[len("opc.tcp://"):]
            head, _, path = rest.partition("/")
            if path.strip("/") not in ("", "station"):
                raise ValidationError(f"the station's OPC UA endpoint path is /station/, got {text!r}")
            rest = head
        return parse_host_port(rest, "opc.tcp", 4840)


OPCUA_SECURITY = ("none", "basic256sha256")


@dataclass(frozen=True)
class LineWiring:
    mqtt: MqttWiring | None = None
    modbus: ModbusWiring | None = None
    serial: SerialWiring | None = None
    queue_size: int = 4  # triggers waiting while one is inspected; more are refused (and published so)
    recurrence_inspections: int = 50  # recurrence watch window: inspections of the product after the action
    recurrence_hours: float = 24.0  # ... or hours after it, whichever holds
    recipes: dict[int, str] = field(default_factory=dict)  # PLC recipe number -> product code
    # Products whose models stay loaded (least recently used evicted beyond): each keeps its bank and index,
    # and its backbone when no other loaded product shares it; three cover a line alternating between recipes.
    max_warm_products: int = 3
    opcua: OpcUaWiring | None = None  # the station as an OPC UA server

    def with_overrides(self, **changes: Any) -> LineWiring:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def parse_host_port(text: str, scheme: str, default_port: int) -> tuple[str, int]:
    """``scheme://HOST:PORT``, ``HOST:PORT`` or ``HOST`` -> (host, port); one clear error otherwise."""
    rest = text.strip()
    if "://" in rest:
        given, rest = rest.split("://", 1)
        if given != scheme:
            raise ValidationError(f"expected a {scheme}:// address, got {text!r}")
    rest = rest.rstrip("/")
    host, _, port = rest.rpartition(":") if ":" in rest else (rest, "", "")
    if not host or not re.match(r"^[A-Za-z0-9_.-]+$", host):
        raise ValidationError(f"not a host[:port]: {text!r}")
    if port and not (port.isdigit() and 0 < int(port) < 65536):
        raise ValidationError(f"bad port in {text!r}")
    return host, int(port) if port else default_port
