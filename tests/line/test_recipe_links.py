"""Recipes on each link against real peers (mosquitto, pymodbus' server as the PLC, a pty pair) and in
line.toml: the MQTT ``product`` field and changeover message, the PLC's recipe register, the serial
changeover command and its reply, ``product`` in every message, and the ``[recipes]`` table."""

from __future__ import annotations

import json
import os
import tty
from pathlib import Path

import pytest

from station.adapters.line.modbus import ModbusLink
from station.adapters.line.mqtt import MqttLink
from station.adapters.line.serial_line import SerialLink
from station.adapters.line.wiring_file import load_wiring
from station.adapters.line.wiring_store import TomlWiringStore
from station.domain.errors import ConfigurationError
from station.domain.line import (LineResult, LineTrigger, LineWiring, ModbusWiring, MqttWiring, SerialWiring,
                                 parse_trigger_payload)
from tests.support.line import Broker, Listener, Plc, mqtt_broker, plc, wait_for  # noqa: F401

TOPIC = "station/ST01"


def test_trigger_payload_product_and_changeover() -> None:
    t = parse_trigger_payload(b'{"serial": "S1", "product": "demo-b"}', "mqtt")
    assert (t.serial, t.product, t.action, t.invalid) == ("S1", "demo-b", "inspect", None)
    assert parse_trigger_payload(b'{"serial": "S1"}', "mqtt").product is None
    c = parse_trigger_payload(b'{"action": "changeover", "product": "demo-b"}', "mqtt")
    assert (c.action, c.product, c.invalid) == ("changeover", "demo-b", None)
    assert "must name the product" in (parse_trigger_payload(b'{"action": "changeover"}', "mqtt").invalid or "")
    assert "trigger action" in (parse_trigger_payload(b'{"action": "eject"}', "mqtt").invalid or "")
    assert "product" in (parse_trigger_payload('{"product": "ü"}'.encode(), "mqtt").invalid or "")


def test_mqtt_product_field_changeover_and_product_in_results(mqtt_broker: Broker) -> None:
    listener = Listener(mqtt_broker.port, f"{TOPIC}/result")
    link = MqttLink(MqttWiring(url=mqtt_broker.url), "ST01")
    triggers: list[LineTrigger] = []
    link.start(triggers.append)
    try:
        listener.publish(f"{TOPIC}/trigger", json.dumps({"serial": "S1", "product": "demo-b"}))
        listener.publish(f"{TOPIC}/trigger", json.dumps({"action": "changeover", "product": "demo-b"}))
        wait_for(lambda: len(triggers) == 2, what="two triggers")
        assert (triggers[0].product, triggers[0].action) == ("demo-b", "inspect")
        assert (triggers[1].product, triggers[1].action) == ("demo-b", "changeover")
        link.publish_result(LineResult("ST01", "demo-b", "changed", triggers[1], kind="changeover"))
        link.publish_result(LineResult("ST01", "nope", "error", triggers[0], reason="product 'nope' is not served"))
        messages = wait_for(lambda: len(listener.json_on(f"{TOPIC}/result")) == 2
                            and listener.json_on(f"{TOPIC}/result"), what="two messages")
    finally:
        link.stop()
    assert [(m["kind"], m["status"], m["product"], m["error"]) for m in messages] == [
        ("changeover", "changed", "demo-b", None), ("result", "error", "nope", "product 'nope' is not served")]
    assert messages[1]["verdict"] is None and messages[1]["product_code"] == "nope"
    listener.close()


def test_modbus_recipe_register_is_read_with_each_trigger(plc: Plc) -> None:
    wiring = ModbusWiring(host="127.0.0.1", port=plc.port, trigger_coil=10, verdict_register=20,
                          counter_register=21, reject_coil=11, ready_coil=12, recipe_register=23)
    link = ModbusLink(wiring)
    triggers: list[LineTrigger] = []
    link.start(triggers.append)
    try:
        plc.set_register(23, 4)
        plc.set_coil(10, 1)
        wait_for(lambda: len(triggers) == 1, what="first trigger")
        wait_for(lambda: plc.coil(10) == 0, what="acknowledged")
        plc.set_register(23, 0)
        plc.set_coil(10, 1)
        wait_for(lambda: len(triggers) == 2, what="second trigger")
        assert [t.recipe for t in triggers] == [4, 0]
        # a changeover or a recurrence alert is no part verdict: the counter moves for part results only
        counter = plc.register(21)
        link.publish_result(LineResult("ST01", "demo-b", "changed", triggers[0], kind="changeover"))
        link.publish_result(LineResult("ST01", "demo-b", "inspected", triggers[0], verdict="FAIL",
                                       kind="recurrence_alert"))
        link.publish_result(LineResult("ST01", "demo-b", "inspected", triggers[1], verdict="PASS"))
        wait_for(lambda: plc.register(21) == counter + 1, what="the part's result")
        assert plc.register(20) == 1
    finally:
        link.stop()
    assert plc.register(21) == counter + 1


