"""The OPC UA link with a real asyncua client in the process, playing the PLC/MES: it browses the station's
address space, calls Trigger and SetProduct, and reads (subscribed) the result a real LineStation published
after the bench workflow inspected and recorded the part (demo product, filter-bank bank). Hostile calls
are refused with one status code and the server keeps serving; stop() closes the port."""

from __future__ import annotations

import asyncio
import json
import math
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from asyncua import Client, ua
from asyncua.common.subscription import DataChangeNotif
from sqlalchemy import func, select

from station.adapters.db.models import Inspection
from station.adapters.line.opcua import NAMESPACE, RESULT_VARIABLES, STATUS_VARIABLES, OpcUaLink
from station.adapters.line.wiring_file import apply_options, load_wiring
from station.adapters.line.wiring_store import TomlWiringStore
from station.app.line import build_links, workflow_inspect
from station.domain.errors import ConfigurationError, ValidationError
from station.domain.line import LineTrigger, LineWiring, OpcUaWiring
from station.pipeline.synthetic.parts import render_part
from station.services.line import LineStation
from tests.support.line import REPO_ROOT, built_demo_home, free_port, home_context

SIZE = 64
WAIT = 60.0  # seconds an awaited notification may take on a loaded machine


@pytest.fixture(scope="module")
def built_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield from built_demo_home(tmp_path_factory, "opcua-home", SIZE)


@pytest.fixture
def ctx(built_home: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    yield from home_context(built_home, monkeypatch)


def _count(ctx) -> int:  # type: ignore[no-untyped-def]
    with ctx.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Inspection)))


def _station(ctx, link: OpcUaLink) -> LineStation:  # type: ignore[no-untyped-def]
    image = render_part(60_002, SIZE).image
    return LineStation("ST01", "demo-cast", [link], lambda: image,
                       workflow_inspect(ctx, "demo-cast", guides=False, language="en"))


class Plc:
    """A real asyncua client as a PLC or MES uses the station (docs/readme/line.md, OPC UA): the namespace
    looked up by its URI, ResultCounter and the status variables subscribed (every change kept, not only
    the latest), a result read once the counter has moved past the last one read."""

    def __init__(self, url: str) -> None:
        self.client = Client(url, timeout=30)
        self.seen: dict[str, list[Any]] = {"State": [], "ActiveProduct": [], "LastChangeover": [],
                                           "LastInspectionCode": [], "ResultCounter": []}
        self.changed = asyncio.Event()
        self.counted = 0  # the ResultCounter of the last result read
        self.values: dict[str, Any] = {}  # the LastResult variables as the last answer() read them

    async def __aenter__(self) -> Plc:
        await self.client.connect()
        self.ns = await self.client.get_namespace_index(NAMESPACE)
        self.station = self.client.get_node(ua.NodeId("Station_ST01", self.ns))
        self.subscription = await self.client.create_subscription(10, self)
        for name in self.seen:
            path = f"LastResult.{name}" if name == "ResultCounter" else name
            await self.subscription.subscribe_data_change(self.node(path), queuesize=100)
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.client.disconnect()

    def datachange_notification(self, node: Any, val: Any, data: DataChangeNotif) -> None:
        name = node.nodeid.Identifier.rpartition(".")[2]
        self.seen[name].append(json.loads(val) if name == "LastChangeover" and val else val)
        self.changed.set()

    @property
    def states(self) -> list[str]:
        return self.seen["State"]

    def node(self, name: str) -> Any:
        return self.client.get_node(ua.NodeId(f"Station_ST01.{name}", self.ns))

    async def call(self, method: str, *args: Any) -> Any:
        return await self.station.call_method(ua.QualifiedName(method, self.ns), *args)

    async def answer(self, trigger_id: str) -> dict[str, Any]:
        """The result message for ``trigger_id``: once ResultCounter has moved (it is written after the other
        variables), LastResult is read; earlier results are skipped."""
        while True:
            if self.seen["ResultCounter"] and self.seen["ResultCounter"][-1] > self.counted:
                values = await self.last_result()
                if values["ResultCounter"] > self.counted:
                    self.counted = values["ResultCounter"]
                    if values["TriggerId"] == trigger_id:
                        self.values = values
                        return json.loads(values["ResultJson"])
                    continue
            self.changed.clear()
            await asyncio.wait_for(self.changed.wait(), WAIT)

    async def last_result(self) -> dict[str, Any]:
        names = [name for name, *_ in RESULT_VARIABLES]
        values = await self.client.read_values([self.node(f"LastResult.{n}") for n in names])
        return dict(zip(names, values))

    async def wait_seen(self, name: str, predicate: Any) -> Any:
        """The first value of ``name`` (since the subscription) for which ``predicate`` holds."""
        while True:
            for value in self.seen[name]:
                if predicate(value):
                    return value
            self.changed.clear()
            await asyncio.wait_for(self.changed.wait(), WAIT)



