"""The bench on the line, with real widgets (offscreen) on the demo station: verdict overrides at the
bench (who/when, history, the part as a labelled library sample, roles), and MQTT triggers from a real
mosquitto broker inspecting at the bench exactly as Space does, with the result published; a broker that
is down is one line in the status bar and the bench keeps inspecting."""

from __future__ import annotations

import json
import threading

import pytest

from station.domain.errors import AuthenticationError
from station.domain.line import LineWiring, MqttWiring
from tests.support.line import Listener, free_port, mqtt_broker  # noqa: F401
from tests.support.ui import demo_ctx, demo_template, demo_window, open_bench  # noqa: F401

pytestmark = pytest.mark.slow

RESULT_FIELDS = {"kind", "station_id", "product_code", "status", "verdict", "inspection_code", "anomaly_score",
                 "thresholds", "defect_type", "defect_confidence", "regions_count", "serial", "part_id",
                 "trigger_id", "trigger_source", "triggered_at", "inspected_at", "published_at", "inspection_ms",
                 "reason"}


def _inspected(qtbot, bench, after: int | None = None):  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: bench.display is not None and not bench.busy
                    and bench.display.outcome.inspection_id != after, timeout=120000)
    return bench.display.outcome


def test_override_at_the_bench(qtbot, demo_window, demo_ctx) -> None:  # noqa: F811
    bench = open_bench(qtbot, demo_window, "worker")
    panel = bench.overrides
    assert not panel.false_alarm.isEnabled() and not panel.missed.isEnabled(), "nothing shown, nothing to correct"
    bench.inspect()
    outcome = _inspected(qtbot, bench)
    product = demo_ctx.catalog.get_product("demo-cast")
    verdict = outcome.verdict.value
    assert panel.false_alarm.isEnabled() == (verdict != "PASS")
    assert panel.missed.isEnabled() == (verdict != "FAIL")
    label = "normal" if verdict != "PASS" else "defect"
    before = len(demo_ctx.catalog.list_images(product.product_id, label))
    if verdict != "PASS":  # "Other defect type…" needs a type: nothing is stored without one
        panel.other_type.click()
        assert "defect type" in panel.message.text() and not panel.history_entries
    panel.notes.setText("burr, not a crack")
    (panel.false_alarm if verdict != "PASS" else panel.missed).click()
    qtbot.waitUntil(lambda: bool(panel.history_entries), timeout=30000)
    entry = panel.history_entries[-1]
    worker = next(u for u in demo_ctx.users.list_users() if u.username == "worker")
    assert entry.by_user == worker.user_id and entry.at is not None and entry.notes == "burr, not a crack"
    assert "Demo Worker" in panel.stored.text() and entry.at.strftime("%Y-%m-%d %H:%M") in panel.stored.text()
    assert panel.history.count() == 1
    kind = "false alarm" if verdict != "PASS" else "missed defect"
    assert bench.result.verdict.text() == f"{verdict} → {kind}" and "Demo Worker" in bench.result.correction.text()
    library = demo_ctx.catalog.list_images(product.product_id, label)
    assert len(library) == before + 1, "the overridden part is a labelled sample of the product's library"
    assert any(image.image_id == entry.library_image_id for image in library)

    # the buttons follow what the part is now; a second override corrects the first
    if verdict != "PASS":
        assert panel.current_verdict() == "PASS"
        assert not panel.false_alarm.isEnabled() and not panel.other_type.isEnabled() and panel.missed.isEnabled()
        panel.defect_type.setCurrentIndex(panel.defect_type.findData("scratch"))
        panel.missed.click()
        qtbot.waitUntil(lambda: len(panel.history_entries) == 2, timeout=30000)
        assert panel.history_entries[-1].kind == "missed_defect" and panel.current_verdict() == "FAIL"
        assert bench.result.verdict.text() == "PASS → missed defect"

    # a role without the right: the service refuses, whatever the GUI shows
    viewer = next(u for u in demo_ctx.users.list_users() if u.username == "viewer")
    with pytest.raises(AuthenticationError):
        demo_window.services.overrides.override(outcome.inspection_code, "false_alarm", viewer)
    # ... and the bench's buttons stay disabled for it (a session whose roles lack the capability)
    from station.ui.bench.override_panel import OverridePanel
    from station.ui.env import ScreenEnv
    from station.ui.services import Session

    env = ScreenEnv(demo_window.services, Session(user=viewer), demo_window.runner, demo_window.camera,
                    demo_window.changes)
    locked = OverridePanel(env)
    qtbot.addWidget(locked)
    locked.show_for(outcome, demo_window.session.product)
    assert not any(b.isEnabled() for b in (locked.false_alarm, locked.missed, locked.other_type))


