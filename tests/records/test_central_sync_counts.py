"""The sync's exactly-once push into the partitioned centre keeps the aggregates equal to brute-force
counts (inserts, repeats, updates of mutable columns, actions and feedback), and the report command
prints the dashboard and the view across stations from the same queries."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from station.adapters.db.engine import make_engine
from station.adapters.db.reports_repo import SqlReportReader
from station.adapters.db.database import open_database
from station.adapters.db.sync_actions_repo import SqlActionLog
from station.cli.main import main
from station.domain.reports import DashboardQuery
from station.services.records import ActionService
from tests.support.central import assert_counts_exact
from tests.support.sync import central_counts, make_station, prepare_central, record, recording_day


@pytest.fixture
def central(pg_empty_url: str) -> str:
    return prepare_central(pg_empty_url)


def _check(url: str) -> None:
    engine = make_engine(url)
    with engine.connect() as conn:
        assert_counts_exact(conn)
    engine.dispose()


def test_pushes_repeats_and_updates_keep_counts_exact(central: str, tmp_path: Path) -> None:
    a = make_station(tmp_path / "a", "ST01", central)
    b = make_station(tmp_path / "b", "ST02", central)
    for st in (a, b):
        st.service.run_once(pull=True)
    month_start = recording_day().replace(day=1, hour=0)
    record(a, 4, day=month_start - timedelta(minutes=1))  # across a month end: two partitions
    record(b, 5, worker="lee_worker", day=month_start + timedelta(days=1, hours=14))
    for st in (a, b):
        assert st.service.run_once().error is None
    _check(central)
    assert central_counts(central)["inspections"] == 9
    # the same rows again (a station that died before it could forget its batch): nothing changes
    with a.db.session() as s:
        s.execute(text("INSERT INTO sync_outbox (table_name, row_id) SELECT 'inspections', inspection_id "
                       "FROM inspections"))
        s.execute(text("INSERT INTO sync_outbox (table_name, row_id) SELECT 'inspection_results', result_id "
                       "FROM inspection_results"))
    assert a.service.run_once().error is None
    assert central_counts(central)["inspections"] == 9
    _check(central)
    # actions and feedback at the station, a status change: pushed as updates and children
    actions = ActionService(SqlActionLog(a.db), SqlReportReader(a.db))
    actions.log_action(1, "연마", "resolved", by_user=1)
    actions.add_feedback(1, 1, 5, "좋음")
    with a.db.session() as s:
        s.execute(text("UPDATE inspections SET status = 'cancelled' WHERE inspection_id = 2"))
        s.execute(text("UPDATE inspection_results SET defect_detected = TRUE, verdict = 'FAIL' "
                       "WHERE inspection_id = 3"))
    assert a.service.run_once().error is None
    _check(central)
    engine = make_engine(central)
    with engine.connect() as conn:
        st01 = conn.execute(text("SELECT sum(resolved), sum(completed) FROM inspection_stats_total "
                                 "WHERE station_id = 'ST01'")).one()
    engine.dispose()
    assert tuple(st01) == (1, 3)


def test_report_dashboard_json_matches_the_reader(central: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    a = make_station(tmp_path / "a", "ST01", central)
    b = make_station(tmp_path / "b", "ST07", central)
    for st in (a, b):
        st.service.run_once(pull=True)
    first = recording_day() - timedelta(days=10)
    record(a, 3, day=first)
    record(b, 6, day=first + timedelta(days=6))
    for st in (a, b):
        assert st.service.run_once().error is None
    since = (first + timedelta(days=1)).date()
    assert main(["report", "dashboard", "--url", central, "--since", since.isoformat(), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [p["total_inspection_count"] for p in out["products"]] == [6]  # ST07 only since the day after
    fleet = {f["station_id"]: f for f in out["fleet"]}
    assert fleet["ST07"]["inspections"] == 6 and fleet["ST07"]["defects"] == 2  # i = 0, 3
    assert fleet["ST07"]["days"] == 6 and fleet["ST07"]["per_day"] == 1.0
    assert fleet["ST01"]["inspections"] == 0 and fleet["ST01"]["pending_actions"] == 1  # open, all time
    assert fleet["ST01"]["last_received_at"] is not None
    db = open_database(central)
    reader = SqlReportReader(db)
    assert main(["report", "dashboard", "--url", central, "--station", "ST01", "--json"]) == 0
    by_station = json.loads(capsys.readouterr().out)["products"][0]
    assert by_station["total_inspection_count"] == 3 and by_station["defect_detected_count"] == 1
    assert reader.dashboard(DashboardQuery(station_id="ST01"))[0].total_inspection_count == 3
    # the local store answers the same filters from its base tables
    local = SqlReportReader(a.db).dashboard(DashboardQuery(station_id="ST01", since=first.date()))
    assert local[0].total_inspection_count == 3 and local[0].defect_detected_count == 1
    db.dispose()


def test_a_station_pushes_to_a_centre_before_and_after_it_is_partitioned(central: str, tmp_path: Path) -> None:
    from station.adapters.db import migrate

    engine = make_engine(central)
    migrate.downgrade(engine, "0007")  # a centre not yet upgraded: plain keys
    st = make_station(tmp_path, "ST04", central)
    st.service.run_once(pull=True)
    record(st, 3)
    assert st.service.run_once().error is None
    migrate.upgrade(engine)  # the centre is partitioned while the station keeps running
    engine.dispose()
    record(st, 2, start=3)
    first = st.service.run_once().error
    if first is not None:  # the writer had cached the old keys: it looks again on the next run
        assert st.service.run_once().error is None
    assert central_counts(central)["inspections"] == 5
    record(st, 1, start=5)
    assert st.service.run_once().error is None
    assert central_counts(central)["inspections"] == 6
    _check(central)
