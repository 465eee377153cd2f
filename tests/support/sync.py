"""Helpers of the sync tests: a central database with a catalogue, stations with real SQLite stores."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from station.adapters.db import migrate
from station.adapters.db.database import Database, open_database
from station.adapters.db.engine import make_engine
from station.adapters.db.inspections_repo import SqlInspectionRecorder
from station.adapters.sync.gateway import SqlSyncGateway
from station.domain.inspection import InspectionRecord, TestImage
from station.services.records import SyncService

WORKERS = ("kim_worker", "lee_worker")


def prepare_central(url: str) -> str:
    """Migrates ``url`` and adds the centre-owned catalogue: product p1 with defects, two workers."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        pid = conn.execute(text(
            "INSERT INTO products (product_code, product_name) VALUES ('p1', '주조품') RETURNING product_id")).scalar()
        conn.execute(text("INSERT INTO defect_types (product_id, defect_code, defect_name_ko) "
                          "VALUES (:p, 'crack', '균열'), (:p, 'hole', '기공')"), {"p": pid})
        for name in WORKERS + ("park_boss",):
            uid = conn.execute(text(
                "INSERT INTO users (username, email, password_hash) VALUES (:u, :e, 'argon2-hash') RETURNING user_id"),
                {"u": name, "e": f"{name}@example.com"}).scalar()
            role = "manager" if name == "park_boss" else "worker"
            conn.execute(text("INSERT INTO user_roles (user_id, role_id) SELECT :u, role_id FROM roles "
                              "WHERE role_name = :r"), {"u": uid, "r": role})
    engine.dispose()
    return url


@dataclass
class Station:
    station_id: str
    db: Database
    gateway: SqlSyncGateway
    service: SyncService
    recorder: SqlInspectionRecorder

    def ids(self) -> tuple[int, dict[str, int], dict[str, int]]:
        with self.db.session() as s:
            pid = s.execute(text("SELECT product_id FROM products WHERE product_code = 'p1'")).scalar()
            users = dict(s.execute(text("SELECT username, user_id FROM users")).all())
            defects = dict(s.execute(text("SELECT defect_code, defect_type_id FROM defect_types")).all())
        return pid, users, defects


def make_station(home: Path, station_id: str, central_url: str | None, **options: float) -> Station:
    db = open_database(f"sqlite:///{home / 'station.sqlite3'}", upgrade=True)
    gateway = SqlSyncGateway(db, central_url, station_id)
    service = SyncService(gateway, **options)  # type: ignore[arg-type]
    return Station(station_id, db, gateway, service, SqlInspectionRecorder(db, station_id))


@cache
def recording_day() -> datetime:
    """08:00 yesterday: the default time of recorded inspections, relative so that no test ages (fixed once
    per process, so a run across midnight keeps one day)."""
    return (datetime.now() - timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)


def code_for(station_id: str, seq: int, day: datetime | None = None) -> str:
    """The inspection code the recorder gives the ``seq``-th inspection of ``day`` (default: recording_day())."""
    return f"INS-{(day or recording_day()):%Y%m%d}-{station_id}-{seq:04d}"


def record(station: Station, n: int, *, start: int = 0, worker: str = WORKERS[0],
           day: datetime | None = None) -> list[str]:
    """Records ``n`` inspections (image, metadata, inspection, result) from ``day`` (default: recording_day())
    on, one second apart; returns their codes."""
    day = day or recording_day()
    pid, users, defects = station.ids()
    codes = []
    for i in range(start, start + n):
        digest = hashlib.sha256(f"{station.station_id}-{i}".encode()).hexdigest()
        defect = i % 3 == 0
        rec = InspectionRecord(
            product_id=pid, inspector_id=users[worker], defect_detected=defect,
            defect_type_id=defects["crack"] if defect else None, anomaly_score=0.9 if defect else 0.1,
            confidence_score=0.8, image=TestImage(file_name=f"img{i}.png", file_path=f"image/{digest[:2]}/{digest}.png",
                                                  file_size=1000 + i, width=64, height=64, format="png",
                                                  exif_data={"i": i}),
            detected_regions=[{"x": 1, "y": 2, "w": 3, "h": 4, "score": 0.5}] if defect else [],
            processing_time=0.05, inspected_at=day + timedelta(seconds=i),
        )
        codes.append(station.recorder.record(rec).inspection_code)
    return codes


def central_counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        out = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in (
            "images", "image_metadata", "inspections", "inspection_results", "action_logs", "feedbacks",
            "deployments", "object_files")}
        out["distinct_codes"] = conn.execute(text("SELECT count(DISTINCT inspection_code) FROM inspections")).scalar()
    engine.dispose()
    return out