def _link() -> OpcUaLink:
    return OpcUaLink(OpcUaWiring(host="127.0.0.1", port=0), "ST01")


def test_address_space_trigger_inspects_records_and_publishes(ctx) -> None:  # type: ignore[no-untyped-def]
    link = _link()
    station = _station(ctx, link)
    before = _count(ctx)
    station.start()
    try:
        async def scenario() -> tuple[dict, dict, dict, dict, list[str]]:
            async with Plc(link.endpoint) as plc:
                children = {(await n.read_browse_name()).Name for n in await plc.station.get_children()}
                folder = plc.client.get_node(ua.NodeId("Station_ST01.LastResult", plc.ns))
                in_folder = {(await n.read_browse_name()).Name for n in await folder.get_children()}
                assert children == {n for n, *_ in STATUS_VARIABLES} | {"LastResult", "Trigger", "SetProduct"}
                assert in_folder == {n for n, *_ in RESULT_VARIABLES}
                trigger = plc.client.get_node(ua.NodeId("Station_ST01.Trigger", plc.ns))
                inputs = await (await trigger.get_child(ua.QualifiedName("InputArguments", 0))).read_value()
                assert [a.Name for a in inputs] == ["Product", "Serial"]
                assert await plc.node("State").read_value() == "online"
                assert await plc.node("ActiveProduct").read_value() == "demo-cast"
                with pytest.raises(ua.UaStatusCodeError):  # the variables are the station's, not the client's
                    await plc.node("LastResult.Verdict").write_value("PASS")

                first_id = await plc.call("Trigger", "", "SN-OPC-1")
                first = await plc.answer(first_id)
                variables = plc.values
                stamped = await plc.node("LastResult.Verdict").read_data_value()
                assert stamped.SourceTimestamp is not None and stamped.ServerTimestamp is not None
                code = await plc.wait_seen("LastInspectionCode", lambda value: value == first["inspection_code"])
                second_id = await plc.call("Trigger", "demo-cast", "")
                second = await plc.answer(second_id)
                after = plc.values
                return first, variables, second, {"code": code, **after}, list(plc.states)

        first, variables, second, after, states = asyncio.run(scenario())
    finally:
        station.stop()
    assert first["status"] == "inspected" and first["trigger_source"] == "opcua"
    assert first["serial"] == "SN-OPC-1" and "-ST01-" in first["inspection_code"]
    assert variables["TriggerId"] == first["trigger_id"] and variables["Status"] == "inspected"
    assert variables["Verdict"] == first["verdict"] and variables["Verdict"] in ("PASS", "FAIL", "UNCERTAIN")
    assert variables["VerdictCode"] == {"PASS": 1, "FAIL": 2, "UNCERTAIN": 3}[first["verdict"]]
    assert variables["Reject"] is (first["verdict"] != "PASS")
    assert variables["InspectionCode"] == first["inspection_code"] and variables["Serial"] == "SN-OPC-1"
    assert variables["Product"] == "demo-cast" and variables["Reason"] == ""
    assert math.isclose(variables["AnomalyScore"], first["anomaly_score"])
    assert json.loads(variables["ResultJson"])["inspection_code"] == first["inspection_code"]
    assert variables["ResultCounter"] == 1 and after["ResultCounter"] == 2  # one step per result
    assert after["code"] == first["inspection_code"]  # the status variables follow the results
    assert second["status"] == "inspected" and second["trigger_source"] == "opcua"
    assert after["TriggerId"] == second["trigger_id"] and after["InspectionCode"] == second["inspection_code"]
    assert states[0] == "online" and "busy" in states
    assert _count(ctx) == before + 2  # both parts recorded


