"""Line I/O settings as the GUI changes them: validated, written to the ``line.toml`` that ``station serve``
reads (other keys kept), audited with the old and the new values; nothing wired opens no line."""

from __future__ import annotations

import pytest

from station.adapters.line.wiring_file import load_wiring, wiring_path
from station.app.line import build_line_settings
from station.domain.errors import ValidationError
from station.domain.line import LineWiring, ModbusWiring, MqttWiring, SerialWiring
from tests.support.ui import gui_services, main_window, replay_folder, station_ctx  # noqa: F401


@pytest.fixture
def ctx():  # type: ignore[no-untyped-def]
    from station.app.station import build_station

    context = build_station()
    yield context
    context.close()


def test_line_settings_round_trip_and_audit(ctx) -> None:  # type: ignore[no-untyped-def]
    service = build_line_settings(ctx.settings, ctx.audit, ctx.recurrence)
    path = wiring_path(ctx.settings.home)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("recurrence_hours = 8.0\n", encoding="utf-8")
    assert service.open_station("p", lambda: None, lambda *a: None) is None, "nothing wired, no line"
    wiring = LineWiring(mqtt=MqttWiring(url="mqtt://10.0.0.5:1883", trigger_topic='cell "7"/go'),
                        modbus=ModbusWiring(host="10.0.0.20", port=1502, trigger_register=10),
                        serial=SerialWiring(device="socket://127.0.0.1:7000", baudrate=19200, reply=False),
                        queue_size=2)
    saved = service.update(wiring, None)
    loaded = load_wiring(path)
    assert loaded == saved and loaded.recurrence_hours == 8.0, "keys the form does not show are kept"
    assert (loaded.mqtt.trigger_topic, loaded.modbus.trigger_register, loaded.serial.reply) == ('cell "7"/go', 10, False)
    from station.adapters.db.audit_repo import SqlAuditTrail

    entries = SqlAuditTrail(ctx.db).recent("station_line")
    assert len(entries) == 1 and entries[0].new_data["queue_size"] == 2 and entries[0].old_data["mqtt"] is None
    service.update(saved, None)
    assert len(SqlAuditTrail(ctx.db).recent("station_line")) == 1, "no change, no audit row"
    assert service.open_station("p", lambda: None, lambda *a: None) is not None


@pytest.mark.parametrize("bad, message", [
    (LineWiring(mqtt=MqttWiring(url="http://x:1")), "mqtt://"),
    (LineWiring(mqtt=MqttWiring(url="mqtt://x", result_topic="a/#")), "plain topic"),
    (LineWiring(modbus=ModbusWiring(host="plc", reject_coil=2, ready_coil=2)), "different coils"),
    (LineWiring(modbus=ModbusWiring(host="plc", verdict_register=70000)), "0 to 65535"),
    (LineWiring(serial=SerialWiring(device="/dev/ttyUSB0", baudrate=1234)), "baud"),
    (LineWiring(queue_size=-1), "queue size"),
])
def test_bad_line_settings_are_refused_with_one_line(ctx, bad, message) -> None:  # type: ignore[no-untyped-def]
    service = build_line_settings(ctx.settings, ctx.audit, ctx.recurrence)
    with pytest.raises(ValidationError, match=message):
        service.update(bad, None)
    assert not wiring_path(ctx.settings.home).exists(), "nothing saved"


def test_the_line_io_dialog_keeps_the_recipe_keys_it_does_not_show(qtbot, main_window, gui_services) -> None:  # type: ignore[no-untyped-def]
    """The dialog edits addresses; the recipes table, the recipe register, the serial changeover word and
    the warm-model bound written in line.toml survive a save from it."""
    from station.ui.bench.line_settings_dialog import LineSettingsDialog
    from station.ui.env import ScreenEnv
    from station.ui.services import Session

    path = wiring_path(gui_services.settings.home)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('max_warm_products = 2\n\n[modbus]\nhost = "10.0.0.20"\nrecipe_register = 5\n\n'
                    '[serial]\ndevice = "socket://127.0.0.1:7000"\nchangeover = "RECIPE"\n\n'
                    '[recipes]\n1 = "demo-cast"\n2 = "demo-b"\n', encoding="utf-8")
    admin = next(u for u in gui_services.users.list_users() if any(r.value == "admin" for r in u.roles))
    env = ScreenEnv(main_window.services, Session(user=admin), main_window.runner, main_window.camera,
                    main_window.changes)
    dialog = LineSettingsDialog(env)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(dialog.isEnabled, timeout=10000)
    dialog.queue_size.setValue(3)
    dialog.save()
    qtbot.waitUntil(lambda: dialog.saved is not None, timeout=10000)
    saved = load_wiring(path)
    assert saved.queue_size == 3
    assert saved.recipes == {1: "demo-cast", 2: "demo-b"} and saved.max_warm_products == 2
    assert saved.modbus is not None and saved.modbus.recipe_register == 5
    assert saved.serial is not None and saved.serial.changeover == "RECIPE"


def test_the_line_io_dialog_edits_the_modbus_changeover(qtbot, main_window, gui_services) -> None:  # type: ignore[no-untyped-def]
    """The recipe register, changeover coil and changeover status register are shown and saved ("not wired"
    is None); a changeover coil on the reject coil, or without a recipe register, is one line and nothing is
    saved."""
    from station.ui.bench.line_settings_dialog import LineSettingsDialog
    from station.ui.env import ScreenEnv
    from station.ui.services import Session

    path = wiring_path(gui_services.settings.home)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('[modbus]\nhost = "10.0.0.20"\nrecipe_register = 5\n\n[recipes]\n1 = "demo-cast"\n',
                    encoding="utf-8")
    admin = next(u for u in gui_services.users.list_users() if any(r.value == "admin" for r in u.roles))
    env = ScreenEnv(main_window.services, Session(user=admin), main_window.runner, main_window.camera,
                    main_window.changes)
    dialog = LineSettingsDialog(env)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(dialog.isEnabled, timeout=10000)
    boxes = dialog.optional
    assert boxes["recipe_register"].value() == 5
    assert boxes["changeover_coil"].value() == -1 and boxes["changeover_coil"].text() == "not wired"
    assert dialog.sizeHint().height() <= 768, "the dialog fits a 1366×768 panel"

    boxes["changeover_coil"].setValue(1)  # the reject coil
    dialog.save()
    assert dialog.message.text() == ("the Modbus trigger, changeover, reject and ready coils must be different "
                                     "coils") and dialog.result() == 0
    boxes["changeover_coil"].setValue(3)
    boxes["recipe_register"].setValue(-1)
    dialog.save()
    assert "needs a recipe register" in dialog.message.text() and "\n" not in dialog.message.text()
    assert load_wiring(path).modbus.changeover_coil is None, "nothing saved"

    boxes["recipe_register"].setValue(5)
    boxes["changeover_status_register"].setValue(6)
    dialog.save()
    qtbot.waitUntil(lambda: dialog.saved is not None, timeout=10000)
    saved = load_wiring(path).modbus
    assert (saved.recipe_register, saved.changeover_coil, saved.changeover_status_register) == (5, 3, 6)
    assert load_wiring(path).recipes == {1: "demo-cast"}
