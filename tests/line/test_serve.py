"""``station serve`` as a real process: replay camera, real broker, health endpoint, SIGTERM with a trigger
in flight (nothing half-recorded, every trigger answered), a restart that goes on where it stopped, the
demo home's camera used without ``--camera``, and a camera without frames reported as the station's
health."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from station.app.demo import render_replay
from tests.support.engine import demo_context, fixed_build
from tests.support.line import REPO_ROOT, Broker, Listener, free_port, mqtt_broker, wait_for  # noqa: F401

pytestmark = pytest.mark.slow
TOPIC = "station/ST01"


class Served:
    def __init__(self, home: Path, camera: Path | None, broker: Broker, health_port: int) -> None:
        env = {**os.environ, "STATION_HOME": str(home), "STATION_CONFIG": str(home / "config.toml"),
               "PYTHONPATH": str(REPO_ROOT)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "station", "serve", "--product", "demo-cast",
             *(["--camera", str(camera)] if camera is not None else []),
             "--mqtt", broker.url, "--health-port", str(health_port)],
            cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.health_port = health_port

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.output.append(line)
            self.lines.put(line)

    def wait_serving(self) -> None:
        wait_for(lambda: any(line.startswith("serving ") for line in self.output) or self.proc.poll() is not None,
                 timeout=180, what="station serve to start")
        assert self.proc.poll() is None, "".join(self.output)

    def health(self) -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.health_port}/health", timeout=10) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    def terminate(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=120)


def _inspections(home: Path) -> list[str]:
    engine = create_engine(f"sqlite:///{home / 'station.sqlite3'}")
    with engine.connect() as conn:
        codes = [row[0] for row in conn.execute(text("SELECT inspection_code FROM inspections ORDER BY 1"))]
    engine.dispose()
    return codes


def test_serve_answers_stops_cleanly_and_restarts(tmp_path: Path, mqtt_broker: Broker,
                                                  _isolated_home: Path) -> None:
    ctx = demo_context(size=64, n_good=8, n_per_defect=1, weights=False)
    fixed_build(ctx)
    ctx.close()
    camera = render_replay(tmp_path / "replay", 64, count=6)
    listener = Listener(mqtt_broker.port, f"{TOPIC}/#")
    served = Served(_isolated_home, camera, mqtt_broker, free_port())
    try:
        served.wait_serving()
        status, health = served.health()
        assert status == 200 and health["state"] == "online" and health["links"] == ["mqtt"]
        for serial in ("S1", "S2", "S3"):
            listener.publish(f"{TOPIC}/trigger", serial)
        wait_for(lambda: len(listener.json_on(f"{TOPIC}/result")) == 3, what="three results")
        listener.publish(f"{TOPIC}/trigger", "LAST")  # and stop at once: answered either way
        wait_for(lambda: served.health()[1]["queued"] or served.health()[1]["busy"]
                 or len(listener.json_on(f"{TOPIC}/result")) == 4, what="LAST taken")
        assert served.terminate() == 0, "".join(served.output)
    finally:
        if served.proc.poll() is None:
            served.proc.kill()
    results = listener.json_on(f"{TOPIC}/result")
    assert [r["serial"] for r in results] == ["S1", "S2", "S3", "LAST"]
    inspected = [r["inspection_code"] for r in results if r["status"] == "inspected"]
    assert results[-1]["status"] in ("inspected", "refused")
    assert sorted(inspected) == _inspections(_isolated_home)  # every published inspection recorded, no other
    states = [m["state"] for m in listener.json_on(f"{TOPIC}/status")]
    assert states[-1] == "offline" and "stopping" in states
    assert any("stopped: " in line for line in served.output)

    again = Served(_isolated_home, camera, mqtt_broker, free_port())
    try:
        again.wait_serving()
        listener.publish(f"{TOPIC}/trigger", "AFTER")
        wait_for(lambda: any(r["serial"] == "AFTER" for r in listener.json_on(f"{TOPIC}/result")), what="AFTER")
        assert again.terminate() == 0
    finally:
        if again.proc.poll() is None:
            again.proc.kill()
    after = next(r for r in listener.json_on(f"{TOPIC}/result") if r["serial"] == "AFTER")
    assert after["status"] == "inspected" and after["inspection_code"] not in inspected
    assert len(_inspections(_isolated_home)) == len(inspected) + 1
    listener.close()


def test_serve_without_links_is_one_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from station.cli.main import main

    ctx = demo_context(size=64, n_good=3, n_per_defect=0, weights=False)
    ctx.close()
    assert main(["serve", "--product", "demo-cast", "--camera", str(tmp_path)]) == 2
    assert main(["serve", "--product", "demo-cast", "--camera", str(tmp_path), "--mqtt", "http://x"]) == 2
    capsys.readouterr()
    for products, message in ((["nope", "demo-cast"], "no active product with code 'nope'"),
                              (["demo-cast"], "product 'demo-cast' has no memory bank yet")):
        args = [a for code in products for a in ("--product", code)]
        assert main(["serve", *args, "--camera", str(tmp_path), "--health-port", "0"]) == 2
        err = capsys.readouterr().err.strip()
        assert message in err and "\n" not in err


def test_serve_without_camera_on_a_demo_home_inspects(mqtt_broker: Broker, _isolated_home: Path) -> None:
    """After the demo home is prepared, its replay is the station's camera: no --camera needed."""
    from station.app.demo import prepare_demo
    from station.app.station import build_station
    from station.config import load_settings
    from station.services.engine.build import BuildOptions

    ctx = build_station(load_settings())
    try:
        setup = prepare_demo(ctx, ctx.engine, n_good=8, n_per_defect=1, size=64, report=None,
                             build_options=BuildOptions(backbone=ctx.engine.models.default_backbone()))
    finally:
        ctx.close()
    assert json.loads((_isolated_home / "camera.json").read_text())["source"] == str(setup.replay_folder)
    listener = Listener(mqtt_broker.port, f"{TOPIC}/#")
    served = Served(_isolated_home, None, mqtt_broker, free_port())
    try:
        served.wait_serving()
        status, health = served.health()
        assert status == 200 and health["state"] == "online" and health["camera"] == "live"
        assert health["camera_source"] == str(setup.replay_folder) and health["camera_problem"] is None
        listener.publish(f"{TOPIC}/trigger", "DEMO-1")
        [result] = wait_for(lambda: listener.json_on(f"{TOPIC}/result"), what="the demo part's result")
        assert served.terminate() == 0, "".join(served.output)
    finally:
        if served.proc.poll() is None:
            served.proc.kill()
    assert result["status"] == "inspected" and result["verdict"] in ("PASS", "FAIL", "UNCERTAIN")
    assert result["product"] == "demo-cast" and result["serial"] == "DEMO-1"
    listener.close()


