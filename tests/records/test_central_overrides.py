"""Verdict overrides count at the centre: pushed after their inspections (or with them), they move the
partitioned centre's trigger-kept aggregates, its views and its history filters exactly as a brute-force count
over the raw rows says, through second overrides of the same part, actions, and overrides changed or removed
at the centre itself."""

from __future__ import annotations

from pathlib import Path

import json

import pytest
from sqlalchemy import text

from station.adapters.db.catalog_repo import SqlCatalogRepository
from station.cli.main import main
from station.adapters.db.database import open_database
from station.adapters.db.engine import make_engine
from station.adapters.db.overrides_repo import SqlOverrideRepository
from station.adapters.db.reports_repo import SqlReportReader
from station.adapters.db.sync_actions_repo import SqlActionLog
from station.domain.enums import Role
from station.domain.reports import HistoryFilter
from station.domain.users import UserInfo
from station.services.records import ActionService, OverrideService
from tests.support.central import assert_counts_exact
from tests.support.sync import Station, make_station, prepare_central, record, recording_day


@pytest.fixture
def central(pg_empty_url: str) -> str:
    return prepare_central(pg_empty_url)


def _check(url: str) -> dict[str, int]:
    """Asserts the aggregates equal the brute-force counts; returns the centre's dashboard of p1."""
    engine = make_engine(url)
    with engine.connect() as conn:
        assert_counts_exact(conn)
        row = conn.execute(text("SELECT d.* FROM dashboard_stats d JOIN products p ON p.product_id = d.product_id "
                                "WHERE p.product_code = 'p1'")).mappings().one()
    engine.dispose()
    return {k: int(row[k]) for k in ("total_inspection_count", "defect_detected_count", "pending_action_count",
                                     "resolved_count")}


def _boss(st: Station) -> UserInfo:
    _, users, _ = st.ids()
    return UserInfo(users["park_boss"], "park_boss", "park_boss@example.com", roles=(Role.MANAGER,))


def _push(*stations: Station) -> None:
    for st in stations:
        assert st.service.run_once().error is None


