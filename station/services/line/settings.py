"""The station's line wiring (MQTT, Modbus TCP, serial, OPC UA) as a use case for the GUI: read it, change it
(validated, then audited with who, the old and the new values), open the line for the bench and record the
line's changes of the bench's product (audited as the line's, no user).

The wiring lives in ``line.toml`` (``station serve`` reads the same file); the links themselves are built
by the app assembly, so neither this module nor the GUI knows the protocols' libraries.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from station.domain.errors import ValidationError
from station.domain.line import LineWiring, parse_host_port
from station.services.line.ports import LineLink, LineWiringStore
from station.services.line.station import AlertSummary, CameraProblem, Capture, Inspect, LineStation, Observer
from station.services.shared.ports import AuditTrail

LINE_AUDIT_TABLE = "station_line"
LINE_PRODUCT_AUDIT_TABLE = "station_line_product"  # the line changed the bench's product (no user)
_TOPIC_CHARS = set("+#\0")


def validate_wiring(wiring: LineWiring) -> LineWiring:
    """One clear error for the first bad value (a typo must not silently leave a PLC unwired)."""
    if wiring.mqtt is not None:
        m = wiring.mqtt
        parse_host_port(m.url, "mqtt", 1883)
        for name in ("trigger_topic", "result_topic", "status_topic"):
            topic = getattr(m, name)
            if topic is not None and (not topic.strip() or _TOPIC_CHARS & set(topic)):
                raise ValidationError(f"MQTT {name.replace('_', ' ')} must be a plain topic (no + or #): {topic!r}")
        if m.qos not in (0, 1, 2):
            raise ValidationError(f"MQTT QoS must be 0, 1 or 2, got {m.qos!r}")
    if wiring.modbus is not None:
        wiring.modbus.validated()
    if wiring.serial is not None:
        s = wiring.serial
        if not s.device.strip():
            raise ValidationError("the serial device must be named (/dev/ttyUSB0, COM3, socket://HOST:PORT)")
        if s.baudrate not in (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200):
            raise ValidationError(f"unsupported baud rate {s.baudrate!r}")
        if not s.trigger or not s.trigger.isprintable() or len(s.trigger) > 16:
            raise ValidationError("the serial trigger must be 1–16 printable characters")
        if not s.changeover or " " in s.changeover or not s.changeover.isprintable() or len(s.changeover) > 16:
            raise ValidationError("the serial changeover word must be 1–16 printable characters without spaces")
    if wiring.opcua is not None:
        wiring.opcua.validated()
    if not isinstance(wiring.queue_size, int) or not 0 <= wiring.queue_size <= 100:
        raise ValidationError("the trigger queue size must be 0–100")
    return wiring


def _as_dict(wiring: LineWiring) -> dict[str, Any]:
    return {name: (dataclasses.asdict(part) if part is not None else None)
            for name, part in (("mqtt", wiring.mqtt), ("modbus", wiring.modbus), ("serial", wiring.serial),
                               ("opcua", wiring.opcua))} | {
        "queue_size": wiring.queue_size}


def describe(wiring: LineWiring) -> str:
    """``mqtt 10.0.0.5:1883, modbus 10.0.0.20:502, opcua 0.0.0.0:4840`` (no credentials: URLs carry none)."""
    parts = []
    if wiring.mqtt is not None:
        host, port = wiring.mqtt.host_port()
        parts.append(f"mqtt {host}:{port}")
    if wiring.modbus is not None:
        parts.append(f"modbus {wiring.modbus.host}:{wiring.modbus.port}")
    if wiring.serial is not None:
        parts.append(f"serial {wiring.serial.device}")
    if wiring.opcua is not None:
        parts.append(f"opcua {wiring.opcua.host}:{wiring.opcua.port}")
    return ", ".join(parts)


class LineSettingsService:
    def __init__(self, store: LineWiringStore, audit: AuditTrail, station_id: str,
                 links: Callable[[LineWiring], list[LineLink]],
                 observers: Callable[[], Sequence[Observer]] = lambda: (),
                 alert_summary: AlertSummary | None = None) -> None:
        self._store, self._audit, self.station_id = store, audit, station_id
        self._links, self._observers = links, observers
        self._alert_summary = alert_summary  # the open health alerts on the status topic

    def wiring(self) -> LineWiring:
        return self._store.load()

    def update(self, wiring: LineWiring, user_id: int | None) -> LineWiring:
        validate_wiring(wiring)
        old = self._store.load()
        if old == wiring:
            return wiring
        wiring = dataclasses.replace(wiring, recurrence_inspections=old.recurrence_inspections,
                                     recurrence_hours=old.recurrence_hours, recipes=old.recipes,
                                     max_warm_products=old.max_warm_products)
        self._store.save(wiring)
        before, after = _as_dict(old), _as_dict(wiring)
        changed = [k for k in after if before[k] != after[k]]
        self._audit.record(LINE_AUDIT_TABLE, "UPDATE", user_id, {k: before[k] for k in changed},
                           {k: after[k] for k in changed})
        return wiring

    def open_station(self, product_code: str, capture: Capture, inspect: Inspect,
                     wrap: Callable[[LineLink], LineLink] = lambda link: link,
                     camera_problem: CameraProblem | None = None,
                     products: Sequence[str] = ()) -> LineStation | None:
        """The line station for the bench (not started: ``start`` connects, call it off the GUI thread);
        None when no link is wired. ``product_code`` (the bench's product) is active; ``products`` are the
        others a trigger or changeover may name (those with a built model). Any other product (by code or
        recipe number) is answered with an error that says so."""
        wiring = self._store.load()
        links = [wrap(link) for link in self._links(wiring)]
        if not links:
            return None
        return LineStation(self.station_id, product_code, links, capture, inspect, queue_size=wiring.queue_size,
                           observers=list(self._observers()), recipes=wiring.recipes,
                           camera_problem=camera_problem, products=tuple(products),
                           alert_summary=self._alert_summary)

    def record_changeover(self, previous: str | None, product: str, link: str, trigger_id: str,
                          reason: str) -> None:
        """An ``audit_logs`` row (``station_line_product``) for the line changing the bench's product (no
        user: the line did it);
        ``reason`` is ``changeover`` (a changeover message) or ``part`` (a part of another product)."""
        self._audit.record(LINE_PRODUCT_AUDIT_TABLE, "UPDATE", None, {"product": previous},
                           {"product": product, "by": "line", "link": link, "trigger_id": trigger_id,
                            "reason": reason})
