"""The GUI bench follows the line's product, with real widgets (offscreen), a real mosquitto broker and a
second product with its own built model: an MQTT changeover switches the bench as the product selector
does (audited as the line's), the next trigger is inspected and recorded under the new product, a trigger
naming the other product is judged by it, and an unknown product is an error result that leaves the bench
on its product. The Line I/O dialog shows and saves the OPC UA server and refuses a bad port with one line."""

from __future__ import annotations

import json

import pytest

from station.domain.line import LineWiring, OpcUaWiring
from tests.support.line import mqtt_broker  # noqa: F401
from tests.support.recipes import SECOND_PRODUCT, two_products_on_mqtt
from tests.support.ui import demo_ctx, demo_template, demo_window, open_bench  # noqa: F401

pytestmark = pytest.mark.slow


def test_line_changes_the_bench_product(qtbot, demo_window, demo_ctx, mqtt_broker, tmp_path) -> None:  # noqa: F811
    station_id, listener = two_products_on_mqtt(demo_window, demo_ctx, mqtt_broker, tmp_path)
    trigger_topic, result_topic = f"station/{station_id}/trigger", f"station/{station_id}/result"

    def results():  # type: ignore[no-untyped-def]
        return listener.json_on(result_topic)

    def answer(count: int) -> dict:
        qtbot.waitUntil(lambda: len(results()) >= count, timeout=120000)
        return results()[count - 1]

    try:
        bench = open_bench(qtbot, demo_window, "worker")
        qtbot.waitUntil(lambda: "online" in demo_window.status.line_label.text(), timeout=30000)
        start = demo_window.session.product.code  # the product first chosen at the bench
        other = next(c for c in ("demo-cast", SECOND_PRODUCT) if c != start)
        assert bench.line_note.isHidden()

        # a changeover to the other product: answered as `station serve` answers it; the bench switches
        listener.publish(trigger_topic, json.dumps({"action": "changeover", "product": other}))
        changed = answer(1)
        assert (changed["kind"], changed["status"], changed["product"], changed["previous_product"]) == (
            "changeover", "changed", other, start)
        qtbot.waitUntil(lambda: demo_window.session.product.code == other, timeout=30000)
        assert demo_window.product_combo.currentData() == other
        assert demo_window.status.user_label.text().endswith(other)
        assert bench.line_note.isVisible() and bench.line_note.text() == (
            f"The line changed the product to {other} (was {start}).")
        qtbot.waitUntil(lambda: bench.warm_job is None, timeout=120000)  # the new product's models loaded
        audit = demo_ctx.audit.recent("station_line_product", limit=5)
        assert len(audit) == 1
        row = audit[0]
        assert row.user_id is None and row.old_data == {"product": start}
        assert row.new_data["product"] == other and row.new_data["by"] == "line"
        assert row.new_data["link"] == "mqtt" and row.new_data["reason"] == "changeover"

        # the next part (no product named) is judged and recorded by the new product
        second = demo_ctx.catalog.get_product(other)
        listener.publish(trigger_topic, json.dumps({"serial": "SN-B1"}))
        result = answer(2)
        assert (result["status"], result["product"], result["serial"]) == ("inspected", other, "SN-B1")
        qtbot.waitUntil(lambda: bench.display is not None and not bench.busy
                        and bench.display.outcome.inspection_code == result["inspection_code"], timeout=60000)
        assert bench.display.outcome.product_id == second.product_id
        assert bench.display.outcome.product_code == other

        # a part naming the first product is judged by it: the bench switches before inspecting it
        first = demo_ctx.catalog.get_product(start)
        listener.publish(trigger_topic, json.dumps({"serial": "SN-A1", "product": start}))
        result = answer(3)
        assert (result["status"], result["product"], result["serial"]) == ("inspected", start, "SN-A1")
        qtbot.waitUntil(lambda: bench.display is not None and not bench.busy
                        and bench.display.outcome.inspection_code == result["inspection_code"], timeout=60000)
        assert bench.display.outcome.product_id == first.product_id
        assert demo_window.session.product.code == start
        assert demo_window.product_combo.currentData() == start
        assert f"to {start}" in bench.line_note.text()

        # an unknown product, by a changeover or a part: an error result, the bench stays on its product
        listener.publish(trigger_topic, json.dumps({"action": "changeover", "product": "X9"}))
        error = answer(4)
        assert (error["kind"], error["status"], error["verdict"]) == ("changeover", "error", None)
        assert "'X9' is not served by this station" in error["error"]
        listener.publish(trigger_topic, json.dumps({"serial": "SN-X", "product": "X9"}))
        error = answer(5)
        assert (error["status"], error["verdict"]) == ("error", None) and "'X9'" in error["error"]
        qtbot.wait(300)
        assert demo_window.session.product.code == start
        assert bench.display.outcome.inspection_code == results()[2]["inspection_code"]

        # a changeover right behind a part: the part is judged by its product and finished, then the bench
        # follows the changeover (the line's active product was still the other one)
        listener.publish(trigger_topic, json.dumps({"serial": "SN-C"}))
        listener.publish(trigger_topic, json.dumps({"action": "changeover", "product": start}))
        qtbot.waitUntil(lambda: len(results()) >= 7, timeout=120000)
        part = next(r for r in results()[5:] if r["kind"] == "result")
        change = next(r for r in results()[5:] if r["kind"] == "changeover")
        assert (part["status"], part["product"], part["serial"]) == ("inspected", other, "SN-C")
        assert (change["status"], change["product"], change["previous_product"]) == ("changed", start, other)
        qtbot.waitUntil(lambda: demo_window.session.product.code == start and not bench.busy, timeout=60000)
        stored = {r.new_data["reason"] for r in demo_ctx.audit.recent("station_line_product", limit=10)}
        assert stored == {"changeover", "part"}
    finally:
        listener.close()


