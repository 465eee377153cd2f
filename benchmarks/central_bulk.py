"""Bulk generation of a central database for bench_central_scale.py: N inspections with results, actions
and feedback, written server-side (INSERT ... SELECT FROM generate_series) in a few large statements.

During the load the triggers (registry, aggregates, audit) and the foreign-key checks are off for the loading
session only (``session_replication_role = replica``, a superuser setting; every other session keeps them),
and the secondary indexes are dropped. Afterwards, set-based: the registry is filled in one
statement per batch as well (its counters from the same draws as the children), the aggregates are rebuilt
from it by ``inspection_stats_rebuild()``, the indexes are created again and
the tables vacuumed and analysed. Nothing is audited for the generated rows (audit_logs would hold one
JSON row per generated row); every write after the load goes through the triggers as usual.

The data: ``STATIONS`` stations of one or two products each, ``PRODUCTS`` products with 3 defect types,
``WORKERS`` inspectors (each station's work by a few of them, by shift), inspections evenly spread over
``months`` months ending at the end of last month. Per inspection a pseudo-random draw (hashint4 of its id,
so every statement draws the same) gives: 8 % FAIL, 4 % UNCERTAIN, 1 % not completed; actions on 85 % of
the FAILs (75 % resolved, 10 % pending, 5 % failed, 10 % still without a result) and on half of the
UNCERTAINs (resolved); guide feedback (rating 1-5) on 30 % of the FAILs.
"""

from __future__ import annotations

import time
from datetime import date

from sqlalchemy import Engine, text

STATIONS, PRODUCTS, WORKERS = 100, 20, 150
LOADED = ("inspections", "inspection_registry", "inspection_results", "action_logs", "feedbacks")

# Draws of an inspection g, each in 0..999 from its own hash.
_DRAW = "(abs(hashint4(g * 7 + {k})) % 1000)"
_VERDICT = (f"CASE WHEN {_DRAW.format(k=1)} < 80 THEN 'FAIL' WHEN {_DRAW.format(k=1)} < 120 THEN 'UNCERTAIN' "
            "ELSE 'PASS' END")
_STATION = "(abs(hashint4(g * 7 + 2)) % :st)"

