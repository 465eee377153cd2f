"""The least-privilege station_sync role on a real PostgreSQL: a station pushes everything through it,
but cannot DROP, DELETE, TRUNCATE, create tables, rewrite history or read the audit log; a worker
session through it still sees only that worker's inspections (row-level security)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from station.adapters.db.engine import make_engine
from station.adapters.sync.tables import PUSHED_TABLES
from tests.support.sync import central_counts, make_station, prepare_central, record


@pytest.fixture
def central(pg_empty_url: str) -> tuple[str, str]:
    """(admin URL, URL of a new station login in station_sync) of a prepared central database."""
    prepare_central(pg_empty_url)
    login = f"st_{uuid.uuid4().hex[:8]}"
    engine = make_engine(pg_empty_url)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE ROLE {login} LOGIN PASSWORD 'station-secret' IN ROLE station_sync"))
    engine.dispose()
    station_url = make_url(pg_empty_url).set(username=login, password="station-secret")
    return pg_empty_url, station_url.render_as_string(hide_password=False)


def _attempt(url: str, sql: str, user_id: int | None = None) -> str:
    engine = make_engine(url)
    try:
        with engine.connect() as conn, conn.begin():
            if user_id is not None:
                conn.execute(text("SELECT set_config('station.user_id', :u, true)"), {"u": str(user_id)})
            result = conn.execute(text(sql))
            return f"ok {result.rowcount}"
    except DBAPIError as exc:
        return str(exc.orig).splitlines()[0]
    finally:
        engine.dispose()


def test_a_station_pushes_every_kind_of_record_through_the_role(central: tuple[str, str], tmp_path: Path) -> None:
    admin_url, station_url = central
    st = make_station(tmp_path, "ST07", station_url)
    assert st.service.run_once(pull=True).error is None
    record(st, 3)
    _, users, _ = st.ids()
    with st.db.session() as s:
        s.execute(text("INSERT INTO action_logs (inspection_id, action_taken, action_result, action_by) "
                       "VALUES (1, '연마 후 재검사', 'resolved', :u)"), {"u": users["park_boss"]})
        s.execute(text("INSERT INTO feedbacks (inspection_id, user_id, rating, feedback_type) "
                       "VALUES (1, :u, 4, 'guide_quality')"), {"u": users["kim_worker"]})
        s.execute(text("INSERT INTO deployments (deployment_type, status, config_params) "
                       "VALUES ('patchcore_bank', 'running', '{\"k\": 1}')"))
        s.execute(text("INSERT INTO audit_logs (table_name, operation, user_id, new_data) "
                       "VALUES ('settings', 'UPDATE', :u, '{\"threshold\": 0.7}')"), {"u": users["park_boss"]})
    report = st.service.run_once()
    assert report.error is None, report.error
    with st.db.session() as s:
        s.execute(text("UPDATE deployments SET status = 'completed', result_summary = '{\"n\": 5}'"))
    assert st.service.run_once().pushed_rows == {"deployments": 1}
    counts = central_counts(admin_url)
    assert (counts["inspections"], counts["action_logs"], counts["feedbacks"], counts["deployments"]) == (3, 1, 1, 1)
    engine = make_engine(admin_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT status FROM deployments")).scalar() == "completed"
        audit = conn.execute(text("SELECT u.username FROM audit_logs a JOIN users u ON u.user_id = a.user_id "
                                  "WHERE a.table_name = 'settings'")).scalar()
        assert audit == "park_boss"
    engine.dispose()


def test_the_role_cannot_drop_delete_truncate_create_or_rewrite(central: tuple[str, str], tmp_path: Path) -> None:
    admin_url, station_url = central
    st = make_station(tmp_path, "ST08", station_url)
    st.service.run_once(pull=True)
    record(st, 2)
    assert st.service.run_once().error is None
    refused = {
        "DROP TABLE inspections": "must be owner",
        "DROP TABLE audit_logs": "must be owner",
        "ALTER TABLE inspections ADD COLUMN x INTEGER": "must be owner",
        "CREATE TABLE t_evil (a INTEGER)": "permission denied for schema public",
        "DELETE FROM inspections": "permission denied",
        "DELETE FROM inspection_results": "permission denied",
        "DELETE FROM action_logs": "permission denied",
        "DELETE FROM audit_logs": "permission denied",
        "TRUNCATE images CASCADE": "permission denied",
        "UPDATE inspections SET inspection_code = 'X'": "permission denied",
        "UPDATE inspection_results SET created_at = NULL": "permission denied",
        "UPDATE users SET password_hash = 'x'": "permission denied",
        "INSERT INTO products (product_code, product_name) VALUES ('evil', 'E')": "permission denied",
        "SELECT table_name, new_data FROM audit_logs": "permission denied",
        "ALTER TABLE inspections DISABLE ROW LEVEL SECURITY": "must be owner",
        "CREATE ROLE evil LOGIN": "permission denied to create role",
    }
    for sql, expected in refused.items():
        assert expected in _attempt(station_url, sql), sql
    assert central_counts(admin_url)["inspections"] == 2


def test_a_worker_session_through_the_role_sees_only_its_own_inspections(central: tuple[str, str],
                                                                          tmp_path: Path) -> None:
    admin_url, station_url = central
    st = make_station(tmp_path, "ST09", station_url)
    st.service.run_once(pull=True)
    record(st, 2, worker="kim_worker")
    record(st, 3, start=2, worker="lee_worker")
    assert st.service.run_once().error is None
    engine = make_engine(admin_url)
    with engine.connect() as conn:
        ids = dict(conn.execute(text("SELECT username, user_id FROM users")).all())
    engine.dispose()
    assert _attempt(station_url, "SELECT * FROM inspections") == "ok 5"  # the sync itself (no user)
    assert _attempt(station_url, "SELECT * FROM inspections", ids["kim_worker"]) == "ok 2"
    assert _attempt(station_url, "SELECT * FROM inspections", ids["lee_worker"]) == "ok 3"
    assert _attempt(station_url, "SELECT * FROM inspections", ids["park_boss"]) == "ok 5"  # a manager
    # ... and cannot write in another worker's name.
    result = _attempt(station_url, "INSERT INTO inspections (inspection_code, inspector_id) "
                                   f"VALUES ('INS-FAKE', {ids['lee_worker']})", ids["kim_worker"])
    assert "row-level security" in result


def test_update_grants_are_exactly_the_mutable_columns_the_sync_writes(central: tuple[str, str]) -> None:
    admin_url, _ = central
    engine = make_engine(admin_url)
    with engine.connect() as conn:
        granted = conn.execute(text(
            "SELECT table_name, column_name FROM information_schema.column_privileges "
            "WHERE grantee = 'station_sync' AND privilege_type = 'UPDATE'")).all()
        deletes = conn.execute(text(
            "SELECT count(*) FROM information_schema.table_privileges WHERE grantee = 'station_sync' "
            "AND privilege_type IN ('DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER')")).scalar()
    engine.dispose()
    by_table: dict[str, set[str]] = {}
    for table, column in granted:
        by_table.setdefault(table, set()).add(column)
    expected = {t.name: set(t.mutable) for t in PUSHED_TABLES if t.mutable}
    expected["object_files"] = {"state", "byte_size", "stored_at"}
    assert by_table == expected and deletes == 0
