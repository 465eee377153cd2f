"""Benchmark: the central database at fleet scale (migration 0008).

1. Generates N inspections (default 1,000,000) with one result each (10 % FAIL, 4 % UNCERTAIN), actions
   on most defects and guide feedback on 5 %, spread over 12 months, 100 stations, 20 products, with
   INSERT ... SELECT generate_series through the partitioned table, so the registry and aggregate
   triggers do their real work.
2. Times (median of repeated runs) the dashboard (``dashboard_stats``), the recent list, three history
   filters and the fleet view, each next to its brute-force form over the base tables in the same run
   (0007's views and a GROUP BY over inspections), and checks that the numbers are equal.
3. 100 simulated stations push concurrently through the sync's own writer (CentralWriter: COPY into
   staging, INSERT ... ON CONFLICT), one inspection (with its result) every ~6 s each, for --seconds;
   an observer polls the centre and reports p50/p99 of recording-to-visible delay.

Run: scripts/with-postgres.sh .venv/bin/python benchmarks/bench_central_scale.py [--n 1000000] [--seconds 60]
Targets at 10 M: dashboard <= 100 ms, recent <= 50 ms, history filter <= 200 ms, fleet <= 200 ms, p99 <= 5 s.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from station.adapters.db import migrate  # noqa: E402
from station.adapters.db.database import open_database  # noqa: E402
from station.adapters.db.engine import make_engine  # noqa: E402
from station.adapters.db.reports_repo import SqlReportReader  # noqa: E402
from station.adapters.db.sqlddl import load_statements  # noqa: E402
from station.adapters.sync.central import CentralWriter  # noqa: E402
from station.adapters.sync.tables import PUSHED_BY_NAME  # noqa: E402
from station.domain.reports import HistoryFilter  # noqa: E402

STATIONS, PRODUCTS, WORKERS = 100, 20, 150
START = datetime(2025, 12, 1)

BRUTE_FLEET = """
SELECT split_part(i.inspection_code, '-', 3) AS station, i.product_id, count(*) AS n,
       count(*) FILTER (WHERE i.status = 'completed') AS completed,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM inspection_results r WHERE r.inspection_id = i.inspection_id
                                      AND r.defect_detected)) AS defects,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM inspection_results r WHERE r.inspection_id = i.inspection_id
                                      AND r.verdict = 'UNCERTAIN')) AS uncertain
