"""The line links against real peers: a mosquitto broker, pymodbus' TCP server as the PLC, a pty pair."""

from __future__ import annotations

import json
import os
import tty

import pytest

from station.adapters.line.modbus import ModbusLink
from station.adapters.line.mqtt import MqttLink
from station.adapters.line.serial_line import SerialLink
from station.domain.errors import ConfigurationError, ValidationError
from station.domain.line import (
    LineResult, LineStatus, LineTrigger, ModbusWiring, MqttWiring, SerialWiring, parse_host_port,
    parse_trigger_payload,
)
from tests.support.line import Broker, Listener, Plc, mqtt_broker, plc, wait_for  # noqa: F401

TOPIC = "station/ST01"


def _result(verdict: str | None = "FAIL", status: str = "inspected", serial: str | None = "SN1") -> LineResult:
    return LineResult("ST01", "demo-cast", status, LineTrigger(source="test", serial=serial), verdict=verdict,  # type: ignore[arg-type]
                      inspection_code="ST01-20260101-000001", anomaly_score=0.93, image_threshold=0.85,
                      pixel_threshold=0.9, review_threshold=0.7, defect_type="crack", regions_count=2,
                      reason=None if status == "inspected" else "busy")


def _states(listener: Listener, topic: str) -> list[str]:
    return [m["state"] for m in listener.json_on(topic)]


def test_trigger_payloads() -> None:
    assert parse_trigger_payload(b"", "mqtt").serial is None
    assert parse_trigger_payload(b" SN-42 \n", "mqtt").serial == "SN-42"
    t = parse_trigger_payload(b'{"serial": "A1", "part_id": 7}', "mqtt")
    assert (t.serial, t.part_id, t.invalid) == ("A1", "7", None)
    assert "JSON" in (parse_trigger_payload(b"{oops", "mqtt").invalid or "")
    assert parse_trigger_payload(b"[1]", "mqtt").invalid is None  # a plain string: the serial "[1]"
    assert parse_trigger_payload("é".encode(), "mqtt").invalid
    assert parse_host_port("mqtt://10.0.0.5:1884", "mqtt", 1883) == ("10.0.0.5", 1884)
    assert parse_host_port("plc.local", "modbus", 502) == ("plc.local", 502)
    with pytest.raises(ValidationError):
        parse_host_port("http://x:1", "mqtt", 1883)
    with pytest.raises(ValidationError):
        parse_host_port("host:99999", "mqtt", 1883)


def test_mqtt_link_trigger_result_status_and_will(mqtt_broker: Broker) -> None:
    listener = Listener(mqtt_broker.port, f"{TOPIC}/#")
    link = MqttLink(MqttWiring(url=mqtt_broker.url), "ST01")
    triggers: list[LineTrigger] = []
    link.start(triggers.append)
    try:
        link.publish_status(LineStatus("ST01", "online", "demo-cast"))
        listener.publish(f"{TOPIC}/trigger", json.dumps({"serial": "SN-9", "part_id": "P3"}))
        listener.publish(f"{TOPIC}/trigger", b"")
        listener.publish(f"{TOPIC}/trigger", b"{broken")
        wait_for(lambda: len(triggers) == 3, what="three triggers")
        assert (triggers[0].serial, triggers[0].part_id, triggers[0].source) == ("SN-9", "P3", "mqtt")
        assert triggers[1].serial is None and triggers[1].invalid is None
        assert triggers[2].invalid
        link.publish_result(_result())
        [message] = wait_for(lambda: listener.json_on(f"{TOPIC}/result"), what="result message")
        assert message["verdict"] == "FAIL" and message["inspection_code"] == "ST01-20260101-000001"
        assert message["thresholds"] == {"image": 0.85, "pixel": 0.9, "review": 0.7}
        assert (message["serial"], message["station_id"], message["regions_count"]) == ("SN1", "ST01", 2)
        assert message["defect_type"] == "crack" and message["anomaly_score"] == 0.93
        assert message["triggered_at"] and message["published_at"]
        status = wait_for(lambda: listener.json_on(f"{TOPIC}/status"), what="status")
        assert status[-1]["state"] == "online"
    finally:
        link.stop()
    wait_for(lambda: _states(listener, f"{TOPIC}/status")[-1:] == ["offline"], what="offline status")
    listener.close()
    # retained: a client connecting later still reads the last status
    late = Listener(mqtt_broker.port, f"{TOPIC}/status")
    retained = wait_for(lambda: [m for m in late.messages if m[2]], what="retained status")
    assert json.loads(retained[-1][1])["state"] == "offline"
    late.close()


def test_mqtt_last_will_on_broken_connection(mqtt_broker: Broker) -> None:
    link = MqttLink(MqttWiring(url=mqtt_broker.url, client_id="will-test"), "ST02")
    link.start(lambda t: None)
    link.publish_status(LineStatus("ST02", "online"))
    listener = Listener(mqtt_broker.port, "station/ST02/status")
    wait_for(lambda: _states(listener, "station/ST02/status")[-1:] == ["online"], what="online")
    link._client.loop_stop()
    link._client.socket().close()  # the station dies without a clean disconnect: the broker sends the will
    state = wait_for(lambda: [m for m in listener.json_on("station/ST02/status") if m["state"] == "offline"],
                     timeout=40, what="last will")
    assert state[-1]["detail"] == "connection lost"
    listener.close()


