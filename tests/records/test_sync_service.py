"""The sync service's thread, backoff and visible state, and the `station sync` commands, with a real
SQLite store and a central URL where nothing listens."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from station.cli.main import COMMANDS
from station.cli.sync_cmd import main as sync_main
from station.services.records import backoff_delay
from tests.support.s3 import free_port
from tests.support.sync import make_station

NOWHERE = f"postgresql://station@127.0.0.1:{free_port()}/central"


def test_backoff_doubles_up_to_the_cap_with_jitter() -> None:
    assert backoff_delay(0, 2, 300) == 0
    assert [backoff_delay(n, 2, 300, rand=lambda: 1.0) for n in (1, 2, 3, 4)] == [2, 4, 8, 16]
    assert backoff_delay(20, 2, 300, rand=lambda: 1.0) == 300
    assert backoff_delay(3, 2, 300, rand=lambda: 0.0) == 4  # half of 8: stations never retry in step


def test_thread_retries_with_backoff_and_stops_promptly(tmp_path: Path) -> None:
    st = make_station(tmp_path, "ST30", NOWHERE, interval=0.05, base_backoff=0.05, max_backoff=0.2)
    st.service.start()
    try:
        deadline = time.monotonic() + 30
        while st.service.status().consecutive_failures < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        status = st.service.status()
        assert status.running and status.consecutive_failures >= 3
        assert "cannot use database" in status.last_error and status.last_success is None
        st.service.trigger()  # harmless while backing off
    finally:
        st.service.stop(timeout=10)
    assert not st.service.status().running


def test_a_station_without_centre_works_local_only(tmp_path: Path) -> None:
    st = make_station(tmp_path, "ST31", None)
    report = st.service.run_once()
    assert report.error is None and report.pushed_entries == 0
    status = st.service.status()
    assert not status.configured and status.last_success is None and status.last_error is None


def test_cli_status_json_and_run_errors(_isolated_home: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture) -> None:
    assert "station.cli.sync_cmd" in COMMANDS
    assert sync_main(["status", "--json"]) == 0
    state = json.loads(capsys.readouterr().out)
    assert {"pending", "last_success", "last_error"} <= set(state) and state["pending"] == 0
    assert sync_main(["run"]) == 2
    assert "no central database configured" in capsys.readouterr().err

    monkeypatch.setenv("STATION_CENTRAL_DB_URL", NOWHERE)
    assert sync_main(["run", "--no-pull"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("station: error: connect: cannot use database") and "\n" not in err
    assert sync_main(["status", "--json"]) == 0
    state = json.loads(capsys.readouterr().out)
    assert state["last_error"].startswith("connect: cannot use database") and state["consecutive_failures"] == 1
    assert sync_main(["status"]) == 0
    out = capsys.readouterr().out
    assert "pending: 0" in out and "last success: never" in out and "last error: connect" in out
