"""Trigger -> result latency over OPC UA against MQTT, in the same run: two ``LineStation`` instances with the
same capture (replay frames) and the same inspect function (the bench workflow ``station serve`` runs,
recording every part), one wired to a real mosquitto (``set_tcp_nodelay true``), one to the station's
OPC UA server; triggers alternate between the two, one at a time, so both see the same machine load.

Per trigger:

* ``end_to_end``: MQTT: client publishes the trigger -> client receives the result message;
  OPC UA: client calls ``Trigger`` -> the client's subscription delivers ``LastResult.ResultJson`` with the
  returned trigger id (publishing interval ``--publishing-ms``, default 10 ms: a result waits up to one
  interval in the server);
* ``inspection``: the inspection's own total from the result message;
* ``overhead``: end_to_end - inspection (what the protocol path adds);
* OPC UA also ``call``: the Trigger method's round trip (the trigger id back to the caller).

Printed: median / p95 / max per protocol and the OPC UA / MQTT ratio of the medians (end_to_end and
overhead). Run by hand (not part of the tests)::

    .venv/bin/python -m benchmarks.bench_line_opcua [--n 30] [--size 256] [--publishing-ms 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.line_setup import Mosquitto, demo_home, load_average, summary


class MqttClient:
    """The line side of MQTT: publishes a trigger, times the result message's arrival."""

    def __init__(self, port: int) -> None:
        import paho.mqtt.client as paho
        from paho.mqtt.enums import CallbackAPIVersion

        self.got = threading.Event()
        self.answer: dict[str, Any] = {}
        subscribed = threading.Event()
        self.client = paho.Client(CallbackAPIVersion.VERSION2, client_id="bench-line-client")
        self.client.on_message = self._message
        self.client.on_socket_open = lambda c, u, sock: sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.client.on_subscribe = lambda *a: subscribed.set()
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        self.client.subscribe("station/ST01/result", qos=1)
        if not subscribed.wait(10):
            raise SystemExit("MQTT client did not subscribe")

    def _message(self, client, userdata, message) -> None:  # type: ignore[no-untyped-def]
        self.answer = {**json.loads(message.payload), "received": time.perf_counter()}
        self.got.set()

    def trigger(self, serial: str) -> tuple[float, dict[str, Any]]:
        self.got.clear()
        sent = time.perf_counter()
        self.client.publish("station/ST01/trigger", serial, qos=1)
        if not self.got.wait(120):
            raise SystemExit(f"no MQTT answer to {serial}")
        return (self.answer["received"] - sent) * 1000.0, self.answer

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


