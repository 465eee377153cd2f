"""The line station over a real broker with real inspections (demo product, filter-bank bank): every
trigger gets one answer, busy triggers queue or are refused by the stated rule, a stop finishes the
inspection in flight and records nothing half-way."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from station.adapters.db.models import Inspection
from station.adapters.line.mqtt import MqttLink
from station.app.line import workflow_inspect
from station.domain.line import LineTrigger, MqttWiring
from station.pipeline.synthetic.parts import render_part
from station.services.line import LineStation
from tests.support.line import Broker, Listener, built_demo_home, home_context, mqtt_broker, wait_for  # noqa: F401

SIZE = 64
TOPIC = "station/ST01"


@pytest.fixture(scope="module")
def built_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from built_demo_home(tmp_path_factory, "line-home", SIZE)


@pytest.fixture
def ctx(built_home, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    yield from home_context(built_home, monkeypatch)


def _count(ctx) -> int:  # type: ignore[no-untyped-def]
    with ctx.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Inspection)))


class Gate:
    """The bench workflow as the station runs it, holding each part until released (to make the station
    busy on purpose)."""

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        self.inspect = workflow_inspect(ctx, "demo-cast", guides=False, language="en")
        self.entered = threading.Semaphore(0)
        self.release = threading.Event()
        self.release.set()

    def __call__(self, trigger: LineTrigger, image: Any, deliver) -> None:  # type: ignore[no-untyped-def]
        self.entered.release()
        assert self.release.wait(30)
        self.inspect(trigger, image, deliver)


def _station(ctx, broker: Broker, gate: Gate, queue_size: int = 4, frame: Any = "part") -> LineStation:  # type: ignore[no-untyped-def]
    image = render_part(60_001, SIZE).image if isinstance(frame, str) else frame
    return LineStation("ST01", "demo-cast", [MqttLink(MqttWiring(url=broker.url), "ST01")], lambda: image,
                       gate, queue_size=queue_size)


def test_triggers_are_inspected_recorded_and_published(ctx, mqtt_broker: Broker) -> None:  # type: ignore[no-untyped-def]
    listener = Listener(mqtt_broker.port, f"{TOPIC}/#")
    before = _count(ctx)
    station = _station(ctx, mqtt_broker, Gate(ctx))
    station.start()
    try:
        listener.publish(f"{TOPIC}/trigger", json.dumps({"serial": "SN-77", "part_id": "A"}))
        listener.publish(f"{TOPIC}/trigger", b"{not json")
        listener.publish(f"{TOPIC}/trigger", b"")
        results = wait_for(lambda: len(listener.json_on(f"{TOPIC}/result")) == 3
                           and listener.json_on(f"{TOPIC}/result"), what="three answers")
    finally:
        station.stop()
    by_status = {r["status"]: r for r in results}
    inspected = [r for r in results if r["status"] == "inspected"]
    assert len(inspected) == 2 and by_status["refused"]["reason"].startswith("trigger payload is not valid JSON")
    first = next(r for r in inspected if r["serial"] == "SN-77")
    assert first["part_id"] == "A" and first["verdict"] in ("PASS", "FAIL", "UNCERTAIN")
    assert "-ST01-" in first["inspection_code"] and first["regions_count"] >= 0
    assert _count(ctx) == before + 2
    notes = ctx.db  # the serial from the trigger is stored with the inspection's test image
    from station.adapters.db.inspection_notes_repo import SqlInspectionNotes
    from station.adapters.db.models import Inspection as Row

    with notes.session() as session:
        row = session.scalars(select(Row).where(Row.inspection_code == first["inspection_code"])).one()
        assert SqlInspectionNotes(ctx.db).serial_of(row.test_image_id) == "SN-77"
    states = [json.loads(p)["state"] for t, p, _ in listener.messages if t == f"{TOPIC}/status"]
    assert states[0] == "online" and states[-1] == "offline" and "busy" in states
    listener.close()


def test_busy_rule_queues_then_refuses(ctx, mqtt_broker: Broker) -> None:  # type: ignore[no-untyped-def]
    listener = Listener(mqtt_broker.port, f"{TOPIC}/result")
    gate = Gate(ctx)
    gate.release.clear()
    station = _station(ctx, mqtt_broker, gate, queue_size=1)
    station.start()
    try:
        listener.publish(f"{TOPIC}/trigger", b"P1")
        assert gate.entered.acquire(timeout=20)  # P1 in flight
        listener.publish(f"{TOPIC}/trigger", b"P2")  # waits (queue size 1)
        wait_for(lambda: station.health()["queued"] == 1, what="P2 queued")
        listener.publish(f"{TOPIC}/trigger", b"P3")  # refused
        refused = wait_for(lambda: listener.json_on(f"{TOPIC}/result"), what="refusal")
        assert refused[0]["serial"] == "P3" and refused[0]["status"] == "refused"
        assert refused[0]["reason"].startswith("busy") and refused[0]["verdict"] is None
        gate.release.set()
        results = wait_for(lambda: len(listener.json_on(f"{TOPIC}/result")) == 3
                           and listener.json_on(f"{TOPIC}/result"), what="all answers")
    finally:
        gate.release.set()
        station.stop()
    assert [r["serial"] for r in results if r["status"] == "inspected"] == ["P1", "P2"]
    listener.close()


def test_stop_finishes_in_flight_and_refuses_waiting(ctx, mqtt_broker: Broker) -> None:  # type: ignore[no-untyped-def]
    listener = Listener(mqtt_broker.port, f"{TOPIC}/#")
    gate = Gate(ctx)
    gate.release.clear()
    before = _count(ctx)
    station = _station(ctx, mqtt_broker, gate)
    station.start()
    listener.publish(f"{TOPIC}/trigger", b"IN-FLIGHT")
    assert gate.entered.acquire(timeout=20)
    listener.publish(f"{TOPIC}/trigger", b"WAITING")
    wait_for(lambda: station.health()["queued"] == 1, what="second trigger queued")
    stopper = threading.Thread(target=station.stop)
    stopper.start()
    wait_for(lambda: any(r["serial"] == "WAITING" for r in listener.json_on(f"{TOPIC}/result")),
             what="waiting trigger answered")
    gate.release.set()
    stopper.join(30)
    assert not stopper.is_alive()
    results = {r["serial"]: r for r in listener.json_on(f"{TOPIC}/result")}
    assert results["WAITING"]["status"] == "refused" and results["WAITING"]["reason"] == "station stopping"
    assert results["IN-FLIGHT"]["status"] == "inspected"
    assert _count(ctx) == before + 1  # the in-flight part recorded, the refused one not
    wait_for(lambda: [json.loads(p)["state"] for t, p, _ in listener.messages
                      if t == f"{TOPIC}/status"][-1] == "offline", what="offline status")
    listener.close()


def test_no_frame_and_inspection_errors_are_answered(ctx, mqtt_broker: Broker) -> None:  # type: ignore[no-untyped-def]
    listener = Listener(mqtt_broker.port, f"{TOPIC}/result")
    station = _station(ctx, mqtt_broker, Gate(ctx), frame=None)
    station.start()
    try:
        listener.publish(f"{TOPIC}/trigger", b"")
        [answer] = wait_for(lambda: listener.json_on(f"{TOPIC}/result"), what="error answer")
    finally:
        station.stop()
    assert answer["status"] == "error" and "no camera frame" in answer["reason"]
    import numpy as np

    station = _station(ctx, mqtt_broker, Gate(ctx), frame=np.zeros((2, 2), np.uint8))
    station.start()
    try:
        listener.publish(f"{TOPIC}/trigger", b"")
        wait_for(lambda: len(listener.json_on(f"{TOPIC}/result")) == 2, what="bad image answer")
    finally:
        station.stop()
    bad = listener.json_on(f"{TOPIC}/result")[1]
    assert bad["status"] == "error" and bad["reason"]
    listener.close()
