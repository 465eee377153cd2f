"""Benchmark: a backlog of 10,000 inspections (image, metadata, inspection, result each) drains from a
station's SQLite outbox to PostgreSQL on loopback, compared with a raw COPY of the same rows into an
identical central database in the same run (same schema, same audit triggers).

Run: scripts/with-postgres.sh .venv/bin/python -m benchmarks.bench_sync [--n 10000] [--batch 4000]
Prints inspections/s of both and the ratio sync/COPY. Target: sync >= 5,000 inspections/s.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sqlite3
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from station.adapters.db.engine import make_engine
from tests.support.sync import make_station, prepare_central


def _new_db(admin_url: str, name: str) -> str:
    engine = make_engine(admin_url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def _rows(n: int, product_id: int, user_id: int, defect_id: int) -> dict[str, list[tuple]]:
    day = datetime(2026, 11, 26, 8, 0)
    out: dict[str, list[tuple]] = {"images": [], "image_metadata": [], "inspections": [], "inspection_results": []}
    for i in range(1, n + 1):
        digest = uuid.uuid4().hex * 2
        bad = i % 5 == 0
        out["images"].append((i, product_id, "test", f"cam{i}.png", f"image/{digest[:2]}/{digest}.png", 41000, 256,
                              256, "png", user_id, str(uuid.uuid4())))
        out["image_metadata"].append((i, i, json.dumps({"exposure": 8}), json.dumps({"resize": 256}), 0.93,
                                      str(uuid.uuid4())))
        out["inspections"].append((i, f"INS-20261126-BENCH-{i:05d}", product_id, i, user_id,
                                   (day + timedelta(seconds=i)).isoformat(sep=" "), "completed", 0.08,
                                   str(uuid.uuid4())))
        regions = json.dumps([{"x": 10, "y": 12, "w": 30, "h": 18, "score": 0.91}] if bad else [])
        out["inspection_results"].append((i, i, bad, defect_id if bad else None, 0.88, 0.91 if bad else 0.12,
                                          regions, None, str(uuid.uuid4())))
    return out


COLUMNS = {
    "images": "image_id, product_id, image_type, file_name, file_path, file_size, width, height, format, "
              "uploaded_by, sync_uuid",
    "image_metadata": "metadata_id, image_id, exif_data, preprocessing_applied, quality_score, sync_uuid",
    "inspections": "inspection_id, inspection_code, product_id, test_image_id, inspector_id, inspection_date, "
                   "status, processing_time, sync_uuid",
    "inspection_results": "result_id, inspection_id, defect_detected, defect_type_id, confidence_score, "
                          "anomaly_score, detected_regions, heatmap_path, sync_uuid",
}


def _fill_station(db_file: Path, rows: dict[str, list[tuple]]) -> None:
    """Writes the backlog as the recorder would (the outbox triggers queue every row)."""
    con = sqlite3.connect(db_file)
    con.create_function("REGEXP", 2, lambda p, v: True)
    with con:
        for table, data in rows.items():
            marks = ", ".join("?" for _ in data[0])
            con.executemany(f"INSERT INTO {table} ({COLUMNS[table]}) VALUES ({marks})", data)
    con.close()


def _copy(url: str, rows: dict[str, list[tuple]]) -> float:
    engine = make_engine(url)
    raw = engine.raw_connection()
    started = time.perf_counter()
    cur = raw.cursor()
    for table, data in rows.items():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerows(["" if v is None else v for v in row] for row in data)
        buffer.seek(0)
        cur.copy_expert(f"COPY {table} ({COLUMNS[table]}) FROM STDIN WITH (FORMAT csv)", buffer)
    raw.commit()
    elapsed = time.perf_counter() - started
    raw.close()
    engine.dispose()
    return elapsed


def _ids(url: str) -> tuple[int, int, int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        pid = conn.execute(text("SELECT product_id FROM products WHERE product_code = 'p1'")).scalar()
        uid = conn.execute(text("SELECT user_id FROM users WHERE username = 'kim_worker'")).scalar()
        did = conn.execute(text("SELECT defect_type_id FROM defect_types WHERE defect_code = 'crack'")).scalar()
    engine.dispose()
    return pid, uid, did


def _measure(admin: str, n: int, batch: int) -> tuple[float, float, int]:
    """One run: (sync seconds, COPY seconds, rows queued)."""
    sync_url = prepare_central(_new_db(admin, "bench_sync"))
    copy_url = prepare_central(_new_db(admin, "bench_copy"))
    with tempfile.TemporaryDirectory() as tmp:
        station = make_station(Path(tmp), "BENCH", sync_url, batch_size=batch)
        assert station.service.run_once(pull=True).error is None
        pid, users, defects = station.ids()
        _fill_station(Path(tmp) / "station.sqlite3", _rows(n, pid, users["kim_worker"], defects["crack"]))
        queued = sum(station.gateway.pending_rows().values())
        started = time.perf_counter()
        report = station.service.run_once(pull=False)
        sync_s = time.perf_counter() - started
        assert report.error is None, report.error
        assert station.gateway.pending_rows() == {}
        station.gateway.close()
        station.db.dispose()
    copy_s = _copy(copy_url, _rows(n, *_ids(copy_url)))
    engine = make_engine(sync_url)
    with engine.connect() as conn:
        arrived = conn.execute(text("SELECT count(*) FROM inspections")).scalar()
        results = conn.execute(text("SELECT count(*) FROM inspection_results")).scalar()
    engine.dispose()
    assert arrived == results == n, (arrived, results)
    for name in ("bench_sync", "bench_copy"):
        _new_db(admin, name)  # leave empty databases behind, not 10,000-row ones
    return sync_s, copy_s, queued


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=8000, help="outbox entries per central transaction")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best of each is reported")
    args = parser.parse_args()
    admin = os.environ.get("STATION_TEST_PG_URL")
    if not admin:
        print("run through scripts/with-postgres.sh", file=sys.stderr)
        return 2
    runs = [_measure(admin, args.n, args.batch) for _ in range(args.repeat)]
    for i, (sync_s, copy_s, _) in enumerate(runs, 1):
        print(f"run {i}: sync {args.n / sync_s:7.0f}/s  COPY {args.n / copy_s:7.0f}/s  ratio {copy_s / sync_s:.2f}")
    sync_s = min(r[0] for r in runs)
    copy_s = min(r[1] for r in runs)
    sync_rate, copy_rate = args.n / sync_s, args.n / copy_s
    print(f"backlog: {args.n} inspections = {runs[0][2]} rows in the outbox (image, metadata, inspection, result)")
    print(f"sync drain   : {sync_s:6.2f} s  {sync_rate:8.0f} inspections/s  (batch {args.batch} entries, "
          f"COPY-staged upserts, audit triggers on; best of {args.repeat})")
    print(f"raw COPY     : {copy_s:6.2f} s  {copy_rate:8.0f} inspections/s  (same rows, same schema and triggers; "
          f"best of {args.repeat})")
    print(f"ratio sync/COPY: {sync_rate / copy_rate:.2f}   target >= 5000 inspections/s: "
          f"{'met' if sync_rate >= 5000 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