def test_a_history_read_older_than_the_override_never_hides_it(qtbot, demo_window, monkeypatch) -> None:
    """The part's history is read when it is shown; an override saved while that read is still on its way
    answers with the newer history, and the older read, arriving last, is dropped."""
    bench = open_bench(qtbot, demo_window, "worker")
    panel, service = bench.overrides, demo_window.services.overrides
    shown_override, reads = threading.Event(), []
    panel.corrected.connect(lambda *_: shown_override.set())
    read_history = service.history

    def history(code: str):  # type: ignore[no-untyped-def]
        entries = read_history(code)
        if not reads:  # the read made when the part is shown answers only after the override is on screen
            reads.append(code)
            shown_override.wait(60)
        return entries

    monkeypatch.setattr(service, "history", history)
    bench.inspect()
    outcome = _inspected(qtbot, bench)
    qtbot.waitUntil(lambda: bool(reads), timeout=30000)
    (panel.false_alarm if outcome.verdict.value != "PASS" else panel.missed).click()
    qtbot.waitUntil(lambda: bool(panel.history_entries), timeout=30000)
    qtbot.waitUntil(lambda: not any(job.name == "override-history" for job in demo_window.runner.active),
                    timeout=30000)
    assert len(panel.history_entries) == 1 and panel.history.count() == 1, "the older, empty read is dropped"
    assert panel.current_verdict() in ("PASS", "FAIL") and "→" in bench.result.verdict.text()


def test_mqtt_trigger_inspects_at_the_bench(qtbot, demo_window, mqtt_broker) -> None:  # noqa: F811
    services = demo_window.services
    station_id = services.line.station_id
    services.line.update(LineWiring(mqtt=MqttWiring(url=mqtt_broker.url)), None)
    listener = Listener(mqtt_broker.port, f"station/{station_id}/#")
    try:
        bench = open_bench(qtbot, demo_window, "supervisor")
        status = demo_window.status.line_label
        qtbot.waitUntil(lambda: "online" in status.text(), timeout=30000)
        assert status.isVisible() and "mqtt 127.0.0.1" in status.text()

        def state(name: str):  # type: ignore[no-untyped-def]
            return [s for s in listener.json_on(f"station/{station_id}/status") if s["state"] == name]

        qtbot.waitUntil(lambda: bool(state("online")), timeout=10000)
        assert state("online")[-1]["detail"] == "GUI bench" and state("online")[-1]["product_code"] == "demo-cast"

        listener.publish(f"station/{station_id}/trigger", json.dumps({"serial": "SN-0042", "part_id": "P7"}))
        qtbot.waitUntil(lambda: bool(listener.json_on(f"station/{station_id}/result")), timeout=120000)
        result = listener.json_on(f"station/{station_id}/result")[0]
        assert set(result) >= RESULT_FIELDS
        assert (result["status"], result["serial"], result["part_id"], result["trigger_source"]) == (
            "inspected", "SN-0042", "P7", "mqtt")
        outcome = _inspected(qtbot, bench)
        assert outcome.inspection_code == result["inspection_code"] and outcome.verdict.value == result["verdict"]
        assert bench.display.serial == "SN-0042", "the trigger's serial is stored with the part, as on Space"

        # a malformed trigger is refused on the line; the bench is untouched
        listener.publish(f"station/{station_id}/trigger", "{not json")
        qtbot.waitUntil(lambda: len(listener.json_on(f"station/{station_id}/result")) == 2, timeout=30000)
        assert listener.json_on(f"station/{station_id}/result")[1]["status"] == "refused"
        assert bench.display.outcome.inspection_code == outcome.inspection_code

        # the broker is down: one line in the status bar, Space still inspects
        services.line.update(LineWiring(mqtt=MqttWiring(url=f"mqtt://127.0.0.1:{free_port()}")), None)
        demo_window.line.restart()
        qtbot.waitUntil(lambda: "offline" in status.text(), timeout=30000)
        assert "\n" not in status.text() and "MQTT broker" in status.text() and "bench works" in status.text()
        qtbot.waitUntil(lambda: bench.display is not None and not bench.busy, timeout=30000)
        bench.inspect()
        second = _inspected(qtbot, bench, after=outcome.inspection_id)
        assert second.inspection_code != outcome.inspection_code

        # back to the live broker, then closing the window takes the bench off the line cleanly
        services.line.update(LineWiring(mqtt=MqttWiring(url=mqtt_broker.url)), None)
        demo_window.line.restart()
        qtbot.waitUntil(lambda: "online" in status.text(), timeout=30000)
        demo_window.close()
        qtbot.waitUntil(lambda: any(s.get("detail") == "stopped" for s in state("offline")), timeout=30000)
        assert demo_window.line.station is None
    finally:
        listener.close()