def test_serial_changeover_line_and_reply() -> None:
    master, slave = os.openpty()
    tty.setraw(slave)
    link = SerialLink(SerialWiring(device=os.ttyname(slave), changeover="RECIPE"))
    triggers: list[LineTrigger] = []
    link.start(triggers.append)

    def line() -> bytes:
        data = b""
        while not data.endswith(b"\r\n"):
            data += os.read(master, 256)
        return data

    try:
        os.write(master, b"RECIPE demo-b\r\n")
        os.write(master, b"RECIPE\r\n")
        os.write(master, b"SN-7\r\n")
        wait_for(lambda: len(triggers) == 3, what="three lines")
        assert (triggers[0].action, triggers[0].product) == ("changeover", "demo-b")
        assert "RECIPE <product>" in (triggers[1].invalid or "")
        assert (triggers[2].action, triggers[2].serial) == ("inspect", "SN-7")
        link.publish_result(LineResult("ST01", "demo-b", "changed", triggers[0], kind="changeover"))
        assert line() == b"CHANGEOVER demo-b\r\n"
        link.publish_result(LineResult("ST01", "demo-b", "inspected", triggers[2], verdict="FAIL",
                                       inspection_code="INS-1", kind="recurrence_alert"))
        link.publish_result(LineResult("ST01", "x", "error", triggers[0], reason="product 'x' is not served",
                                       kind="changeover"))
        assert line() == b"ERROR product 'x' is not served\r\n", "no line for the alert, one for the error"
    finally:
        link.stop()
        os.close(master)
        os.close(slave)


def test_recipes_table_in_line_toml(tmp_path: Path) -> None:
    path = tmp_path / "line.toml"
    path.write_text('max_warm_products = 2\n\n[modbus]\nhost = "10.0.0.20"\nrecipe_register = 5\n\n'
                    '[recipes]\n1 = "demo-cast"\n2 = "demo-b"\n')
    wiring = load_wiring(path)
    assert wiring.recipes == {1: "demo-cast", 2: "demo-b"} and wiring.max_warm_products == 2
    assert wiring.modbus is not None and wiring.modbus.recipe_register == 5
    TomlWiringStore(tmp_path / "again.toml").save(wiring)
    assert load_wiring(tmp_path / "again.toml") == wiring, "written back unchanged"
    for bad, message in (('[recipes]\nfirst = "demo-cast"\n', "not a recipe number"),
                         ("[recipes]\n1 = 5\n", "must name a product code"),
                         ("max_warm_products = 0\n", "max_warm_products")):
        path.write_text(bad)
        with pytest.raises(ConfigurationError, match=message):
            load_wiring(path)


def test_changeover_from_any_link_and_without_a_product(mqtt_broker: Broker) -> None:
    """A changeover as another link builds it (``LineTrigger(action="changeover", product=...)``): answered on
    every link, the status shows the new product; one without a product is refused with the reason."""
    from station.services.line import LineStation

    def never(*_):  # type: ignore[no-untyped-def]
        raise AssertionError("a changeover inspects nothing")

    listener = Listener(mqtt_broker.port, f"{TOPIC}/#")
    station = LineStation("ST01", "demo-cast", [MqttLink(MqttWiring(url=mqtt_broker.url), "ST01")], lambda: None,
                          never, products=("demo-b",))
    station.start()
    try:
        station.on_trigger(LineTrigger(source="opcua", action="changeover"))
        station.on_trigger(LineTrigger(source="opcua", action="changeover", product="demo-b"))
        messages = wait_for(lambda: len(listener.json_on(f"{TOPIC}/result")) == 2
                            and listener.json_on(f"{TOPIC}/result"), what="two answers")
        wait_for(lambda: listener.json_on(f"{TOPIC}/status")[-1]["product_code"] == "demo-b", what="new product")
    finally:
        station.stop()
    assert [(m["kind"], m["status"], m["product"]) for m in messages] == [
        ("changeover", "refused", "demo-cast"), ("changeover", "changed", "demo-b")]
    assert messages[0]["reason"] == "a changeover must name the product"
    assert station.active_product == "demo-b" and station.health()["changeovers"] == 1
    listener.close()