def test_worker_choice_moves_the_line_and_is_not_the_lines(qtbot, demo_window, demo_ctx, mqtt_broker,  # noqa: F811
                                                                     tmp_path) -> None:
    station_id, listener = two_products_on_mqtt(demo_window, demo_ctx, mqtt_broker, tmp_path)
    try:
        bench = open_bench(qtbot, demo_window, "worker")
        qtbot.waitUntil(lambda: "online" in demo_window.status.line_label.text(), timeout=30000)
        station = demo_window.line.station
        other = next(c for c in ("demo-cast", SECOND_PRODUCT) if c != demo_window.session.product.code)
        demo_window.product_combo.setCurrentIndex(demo_window.product_combo.findData(other))
        qtbot.waitUntil(lambda: station.active_product == other, timeout=30000)
        assert demo_window.line.station is station, "a product the line serves: no restart"
        qtbot.waitUntil(lambda: any(r["kind"] == "changeover" for r in listener.json_on(
            f"station/{station_id}/result")), timeout=30000)
        told = [r for r in listener.json_on(f"station/{station_id}/result") if r["kind"] == "changeover"][0]
        assert (told["status"], told["product"], told["trigger_source"]) == ("changed", other, "local")
        assert bench.line_note.isHidden(), "the worker's own choice is not the line's"
        assert not demo_ctx.audit.recent("station_line_product", limit=5)
    finally:
        listener.close()


def test_line_dialog_round_trips_opcua(qtbot, demo_window, demo_ctx, tmp_path) -> None:  # noqa: F811
    from station.services.line import describe
    from station.ui.bench.line_settings_dialog import LineSettingsDialog

    open_bench(qtbot, demo_window, "supervisor", warm=False)
    services = demo_window.services
    wiring = OpcUaWiring("127.0.0.1", 48400, "basic256sha256", str(tmp_path / "cert.der"),
                         str(tmp_path / "key.pem"), str(tmp_path / "clients"))
    services.line.update(LineWiring(opcua=wiring), None)
    assert describe(services.line.wiring()) == "opcua 127.0.0.1:48400"
    demo_window.line.stop()  # the files do not exist: the dialog is what is tested, not the server
    from station.ui.env import ScreenEnv

    env = ScreenEnv(services, demo_window.session, demo_window.runner, demo_window.camera, demo_window.changes,
                    None)
    dialog = LineSettingsDialog(env)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(dialog.isEnabled, timeout=30000)
    assert dialog.opcua.isChecked() and dialog.opcua_host.text() == "127.0.0.1"
    assert dialog.opcua_port.text() == "48400" and dialog.opcua_security.currentData() == "basic256sha256"
    assert dialog.opcua_certificate.text().endswith("cert.der") and dialog.opcua_trusted.text().endswith("clients")
    assert dialog.wiring() == services.line.wiring(), "unchanged form, unchanged wiring"

    dialog.opcua_port.setText("99999")
    dialog.save()
    assert dialog.message.text() == "OPC UA port must be 0 to 65535, got 99999" and dialog.result() == 0
    dialog.opcua_port.setText("48x")
    dialog.save()
    assert "\n" not in dialog.message.text() and "OPC UA port" in dialog.message.text()
    assert services.line.wiring().opcua == wiring, "nothing saved"

    dialog.opcua_port.setText("4841")
    dialog.opcua_security.setCurrentIndex(dialog.opcua_security.findData("none"))
    assert not dialog.opcua_certificate.isEnabled()
    dialog.save()
    qtbot.waitUntil(lambda: dialog.saved is not None, timeout=30000)
    saved = services.line.wiring().opcua
    assert saved == OpcUaWiring("127.0.0.1", 4841, "none", None, None, None)
    row = next(a for a in demo_ctx.audit.recent("station_line", limit=5) if a.operation == "UPDATE")
    assert row.new_data["opcua"]["port"] == 4841 and row.old_data["opcua"]["port"] == 48400
