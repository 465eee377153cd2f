"""The GUI bench follows a changeover from every link, not only MQTT: with real widgets (offscreen), a second
product with its own built model and the real links the line tests use -- a serial line on a pty pair
(``P demo-b``), pymodbus' own server as the PLC (recipe register and changeover coil) and an asyncua
client calling ``SetProduct`` -- the changeover is answered on its link and switches the bench's product as
the product selector does, audited as the line's with the link named."""

from __future__ import annotations

import asyncio
import json
import os
import select
import tty

import pytest

from station.adapters.line.wiring_file import wiring_path
from station.adapters.line.wiring_store import TomlWiringStore
from station.domain.line import LineWiring, ModbusWiring, OpcUaWiring, SerialWiring
from tests.support.line import Plc, free_port, plc  # noqa: F401
from tests.support.recipes import SECOND_PRODUCT, add_second_product
from tests.support.ui import demo_ctx, demo_template, demo_window, open_bench  # noqa: F401

pytestmark = pytest.mark.slow


def _wire(window, wiring: LineWiring) -> None:  # type: ignore[no-untyped-def]
    """Writes line.toml as a technician would (recipes included) before the bench opens its links."""
    TomlWiringStore(wiring_path(window.services.settings.home)).save(wiring)


def _open(qtbot, window):  # type: ignore[no-untyped-def]
    """The bench on the line, and the product a changeover moves it to (the other one)."""
    bench = open_bench(qtbot, window, "worker", warm=False)
    qtbot.waitUntil(lambda: "online" in window.status.line_label.text(), timeout=30000)
    start = window.session.product.code
    return bench, start, next(c for c in ("demo-cast", SECOND_PRODUCT) if c != start)


def _followed(qtbot, window, ctx, bench, start: str, other: str, link: str) -> None:  # type: ignore[no-untyped-def]
    """The bench switched to ``other`` as the product selector does, and the switch is audited as the line's."""
    qtbot.waitUntil(lambda: window.session.product.code == other, timeout=30000)
    assert window.product_combo.currentData() == other
    assert bench.line_note.isVisible() and bench.line_note.text() == (
        f"The line changed the product to {other} (was {start}).")
    qtbot.waitUntil(lambda: bool(ctx.audit.recent("station_line_product", limit=5)), timeout=30000)
    row = ctx.audit.recent("station_line_product", limit=5)[0]
    assert row.user_id is None and row.old_data == {"product": start}
    assert (row.new_data["product"], row.new_data["by"], row.new_data["link"], row.new_data["reason"]) == (
        other, "line", link, "changeover")


def test_a_serial_changeover_reaches_the_bench(qtbot, demo_window, demo_ctx, tmp_path) -> None:  # noqa: F811
    add_second_product(demo_ctx, tmp_path)
    master, slave = os.openpty()
    tty.setraw(slave)
    _wire(demo_window, LineWiring(serial=SerialWiring(device=os.ttyname(slave))))
    received = b""

    def reply() -> bytes:
        nonlocal received
        while b"\r\n" not in received:
            ready, _, _ = select.select([master], [], [], 30)
            assert ready, "no reply on the serial line"
            received += os.read(master, 256)
        line, _, received = received.partition(b"\r\n")
        return line

    try:
        bench, start, other = _open(qtbot, demo_window)
        os.write(master, f"P {other}\r\n".encode())
        assert reply() == f"CHANGEOVER {other}".encode()
        _followed(qtbot, demo_window, demo_ctx, bench, start, other, "serial")
        os.write(master, b"P X9\r\n")  # a product the station does not have: an error, the bench stays
        assert reply().startswith(b"ERROR product 'X9' is not served")
        qtbot.wait(200)
        assert demo_window.session.product.code == other
    finally:
        demo_window.line.stop()
        os.close(master)
        os.close(slave)


def test_a_modbus_changeover_reaches_the_bench(qtbot, demo_window, demo_ctx, plc: Plc, tmp_path) -> None:  # noqa: F811
    add_second_product(demo_ctx, tmp_path)
    wiring = ModbusWiring(host="127.0.0.1", port=plc.port, trigger_coil=10, verdict_register=20,
                          counter_register=21, reject_coil=11, ready_coil=12, recipe_register=23,
                          changeover_coil=13, changeover_status_register=24)
    _wire(demo_window, LineWiring(modbus=wiring, recipes={1: "demo-cast", 2: SECOND_PRODUCT}))
    try:
        bench, start, other = _open(qtbot, demo_window)
        counter = plc.register(21)
        plc.set_register(23, 2 if other == SECOND_PRODUCT else 1)
        plc.set_coil(13, 1)
        qtbot.waitUntil(lambda: plc.coil(13) == 0, timeout=30000)
        assert plc.register(24) == 1, "changed"
        _followed(qtbot, demo_window, demo_ctx, bench, start, other, "modbus")
        assert plc.register(21) == counter, "a changeover moves no part counter"
        plc.set_register(23, 77)  # no such recipe: an error, the bench stays
        plc.set_coil(13, 1)
        qtbot.waitUntil(lambda: plc.coil(13) == 0, timeout=30000)
        assert plc.register(24) == 5
        qtbot.wait(200)
        assert demo_window.session.product.code == other
    finally:
        demo_window.line.stop()


def test_an_opcua_changeover_reaches_the_bench(qtbot, demo_window, demo_ctx, tmp_path) -> None:  # noqa: F811
    from asyncua import Client, ua

    from station.adapters.line.opcua import NAMESPACE

    add_second_product(demo_ctx, tmp_path)
    port = free_port()
    _wire(demo_window, LineWiring(opcua=OpcUaWiring(host="127.0.0.1", port=port)))
    station_id = demo_window.services.line.station_id

    async def set_product(product: str) -> dict:
        """``SetProduct`` as an MES calls it; returns its answer from ``LastChangeover``."""
        async with Client(f"opc.tcp://127.0.0.1:{port}/station/", timeout=30) as client:
            ns = await client.get_namespace_index(NAMESPACE)
            station = client.get_node(ua.NodeId(f"Station_{station_id}", ns))
            trigger_id = await station.call_method(ua.QualifiedName("SetProduct", ns), product)
            answer = client.get_node(ua.NodeId(f"Station_{station_id}.LastChangeover", ns))
            for _ in range(300):
                text = await answer.read_value()
                if text and json.loads(text)["trigger_id"] == trigger_id:
                    return json.loads(text)
                await asyncio.sleep(0.05)
            raise AssertionError("no answer in LastChangeover")

    try:
        bench, start, other = _open(qtbot, demo_window)
        changed = asyncio.run(set_product(other))
        assert (changed["kind"], changed["status"], changed["product"], changed["previous_product"]) == (
            "changeover", "changed", other, start)
        _followed(qtbot, demo_window, demo_ctx, bench, start, other, "opcua")
        row = demo_ctx.audit.recent("station_line_product", limit=1)[0]
        assert row.new_data["trigger_id"] == changed["trigger_id"]
        refused = asyncio.run(set_product("X9"))  # a product the station does not have: the bench stays
        assert (refused["status"], refused["product"]) == ("error", "X9")
        qtbot.wait(200)
        assert demo_window.session.product.code == other
    finally:
        demo_window.line.stop()