def test_serve_with_a_camera_without_frames_says_so(tmp_path: Path, mqtt_broker: Broker,
                                                     _isolated_home: Path) -> None:
    ctx = demo_context(size=64, n_good=8, n_per_defect=1, weights=False)
    fixed_build(ctx)
    ctx.close()
    empty = tmp_path / "no-frames"
    empty.mkdir()
    listener = Listener(mqtt_broker.port, f"{TOPIC}/#")
    served = Served(_isolated_home, empty, mqtt_broker, free_port())
    try:
        served.wait_serving()
        warning = [line for line in served.output if "gives no frames" in line]
        assert len(warning) == 1 and f"camera {empty} gives no frames: no images in folder" in warning[0]
        status, health = served.health()
        assert status == 503 and health["state"] == "degraded"
        assert health["camera_problem"].startswith(f"camera {empty} gives no frames")
        state = wait_for(lambda: listener.json_on(f"{TOPIC}/status"), what="status")[-1]
        assert state["state"] == "degraded" and "gives no frames" in state["detail"]
        listener.publish(f"{TOPIC}/trigger", "NO-CAM")
        [result] = wait_for(lambda: listener.json_on(f"{TOPIC}/result"), what="the error result")
        assert served.terminate() == 0, "".join(served.output)
    finally:
        if served.proc.poll() is None:
            served.proc.kill()
    assert result["status"] == "error" and result["verdict"] is None and result["product"] == "demo-cast"
    assert result["error"].startswith(f"camera {empty} gives no frames: no images in folder")
    listener.close()