def test_set_product_changes_over_and_trigger_names_the_product(ctx) -> None:  # type: ignore[no-untyped-def]
    """SetProduct is a changeover trigger: its answer is on LastChangeover (LastResult and its counter stay
    about parts), ActiveProduct follows; a Trigger naming a product is judged by it whatever is active."""
    link = _link()
    image = render_part(60_002, SIZE).image
    station = LineStation("ST01", "demo-cast", [link], lambda: image,
                          workflow_inspect(ctx, "demo-cast", guides=False, language="en"),
                          products=("demo-cast", "demo-other"))
    station.start()
    try:
        async def scenario() -> dict[str, Any]:
            out: dict[str, Any] = {}
            async with Plc(link.endpoint) as plc:
                changeover_id = await plc.call("SetProduct", "demo-other")
                out["changed"] = await plc.wait_seen(
                    "LastChangeover", lambda m: bool(m) and m["trigger_id"] == changeover_id)
                await plc.wait_seen("ActiveProduct", lambda value: value == "demo-other")
                unknown_id = await plc.call("SetProduct", "no-such-product")
                out["unknown"] = await plc.wait_seen(
                    "LastChangeover", lambda m: bool(m) and m["trigger_id"] == unknown_id)
                empty_id = await plc.call("SetProduct", "")
                out["empty"] = await plc.wait_seen(
                    "LastChangeover", lambda m: bool(m) and m["trigger_id"] == empty_id)
                out["active"] = await plc.node("ActiveProduct").read_value()
                out["counter_before"] = await plc.node("LastResult.ResultCounter").read_value()
                part_id = await plc.call("Trigger", "demo-cast", "SN-RECIPE")
                out["part"] = await plc.answer(part_id)
                out["part_vars"] = plc.values
            return out

        out = asyncio.run(scenario())
    finally:
        station.stop()
    changed = out["changed"]
    assert changed["kind"] == "changeover" and changed["status"] == "changed"
    assert changed["product"] == "demo-other" and changed["trigger_source"] == "opcua"
    assert out["unknown"]["status"] == "error" and "not served by this station" in out["unknown"]["reason"]
    assert out["empty"]["status"] == "refused" and out["empty"]["reason"] == "a changeover must name the product"
    assert out["active"] == "demo-other"  # the unknown and the empty changeover changed nothing
    assert out["counter_before"] == 0  # changeover answers never moved the part counter
    part, variables = out["part"], out["part_vars"]
    assert part["status"] == "inspected" and part["product"] == "demo-cast" and part["serial"] == "SN-RECIPE"
    assert variables["ResultCounter"] == 1 and variables["Product"] == "demo-cast"
    assert variables["TriggerId"] == part["trigger_id"]


def test_hostile_calls_are_refused_and_the_server_keeps_serving(ctx) -> None:  # type: ignore[no-untyped-def]
    link = _link()
    station = _station(ctx, link)
    before = _count(ctx)
    station.start()
    try:
        async def scenario() -> dict[str, Any]:
            out: dict[str, Any] = {}
            async with Plc(link.endpoint) as plc:
                for name, args in {"int": (ua.Variant(5, ua.VariantType.Int32), ""),
                                   "array": (ua.Variant(["a", "b"], ua.VariantType.String), ""),
                                   "missing": ("",), "extra": ("", "", "")}.items():
                    with pytest.raises(ua.UaStatusCodeError) as refused:
                        await plc.call("Trigger", *args)
                    out[name] = refused.value.code
                with pytest.raises(ua.UaStatusCodeError) as refused:
                    await plc.call("SetProduct", ua.Variant(1.5, ua.VariantType.Double))
                out["set_double"] = refused.value.code
                long_id = await plc.call("Trigger", "", "S" * 10_000)
                out["long"] = await plc.answer(long_id)
                out["long_json"] = plc.values["ResultJson"]
                accent_id = await plc.call("Trigger", "", "SN-Σ-1")
                out["accent"] = await plc.answer(accent_id)
                product_id = await plc.call("Trigger", "P" * 500, "SN-2")
                out["product"] = await plc.answer(product_id)
                good_id = await plc.call("Trigger", "", "SN-AFTER")
                out["good"] = await plc.answer(good_id)
                out["counter"] = plc.values["ResultCounter"]
            return out

        out = asyncio.run(scenario())
    finally:
        station.stop()
    assert out["int"] == ua.StatusCodes.BadTypeMismatch and out["array"] == ua.StatusCodes.BadTypeMismatch
    assert out["missing"] == ua.StatusCodes.BadArgumentsMissing
    assert out["extra"] == ua.StatusCodes.BadTooManyArguments
    assert out["set_double"] == ua.StatusCodes.BadTypeMismatch
    for key in ("long", "accent"):
        assert out[key]["status"] == "refused" and out[key]["verdict"] is None
        assert out[key]["reason"] == "serial must be 1-64 printable ASCII characters"
    assert len(out["long_json"]) < 2_000  # the refusal does not echo the 10,000 characters
    assert out["product"]["status"] == "refused" and out["product"]["reason"].startswith("product must be")
    assert out["good"]["status"] == "inspected" and out["good"]["serial"] == "SN-AFTER"
    assert out["counter"] == 4  # three refusals and one inspection published; the bad calls published nothing
    assert _count(ctx) == before + 1