FROM inspections i WHERE i.inspection_date >= :since GROUP BY 1, 2
"""


def _new_db(admin_url: str, name: str) -> str:
    engine = make_engine(admin_url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def _catalogue(conn) -> None:  # type: ignore[no-untyped-def]
    conn.execute(text("INSERT INTO products (product_code, product_name) SELECT 'p' || g, '제품 ' || g "
                      "FROM generate_series(1, :n) g"), {"n": PRODUCTS})
    conn.execute(text("INSERT INTO defect_types (product_id, defect_code, defect_name_ko) "
                      "SELECT p, 'd' || k, '불량 ' || k FROM generate_series(1, :n) p, generate_series(1, 3) k"),
                 {"n": PRODUCTS})
    conn.execute(text("INSERT INTO users (username, email, password_hash) SELECT 'worker' || g, "
                      "'w' || g || '@example.com', 'h' FROM generate_series(1, :n) g"), {"n": WORKERS})
    conn.execute(text("INSERT INTO images (product_id, image_type, file_name, file_path) "
                      "SELECT p, 'normal', 'n', 'ref/' || p || '/' || k FROM generate_series(1, :n) p, "
                      "generate_series(1, 50) k"), {"n": PRODUCTS})


def _generate(url: str, n: int, batch: int) -> float:
    step = 365 * 86400 / n  # seconds between inspections: N over a year
    engine = make_engine(url)
    t0 = time.perf_counter()
    for lo in range(1, n + 1, batch):
        hi = min(lo + batch - 1, n)
        with engine.begin() as conn:
            p = {"lo": lo, "hi": hi, "step": step, "start": START, "st": STATIONS, "pr": PRODUCTS, "w": WORKERS}
            conn.execute(text("""
                INSERT INTO inspections (inspection_id, inspection_code, product_id, inspector_id, inspection_date,
                                         status, processing_time)
                SELECT g, 'INS-' || to_char(d, 'YYYYMMDD') || '-ST' || lpad((g % :st)::text, 3, '0') || '-' || g,
                       1 + (g % :st) % :pr, 1 + (g % :w), d, CASE WHEN g % 50 = 7 THEN 'pending' ELSE 'completed' END,
                       0.05
                FROM generate_series(CAST(:lo AS int), CAST(:hi AS int)) g,
                     LATERAL (SELECT CAST(:start AS timestamp) + make_interval(secs => g * :step) AS d) x"""), p)
            conn.execute(text("""
                INSERT INTO inspection_results (inspection_id, defect_detected, defect_type_id, anomaly_score,
                                                confidence_score, verdict)
                SELECT g, g % 10 = 0, CASE WHEN g % 10 = 0 THEN 1 + 3 * ((g % :st) % :pr) END,
                       CASE WHEN g % 10 = 0 THEN 0.9 ELSE 0.1 END, 0.8,
                       CASE WHEN g % 10 = 0 THEN 'FAIL' WHEN g % 25 = 1 THEN 'UNCERTAIN' ELSE 'PASS' END
                FROM generate_series(CAST(:lo AS int), CAST(:hi AS int)) g"""), p)
            conn.execute(text("""
                INSERT INTO action_logs (inspection_id, action_taken, action_result, action_date)
                SELECT g, '조치', CASE WHEN g % 30 = 0 THEN 'pending' ELSE 'resolved' END,
                       CAST(:start AS timestamp) + make_interval(secs => g * :step + 600)
                FROM generate_series(CAST(:lo AS int), CAST(:hi AS int)) g WHERE g % 10 = 0 AND g % 70 <> 0"""), p)
            conn.execute(text("""
                INSERT INTO feedbacks (inspection_id, user_id, rating, feedback_type)
                SELECT g, 1 + (g % :w), 1 + g % 5, 'guide_quality'
                FROM generate_series(CAST(:lo AS int), CAST(:hi AS int)) g WHERE g % 20 = 0"""), p)
        print(f"  generated {hi:,} inspections ({time.perf_counter() - t0:.0f} s)", flush=True)
    with engine.begin() as conn:
        conn.execute(text("SELECT setval('inspections_inspection_id_seq', :n)"), {"n": n})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("inspections", "inspection_registry", "inspection_results", "action_logs", "feedbacks",
                      "inspection_stats_daily", "inspection_stats_total", "images"):
            conn.execute(text(f"VACUUM ANALYZE {table}"))
    engine.dispose()
    return time.perf_counter() - t0


def _time(fn, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), result


def _queries(url: str, n: int) -> None:
    db = open_database(url)
    reader = SqlReportReader(db)
    engine = db.engine
    brute_dash = [s for s in load_statements("0007_result_verdicts.sql", "postgresql")
                  if s.startswith("CREATE OR REPLACE VIEW dashboard_stats AS")][0]
    brute_dash = brute_dash.removeprefix("CREATE OR REPLACE VIEW dashboard_stats AS").rstrip(";")
    brute_recent = [s for s in load_statements("0007_result_verdicts.sql", "postgresql")
                    if s.startswith("CREATE OR REPLACE VIEW recent_inspections AS")][0]
    brute_recent = brute_recent.removeprefix("CREATE OR REPLACE VIEW recent_inspections AS").rstrip(";")
    # 0007's recent view reads inspections by MAX(result_id) subqueries: same rows, other plan

    def sql(q: str, **p):  # type: ignore[no-untyped-def]
        def run():  # type: ignore[no-untyped-def]
            with engine.connect() as conn:
                return conn.execute(text(q), p).all()
        return run

    last_day = (START + timedelta(days=364)).date()
    since = last_day - timedelta(days=6)
    month_start = START + timedelta(days=200)
    cases = [
        ("dashboard (dashboard_stats)", reader.dashboard, sql(brute_dash), 100),
        ("recent list (recent_inspections)", sql("SELECT * FROM recent_inspections"), sql(brute_recent), 50),
        ("history: product + month + defects only, 200 rows",
         lambda: reader.history(HistoryFilter(product_id=3, start=month_start, end=month_start + timedelta(days=30),
                                              defects_only=True, limit=200)), None, 200),
        ("history: one inspector, newest 200", lambda: reader.history(HistoryFilter(inspector="worker7", limit=200)),
         None, 200),
        ("history: action status 미조치, newest 100",
         lambda: reader.history(HistoryFilter(action_status="미조치", limit=100)), None, 200),
        ("fleet view (7 days)", lambda: reader.fleet(since), sql(BRUTE_FLEET, since=since), 200),
    ]
    print(f"\nqueries at {n:,} inspections (median; brute force over the base tables in the same run)")
    for name, fast, brute, target in cases:
        ms, fast_result = _time(fast, 7)
        line = f"  {name:<52} {ms:9.1f} ms  (target <= {target} ms)"
        if brute is not None:
            bms, brute_result = _time(brute, 1)
            line += f"   brute force {bms:9.1f} ms"
            if name.startswith("dashboard"):
                fast_n = sorted((s.product_id, s.total_inspection_count, s.defect_detected_count, s.resolved_count,
                                 s.pending_action_count, s.uncertain_count, s.pending_review_count)
                                for s in fast_result)  # type: ignore[attr-defined]
                brute_n = sorted((r.product_id, r.total_inspection_count, r.defect_detected_count, r.resolved_count,
                                  r.pending_action_count, r.uncertain_count, r.pending_review_count)
                                 for r in brute_result)  # type: ignore[attr-defined]
                line += "   equal" if fast_n == brute_n else "   NOT EQUAL"
            elif name.startswith("recent"):
                line += "   equal" if fast_result == brute_result else "   NOT EQUAL"
            elif name.startswith("fleet"):
                f = sorted((r.station_id, r.inspections, r.completed, r.defects, r.uncertain)
                           for r in fast_result if r.inspections)  # type: ignore[attr-defined]
                b = sorted((r.station, r.n, r.completed, r.defects, r.uncertain) for r in brute_result)  # type: ignore
                line += "   equal" if f == b else "   NOT EQUAL"
        print(line, flush=True)
    db.dispose()


def _simulate(url: str, stations: int, seconds: float, period: float) -> None:
    engine = make_engine(url)  # the observer's
    recorded: dict[str, float] = {}
    seen: dict[str, float] = {}
    stop = time.monotonic() + seconds
    lock = threading.Lock()
    errors: list[str] = []
    ins_spec, res_spec = PUSHED_BY_NAME["inspections"], PUSHED_BY_NAME["inspection_results"]

    def station(k: int) -> None:
        sid = f"SIM{k:03d}"
        own = make_engine(url)  # a station has its own connection to the centre
        writer = CentralWriter(own, sid)
        rnd = random.Random(k)
        seq = 0
        time.sleep(rnd.uniform(0, period))
        while time.monotonic() < stop:
            seq += 1
            now = datetime.utcnow()
            code = f"INS-{now:%Y%m%d}-{sid}-{seq:04d}"
            iu, ru = str(uuid.uuid4()), str(uuid.uuid4())
            ins = {"inspection_code": code, "product_id": f"p{1 + k % PRODUCTS}", "test_image_id": None,
                   "reference_image_id": None, "inspector_id": f"worker{1 + k % WORKERS}", "inspection_date": now,
                   "status": "completed", "processing_time": 0.05, "sync_uuid": iu}
            res = {c: None for c in res_spec.columns}
            res.update({"inspection_id": iu, "defect_detected": seq % 10 == 0, "anomaly_score": 0.5,
                        "confidence_score": 0.8, "verdict": "FAIL" if seq % 10 == 0 else "PASS", "sync_uuid": ru,
                        "guide_generated": False, "created_at": now})
            with lock:
                recorded[code] = time.monotonic()
            try:
                batch = [writer.encode(ins_spec, [[ins.get(c) for c in ins_spec.columns]]),
                         writer.encode(res_spec, [[res.get(c) for c in res_spec.columns]])]
                writer.push(batch, {})
            except Exception as exc:  # noqa: BLE001 - counted and reported
                errors.append(str(exc).splitlines()[0])
            time.sleep(rnd.expovariate(1 / period))
        own.dispose()

    def observer() -> None:
        last = 0
        with engine.connect() as conn:
            last = conn.execute(text("SELECT COALESCE(max(inspection_id), 0) FROM inspection_registry")).scalar()
        while time.monotonic() < stop + 5:
            # ids are taken at insert, rows become visible at commit: look back below the highest id seen
            with engine.connect() as conn:
                rows = conn.execute(text("SELECT inspection_id, inspection_code FROM inspection_registry "
                                         "WHERE inspection_id > :l"), {"l": last - 500}).all()
            t = time.monotonic()
            for iid, code in rows:
                seen.setdefault(code, t)
                last = max(last, iid)
            time.sleep(0.05)

    threads = [threading.Thread(target=station, args=(k,)) for k in range(stations)]
    obs = threading.Thread(target=observer)
    obs.start()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    obs.join()
    delays = sorted(seen[c] - t for c, t in recorded.items() if c in seen)
    lost = len(recorded) - len(delays)
    print(f"\n{stations} stations for {seconds:.0f} s, one inspection every ~{period:.0f} s each: "
          f"{len(recorded)} recorded, {len(delays)} visible at the centre, {lost} not visible, {len(errors)} errors")
    if errors:
        print("  first error:", errors[0])
    if delays:
        p50 = delays[len(delays) // 2]
        p99 = delays[min(len(delays) - 1, int(len(delays) * 0.99))]
        print(f"  recording -> visible: p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {delays[-1] * 1000:.0f} ms "
              "(target p99 <= 5 s)")
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=250_000)
    parser.add_argument("--stations", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--period", type=float, default=6.0, help="mean seconds between a station's inspections")
    args = parser.parse_args()
    admin = os.environ.get("STATION_TEST_PG_URL")
    if not admin:
        print("run under scripts/with-postgres.sh (STATION_TEST_PG_URL)", file=sys.stderr)
        return 2
    url = _new_db(admin, "bench_central_scale")
    engine = make_engine(url)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        _catalogue(conn)
    engine.dispose()
    print(f"generating {args.n:,} inspections with results, actions and feedback")
    seconds = _generate(url, args.n, args.batch)
    print(f"generated in {seconds:.0f} s ({args.n / seconds:,.0f} inspections/s incl. triggers and VACUUM ANALYZE)")
    _queries(url, args.n)
    _simulate(url, args.stations, args.seconds, args.period)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
