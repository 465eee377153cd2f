"""The central inspections table partitioned by month (migration 0008): migration with data, keys,
partitions made ahead and out of the default partition, counts kept exact by triggers, RLS, retention."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from station.adapters.db import central_upkeep, migrate
from station.adapters.db.engine import make_engine
from station.adapters.storage.local import LocalFolderStore

from tests.support.central import assert_counts_exact


def months_back(k: int) -> date:
    """The first day of the month ``k`` months before this one: the data below is dated relative to the
    day the tests run, so the partitions, the retention cut and the months ahead keep their relations."""
    first = date.today().replace(day=1)
    year, month = divmod(first.year * 12 + first.month - 1 - k, 12)
    return date(year, month + 1, 1)


def partition(day: date) -> str:
    return f"inspections_{day:%Y_%m}"


def code(month: date, day: int, station: str, n: int) -> str:
    return f"INS-{month:%Y%m}{day:02d}-{station}-{n:04d}"


M1, M2, M3 = months_back(3), months_back(2), months_back(1)  # the three months with data, oldest first
C1, C2 = code(M1, 15, "ST01", 1), code(M1, 15, "ST01", 2)
C3, C4 = code(M2, 10, "ST02", 1), code(M2, 10, "ST02", 2)
C5 = code(M3, 3, "ST01", 1)

SEED = [
    "INSERT INTO users (username, email, password_hash) VALUES ('kim', 'kim@example.com', 'h'), "
    "('lee', 'lee@example.com', 'h'), ('boss', 'boss@example.com', 'h')",
    "INSERT INTO user_roles (user_id, role_id) SELECT 1, role_id FROM roles WHERE role_name = 'worker'",
    "INSERT INTO user_roles (user_id, role_id) SELECT 2, role_id FROM roles WHERE role_name = 'worker'",
    "INSERT INTO user_roles (user_id, role_id) SELECT 3, role_id FROM roles WHERE role_name = 'manager'",
    "INSERT INTO products (product_code, product_name) VALUES ('p1', 'A'), ('p2', 'B')",
    "INSERT INTO defect_types (product_id, defect_code, defect_name_ko) VALUES (1, 'hole', '기공')",
    "INSERT INTO images (product_id, image_type, file_name, file_path) VALUES (1, 'normal', 'n', 'k1')",
]


def _inspections(conn, rows) -> None:  # type: ignore[no-untyped-def]
    """rows: (code, product, inspector, status, date, verdict or None for no result, action or None)."""
    for code, pid, uid, status, when, verdict, action in rows:
        iid = conn.execute(text(
            "INSERT INTO inspections (inspection_code, product_id, inspector_id, status, inspection_date) "
            "VALUES (:c, :p, :u, :s, :d) RETURNING inspection_id"),
            {"c": code, "p": pid, "u": uid, "s": status, "d": when}).scalar()
        if verdict:
            conn.execute(text("INSERT INTO inspection_results (inspection_id, defect_detected, verdict) "
                              "VALUES (:i, :bad, :v)"), {"i": iid, "bad": verdict == "FAIL", "v": verdict})
        if action:
            conn.execute(text("INSERT INTO action_logs (inspection_id, action_taken, action_result) "
                              "VALUES (:i, 'x', :a)"), {"i": iid, "a": action})
            conn.execute(text("INSERT INTO feedbacks (inspection_id, rating, feedback_type) "
                              "VALUES (:i, 4, 'guide_quality')"), {"i": iid})


DATA = [
    (C1, 1, 1, "completed", f"{M1:%Y-%m}-15 07:00", "FAIL", None),
    (C2, 1, 1, "completed", f"{M1:%Y-%m}-15 15:00", "FAIL", "resolved"),
    (C3, 1, 2, "completed", f"{M2:%Y-%m}-10 23:00", "UNCERTAIN", None),
    (C4, 2, 2, "pending", f"{M2:%Y-%m}-10 23:30", None, None),
    (C5, 2, 1, "completed", f"{M3:%Y-%m}-03 09:00", "PASS", "pending"),
    ("legacy-code-7", 1, None, "completed", f"{M3:%Y-%m}-04 10:00", "FAIL", None),
]


@pytest.fixture
def central(pg_empty_url: str):  # type: ignore[no-untyped-def]
    """A central database at 0007 with data in three months, then upgraded to 0008."""
    engine = make_engine(pg_empty_url)
    migrate.upgrade(engine, "0007")
    with engine.begin() as conn:
        for sql in SEED:
            conn.execute(text(sql))
        _inspections(conn, DATA)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


def _partition_of(conn, code: str) -> str:  # type: ignore[no-untyped-def]
    return conn.execute(text("SELECT tableoid::regclass::text FROM inspections WHERE inspection_code = :c"),
                        {"c": code}).scalar()


def test_migration_keeps_the_data_in_monthly_partitions(central) -> None:  # type: ignore[no-untyped-def]
    with central.connect() as conn:
        assert conn.execute(text("SELECT relkind FROM pg_class WHERE relname = 'inspections'")).scalar() == "p"
        assert conn.execute(text("SELECT count(*) FROM inspections")).scalar() == len(DATA)
        assert conn.execute(text("SELECT count(*) FROM inspection_results")).scalar() == 5
        assert _partition_of(conn, C1) == partition(M1)
        assert _partition_of(conn, C3) == partition(M2)
        assert _partition_of(conn, "legacy-code-7") == partition(M3)
        stations = dict(conn.execute(text("SELECT inspection_code, station_id FROM inspection_registry")).all())
        assert stations[C3] == "ST02" and stations["legacy-code-7"] == ""
        assert_counts_exact(conn)
        # partition pruning: a one-month range reads one partition
        plan = "\n".join(r[0] for r in conn.execute(text(
            f"EXPLAIN SELECT * FROM inspections WHERE inspection_date >= '{M2}' AND inspection_date < '{M3}'")))
        assert partition(M2) in plan and partition(M1) not in plan
    names = {p.name for p in central_upkeep.partitions(central)}
    assert {partition(M1), partition(M2), partition(M3)} <= names


def test_downgrade_and_upgrade_keep_the_data(central) -> None:  # type: ignore[no-untyped-def]
    migrate.downgrade(central, "0007")
    with central.connect() as conn:
        assert conn.execute(text("SELECT relkind FROM pg_class WHERE relname = 'inspections'")).scalar() == "r"
        assert conn.execute(text("SELECT count(*) FROM inspections")).scalar() == len(DATA)
        assert conn.execute(text("SELECT count(*) FROM action_logs")).scalar() == 2
    migrate.upgrade(central)
    with central.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM inspections")).scalar() == len(DATA)
        assert_counts_exact(conn)


def test_codes_stay_unique_across_partitions_and_children_keep_integrity(central) -> None:  # type: ignore[no-untyped-def]
    with central.connect() as conn:
        with pytest.raises(DBAPIError, match="inspection_code"), conn.begin():
            conn.execute(text("INSERT INTO inspections (inspection_code, inspection_date) "
                              "VALUES (:c, :d)"), {"c": C1, "d": f"{months_back(0):%Y-%m}-24"})
        with pytest.raises(DBAPIError, match="foreign key"), conn.begin():
            conn.execute(text("INSERT INTO inspection_results (inspection_id, defect_detected) VALUES (999, TRUE)"))
        with pytest.raises(DBAPIError, match="TRUNCATE"), conn.begin():
            conn.execute(text("TRUNCATE inspection_results"))
        with conn.begin():  # deleting an inspection still removes its results, actions and feedback
            conn.execute(text("DELETE FROM inspections WHERE inspection_code = :c"), {"c": C2})
        assert conn.execute(text("SELECT count(*) FROM action_logs")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM feedbacks")).scalar() == 1
        assert_counts_exact(conn)


def test_counts_follow_inserts_updates_and_deletes_by_plain_sql(central) -> None:  # type: ignore[no-untyped-def]
    with central.begin() as conn:
        _inspections(conn, [
            (code(M3, 4, "ST03", 1), 1, 2, "completed", f"{M3:%Y-%m}-04 13:59", "FAIL", None),
            (code(M3, 4, "ST03", 2), 1, 2, "in_progress", f"{M3:%Y-%m}-04 14:00", "UNCERTAIN", "deferred"),
        ])
        assert_counts_exact(conn)
        conn.execute(text("UPDATE inspections SET status = 'completed', product_id = 2 "
                          "WHERE inspection_code LIKE '%ST03-0002'"))
        conn.execute(text("UPDATE inspection_results SET defect_detected = FALSE, verdict = 'PASS' "
                          "WHERE verdict = 'FAIL' AND inspection_id IN (SELECT inspection_id FROM inspections "
                          "WHERE inspection_code LIKE '%ST01%')"))
        conn.execute(text("UPDATE action_logs SET action_result = NULL WHERE action_result = 'pending'"))
        conn.execute(text("UPDATE feedbacks SET rating = 1"))
        assert_counts_exact(conn)
        # a move to another month (and partition), another inspector, then deletes of children and parents
        conn.execute(text("UPDATE inspections SET inspection_date = :d, inspector_id = 1 WHERE inspection_code = :c"),
                     {"d": f"{months_back(0)} 02:00", "c": C3})
        assert _partition_of(conn, C3) in ("inspections_default", partition(months_back(0)))
        conn.execute(text("DELETE FROM action_logs WHERE action_result = 'resolved'"))
        conn.execute(text("DELETE FROM inspection_results WHERE verdict = 'UNCERTAIN'"))
        assert_counts_exact(conn)
        conn.execute(text("DELETE FROM inspections WHERE product_id = 2"))
        assert_counts_exact(conn)


def test_rows_outside_the_partitions_wait_in_the_default_one_and_are_moved(central) -> None:  # type: ignore[no-untyped-def]
    with central.begin() as conn:
        old = months_back(300)  # long before any partition the schema creates
        old_code = code(old, 3, "ST04", 1)
        _inspections(conn, [(old_code, 1, 1, "completed", f"{old:%Y-%m}-03 10:00", "FAIL", "resolved")])
        assert _partition_of(conn, old_code) == "inspections_default"
        audits = conn.execute(text("SELECT count(*) FROM audit_logs")).scalar()
    created = central_upkeep.ensure_partitions(central)
    assert partition(old) in created
    with central.connect() as conn:
        assert _partition_of(conn, old_code) == partition(old)
        assert conn.execute(text("SELECT count(*) FROM inspections_default")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM audit_logs")).scalar() == audits  # a move is not a change
        assert conn.execute(text("SELECT count(*) FROM action_logs")).scalar() == 3
        assert_counts_exact(conn)


def test_rls_hides_another_workers_inspections_in_every_partition(central) -> None:  # type: ignore[no-untyped-def]
    with central.begin() as conn:
        conn.execute(text("CREATE ROLE app_rls NOLOGIN"))
        conn.execute(text("GRANT SELECT ON ALL TABLES IN SCHEMA public TO app_rls"))
    for user, expected in ((1, {C1, C2, C5}), (2, {C3, C4})):
        with central.connect() as conn, conn.begin():
            conn.execute(text("SET LOCAL ROLE app_rls"))
            conn.execute(text("SELECT set_config('station.user_id', :u, true)"), {"u": str(user)})
            seen = {r[0] for r in conn.execute(text("SELECT inspection_code FROM inspections"))}
            assert seen == expected
            total = conn.execute(text("SELECT sum(total_inspection_count) FROM dashboard_stats")).scalar()
            assert total == len(expected)  # the dashboard counts only what the worker may see
            recent = {r[0] for r in conn.execute(text("SELECT inspection_code FROM recent_inspections"))}
            assert recent <= expected
    with central.connect() as conn, conn.begin():
        conn.execute(text("SET LOCAL ROLE app_rls"))
        conn.execute(text("SELECT set_config('station.user_id', '3', true)"))  # a manager sees all
        assert conn.execute(text("SELECT count(*) FROM inspections")).scalar() == len(DATA)
        assert conn.execute(text("SELECT sum(total_inspection_count) FROM dashboard_stats")).scalar() == len(DATA)


def test_audit_still_records_changes_of_partitioned_inspections(central) -> None:  # type: ignore[no-untyped-def]
    with central.begin() as conn:
        conn.execute(text("UPDATE inspections SET status = 'cancelled' WHERE inspection_code = 'legacy-code-7'"))
        ops = [r[0] for r in conn.execute(text(
            "SELECT operation FROM audit_logs WHERE table_name LIKE 'inspections%' ORDER BY log_id"))]
    assert ops.count("INSERT") == len(DATA) and ops[-1] == "UPDATE"


def test_retention_archives_then_drops_only_old_partitions(central, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = LocalFolderStore(tmp_path)
    today = months_back(0).replace(day=5)
    report = central_upkeep.retention(central, 2, store, today=today)  # keeps the last two months onwards
    assert list(report.archived) == [partition(M1)]
    assert report.archived[partition(M1)] == {
        "inspections": 2, "inspection_results": 2, "action_logs": 1, "feedbacks": 1, "verdict_overrides": 0,
        "recurrence_alerts": 0}
    manifest = json.loads(store.get_bytes(report.manifests[partition(M1)]))
    assert manifest["tables"]["inspections"]["rows"] == 2
    assert C2 in gzip.decompress(store.get_bytes(manifest["tables"]["inspections"]["key"])).decode()
    with central.connect() as conn:
        codes = {r[0] for r in conn.execute(text("SELECT inspection_code FROM inspections"))}
        assert codes == {d[0] for d in DATA[2:]}
        assert conn.execute(text("SELECT count(*) FROM inspection_registry")).scalar() == 4
        assert conn.execute(text("SELECT count(*) FROM action_logs")).scalar() == 1  # the kept one
        assert conn.execute(text("SELECT to_regclass(:p)"), {"p": partition(M1)}).scalar() is None
        assert_counts_exact(conn)
    assert central_upkeep.retention(central, 2, store, today=today).archived == {}


def test_maintain_vacuums_and_keeps_partitions_ahead(central) -> None:  # type: ignore[no-untyped-def]
    report = central_upkeep.maintain(central, rebuild_stats=True)
    assert "inspections" in report.vacuumed
    with central.connect() as conn:
        assert_counts_exact(conn)
        assert conn.execute(text("SELECT to_regclass('inspections_' || to_char(CURRENT_DATE + interval '3 months', "
                                 "'YYYY_MM'))")).scalar() is not None


def test_history_and_recent_read_across_partitions(central) -> None:  # type: ignore[no-untyped-def]
    from station.adapters.db.database import open_database
    from station.adapters.db.reports_repo import SqlReportReader
    from station.domain.reports import HistoryFilter

    db = open_database(central.url.render_as_string(hide_password=False))
    reader = SqlReportReader(db)
    codes = [r.inspection_code for r in reader.history(HistoryFilter(limit=10))]
    assert codes == ["legacy-code-7", C5, C3, C2, C1]  # completed only, newest first
    defects = reader.history(HistoryFilter(defects_only=True, limit=2))
    assert [r.inspection_code for r in defects] == ["legacy-code-7", C2]
    open_ = reader.history(HistoryFilter(action_status="미조치", limit=10))
    assert [r.inspection_code for r in open_] == ["legacy-code-7", C1]
    review = reader.history(HistoryFilter(action_status="검토대기", limit=10))
    assert [(r.inspection_code, r.verdict) for r in review] == [(C3, "UNCERTAIN")]
    assert [r.inspection_code for r in reader.recent()] == codes
    db.dispose()
