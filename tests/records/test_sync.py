"""Sync of faithful records against a real PostgreSQL centre: verdict, thresholds and provenance arrive
(and later provenance updates too); a recorded inspection wakes the sync thread at once; a threshold
changed at the station survives the next pull, a newer change made at the centre wins."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import text

from station.adapters.db.catalog_repo import SqlCatalogRepository
from station.adapters.db.engine import make_engine
from station.adapters.db.manuals_repo import SqlManualRepository
from station.domain.inspection import InspectionRecord
from station.domain.inspection import TestImage as StoredImage
from station.services.records import SyncService
from tests.support.sync import make_station, prepare_central

PROVENANCE = {"backbone": "mobilenet_v3_large", "bank_sha256": "cd" * 32, "model_config_id": "c0ffee",
              "manual_id": None, "manual_version": None, "guide_model": None}


def _uncertain(pid: int, uid: int) -> InspectionRecord:
    return InspectionRecord(
        product_id=pid, inspector_id=uid, image=StoredImage(file_name="u.png", file_path="image/aa/u.png"),
        defect_detected=True, anomaly_score=0.79, verdict="UNCERTAIN", image_threshold=0.85,
        pixel_threshold=0.9, review_threshold=0.7, provenance=PROVENANCE,
        inspected_at=datetime.now(timezone.utc).replace(tzinfo=None))


def test_verdict_thresholds_and_provenance_reach_the_centre(pg_empty_url: str, tmp_path: Path) -> None:
    central = prepare_central(pg_empty_url)
    st = make_station(tmp_path, "ST31", central)
    assert st.service.run_once(pull=True).error is None
    pid, users, _ = st.ids()
    recorded = st.recorder.record(_uncertain(pid, users["kim_worker"]))
    report = st.service.run_once()
    assert report.error is None, report.error
    engine = make_engine(central)
    query = text("SELECT r.defect_detected, r.verdict, r.image_threshold, r.pixel_threshold, r.review_threshold, "
                 "r.provenance FROM inspection_results r JOIN inspections i USING (inspection_id) "
                 "WHERE i.inspection_code = :c")
    with engine.connect() as conn:
        row = conn.execute(query, {"c": recorded.inspection_code}).one()
    assert (row.defect_detected, row.verdict) == (False, "UNCERTAIN")
    assert (row.image_threshold, row.pixel_threshold, row.review_threshold) == (0.85, 0.9, 0.7)
    assert row.provenance == PROVENANCE

    # The guide, written later, adds its provenance: pushed as an update of the mutable columns.
    SqlManualRepository(st.db).save_guide(recorded.result_id, "## 조치", 0.7, guide_model="template")
    assert st.service.run_once().error is None
    with engine.connect() as conn:
        row = conn.execute(query, {"c": recorded.inspection_code}).one()
        state = conn.execute(text("SELECT action_status, verdict FROM recent_inspections "
                                  "WHERE inspection_code = :c"), {"c": recorded.inspection_code}).one()
    engine.dispose()
    assert row.provenance == {**PROVENANCE, "guide_model": "template"}
    assert tuple(state) == ("검토대기", "UNCERTAIN")


class _CountingGateway:
    """The real gateway, plus an event per pass (the thread's passes are observed, not timed)."""

    def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
        self._inner = inner
        self.passes = 0
        self.second_pass = threading.Event()

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._inner, name)

    @property
    def configured(self) -> bool:
        return self._inner.configured

    def push_batch(self, limit: int):  # type: ignore[no-untyped-def]
        result = self._inner.push_batch(limit)
        if result.entries == 0:  # the end of one pass's push
            self.passes += 1
            if self.passes >= 2:
                self.second_pass.set()
        return result


def test_a_recorded_inspection_wakes_the_sync_at_once(pg_empty_url: str, tmp_path: Path) -> None:
    central = prepare_central(pg_empty_url)
    st = make_station(tmp_path, "ST32", central)
    assert st.service.run_once(pull=True).error is None
    gateway = _CountingGateway(st.gateway)
    # An hour between periodic passes: only the wake-up can start the second pass.
    service = SyncService(gateway, interval=3600.0, pull_interval=3600.0)  # type: ignore[arg-type]
    st.recorder.on_recorded = service.trigger
    pid, users, _ = st.ids()
    service.start()
    try:
        recorded = st.recorder.record(_uncertain(pid, users["kim_worker"]))
        assert gateway.second_pass.wait(120), "the recorded inspection did not start a sync pass"
    finally:
        service.stop()
    engine = make_engine(central)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM inspections WHERE inspection_code = :c"),
                            {"c": recorded.inspection_code}).scalar() == 1
    engine.dispose()


def test_the_station_wires_its_recorder_to_the_sync(tmp_path: Path) -> None:
    from station.app.station import build_station
    from station.config import load_settings

    ctx = build_station(load_settings(home=tmp_path / "home"))
    try:
        assert not ctx.sync.wake_pending
        assert ctx.recorder.on_recorded == ctx.sync.trigger
        ctx.recorder.on_recorded()  # what record() calls after its commit
        assert ctx.sync.wake_pending
    finally:
        ctx.close()


