"""Serial line link (pyserial): a trigger line in, a verdict line out; also a barcode scanner.

Protocol (ASCII, lines end with CR, LF or CR LF): a line that is exactly the trigger text (default ``T``)
triggers an inspection; any other non-empty line triggers one with that line as the part's serial
number (what a barcode scanner in keyboard-less serial mode sends). With ``reply`` on, the station
answers every trigger with one line ``<VERDICT> <inspection code>`` (``PASS``/``FAIL``/``UNCERTAIN``),
or ``REFUSED <reason>`` / ``ERROR <reason>``, ended by CR LF. ``device`` is a device path or any
pyserial URL (``socket://HOST:PORT``, ``rfc2217://...``).

Changeover: a line ``P <product>`` (the ``changeover`` word, default ``P``, a space, the product code) makes
that product the active one for the parts that follow; the answer is ``CHANGEOVER <product>`` or
``ERROR <reason>``. Recurrence alerts are not sent on the serial line (one reply line per request).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import serial

from station.domain.errors import ConfigurationError, ValidationError
from station.domain.line import LineResult, LineStatus, LineTrigger, SerialWiring, clean_text

log = logging.getLogger(__name__)
MAX_LINE = 256


def reply_line(result: LineResult) -> bytes:
    if result.status == "changed":
        text = f"CHANGEOVER {result.product_code}"
    elif result.status == "inspected":
        text = f"{result.verdict} {result.inspection_code or '-'}"
    else:
        reason = (result.reason or "").replace("\r", " ").replace("\n", " ")[:120]
        text = f"{result.status.upper()} {reason}".rstrip()
    return text.encode("ascii", errors="replace") + b"\r\n"


class SerialLink:
    name = "serial"

    def __init__(self, wiring: SerialWiring) -> None:
        self.wiring = wiring
        self._port: serial.SerialBase | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._on_trigger: Callable[[LineTrigger], None] | None = None

    def start(self, on_trigger: Callable[[LineTrigger], None]) -> None:
        try:
            self._port = serial.serial_for_url(self.wiring.device, baudrate=self.wiring.baudrate, timeout=0.05)
        except (serial.SerialException, ValueError) as exc:
            raise ConfigurationError(f"cannot open the serial line {self.wiring.device}: {exc}") from None
        self._on_trigger = on_trigger
        self._thread = threading.Thread(target=self._run, name="serial-line", daemon=True)
        self._thread.start()

    def publish_result(self, result: LineResult) -> None:
        if not self.wiring.reply or self._port is None or result.kind not in ("result", "changeover"):
            return
        try:
            with self._lock:
                self._port.write(reply_line(result))
                self._port.flush()
        except (serial.SerialException, OSError) as exc:
            log.warning("serial line %s: reply not sent: %s", self.wiring.device, exc)

    def publish_status(self, status: LineStatus) -> None:
        """A serial line has no status channel (the health endpoint or MQTT status carry it)."""

    def stop(self) -> None:
        self._on_trigger = None
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
        if self._port is not None:
            self._port.close()

    def _run(self) -> None:
        buffer = b""
        assert self._port is not None
        while not self._stop.is_set():
            try:
                chunk = self._port.read(64)
            except (serial.SerialException, OSError) as exc:
                log.warning("serial line %s: %s", self.wiring.device, exc)
                self._stop.wait(0.5)
                continue
            if not chunk:
                continue
            buffer += chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            *lines, buffer = buffer.split(b"\n")
            if len(buffer) > MAX_LINE:  # a line that never ends is dropped, with one warning
                log.warning("serial line %s: %d bytes without an end of line dropped", self.wiring.device,
                            len(buffer))
                buffer = b""
            for raw in lines:
                self._line(raw.decode("ascii", errors="replace").strip())

    def _line(self, text: str) -> None:
        callback = self._on_trigger
        if not text or callback is None:
            return
        if text == self.wiring.trigger:
            callback(LineTrigger(source="serial"))
            return
        word, _, rest = text.partition(" ")
        try:
            if word == self.wiring.changeover and rest.strip():
                trigger = LineTrigger(source="serial", action="changeover",
                                      product=clean_text(rest, "product"))
            elif word == self.wiring.changeover:
                raise ValidationError(f"a changeover names the product: {self.wiring.changeover} <product>")
            else:
                trigger = LineTrigger(source="serial", serial=clean_text(text, "serial"))
        except ValidationError as exc:
            trigger = LineTrigger(source="serial", invalid=str(exc))
        callback(trigger)
