"""History filters at the centre (migration 0012): the registry-driven queries for open work, defects only and
UNCERTAIN return exactly what the base tables say, after writes by plain SQL too, under row-level security."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from station.adapters.db import migrate
from station.adapters.db.database import open_database
from station.adapters.db.reports_repo import SqlReportReader
from station.domain.reports import HistoryFilter

STATUSES = ("미조치", "검토대기", "조치중", "조치완료", "정상")
# (results in order, actions in order (None = an action without a result)), cycled over the inspections
PATTERNS = [
    (["FAIL"], []),                                   # 미조치
    (["FAIL"], ["resolved"]),                         # 조치완료
    (["FAIL"], ["pending"]),                          # 조치중
    (["FAIL"], ["resolved", "pending"]),              # 조치중, an earlier action resolved
    (["FAIL"], ["resolved", None]),                   # 미조치 again: the latest action has no result
    (["UNCERTAIN"], []),                              # 검토대기
    (["UNCERTAIN"], ["resolved"]),                    # 조치완료
    (["UNCERTAIN", "PASS"], []),                      # 정상: flagged once, the latest result passes
    (["PASS", "FAIL"], []),                           # 미조치 on a re-inspection
    (["PASS"], []),                                   # 정상
    (["LEGACY_DEFECT"], []),                          # NULL verdict, defect_detected: read as FAIL, 미조치
    ([], []),                                         # no result yet
]
START = (datetime.now() - timedelta(days=150)).replace(hour=6, minute=0, second=0, microsecond=0)  # months of past days


def _seed(conn) -> None:  # type: ignore[no-untyped-def]
    conn.execute(text("INSERT INTO users (username, email, password_hash) VALUES ('kim', 'kim@example.com', 'h'), "
                      "('lee', 'lee@example.com', 'h'), ('boss', 'boss@example.com', 'h')"))
    for uid, role in ((1, "worker"), (2, "worker"), (3, "manager")):
        conn.execute(text("INSERT INTO user_roles (user_id, role_id) SELECT :u, role_id FROM roles "
                          "WHERE role_name = :r"), {"u": uid, "r": role})
    conn.execute(text("INSERT INTO products (product_code, product_name) VALUES ('p1', 'A'), ('p2', 'B')"))
    conn.execute(text("INSERT INTO defect_types (product_id, defect_code, defect_name_ko) VALUES "
                      "(1, 'hole', '기공'), (2, 'crack', '균열')"))
    for k in range(96):  # 8 cycles of the patterns over three months, two products, two inspectors
        results, actions = PATTERNS[k % len(PATTERNS)]
        when = START + timedelta(hours=23 * k)
        iid = conn.execute(text(
            "INSERT INTO inspections (inspection_code, product_id, inspector_id, status, inspection_date) "
            "VALUES (:c, :p, :u, :s, :d) RETURNING inspection_id"),
            {"c": f"INS-{when:%Y%m%d}-ST0{k % 3}-{k:04d}", "p": 1 + k % 2, "u": 1 + (k // 2) % 2,
             "s": "pending" if k % 17 == 5 else "completed", "d": when}).scalar()
        for verdict in results:
            legacy = verdict == "LEGACY_DEFECT"
            conn.execute(text("INSERT INTO inspection_results (inspection_id, defect_detected, defect_type_id, "
                              "verdict) VALUES (:i, :bad, :t, :v)"),
                         {"i": iid, "bad": legacy or verdict == "FAIL", "v": None if legacy else verdict,
                          "t": 1 + k % 2 if legacy or verdict == "FAIL" else None})
        for n, result in enumerate(actions):
            conn.execute(text("INSERT INTO action_logs (inspection_id, action_taken, action_result, action_date) "
                              "VALUES (:i, 'x', :a, :d)"), {"i": iid, "a": result, "d": when + timedelta(minutes=n)})


@pytest.fixture
def central(pg_empty_url: str):  # type: ignore[no-untyped-def]
    db = open_database(pg_empty_url, upgrade=True)
    with db.engine.begin() as conn:
        _seed(conn)
    yield db
    db.dispose()


def _filters() -> list[HistoryFilter]:
    end = START + timedelta(days=90)
    month = (START + timedelta(days=30), START + timedelta(days=60))
    out = [HistoryFilter(defects_only=True), HistoryFilter(verdict="UNCERTAIN"), HistoryFilter(verdict="FAIL"),
           HistoryFilter(product_id=2, defects_only=True, start=month[0], end=month[1]),
           HistoryFilter(defects_only=True, inspector="lee"), HistoryFilter(defects_only=True, text="기공"), HistoryFilter(text="균열"), HistoryFilter(text="ST02"),
           HistoryFilter(action_status="미조치", limit=3), HistoryFilter(verdict="UNCERTAIN", product_id=1, limit=2)]
    for status in STATUSES:
        out += [HistoryFilter(action_status=status), HistoryFilter(action_status=status, product_id=1),
                HistoryFilter(action_status=status, start=month[0], end=month[1]),
                HistoryFilter(action_status=status, product_id=2, start=month[0], end=end, text="ST01")]
    return out


def _expected(everything, flt: HistoryFilter):  # type: ignore[no-untyped-def]
    """The filter applied by hand to the unfiltered history (the date-index path over the base tables)."""
    rows = [r for r in everything
            if (flt.product_id is None or r.product_id == flt.product_id)
            and (flt.start is None or r.inspection_date >= flt.start)
            and (flt.end is None or r.inspection_date < flt.end)
            and (not flt.defects_only or r.defect_detected)
            and (flt.verdict is None or (r.verdict or "PASS") == flt.verdict)
            and (flt.action_status is None or r.action_status == flt.action_status)
            and (flt.inspector is None or r.inspector == flt.inspector)
            and (flt.text is None or flt.text in r.inspection_code or flt.text in (r.defect_name_ko or ""))]
    return rows[:flt.limit]


def _assert_filters_exact(db) -> None:  # type: ignore[no-untyped-def]
    reader = SqlReportReader(db)
    everything = reader.history(HistoryFilter(limit=100_000))
    assert {r.action_status for r in everything} == set(STATUSES)
    for flt in _filters():
        assert reader.history(flt) == _expected(everything, flt), flt


def test_registry_driven_filters_equal_the_base_tables(central) -> None:  # type: ignore[no-untyped-def]
    _assert_filters_exact(central)
    reader = SqlReportReader(central)
    open_rows = reader.history(HistoryFilter(action_status="미조치"))
    # the FAIL whose latest action has no result, though an earlier one resolved it, is open again
    assert any(r.inspection_code.endswith("-0004") for r in open_rows)
    assert not any(r.inspection_code.endswith("-0007") for r in reader.history(HistoryFilter(verdict="UNCERTAIN")))


def test_filters_stay_exact_after_plain_sql_writes(central) -> None:  # type: ignore[no-untyped-def]
    with central.engine.begin() as conn:
        conn.execute(text("INSERT INTO action_logs (inspection_id, action_taken, action_result) "
                          "SELECT inspection_id, 'fix', 'resolved' FROM inspections WHERE inspection_id % 12 = 1"))
        conn.execute(text("UPDATE inspection_results SET verdict = 'FAIL', defect_detected = TRUE "
                          "WHERE verdict = 'PASS' AND inspection_id % 4 = 0"))
        conn.execute(text("DELETE FROM inspection_results WHERE verdict = 'UNCERTAIN' AND inspection_id % 24 = 6"))
        conn.execute(text("UPDATE action_logs SET action_result = NULL WHERE action_result = 'pending' AND inspection_id % 24 = 3"))
        conn.execute(text("DELETE FROM inspections WHERE inspection_id % 10 = 3"))
        conn.execute(text("DELETE FROM action_logs WHERE action_result = 'resolved' AND inspection_id % 24 = 2"))
        conn.execute(text("UPDATE action_logs SET inspection_id = inspection_id + 1 WHERE inspection_id % 24 = 11"))
    _assert_filters_exact(central)
    with central.engine.connect() as conn:  # the count of actions kept by the triggers
        assert conn.execute(text("SELECT count(*) FROM inspection_registry r WHERE actions <> "
                                 "(SELECT count(*) FROM action_logs a WHERE a.inspection_id = r.inspection_id)")).scalar() == 0


def test_the_registry_follows_row_level_security(central) -> None:  # type: ignore[no-untyped-def]
    role = f"app_{uuid.uuid4().hex[:6]}"
    with central.engine.begin() as conn:
        conn.execute(text(f"CREATE ROLE {role} NOLOGIN"))
        conn.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}"))
    total = len(SqlReportReader(central).history(HistoryFilter(defects_only=True)))

    def seen(user_id: int | None) -> tuple[set[int], set[int]]:
        """(inspectors in the registry-driven history, inspectors in the registry itself) for one session."""
        with central.engine.connect() as conn, conn.begin():
            conn.execute(text(f"SET LOCAL ROLE {role}"))
            if user_id is not None:
                conn.execute(text("SELECT set_config('station.user_id', :u, true)"), {"u": str(user_id)})
            history = {r[0] for r in conn.execute(text(
                "SELECT ins.inspector_id FROM inspection_registry r JOIN inspections ins "
                "ON ins.inspection_id = r.inspection_id AND ins.inspection_date = r.inspection_date "
                "WHERE r.defect_results > 0"))}
            registry = {r[0] for r in conn.execute(text("SELECT inspector_id FROM inspection_registry"))}
            return history, registry

    assert seen(1) == ({1}, {1})  # a worker: his or her own inspections only
    assert seen(3) == ({1, 2}, {1, 2})  # a manager: all
    assert seen(None) == (set(), set())  # no application user: nothing
    assert total > 0


def test_migration_0012_adds_and_removes_the_indexes(central) -> None:  # type: ignore[no-untyped-def]
    names = {f"idx_inspection_registry_{n}" for n in ("flagged", "flagged_product", "open", "open_product")}

    def state() -> tuple[set[str], bool]:
        with central.engine.connect() as conn:
            found = {r[0] for r in conn.execute(text(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'inspection_registry'"))}
            rls = conn.execute(text("SELECT relrowsecurity FROM pg_class WHERE relname = 'inspection_registry'"))
            return found, rls.scalar()

    found, rls = state()
    assert names <= found and rls
    migrate.downgrade(central.engine, "0011")
    found, rls = state()
    assert not names & found and not rls
    with central.engine.begin() as conn:  # written while the count of actions is not kept: counted on upgrade
        conn.execute(text("INSERT INTO action_logs (inspection_id, action_taken, action_result) "
                          "SELECT inspection_id, 'fix', 'resolved' FROM inspections WHERE inspection_id % 24 = 3"))
        conn.execute(text("DELETE FROM action_logs WHERE inspection_id % 24 = 4"))
    migrate.upgrade(central.engine)
    assert state() == (found | names, True)
    _assert_filters_exact(central)
