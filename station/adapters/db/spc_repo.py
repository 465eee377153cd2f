"""The values of the control charts (station/domain/spc.py) from a store: each part's latest score, its
effective verdict and the model it was judged at; completed and FAIL/UNCERTAIN counts per shift; the health
alerts of a period.

On the station's SQLite store the parts are read newest first by the product's date index and counted
into the plant's shifts in local time. At the centre (PostgreSQL) the shift counts come from the
trigger-kept aggregate ``inspection_stats_daily`` (its key starts with the day and the product; shifts in
``central_time_zone()``), and a station's parts from a newest-first walk of the partitions' product/date
index stopped at the limit (the station by its code), then each of those parts' latest result and override
probed by its inspection index. Every value is a bound parameter.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import OperationalError, ProgrammingError

from station.adapters.db.database import Database
from station.adapters.db.reports_repo import EFFECTIVE_VERDICT, LATEST_OVERRIDE
from station.domain.reports import local_time, utc_from_local
from station.domain.spc import HealthMark, ScoredPart, ShiftCount, model_key, shift_of

# The product's completed parts on the station, each with its latest result and latest override.
_LOCAL_COMPLETED_PARTS = f"""
FROM inspections ins
LEFT JOIN inspection_results ir ON ir.result_id = (
    SELECT MAX(r2.result_id) FROM inspection_results r2 WHERE r2.inspection_id = ins.inspection_id)
LEFT JOIN verdict_overrides vo ON vo.override_id = ({LATEST_OVERRIDE})
WHERE ins.product_id = (SELECT p.product_id FROM products p WHERE p.product_code = :code)
  AND ins.status = 'completed'"""

_LOCAL_PARTS_SQL = f"""
SELECT ins.inspection_code AS code, ins.inspection_date AS at, ir.anomaly_score AS score,
       ir.image_threshold, ir.review_threshold, json_extract(ir.provenance, '$.bank_sha256') AS bank,
       {EFFECTIVE_VERDICT} AS verdict{_LOCAL_COMPLETED_PARTS}
  AND ins.inspection_date >= :since AND ins.inspection_date < :end
ORDER BY ins.inspection_date DESC, ins.inspection_id DESC
LIMIT :limit
"""

_LOCAL_SHIFT_SQL = f"""
SELECT ins.inspection_date AS at, {EFFECTIVE_VERDICT} AS verdict{_LOCAL_COMPLETED_PARTS}
  AND ins.inspection_date >= :start AND ins.inspection_date < :end
"""

# Plant time (central_time_zone()) to the stored naive UTC, applied to the bound, not to the column, so
# that the date indexes serve the range.
_UTC_OF = "((CAST({0} AS timestamp) AT TIME ZONE central_time_zone()) AT TIME ZONE 'UTC')"

# A station's newest parts of a product: a newest-first walk of the partitions' (product_id, inspection_date)
# index, stopped at the limit (the station by its code's LIKE pattern, checked on the rows walked) ...
_CENTRE_WALK_SQL = f"""
SELECT i.inspection_id, i.inspection_code AS code, inspection_local_time(i.inspection_date) AS at
FROM inspections i
WHERE i.product_id = :pid AND i.status = 'completed'
  AND i.inspection_date >= {_UTC_OF.format(':since')} AND i.inspection_date < {_UTC_OF.format(':end')}
  AND (CAST(:pattern AS text) IS NULL OR i.inspection_code LIKE :pattern)
ORDER BY i.inspection_date DESC
LIMIT :limit
"""

# ... then for those parts only, the latest result and override, each by its inspection index.
_CENTRE_SCORES_SQL = """
SELECT x.id AS inspection_id, ir.anomaly_score AS score, ir.image_threshold, ir.review_threshold,
       ir.provenance ->> 'bank_sha256' AS bank,
       CASE vo.corrected_label WHEN 'normal' THEN 'PASS' WHEN 'defect' THEN 'FAIL'
            ELSE COALESCE(ir.verdict, CASE WHEN ir.defect_detected = TRUE THEN 'FAIL'
                                           WHEN ir.defect_detected = FALSE THEN 'PASS' END) END AS verdict
FROM unnest(CAST(:ids AS integer[])) AS x(id)
LEFT JOIN LATERAL (SELECT r2.anomaly_score, r2.image_threshold, r2.review_threshold, r2.provenance, r2.verdict,
                          r2.defect_detected
                   FROM inspection_results r2 WHERE r2.inspection_id = x.id
                   ORDER BY r2.result_id DESC LIMIT 1) ir ON TRUE
