"""Faithful records: each result keeps its verdict, thresholds and provenance; UNCERTAIN is its own state in
history, the supervisor's queue, the dashboard and the shift report (both dialects); legacy rows without a
verdict read as FAIL/PASS by their defect flag; stored times are naive UTC."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from station.adapters.db import migrate
from station.adapters.db.database import open_database
from station.adapters.db.engine import make_engine
from station.adapters.db.inspections_repo import SqlInspectionRecorder
from station.adapters.db.manuals_repo import SqlManualRepository
from station.adapters.db.reports_repo import SqlReportReader
from station.adapters.db.sync_actions_repo import SqlActionLog
from station.domain.inspection import PROVENANCE_KEYS, InspectionRecord
from station.domain.inspection import TestImage as StoredImage
from station.domain.reports import STATUS_OK, STATUS_OPEN, STATUS_REVIEW, HistoryFilter, local_time
from station.services.records import ActionService, ReportService

PROVENANCE = {"backbone": "wide_resnet50_2", "bank_sha256": "ab" * 32, "model_config_id": "cfg-uuid",
              "manual_id": None, "manual_version": None, "guide_model": None}
NOW = datetime.now(timezone.utc).replace(tzinfo=None).replace(microsecond=0)


@pytest.fixture(params=["postgresql", "sqlite"])
def db(request, sqlite_url):  # type: ignore[no-untyped-def]
    url = request.getfixturevalue("pg_empty_url") if request.param == "postgresql" else sqlite_url
    database = open_database(url, upgrade=True)
    with database.session() as s:
        s.execute(text("INSERT INTO users (username, email, password_hash) VALUES ('kim', 'k@example.com', 'x')"))
        s.execute(text("INSERT INTO products (product_code, product_name) VALUES ('p1', '주조품')"))
        s.execute(text("INSERT INTO defect_types (product_id, defect_code, defect_name_ko) VALUES (1, 'hole', '기공')"))
    yield database
    database.dispose()


def _record(db, verdict: str | None, score: float, *, defect: bool = False, when: datetime = NOW):  # type: ignore[no-untyped-def]
    rec = InspectionRecord(
        product_id=1, inspector_id=1, image=StoredImage(file_name="x.png", file_path=f"k/{verdict}{score}"),
        defect_detected=defect, anomaly_score=score, defect_type_id=1 if verdict != "PASS" else None,
        inspected_at=when, verdict=verdict, image_threshold=0.85, pixel_threshold=0.9, review_threshold=0.7,
        provenance=PROVENANCE if verdict else None)
    return SqlInspectionRecorder(db, "ST01").record(rec)


def test_verdict_thresholds_and_provenance_are_stored(db) -> None:  # type: ignore[no-untyped-def]
    # defect_detected follows the verdict: an UNCERTAIN part is not a defect, whatever the caller passed
    recorded = _record(db, "UNCERTAIN", 0.78, defect=True)
    assert recorded.verdict == "UNCERTAIN" and recorded.provenance == PROVENANCE
    with db.session() as s:
        row = s.execute(text("SELECT defect_detected, verdict, image_threshold, pixel_threshold, review_threshold, "
                             "provenance FROM inspection_results WHERE result_id = :r"),
                        {"r": recorded.result_id}).one()
    assert bool(row.defect_detected) is False and row.verdict == "UNCERTAIN"
    assert (row.image_threshold, row.pixel_threshold, row.review_threshold) == (0.85, 0.9, 0.7)
    provenance = row.provenance if isinstance(row.provenance, dict) else json.loads(row.provenance)
    assert set(provenance) == set(PROVENANCE_KEYS) and provenance["bank_sha256"] == "ab" * 32


def test_unknown_verdict_is_refused_by_the_schema(db) -> None:  # type: ignore[no-untyped-def]
    _record(db, "PASS", 0.1)
    with pytest.raises(Exception, match="(?i)check|constraint"):
        with db.session() as s:
            s.execute(text("UPDATE inspection_results SET verdict = 'MAYBE'"))


def test_guide_adds_manual_and_model_to_the_provenance(db) -> None:  # type: ignore[no-untyped-def]
    recorded = _record(db, "FAIL", 0.97, defect=True)
    with db.session() as s:
        mid = s.execute(text("INSERT INTO manuals (product_id, manual_title, file_name, file_path, version) "
                             "VALUES (1, '매뉴얼', 'm.md', 'manual/m.md', '2.1') RETURNING manual_id")).scalar()
        manual_uuid = s.execute(text("SELECT sync_uuid FROM manuals WHERE manual_id = :m"), {"m": mid}).scalar()
    SqlManualRepository(db).save_guide(recorded.result_id, "## 조치", 0.8, manual_id=mid, guide_model="qwen2.5-1.5b")
    with db.session() as s:
        raw = s.execute(text("SELECT provenance FROM inspection_results WHERE result_id = :r"),
                        {"r": recorded.result_id}).scalar()
    provenance = raw if isinstance(raw, dict) else json.loads(raw)
    assert provenance["manual_id"] == str(manual_uuid) and provenance["manual_version"] == "2.1"
    assert provenance["guide_model"] == "qwen2.5-1.5b" and provenance["backbone"] == "wide_resnet50_2"


def test_uncertain_is_its_own_state_in_reports(db) -> None:  # type: ignore[no-untyped-def]
    passed = _record(db, "PASS", 0.1, when=NOW - timedelta(minutes=3))
    failed = _record(db, "FAIL", 0.97, defect=True, when=NOW - timedelta(minutes=2))
    held = _record(db, "UNCERTAIN", 0.78, when=NOW - timedelta(minutes=1))
    legacy = _record(db, None, 0.95, defect=True, when=NOW)  # recorded before verdicts were stored
    reports = ReportService(SqlReportReader(db))

    history = {r.inspection_id: r for r in reports.history(HistoryFilter())}
    assert [history[x.inspection_id].verdict for x in (passed, failed, held, legacy)] == \
        ["PASS", "FAIL", "UNCERTAIN", "FAIL"]
    assert history[held.inspection_id].action_status == STATUS_REVIEW
    assert history[failed.inspection_id].action_status == STATUS_OPEN
    assert history[passed.inspection_id].action_status == STATUS_OK
    assert [r.inspection_id for r in reports.history(HistoryFilter(verdict="UNCERTAIN"))] == [held.inspection_id]

    queue = {r.inspection_id: r.action_status for r in reports.awaiting_action()}
    assert queue == {failed.inspection_id: STATUS_OPEN, held.inspection_id: STATUS_REVIEW,
                     legacy.inspection_id: STATUS_OPEN}
    actions = ActionService(SqlActionLog(db), SqlReportReader(db))
    assert held.inspection_id in {r.inspection_id for r in actions.pending_defects()}

    [stats] = reports.dashboard()
    assert (stats.total_inspection_count, stats.defect_detected_count, stats.uncertain_count,
            stats.pending_review_count) == (4, 2, 1, 1)

    start, end = local_time(NOW - timedelta(hours=1)), local_time(NOW + timedelta(hours=1))
    shift = reports.shift_report(1, "p1", "주조품", start, end)
    assert (shift.total, shift.defects, shift.uncertain, shift.awaiting_review) == (4, 2, 1, 1)
    lines = shift.to_csv().splitlines()[1:]
    assert sorted(line.split(",")[4] for line in lines) == ["FAIL", "FAIL", "PASS", "UNCERTAIN"]

    actions.log_action(held.inspection_id, "재검사 합격", "resolved", 1)
    assert held.inspection_id not in {r.inspection_id for r in reports.awaiting_action()}
    assert reports.dashboard()[0].pending_review_count == 0


@pytest.fixture
def seoul_time(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The process runs in UTC+9, so a local clock and a UTC default would be 9 hours apart."""
    monkeypatch.setenv("TZ", "Asia/Seoul")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_recorded_time_is_utc(seoul_time, db) -> None:  # type: ignore[no-untyped-def]
    before = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
    rec = InspectionRecord(product_id=1, image=StoredImage(file_name="x.png", file_path="k/now"),
                           defect_detected=False, anomaly_score=0.1, verdict="PASS")
    recorded = SqlInspectionRecorder(db, "ST01").record(rec)
    with db.session() as s:
        stored = s.execute(text("SELECT inspection_date FROM inspections WHERE inspection_id = :i"),
                           {"i": recorded.inspection_id}).scalar()
        default = s.execute(text("SELECT created_at FROM inspection_results WHERE result_id = :r"),
                            {"r": recorded.result_id}).scalar()
    stored = stored if isinstance(stored, datetime) else datetime.fromisoformat(stored)
    default = default if isinstance(default, datetime) else datetime.fromisoformat(default)
    # the recorder's clock and the database's CURRENT_TIMESTAMP default agree (both UTC), whatever the zone
    assert abs((stored - default).total_seconds()) < 60 and stored >= before - timedelta(seconds=1)
    assert local_time(stored) - stored == timedelta(hours=9)  # shown in the station's zone