def test_modbus_changeover_coil_applies_the_recipe_without_inspecting(plc: Plc) -> None:
    """The PLC writes a recipe number and sets the changeover coil: the station makes that recipe's product
    active (no inspection, the verdict and counter registers untouched), writes its answer into the
    changeover status register and clears the coil. An unknown recipe number or 0 is answered and changes
    nothing; the next part (recipe register 0) is judged by the new active product."""
    import numpy as np

    from station.domain.errors import StationError
    from station.services.line import LineStation

    wiring = ModbusWiring(host="127.0.0.1", port=plc.port, trigger_coil=10, verdict_register=20,
                          counter_register=21, reject_coil=11, ready_coil=12, recipe_register=23,
                          changeover_coil=13, changeover_status_register=24)
    judged: list[str | None] = []

    def inspect(trigger, image, deliver):  # type: ignore[no-untyped-def]
        judged.append(trigger.product)
        raise StationError("no model in this test")

    station = LineStation("ST01", "demo-cast", [ModbusLink(wiring)], lambda: np.zeros((8, 8, 3), np.uint8),
                          inspect, products=("demo-b",), recipes={1: "demo-cast", 2: "demo-b"})
    station.start()

    def changeover(recipe: int) -> int:
        plc.set_register(24, 0)
        plc.set_register(23, recipe)
        plc.set_coil(13, 1)
        wait_for(lambda: plc.coil(13) == 0, what=f"changeover to recipe {recipe} acknowledged")
        return plc.register(24)  # written before the coil was cleared

    try:
        wait_for(lambda: plc.coil(12) == 1, what="ready")
        counter = plc.register(21)
        assert changeover(2) == 1 and station.active_product == "demo-b"
        assert changeover(99) == 5 and station.active_product == "demo-b", "unknown recipe: nothing changes"
        assert changeover(0) == 4 and station.active_product == "demo-b", "no recipe: refused"
        assert station.counters.changeovers == 1 and not judged
        assert plc.register(21) == counter and plc.coil(10) == 0, "a changeover is no part"
        plc.set_register(23, 0)
        plc.set_coil(10, 1)
        wait_for(lambda: plc.register(21) == (counter + 1) % 65536, what="the part's result")
        assert judged == ["demo-b"] and plc.register(20) == 5
        assert changeover(1) == 1 and station.active_product == "demo-cast"
    finally:
        station.stop()


def test_modbus_changeover_wiring_is_checked(tmp_path: Path) -> None:
    """A changeover coil without a recipe register, one on a coil already used, a status register on a used
    register or an address out of range: one clear line, in line.toml and from the settings."""
    from station.domain.errors import ValidationError

    good = ModbusWiring(host="10.0.0.20", recipe_register=5, changeover_coil=3, changeover_status_register=6)
    assert good.validated() is good
    path = tmp_path / "line.toml"
    TomlWiringStore(path).save(LineWiring(modbus=good))
    assert load_wiring(path).modbus == good, "written and read back"
    for bad, message in (
            ({"changeover_coil": 3}, "needs a recipe register"),
            ({"recipe_register": 5, "changeover_coil": 2}, "different coils"),
            ({"recipe_register": 5, "changeover_coil": 3, "changeover_status_register": 0}, "different registers"),
            ({"recipe_register": 5, "changeover_status_register": 6}, "needs a changeover coil"),
            ({"recipe_register": 5, "changeover_coil": 70000}, "changeover coil must be a whole number from 0 to "
                                                               "65535, got 70000"),
            ({"recipe_register": 5, "changeover_coil": -1}, "changeover coil must be a whole number"),
            ({"recipe_register": 5, "changeover_coil": "3"}, "changeover coil must be a whole number")):
        with pytest.raises(ValidationError, match=message):
            ModbusWiring(host="10.0.0.20", **bad).validated()
    path.write_text('[modbus]\nhost = "10.0.0.20"\nchangeover_coil = 70000\nrecipe_register = 5\n')
    with pytest.raises(ConfigurationError, match=r"\[modbus\]: Modbus changeover coil must be a whole number") as err:
        load_wiring(path)
    assert "\n" not in str(err.value)
