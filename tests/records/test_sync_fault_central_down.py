"""Fault: the central PostgreSQL is stopped while a station keeps recording 1,000 inspections with its
sync thread running. Recording never waits for it; after the restart all 1,000 arrive exactly once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from station.adapters.db.engine import make_engine
from tests.support.pg_control import PgServer
from tests.support.sync import central_counts, make_station, prepare_central, record


@pytest.fixture
def pg_server(pg_admin_url: str) -> Iterator[PgServer]:
    server = PgServer()
    yield server
    if not server.running():  # whatever happened, the other tests get their server back
        server.start()


def _wait_for(predicate, timeout: float = 60.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.slow
def test_centre_down_while_recording_then_everything_arrives_once(pg_server: PgServer, pg_empty_url: str,
                                                                 tmp_path: Path) -> None:
    prepare_central(pg_empty_url)
    st = make_station(tmp_path, "ST10", pg_empty_url, batch_size=400, interval=0.2, base_backoff=0.2,
                      max_backoff=1.0)
    assert st.service.run_once(pull=True).error is None
    codes = record(st, 300)
    st.service.start()
    try:
        pg_server.stop()  # possibly in the middle of a batch
        codes += record(st, 700, start=300)  # recorded locally while the centre is gone
        assert _wait_for(lambda: st.service.status().consecutive_failures >= 2)  # it keeps retrying
        status = st.service.status()
        assert status.last_error and "push" in status.last_error and status.pending_rows.get("inspections", 0) > 0
        pg_server.start()
        assert _wait_for(lambda: st.service.status().pending_rows == {}, timeout=120)
    finally:
        st.service.stop()
    counts = central_counts(pg_empty_url)
    assert counts["inspections"] == counts["distinct_codes"] == 1000
    assert counts["images"] == counts["image_metadata"] == counts["inspection_results"] == 1000
    engine = make_engine(pg_empty_url)
    with engine.connect() as conn:
        central_codes = set(conn.execute(text("SELECT inspection_code FROM inspections")).scalars())
        orphans = conn.execute(text(
            "SELECT count(*) FROM inspections i LEFT JOIN inspection_results r USING (inspection_id) "
            "WHERE r.result_id IS NULL")).scalar()
    engine.dispose()
    assert central_codes == set(codes) and orphans == 0
    status = st.service.status()
    assert status.last_error is None and status.last_success is not None