def test_migration_0007_down_and_up_keeps_results(pg_empty_url: str, sqlite_url: str) -> None:
    for url in (pg_empty_url, sqlite_url):
        engine = make_engine(url)
        migrate.upgrade(engine, "0006")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO products (product_code, product_name) VALUES ('p1', 'P')"))
            conn.execute(text("INSERT INTO inspections (inspection_code, product_id, status) "
                              "VALUES ('I1', 1, 'completed')"))
            conn.execute(text("INSERT INTO inspection_results (inspection_id, defect_detected) VALUES (1, TRUE)"))
        assert migrate.upgrade(engine) == migrate.head_revision()
        with engine.connect() as conn:
            assert conn.execute(text("SELECT verdict, action_status FROM recent_inspections")).one() == ("FAIL", "미조치")
            assert conn.execute(text("SELECT uncertain_count FROM dashboard_stats")).scalar() == 0
        assert migrate.downgrade(engine, "0006") == "0006"
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM inspection_results")).scalar() == 1
            assert "verdict" not in {c for c in conn.execute(text("SELECT * FROM recent_inspections")).keys()}
        assert migrate.upgrade(engine) == migrate.head_revision()
        engine.dispose()


def test_the_queue_table_names_uncertain_parts_as_awaiting_review(qapp) -> None:  # type: ignore[no-untyped-def]
    from station.domain.reports import InspectionRow
    from station.ui.supervisor.queues import InspectionTable

    table = InspectionTable()
    row = InspectionRow(inspection_id=1, inspection_code="INS-1", inspection_date=NOW, product_id=1,
                        product_code="p1", product_name="P", defect_name_ko=None, defect_detected=False,
                        confidence_score=None, anomaly_score=0.78, inspector="kim", action_status=STATUS_REVIEW,
                        verdict="UNCERTAIN")
    values = table.row_values(row)
    assert values[-1] == "awaiting review" and values[-1] != table.status_names[STATUS_OPEN]
    assert values[1] == local_time(NOW).strftime("%Y-%m-%d %H:%M")