LEFT JOIN LATERAL (SELECT o2.corrected_label FROM verdict_overrides o2 WHERE o2.inspection_id = x.id
                   ORDER BY o2.overridden_at DESC, o2.override_id DESC LIMIT 1) vo ON TRUE
"""

# The aggregates count an inspection as a defect (its latest override 'defect', else any FAIL result) or as
# UNCERTAIN (never overridden, an UNCERTAIN result); an inspection has one result, so the two are disjoint.
_CENTRE_SHIFT_SQL = """
SELECT s.stat_day, s.shift, sum(s.completed) AS n, sum(s.defects) + sum(s.uncertain) AS flagged
FROM inspection_stats_daily s
WHERE s.stat_day >= :start AND s.stat_day < :end
  AND s.product_id = (SELECT p.product_id FROM products p WHERE p.product_code = :code)
  AND (CAST(:station AS text) IS NULL OR s.station_id = :station)
GROUP BY s.stat_day, s.shift
ORDER BY s.stat_day, s.shift
"""

# Every station's shifts of a product at once (the fleet table's column).
_CENTRE_STATION_SHIFTS_SQL = """
SELECT s.station_id, s.stat_day, s.shift, sum(s.completed) AS n, sum(s.defects) + sum(s.uncertain) AS flagged
FROM inspection_stats_daily s
WHERE s.stat_day >= :start AND s.stat_day < :end
  AND s.product_id = (SELECT p.product_id FROM products p WHERE p.product_code = :code)
GROUP BY s.station_id, s.stat_day, s.shift
ORDER BY s.station_id, s.stat_day, s.shift
"""

_LOCAL_ALERTS_SQL = """
SELECT h.raised_at AS at, h.kind, h.station_code, h.view_code
FROM health_alerts h
WHERE h.product_id = (SELECT p.product_id FROM products p WHERE p.product_code = :code)
  AND h.raised_at >= :start AND h.raised_at < :end
ORDER BY h.raised_at, h.alert_id
"""

_CENTRE_ALERTS_SQL = f"""
SELECT inspection_local_time(h.raised_at) AS at, h.kind, h.station_code, h.view_code
FROM health_alerts h
WHERE h.product_id = (SELECT p.product_id FROM products p WHERE p.product_code = :code)
  AND h.raised_at >= {_UTC_OF.format(':start')} AND h.raised_at < {_UTC_OF.format(':end')}
  AND (CAST(:station AS text) IS NULL OR h.station_code = :station)
