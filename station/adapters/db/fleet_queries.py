"""The dashboard with filters and the fleet view, one SQL text each per dialect.

At the centre (PostgreSQL, migration 0008) both read the aggregate tables ``inspection_stats_daily`` /
``inspection_stats_total``, kept by triggers in the writers' transactions. The station's SQLite store
has no aggregates; there the same columns are counted from the base tables (the latest verdict override of
an inspection decides whether it is a defect or UNCERTAIN, as the aggregates do) (the brute-force form,
also the baseline of benchmarks/bench_central_scale.py). Row-level security applies to both.
"""

from __future__ import annotations

from typing import Any

from station.domain.reports import DashboardQuery

_IMAGE_COUNTS = """
    (SELECT COUNT(*) FROM images i WHERE i.product_id = p.product_id AND i.is_active = TRUE
      AND i.image_type = 'normal') AS normal_image_count,
    (SELECT COUNT(*) FROM images i WHERE i.product_id = p.product_id AND i.is_active = TRUE
      AND i.image_type = 'defect') AS defect_image_count"""

_COUNTERS = ("sum(s.inspections) AS total_inspection_count, sum(s.defects) AS defect_detected_count, "
             "sum(s.resolved) AS resolved_count, sum(s.pending_actions) AS pending_action_count, "
             "sum(s.guide_rating_sum)::numeric / NULLIF(sum(s.guide_rating_count), 0) AS avg_guide_rating, "
             "sum(s.uncertain) AS uncertain_count, sum(s.pending_reviews) AS pending_review_count")


def dashboard_sql(dialect: str, q: DashboardQuery) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {}
    product = ""
    if q.product_code is not None:
        product = " AND p.product_code = :code"
        params["code"] = q.product_code
    if dialect == "postgresql":
        where = ["s.product_id = p.product_id"]
        table = "inspection_stats_total"
        if q.since is not None:
            table = "inspection_stats_daily"
            where.append("s.stat_day >= :since")
            params["since"] = q.since
        if q.station_id is not None:
            where.append("s.station_id = :station")
            params["station"] = q.station_id
        return (f"SELECT p.product_id, p.product_name, {_IMAGE_COUNTS}, c.* FROM products p "
                f"LEFT JOIN LATERAL (SELECT {_COUNTERS} FROM {table} s WHERE {' AND '.join(where)}) c ON TRUE "
                f"WHERE p.is_active = TRUE{product} ORDER BY p.product_id"), params
    return bruteforce_dashboard_sql(q, params, product)


def bruteforce_dashboard_sql(q: DashboardQuery, params: dict[str, Any] | None = None,
                             product: str = "") -> tuple[str, dict[str, Any]]:
    """The same columns counted from the base tables (both dialects)."""
    params = dict(params or {})
    ins = "ins.product_id = p.product_id"
    if q.since is not None:
        ins += " AND ins.inspection_date >= :since"
        params["since"] = q.since
    if q.station_id is not None:
        ins += " AND ins.inspection_code LIKE :station_code"
        params["station_code"] = f"INS-________-{q.station_id}-%"
    result = "EXISTS (SELECT 1 FROM inspection_results ir WHERE ir.inspection_id = ins.inspection_id AND {})"
    acted = "EXISTS (SELECT 1 FROM action_logs al WHERE al.inspection_id = ins.inspection_id AND {})"
    count = "(SELECT COUNT(*) FROM inspections ins WHERE " + ins + "{})"
    # the latest override decides (db/README.md "Verdict overrides"), as in the view of migration 0013
    defect = (f"COALESCE((SELECT o.corrected_label = 'defect' FROM verdict_overrides o "
              f"WHERE o.inspection_id = ins.inspection_id ORDER BY o.overridden_at DESC, o.override_id DESC LIMIT 1), "
              f"{result.format('ir.defect_detected = TRUE')})")
    uncertain = ("NOT EXISTS (SELECT 1 FROM verdict_overrides o WHERE o.inspection_id = ins.inspection_id) AND "
                 + result.format("ir.verdict = 'UNCERTAIN'"))
    sql = f"""SELECT p.product_id, p.product_name, {_IMAGE_COUNTS},
        {count.format('')} AS total_inspection_count,
        {count.format(' AND ' + defect)} AS defect_detected_count,
        {count.format(' AND ' + acted.format("al.action_result = 'resolved'"))} AS resolved_count,
        {count.format(' AND ' + defect + ' AND NOT '
                      + acted.format('al.action_result IS NOT NULL'))} AS pending_action_count,
        (SELECT AVG(f.rating) FROM feedbacks f JOIN inspections ins ON f.inspection_id = ins.inspection_id
          WHERE {ins} AND f.feedback_type = 'guide_quality') AS avg_guide_rating,
        {count.format(' AND ' + uncertain)} AS uncertain_count,
        {count.format(' AND ' + uncertain + ' AND NOT '
                      + acted.format('al.action_result IS NOT NULL'))} AS pending_review_count
        FROM products p WHERE p.is_active = TRUE{product} ORDER BY p.product_id"""
    return sql, params


FLEET_SQL = """
WITH window_days AS (
    SELECT s.station_id, s.product_id, sum(s.inspections) AS inspections, sum(s.completed) AS completed,
           sum(s.defects) AS defects, sum(s.uncertain) AS uncertain
    FROM inspection_stats_daily s WHERE s.stat_day >= :since
    GROUP BY s.station_id, s.product_id
), totals AS (
    SELECT t.station_id, t.product_id, sum(t.pending_actions) AS pending_actions,
           sum(t.pending_reviews) AS pending_reviews, max(t.last_inspection_at) AS last_inspection_at,
           max(t.last_received_at) AS last_received_at
    FROM inspection_stats_total t GROUP BY t.station_id, t.product_id
), newest AS (
    SELECT max(stat_day) AS day FROM inspection_stats_daily WHERE stat_day >= :since
)
SELECT tot.station_id, COALESCE(p.product_code, '?') AS product_code, COALESCE(p.product_name, '?') AS product_name,
       COALESCE(w.inspections, 0) AS inspections, COALESCE(w.completed, 0) AS completed,
       COALESCE(w.defects, 0) AS defects, COALESCE(w.uncertain, 0) AS uncertain,
       tot.pending_actions, tot.pending_reviews,
       COALESCE((SELECT day FROM newest) - CAST(:since AS date) + 1, 0) AS days,
       tot.last_inspection_at, tot.last_received_at
FROM totals tot
LEFT JOIN window_days w ON w.station_id = tot.station_id AND w.product_id = tot.product_id
LEFT JOIN products p ON p.product_id = tot.product_id
WHERE (CAST(:station AS text) IS NULL OR tot.station_id = :station)
  AND (CAST(:code AS text) IS NULL OR p.product_code = :code)
ORDER BY tot.station_id, product_code
"""