_INSPECTIONS = f"""
INSERT INTO inspections (inspection_id, inspection_code, product_id, inspector_id, inspection_date, status,
                         processing_time)
SELECT g, 'INS-' || to_char(d, 'YYYYMMDD') || '-ST' || lpad(st::text, 3, '0') || '-' || g,
       1 + (st + CASE WHEN {_DRAW.format(k=3)} < 150 THEN 7 ELSE 0 END) % :pr,
       1 + (st * 3 + extract(hour FROM d)::int / 8) % :w, d,
       CASE WHEN {_DRAW.format(k=4)} < 10 THEN 'pending' ELSE 'completed' END,
       0.03 + {_DRAW.format(k=5)} / 10000.0
FROM generate_series(CAST(:lo AS int), CAST(:hi AS int)) g,
     LATERAL (SELECT CAST(:start AS timestamp) + make_interval(secs => g * :step) AS d, {_STATION} AS st) x
"""
_RESULTS = f"""
INSERT INTO inspection_results (inspection_id, defect_detected, defect_type_id, anomaly_score, confidence_score,
                                verdict, created_at)
SELECT g, v = 'FAIL', CASE WHEN v = 'FAIL' THEN 1 + 3 * ((st + CASE WHEN {_DRAW.format(k=3)} < 150 THEN 7 ELSE 0 END)
                                                       % :pr) + {_DRAW.format(k=6)} % 3 END,
       CASE v WHEN 'FAIL' THEN 0.7 WHEN 'UNCERTAIN' THEN 0.5 ELSE 0.1 END + {_DRAW.format(k=6)} / 5000.0,
       0.6 + {_DRAW.format(k=5)} / 2500.0, v, CAST(:start AS timestamp) + make_interval(secs => g * :step + 1)
FROM generate_series(CAST(:lo AS int), CAST(:hi AS int)) g,
     LATERAL (SELECT {_VERDICT} AS v, {_STATION} AS st) x
"""
# a = the action draw: FAIL: < 750 resolved, < 850 pending, < 900 failed, < 1000 no result yet (only < 850 of
# the draw k=8 get an action at all); UNCERTAIN: an action (resolved) on half.
_ACTIONS = f"""
INSERT INTO action_logs (inspection_id, action_taken, action_result, action_date)
SELECT g, CASE WHEN v = 'FAIL' THEN '재작업' ELSE '검토' END,
       CASE WHEN v = 'UNCERTAIN' THEN 'resolved' WHEN a < 750 THEN 'resolved' WHEN a < 850 THEN 'pending'
            WHEN a < 900 THEN 'failed' END,
       CAST(:start AS timestamp) + make_interval(secs => g * :step + 600)
FROM generate_series(CAST(:lo AS int), CAST(:hi AS int)) g,
     LATERAL (SELECT {_VERDICT} AS v, {_DRAW.format(k=7)} AS a, {_DRAW.format(k=8)} AS has) x
WHERE (v = 'FAIL' AND has < 850) OR (v = 'UNCERTAIN' AND has < 500)
"""
_FEEDBACKS = f"""
INSERT INTO feedbacks (inspection_id, user_id, rating, feedback_type, created_at)
SELECT g, 1 + ({_STATION} * 3) % :w, 1 + {_DRAW.format(k=9)} % 5, 'guide_quality',
       CAST(:start AS timestamp) + make_interval(secs => g * :step + 900)
FROM generate_series(CAST(:lo AS int), CAST(:hi AS int)) g, LATERAL (SELECT {_VERDICT} AS v) x
WHERE v = 'FAIL' AND {_DRAW.format(k=10)} < 300
"""
# The registry rows of the same inspections, their counters from the same draws (received 30 s after the
# inspection); written per batch like the tables, so no statement joins 10 M rows. Whether they agree with the
# tables is what the brute-force check after the load compares (the aggregates are rebuilt from them).
_REGISTRY = f"""
INSERT INTO inspection_registry (inspection_id, inspection_code, sync_uuid, inspection_date, product_id, station_id,
    inspector_id, status, received_at, defect_results, uncertain_results, resolved_actions, actions_with_result,
    actions, guide_rating_sum, guide_rating_count)
SELECT i.inspection_id, i.inspection_code, i.sync_uuid, i.inspection_date, i.product_id,
       inspection_station_of(i.inspection_code), i.inspector_id, i.status, i.inspection_date + interval '30 seconds',
       (v = 'FAIL')::int, (v = 'UNCERTAIN')::int,
       ((v = 'FAIL' AND has < 850 AND a < 750) OR (v = 'UNCERTAIN' AND has < 500))::int,
       ((v = 'FAIL' AND has < 850 AND a < 900) OR (v = 'UNCERTAIN' AND has < 500))::int,
       ((v = 'FAIL' AND has < 850) OR (v = 'UNCERTAIN' AND has < 500))::int,
       CASE WHEN v = 'FAIL' AND fb < 300 THEN 1 + {_DRAW.format(k=9)} % 5 ELSE 0 END,
       (v = 'FAIL' AND fb < 300)::int
FROM inspections i,
     LATERAL (SELECT i.inspection_id AS g) gg,
     LATERAL (SELECT {_VERDICT} AS v, {_DRAW.format(k=7)} AS a, {_DRAW.format(k=8)} AS has,
                     {_DRAW.format(k=10)} AS fb) x
WHERE i.inspection_id BETWEEN CAST(:lo AS int) AND CAST(:hi AS int)
"""


