"""Read-only queries for the supervisor: the views ``dashboard_stats`` and ``recent_inspections``, history
with filters (the view's columns and action-status semantics without its 100-row limit), time series."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any

from sqlalchemy import text

from station.adapters.db.database import Database
from station.adapters.db.fleet_queries import FLEET_SQL, dashboard_sql
from station.domain.errors import ConfigurationError
from station.domain.overrides import verdict_of_label
from station.domain.reports import (
    ActionLine,
    DailyCount,
    DashboardQuery,
    DashboardStats,
    FleetRow,
    HistoryFilter,
    InspectionRow,
    OverrideLine,
    local_time,
    utc_from_local,
)

# What a part is, for one inspection (its latest result ir and latest override vo, db/README.md "Verdict
# overrides"): the latest override decides where a person corrected the verdict; the station's own verdict
# otherwise (legacy rows without a stored verdict: FAIL if a defect, else PASS).
STATION_VERDICT = ("COALESCE(ir.verdict, CASE WHEN ir.defect_detected = TRUE THEN 'FAIL' "
                   "WHEN ir.defect_detected = FALSE THEN 'PASS' END)")
EFFECTIVE_VERDICT = (f"CASE vo.corrected_label WHEN 'normal' THEN 'PASS' WHEN 'defect' THEN 'FAIL' "
                     f"ELSE {STATION_VERDICT} END")
EFFECTIVE_DEFECT = ("(CASE WHEN vo.corrected_label IS NULL THEN ir.defect_detected = TRUE "
                    "ELSE vo.corrected_label = 'defect' END)")
EFFECTIVE_UNCERTAIN = "(vo.corrected_label IS NULL AND ir.verdict = 'UNCERTAIN')"
EFFECTIVE_TYPE = ("(CASE WHEN vo.corrected_label = 'normal' THEN NULL "
                  "ELSE COALESCE(vo.defect_type_id, ir.defect_type_id) END)")
LATEST_OVERRIDE = ("SELECT o2.override_id FROM verdict_overrides o2 WHERE o2.inspection_id = ins.inspection_id "
                   "ORDER BY o2.overridden_at DESC, o2.override_id DESC LIMIT 1")

# recent_inspections.action_status, for one inspection (its latest result ir, latest override vo and latest
# action la).
_ACTION_STATUS = f"""CASE
           WHEN la.action_result = 'resolved' THEN '조치완료'
           WHEN {EFFECTIVE_UNCERTAIN} AND la.action_result IS NULL THEN '검토대기'
           WHEN {EFFECTIVE_DEFECT} AND la.action_result IS NULL THEN '미조치'
           WHEN {EFFECTIVE_DEFECT} OR {EFFECTIVE_UNCERTAIN} THEN '조치중'
           ELSE '정상'
       END"""

_HISTORY_SQL = f"""
SELECT ins.inspection_id, ins.inspection_code, ins.inspection_date, ins.product_id, p.product_code,
       p.product_name, dt.defect_name_ko,
       CASE WHEN vo.corrected_label IS NULL THEN ir.defect_detected
            ELSE vo.corrected_label = 'defect' END AS defect_detected,
       ir.confidence_score, ir.anomaly_score,
       u.username AS inspector,
       {_ACTION_STATUS} AS action_status,
       {EFFECTIVE_VERDICT} AS verdict,
       {STATION_VERDICT} AS station_verdict, vo.override_kind, vo.original_verdict AS overridden_from,
       (SELECT ou.username FROM users ou WHERE ou.user_id = vo.overridden_by) AS overridden_by, vo.overridden_at
FROM inspections ins
JOIN products p ON ins.product_id = p.product_id
LEFT JOIN inspection_results ir ON ir.result_id = (
    SELECT MAX(r2.result_id) FROM inspection_results r2 WHERE r2.inspection_id = ins.inspection_id)
LEFT JOIN verdict_overrides vo ON vo.override_id = ({LATEST_OVERRIDE})
LEFT JOIN defect_types dt ON dt.defect_type_id = {EFFECTIVE_TYPE}
LEFT JOIN users u ON ins.inspector_id = u.user_id
LEFT JOIN action_logs la ON la.action_id = (
    SELECT a2.action_id FROM action_logs a2 WHERE a2.inspection_id = ins.inspection_id
    ORDER BY a2.action_date DESC, a2.action_id DESC LIMIT 1)