ORDER BY h.raised_at, h.alert_id
"""


@dataclass(frozen=True)
class _Part:
    code: str
    at: datetime
    score: float | None
    image_threshold: float | None
    review_threshold: float | None
    bank: str | None
    verdict: str | None


def _score_columns(row: Any) -> tuple[Any, ...]:
    if row is None:
        return None, None, None, None, None
    return row.score, row.image_threshold, row.review_threshold, row.bank, row.verdict


def _as_datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


class SqlSpcReader:
    """Chart values of one product from the station's store or the centre. Times in and out are plant time
    (the station's local time; the centre's ``central_time_zone()``); ``station_id`` selects one station at
    the centre (the station's own store holds only its own parts)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    @property
    def _centre(self) -> bool:
        return self._db.dialect == "postgresql"

    def scored_parts(self, product_code: str, since: datetime, end: datetime, limit: int,
                     station_id: str | None = None) -> list[ScoredPart]:
        """The newest ``limit`` completed parts in [since, end), oldest first."""
        if self._centre:
            rows = self._centre_parts(product_code, since, end, limit, station_id)
        else:
            with self._db.session() as session:
                rows = list(session.execute(text(_LOCAL_PARTS_SQL), {
                    "code": product_code, "since": utc_from_local(since), "end": utc_from_local(end),
                    "limit": int(limit)}))
        parts = []
        for r in sorted(rows, key=lambda r: (_as_datetime(r.at), r.code)):
            at = _as_datetime(r.at)
            parts.append(ScoredPart(
                at=at if self._centre else local_time(at),  # type: ignore[arg-type]
                score=None if r.score is None else float(r.score), verdict=r.verdict,
                model=model_key({"bank_sha256": r.bank}, r.image_threshold, r.review_threshold), code=r.code))
        return parts

    def _centre_parts(self, product_code: str, since: datetime, end: datetime, limit: int,
                      station_id: str | None) -> list[Any]:
        pattern = None
        if station_id is not None:  # INS-YYYYMMDD-<station>-NNNN, the station's own characters escaped
            escaped = station_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = f"INS-________-{escaped}-%"
        with self._db.session() as session:
            pid = session.scalar(text("SELECT product_id FROM products WHERE product_code = :code"),
                                 {"code": product_code})
            if pid is None:
                return []
            # The walk in index order, stopped at the limit: never a bitmap of every part of the product in
            # the window nor a sort of them (the planner cannot know how few of them are the station's).
            session.execute(text("SET LOCAL jit = off"))
            session.execute(text("SET LOCAL enable_bitmapscan = off"))
            session.execute(text("SET LOCAL enable_sort = off"))
            walked = list(session.execute(text(_CENTRE_WALK_SQL), {
                "pid": pid, "since": since, "end": end, "pattern": pattern, "limit": int(limit)}))
            session.execute(text("SET LOCAL enable_sort = on"))
            session.execute(text("SET LOCAL enable_bitmapscan = on"))
            scores = {r.inspection_id: r for r in session.execute(
                text(_CENTRE_SCORES_SQL), {"ids": [r.inspection_id for r in walked]})}
        return [_Part(r.code, r.at, *(_score_columns(scores.get(r.inspection_id)))) for r in walked]

    def shift_counts(self, product_code: str, start: date, end: date,
                     station_id: str | None = None) -> list[ShiftCount]:
        """Completed and FAIL/UNCERTAIN (effective) inspections per shift of the days [start, end), in order;
        shifts without inspections are left out."""
        if self._centre:
            with self._db.session() as session:
                rows = session.execute(text(_CENTRE_SHIFT_SQL), {"code": product_code, "start": start, "end": end,
                                                                 "station": station_id})
                return [ShiftCount(r.stat_day, int(r.shift), int(r.n or 0), int(r.flagged or 0))
                        for r in rows if int(r.n or 0) > 0]
        params = {"code": product_code,
                  "start": utc_from_local(datetime.combine(start, datetime.min.time())),
                  "end": utc_from_local(datetime.combine(end, datetime.min.time()))}
        totals: Counter[tuple[date, int]] = Counter()
        flagged: Counter[tuple[date, int]] = Counter()
        with self._db.session() as session:
            for r in session.execute(text(_LOCAL_SHIFT_SQL), params):
                key = shift_of(local_time(_as_datetime(r.at)))  # type: ignore[arg-type]
                totals[key] += 1
                flagged[key] += 1 if r.verdict in ("FAIL", "UNCERTAIN") else 0
        return [ShiftCount(day, shift, totals[(day, shift)], flagged[(day, shift)]) for day, shift in sorted(totals)]

    def station_shift_counts(self, product_code: str, start: date, end: date) -> dict[str, list[ShiftCount]]:
        """Per station at the centre, its shift counts of the days [start, end) ({} on a station's store)."""
        if not self._centre:
            return {}
        found: dict[str, list[ShiftCount]] = {}
        with self._db.session() as session:
            for r in session.execute(text(_CENTRE_STATION_SHIFTS_SQL), {"code": product_code, "start": start,
                                                                        "end": end}):
                if int(r.n or 0) > 0:
                    found.setdefault(r.station_id, []).append(
                        ShiftCount(r.stat_day, int(r.shift), int(r.n), int(r.flagged or 0)))
        return found

    def health_marks(self, product_code: str, start: datetime, end: datetime,
                     station_id: str | None = None) -> list[HealthMark] | None:
        """The health alerts raised in [start, end), oldest first; None where the store has no
        ``health_alerts`` table (a schema before migration 0015)."""
        if self._centre:
            sql, params = _CENTRE_ALERTS_SQL, {"code": product_code, "start": start, "end": end,
                                               "station": station_id}
        else:
            sql, params = _LOCAL_ALERTS_SQL, {"code": product_code, "start": utc_from_local(start),
                                              "end": utc_from_local(end)}
        try:
            with self._db.session() as session:
                rows = list(session.execute(text(sql), params))
        except (OperationalError, ProgrammingError) as exc:
            if "health_alerts" not in str(exc.orig):
                raise
            return None
        marks = []
        for r in rows:
            at = _as_datetime(r.at)
            marks.append(HealthMark(at if self._centre else local_time(at),  # type: ignore[arg-type]
                                    r.kind, r.station_code, r.view_code))
        return marks

