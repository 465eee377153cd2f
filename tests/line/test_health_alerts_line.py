"""Health alerts on the line, over a real mosquitto broker with real inspections (demo product): an alert a
part raised is published on ``station/<id>/alert`` (kind, message, product, station, the part's inspection
code) and the retained status carries the open alerts (count and newest), which drop when a supervisor
acknowledges the alert."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from station.adapters.line.mqtt import MqttLink, alert_topic
from station.app.line import workflow_inspect
from station.domain.health import HealthAlert, HealthAlertKind, HealthSignal
from station.domain.line import LineTrigger, MqttWiring
from station.pipeline.synthetic.parts import render_part
from station.services.line import LineStation
from tests.support.line import Broker, Listener, built_demo_home, home_context, mqtt_broker, wait_for  # noqa: F401

SIZE = 64
TOPIC = "station/ST01"


@pytest.fixture(scope="module")
def built_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from built_demo_home(tmp_path_factory, "health-line-home", SIZE)


@pytest.fixture
def ctx(built_home, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    yield from home_context(built_home, monkeypatch)


def _moved(px: int) -> HealthAlert:
    return HealthAlert(HealthAlertKind.CAMERA_MOVED, "demo-cast", None, HealthSignal.OFFSET_X,
                       f"The camera or the fixture moved: the part sits {px} px to the right.", float(px), 0.3, 40,
                       params={"px": px})


def _alerting(ctx, alerts: list[HealthAlert]):  # type: ignore[no-untyped-def]
    """The bench workflow as the line station runs it, with the health watch's part played here: before the
    n-th part is delivered its alert is stored through the persistent sink and carried on the outcome."""
    inspect = workflow_inspect(ctx, "demo-cast", guides=False, language="en")

    def run(trigger: LineTrigger, image: Any, deliver) -> None:  # type: ignore[no-untyped-def]
        def with_alert(outcome, extra=None):  # type: ignore[no-untyped-def]
            if alerts:
                alert = alerts.pop(0)
                ctx.health_alerts.raised(alert)
                outcome = replace(outcome, health_alerts=(alert,))
            deliver(outcome, extra)

        inspect(trigger, image, with_alert)

    return run


def test_alert_topic_and_open_alerts_on_the_status(ctx, mqtt_broker: Broker) -> None:  # type: ignore[no-untyped-def]
    assert alert_topic("station/ST01/result", "ST01") == "station/ST01/alert"
    assert alert_topic("plant/line3/answers", "ST01") == "station/ST01/alert"
    boss = ctx.users.add_user("park_boss", "park_boss@example.com", "Str0ng-pass-42", ["manager"])
    listener = Listener(mqtt_broker.port, f"{TOPIC}/#")
    image = render_part(60_001, SIZE).image
    station = LineStation("ST01", "demo-cast", [MqttLink(MqttWiring(url=mqtt_broker.url), "ST01")], lambda: image,
                          _alerting(ctx, [_moved(12)]), alert_summary=ctx.health_alerts.summary)
    station.start()
    try:
        assert listener.json_on(f"{TOPIC}/alert") == []
        listener.publish(f"{TOPIC}/trigger", json.dumps({"serial": "SN-1"}))
        [alert] = wait_for(lambda: listener.json_on(f"{TOPIC}/alert"), what="alert message")
        [result] = wait_for(lambda: listener.json_on(f"{TOPIC}/result"), what="result")
        assert (alert["kind"], alert["product"], alert["station"], alert["view"]) == (
            "camera_moved", "demo-cast", "ST01", None)
        assert alert["message"].startswith("The camera or the fixture moved") and alert["params"] == {"px": 12}
        assert alert["inspection_code"] == result["inspection_code"] and alert["signal"] == "offset_x"
        status = wait_for(lambda: [s for s in listener.json_on(f"{TOPIC}/status") if s["open_alerts"] == 1],
                          what="status with the open alert")[-1]
        assert status["latest_alert"]["kind"] == "camera_moved" and status["latest_alert"]["alert_id"]
        assert station.health()["open_alerts"] == 1

        listener.publish(f"{TOPIC}/trigger", json.dumps({"serial": "SN-2"}))  # no alert on this part
        wait_for(lambda: len(listener.json_on(f"{TOPIC}/result")) == 2, what="second result")
        assert len(listener.json_on(f"{TOPIC}/alert")) == 1

        [entry] = ctx.health_alerts.open_alerts("demo-cast")
        ctx.health_alerts.acknowledge(entry.alert_id, boss)
        station.refresh_status()  # serve calls it every second
        cleared = wait_for(lambda: [s for s in listener.json_on(f"{TOPIC}/status")
                                    if s["open_alerts"] == 0 and s["state"] == "online"
                                    and s["since"] > status["since"]], what="status without open alerts")
        assert cleared[-1]["latest_alert"] is None
    finally:
        station.stop()
    listener.close()


def test_a_darker_camera_raises_a_stored_alert_published_on_the_line(  # type: ignore[no-untyped-def]
        ctx, mqtt_broker: Broker) -> None:
    """The station as assembled: the health watch's alerts go to the persistent sink. Parts photographed
    darker than at calibration raise "image darker" from the real signals; it is stored (open, for the
    supervisor), published on the alert topic and counted on the status."""
    listener = Listener(mqtt_broker.port, f"{TOPIC}/#")
    darker = (render_part(60_002, SIZE).image.astype(float) * 0.45).astype("uint8")
    station = LineStation("ST01", "demo-cast", [MqttLink(MqttWiring(url=mqtt_broker.url), "ST01")], lambda: darker,
                          workflow_inspect(ctx, "demo-cast", guides=False, language="en"),
                          alert_summary=ctx.health_alerts.summary)
    station.start()
    try:
        for n in range(1, 41):
            listener.publish(f"{TOPIC}/trigger", json.dumps({"serial": f"D-{n}"}))
            wait_for(lambda: len(listener.json_on(f"{TOPIC}/result")) == n, what=f"result {n}")
            if ctx.health_alerts.open_alerts("demo-cast"):  # stored before the part's result is answered
                break
        # the part that raised the alert raised two (darker, and less contrast): each reaches the line
        stored = ctx.health_alerts.open_alerts("demo-cast")

        def every_alert_sent() -> list[dict[str, Any]] | None:
            sent = listener.json_on(f"{TOPIC}/alert")
            return sent if len(sent) == len(stored) else None

        alerts = wait_for(every_alert_sent, what="every stored alert on the alert topic")
        wait_for(lambda: any(s["open_alerts"] == len(stored) for s in listener.json_on(f"{TOPIC}/status")),
                 what="the open alerts on the status")
    finally:
        station.stop()
    listener.close()
    assert [a.kind.value for a in stored] == [a["kind"] for a in alerts] == ["image_darker", "contrast_lower"]
    assert alerts[0]["product"] == "demo-cast" and alerts[0]["station"] == "ST01"
    assert alerts[0]["params"]["grey_levels"] < 0
    assert stored[0].alert.station_code == "ST01" and stored[0].alert.raised_at is not None


def test_the_gui_benchs_line_link_carries_alerts_and_the_open_count(mqtt_broker: Broker) -> None:
    """The GUI bench wraps each link to name itself on the status: alerts and the open count pass through."""
    from station.domain.health_alerts import HealthAlertEntry, HealthAlertSummary
    from station.domain.line import LineStatus
    from station.ui.bench.line_controller import BENCH_DETAIL, _BenchStatusLink

    listener = Listener(mqtt_broker.port, "station/ST09/#")
    link = _BenchStatusLink(MqttLink(MqttWiring(url=mqtt_broker.url), "ST09"))
    link.start(lambda _trigger: None)
    try:
        summary = HealthAlertSummary(2, HealthAlertEntry(7, _moved(9)))
        link.publish_status(LineStatus("ST09", "online", "demo-cast", open_alerts=2,
                                       latest_alert=summary.to_json()["latest"]))
        link.publish_alert({**_moved(9).to_json(), "station": "ST09"})
        [alert] = wait_for(lambda: listener.json_on("station/ST09/alert"), what="alert through the bench link")
        status = wait_for(lambda: listener.json_on("station/ST09/status"), what="status")[-1]
    finally:
        link.stop()
        listener.close()
    assert (alert["kind"], alert["params"], alert["station"]) == ("camera_moved", {"px": 9}, "ST09")
    assert status["detail"] == BENCH_DETAIL and status["open_alerts"] == 2
    assert (status["latest_alert"]["alert_id"], status["latest_alert"]["kind"]) == (7, "camera_moved")
