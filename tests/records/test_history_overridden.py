"""The history's "overridden only" filter on SQLite and PostgreSQL: exactly the parts whose verdict a person
corrected (the latest override's kind, the verdict it corrected, who and when on each row), combined with
the other filters, on the date-index and the registry-driven (defects only, open work) paths."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from station.adapters.db.database import open_database
from station.adapters.db.reports_repo import SqlReportReader
from station.domain.reports import HistoryFilter

# Two days before the run, at 06:00 (stored times are naive UTC): any day the tests run on.
START = (datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=2)).replace(hour=6, minute=0, second=0,
                                                                                   microsecond=0)
# (station verdict, overrides in order as (kind, corrected label)), one inspection each
PARTS = [
    ("FAIL", [("false_alarm", "normal")]),                         # a false alarm: PASS now
    ("PASS", [("missed_defect", "defect")]),                       # a missed defect: FAIL, awaiting action
    ("FAIL", []),
    ("PASS", []),
    ("UNCERTAIN", [("missed_defect", "defect"), ("false_alarm", "normal")]),  # corrected twice: PASS
    ("FAIL", [("other_defect_type", "defect")]),
]
OVERRIDDEN = {0, 1, 4, 5}


def _seed(db) -> None:  # type: ignore[no-untyped-def]
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO users (username, email, password_hash) VALUES ('kim', 'kim@example.com', 'h'), "
                          "('boss', 'boss@example.com', 'h')"))
        conn.execute(text("INSERT INTO products (product_code, product_name) VALUES ('p1', 'A')"))
        conn.execute(text("INSERT INTO defect_types (product_id, defect_code, defect_name_ko) "
                          "VALUES (1, 'hole', '기공')"))
        for k, (verdict, overrides) in enumerate(PARTS):
            when = START + timedelta(hours=k)
            iid = conn.execute(text(
                "INSERT INTO inspections (inspection_code, product_id, inspector_id, status, inspection_date) "
                "VALUES (:c, 1, 1, 'completed', :d) RETURNING inspection_id"),
                {"c": f"INS-{k:04d}", "d": when}).scalar()
            conn.execute(text("INSERT INTO inspection_results (inspection_id, defect_detected, defect_type_id, "
                              "verdict) VALUES (:i, :bad, :t, :v)"),
                         {"i": iid, "bad": verdict == "FAIL", "t": 1 if verdict == "FAIL" else None, "v": verdict})
            previous = verdict
            for n, (kind, label) in enumerate(overrides):
                conn.execute(text(
                    "INSERT INTO verdict_overrides (inspection_id, override_kind, original_verdict, corrected_label, "
                    "defect_type_id, overridden_by, overridden_at) VALUES (:i, :k, :o, :l, :t, 2, :at)"),
                    {"i": iid, "k": kind, "o": previous, "l": label, "t": 1 if label == "defect" else None,
                     "at": when + timedelta(minutes=10 + n)})
                previous = "PASS" if label == "normal" else "FAIL"


@pytest.fixture(params=["sqlite", "postgresql"])
def reader(request, tmp_path):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'local.sqlite3'}" if request.param == "sqlite" else \
        request.getfixturevalue("pg_empty_url")
    db = open_database(url, upgrade=True)
    _seed(db)
    yield SqlReportReader(db)
    db.dispose()


def _codes(rows) -> set[str]:  # type: ignore[no-untyped-def]
    return {r.inspection_code for r in rows}


def test_overridden_only_returns_exactly_the_corrected_parts(reader) -> None:  # type: ignore[no-untyped-def]
    everything = reader.history(HistoryFilter())
    assert len(everything) == len(PARTS)
    rows = reader.history(HistoryFilter(overridden_only=True))
    assert _codes(rows) == {f"INS-{k:04d}" for k in OVERRIDDEN}
    assert all(r.overridden and r.overridden_by == "boss" and r.overridden_at is not None for r in rows)
    by_code = {r.inspection_code: r for r in rows}
    false_alarm = by_code["INS-0000"]
    assert (false_alarm.verdict, false_alarm.station_verdict, false_alarm.override_kind,
            false_alarm.overridden_from) == ("PASS", "FAIL", "false_alarm", "FAIL")
    twice = by_code["INS-0004"]  # the latest override is the one shown
    assert (twice.verdict, twice.override_kind, twice.overridden_from) == ("PASS", "false_alarm", "FAIL")
    assert not any(r.overridden for r in everything if r.inspection_code not in by_code)


def test_overridden_only_combines_with_the_other_filters(reader) -> None:  # type: ignore[no-untyped-def]
    assert _codes(reader.history(HistoryFilter(overridden_only=True, defects_only=True))) == {"INS-0001", "INS-0005"}
    assert _codes(reader.history(HistoryFilter(overridden_only=True, action_status="미조치"))) == \
        {"INS-0001", "INS-0005"}
    assert _codes(reader.history(HistoryFilter(overridden_only=True, verdict="PASS"))) == {"INS-0000", "INS-0004"}
    assert _codes(reader.history(HistoryFilter(overridden_only=True, start=START + timedelta(hours=2)))) == \
        {"INS-0004", "INS-0005"}
    assert _codes(reader.history(HistoryFilter(overridden_only=True, text="0000"))) == {"INS-0000"}
    assert _codes(reader.history(HistoryFilter(overridden_only=True, inspector="boss"))) == set()
    assert len(reader.history(HistoryFilter(overridden_only=True, limit=1))) == 1