def test_overrides_move_the_centres_aggregates_exactly(central: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    a = make_station(tmp_path / "a", "ST01", central)
    b = make_station(tmp_path / "b", "ST02", central)
    for st in (a, b):
        st.service.run_once(pull=True)
    codes = record(a, 6)  # defects (crack) at 0 and 3
    record(b, 3, worker="lee_worker")  # a defect at 0
    _push(a, b)
    assert _check(central) == {"total_inspection_count": 9, "defect_detected_count": 3, "pending_action_count": 3,
                               "resolved_count": 0}
    overrides = OverrideService(SqlOverrideRepository(a.db), SqlCatalogRepository(a.db))
    boss = _boss(a)

    # a false alarm, pushed after its inspection: out of the defects and the open work (the report command too)
    overrides.override(codes[0], "false_alarm", boss, notes="casting mark")
    _push(a)
    assert _check(central)["defect_detected_count"] == 2
    assert main(["report", "dashboard", "--url", central, "--since", recording_day().date().isoformat(),
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["products"][0]["defect_detected_count"], out["products"][0]["pending_action_count"]) == (2, 2)
    fleet = {f["station_id"]: f for f in out["fleet"]}
    assert (fleet["ST01"]["defects"], fleet["ST01"]["pending_actions"]) == (1, 1)
    # an UNCERTAIN part (a later result) held for review, then judged a defect by a person
    with a.db.session() as s:
        s.execute(text("UPDATE inspection_results SET verdict = 'UNCERTAIN', defect_detected = FALSE "
                       "WHERE inspection_id = 5"))
    _push(a)
    assert _check(central)["defect_detected_count"] == 2
    engine = make_engine(central)
    with engine.connect() as conn:
        review = conn.execute(text("SELECT sum(uncertain_count), sum(pending_review_count) FROM dashboard_stats")).one()
    engine.dispose()
    assert tuple(review) == (1, 1)
    overrides.override(codes[4], "missed_defect", boss, defect_code="crack")
    _push(a)
    assert _check(central)["defect_detected_count"] == 3
    engine = make_engine(central)
    with engine.connect() as conn:
        review = conn.execute(text("SELECT sum(uncertain_count), sum(pending_review_count) FROM dashboard_stats")).one()
    engine.dispose()
    assert tuple(review) == (0, 0)
    # a missed defect: in; another defect type: the count moves to that type
    overrides.override(codes[1], "missed_defect", boss, defect_code="hole")
    overrides.override(codes[3], "other_defect_type", boss, defect_code="hole")
    _push(a)
    assert _check(central) == {"total_inspection_count": 9, "defect_detected_count": 4, "pending_action_count": 4,
                               "resolved_count": 0}
    centre = open_database(central)
    reader = SqlReportReader(centre)
    pid = centre.engine.connect().execute(text("SELECT product_id FROM products WHERE product_code = 'p1'")).scalar()
    assert reader.defect_type_counts(pid) == {"기공": 2, "균열": 2}
    # a second override of the same part: the latest decides (the false alarm was a defect after all)
    overrides.override(codes[0], "missed_defect", boss, defect_code="crack")
    _push(a)
    assert _check(central)["defect_detected_count"] == 5
    # an action resolves the missed defect; an inspection and its override reach the centre in one batch
    ActionService(SqlActionLog(a.db), SqlReportReader(a.db)).log_action(2, "연마", "resolved", by_user=boss.user_id)
    late = record(a, 1, start=6)  # i = 6: a defect
    overrides.override(late[0], "false_alarm", boss)
    _push(a)
    counts = _check(central)
    assert counts == {"total_inspection_count": 10, "defect_detected_count": 5, "pending_action_count": 4,
                      "resolved_count": 1}

    # the centre's history and queue read the effective verdicts, with the record of the correction
    defects = {r.inspection_code for r in reader.history(HistoryFilter(defects_only=True))}
    assert codes[1] in defects and codes[0] in defects and late[0] not in defects
    open_now = {r.inspection_code for r in reader.history(HistoryFilter(action_status="미조치"))}
    assert codes[1] not in open_now and codes[0] in open_now and late[0] not in open_now
    rows = {r.inspection_code: r for r in reader.history(HistoryFilter())}
    assert (rows[late[0]].verdict, rows[late[0]].station_verdict, rows[late[0]].override_kind,
            rows[late[0]].overridden_by) == ("PASS", "FAIL", "false_alarm", "park_boss")
    assert rows[codes[3]].defect_name_ko == "기공" and rows[codes[3]].station_verdict == "FAIL"
    recent = {r.inspection_code: r for r in reader.recent()}
    assert recent[late[0]].action_status == "정상" and recent[late[0]].overridden_at is not None
    assert recent[codes[1]].verdict == "FAIL" and recent[codes[1]].station_verdict == "PASS"
    # the station's own store counts alike
    local = SqlReportReader(a.db).dashboard()[0]
    assert (local.defect_detected_count, local.pending_action_count) == (4, 3)  # its 7 of the 10

    # overrides changed and removed at the centre itself keep the aggregates exact
    with centre.engine.begin() as conn:
        conn.execute(text("UPDATE verdict_overrides SET corrected_label = 'normal', defect_type_id = NULL "
                          "WHERE override_kind = 'other_defect_type'"))
    assert _check(central)["defect_detected_count"] == 4
    with centre.engine.begin() as conn:
        conn.execute(text("DELETE FROM verdict_overrides WHERE inspection_id = (SELECT inspection_id FROM "
                          "inspection_registry WHERE inspection_code = :c)"), {"c": codes[0]})
    assert _check(central)["defect_detected_count"] == 4  # its station verdict (FAIL) counts again
    with centre.engine.begin() as conn:  # rebuilt from scratch: the same numbers
        before = conn.execute(text("SELECT * FROM inspection_stats_daily ORDER BY 1, 2, 3, 4, 5")).all()
        conn.execute(text("SELECT inspection_stats_rebuild()"))
        assert conn.execute(text("SELECT * FROM inspection_stats_daily ORDER BY 1, 2, 3, 4, 5")).all() == before
    centre.dispose()


def test_a_centre_upgraded_with_overrides_already_pushed_counts_them(central: str, tmp_path: Path) -> None:
    from station.adapters.db import migrate

    engine = make_engine(central)
    migrate.downgrade(engine, "0012")  # a centre before the overrides counted
    a = make_station(tmp_path / "a", "ST01", central)
    a.service.run_once(pull=True)
    codes = record(a, 3)
    overrides = OverrideService(SqlOverrideRepository(a.db), SqlCatalogRepository(a.db))
    overrides.override(codes[0], "false_alarm", _boss(a))
    _push(a)
    migrate.upgrade(engine)
    engine.dispose()
    assert _check(central)["defect_detected_count"] == 0