WHERE ins.status = 'completed'
"""


# PostgreSQL: the same latest result, override and action as LATERAL top-1 joins, so that a newest-first scan
# of the date index (partition by partition) stops at the limit instead of joining every inspection first.
_PG_HISTORY_SQL = _HISTORY_SQL.replace(
    """LEFT JOIN inspection_results ir ON ir.result_id = (
    SELECT MAX(r2.result_id) FROM inspection_results r2 WHERE r2.inspection_id = ins.inspection_id)""",
    """LEFT JOIN LATERAL (SELECT r2.* FROM inspection_results r2 WHERE r2.inspection_id = ins.inspection_id
    ORDER BY r2.result_id DESC LIMIT 1) ir ON TRUE""").replace(
    f"LEFT JOIN verdict_overrides vo ON vo.override_id = ({LATEST_OVERRIDE})",
    f"LEFT JOIN LATERAL ({LATEST_OVERRIDE.replace('o2.override_id FROM', 'o2.* FROM')}) vo ON TRUE").replace(
    f"LEFT JOIN defect_types dt ON dt.defect_type_id = {EFFECTIVE_TYPE}\n", "").replace(
    "p.product_name, dt.defect_name_ko,",  # looked up for the rows shown only, not for every row scanned
    f"p.product_name, (SELECT d.defect_name_ko FROM defect_types d WHERE d.defect_type_id = {EFFECTIVE_TYPE})"
    " AS defect_name_ko,").replace(
    """LEFT JOIN action_logs la ON la.action_id = (
    SELECT a2.action_id FROM action_logs a2 WHERE a2.inspection_id = ins.inspection_id
    ORDER BY a2.action_date DESC, a2.action_id DESC LIMIT 1)""",
    """LEFT JOIN LATERAL (SELECT a2.action_result FROM action_logs a2 WHERE a2.inspection_id = ins.inspection_id
    ORDER BY a2.action_date DESC, a2.action_id DESC LIMIT 1) la ON TRUE""")
assert "LATERAL" in _PG_HISTORY_SQL and "dt." not in _PG_HISTORY_SQL

# PostgreSQL, filters that only an inspection with a defect or UNCERTAIN result can pass (open work, defects
# only, UNCERTAIN): driven by the registry's partial indexes of such inspections (migration 0012), newest
# first, each candidate probed in its partition by its primary key (a LATERAL that is not flattened, so the
# plan stays a newest-first nested loop that stops at the limit); the filters themselves are unchanged.
_PG_FLAGGED_HISTORY_SQL = _PG_HISTORY_SQL.replace(
    "SELECT ins.inspection_id, ins.inspection_code, ins.inspection_date,",
    "SELECT reg.rid AS inspection_id, ins.inspection_code, reg.rdate AS inspection_date,").replace(
    "FROM inspections ins\n",
    "FROM (SELECT r.inspection_id AS rid, r.inspection_date AS rdate FROM inspection_registry r\n"
    "      WHERE {registry_where}\n"
    "      ORDER BY r.inspection_date DESC, r.inspection_id DESC) reg\n"
    "JOIN LATERAL (SELECT * FROM inspections i WHERE i.inspection_id = reg.rid AND i.inspection_date = reg.rdate\n"
    "              OFFSET 0) ins ON TRUE\n")
assert "reg.rid AS inspection_id" in _PG_FLAGGED_HISTORY_SQL and "{registry_where}" in _PG_FLAGGED_HISTORY_SQL
# Registry rows that can pass: any defect or UNCERTAIN result or a latest override that made the part a defect
# (defects only, UNCERTAIN); for the open states,
# of those the ones whose actions are not all resolved (with all resolved, the latest is resolved: 조치완료).
# Each is the predicate of a partial index of migration 0013 (0012's, with the overrides).
_FLAGGED = "(r.defect_results > 0 OR r.uncertain_results > 0 OR r.override_label = 'defect')"
_OPEN = f"{_FLAGGED} AND (r.actions = 0 OR r.resolved_actions < r.actions)"
_OPEN_STATUSES = frozenset({"미조치", "검토대기", "조치중"})


def _as_datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _row(r: Any) -> InspectionRow:
    return InspectionRow(
        inspection_id=r.inspection_id, inspection_code=r.inspection_code,
        inspection_date=_as_datetime(r.inspection_date), product_id=r.product_id, product_code=r.product_code,
        product_name=r.product_name, defect_name_ko=r.defect_name_ko,
        defect_detected=None if r.defect_detected is None else bool(r.defect_detected),
        confidence_score=r.confidence_score, anomaly_score=r.anomaly_score, inspector=r.inspector,
        action_status=r.action_status, verdict=r.verdict,
        station_verdict=getattr(r, "station_verdict", None), override_kind=getattr(r, "override_kind", None),
        overridden_from=getattr(r, "overridden_from", None), overridden_by=getattr(r, "overridden_by", None),
        overridden_at=_as_datetime(getattr(r, "overridden_at", None)),
    )


class SqlReportReader:
    def __init__(self, db: Database) -> None:
        self._db = db

    def dashboard(self, query: DashboardQuery | None = None) -> list[DashboardStats]:
        """The view ``dashboard_stats``; with filters, the same columns for one product, station or period
        (from the centre's aggregates, or counted from the base tables on the local store)."""
        sql, params = "SELECT * FROM dashboard_stats ORDER BY product_id", {}
        if query is not None and query.filtered:
            sql, params = dashboard_sql(self._db.engine.dialect.name, query)
        with self._db.session() as session:
            rows = session.execute(text(sql), params).mappings()
            return [DashboardStats(
                product_id=r["product_id"], product_name=r["product_name"],
                normal_image_count=int(r["normal_image_count"] or 0),
                defect_image_count=int(r["defect_image_count"] or 0),
                total_inspection_count=int(r["total_inspection_count"] or 0),
                defect_detected_count=int(r["defect_detected_count"] or 0),
                resolved_count=int(r["resolved_count"] or 0),
                pending_action_count=int(r["pending_action_count"] or 0),
                avg_guide_rating=None if r["avg_guide_rating"] is None else float(r["avg_guide_rating"]),
                uncertain_count=int(r["uncertain_count"] or 0),
                pending_review_count=int(r["pending_review_count"] or 0),
            ) for r in rows]

    def fleet(self, since: date, station_id: str | None = None,
              product_code: str | None = None) -> list[FleetRow]:
        """Per station and product at the centre: counts since ``since``, open work, last sync."""
        if self._db.engine.dialect.name != "postgresql":
            raise ConfigurationError("the view across stations needs the central database (--url)")
        params = {"since": since, "station": station_id, "code": product_code}
        with self._db.session() as session:
            return [FleetRow(
                station_id=r.station_id or "?", product_code=r.product_code, product_name=r.product_name,
                inspections=int(r.inspections), completed=int(r.completed), defects=int(r.defects),
                uncertain=int(r.uncertain), pending_actions=int(r.pending_actions or 0),
                pending_reviews=int(r.pending_reviews or 0), days=int(r.days or 0),
                last_inspection_at=r.last_inspection_at, last_received_at=r.last_received_at,
            ) for r in session.execute(text(FLEET_SQL), params)]

    def recent(self, product_code: str | None = None) -> list[InspectionRow]:
        """The view ``recent_inspections`` itself (its newest 100), optionally for one product."""
        # The product by its unique code, the score from the newest result by its index: the view's 100
        # rows are never joined back to inspections (partitioned at the centre: a probe per partition).
        sql = "SELECT v.*, p.product_id, (SELECT r2.anomaly_score FROM inspection_results r2 " \
              "WHERE r2.inspection_id = v.inspection_id ORDER BY r2.result_id DESC LIMIT 1) AS anomaly_score " \
              "FROM recent_inspections v JOIN products p ON p.product_code = v.product_code"
        params: dict[str, Any] = {}
        if product_code:
            sql += " WHERE v.product_code = :code"
            params["code"] = product_code
        sql += " ORDER BY v.inspection_date DESC, v.inspection_id DESC"
        with self._db.session() as session:
            return [_row(r) for r in session.execute(text(sql), params)]

    def history(self, flt: HistoryFilter) -> list[InspectionRow]:
        clauses, params = [], {"limit": int(flt.limit)}
        if flt.product_id is not None:
            clauses.append("ins.product_id = :pid")
            params["pid"] = flt.product_id
        if flt.start is not None:
            clauses.append("ins.inspection_date >= :start")
            params["start"] = flt.start
        if flt.end is not None:
            clauses.append("ins.inspection_date < :end")
            params["end"] = flt.end
        if flt.defects_only:
            clauses.append(EFFECTIVE_DEFECT)
        if flt.overridden_only:
            clauses.append("vo.override_id IS NOT NULL")
        if flt.verdict:
            clauses.append(f"({EFFECTIVE_VERDICT}) = :verdict")
            params["verdict"] = flt.verdict
        if flt.inspector:  # by id (usernames are unique): the inspections' own index serves it
            clauses.append("ins.inspector_id = (SELECT u2.user_id FROM users u2 WHERE u2.username = :inspector)")
            params["inspector"] = flt.inspector
        if flt.text:
            params["text"] = f"%{flt.text}%"
            if self._db.dialect == "postgresql":
                # the defect names that match, looked up first: when none does, the code filter alone is
                # applied while the date index is read, before any result is joined
                with self._db.session() as session:
                    types = [r[0] for r in session.execute(text(
                        "SELECT defect_type_id FROM defect_types WHERE defect_name_ko LIKE :text"), params)]
                clauses.append(f"(ins.inspection_code LIKE :text OR {EFFECTIVE_TYPE} = ANY(:types))" if types
                               else "ins.inspection_code LIKE :text")
                if types:
                    params["types"] = types
            else:
                clauses.append("(ins.inspection_code LIKE :text OR dt.defect_name_ko LIKE :text)")
        base = _HISTORY_SQL
        if self._db.dialect == "postgresql":
            where = _OPEN if flt.action_status in _OPEN_STATUSES else \
                _FLAGGED if flt.defects_only or flt.verdict == "UNCERTAIN" else None
            base = _PG_HISTORY_SQL
            if where:  # the product and date bounds on the registry's columns: its index range is narrow
                base = _PG_FLAGGED_HISTORY_SQL.replace("{registry_where}", where + "".join(
                    f" AND {c.replace('ins.', 'r.')}" for c in clauses
                    if c.startswith(("ins.product_id", "ins.inspection_date"))))
        sql = base + "".join(f" AND {c}" for c in clauses)
        if flt.action_status:  # in the same WHERE, so the newest-first scan stops at the limit
            sql += f" AND ({_ACTION_STATUS}) = :status"
            params["status"] = flt.action_status
        sql = f"SELECT * FROM ({sql}) q ORDER BY q.inspection_date DESC, q.inspection_id DESC LIMIT :limit"
        with self._db.session() as session:
            if self._db.dialect == "postgresql":
                # The plan's cost counts every candidate the newest-first scan might visit; the scan stops at the
                # limit after a few hundred. Above jit_above_cost PostgreSQL would compile it first (~350 ms).
                session.execute(text("SET LOCAL jit = off"))
                if "inspection_registry r" in sql:
                    # the status filter's selectivity is unknown to the planner: without this it may collect and
                    # sort every candidate in the range (bitmap scan) instead of walking the index in order
                    session.execute(text("SET LOCAL enable_bitmapscan = off"))
                    # nor split the walk across workers (a parallel scan of the whole date index looks cheaper)
                    session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
            return [_row(r) for r in session.execute(text(sql), params)]

    def shift_activity(self, product_id: int, start: datetime,
                       end: datetime) -> tuple[list[ActionLine], list[OverrideLine]]:
        """The corrective actions and verdict overrides made in [start, end) (UTC) on the product's parts,
        oldest first, with who made them; an action's result before it is the part's previous action's."""
        params = {"pid": product_id, "start": start, "end": end}
        actions_sql = text(
            "SELECT a.action_date AS at, ins.inspection_code, u.username AS who, a.action_taken, a.action_result, "
            "(SELECT a2.action_result FROM action_logs a2 WHERE a2.inspection_id = a.inspection_id "
            " AND (a2.action_date < a.action_date OR (a2.action_date = a.action_date AND a2.action_id < a.action_id)) "
            " ORDER BY a2.action_date DESC, a2.action_id DESC LIMIT 1) AS result_before "
            "FROM action_logs a JOIN inspections ins ON ins.inspection_id = a.inspection_id "
            "LEFT JOIN users u ON u.user_id = a.action_by "
            "WHERE ins.product_id = :pid AND a.action_date >= :start AND a.action_date < :end "
            "ORDER BY a.action_date, a.action_id")
        overrides_sql = text(
            "SELECT o.overridden_at AS at, ins.inspection_code, u.username AS who, o.override_kind, "
            "o.original_verdict, o.corrected_label, dt.defect_name_ko "
            "FROM verdict_overrides o JOIN inspections ins ON ins.inspection_id = o.inspection_id "
            "LEFT JOIN users u ON u.user_id = o.overridden_by "
            "LEFT JOIN defect_types dt ON dt.defect_type_id = o.defect_type_id "
            "WHERE ins.product_id = :pid AND o.overridden_at >= :start AND o.overridden_at < :end "
            "ORDER BY o.overridden_at, o.override_id")
        with self._db.session() as session:
            actions = [ActionLine(_as_datetime(r.at), r.inspection_code, r.who, r.action_taken, r.result_before,
                                  r.action_result) for r in session.execute(actions_sql, params)]
            overrides = [OverrideLine(_as_datetime(r.at), r.inspection_code, r.who, r.override_kind,
                                      r.original_verdict, verdict_of_label(r.corrected_label), r.defect_name_ko)
                         for r in session.execute(overrides_sql, params)]
        return actions, overrides

    def daily_counts(self, product_id: int, start: date, end: date) -> list[DailyCount]:
        sql = text(
            f"SELECT ins.inspection_date AS d, {EFFECTIVE_DEFECT} AS bad, {EFFECTIVE_VERDICT} AS verdict "
            "FROM inspections ins "
            "LEFT JOIN inspection_results ir ON ir.result_id = (SELECT MAX(r2.result_id) FROM "
            "inspection_results r2 WHERE r2.inspection_id = ins.inspection_id) "
            f"LEFT JOIN verdict_overrides vo ON vo.override_id = ({LATEST_OVERRIDE}) "
            "WHERE ins.product_id = :pid AND ins.status = 'completed' "
            "AND ins.inspection_date >= :start AND ins.inspection_date < :end")
        totals: Counter[date] = Counter()
        defects: Counter[date] = Counter()
        uncertain: Counter[date] = Counter()
        with self._db.session() as session:
            # days are the station's local days; stored times are UTC
            for r in session.execute(sql, {"pid": product_id,
                                           "start": utc_from_local(datetime.combine(start, datetime.min.time())),
                                           "end": utc_from_local(datetime.combine(end, datetime.min.time()))}):
                day = local_time(_as_datetime(r.d)).date()  # type: ignore[union-attr]
                totals[day] += 1
                defects[day] += 1 if r.bad else 0
                uncertain[day] += 1 if r.verdict == "UNCERTAIN" else 0
        return [DailyCount(day, totals[day], defects[day], uncertain[day]) for day in sorted(totals)]

    def defect_type_counts(self, product_id: int, start: datetime | None = None) -> dict[str, int]:
        """Defective inspections per (effective) defect type: the latest result's type, or the type the
        latest override gave; a false alarm counts nowhere."""
        sql = ("SELECT COALESCE(dt.defect_name_ko, '?') AS name, COUNT(*) AS n FROM inspections ins "
               "JOIN inspection_results ir ON ir.result_id = (SELECT MAX(r2.result_id) FROM inspection_results r2 "
               "WHERE r2.inspection_id = ins.inspection_id) "
               f"LEFT JOIN verdict_overrides vo ON vo.override_id = ({LATEST_OVERRIDE}) "
               f"LEFT JOIN defect_types dt ON dt.defect_type_id = {EFFECTIVE_TYPE} "
               f"WHERE ins.product_id = :pid AND {EFFECTIVE_DEFECT}")
        params: dict[str, Any] = {"pid": product_id}
        if start is not None:
            sql += " AND ins.inspection_date >= :start"
            params["start"] = start
        sql += " GROUP BY COALESCE(dt.defect_name_ko, '?') ORDER BY n DESC"
        with self._db.session() as session:
            return {r.name: int(r.n) for r in session.execute(text(sql), params)}
