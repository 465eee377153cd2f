"""Changeover latency on the line: from the line's message naming the other product to that product's first
verdict, with the other product's model still loaded (warm) and evicted (cold), against the same-product
trigger -> verdict latency measured in the same run (the baseline).

Wiring as ``station serve --product demo-cast --product demo-b --mqtt ...`` has it, in this process: the real
``ServeRun`` (``station.app.line``: replay camera, ``LineStation``, MQTT link, bench workflow recording
every part) on a demo home with two built products (``demo-cast`` and ``demo-b``, the same model
configuration, each its own library and bank), a real mosquitto on loopback (``set_tcp_nodelay true``) and a
line client that sends one message at a time and waits for its answer.

Both products use the demo's fixed model configuration (MobileNetV2, 320 px), so they share one backbone: a
cold start here loads the product's bank, prepared bank and retrieval index (and the backbone again only if the
cache released it with the evicted product); a product with a backbone of its own costs more.

Two phases, each a fresh station on the same home: ``warm`` (``max_warm_products = 2``: both models stay
loaded) and ``cold`` (``max_warm_products = 1``: each switch evicts the other product and loads its model).
Each round of a phase, with X the active product and Y the other:

1. ``same product``: a plain trigger (judged by X, warm) -- the baseline;
2. ``changeover``: ``{"action": "changeover", "product": Y}`` and at once a plain trigger; timed from the
   changeover's publish to the trigger's verdict (Y is now active);
3. ``same product`` again (judged by Y);
4. ``named trigger``: ``{"serial": ..., "product": X}``, timed from its publish to its verdict; then an
   untimed changeover back to X.

Printed per phase: median / p95 / max of each kind (client publish -> client receives the result), the
ratios changeover / same product and named trigger / same product (medians and p95), the switch results'
``cold_start`` flags and ``model_load_ms`` (from the result messages), and the load average at start and
end. Exit status 1 when a result is not ``inspected``, names the wrong product, or a flag contradicts the
phase (a warm switch with ``cold_start: true``, a cold switch without it). Run by hand (not part of the
tests; the demo home is built first, a few minutes on 2 cores)::

    .venv/bin/python -m benchmarks.bench_line_changeover [--rounds 20] [--size 256]
"""

from __future__ import annotations

import argparse
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

from benchmarks.line_setup import Mosquitto, demo_home, load_average, percentile, summary

SECOND = "demo-b"
TOPIC = "station/ST01"


