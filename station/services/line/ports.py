"""Ports of the line: a link to a PLC, broker or serial device (the workflow never knows which protocol is
wired), the links that also carry health alerts, and where the station's line wiring is kept."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, runtime_checkable

from station.domain.line import LineResult, LineStatus, LineTrigger, LineWiring


class LineLink(Protocol):
    """One connection to the line: triggers in, results and station status out.

    ``start`` connects and calls ``on_trigger`` from the adapter's own thread for every trigger (it must
    return quickly); ``publish_result``/``publish_status`` never raise for a broken connection (they log
    and, where the protocol allows, queue); ``stop`` publishes nothing more and disconnects."""

    name: str

    def start(self, on_trigger: Callable[[LineTrigger], None]) -> None: ...

    def publish_result(self, result: LineResult) -> None: ...

    def publish_status(self, status: LineStatus) -> None: ...

    def stop(self) -> None: ...


@runtime_checkable
class AlertLink(Protocol):
    """A link that also carries camera/process health alerts (MQTT: the alert topic). ``publish_alert``
    never raises for a broken connection, like ``publish_result``."""

    def publish_alert(self, alert: Mapping[str, Any]) -> None: ...


class LineWiringStore(Protocol):
    """The station's line wiring (``line.toml``, which ``station serve`` reads too)."""

    def load(self) -> LineWiring: ...

    def save(self, wiring: LineWiring) -> None: ...
