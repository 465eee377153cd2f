"""Recurrence watch on a real store: a resolved action for a defect type, the same type on the same
product again within the window -> one alert linked to the action, on the queue and on the result topic."""

from __future__ import annotations

from dataclasses import replace

import pytest

from station.adapters.db.recurrence_repo import SqlRecurrenceRepository
from station.adapters.line.mqtt import MqttLink
from station.app.line import workflow_inspect
from station.domain.errors import AuthenticationError, ValidationError
from station.domain.line import MqttWiring
from station.domain.recurrence import RecurrenceWindow
from station.pipeline.synthetic.parts import render_part
from station.services.engine.runtime import BANK_FILE
from station.services.line import LineStation
from station.services.records import RecurrenceWatch
from tests.support.engine import demo_context, fixed_build
from tests.support.line import Broker, Listener, mqtt_broker, wait_for  # noqa: F401

SIZE = 64


def _as_hole(ctx, outcome, worker) -> None:  # type: ignore[no-untyped-def]
    """Makes sure the inspection counts as a 'hole' (a person corrects the vote when it said otherwise)."""
    if outcome.defect is None or outcome.defect.unknown or outcome.defect.defect_code != "hole":
        ctx.overrides.override(outcome.inspection_code, "other_defect_type", worker, defect_code="hole")


def test_recurrence_after_resolved_action(mqtt_broker: Broker) -> None:
    ctx = demo_context(size=SIZE, n_good=6, n_per_defect=1, weights=False)
    try:
        fixed_build(ctx)
        product = ctx.catalog.get_product("demo-cast")
        config = ctx.catalog.get_model_config(product.product_id)
        ctx.catalog.save_model_config(replace(config, image_threshold=0.0))  # every part FAILs here
        ctx.engine.files.update_meta("demo-cast", BANK_FILE, {"review_threshold": 1.0})
        ctx.engine.inspection.cache.invalidate("demo-cast")
        worker = ctx.users.add_user("worker1", "w@x.local", "Secret-pass-1", ["worker"])
        first = ctx.engine.inspection.inspect("demo-cast", render_part(80_000, SIZE, "hole").image)
        _as_hole(ctx, first, worker)
        watch = RecurrenceWatch(SqlRecurrenceRepository(ctx.db), RecurrenceWindow(inspections=5, hours=0.0))
        assert watch.check(first.inspection_id) is None  # no action yet
        action = ctx.actions.log_action(first.inspection_id, "reground the mould", "resolved", worker.user_id)
        listener = Listener(mqtt_broker.port, "station/ST01/result")
        station = LineStation("ST01", "demo-cast", [MqttLink(MqttWiring(url=mqtt_broker.url), "ST01")],
                              lambda: render_part(80_001, SIZE, "hole").image,
                              workflow_inspect(ctx, "demo-cast", guides=False, language="en"),
                              observers=[watch.line_observer("ST01")])
        station.start()
        try:
            station.trigger_now(serial="AGAIN")
            messages = wait_for(lambda: len(listener.json_on("station/ST01/result")) >= 1
                                and listener.json_on("station/ST01/result"), what="result")
        finally:
            station.stop()
        second_code = messages[0]["inspection_code"]
        from station.adapters.db.overrides_repo import SqlOverrideRepository

        second = SqlOverrideRepository(ctx.db).facts(second_code)
        if second.defect_code != "hole":  # the vote said otherwise: corrected, then the watch looks again
            ctx.overrides.override(second_code, "other_defect_type", worker, defect_code="hole")
        else:
            alerts = [m for m in listener.json_on("station/ST01/result") if m["kind"] == "recurrence_alert"]
            assert len(alerts) == 1 and alerts[0]["action_id"] == action.action_id
        alert = watch.check(second.inspection_id)
        assert alert is not None and alert.action_id == action.action_id
        assert (alert.resolved_inspection_code, alert.inspection_code) == (first.inspection_code, second_code)
        assert alert.defect_code == "hole" and alert.inspections_since == 1
        assert [a.alert_id for a in watch.open_alerts(product.product_id)] == [alert.alert_id]
        assert watch.check(second.inspection_id).alert_id == alert.alert_id  # one alert per inspection
        with pytest.raises(AuthenticationError):
            watch.acknowledge(alert.alert_id, worker)  # a worker does not acknowledge
        boss = ctx.users.add_user("boss1", "b@x.local", "Secret-pass-1", ["manager"])
        assert watch.acknowledge(alert.alert_id, boss).acknowledged_by == "boss1"
        assert watch.open_alerts() == []
        listener.close()
    finally:
        ctx.close()


def test_bench_workflow_raises_the_alert_without_a_line() -> None:
    """The GUI bench and ``station inspect`` record through the same workflow: the alert is raised there,
    not only by ``station serve``, and the change notifier tells the supervisor's queue."""
    from station.domain.bench import BenchRequest
    from station.domain.inspection import InspectionRecord, TestImage

    ctx = demo_context(size=SIZE, n_good=6, n_per_defect=1, weights=False)
    try:
        ctx.engine.builder.build("demo-cast")
        product = ctx.catalog.get_product("demo-cast")
        config = ctx.catalog.get_model_config(product.product_id)
        ctx.catalog.save_model_config(replace(config, image_threshold=0.0))  # every part FAILs here
        ctx.engine.inspection.cache.invalidate("demo-cast")
        image = render_part(80_002, SIZE, "hole").image
        probe = ctx.engine.inspection.inspect("demo-cast", image, record=False)  # the type this part gets
        assert probe.defect is not None and not probe.defect.unknown, "the demo part needs a known defect vote"
        defect = product.defect_by_code(probe.defect.defect_code)
        earlier = ctx.recorder.record(InspectionRecord(
            product_id=product.product_id, image=TestImage(file_name="earlier.png", file_path="k-earlier"),
            defect_detected=True, anomaly_score=0.9, defect_type_id=defect.defect_type_id))
        action = ctx.actions.log_action(earlier.inspection_id, "reground the mould", "resolved", None)
        heard: list[str] = []
        ctx.changes.subscribe(lambda change: heard.append(change.kind))
        [inspected] = ctx.bench.run(BenchRequest(request_id=1, product_code="demo-cast", image=image, guide=False))
        outcome = inspected.outcome
        assert outcome.verdict.value == "FAIL" and outcome.inspection_id is not None
        [alert] = ctx.recurrence.open_alerts(product.product_id)
        assert (alert.action_id, alert.inspection_code) == (action.action_id, outcome.inspection_code)
        assert "recurrence" in heard
    finally:
        ctx.close()


def test_window_rule() -> None:
    window = RecurrenceWindow(inspections=10, hours=8.0)
    assert window.holds(10, 100.0) and window.holds(500, 8.0) and not window.holds(11, 8.01)
    with pytest.raises(ValidationError):
        RecurrenceWindow(inspections=-1)
