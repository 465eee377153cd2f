"""Real line peers for the tests: a mosquitto broker on a free loopback port, pymodbus' own TCP server
playing the PLC, and an MQTT client that collects messages (skips loudly when mosquitto is absent); and a
station home with the demo product built, shared by a test module."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def built_demo_home(tmp_path_factory: pytest.TempPathFactory, name: str, size: int) -> Iterator[Path]:
    """A station home with the demo product's (filter-bank) bank, for a module-scoped fixture to yield from."""
    from tests.support.engine import demo_context, fixed_build

    mp = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp(name)
    mp.setenv("STATION_HOME", str(home))
    mp.setenv("STATION_CONFIG", str(home / "config.toml"))
    ctx = demo_context(size=size, n_good=8, n_per_defect=1, weights=False)
    fixed_build(ctx)
    ctx.close()
    yield home
    mp.undo()


def home_context(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The station context of ``home`` (a fixture yields from it; closed afterwards)."""
    from station.app.station import build_station
    from station.config import load_settings

    monkeypatch.setenv("STATION_HOME", str(home))
    context = build_station(load_settings())
    yield context
    context.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


def wait_for(predicate, timeout: float = 90.0, what: str = "condition"):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


class Broker:
    def __init__(self, tmp: Path) -> None:
        binary = shutil.which("mosquitto") or ("/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").exists() else None)
        if binary is None:
            pytest.skip("MOSQUITTO MISSING: install the Debian package mosquitto (scripts/setup.sh does) "
                        "to run the MQTT tests against a real broker")
        self.port = free_port()
        conf = tmp / "mosquitto.conf"
        conf.write_text(f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                        "set_tcp_nodelay true\n")
        self.proc = subprocess.Popen([binary, "-c", str(conf)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        wait_port(self.port)

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


@pytest.fixture
def mqtt_broker(tmp_path: Path) -> Iterator[Broker]:
    broker = Broker(tmp_path)
    yield broker
    broker.close()


class Listener:
    """A plain paho client subscribed to ``topic`` (wildcards allowed) that keeps every message."""

    def __init__(self, port: int, topic: str) -> None:
        import paho.mqtt.client as paho
        from paho.mqtt.enums import CallbackAPIVersion

        self.messages: list[tuple[str, bytes, bool]] = []
        self._ready = threading.Event()
        self.client = paho.Client(CallbackAPIVersion.VERSION2, client_id=f"listener-{free_port()}")
        self.client.on_connect = lambda c, *_: (c.subscribe(topic, qos=1), None)[1]
        self.client.on_subscribe = lambda *_: self._ready.set()
        self.client.on_message = lambda c, u, m: self.messages.append((m.topic, m.payload, bool(m.retain)))
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        assert self._ready.wait(10), "listener did not subscribe"

    def publish(self, topic: str, payload: bytes | str = b"") -> None:
        self.client.publish(topic, payload, qos=1).wait_for_publish(5)

    def json_on(self, topic: str) -> list[dict[str, Any]]:
        return [json.loads(p) for t, p, _ in list(self.messages) if t == topic and p]

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


class Plc:
    """pymodbus' own Modbus TCP server in a thread (100 coils, 100 holding registers, device id 1), and a
    second client playing the PLC program that sets the trigger and reads the station's outputs."""

    def __init__(self) -> None:
        from pymodbus.client import ModbusTcpClient
        from pymodbus.simulator import DataType, SimData, SimDevice

        self.port = free_port()
        self.device = SimDevice(1, simdata=(
            [SimData(0, 100, False, DataType.BITS)], [SimData(0, 1, False, DataType.BITS)],
            [SimData(0, 100, 0, DataType.REGISTERS)], [SimData(0, 1, 0, DataType.REGISTERS)]))
        self.loop = asyncio.new_event_loop()
        self._server: Any = None
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        wait_port(self.port)
        self.client = ModbusTcpClient("127.0.0.1", port=self.port)
        assert self.client.connect()

    def _serve(self) -> None:
        from pymodbus.server import ModbusTcpServer

        async def main() -> None:
            self._server = ModbusTcpServer(self.device, address=("127.0.0.1", self.port))
            await self._server.serve_forever()

        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(main())

    def coil(self, address: int) -> int:
        return int(bool(self.client.read_coils(address, count=1, device_id=1).bits[0]))

    def set_coil(self, address: int, value: int) -> None:
        assert not self.client.write_coil(address, bool(value), device_id=1).isError()

    def register(self, address: int) -> int:
        return int(self.client.read_holding_registers(address, count=1, device_id=1).registers[0])

    def set_register(self, address: int, value: int) -> None:
        assert not self.client.write_register(address, value, device_id=1).isError()

    def close(self) -> None:
        self.client.close()
        asyncio.run_coroutine_threadsafe(self._server.shutdown(), self.loop).result(10)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture
def plc() -> Iterator[Plc]:
    server = Plc()
    yield server
    server.close()