def first_month(months: int, today: date | None = None) -> date:
    today = today or date.today()
    m = today.year * 12 + today.month - 1 - months
    return date(m // 12, m % 12 + 1, 1)


def catalogue(conn) -> None:  # type: ignore[no-untyped-def]
    conn.execute(text("INSERT INTO products (product_code, product_name) SELECT 'p' || g, '제품 ' || g "
                      "FROM generate_series(1, :n) g"), {"n": PRODUCTS})
    conn.execute(text("INSERT INTO defect_types (product_id, defect_code, defect_name_ko) "
                      "SELECT p, 'd' || k, (ARRAY['기공', '균열', '이물'])[k] || ' ' || p "
                      "FROM generate_series(1, :n) p, generate_series(1, 3) k ORDER BY p, k"), {"n": PRODUCTS})
    conn.execute(text("INSERT INTO users (username, email, password_hash) SELECT 'worker' || g, "
                      "'w' || g || '@example.com', 'h' FROM generate_series(1, :n) g"), {"n": WORKERS})
    conn.execute(text("INSERT INTO images (product_id, image_type, file_name, file_path) "
                      "SELECT p, 'normal', 'n', 'ref/' || p || '/' || k FROM generate_series(1, :n) p, "
                      "generate_series(1, 50) k"), {"n": PRODUCTS})


def _secondary_indexes(conn) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(name, CREATE statement) of the loaded tables' indexes that back no constraint."""
    rows = conn.execute(text("""
        SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
        JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
        WHERE t.relname = ANY(:tables) AND t.relnamespace = 'public'::regnamespace
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
        ORDER BY 1"""), {"tables": list(LOADED)}).all()
    return [(name, ddl.replace(" ON ONLY ", " ON ")) for name, ddl in rows]


def _log(t0: float, what: str) -> None:
    print(f"  {time.perf_counter() - t0:7.0f} s  {what}", flush=True)


def generate(engine: Engine, n: int, months: int, batch: int = 1_000_000) -> dict[str, float]:
    """Loads ``n`` inspections and their children; returns seconds per phase."""
    start = first_month(months)
    end = first_month(0)
    step = (end - start).days * 86400 / (n + 1)  # seconds between inspections
    t0 = time.perf_counter()
    phases: dict[str, float] = {}
    with engine.begin() as conn:
        m = start
        while m < end:
            nxt = date(m.year + m.month // 12, m.month % 12 + 1, 1)
            conn.execute(text(f"CREATE TABLE IF NOT EXISTS inspections_{m:%Y_%m} PARTITION OF inspections "
                              f"FOR VALUES FROM ('{m:%Y-%m-%d}') TO ('{nxt:%Y-%m-%d}')"))
            m = nxt
        indexes = _secondary_indexes(conn)
        for name, _ddl in indexes:
            conn.execute(text(f"DROP INDEX {name}"))
    _log(t0, f"{months} monthly partitions from {start}, {len(indexes)} secondary indexes dropped")
    params = {"step": step, "start": start, "st": STATIONS, "pr": PRODUCTS, "w": WORKERS}
    t = time.perf_counter()
    for lo in range(1, n + 1, batch):
        hi = min(lo + batch - 1, n)
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))  # this session only
            conn.execute(text("SET LOCAL synchronous_commit = off"))
            for sql in (_INSPECTIONS, _RESULTS, _ACTIONS, _FEEDBACKS, _REGISTRY):
                conn.execute(text(sql), {**params, "lo": lo, "hi": hi})
        _log(t0, f"{hi:,} inspections with results, actions, feedback and registry rows")
    with engine.begin() as conn:
        conn.execute(text("SELECT setval('inspections_inspection_id_seq', :n)"), {"n": n})
    phases["rows"] = time.perf_counter() - t
    t = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL work_mem = '256MB'"))
        conn.execute(text("SELECT inspection_stats_rebuild()"))
    _log(t0, "aggregates rebuilt (inspection_stats_rebuild)")
    phases["aggregates"] = time.perf_counter() - t
    t = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("SET maintenance_work_mem = '512MB'"))
        for _name, ddl in indexes:
            conn.execute(text(ddl))
        _log(t0, f"{len(indexes)} indexes created again")
        phases["indexes"] = time.perf_counter() - t
        t = time.perf_counter()
        for table in (*LOADED, "inspection_stats_daily", "inspection_stats_total", "images"):
            conn.execute(text(f"VACUUM (ANALYZE) {table}"))
    _log(t0, "VACUUM ANALYZE")
    phases["vacuum"] = time.perf_counter() - t
    phases["total"] = time.perf_counter() - t0
    return phases
