"""Modbus TCP line link (pymodbus): the PLC is the server, the station polls it.

Trigger: the PLC sets coil ``trigger_coil`` (or holding register ``trigger_register``, whose non-zero
value is then the part id); the station takes the trigger and clears it again (the acknowledgement the
PLC waits for before the next part). Results: holding register ``verdict_register`` gets the verdict code
(1 PASS, 2 FAIL, 3 UNCERTAIN, 4 refused, 5 error), ``counter_register`` counts results (mod 65536) so a
repeated verdict is still seen as new, and coil ``reject_coil`` pulses on for ``reject_pulse_ms`` for
every result that is not PASS. Coil ``ready_coil`` is on while the station is online. Only part results
(``kind: "result"``) are written: a changeover or a recurrence alert never moves the counter.
Recipes: when ``recipe_register`` is wired, it is read with every trigger (before the acknowledgement) and
its value is the part's recipe number (0: the station's active product); the station resolves it through
line.toml's ``[recipes]`` table.
Changeover: when ``changeover_coil`` is wired, the PLC writes a recipe number into ``recipe_register`` and
sets the coil; the station reads the number, makes its product the active product (no inspection), writes
the answer into ``changeover_status_register`` when wired (1 changed, 4 refused, 5 error: an unknown
recipe number, 0, a product the station does not serve) and then clears the coil -- the acknowledgement
the PLC waits for, as with the trigger coil. A refused changeover changes nothing.

One thread owns the client (pymodbus' synchronous client is not thread-safe): it polls, writes queued
outputs between polls, ends reject pulses on time and reconnects after a lost connection.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable

from pymodbus.client import ModbusTcpClient
from pymodbus.exceptions import ModbusException

from station.domain.errors import ConfigurationError
from station.domain.line import VERDICT_CODES, LineResult, LineStatus, LineTrigger, ModbusWiring

log = logging.getLogger(__name__)

CHANGEOVER_CODES = {"changed": 1, "refused": VERDICT_CODES["refused"], "error": VERDICT_CODES["error"]}


class ModbusLink:
    name = "modbus"

    def __init__(self, wiring: ModbusWiring, *, connect_timeout: float = 3.0) -> None:
        self.wiring = wiring
        self._client = ModbusTcpClient(wiring.host, port=wiring.port, timeout=connect_timeout, retries=1)
        self._writes: deque[tuple[str, int, int]] = deque()  # a write that fails stays first
        self._pulse_off_at: float | None = None
        self._counter = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._on_trigger: Callable[[LineTrigger], None] | None = None
        self._changeover_id: str | None = None  # the PLC's changeover being answered (the link's thread)

    def start(self, on_trigger: Callable[[LineTrigger], None]) -> None:
        w = self.wiring
        if not self._client.connect():
            raise ConfigurationError(f"cannot reach the Modbus TCP server (PLC) {w.host}:{w.port}")
        try:
            regs = self._check(self._client.read_holding_registers(w.counter_register, count=1,
                                                                   device_id=w.device_id))
            self._counter = int(regs.registers[0])  # a restart keeps counting where the PLC saw it last
            self._check(self._client.write_coil(w.reject_coil, False, device_id=w.device_id))
        except ModbusException as exc:
            self._client.close()
            raise ConfigurationError(f"the PLC {w.host}:{w.port} refused the station's registers: {exc}") from None
        self._on_trigger = on_trigger
        self._thread = threading.Thread(target=self._run, name="modbus-line", daemon=True)
        self._thread.start()

    def publish_result(self, result: LineResult) -> None:
        if result.kind == "changeover":
            status = self.wiring.changeover_status_register
            if status is not None and result.trigger.trigger_id == self._changeover_id:
                code = CHANGEOVER_CODES.get(result.status, CHANGEOVER_CODES["error"])
                self._writes.append(("register", status, code))
            return
        if result.kind != "result":
            return
        self._counter = (self._counter + 1) % 65536
        self._writes.append(("register", self.wiring.verdict_register, result.code))
        self._writes.append(("register", self.wiring.counter_register, self._counter))
        if result.rejects:
            self._writes.append(("pulse", self.wiring.reject_coil, 1))

    def publish_status(self, status: LineStatus) -> None:
        self._writes.append(("coil", self.wiring.ready_coil, int(status.state in ("online", "busy"))))

    def stop(self, flush_seconds: float = 3.0) -> None:
        self._on_trigger = None
        self._writes.append(("coil", self.wiring.ready_coil, 0))
        deadline = time.monotonic() + flush_seconds
        while (self._writes or self._pulse_off_at is not None) and time.monotonic() < deadline \
                and self._thread is not None and self._thread.is_alive():
            time.sleep(0.01)
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=flush_seconds)
        self._client.close()

    # the link's thread ---------------------------------------------------------------------------------
    @staticmethod
    def _check(response):  # type: ignore[no-untyped-def]
        if response.isError():
            raise ModbusException(str(response))
        return response

    def _run(self) -> None:
        w = self.wiring
        previous = 0
        while not self._stop.is_set():
            try:
                if not self._client.connected and not self._client.connect():
                    time.sleep(1.0)
                    continue
                self._flush_writes()
                if w.changeover_coil is not None:
                    self._poll_changeover()
                value = self._read_trigger()
                if value and (w.trigger_register is not None or not previous):
                    recipe = self._read_recipe()
                    self._acknowledge()
                    callback = self._on_trigger
                    if callback is not None:
                        part = str(value) if w.trigger_register is not None else None
                        callback(LineTrigger(source="modbus", part_id=part, recipe=recipe))
                    value = 0
                previous = value
            except (ModbusException, OSError) as exc:
                log.warning("Modbus link to %s:%s: %s; reconnecting", w.host, w.port, exc)
                self._client.close()
                time.sleep(0.5)
                continue
            self._stop.wait(w.poll_ms / 1000.0)

    def _read_trigger(self) -> int:
        w = self.wiring
        if w.trigger_register is not None:
            return int(self._check(self._client.read_holding_registers(
                w.trigger_register, count=1, device_id=w.device_id)).registers[0])
        return int(bool(self._check(self._client.read_coils(w.trigger_coil, count=1,
                                                             device_id=w.device_id)).bits[0]))

    def _poll_changeover(self) -> None:
        """The PLC's changeover coil set: the recipe number read, the changeover answered (its status written),
        then the coil cleared. The coil is a level, not an edge: a coil still set after a lost connection (or
        while the link stops) is served once the link is back."""
        w = self.wiring
        assert w.changeover_coil is not None
        if not self._check(self._client.read_coils(w.changeover_coil, count=1, device_id=w.device_id)).bits[0]:
            return
        callback = self._on_trigger
        if callback is None:  # the link is stopping: the coil stays set for the next start to answer
            return
        trigger = LineTrigger(source="modbus", action="changeover", recipe=self._read_recipe() or 0)
        self._changeover_id = trigger.trigger_id
        try:
            callback(trigger)  # the station answers a changeover at once (publish_result, on this thread)
        finally:
            self._changeover_id = None
        self._flush_writes()
        self._check(self._client.write_coil(w.changeover_coil, False, device_id=w.device_id))

    def _read_recipe(self) -> int | None:
        w = self.wiring
        if w.recipe_register is None:
            return None
        return int(self._check(self._client.read_holding_registers(
            w.recipe_register, count=1, device_id=w.device_id)).registers[0])

    def _acknowledge(self) -> None:
        w = self.wiring
        if w.trigger_register is not None:
            self._check(self._client.write_register(w.trigger_register, 0, device_id=w.device_id))
        else:
            self._check(self._client.write_coil(w.trigger_coil, False, device_id=w.device_id))

    def _flush_writes(self) -> None:
        w = self.wiring
        if self._pulse_off_at is not None and time.monotonic() >= self._pulse_off_at:
            self._check(self._client.write_coil(w.reject_coil, False, device_id=w.device_id))
            self._pulse_off_at = None
        while self._writes:
            kind, address, value = self._writes[0]
            if kind == "register":
                self._check(self._client.write_register(address, value, device_id=w.device_id))
            else:
                self._check(self._client.write_coil(address, bool(value), device_id=w.device_id))
                if kind == "pulse":
                    self._pulse_off_at = time.monotonic() + w.reject_pulse_ms / 1000.0
            self._writes.popleft()