class LineClient:
    """The line side: publishes on the trigger topic, keeps every message of the result topic with the time
    it arrived."""

    def __init__(self, port: int) -> None:
        import paho.mqtt.client as paho
        from paho.mqtt.enums import CallbackAPIVersion

        self.messages: list[tuple[float, dict[str, Any]]] = []
        self.arrived = threading.Condition()
        subscribed = threading.Event()
        self.client = paho.Client(CallbackAPIVersion.VERSION2, client_id=f"changeover-client-{os.getpid()}")
        self.client.on_message = self._message
        self.client.on_socket_open = lambda c, u, sock: sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.client.on_subscribe = lambda *a: subscribed.set()
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        self.client.subscribe(f"{TOPIC}/result", qos=1)
        if not subscribed.wait(10):
            raise SystemExit("the line client did not subscribe")

    def _message(self, client, userdata, message) -> None:  # type: ignore[no-untyped-def]
        received = time.perf_counter()
        with self.arrived:
            self.messages.append((received, json.loads(message.payload)))
            self.arrived.notify_all()

    def publish(self, payload: str) -> float:
        sent = time.perf_counter()
        self.client.publish(f"{TOPIC}/trigger", payload, qos=1)
        return sent

    def mark(self) -> int:
        with self.arrived:
            return len(self.messages)

    def wait(self, match, after: int = 0,  # type: ignore[no-untyped-def]
             timeout: float = 180.0) -> tuple[float, dict[str, Any]]:
        """The first message from index ``after`` on that ``match`` accepts."""
        deadline = time.monotonic() + timeout
        with self.arrived:
            while True:
                for received, message in self.messages[after:]:
                    if match(message):
                        return received, message
                left = deadline - time.monotonic()
                if left <= 0:
                    raise SystemExit("no answer within the timeout")
                self.arrived.wait(left)

    def result_of(self, serial: str) -> tuple[float, dict[str, Any]]:
        return self.wait(lambda m: m.get("kind") == "result" and m.get("serial") == serial)

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def run_phase(name: str, max_warm: int, products: tuple[str, str], replay: Path, broker: Mosquitto,
              rounds: int) -> tuple[dict[str, list[float]], list[dict[str, Any]], list[str]]:
    """One station with ``max_warm`` warm products; returns the timings by kind, the switch results and the
    problems found."""
    from station.app.line import ServeOptions, ServeRun
    from station.app.station import build_station
    from station.config import load_settings
    from station.domain.line import LineWiring

    ctx = build_station(load_settings())
    run = ServeRun(ctx, ServeOptions(product_code=products[0], products=(products[1],), camera=str(replay),
                                     mqtt=broker.url), wiring=LineWiring(max_warm_products=max_warm))
    times: dict[str, list[float]] = {"same product": [], "changeover": [], "named trigger": []}
    switches: list[dict[str, Any]] = []
    problems: list[str] = []
    client: LineClient | None = None
    try:
        print(f"  {name}: {run.start()}")
        client = LineClient(broker.port)
        active, other = products
        counter = 0

        def check(message: dict[str, Any], product: str, what: str) -> None:
            if message["status"] != "inspected" or message["product"] != product:
                problems.append(f"{name} {what}: {message['status']} {message['product']} "
                                f"{message.get('reason') or message.get('error') or ''}")

        def same_product(timed: bool) -> None:
            nonlocal counter
            counter += 1
            serial = f"{name[0].upper()}{counter:04d}"
            sent = client.publish(serial)
            received, message = client.result_of(serial)
            check(message, active, f"same product {serial}")
            if message["cold_start"]:
                problems.append(f"{name} same product {serial}: cold_start true")
            if timed:
                times["same product"].append((received - sent) * 1000.0)

        def changeover(product: str) -> float:
            mark = client.mark()
            sent = client.publish(json.dumps({"action": "changeover", "product": product}))
            client.wait(lambda m: m.get("kind") == "changeover" and m.get("product") == product
                        and m.get("status") == "changed", after=mark)
            return sent

        for _ in range(2):  # warm-up, not counted
            same_product(timed=False)
        for _ in range(rounds):
            same_product(timed=True)
            # 2. changeover to the other product, then a plain trigger: judged by it
            counter += 1
            serial = f"{name[0].upper()}{counter:04d}"
            mark = client.mark()
            sent = client.publish(json.dumps({"action": "changeover", "product": other}))
            client.publish(serial)
            client.wait(lambda m: m.get("kind") == "changeover" and m.get("status") == "changed", after=mark)
            active, other = other, active
            received, message = client.result_of(serial)
            check(message, active, f"changeover {serial}")
            times["changeover"].append((received - sent) * 1000.0)
            switches.append(message)
            same_product(timed=True)
            # 4. a trigger naming the other product, then (untimed) a changeover to it
            counter += 1
            serial = f"{name[0].upper()}{counter:04d}"
            sent = client.publish(json.dumps({"serial": serial, "product": other}))
            received, message = client.result_of(serial)
            check(message, other, f"named trigger {serial}")
            times["named trigger"].append((received - sent) * 1000.0)
            switches.append(message)
            changeover(other)
            active, other = other, active
    finally:
        if client is not None:
            client.close()
        run.stop()
        ctx.close()
    cold = [m["cold_start"] for m in switches]
    if max_warm >= 2 and any(cold):
        problems.append(f"{name}: {sum(cold)} of {len(cold)} switches were cold starts with both models warm")
    if max_warm == 1 and not all(cold):
        problems.append(f"{name}: {cold.count(False)} of {len(cold)} switches were not cold starts with one warm model")
    return times, switches, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20, help="rounds per phase (2 switches, 2 baselines each)")
    parser.add_argument("--size", type=int, default=256, help="size of the rendered library and replay images")
    parser.add_argument("--good", type=int, default=20, help="good library images per product")
    args = parser.parse_args()
    print(f"load average at start: {load_average()}")
    tmp = Path(tempfile.mkdtemp(prefix="bench-changeover-"))
    os.environ["STATION_HOME"] = str(tmp / "home")
    os.environ["STATION_CONFIG"] = str(tmp / "home" / "config.toml")
    broker = Mosquitto(tmp)
    problems: list[str] = []
    try:
        started = time.perf_counter()
        first, replay = demo_home(second=SECOND, n_good=args.good, size=args.size)
        print(f"demo home with {first} and {SECOND} built in {time.perf_counter() - started:.0f} s")
        broker.start()
        results = {}
        for name, max_warm in (("warm", 2), ("cold", 1)):
            times, switches, found = run_phase(name, max_warm, (first, SECOND), replay, broker, args.rounds)
            results[name] = (times, switches)
            problems += found
    finally:
        broker.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"changeover latency, {args.rounds} rounds per phase, client publish -> client receives the verdict")
    for name, (times, switches) in results.items():
        base = times["same product"]
        print(f"  {name} (max_warm_products = {2 if name == 'warm' else 1})")
        for kind, values in times.items():
            print(f"    {kind:14} {summary(values)}")
        for kind in ("changeover", "named trigger"):
            values = times[kind]
            print(f"    ratio {kind} / same product: median {statistics.median(values) / statistics.median(base):.2f}, "
                  f"p95 {percentile(values, 0.95) / percentile(base, 0.95):.2f}")
        loads = [m["model_load_ms"] for m in switches if m["model_load_ms"] is not None]
        print(f"    switch results with cold_start true: {sum(1 for m in switches if m['cold_start'])} of "
              f"{len(switches)}; model_load_ms {summary(loads) if loads else 'null in every switch result'}")
        inspection = [m["inspection_ms"] for m in switches if m.get("inspection_ms") is not None]
        print(f"    switch results' inspection_ms {summary(inspection)}")
    print(f"load average at end: {load_average()}")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