def test_pull_keeps_a_local_threshold_change_until_the_centre_changes_later(pg_empty_url: str,
                                                                           tmp_path: Path) -> None:
    central = prepare_central(pg_empty_url)
    engine = make_engine(central)
    long_ago = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=365)  # the centre's configuration predates any change made here
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO model_configs (product_id, model_type, config_name, image_threshold, pixel_threshold, "
            "preprocessing, updated_at) SELECT product_id, 'anomaly_detection', 'line-1', 0.85, 0.9, "
            "'{\"resize\": 256}', :t FROM products WHERE product_code = 'p1'"), {"t": long_ago})
    st = make_station(tmp_path, "ST33", central)
    assert st.service.run_once(pull=True).error is None
    catalog = SqlCatalogRepository(st.db)
    pid, _, _ = st.ids()
    pulled = catalog.get_model_config(pid)
    assert (pulled.image_threshold, pulled.preprocessing) == (0.85, {"resize": 256})

    from dataclasses import replace
    catalog.save_model_config(replace(pulled, image_threshold=0.8, preprocessing={"resize": 320}))
    report = st.service.run_once(pull=True)
    assert report.error is None and report.pulled["model_configs"] == 0
    kept = catalog.get_model_config(pid)
    assert (kept.image_threshold, kept.preprocessing) == (0.8, {"resize": 320})
    with engine.connect() as conn:  # ... and the station's change went up to the centre
        assert tuple(conn.execute(text("SELECT image_threshold, preprocessing FROM model_configs")).one()) == \
            (0.8, {"resize": 320})

    with engine.begin() as conn:  # a later change at the centre wins
        later = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(minutes=1)
        conn.execute(text("UPDATE model_configs SET image_threshold = 0.9, updated_at = :t"), {"t": later})
    engine.dispose()
    report = st.service.run_once(pull=True)
    assert report.error is None and report.pulled["model_configs"] == 1
    assert catalog.get_model_config(pid).image_threshold == 0.9
    # The pulled row is queued here again; sending it back changes nothing at the centre.
    again = st.service.run_once(pull=True)
    assert again.error is None and again.pushed_rows == {} and again.pulled["model_configs"] == 0
    engine = make_engine(central)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT image_threshold FROM model_configs")).scalar() == 0.9
    engine.dispose()


def test_an_older_station_change_does_not_overwrite_a_newer_one_at_the_centre(pg_empty_url: str,
                                                                               tmp_path: Path) -> None:
    central = prepare_central(pg_empty_url)
    st = make_station(tmp_path, "ST34", central)
    assert st.service.run_once(pull=True).error is None
    pid, _, _ = st.ids()
    catalog = SqlCatalogRepository(st.db)
    from station.domain.catalog import ModelConfigInfo
    saved = catalog.save_model_config(ModelConfigInfo(config_id=None, product_id=pid, image_threshold=0.8))
    assert st.service.run_once(pull=False).error is None
    engine = make_engine(central)
    with engine.begin() as conn:  # changed at the centre after the station's change
        later = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(minutes=5)
        conn.execute(text("UPDATE model_configs SET image_threshold = 0.88, updated_at = :t WHERE sync_uuid = :u"),
                     {"t": later, "u": saved.sync_uuid})
    with st.db.session() as s:  # the station's older row is sent again (e.g. re-queued after a recovery)
        s.execute(text("INSERT INTO sync_outbox (table_name, row_id) VALUES ('model_configs', :i)"),
                  {"i": saved.config_id})
    assert st.service.run_once(pull=False).error is None
    with engine.connect() as conn:
        assert conn.execute(text("SELECT image_threshold FROM model_configs WHERE sync_uuid = :u"),
                            {"u": saved.sync_uuid}).scalar() == 0.88
    engine.dispose()


def test_the_most_recently_changed_configuration_is_the_active_one(sqlite_url: str) -> None:
    from station.adapters.db.database import open_database

    db = open_database(sqlite_url, upgrade=True)
    with db.session() as s:
        s.execute(text("INSERT INTO products (product_code, product_name) VALUES ('p1', 'P')"))
        # row 2 arrived later (e.g. pulled from another station) but was changed before row 1
        s.execute(text("INSERT INTO model_configs (product_id, model_type, image_threshold, updated_at) VALUES "
                       "(1, 'anomaly_detection', 0.8, '2026-03-02 10:00:00'), "
                       "(1, 'anomaly_detection', 0.9, '2026-03-01 10:00:00')"))
    catalog = SqlCatalogRepository(db)
    assert catalog.get_model_config(1).image_threshold == 0.8
    older = catalog.get_model_config(1)
    with db.session() as s:
        s.execute(text("UPDATE model_configs SET updated_at = '2026-03-03 10:00:00' WHERE config_id = 2"))
    assert catalog.get_model_config(1).image_threshold == 0.9
    catalog.save_model_config(older)  # saving one makes it the newest change again
    assert catalog.get_model_config(1).config_id == older.config_id
    db.dispose()
