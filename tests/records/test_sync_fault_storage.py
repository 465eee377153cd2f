"""Fault: the object store is down. Rows still reach the centre, their files wait as 'pending' (here and
at the centre) while the sync retries, and the state resolves to 'stored' once the store is back.
A local file that no longer matches its content hash is reported as 'failed', never uploaded."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlalchemy import text

from station.adapters.db.engine import make_engine
from station.adapters.storage.local import LocalFolderStore
from station.adapters.sync.gateway import SqlSyncGateway
from station.domain.inspection import InspectionRecord
from station.domain.inspection import TestImage as CapturedImage
from station.services.records import SyncService
from tests.support.s3 import LoopbackS3
from tests.support.sync import make_station, prepare_central


@pytest.fixture
def s3() -> Iterator[LoopbackS3]:
    server = LoopbackS3()
    yield server
    server.stop()


def _central_states(url: str) -> dict[str, str]:
    engine = make_engine(url)
    with engine.connect() as conn:
        states = dict(conn.execute(text("SELECT object_key, state FROM object_files")).all())
    engine.dispose()
    return states


def _record_with_files(st, objects: LocalFolderStore, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    pid, users, _ = st.ids()
    keys = []
    for i in range(n):
        image = np.random.default_rng(i).integers(0, 255, (64, 64, 3), dtype=np.uint8)
        key = objects.put_bytes(cv2.imencode(".png", image)[1].tobytes(), kind="image", suffix=".png")
        heat = objects.put_bytes(cv2.imencode(".png", 255 - image)[1].tobytes(), kind="heatmap", suffix=".png")
        st.recorder.record(InspectionRecord(
            product_id=pid, inspector_id=users["kim_worker"], defect_detected=False, anomaly_score=0.2,
            image=CapturedImage(file_name=f"cam{i}.png", file_path=key, width=64, height=64, format="png"),
            heatmap_path=heat))
        keys += [key, heat]
    return keys


def test_store_down_rows_sync_files_wait_then_resolve(pg_empty_url: str, s3: LoopbackS3, tmp_path: Path) -> None:
    prepare_central(pg_empty_url)
    objects = LocalFolderStore(tmp_path / "objects")
    st = make_station(tmp_path, "ST12", pg_empty_url)
    service = SyncService(SqlSyncGateway(st.db, pg_empty_url, "ST12"), files_from=objects, files_to=s3.store())
    assert service.run_once(pull=True).error is None
    keys = _record_with_files(st, objects, 6)

    for attempt in range(3):  # the store is down: every pass retries and reports it
        report = service.run_once()
        assert report.error and "object store" in report.error and "unavailable" in report.error
        if attempt == 0:
            assert report.pushed_rows["inspections"] == 6  # rows are not held back by their files
    status = service.status()
    assert status.pending_rows == {} and status.pending_files == 12 and status.consecutive_failures == 3
    assert set(_central_states(pg_empty_url).values()) == {"pending"} and len(_central_states(pg_empty_url)) == 12
    with st.db.session() as s:
        attempts = s.execute(text("SELECT SUM(attempts), MAX(attempts) FROM object_files")).one()
    assert tuple(attempts) == (3, 1)  # one try per pass, a different file each time (fewest tries first)

    s3.start()
    s3.store().ensure_bucket()
    report = service.run_once()
    assert report.error is None and report.files_stored == 12
    assert _central_states(pg_empty_url) == dict.fromkeys(keys, "stored")
    status = service.status()
    assert status.pending == 0 and status.last_error is None
    remote = s3.store()
    for key in keys:
        assert hashlib.sha256(remote.get_bytes(key)).hexdigest() in key


def test_a_corrupted_local_file_is_failed_not_uploaded(pg_empty_url: str, s3: LoopbackS3, tmp_path: Path) -> None:
    prepare_central(pg_empty_url)
    s3.start()
    s3.store().ensure_bucket()
    objects = LocalFolderStore(tmp_path / "objects")
    st = make_station(tmp_path, "ST13", pg_empty_url)
    service = SyncService(SqlSyncGateway(st.db, pg_empty_url, "ST13"), files_from=objects, files_to=s3.store())
    service.run_once(pull=True)
    image_key, heat_key = _record_with_files(st, objects, 1)
    path = objects.local_path(image_key)
    assert path is not None
    path.write_bytes(b"bit rot")
    report = service.run_once()
    assert report.files_failed == 1 and report.files_stored == 1
    assert not s3.store().exists(image_key) and s3.store().exists(heat_key)
    assert _central_states(pg_empty_url) == {image_key: "failed", heat_key: "stored"}
    with st.db.session() as s:
        error = s.execute(text("SELECT last_error FROM object_files WHERE state = 'failed'")).scalar()
    assert "does not match its content hash" in error
    assert service.status().failed_files == 1


def test_a_nas_folder_as_central_store(pg_empty_url: str, tmp_path: Path) -> None:
    """storage_backend = 'local' on a shared folder: files are already there, the sync only confirms them."""
    prepare_central(pg_empty_url)
    shared = LocalFolderStore(tmp_path / "nas")
    st = make_station(tmp_path, "ST14", pg_empty_url)
    service = SyncService(SqlSyncGateway(st.db, pg_empty_url, "ST14"), files_from=shared, files_to=shared)
    service.run_once(pull=True)
    keys = _record_with_files(st, shared, 2)
    report = service.run_once()
    assert report.error is None and report.files_stored == 4
    assert _central_states(pg_empty_url) == dict.fromkeys(keys, "stored")
