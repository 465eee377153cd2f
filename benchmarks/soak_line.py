"""Soak of the line station: N triggers at a steady rate through a real ``station serve`` process while the
centre (PostgreSQL) and the broker (mosquitto) each go down and come back twice.

Set-up (all on loopback, in a temporary folder): the demo home (``demo-cast``, its bank, the replay camera as
the station's camera); a real PostgreSQL as the centre (the one of ``scripts/with-postgres.sh`` when run under
it, else a cluster this script initialises and starts), migrated with ``station db upgrade --url``, the demo
catalogue imported with ``station db import-mapping``, the station's accounts created there as an
administrator would, and one login ``station_st01`` in the group role ``station_sync`` that the station
syncs as (``STATION_CENTRAL_DB_URL``/``STATION_CENTRAL_DB_PASSWORD``); a real mosquitto; then
``python -m station serve --product demo-cast --mqtt ... --health-port ...`` as a subprocess.

The line client publishes ``SOAK-000000`` ... on ``station/ST01/trigger`` (QoS 1) at ``--rate`` per second
and collects ``station/ST01/result``. Faults, placed by the number of triggers sent (so they scale with
``--n``): the centre goes down at 15 % and 55 % (``pg_ctl stop -m immediate``: every backend killed, no
checkpoint, crash recovery at the restart) for ``--pg-outage`` seconds; the broker is SIGKILLed at 30 % and
75 % for ``--broker-outage`` seconds (default 2 % of the run's planned length, 2-15 s). Both come back on
the same ports.

**The broker outage.** The broker keeps no sessions (clean session, no persistence): a trigger published
while it is down cannot reach the station. The sender publishes only while its client is connected and
subscribed and the station's status (``online``/``busy``) has come in this session, and counts a trigger as
*sent* only when the broker acknowledged it (PUBACK). After a restart the broker knows no subscriptions: the
station's client reconnects by itself (after 1 s or more), subscribes and publishes its status again, and only
then can a trigger reach it, so the sender waits for that status as a line would. A trigger whose tick falls
in the outage is not published: the sender waits for the broker and the station (the script starts the
broker again and opens a fresh client session at once) and resumes the schedule from there with the same
serial; the missed ticks are printed. A
trigger published but not acknowledged before the kill is *unconfirmed* (it may or may not have reached the
station): it is not sent again and may have at most one result. Results the station published while the
broker was down are kept by its paho client (QoS 1) and arrive after it reconnects. A QoS 1 message may be
delivered twice (a PUBACK lost with the broker): an identical repeat (same ``trigger_id`` and payload) is
counted as a redelivery, not as a second result.

**The default rate, 4 triggers/s**: one inspection of the demo product (MobileNetV2, 320 px, with its
record: one SQLite transaction and five image files) takes 55-155 ms on this 2-core machine depending on the
other jobs (docs/readme/line.md, Latency); at 4/s each part has 250 ms, so the inspection, the sync thread
pushing each record, PostgreSQL and mosquitto share the two cores with room left, and the queue (4) absorbs
jitter. A refused trigger (queue full) still gets its one result and is counted: refusals mean the rate was
not held.

Checks (exit status 1 when one fails): every sent trigger got exactly one result (by serial and
``trigger_id``) and no result came for a trigger never published; every inspected part is recorded exactly
once in the station's SQLite store (by inspection code, and no recorded inspection without its result), and,
once the sync has caught up (``--drain-timeout``), exactly once at the centre; the serve process's resident
memory (``/proc/PID/status`` VmRSS, sampled every second) grows less than 5 % from the end of the warm-up
(the first ``--warmup`` triggers, default max(100, 10 %)) to the end of the run; the serve process exits 0 on
SIGTERM. Printed: the fault timeline, counts by status, the rate held (triggers sent per second, results per
second, over the whole sending time and without the time the sender waited for the broker and the station),
the memory series' summary (after warm-up, at the end, max, and ten points of the series; every sample in
``memory.csv`` of the temporary folder, kept with ``--keep``), the sync's catch-up time, and the load average
at start and end.

Run by hand (not part of the tests), e.g.::

    .venv/bin/python -m benchmarks.soak_line                       # 10,000 triggers at 4/s (~45 min)
    .venv/bin/python -m benchmarks.soak_line --n 300               # a functional check (~2-3 min)
    scripts/with-postgres.sh .venv/bin/python -m benchmarks.soak_line --n 300   # on that PostgreSQL
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from benchmarks.line_setup import Mosquitto, demo_home, free_port, load_average, summary

REPO = Path(__file__).resolve().parents[1]
TOPIC = "station/ST01"
STATION_LOGIN, STATION_PASSWORD = "station_st01", "soak-station"


def log(t0: float, text: str) -> None:
    print(f"  [{time.monotonic() - t0:7.1f} s] {text}", flush=True)


class Postgres:
    """The centre's server: the cluster of scripts/with-postgres.sh when its variables are set, else one
    initialised here. ``kill()`` is an immediate stop (backends killed, crash recovery at the next start)."""

    def __init__(self, tmp: Path) -> None:
        self.as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        given = os.environ.get("STATION_TEST_PG_DATADIR"), os.environ.get("STATION_TEST_PG_BINDIR")
        self.own = not all(given) or not os.environ.get("STATION_TEST_PG_URL")
        if self.own:
            bindirs = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
            if not bindirs:
                raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")
            self.bindir = bindirs[-1]
            self.folder = Path(tempfile.mkdtemp(prefix="soak-pg-"))
            if self.as_pg:
                shutil.chown(self.folder, "postgres")
            self.datadir = self.folder / "data"
            self.port = free_port()
            self._pg("initdb", "-D", str(self.datadir), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                     "--locale=C.UTF-8")
            self.options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off "
                            "-c max_connections=200")
            self.log = self.folder / "server.log"
            self.start()
            self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        else:
            self.datadir, self.bindir = Path(given[0]), Path(given[1])  # type: ignore[arg-type]
            self.url = os.environ["STATION_TEST_PG_URL"]
            words = (self.datadir / "postmaster.opts").read_text().split()[1:]
            if "-D" in words:
                i = words.index("-D")
                del words[i:i + 2]
            self.options = " ".join(w.strip('"') for w in words)
            self.port = int(self.url.rsplit(":", 1)[1].split("/")[0])
            self.log = self.datadir.parent / "server.log"
            self.folder = None

    def _pg(self, tool: str, *args: str) -> None:
        done = subprocess.run([*self.as_pg, str(self.bindir / tool), *args], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=120, check=False)
        if done.returncode != 0:
            raise SystemExit(f"{tool} failed: {done.stdout[-2000:]}")

    def start(self) -> None:
        self._pg("pg_ctl", "-D", str(self.datadir), "-l", str(self.log), "-w", "-t", "60", "-o", self.options,
                 "start")

    def kill(self) -> None:
        self._pg("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "-t", "60", "stop")

    def close(self) -> None:
        if self.own:
            subprocess.run([*self.as_pg, str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "immediate",
                            "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            shutil.rmtree(self.folder, ignore_errors=True)  # type: ignore[arg-type]


def _engine(url: str, **options: Any):  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine

    return create_engine(url.replace("postgresql://", "postgresql+psycopg2://", 1), **options)


def prepare_centre(pg: Postgres, home: Path, env: dict[str, str]) -> str:
    """A fresh central database: schema, the demo catalogue, the station's accounts, the station's login.
    Returns the station's URL (without password)."""
    from sqlalchemy import text

    name = f"soak_{os.getpid()}"
    admin = _engine(pg.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    base = pg.url.rsplit("/", 1)[0]
    url = f"{base}/{name}"
    for command in (["db", "upgrade", "--url", url],
                    ["db", "import-mapping", str(REPO / "resources/demo/demo_product.json"), "--url", url]):
        done = subprocess.run([sys.executable, "-m", "station", *command], cwd=REPO, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300, check=False)
        if done.returncode != 0:
            raise SystemExit(f"station {' '.join(command[:2])} failed: {done.stdout[-2000:]}")
    local = sqlite3.connect(home / "station.sqlite3")
    users = local.execute("SELECT u.username, u.email, u.password_hash, r.role_name FROM users u "
                          "JOIN user_roles ur ON ur.user_id = u.user_id "
                          "JOIN roles r ON r.role_id = ur.role_id").fetchall()
    local.close()
    centre = _engine(url)
    with centre.begin() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": STATION_LOGIN}).first():
            conn.execute(text(f"CREATE ROLE {STATION_LOGIN} LOGIN PASSWORD '{STATION_PASSWORD}' IN ROLE station_sync"))
        for username, email, password_hash, role in users:  # the administrator creates the station's accounts
            uid = conn.execute(text("INSERT INTO users (username, email, password_hash) VALUES (:u, :e, :h) "
                                    "ON CONFLICT (username) DO UPDATE SET email = EXCLUDED.email RETURNING user_id"),
                               {"u": username, "e": email, "h": password_hash}).scalar()
            conn.execute(text("INSERT INTO user_roles (user_id, role_id) SELECT :u, role_id FROM roles "
                              "WHERE role_name = :r ON CONFLICT DO NOTHING"), {"u": uid, "r": role})
    centre.dispose()
    return url.replace("postgresql://postgres@", f"postgresql://{STATION_LOGIN}@")


class LineSide:
    """The line's MQTT client. A fresh client session after each broker restart (the broker lost every
    subscription); ``ready`` while connected and subscribed to the result topic."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.results: list[tuple[float, dict[str, Any], bytes]] = []
        self.lock = threading.Lock()
        self.ready = threading.Event()
        self.station_online = threading.Event()  # a status online/busy from the station in this session
        self.client: Any = None
        self.sessions = 0

    def open(self, timeout: float = 30.0) -> None:
        import paho.mqtt.client as paho
        from paho.mqtt.enums import CallbackAPIVersion

        self.sessions += 1
        client = paho.Client(CallbackAPIVersion.VERSION2, client_id=f"soak-line-{os.getpid()}-{self.sessions}")
        client.max_queued_messages_set(0)
        client.on_connect = lambda c, u, f, rc, p: (c.subscribe([(f"{TOPIC}/result", 1), (f"{TOPIC}/status", 1)])
                                                    if not rc.is_failure else None)
        client.on_subscribe = lambda *a: self.ready.set()
        client.on_disconnect = lambda *a: self.ready.clear()
        client.on_message = self._message
        client.reconnect_delay_set(min_delay=1, max_delay=2)
        deadline = time.monotonic() + timeout
        while True:
            try:
                client.connect("127.0.0.1", self.port, keepalive=30)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("the line client cannot reach the broker")
                time.sleep(0.02)
        client.loop_start()
        self.client = client
        if not self.ready.wait(timeout):
            raise SystemExit("the line client did not subscribe")

    def drop(self) -> None:
        """The broker is gone: stop this session (a new one is opened when the broker is back)."""
        self.ready.clear()
        self.station_online.clear()
        client, self.client = self.client, None
        if client is not None:
            client.loop_stop()
            try:
                client.disconnect()
            except Exception:  # noqa: BLE001, S110 - the socket is already dead
                pass

    def _message(self, client, userdata, message) -> None:  # type: ignore[no-untyped-def]
        if message.topic.endswith("/status"):
            if json.loads(message.payload).get("state") in ("online", "busy"):
                self.station_online.set()
            return
        with self.lock:
            self.results.append((time.monotonic(), json.loads(message.payload), bytes(message.payload)))

    def publish(self, payload: str) -> str:
        """'sent' (acknowledged by the broker), 'not published' (no connection: safe to publish again) or
        'unconfirmed' (published, no acknowledgement)."""
        import paho.mqtt.client as paho

        client = self.client
        if client is None or not self.ready.is_set() or not self.station_online.is_set():
            return "not published"
        info = client.publish(f"{TOPIC}/trigger", payload, qos=1)
        if info.rc != paho.MQTT_ERR_SUCCESS:
            return "not published"
        try:
            info.wait_for_publish(5.0)
        except (RuntimeError, ValueError):
            return "unconfirmed"
        return "sent" if info.is_published() else "unconfirmed"


def rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def centre_codes(url: str) -> Counter | None:
    from sqlalchemy import text

    engine = _engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            return Counter(r[0] for r in conn.execute(text("SELECT inspection_code FROM inspections")))
    except Exception:  # noqa: BLE001 - the centre may be restarting
        return None
    finally:
        engine.dispose()


def local_codes(home: Path) -> Counter:
    conn = sqlite3.connect(f"file:{home / 'station.sqlite3'}?mode=ro", uri=True, timeout=30)
    try:
        return Counter(r[0] for r in conn.execute("SELECT inspection_code FROM inspections"))
    finally:
        conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="triggers to send (default 10,000)")
    parser.add_argument("--rate", type=float, default=4.0, help="triggers per second (default 4)")
    parser.add_argument("--pg-outage", type=float, default=None,
                        help="seconds the centre stays down each time (default 8 %% of the planned run, 5-120 s)")
    parser.add_argument("--broker-outage", type=float, default=None,
                        help="seconds the broker stays down each time (default 2 %% of the planned run, 2-15 s)")
    parser.add_argument("--warmup", type=int, default=None, help="triggers before the memory reference")
    parser.add_argument("--drain-timeout", type=float, default=600.0, help="seconds to wait for results and sync")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, stores)")
    args = parser.parse_args()
    planned = args.n / args.rate
    pg_outage = args.pg_outage if args.pg_outage is not None else min(120.0, max(5.0, 0.08 * planned))
    broker_outage = args.broker_outage if args.broker_outage is not None else min(15.0, max(2.0, 0.02 * planned))
    warmup = args.warmup if args.warmup is not None else min(max(100, args.n // 10), args.n // 3)
    print(f"soak: {args.n} triggers at {args.rate:g}/s (planned {planned:.0f} s), centre down twice for "
          f"{pg_outage:.1f} s, broker down twice for {broker_outage:.1f} s; load average at start: {load_average()}",
          flush=True)

    tmp = Path(tempfile.mkdtemp(prefix="soak-line-"))
    home = tmp / "home"
    os.environ["STATION_HOME"] = str(home)
    os.environ["STATION_CONFIG"] = str(home / "config.toml")
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATION_CENTRAL")}
    env.update(PYTHONPATH=str(REPO), STATION_HOME=str(home), STATION_CONFIG=str(home / "config.toml"))
    t0 = time.monotonic()
    failures: list[str] = []
    pg: Postgres | None = None
    broker = Mosquitto(tmp)
    serve: subprocess.Popen | None = None
    side: LineSide | None = None
    try:
        product, _ = demo_home()
        log(t0, f"demo home ready ({product})")
        pg = Postgres(tmp)
        station_url = prepare_centre(pg, home, env)
        log(t0, f"centre ready: PostgreSQL on port {pg.port} ({'started here' if pg.own else 'with-postgres.sh'})")
        broker.start()
        health_port = free_port()
        serve_env = {**env, "STATION_CENTRAL_DB_URL": station_url, "STATION_CENTRAL_DB_PASSWORD": STATION_PASSWORD}
        before_local = local_codes(home)
        serve_log = (tmp / "serve.log").open("w")
        serve = subprocess.Popen([sys.executable, "-m", "station", "serve", "--product", product, "--mqtt", broker.url,
                                  "--health-port", str(health_port)], cwd=REPO, env=serve_env,
                                 stdout=serve_log, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 300
        while "serving " not in (tmp / "serve.log").read_text():
            if serve.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"station serve did not start:\n{(tmp / 'serve.log').read_text()[-3000:]}")
            time.sleep(0.2)
        log(t0, f"station serve pid {serve.pid}: {(tmp / 'serve.log').read_text().strip().splitlines()[-1]}")
        side = LineSide(broker.port)
        side.open()

        # --- the run: sender, faults, memory sampler ----------------------------------------------------
        state: dict[str, Any] = {"sent": 0, "missed_ticks": 0, "waited": 0.0, "done": False, "outages": []}
        outcome: dict[str, str] = {}  # serial -> sent / unconfirmed
        sent_at: dict[str, float] = {}
        memory: list[tuple[float, int, int]] = []  # (time, triggers sent, VmRSS kB)

        def sender() -> None:
            anchor, k = time.monotonic(), 0
            for i in range(args.n):
                serial = f"SOAK-{i:06d}"
                while True:
                    delay = anchor + k / args.rate - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                    result = side.publish(serial)
                    if result != "not published":
                        break
                    state["missed_ticks"] += 1  # the broker is down: wait for it, resume from there
                    waiting = time.monotonic()
                    while not (side.ready.is_set() and side.station_online.is_set()):
                        time.sleep(0.02)
                    state["waited"] += time.monotonic() - waiting
                    anchor, k = time.monotonic(), 0
                outcome[serial] = result
                sent_at[serial] = time.monotonic()
                state["sent"] += 1
                k += 1
            state["done"] = True

        def wait_sent(fraction: float) -> None:
            while state["sent"] < fraction * args.n and not state["done"]:
                time.sleep(0.05)

        def centre_down() -> None:
            assert pg is not None
            pg.kill()
            log(t0, f"centre DOWN (after {state['sent']} triggers)")
            time.sleep(pg_outage)
            pg.start()
            log(t0, "centre back")

        def broker_down() -> None:
            assert side is not None
            broker.kill()
            side.drop()
            down = time.monotonic()
            log(t0, f"broker DOWN (after {state['sent']} triggers)")
            time.sleep(broker_outage)
            broker.start()
            side.open()
            state["outages"].append((down, time.monotonic()))
            log(t0, "broker back, line client subscribed again")

        def faults() -> None:
            for fraction, action in ((0.15, centre_down), (0.30, broker_down), (0.55, centre_down),
                                     (0.75, broker_down)):
                wait_sent(fraction)
                action()

        def sampler() -> None:
            while serve is not None and serve.poll() is None and not state.get("stop_sampling"):
                value = rss_kb(serve.pid)
                if value is not None:
                    memory.append((time.monotonic(), state["sent"], value))
                time.sleep(1.0)

        threads = [threading.Thread(target=f, daemon=True, name=f.__name__) for f in (sender, faults, sampler)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        next_report = started + 30
        while not state["done"]:
            time.sleep(0.2)
            if time.monotonic() > next_report:
                next_report += 30
                with side.lock:
                    answered = len(side.results)
                log(t0, f"{state['sent']} sent, {answered} results")
        send_seconds = time.monotonic() - started
        threads[1].join()  # the last fault is over
        log(t0, f"all {args.n} triggers sent in {send_seconds:.1f} s")

        # --- results drain ----------------------------------------------------------------------------
        expected = {s for s, o in outcome.items() if o == "sent"}
        deadline = time.monotonic() + args.drain_timeout
        while time.monotonic() < deadline:
            with side.lock:
                answered = {m.get("serial") for _, m, _ in side.results}
                last = side.results[-1][0] if side.results else started
            if expected <= answered or time.monotonic() - last > 60:  # all in, or nothing more for a minute
                break
            time.sleep(0.5)
        time.sleep(2.0)  # a late repeat would show now
        state["stop_sampling"] = True
        threads[2].join()
        with side.lock:
            results = list(side.results)
        _, health = _health(health_port)

        # --- the sync catches up ----------------------------------------------------------------------
        sync_started = time.monotonic()
        local = local_codes(home)
        centre = None
        while time.monotonic() - sync_started < args.drain_timeout:
            local = local_codes(home)
            centre = centre_codes(pg.url.rsplit("/", 1)[0] + "/" + station_url.rsplit("/", 1)[1])
            if centre is not None and set(centre) >= set(local):
                break
            time.sleep(2.0)
        sync_seconds = time.monotonic() - sync_started
        log(t0, f"sync caught up in {sync_seconds:.1f} s after the last result" if centre is not None
            and set(centre) >= set(local) else "sync did NOT catch up")

        serve.send_signal(signal.SIGTERM)
        code = serve.wait(180)
        if code != 0:
            failures.append(f"station serve exited {code} on SIGTERM")
        serve_log.close()

        # --- checks -----------------------------------------------------------------------------------
        by_serial: dict[str, list[tuple[dict[str, Any], bytes]]] = defaultdict(list)
        for _, message, raw in results:
            if message.get("kind") == "result":
                by_serial[message.get("serial")].append((message, raw))
        redeliveries, answers = 0, {}
        for serial, messages in by_serial.items():
            distinct: dict[str, bytes] = {}
            for message, raw in messages:
                if message["trigger_id"] in distinct and distinct[message["trigger_id"]] == raw:
                    redeliveries += 1
                    continue
                distinct.setdefault(message["trigger_id"], raw)
                if distinct[message["trigger_id"]] != raw:
                    failures.append(f"{serial}: two different messages for trigger {message['trigger_id']}")
            if len(distinct) > 1:
                failures.append(f"{serial}: {len(distinct)} results (trigger ids {sorted(distinct)})")
            answers[serial] = messages[0][0]
        unconfirmed = {s for s, o in outcome.items() if o == "unconfirmed"}
        missing = sorted(expected - set(answers))
        if missing:
            failures.append(f"{len(missing)} sent triggers without a result: {missing[:10]}")
        stray = sorted(set(answers) - set(outcome))
        if stray:
            failures.append(f"results for triggers never published: {stray[:10]}")
        statuses = Counter(m["status"] for m in answers.values())
        inspected = {s: m["inspection_code"] for s, m in answers.items() if m["status"] == "inspected"}
        new_local = local - before_local
        codes = Counter(inspected.values())
        if any(c > 1 for c in codes.values()):
            failures.append("one inspection code in two results")
        if any(new_local[c] != 1 for c in codes):
            failures.append(f"{sum(1 for c in codes if new_local[c] != 1)} inspected parts not recorded exactly "
                            "once locally")
        extra_local = set(new_local) - set(codes)
        if extra_local:
            failures.append(f"{len(extra_local)} local inspections without a result: {sorted(extra_local)[:5]}")
        if centre is None:
            failures.append("the centre could not be read at the end")
        else:
            if any(centre[c] != 1 for c in codes):
                failures.append(f"{sum(1 for c in codes if centre[c] != 1)} inspected parts not at the centre "
                                "exactly once")
            if set(centre) != set(local) or any(v != 1 for v in centre.values()):
                failures.append(f"centre and station differ: {len(centre)} codes at the centre, {len(local)} here")

        # memory
        after_warmup = [kb for _, n, kb in memory if n >= warmup]
        mem_line = "no samples"
        if len(after_warmup) >= 2:
            reference = statistics.median(after_warmup[:5])
            end = statistics.median(after_warmup[-5:])
            growth = (end - reference) / reference * 100.0
            mem_line = (f"after warm-up ({warmup} triggers) {reference / 1024:.1f} MB, at the end {end / 1024:.1f} MB "
                        f"({growth:+.1f} %), max {max(kb for *_, kb in memory) / 1024:.1f} MB, "
                        f"first sample {memory[0][2] / 1024:.1f} MB, {len(memory)} samples")
            points = [memory[round(i * (len(memory) - 1) / 9)] for i in range(10)]
            mem_line += "\n    series (triggers sent: MB): " + ", ".join(f"{n}: {kb / 1024:.1f}" for _, n, kb in points)
            (tmp / "memory.csv").write_text("seconds,triggers_sent,vmrss_kb\n" + "".join(
                f"{t - memory[0][0]:.1f},{n},{kb}\n" for t, n, kb in memory))
            if growth >= 5.0:
                failures.append(f"resident memory grew {growth:.1f} % after warm-up (limit 5 %)")
        else:
            failures.append("too few memory samples after warm-up")

        # rates
        outage_seconds = sum(up - down for down, up in state["outages"])
        waited = state["waited"]
        times = sorted(t for t, m, _ in results if m.get("kind") == "result")
        n_sent = len(expected)
        latency = [(t - sent_at[m["serial"]]) * 1000.0 for t, m, _ in results
                   if m.get("kind") == "result" and m.get("serial") in sent_at]
        print(f"\nsoak of station serve: {args.n} triggers, rate asked {args.rate:g}/s", flush=True)
        print(f"  published: {n_sent} sent (acknowledged), {len(unconfirmed)} unconfirmed at a broker kill "
              f"(not resent; {sum(1 for s in unconfirmed if s in answers)} of them answered), "
              f"{state['missed_ticks']} ticks missed while the broker was down (those triggers waited and were sent "
              "after it came back)")
        results_rate = len(times) / max(1e-9, times[-1] - times[0]) if len(times) > 1 else 0.0
        print(f"  rate held: {n_sent / send_seconds:.2f} triggers/s over {send_seconds:.1f} s "
              f"({n_sent / max(1e-9, send_seconds - waited):.2f}/s without the {waited:.1f} s the sender waited "
              f"for the broker and the station: broker down {outage_seconds:.1f} s in all); "
              f"results {results_rate:.2f}/s")
        print(f"  results: {len(answers)} triggers answered, by status {dict(statuses)}, "
              f"{redeliveries} QoS 1 redeliveries (identical repeats)")
        print(f"  trigger sent -> result received: {summary(latency)}")
        print(f"  recorded: {sum(new_local.values())} new inspections in the station's SQLite store; "
              f"at the centre {sum(centre.values()) if centre else 'unknown'} (station total {sum(local.values())})")
        print(f"  resident memory of station serve: {mem_line}")
        print(f"  health at the end: inspected {health.get('inspected')}, refused {health.get('refused')}, "
              f"errors {health.get('errors')}")
        sync = subprocess.run([sys.executable, "-m", "station.cli.sync_cmd", "status", "--json"], cwd=REPO,
                              env=serve_env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=120, check=False)
        try:
            status = json.loads(sync.stdout)
            print(f"  sync status: pending {status.get('pending')}, consecutive failures "
                  f"{status.get('consecutive_failures')}, last error {status.get('last_error')!r}")
        except json.JSONDecodeError:
            print(f"  sync status: {sync.stdout.strip()[-300:]}")
        if statuses.get("refused"):
            print(f"  note: {statuses['refused']} triggers refused (queue full): the rate was not held")
    finally:
        if side is not None:
            side.drop()
        if serve is not None and serve.poll() is None:
            serve.kill()
        broker.stop()
        if pg is not None:
            pg.close()
        if args.keep:
            print(f"  kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"load average at end: {load_average()}")
    for failure in failures:
        print(f"FAILED: {failure}")
    print("soak: " + ("FAILED" if failures else "every check passed"))
    return 1 if failures else 0


def _health(port: int) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())
    except OSError:
        return 0, {}


if __name__ == "__main__":
    sys.exit(main())
