"""Recipes on the line with real inspections of two built products (filter-bank banks): a changeover in the
middle of a burst judges every part by the product active when its trigger arrived, the trigger's
``product`` field, the PLC's recipe register, the serial changeover command, an unknown product answered
with an error and no verdict, ``product`` in every message, the warm-model bound (least recently used
evicted, a cold start says so), and a camera without frames reported as the station's health."""

from __future__ import annotations

import json
import os
import threading
import tty
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from station.adapters.line.modbus import ModbusLink
from station.adapters.line.mqtt import MqttLink
from station.adapters.line.serial_line import SerialLink
from station.app.line import workflow_inspect
from station.domain.line import LineTrigger, ModbusWiring, MqttWiring, SerialWiring
from station.pipeline.synthetic.parts import render_part
from station.services.line import LineStation
from tests.support.engine import demo_context, fixed_build
from tests.support.line import Broker, Listener, Plc, mqtt_broker, plc, wait_for  # noqa: F401
from tests.support.recipes import SECOND_PRODUCT, add_second_product

SIZE = 64
TOPIC = "station/ST01"
A, B = "demo-cast", SECOND_PRODUCT


@pytest.fixture(scope="module")
def two_products(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One station home with two built products, reused by the module's tests."""
    mp = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("recipes-home")
    mp.setenv("STATION_HOME", str(home))
    mp.setenv("STATION_CONFIG", str(home / "config.toml"))
    ctx = demo_context(size=SIZE, n_good=8, n_per_defect=1, weights=False)
    fixed_build(ctx)
    add_second_product(ctx, home, size=SIZE)
    ctx.close()
    yield home
    mp.undo()


@pytest.fixture
def ctx(two_products, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from station.app.station import build_station
    from station.config import load_settings

    monkeypatch.setenv("STATION_HOME", str(two_products))
    context = build_station(load_settings())
    yield context
    context.close()


def _products_of(ctx, codes: list[str]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The product each recorded inspection was judged and stored under."""
    with ctx.db.session() as session:
        rows = session.execute(text(
            "SELECT i.inspection_code, p.product_code FROM inspections i JOIN products p "
            "ON p.product_id = i.product_id")).all()
    recorded = dict(rows)
    return {code: recorded[code] for code in codes}


class Gate:
    """The line's bench workflow, holding each part until released (to fill the queue on purpose)."""

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        self.inspect = workflow_inspect(ctx, guides=False, language="en")
        self.entered = threading.Semaphore(0)
        self.release = threading.Event()
        self.release.set()
        self.products: list[str | None] = []

    def __call__(self, trigger: LineTrigger, image: Any, deliver) -> None:  # type: ignore[no-untyped-def]
        self.products.append(trigger.product)
        self.entered.release()
        assert self.release.wait(60)
        self.inspect(trigger, image, deliver)


def _frame() -> Any:
    return render_part(60_001, SIZE).image


def _station(links, gate, *, queue_size: int = 6, recipes=None, camera_problem=None,  # type: ignore[no-untyped-def]
             capture=_frame) -> LineStation:
    return LineStation("ST01", A, links, capture, gate, queue_size=queue_size, products=(B,), recipes=recipes,
                       camera_problem=camera_problem)


def test_changeover_in_a_burst_judges_every_part_by_its_product(ctx, mqtt_broker: Broker) -> None:  # type: ignore[no-untyped-def]
    listener = Listener(mqtt_broker.port, f"{TOPIC}/#")
    gate = Gate(ctx)
    gate.release.clear()
    station = _station([MqttLink(MqttWiring(url=mqtt_broker.url), "ST01")], gate)
    station.start()
    try:
        listener.publish(f"{TOPIC}/trigger", "A1")
        assert gate.entered.acquire(timeout=30)  # A1 in flight, judged by the active product A
        listener.publish(f"{TOPIC}/trigger", "A2")  # waits; A is still active when it arrives
        listener.publish(f"{TOPIC}/trigger", json.dumps({"action": "changeover", "product": B}))
        listener.publish(f"{TOPIC}/trigger", "B1")  # after the changeover: B
        listener.publish(f"{TOPIC}/trigger", json.dumps({"serial": "X1", "product": A}))  # this part: A
        listener.publish(f"{TOPIC}/trigger", json.dumps({"serial": "U1", "product": "no-such"}))
        listener.publish(f"{TOPIC}/trigger", json.dumps({"action": "changeover", "product": "no-such"}))
        listener.publish(f"{TOPIC}/trigger", "B2")
        wait_for(lambda: station.health()["queued"] == 4, what="A2, B1, X1, B2 waiting")
        changeover = wait_for(lambda: [m for m in listener.json_on(f"{TOPIC}/result") if m["kind"] == "changeover"
                                       and m["status"] == "changed"], what="changeover answered")[0]
        assert changeover["product"] == B and changeover["previous_product"] == A
        gate.release.set()
        wait_for(lambda: len(listener.json_on(f"{TOPIC}/result")) == 8, what="every trigger answered")
    finally:
        gate.release.set()
        station.stop()
    results = listener.json_on(f"{TOPIC}/result")
    assert all("product" in r and r["product"] == r["product_code"] for r in results)
    parts = {r["serial"]: r for r in results if r["kind"] == "result" and r["serial"]}
    assert {s: parts[s]["product"] for s in ("A1", "A2", "B1", "X1", "B2")} == {
        "A1": A, "A2": A, "B1": B, "X1": A, "B2": B}
    inspected = {s: parts[s]["inspection_code"] for s in ("A1", "A2", "B1", "X1", "B2")}
    assert all(parts[s]["status"] == "inspected" and parts[s]["verdict"] for s in inspected)
    recorded = _products_of(ctx, list(inspected.values()))
    assert {s: recorded[code] for s, code in inspected.items()} == {"A1": A, "A2": A, "B1": B, "X1": A, "B2": B}
    assert gate.products == [A, A, B, A, B], "the product was fixed on arrival, in the order of arrival"
    unknown = parts["U1"]
    assert unknown["status"] == "error" and unknown["verdict"] is None and unknown["inspection_code"] is None
    assert unknown["product"] == "no-such" and "not served" in unknown["error"] and "\n" not in unknown["error"]
    bad_change = [r for r in results if r["kind"] == "changeover" and r["status"] == "error"]
    assert len(bad_change) == 1 and "no-such" in bad_change[0]["error"] and bad_change[0]["verdict"] is None
    assert parts["B1"]["cold_start"] is True and parts["B1"]["model_load_ms"] > 0, "B loaded on first use"
    assert parts["B2"]["cold_start"] is False and parts["B2"]["model_load_ms"] is None
    statuses = listener.json_on(f"{TOPIC}/status")
    after = statuses[[s["product_code"] for s in statuses].index(B):]
    assert after and all(s["product_code"] == B for s in after), "the status shows the new active product"
    assert station.health()["changeovers"] == 1
    listener.close()


def test_warm_models_are_bounded_least_recently_used_evicted(ctx, mqtt_broker: Broker) -> None:  # type: ignore[no-untyped-def]
    cache = ctx.engine.inspection.cache
    cache.set_max_products(1)
    listener = Listener(mqtt_broker.port, f"{TOPIC}/result")
    station = _station([MqttLink(MqttWiring(url=mqtt_broker.url), "ST01")], Gate(ctx))
    station.start()
    try:
        for serial, product in (("W1", A), ("W2", A), ("W3", B), ("W4", A)):
            listener.publish(f"{TOPIC}/trigger", json.dumps({"serial": serial, "product": product}))
            wait_for(lambda: any(r["serial"] == serial for r in listener.json_on(f"{TOPIC}/result")), what=serial)
            assert cache.loaded_products() == [product], "one product loaded at most"
    finally:
        station.stop()
    results = {r["serial"]: r for r in listener.json_on(f"{TOPIC}/result")}
    assert [results[s]["cold_start"] for s in ("W2", "W3", "W4")] == [False, True, True]
    assert results["W4"]["model_load_ms"] > 0, "A was evicted when B loaded: loaded again on first use"
    assert cache.evicted[-2:] == [A, B]
    cache.set_max_products(3)
    listener.close()


def test_modbus_recipe_register_selects_the_product(ctx, plc: Plc, mqtt_broker: Broker) -> None:  # type: ignore[no-untyped-def]
    listener = Listener(mqtt_broker.port, f"{TOPIC}/result")
    wiring = ModbusWiring(host="127.0.0.1", port=plc.port, trigger_coil=10, verdict_register=20,
                          counter_register=21, reject_coil=11, ready_coil=12, recipe_register=22)
    station = _station([ModbusLink(wiring), MqttLink(MqttWiring(url=mqtt_broker.url), "ST01")], Gate(ctx),
                       recipes={1: A, 2: B, 7: "retired-product"})
    station.start()
    try:
        counter = plc.register(21)
        for recipe, serial_count in ((2, 1), (0, 2), (1, 3), (9, 4), (7, 5)):
            plc.set_register(22, recipe)
            plc.set_coil(10, 1)
            wait_for(lambda: len(listener.json_on(f"{TOPIC}/result")) == serial_count, what=f"recipe {recipe}")
            wait_for(lambda: plc.register(21) == (counter + serial_count) % 65536, what="counter moved")
        assert plc.register(20) == 5, "an unknown recipe is an error for the PLC"
    finally:
        station.stop()
    results = listener.json_on(f"{TOPIC}/result")
    assert [r["product"] for r in results[:3]] == [B, A, A], "recipe 2, 0 (the active product), 1"
    assert all(r["status"] == "inspected" for r in results[:3])
    recorded = _products_of(ctx, [r["inspection_code"] for r in results[:3]])
    assert [recorded[r["inspection_code"]] for r in results[:3]] == [B, A, A]
    unknown, retired = results[3], results[4]
    assert unknown["status"] == "error" and unknown["verdict"] is None
    assert "recipe 9 is not in the recipes table" in unknown["error"]
    assert retired["status"] == "error" and "'retired-product' is not served" in retired["error"]
    listener.close()


def test_serial_changeover_command(ctx) -> None:  # type: ignore[no-untyped-def]
    master, slave = os.openpty()
    tty.setraw(slave)
    station = _station([SerialLink(SerialWiring(device=os.ttyname(slave)))], Gate(ctx))
    station.start()

    def line() -> bytes:
        data = b""
        while not data.endswith(b"\r\n"):
            data += os.read(master, 256)
        return data

    try:
        os.write(master, f"P {B}\r\n".encode())
        assert line() == f"CHANGEOVER {B}\r\n".encode()
        os.write(master, b"T\r\n")
        verdict, code = line().decode().split()
        os.write(master, b"P nope\r\n")
        refused = line().decode()
        os.write(master, b"P\r\n")
        bare = line().decode()
    finally:
        station.stop()
        os.close(master)
        os.close(slave)
    assert verdict in ("PASS", "FAIL", "UNCERTAIN") and _products_of(ctx, [code]) == {code: B}
    assert refused.startswith("ERROR product 'nope' is not served") and station.active_product == B
    assert bare.startswith("REFUSED a changeover names the product")


def test_camera_without_frames_degrades_the_station(ctx, mqtt_broker: Broker) -> None:  # type: ignore[no-untyped-def]
    listener = Listener(mqtt_broker.port, f"{TOPIC}/#")
    problem = {"now": "camera /dev/video7 gives no frames: cannot open the device"}
    station = _station([MqttLink(MqttWiring(url=mqtt_broker.url), "ST01")], Gate(ctx),
                       camera_problem=lambda: problem["now"], capture=lambda: None)
    station.start()
    try:
        status = wait_for(lambda: listener.json_on(f"{TOPIC}/status"), what="status")[-1]
        assert status["state"] == "degraded" and status["detail"] == problem["now"]
        assert station.health()["state"] == "degraded" and station.health()["camera_problem"] == problem["now"]
        listener.publish(f"{TOPIC}/trigger", "C1")
        [answer] = wait_for(lambda: listener.json_on(f"{TOPIC}/result"), what="error answer")
        assert answer["status"] == "error" and answer["verdict"] is None and answer["product"] == A
        assert answer["error"] == problem["now"]
        wait_for(lambda: listener.json_on(f"{TOPIC}/status")[-1]["state"] == "degraded", what="degraded again")
        problem["now"] = None  # the camera is back
        station.refresh_status()
        wait_for(lambda: listener.json_on(f"{TOPIC}/status")[-1]["state"] == "online", what="online again")
    finally:
        station.stop()
    listener.close()
