"""Ports of the line: the links to a PLC, broker or serial device (station.adapters.line) and the verdict
overrides' repository; the workflow never knows which protocol is wired."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from station.domain.line import LineResult, LineStatus, LineTrigger
from station.domain.overrides import InspectionFacts, NewOverride, OverrideEntry


# Line I/O (station.adapters.line: MQTT, Modbus TCP, serial) -------------------------------------------
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


class OverrideRepository(Protocol):
    """``verdict_overrides`` (0009): the override, its labelled library image and audit row in one go."""

    def facts(self, inspection_code: str) -> InspectionFacts: ...

    def add(self, new: NewOverride, sample: dict[str, Any] | None, audit: dict[str, Any]) -> OverrideEntry: ...

    def for_inspection(self, inspection_id: int) -> list[OverrideEntry]: ...

    def labelled_scores(self, product_id: int) -> list[tuple[float, str]]: ...
