"""Exactness checks of bench_central_scale.py: the aggregates against counts over the base tables, set-based
(hash aggregates, minutes at 10 M rows, where 0007's correlated views take hours), and a round of ordinary
writes through the triggers after the bulk load."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Engine, text

# Per (day, shift, product, station, inspector), from inspections and their children only.
BRUTE_DAILY = """
WITH r AS (SELECT inspection_id, bool_or(defect_detected) AS bad, bool_or(verdict = 'UNCERTAIN') AS unc
           FROM inspection_results GROUP BY inspection_id),
     a AS (SELECT inspection_id, bool_or(action_result = 'resolved') AS res, bool_or(action_result IS NOT NULL) AS acted
           FROM action_logs GROUP BY inspection_id),
     f AS (SELECT inspection_id, sum(rating) AS gs, count(*) AS gc FROM feedbacks
           WHERE feedback_type = 'guide_quality' GROUP BY inspection_id)
SELECT inspection_local_time(i.inspection_date)::date AS d, inspection_shift_of(inspection_local_time(i.inspection_date)),
       COALESCE(i.product_id, 0), inspection_station_of(i.inspection_code), COALESCE(i.inspector_id, 0),
       count(*), count(*) FILTER (WHERE i.status = 'completed'), count(*) FILTER (WHERE r.bad),
       count(*) FILTER (WHERE r.unc), count(*) FILTER (WHERE a.res),
       count(*) FILTER (WHERE r.bad AND a.acted IS NOT TRUE), count(*) FILTER (WHERE r.unc AND a.acted IS NOT TRUE),
       COALESCE(sum(f.gs), 0), COALESCE(sum(f.gc), 0)
FROM inspections i
LEFT JOIN r ON r.inspection_id = i.inspection_id
LEFT JOIN a ON a.inspection_id = i.inspection_id
LEFT JOIN f ON f.inspection_id = i.inspection_id
GROUP BY 1, 2, 3, 4, 5
"""
AGG_DAILY = """
SELECT stat_day, shift, product_id, station_id, inspector_id, inspections, completed, defects, uncertain, resolved,
       pending_actions, pending_reviews, guide_rating_sum, guide_rating_count
FROM inspection_stats_daily WHERE (inspections, guide_rating_count) <> (0, 0)
"""
AGG_TOTAL = """
SELECT product_id, station_id, inspector_id, inspections, completed, defects, uncertain, resolved, pending_actions,
       pending_reviews, guide_rating_sum, guide_rating_count
FROM inspection_stats_total WHERE (inspections, guide_rating_count) <> (0, 0)
"""
DASHBOARD_COLUMNS = ("total_inspection_count", "defect_detected_count", "resolved_count", "pending_action_count",
                     "uncertain_count", "pending_review_count")


def _rows(engine: Engine, sql: str) -> dict[tuple, tuple]:  # type: ignore[type-arg]
    with engine.connect() as conn:
        conn.execute(text("SET work_mem = '256MB'"))
        return {tuple(r[:-9]): tuple(int(x) for x in r[-9:]) for r in conn.execute(text(sql))}


def brute_force_equal(engine: Engine, dashboard) -> tuple[bool, str]:  # type: ignore[no-untyped-def]
    """Daily and total aggregates and the dashboard's counts, each against the base tables."""
    brute = _rows(engine, BRUTE_DAILY)
    daily = _rows(engine, AGG_DAILY)
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0] * 9)  # type: ignore[type-arg]
    per_product: dict[int, list[int]] = defaultdict(lambda: [0] * 9)
    for (_d, _sh, p, st, u), counts in brute.items():
        totals[(p, st, u)] = [a + b for a, b in zip(totals[(p, st, u)], counts)]
        per_product[p] = [a + b for a, b in zip(per_product[p], counts)]
    total = _rows(engine, AGG_TOTAL)
    # dashboard columns: inspections, defects, resolved, pending actions, uncertain, pending reviews
    shown = {s.product_id: tuple(getattr(s, c) for c in DASHBOARD_COLUMNS) for s in dashboard()}
    expected = {p: (c[0], c[2], c[4], c[5], c[3], c[6]) for p, c in per_product.items()}
    checks = {
        "daily": daily == brute,
        "total": total == {k: tuple(v) for k, v in totals.items()},
        "dashboard": {p: v for p, v in shown.items() if any(v)} == {p: v for p, v in expected.items() if p}
        and shown.keys() >= {p for p in expected if p},
    }
    return all(checks.values()), ", ".join(f"{k} {'equal' if ok else 'NOT EQUAL'}" for k, ok in checks.items()) + \
        f" ({len(brute):,} daily keys, {sum(v[0] for v in per_product.values()):,} inspections)"