def test_mqtt_unreachable_broker_is_one_clear_error() -> None:
    from tests.support.line import free_port

    link = MqttLink(MqttWiring(url=f"mqtt://127.0.0.1:{free_port()}"), "ST01", connect_timeout=2)
    with pytest.raises(ConfigurationError, match="MQTT broker"):
        link.start(lambda t: None)


def test_modbus_link_trigger_edge_verdict_and_reject_pulse(plc: Plc) -> None:
    wiring = ModbusWiring(host="127.0.0.1", port=plc.port, trigger_coil=10, verdict_register=20,
                          counter_register=21, reject_coil=11, ready_coil=12, reject_pulse_ms=300)
    link = ModbusLink(wiring)
    triggers: list[LineTrigger] = []
    link.start(triggers.append)
    try:
        link.publish_status(LineStatus("ST01", "online"))
        wait_for(lambda: plc.coil(12) == 1, what="ready coil")
        plc.set_coil(10, 1)
        wait_for(lambda: len(triggers) == 1, what="modbus trigger")
        wait_for(lambda: plc.coil(10) == 0, what="trigger acknowledged (cleared)")
        assert triggers[0].source == "modbus"
        link.publish_result(_result("FAIL"))
        wait_for(lambda: plc.register(21) == 1, what="result counter")
        assert plc.register(20) == 2  # FAIL
        wait_for(lambda: plc.coil(11) == 1, what="reject pulse on")
        wait_for(lambda: plc.coil(11) == 0, what="reject pulse off")
        link.publish_result(_result("PASS"))
        wait_for(lambda: plc.register(21) == 2, what="second result")
        assert plc.register(20) == 1 and plc.coil(11) == 0  # PASS: no reject
        link.publish_result(_result(None, status="refused"))
        wait_for(lambda: plc.register(21) == 3, what="refusal")
        assert plc.register(20) == 4
        wait_for(lambda: plc.coil(11) == 1, what="a refused part is rejected too")
        plc.set_coil(10, 1)
        wait_for(lambda: len(triggers) == 2, what="second trigger")
    finally:
        link.stop()
    assert plc.coil(12) == 0  # not ready once stopped
    # a restart continues the counter the PLC last saw
    again = ModbusLink(wiring)
    again.start(lambda t: None)
    again.publish_result(_result("PASS"))
    wait_for(lambda: plc.register(21) == 4, what="counter continued after restart")
    again.stop()


def test_modbus_register_trigger_carries_the_part_id(plc: Plc) -> None:
    link = ModbusLink(ModbusWiring(host="127.0.0.1", port=plc.port, trigger_register=30))
    triggers: list[LineTrigger] = []
    link.start(triggers.append)
    try:
        plc.set_register(30, 1234)
        wait_for(lambda: triggers, what="register trigger")
        assert triggers[0].part_id == "1234"
        wait_for(lambda: plc.register(30) == 0, what="register acknowledged")
    finally:
        link.stop()


def test_modbus_unreachable_plc() -> None:
    from tests.support.line import free_port

    with pytest.raises(ConfigurationError, match="Modbus"):
        ModbusLink(ModbusWiring(host="127.0.0.1", port=free_port()), connect_timeout=1).start(lambda t: None)


def _pty() -> tuple[int, str]:
    master, slave = os.openpty()
    tty.setraw(slave)
    return master, os.ttyname(slave)


def _read_line(fd: int) -> bytes:
    data = b""
    while not data.endswith(b"\r\n"):
        data += os.read(fd, 256)
    return data


def test_serial_link_trigger_scanner_and_reply() -> None:
    master, device = _pty()
    link = SerialLink(SerialWiring(device=device))
    triggers: list[LineTrigger] = []
    link.start(triggers.append)
    try:
        os.write(master, b"T\r\n")
        os.write(master, b"SN-000123\n")
        os.write(master, b"\r\n")  # empty lines are ignored
        os.write(master, "ü\r".encode())
        wait_for(lambda: len(triggers) == 3, what="serial triggers")
        assert triggers[0].serial is None and triggers[0].source == "serial"
        assert triggers[1].serial == "SN-000123"
        assert triggers[2].invalid
        link.publish_result(_result("UNCERTAIN"))
        assert _read_line(master) == b"UNCERTAIN ST01-20260101-000001\r\n"
        link.publish_result(_result(None, status="refused"))
        assert _read_line(master) == b"REFUSED busy\r\n"
    finally:
        link.stop()
        os.close(master)


def test_serial_missing_device() -> None:
    with pytest.raises(ConfigurationError, match="serial line"):
        SerialLink(SerialWiring(device="/dev/does-not-exist-station")).start(lambda t: None)
