"""The station's disk takes care of itself: local copies of files the centre holds are pruned by the retention
policy (age, size cap, oldest first), never a file the centre has not confirmed, never one the library uses;
the records stay and a pruned image comes back from the central object store (or one clear line when it
cannot be reached). Real SQLite store, real PostgreSQL centre, a real S3-protocol server on loopback."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text

from station.adapters.db.catalog_repo import SqlCatalogRepository
from station.adapters.db.overrides_repo import SqlOverrideRepository
from station.adapters.db.review_repo import SqlReviewReader
from station.adapters.storage.cached import CachedObjectStore
from station.adapters.storage.local import LocalFolderStore
from station.adapters.sync.gateway import SqlSyncGateway
from station.adapters.sync.local_files import LocalObjectFiles
from station.domain.inspection import InspectionRecord
from station.domain.inspection import TestImage as CapturedImage
from station.domain.storage import NotKeptLocallyError, RetentionPolicy
from station.domain.users import Role, UserInfo
from station.services.records import DiskUpkeep, InspectionReviewService, OverrideService, SyncService
from tests.support.s3 import LoopbackS3, free_port
from tests.support.sync import make_station, prepare_central

# The upkeep's clock, frozen at the test's start; every age below is relative to it.
NOW = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


@pytest.fixture
def s3() -> Iterator[LoopbackS3]:
    server = LoopbackS3()
    server.start()
    server.store().ensure_bucket()
    yield server
    server.stop()


def _png(seed: int) -> bytes:
    import cv2

    image = np.random.default_rng(seed).integers(0, 255, (64, 64, 3), dtype=np.uint8)
    return cv2.imencode(".png", image)[1].tobytes()


def _record(st, objects: LocalFolderStore, seeds: range) -> dict[str, tuple[str, str]]:  # type: ignore[no-untyped-def]
    """One inspection per seed, its image and heatmap written first (as the engine does); code -> keys."""
    pid, users, _ = st.ids()
    out = {}
    for seed in seeds:
        key = objects.put_bytes(_png(seed), kind="test_images", suffix=".png")
        heat = objects.put_bytes(_png(10_000 + seed), kind="heatmaps", suffix=".png")
        recorded = st.recorder.record(InspectionRecord(
            product_id=pid, inspector_id=users["kim_worker"], defect_detected=False, anomaly_score=0.2,
            image=CapturedImage(file_name=f"cam{seed}.png", file_path=key, width=64, height=64, format="png"),
            heatmap_path=heat))
        out[recorded.inspection_code] = (key, heat)
    return out


def _age(st, keys: tuple[str, ...], when: datetime) -> None:  # type: ignore[no-untyped-def]
    with st.db.session() as s:
        for key in keys:
            s.execute(text("UPDATE object_files SET created_at = :w WHERE object_key = :k"), {"w": when, "k": key})


def _states(st) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with st.db.session() as s:
        return dict(s.execute(text("SELECT object_key, state FROM object_files")).all())


def _upkeep(st, objects: LocalFolderStore, policy: RetentionPolicy) -> DiskUpkeep:  # type: ignore[no-untyped-def]
    files = LocalObjectFiles(st.db, objects.root, pruning_enabled=True)
    return DiskUpkeep(files, policy, clock=lambda: NOW)


def test_only_confirmed_files_older_than_the_policy_are_pruned(pg_empty_url: str, s3: LoopbackS3,
                                                                tmp_path: Path) -> None:
    prepare_central(pg_empty_url)
    objects = LocalFolderStore(tmp_path / "objects")
    st = make_station(tmp_path, "ST31", pg_empty_url)
    up = SyncService(SqlSyncGateway(st.db, pg_empty_url, "ST31"), files_from=objects, files_to=s3.store())
    assert up.run_once(pull=True).error is None
    synced = _record(st, objects, range(0, 4))
    assert up.run_once().error is None and set(_states(st).values()) == {"stored"}

    # The centre goes away (a dead port): what is recorded now stays unconfirmed, however old it gets.
    dead = f"postgresql://station@127.0.0.1:{free_port()}/inspection"
    down = SyncService(SqlSyncGateway(st.db, dead, "ST31"), files_from=objects, files_to=s3.store())
    unsynced = _record(st, objects, range(4, 6))
    report = down.run_once()
    assert report.error
    unsynced_keys = {k for pair in unsynced.values() for k in pair}
    assert {_states(st)[k] for k in unsynced_keys} == {"pending"}

    codes = list(synced)
    old = synced[codes[0]] + synced[codes[1]] + synced[codes[2]]
    _age(st, old, NOW - timedelta(days=50))
    _age(st, synced[codes[3]], NOW - timedelta(days=9))
    _age(st, tuple(unsynced_keys), NOW - timedelta(days=273))  # the oldest of all, but not at the centre
    upkeep = _upkeep(st, objects, RetentionPolicy(keep_days=30, min_free_bytes=0, min_free_percent=0))

    plan = upkeep.prune(dry_run=True)
    assert set(plan.keys) == set(old) and plan.by_age == 6
    assert all(objects.local_path(k) is not None for k in old)  # a dry run removes nothing

    report = upkeep.prune()
    assert set(report.keys) == set(old) and report.files == 6
    assert report.bytes == sum(len(_png(s)) + len(_png(10_000 + s)) for s in range(3))
    assert all(objects.local_path(k) is None for k in old)
    assert all(objects.local_path(k) is not None for k in synced[codes[3]])
    assert all(objects.local_path(k) is not None for k in unsynced_keys)  # never an unsynced one
    with st.db.session() as s:
        assert s.execute(text("SELECT count(*) FROM inspections")).scalar() == 6  # the records stay
    status = upkeep.status()
    assert status.last_prune == NOW.isoformat() + "Z" and status.last_prune_files == 6
    assert status.awaiting_sync_files == 4 and status.prunable_files == 0

    # A screen asking for a pruned image gets it from the central store ...
    cached = CachedObjectStore(objects, s3.store())
    review = InspectionReviewService(SqlReviewReader(st.db), cached)
    image = review.image(old[0])
    assert image.problem is None and hashlib.sha256(image.data).hexdigest() in old[0]
    # ... or, with the store down, one clear line (never a crash).
    s3.stop()
    with pytest.raises(NotKeptLocallyError, match="image pruned locally; at the centre"):
        cached.get_bytes(old[2])
    gone = review.image(old[2])
    assert gone.problem == "pruned" and gone.data is None


def test_a_test_image_the_library_uses_is_never_pruned(pg_empty_url: str, s3: LoopbackS3, tmp_path: Path) -> None:
    prepare_central(pg_empty_url)
    objects = LocalFolderStore(tmp_path / "objects")
    st = make_station(tmp_path, "ST32", pg_empty_url)
    service = SyncService(SqlSyncGateway(st.db, pg_empty_url, "ST32"), files_from=objects, files_to=s3.store())
    service.run_once(pull=True)
    recorded = _record(st, objects, range(20, 23))
    assert service.run_once().error is None
    codes = list(recorded)
    _age(st, tuple(k for pair in recorded.values() for k in pair), NOW - timedelta(days=90))
    # The bench overrides a missed defect: the recorded test image becomes a defect library image (same key).
    _, users, _ = st.ids()
    worker = UserInfo(user_id=users["kim_worker"], username="kim_worker", email="k@example.com",
                      roles=(Role.WORKER,))
    overrides = OverrideService(SqlOverrideRepository(st.db), SqlCatalogRepository(st.db))
    overrides.override(codes[1], "missed_defect", worker, defect_code="crack")
    library_key = recorded[codes[1]][0]

    report = _upkeep(st, objects, RetentionPolicy(keep_days=30, min_free_bytes=0, min_free_percent=0)).prune()
    assert library_key not in report.keys and objects.local_path(library_key) is not None
    assert report.files == 5  # every other confirmed file of those inspections, the heatmap of codes[1] too


def test_the_size_cap_prunes_the_oldest_confirmed_files_first(pg_empty_url: str, s3: LoopbackS3,
                                                              tmp_path: Path) -> None:
    prepare_central(pg_empty_url)
    objects = LocalFolderStore(tmp_path / "objects")
    st = make_station(tmp_path, "ST33", pg_empty_url)
    service = SyncService(SqlSyncGateway(st.db, pg_empty_url, "ST33"), files_from=objects, files_to=s3.store())
    service.run_once(pull=True)
    recorded = _record(st, objects, range(40, 45))
    assert service.run_once().error is None
    ordered = list(recorded.values())
    for day, pair in enumerate(reversed(ordered), start=1):  # the last recorded is the oldest here
        _age(st, pair, NOW - timedelta(days=30 - day))
    files = LocalObjectFiles(st.db, objects.root, pruning_enabled=True)
    count, total = files.local_totals()
    assert count == 10
    oldest = ordered[-1] + ordered[-2]
    size = sum(objects.local_path(k).stat().st_size for k in oldest)  # type: ignore[union-attr]
    upkeep = DiskUpkeep(files, RetentionPolicy(keep_days=0, max_bytes=total - size, min_free_bytes=0,
                                               min_free_percent=0), clock=lambda: NOW)
    report = upkeep.prune()
    assert set(report.keys) == set(oldest) and report.by_size == 4 and report.by_age == 0
    assert files.local_totals() == (6, total - size)
    assert upkeep.prune().files == 0  # under the cap now

    # A cap below what is unconfirmed cannot be reached: it says so, and removes only confirmed files.
    more = _record(st, objects, range(50, 52))  # not synced: pending
    tight = DiskUpkeep(files, RetentionPolicy(keep_days=0, max_bytes=1, min_free_bytes=0, min_free_percent=0),
                       clock=lambda: NOW)
    report = tight.prune()
    assert report.files == 6 and "not at the centre yet" in (report.reason or "")
    assert all(objects.local_path(k) is not None for pair in more.values() for k in pair)


def test_the_folder_store_is_never_pruned(tmp_path: Path) -> None:
    """storage_backend = 'local': the folder is the object store; 'stored' there is the only copy."""
    objects = LocalFolderStore(tmp_path / "objects")
    st = make_station(tmp_path, "ST34", None)
    with st.db.session() as s:  # a product of its own: no centre to pull the catalogue from
        s.execute(text("INSERT INTO products (product_code, product_name) VALUES ('p1', 'part')"))
        s.execute(text("INSERT INTO users (username, email, password_hash) VALUES ('kim_worker', 'k@e.com', 'x')"))
    recorded = _record(st, objects, range(60, 62))
    service = SyncService(SqlSyncGateway(st.db, None, "ST34"), files_from=objects, files_to=objects)
    service.run_once()
    assert set(_states(st).values()) == {"stored"}
    _age(st, tuple(k for pair in recorded.values() for k in pair), NOW - timedelta(days=2000))
    from station.app.storage import LOCAL_FOLDER_NOTE

    files = LocalObjectFiles(st.db, objects.root, pruning_enabled=False, pruning_note=LOCAL_FOLDER_NOTE)
    report = DiskUpkeep(files, RetentionPolicy(keep_days=1, max_bytes=1), clock=lambda: NOW).prune()
    assert not report.enabled and report.files == 0 and "storage folder is the object store" in report.reason
    assert all(objects.local_path(k) is not None for pair in recorded.values() for k in pair)


def _cli_station(home: Path, monkeypatch: pytest.MonkeyPatch) -> tuple:  # type: ignore[type-arg]
    """A station home in s3 mode whose files the object store has confirmed (no centre: the bucket is it)."""
    monkeypatch.setenv("STATION_HOME", str(home))
    monkeypatch.setenv("STATION_STORAGE_BACKEND", "s3")
    monkeypatch.setenv("STATION_S3_BUCKET", "inspection")
    monkeypatch.setenv("STATION_RETENTION_DAYS", "30")
    monkeypatch.setenv("STATION_MIN_FREE_GB", "0")
    monkeypatch.setenv("STATION_MIN_FREE_PERCENT", "0")
    monkeypatch.delenv("STATION_CENTRAL_DB_URL", raising=False)
    objects = LocalFolderStore(home / "objects")
    st = make_station(home, "ST35", None)
    with st.db.session() as s:
        s.execute(text("INSERT INTO products (product_code, product_name) VALUES ('p1', 'part')"))
        s.execute(text("INSERT INTO users (username, email, password_hash) VALUES ('kim_worker', 'k@e.com', 'x')"))
    recorded = _record(st, objects, range(70, 73))
    keys = [k for pair in recorded.values() for k in pair]
    for key in keys:
        st.gateway.mark_file(key, "stored", size=1)
    return st, objects, keys


def test_cli_dry_run_lists_without_deleting_then_prunes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    from station.cli.main import main

    home = tmp_path / "home"
    st, objects, keys = _cli_station(home, monkeypatch)
    _age(st, tuple(keys), datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=3651))  # past any policy
    st.db.dispose()

    assert main(["storage", "prune", "--dry-run", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["dry_run"] is True and sorted(report["keys"]) == sorted(keys) and report["files"] == 6
    assert all(objects.local_path(k) is not None for k in keys)

    assert main(["storage", "prune", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert all(f"would remove {k}" in out for k in keys) and "would remove 6 local file(s)" in out

    assert main(["storage", "prune"]) == 0
    assert "removed 6 local file(s)" in capsys.readouterr().out
    assert all(objects.local_path(k) is None for k in keys)

    assert main(["sync", "status", "--json"]) == 0
    disk = json.loads(capsys.readouterr().out)["disk"]
    for field in ("free_bytes", "watermark_bytes", "recording_paused", "local_files", "local_bytes",
                  "prunable_files", "prunable_bytes", "last_prune"):
        assert field in disk
    assert disk["recording_paused"] is False and disk["local_files"] == 0 and disk["last_prune"]
    assert disk["last_prune_files"] == 6


def test_a_malformed_retention_setting_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from station.cli.main import main

    monkeypatch.setenv("STATION_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("STATION_MIN_FREE_PERCENT", "80")
    assert main(["storage", "status"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "min_free_percent" in err[0] and "50" in err[0] and "Traceback" not in err[0]
    monkeypatch.setenv("STATION_MIN_FREE_PERCENT", "5")
    monkeypatch.setenv("STATION_RETENTION_DAYS", "a month")
    assert main(["storage", "prune", "--dry-run"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "retention_days" in err[0]
