"""Fault: the sync process is killed with SIGKILL in the middle of its batches (several times), and 20
station processes sync at once. Every record arrives exactly once; keys never collide."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from station.adapters.db.engine import make_engine
from tests.support.sync import central_counts, make_station, prepare_central, record

REPO = Path(__file__).resolve().parents[2]


def _central_inspections(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM inspections")).scalar()
    engine.dispose()
    return n


def _sync_process(home: Path, url: str) -> subprocess.Popen:
    env = {**os.environ, "STATION_HOME": str(home), "STATION_CENTRAL_DB_URL": url, "STATION_STATION_ID": "ST11",
           "STATION_CONFIG": str(home / "config.toml")}
    return subprocess.Popen([sys.executable, "-m", "station.cli.sync_cmd", "run", "--no-pull", "--batch-size", "40"],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.slow
def test_sigkill_mid_batch_loses_and_duplicates_nothing(pg_empty_url: str, tmp_path: Path) -> None:
    prepare_central(pg_empty_url)
    st = make_station(tmp_path, "ST11", pg_empty_url)
    assert st.service.run_once(pull=True).error is None
    codes = record(st, 1500)
    st.db.dispose()
    kills = 0
    for _ in range(3):  # kill it at three different points of the backlog
        before = _central_inspections(pg_empty_url)
        proc = _sync_process(tmp_path, pg_empty_url)
        deadline = time.monotonic() + 60
        while _central_inspections(pg_empty_url) < before + 100 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(30)
    assert kills >= 1 and _central_inspections(pg_empty_url) < 1500  # it really died half-way
    final = _sync_process(tmp_path, pg_empty_url)
    _, err = final.communicate(timeout=120)
    assert final.returncode == 0, err.decode()
    counts = central_counts(pg_empty_url)
    assert counts["inspections"] == counts["distinct_codes"] == 1500
    assert counts["images"] == counts["image_metadata"] == counts["inspection_results"] == 1500
    engine = make_engine(pg_empty_url)
    with engine.connect() as conn:
        assert set(conn.execute(text("SELECT inspection_code FROM inspections")).scalars()) == set(codes)
    engine.dispose()
    again = make_station(tmp_path, "ST11", pg_empty_url)
    assert again.service.status().pending_rows == {}


@pytest.mark.slow
def test_twenty_stations_sync_at_once(pg_empty_url: str, tmp_path: Path) -> None:
    prepare_central(pg_empty_url)
    per_station = 30
    procs = {}
    for i in range(1, 21):
        sid = f"S{i:02d}"
        home = tmp_path / sid
        home.mkdir()
        procs[sid] = subprocess.Popen(
            [sys.executable, "-m", "tests.support.sync_station_proc", str(home), sid, pg_empty_url, str(per_station)],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "STATION_HOME": str(home)})
    recorded: dict[str, list[str]] = {}
    for sid, proc in procs.items():
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, f"{sid}: {err.decode()[-2000:]}"
        recorded[sid] = out.decode().split()
    all_codes = [c for codes in recorded.values() for c in codes]
    assert len(all_codes) == len(set(all_codes)) == 20 * per_station  # keys never collide
    assert all(all(f"-{sid}-" in c for c in codes) for sid, codes in recorded.items())
    counts = central_counts(pg_empty_url)
    assert counts["inspections"] == counts["distinct_codes"] == 20 * per_station
    assert counts["images"] == counts["inspection_results"] == 20 * per_station
    engine = make_engine(pg_empty_url)
    with engine.connect() as conn:
        central_codes = set(conn.execute(text("SELECT inspection_code FROM inspections")).scalars())
        uuids = conn.execute(text("SELECT count(DISTINCT sync_uuid) FROM inspection_results")).scalar()
    engine.dispose()
    assert central_codes == set(all_codes) and uuids == 20 * per_station
