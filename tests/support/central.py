"""Helpers of the central-scale tests: the aggregates against brute-force counts over the base tables."""

from __future__ import annotations

from sqlalchemy import Connection, text

from station.adapters.db.sqlddl import load_statements

COUNT_COLUMNS = ("total_inspection_count", "defect_detected_count", "resolved_count", "pending_action_count",
                 "avg_guide_rating", "uncertain_count", "pending_review_count", "normal_image_count",
                 "defect_image_count")


def bruteforce_view_sql() -> str:
    """The SELECT of 0013's portable dashboard_stats: every count from the base tables (the latest override
    of an inspection decides whether it is a defect or UNCERTAIN)."""
    for s in load_statements("0013_effective_verdicts.sql", "postgresql"):
        if s.startswith("CREATE VIEW dashboard_stats AS"):
            return s.removeprefix("CREATE VIEW dashboard_stats AS").rstrip(";")
    raise AssertionError("0013 dashboard_stats not found")


def _norm(rows) -> dict:  # type: ignore[no-untyped-def]
    out = {}
    for r in rows:
        m = dict(r._mapping)
        out[m["product_id"]] = tuple(
            None if m[c] is None else round(float(m[c]), 9) for c in COUNT_COLUMNS)
    return out


def dashboards(conn: Connection) -> tuple[dict, dict]:
    """(dashboard_stats from the aggregates, the same numbers counted from the base tables)."""
    fast = _norm(conn.execute(text("SELECT * FROM dashboard_stats")))
    slow = _norm(conn.execute(text(bruteforce_view_sql())))
    return fast, slow


def daily(conn: Connection) -> tuple[dict, dict]:
    """(inspection_stats_daily, the same keys and counts from the base tables), zero rows left out."""
    agg = {tuple(r[:5]): tuple(int(x) for x in r[5:]) for r in conn.execute(text(
        "SELECT stat_day, shift, product_id, station_id, inspector_id, inspections, completed, defects, uncertain, "
        "resolved, pending_actions, pending_reviews, guide_rating_sum, guide_rating_count "
        "FROM inspection_stats_daily WHERE inspections <> 0 OR guide_rating_count <> 0"))}
    brute = {tuple(r[:5]): tuple(int(x) for x in r[5:]) for r in conn.execute(text("""
        WITH f AS (
            SELECT i.inspection_id, i.inspection_date::date AS d, inspection_shift_of(i.inspection_date) AS sh,
                   COALESCE(i.product_id, 0) AS p, inspection_station_of(i.inspection_code) AS st,
                   COALESCE(i.inspector_id, 0) AS u, i.status = 'completed' AS done,
                   COALESCE((SELECT o.corrected_label = 'defect' FROM verdict_overrides o
                             WHERE o.inspection_id = i.inspection_id
                             ORDER BY o.overridden_at DESC, o.override_id DESC LIMIT 1),
                            EXISTS (SELECT 1 FROM inspection_results r WHERE r.inspection_id = i.inspection_id
                                    AND r.defect_detected)) AS bad,
                   NOT EXISTS (SELECT 1 FROM verdict_overrides o WHERE o.inspection_id = i.inspection_id)
                   AND EXISTS (SELECT 1 FROM inspection_results r WHERE r.inspection_id = i.inspection_id
                               AND r.verdict = 'UNCERTAIN') AS unc,
                   EXISTS (SELECT 1 FROM action_logs a WHERE a.inspection_id = i.inspection_id
                           AND a.action_result = 'resolved') AS res,
                   EXISTS (SELECT 1 FROM action_logs a WHERE a.inspection_id = i.inspection_id
                           AND a.action_result IS NOT NULL) AS acted,
                   (SELECT COALESCE(sum(rating), 0) FROM feedbacks f WHERE f.inspection_id = i.inspection_id
                    AND f.feedback_type = 'guide_quality') AS gs,
                   (SELECT count(*) FROM feedbacks f WHERE f.inspection_id = i.inspection_id
                    AND f.feedback_type = 'guide_quality') AS gc
            FROM inspections i)
        SELECT d, sh, p, st, u, count(*), count(*) FILTER (WHERE done), count(*) FILTER (WHERE bad),
               count(*) FILTER (WHERE unc), count(*) FILTER (WHERE res), count(*) FILTER (WHERE bad AND NOT acted),
               count(*) FILTER (WHERE unc AND NOT acted), sum(gs), sum(gc)
        FROM f GROUP BY 1, 2, 3, 4, 5"""))}
    return agg, brute


def assert_counts_exact(conn: Connection) -> None:
    fast, slow = dashboards(conn)
    assert fast == slow
    agg, brute = daily(conn)
    assert agg == brute