def test_stop_closes_the_port(ctx) -> None:  # type: ignore[no-untyped-def]
    link = _link()
    station = _station(ctx, link)
    station.start()
    port = link.port
    assert port > 0 and link.endpoint == f"opc.tcp://127.0.0.1:{port}/station/"

    async def read_state() -> str:
        async with Plc(link.endpoint) as plc:
            return await plc.node("State").read_value()

    assert asyncio.run(read_state()) == "online"
    station.stop()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()


def test_a_port_in_use_or_a_missing_certificate_is_one_clear_error(tmp_path: Path,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        link = OpcUaLink(OpcUaWiring(host="127.0.0.1", port=port), "ST01")
        with pytest.raises(ConfigurationError) as refused:
            link.start(lambda trigger: None)
    assert str(refused.value).startswith(f"cannot serve OPC UA on 127.0.0.1:{port}: ")
    assert str(refused.value).endswith("address already in use")
    link.stop()  # nothing left running: a no-op
    missing = OpcUaWiring(host="127.0.0.1", port=0, security="basic256sha256",
                          certificate=str(tmp_path / "cert.der"), private_key=str(tmp_path / "key.pem"))
    with pytest.raises(ConfigurationError, match=re.escape(f"No such file or directory: {tmp_path / 'cert.der'}")):
        OpcUaLink(missing, "ST01").start(lambda trigger: None)
    assert not [r for r in caplog.records if r.exc_info]  # one line, no traceback in the log


def test_signed_and_encrypted_endpoint_for_trusted_clients(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Basic256Sha256 with a trust list: a client whose certificate is in the folder gets in over Sign &
    Encrypt and triggers; a client with another certificate gets no session; a client without security
    finds no endpoint it may use."""
    from asyncua.crypto.cert_gen import setup_self_signed_certificate
    from cryptography.x509.oid import ExtendedKeyUsageOID

    async def certificates() -> None:
        for who, use in (("server", ExtendedKeyUsageOID.SERVER_AUTH), ("client", ExtendedKeyUsageOID.CLIENT_AUTH),
                         ("stranger", ExtendedKeyUsageOID.CLIENT_AUTH)):
            await setup_self_signed_certificate(tmp_path / f"{who}.pem", tmp_path / f"{who}.der",
                                                f"urn:inspection-station:{who}", "localhost", [use],
                                                {"commonName": f"station test {who}"})

    asyncio.run(certificates())
    trusted = tmp_path / "trusted"
    trusted.mkdir()
    (trusted / "client.der").write_bytes((tmp_path / "client.der").read_bytes())
    wiring = OpcUaWiring(host="127.0.0.1", port=0, security="basic256sha256",
                         certificate=str(tmp_path / "server.der"), private_key=str(tmp_path / "server.pem"),
                         trusted_clients=str(trusted))
    link = OpcUaLink(wiring, "ST01")
    triggers: list[LineTrigger] = []
    link.start(triggers.append)

    async def secure(who: str) -> tuple[str, str]:
        client = Client(link.endpoint, timeout=30)
        client.application_uri = f"urn:inspection-station:{who}"
        await client.set_security_string(f"Basic256Sha256,SignAndEncrypt,{tmp_path / f'{who}.der'},"
                                         f"{tmp_path / f'{who}.pem'}")
        async with client:
            ns = await client.get_namespace_index(NAMESPACE)
            station = client.get_node(ua.NodeId("Station_ST01", ns))
            trigger_id = await station.call_method(ua.QualifiedName("Trigger", ns), "", f"SN-{who}")
            return trigger_id, await client.get_node(ua.NodeId("Station_ST01.State", ns)).read_value()

    async def plain() -> None:
        async with Client(link.endpoint, timeout=10) as client:
            await client.get_namespace_index(NAMESPACE)

    try:
        trigger_id, state = asyncio.run(secure("client"))
        with pytest.raises(ua.UaStatusCodeError) as stranger:
            asyncio.run(secure("stranger"))
        with pytest.raises(ua.UaError) as refused:
            asyncio.run(plain())
    finally:
        link.stop()
    assert [t.trigger_id for t in triggers] == [trigger_id] and triggers[0].serial == "SN-client"
    assert state == "offline"  # no station published a status: the initial value
    assert stranger.value.code == ua.StatusCodes.BadCertificateUntrusted
    assert any("Not trusted certificate" in r.getMessage() for r in caplog.records)  # logged, one line
    assert not [r for r in caplog.records if r.name.startswith("asyncua.crypto") and r.exc_info]
    assert "No matching endpoints" in str(refused.value)


def test_line_toml_and_command_line_wiring(tmp_path: Path) -> None:
    store = TomlWiringStore(tmp_path / "line.toml")
    secure = LineWiring(opcua=OpcUaWiring(port=4841, security="basic256sha256", certificate="/etc/st/cert.der",
                                          private_key="/etc/st/key.pem"))
    store.save(secure)
    assert store.load() == secure and "[opcua]" in store.path.read_text()
    store.save(LineWiring(opcua=OpcUaWiring()))  # all defaults: the table alone switches the server on
    assert store.load().opcua == OpcUaWiring(host="0.0.0.0", port=4840, security="none")
    for text, message in (('[opcua]\nprot = 4840\n', "unknown key(s) in [opcua]: prot"),
                          ('[opcua]\nsecurity = "basic256sha256"\n', "needs certificate and private_key"),
                          ('[opcua]\nsecurity = "aes"\n', "security must be one of none, basic256sha256"),
                          ('[opcua]\nport = 70000\n', "port must be 0 to 65535"),
                          ('[opcua]\ntrusted_clients = "/etc/st/clients"\n', "trusted_clients needs security")):
        store.path.write_text(text)
        with pytest.raises(ConfigurationError, match=re.escape(message)):
            load_wiring(store.path)
    from_file = LineWiring(opcua=OpcUaWiring(port=4841, security="basic256sha256", certificate="c", private_key="k"))
    moved = apply_options(from_file, opcua="opc.tcp://10.0.0.7:4850/station/")
    assert moved.opcua == OpcUaWiring(host="10.0.0.7", port=4850, security="basic256sha256", certificate="c",
                                      private_key="k")  # the address replaced, the file's security kept
    assert apply_options(LineWiring(), opcua="opc.tcp://line-pc").opcua == OpcUaWiring(host="line-pc")
    with pytest.raises(ValidationError, match="endpoint path is /station/"):
        apply_options(LineWiring(), opcua="opc.tcp://line-pc:4840/other")
    [link] = build_links(LineWiring(opcua=OpcUaWiring(host="127.0.0.1", port=free_port())), "ST01")
    assert isinstance(link, OpcUaLink) and link.name == "opcua"


@pytest.mark.slow
def test_station_serve_with_opcua(built_home: Path, tmp_path: Path) -> None:
    """``station serve --opcua`` as a real process: the PLC client triggers, reads the recorded result, and
    SIGTERM stops the station cleanly."""
    from station.app.demo import render_replay

    camera = render_replay(tmp_path / "replay", SIZE, count=3)
    port = free_port()
    env = {**os.environ, "STATION_HOME": str(built_home), "STATION_CONFIG": str(built_home / "config.toml"),
           "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "station", "serve", "--product", "demo-cast", "--camera",
                             str(camera), "--opcua", f"opc.tcp://127.0.0.1:{port}"],
                            cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str] = queue.Queue()
    output: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            output.append(line)
            lines.put(line)
        lines.put("")  # the process ended

    threading.Thread(target=read, daemon=True).start()
    try:
        while not (line := lines.get(timeout=180)).startswith("serving "):
            assert line, "station serve ended before serving:\n" + "".join(output)
        assert line.startswith("serving demo-cast on opcua")

        async def plc() -> dict[str, Any]:
            async with Plc(f"opc.tcp://127.0.0.1:{port}/station/") as client:
                trigger_id = await client.call("Trigger", "", "SRV-1")
                return await client.answer(trigger_id)

        result = asyncio.run(plc())
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=120) == 0, "".join(output)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert result["status"] == "inspected" and result["serial"] == "SRV-1" and result["trigger_source"] == "opcua"
    assert any(line.startswith("stopped: 1 inspected") for line in output), "".join(output)