def exercise_triggers(engine: Engine) -> str:
    """Ordinary writes after the bulk load, every trigger on: new inspections with children, updates of
    verdicts, actions, statuses and feedback, deletes of children and of inspections."""
    with engine.begin() as conn:
        top = conn.execute(text("SELECT max(inspection_id) FROM inspection_registry")).scalar()
        newest = conn.execute(text("SELECT max(inspection_date) FROM inspection_registry")).scalar()
        new_ids = [r[0] for r in conn.execute(text("""
            INSERT INTO inspections (inspection_code, product_id, inspector_id, inspection_date, status)
            SELECT 'INS-' || to_char(CAST(:d AS timestamp), 'YYYYMMDD') || '-ST0' || lpad((g % 100)::text, 2, '0')
                   || '-9' || g, 1 + g % 20, 1 + g % 150, CAST(:d AS timestamp) - make_interval(secs => g),
                   'completed'
            FROM generate_series(1, 500) g RETURNING inspection_id"""), {"d": newest}).all()]
        conn.execute(text("""
            INSERT INTO inspection_results (inspection_id, defect_detected, verdict)
            SELECT i, i % 5 = 0, CASE WHEN i % 5 = 0 THEN 'FAIL' WHEN i % 7 = 0 THEN 'UNCERTAIN' ELSE 'PASS' END
            FROM unnest(CAST(:ids AS int[])) i"""), {"ids": new_ids})
        conn.execute(text("INSERT INTO action_logs (inspection_id, action_taken, action_result) "
                          "SELECT i, 'x', CASE WHEN i % 2 = 0 THEN 'resolved' END FROM unnest(CAST(:ids AS int[])) i "
                          "WHERE i % 5 = 0"), {"ids": new_ids})
        conn.execute(text("INSERT INTO feedbacks (inspection_id, rating, feedback_type) "
                          "SELECT i, 1 + i % 5, 'guide_quality' FROM unnest(CAST(:ids AS int[])) i WHERE i % 3 = 0"),
                     {"ids": new_ids})
        old = "inspection_id BETWEEN :lo AND :hi"
        p = {"lo": top // 2, "hi": top // 2 + 5000}
        conn.execute(text(f"UPDATE inspection_results SET verdict = 'FAIL', defect_detected = TRUE "
                          f"WHERE {old} AND verdict = 'PASS' AND inspection_id % 9 = 0"), p)
        conn.execute(text(f"UPDATE action_logs SET action_result = 'resolved' WHERE {old} "
                          f"AND action_result IS DISTINCT FROM 'resolved'"), p)
        conn.execute(text(f"UPDATE inspections SET status = 'cancelled' WHERE {old} AND inspection_id % 11 = 0 "
                          f"AND inspection_date >= (SELECT min(inspection_date) FROM inspection_registry WHERE {old}) "
                          f"AND inspection_date <= (SELECT max(inspection_date) FROM inspection_registry WHERE {old})"),
                     p)
        conn.execute(text(f"DELETE FROM feedbacks WHERE {old} AND inspection_id % 2 = 0"), p)
        conn.execute(text(f"DELETE FROM inspection_results WHERE {old} AND inspection_id % 13 = 0"), p)
        conn.execute(text(f"DELETE FROM inspections WHERE {old} AND inspection_id % 17 = 0 "
                          f"AND inspection_date >= (SELECT min(inspection_date) FROM inspection_registry WHERE {old}) "
                          f"AND inspection_date <= (SELECT max(inspection_date) FROM inspection_registry WHERE {old})"),
                     p)
    return f"500 inspections inserted with children; verdicts, actions, statuses updated, rows deleted in ids {p}"
