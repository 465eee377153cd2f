"""The control charts from recorded inspections: on the station's SQLite store and at the central PostgreSQL
(one station and the fleet), the EWMA chart of a product whose scores shift, the p-chart of a product with
one bad shift (effective verdicts: a false alarm is not counted), the health alerts of the period, the shift
report's figures and CSV columns; the centre's queries use its indexes and aggregates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import text

from station.adapters.db.catalog_repo import SqlCatalogRepository
from station.adapters.db.database import Database, open_database
from station.adapters.db.health_alerts_repo import SqlHealthAlertRepository
from station.adapters.db.inspections_repo import SqlInspectionRecorder
from station.adapters.db.overrides_repo import SqlOverrideRepository
from station.adapters.db.reports_repo import SqlReportReader
from station.adapters.db.spc_repo import SqlSpcReader
from station.domain.enums import Role
from station.domain.health import HealthAlert, HealthAlertKind, HealthSignal
from station.domain.inspection import InspectionRecord
from station.domain.inspection import TestImage as StoredImage
from station.domain.reports import utc_from_local
from station.domain.spc import alert_part_index, alert_shift_index
from station.domain.users import UserInfo
from station.services.records import ControlCharts, OverrideService, ReportService

_TODAY = date.today()  # frozen when the tests start
DAY = _TODAY - timedelta(days=_TODAY.weekday() + 28)  # a Monday four weeks back; every time below is plant time
T0 = datetime.combine(DAY, time(6, 0))
NOW = T0 + timedelta(days=2, hours=8, minutes=30)  # the charts are read at this moment
SECOND, THIRD = DAY + timedelta(days=1), DAY + timedelta(days=2)


def label(day: date, shift: int) -> str:
    """A shift as the charts name it: ``MM-DD S<n>``."""
    return f"{day:%m-%d} S{shift}"
BANK = {"bank_sha256": "cd" * 32}


@dataclass
class Store:
    db: Database
    centre: bool

    def stored(self, at: datetime) -> datetime:
        """A plant time as stored (naive UTC): the station's local zone; the centre's zone is UTC."""
        return at if self.centre else utc_from_local(at)


def _ids(db: Database) -> dict[str, int]:
    with db.session() as s:
        return {code: pid for code, pid in s.execute(text("SELECT product_code, product_id FROM products"))}


def _record(store: Store, product: str, at: datetime, verdict: str, score: float, station: str = "ST01"):  # type: ignore[no-untyped-def]
    rec = InspectionRecord(
        product_id=_ids(store.db)[product], inspector_id=1,
        image=StoredImage(file_name="x.png", file_path=f"k/{product}/{at:%d%H%M}/{station}/{score}"),
        defect_detected=verdict == "FAIL", anomaly_score=score, inspected_at=store.stored(at), verdict=verdict,
        image_threshold=0.85, pixel_threshold=0.9, review_threshold=0.7, provenance=BANK)
    return SqlInspectionRecorder(store.db, station).record(rec)


def populate(store: Store) -> dict[str, object]:
    """``p1``: 60 parts every 20 minutes from T0, scores 0.29/0.31 (mean 0.30), 0.36 from part 41 on, a
    camera-moved alert just before part 45 (at the centre 30 more parts of station ST02, which ST01's chart
    leaves out). ``p2``: five shifts of 20 parts with one FAIL or UNCERTAIN each (one more FAIL that a person
    overrode as a false alarm), then the bad shift, S1 of the third day: 6 FAIL and 2 UNCERTAIN of 20; a darker-image
    alert in it."""
    db = store.db
    with db.session() as s:
        s.execute(text("INSERT INTO users (username, email, password_hash) VALUES ('kim', 'k@example.com', 'x')"))
        s.execute(text("INSERT INTO products (product_code, product_name) VALUES ('p1', 'Part one'), "
                       "('p2', 'Part two')"))
    for i in range(1, 61):
        score = (0.31 if i % 2 else 0.29) if i < 41 else 0.36
        _record(store, "p1", T0 + timedelta(minutes=20 * (i - 1)), "PASS", score)
    for i in range(30 if store.centre else 0):  # a station's own store holds its own parts only
        _record(store, "p1", T0 + timedelta(minutes=20 * i + 7), "PASS", 0.9 - i / 1000, station="ST02")
    alerts = SqlHealthAlertRepository(db, "ST01")
    moved_at = T0 + timedelta(minutes=20 * 44 - 5)
    alerts.record(HealthAlert(HealthAlertKind.CAMERA_MOVED, "p1", None, HealthSignal.OFFSET_X, "moved", 14.0, 0.0,
                              44, raised_at=store.stored(moved_at)))
    shifts = [(DAY, 6), (DAY, 14), (DAY, 22), (DAY + timedelta(days=1), 6), (DAY + timedelta(days=1), 14)]
    overridden = None
    for k, (day, hour) in enumerate(shifts):
        start = datetime.combine(day, datetime.min.time()).replace(hour=hour)
        for j in range(20):
            verdict = ("UNCERTAIN" if k == 2 else "FAIL") if j == 0 else "PASS"
            score = {"PASS": 0.31 if j % 2 else 0.29, "FAIL": 0.95, "UNCERTAIN": 0.75}[verdict]
            _record(store, "p2", start + timedelta(minutes=5 * j), verdict, score)
        if k == 1:  # one more FAIL in this shift, overridden as a false alarm: not counted
            overridden = _record(store, "p2", start + timedelta(minutes=110), "FAIL", 0.9)
    bad = datetime.combine(DAY + timedelta(days=2), datetime.min.time()).replace(hour=6)
    for j in range(20):
        verdict = "FAIL" if j < 6 else "UNCERTAIN" if j < 8 else "PASS"
        score = {"PASS": 0.31 if j % 2 else 0.29, "FAIL": 0.95, "UNCERTAIN": 0.75}[verdict]
        _record(store, "p2", bad + timedelta(minutes=20 * j), verdict, score)
    alerts.record(HealthAlert(HealthAlertKind.IMAGE_DARKER, "p2", None, HealthSignal.BRIGHTNESS, "darker", 90.0,
                              128.0, 105, raised_at=store.stored(bad + timedelta(hours=2))))
    boss = UserInfo(1, "kim", "k@example.com", roles=(Role.MANAGER,))
    assert overridden is not None
    OverrideService(SqlOverrideRepository(db), SqlCatalogRepository(db)).override(
        overridden.inspection_code, "false_alarm", boss)
    return {"moved_at": moved_at, "bad": bad}


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, sqlite_url):  # type: ignore[no-untyped-def]
    centre = request.param == "postgresql"
    url = request.getfixturevalue("pg_empty_url") if centre else sqlite_url
    db = open_database(url, upgrade=True)
    yield Store(db, centre)
    db.dispose()


@pytest.fixture
def station_store(sqlite_url):  # type: ignore[no-untyped-def]
    db = open_database(sqlite_url, upgrade=True)
    yield Store(db, False)
    db.dispose()


@pytest.fixture
def centre_store(pg_empty_url):  # type: ignore[no-untyped-def]
    db = open_database(pg_empty_url, upgrade=True)
    yield Store(db, True)
    db.dispose()


def _charts(store: Store) -> ControlCharts:
    reader = SqlSpcReader(store.db)
    if store.centre:
        return ControlCharts(reader, reader, centre=reader, centre_health=reader)
    return ControlCharts(reader, reader)


def test_score_chart_crosses_its_limit_where_the_scores_shifted_and_marks_the_alert(store: Store) -> None:
    facts = populate(store)
    charts = _charts(store)
    spc = charts.centre("p1", NOW, "ST01") if store.centre else charts.station("p1", NOW)
    scores = spc.scores
    assert len(scores.points) == 60 and scores.baseline_parts == 30 and scores.has_limits
    assert scores.centre == pytest.approx(0.30) and scores.sigma == pytest.approx(0.02 / 1.128)
    assert scores.first_out is not None and scores.first_out.index == 42
    assert scores.first_out.at == T0 + timedelta(minutes=20 * 41)
    assert [(m.kind, m.at) for m in spc.alerts] == [("camera_moved", facts["moved_at"])] and spc.alerts_available
    assert alert_part_index(scores, spc.alerts[0]) == 44.5
    assert spc.shifts.p_bar == 0.0 and spc.shifts.out_of_control == []


def test_p_chart_flags_the_one_bad_shift_by_effective_verdicts(store: Store) -> None:
    facts = populate(store)
    charts = _charts(store)
    spc = charts.centre("p2", NOW, "ST01") if store.centre else charts.station("p2", NOW)
    shifts = spc.shifts
    assert [(p.count.label, p.count.n, p.count.flagged) for p in shifts.points] == [
        (label(DAY, 1), 20, 1), (label(DAY, 2), 21, 1), (label(DAY, 3), 20, 1), (label(SECOND, 1), 20, 1),
        (label(SECOND, 2), 20, 1), (label(THIRD, 1), 20, 8)]  # the overridden FAIL of the first S2 counts as PASS
    assert shifts.p_bar == pytest.approx(13 / 121)
    assert [p.count.label for p in shifts.out_of_control] == [label(THIRD, 1)]
    [darker] = spc.alerts
    assert darker.kind == "image_darker" and alert_shift_index(shifts, darker) == 5
    assert facts["bad"] == datetime.combine(THIRD, time(6, 0))


def test_the_fleet_chart_counts_every_station(centre_store: Store) -> None:
    store = centre_store
    populate(store)
    charts = _charts(store)
    one, every = charts.centre("p1", NOW, "ST01"), charts.centre("p1", NOW)
    assert sum(p.count.n for p in one.shifts.points) == 60
    assert sum(p.count.n for p in every.shifts.points) == 90
    assert len(every.scores.points) == 90
    assert charts.centre("p1", NOW, "ST02").scores.points[0].value == pytest.approx(0.9)
    fleet = charts.fleet_shifts("p2", NOW)
    assert list(fleet) == ["ST01"] and [p.count.label for p in fleet["ST01"].out_of_control] == [label(THIRD, 1)]
    assert {station: chart.total for station, chart in charts.fleet_shifts("p1", NOW).items()} == \
        {"ST01": 60, "ST02": 30}
    assert ControlCharts(SqlSpcReader(store.db)).fleet_shifts("p1", NOW) == {}  # no centre configured


def test_shift_report_has_the_shifts_figures(station_store: Store) -> None:
    store = station_store
    facts = populate(store)
    reader = SqlSpcReader(store.db)
    reports = ReportService(SqlReportReader(store.db), charts=ControlCharts(reader, reader))
    bad = facts["bad"]
    assert isinstance(bad, datetime)
    report = reports.shift_report(_ids(store.db)["p2"], "p2", "Part two", bad, bad + timedelta(hours=8))
    spc = report.spc
    assert spc is not None
    assert (spc.n, spc.flagged, spc.reference_shifts) == (20, 8, 5)
    assert spc.p_bar == pytest.approx(5 / 101) and spc.p == pytest.approx(0.4) and spc.p_out_of_control
    assert spc.limits is not None and spc.limits[1] == pytest.approx(5 / 101 + 3 * (5 / 101 * 96 / 101 / 20) ** 0.5)
    assert len(spc.in_shift) == 14  # the 6 FAIL parts are not on the score chart
    assert spc.scores_out and [m.kind for m in spc.alerts] == ["image_darker"]
    lines = report.to_csv().lstrip("\ufeff").splitlines()
    header = lines[0].split(",")
    assert header[-4:] == ["ewma", "ewma_lcl", "ewma_ucl", "ewma_out_of_control"]
    rows = [dict(zip(header, line.split(","))) for line in lines[1:]]
    assert {r["ewma_out_of_control"] for r in rows if r["verdict"] == "FAIL"} == {""}
    assert "yes" in {r["ewma_out_of_control"] for r in rows if r["verdict"] == "UNCERTAIN"}


def test_centre_queries_use_the_indexes_and_aggregates(centre_store: Store) -> None:
    """On 12,000 more parts of 20 stations: the walk for one station's newest parts reads a date-ordered
    index backwards and stops at the limit (no sort, no bitmap of the product's parts), the shift counts
    read the aggregate by an index."""
    from station.adapters.db import spc_repo

    store = centre_store
    populate(store)
    until = datetime.combine(DAY - timedelta(days=1), time())  # the 12,000 parts end the day before DAY
    seeded = f"INS-{until:%Y%m%d}-"
    since = until - timedelta(days=28)
    with store.db.session() as s:
        s.execute(text(
            "INSERT INTO inspections (inspection_code, product_id, status, inspection_date) "
            "SELECT :prefix || lpad((g % 20)::text, 2, '0') || '-' || g, "
            "(SELECT product_id FROM products WHERE product_code = 'p1'), 'completed', "
            ":until - g * INTERVAL '10 seconds' FROM generate_series(1, 12000) g"),
            {"prefix": seeded + "ST", "until": until})
        s.execute(text("INSERT INTO inspection_results (inspection_id, anomaly_score, verdict, defect_detected) "
                       "SELECT inspection_id, 0.5, 'PASS', FALSE FROM inspections "
                       "WHERE inspection_code LIKE :pattern"), {"pattern": seeded + "%"})
        s.execute(text("ANALYZE"))
    pid = _ids(store.db)["p1"]
    walk = {"pid": pid, "since": since, "end": NOW, "pattern": "INS-________-ST05-%", "limit": 300}
    shift = {"code": "p1", "start": DAY, "end": NOW.date(), "station": "ST05"}
    with store.db.session() as s:
        s.execute(text("SET LOCAL enable_bitmapscan = off"))  # as the reader sets them for the walk
        s.execute(text("SET LOCAL enable_sort = off"))
        parts = "\n".join(r[0] for r in s.execute(text("EXPLAIN " + spc_repo._CENTRE_WALK_SQL), walk))
    with store.db.session() as s:
        s.execute(text("SET LOCAL enable_seqscan = off"))  # a table of a few rows: the plan a large one gets
        shifts = "\n".join(r[0] for r in s.execute(text("EXPLAIN " + spc_repo._CENTRE_SHIFT_SQL), shift))
    assert parts.startswith("Limit") and "Index Scan Backward" in parts
    # the monthly partitions are merged in date order (a Merge Append's sort key), never sorted
    assert not re.search(r"(^|->)\s*(Incremental )?Sort\s+\(", parts, re.MULTILINE), parts
    assert "Bitmap" not in parts and "Seq Scan" not in parts
    assert "Index Scan using" in shifts and "Seq Scan on inspection_stats_daily" not in shifts
    found = SqlSpcReader(store.db).scored_parts("p1", since, NOW, 300, "ST05")
    assert len(found) == 300 and {p.code.split("-")[2] for p in found} == {"ST05"}
    assert found[-1].at == until - timedelta(seconds=50) and found[-1].score == 0.5