class OpcUaClient:
    """The line side of OPC UA: calls Trigger, times the subscribed ResultJson carrying the returned id."""

    def __init__(self, endpoint: str, publishing_ms: float) -> None:
        self.endpoint, self.publishing_ms = endpoint, publishing_ms
        self.arrived: dict[str, tuple[float, dict[str, Any]]] = {}
        self.changed: asyncio.Event | None = None

    def datachange_notification(self, node: Any, val: Any, data: Any) -> None:
        if val:
            message = json.loads(val)
            self.arrived[message["trigger_id"]] = (time.perf_counter(), message)
            assert self.changed is not None
            self.changed.set()

    async def open(self) -> None:
        from asyncua import Client, ua

        from station.adapters.line.opcua import NAMESPACE

        self.client = Client(self.endpoint, timeout=30)
        await self.client.connect()
        self.ns = await self.client.get_namespace_index(NAMESPACE)
        self.station = self.client.get_node(ua.NodeId("Station_ST01", self.ns))
        self.changed = asyncio.Event()
        self.subscription = await self.client.create_subscription(self.publishing_ms, self)
        await self.subscription.subscribe_data_change(
            self.client.get_node(ua.NodeId("Station_ST01.LastResult.ResultJson", self.ns)), queuesize=100)
        self.method = ua.QualifiedName("Trigger", self.ns)

    async def trigger(self, serial: str) -> tuple[float, float, dict[str, Any]]:
        assert self.changed is not None
        sent = time.perf_counter()
        trigger_id = await self.station.call_method(self.method, "", serial)
        returned = time.perf_counter()
        while trigger_id not in self.arrived:
            self.changed.clear()
            await asyncio.wait_for(self.changed.wait(), 120)
        received, message = self.arrived.pop(trigger_id)
        return (received - sent) * 1000.0, (returned - sent) * 1000.0, message

    async def close(self) -> None:
        await self.client.disconnect()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=30, help="triggers per protocol (after 2 warm-up each)")
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--publishing-ms", type=float, default=10.0, help="the OPC UA client's publishing interval")
    args = parser.parse_args()
    print(f"load average at start: {load_average()}", flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="bench-opcua-"))
    os.environ["STATION_HOME"] = str(tmp / "home")
    os.environ["STATION_CONFIG"] = str(tmp / "home" / "config.toml")

    from station.adapters.line.mqtt import MqttLink
    from station.adapters.line.opcua import OpcUaLink
    from station.app.line import workflow_inspect
    from station.app.station import build_station
    from station.config import load_settings
    from station.domain.line import MqttWiring, OpcUaWiring
    from station.pipeline.images.decode import read_image
    from station.services.line import LineStation

    product, replay = demo_home(n_good=20, n_per_defect=2, size=args.size)
    ctx = build_station(load_settings())
    frames = [read_image(p).pixels for p in sorted(replay.glob("*.png"))]
    frame_index = [0]

    def capture():  # type: ignore[no-untyped-def]
        frame_index[0] += 1
        return frames[frame_index[0] % len(frames)]

    inspect = workflow_inspect(ctx, product, guides=False, language="en")
    broker = Mosquitto(tmp)
    broker.start()
    port = broker.port
    opcua_link = OpcUaLink(OpcUaWiring(host="127.0.0.1", port=0), "ST01")
    stations = [LineStation("ST01", product, [MqttLink(MqttWiring(url=f"mqtt://127.0.0.1:{port}"), "ST01")],
                            capture, inspect),
                LineStation("ST01", product, [opcua_link], capture, inspect)]
    ctx.bench.warm_up(product)
    for station in stations:
        station.start()
    mqtt = MqttClient(port)
    opcua = OpcUaClient(opcua_link.endpoint, args.publishing_ms)
    mqtt_rows: list[tuple[float, float]] = []
    opcua_rows: list[tuple[float, float, float]] = []

    async def run() -> None:
        await opcua.open()
        try:
            for i in range(args.n + 2):  # the first two of each are warm-up, not counted
                e2e, answer = await asyncio.get_running_loop().run_in_executor(None, mqtt.trigger, f"M{i:04d}")
                if answer["status"] != "inspected":
                    raise SystemExit(f"MQTT trigger {i}: {answer['status']} {answer['reason']}")
                if i >= 2:
                    mqtt_rows.append((e2e, answer["inspection_ms"]))
                e2e, call, message = await opcua.trigger(f"U{i:04d}")
                if message["status"] != "inspected":
                    raise SystemExit(f"OPC UA trigger {i}: {message['status']} {message['reason']}")
                if i >= 2:
                    opcua_rows.append((e2e, message["inspection_ms"], call))
        finally:
            await opcua.close()

    try:
        asyncio.run(run())
    finally:
        mqtt.close()
        for station in stations:
            station.stop()
        broker.stop()
        ctx.close()
    backbone = ctx.engine.inspection.bank_info(product) or {}
    print(f"line latency, OPC UA vs MQTT, {args.n} triggers each (alternating), backbone {backbone.get('backbone')}"
          f"{' (DEGRADED)' if backbone.get('degraded') else ''}, {args.size}px, cpu threads {os.cpu_count()}, "
          f"OPC UA publishing interval {args.publishing_ms:g} ms, load average at end {load_average()}")
    for name, rows in (("mqtt", mqtt_rows), ("opcua", opcua_rows)):
        print(f"  {name:6} end_to_end  {summary([r[0] for r in rows])}")
        print(f"  {name:6} inspection  {summary([r[1] for r in rows])}")
        print(f"  {name:6} overhead    {summary([r[0] - r[1] for r in rows])}")
    print(f"  opcua  call        {summary([r[2] for r in opcua_rows])}   (Trigger method round trip)")
    ratio_e2e = statistics.median([r[0] for r in opcua_rows]) / statistics.median([r[0] for r in mqtt_rows])
    ratio_over = (statistics.median([r[0] - r[1] for r in opcua_rows])
                  / max(1e-9, statistics.median([r[0] - r[1] for r in mqtt_rows])))
    print(f"  ratio opcua/mqtt: end_to_end median {ratio_e2e:.2f}, overhead median {ratio_over:.2f}")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
