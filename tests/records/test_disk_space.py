"""The station on a small real filesystem (a tmpfs mounted for the test; skipped where mounting is not
permitted): below the free-space watermark recording stops with one clear line, logged once, and resumes by
itself once the sync thread has pruned what the central store holds; a disk that really fills during
inspections (watermark off) gives one line and leaves the SQLite store intact, with no half-written file
and no row pointing at a missing one. The real engine inspects; the object store is a real S3-protocol
server on loopback."""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from station.domain.bench import BenchRequest, Failed
from station.domain.errors import StationError
from station.domain.storage import DiskFullError, RecordingPausedError, RetentionPolicy
from station.pipeline.synthetic.parts import render_part
from tests.support.engine import demo_context, fixed_build
from tests.support.s3 import LoopbackS3

SIZE = 64


def _mount(path: Path, size: str) -> None:
    path.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"a tmpfs cannot be mounted here: {exc}")
    if done.returncode != 0:
        pytest.skip(f"a tmpfs cannot be mounted here: {done.stderr.strip()}")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    disk = tmp_path / "disk"
    _mount(disk, "48m")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], capture_output=True, timeout=30)


def _fill(disk: Path, leave: int) -> Path:
    """A filler file that takes all the space but ``leave`` bytes."""
    filler = disk / "filler.bin"
    block = os.urandom(1 << 16)
    with filler.open("wb") as out:
        try:
            while True:
                out.write(block)
                out.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


def _part(i: int):  # type: ignore[no-untyped-def]
    return render_part(90_000 + i, SIZE, None).image


@pytest.mark.parametrize("leave", [4 * 1024, 256 * 1024], ids=["files-do-not-fit", "fills-while-recording"])
def test_a_disk_filled_during_inspections_leaves_the_store_intact(small_disk: Path, leave: int,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """4 kB left: the first artifact cannot be written (nothing is recorded, no partial file stays). 256 kB:
    the disk fills a few parts later, while the artifacts or the rows are written (SQLite rolls back)."""
    monkeypatch.setenv("STATION_HOME", str(small_disk / "home"))  # the SQLite store and the files on it
    ctx = demo_context(size=SIZE, n_good=6, n_per_defect=1, weights=False)
    fixed_build(ctx)
    ctx.disk.policy = RetentionPolicy(min_free_bytes=0, min_free_percent=0)  # no watermark: the disk fills
    inspect = ctx.engine.inspection.inspect
    inspect("demo-cast", _part(0))  # bank and model loaded before the disk is full
    filler = _fill(small_disk, leave)
    recorded, error = 1, None
    for i in range(1, 400):
        try:
            inspect("demo-cast", _part(i))
            recorded += 1
        except StationError as exc:
            error = exc
            break
    assert isinstance(error, DiskFullError), error
    assert "\n" not in str(error) and str(error).startswith("the disk is full:")
    if leave < 8 * 1024:
        assert recorded == 1 and "could not be written" in str(error)

    with ctx.db.session() as s:
        assert s.execute(text("SELECT count(*) FROM inspections")).scalar() == recorded
        assert s.execute(text("SELECT count(*) FROM inspection_results")).scalar() == recorded
        keys = [k for row in s.execute(text(
            "SELECT i.file_path, r.heatmap_path, r.mask_path, r.overlay_path, r.comparison_path FROM images i "
            "JOIN inspections n ON n.test_image_id = i.image_id JOIN inspection_results r ON "
            "r.inspection_id = n.inspection_id")).all() for k in row if k]
    root = ctx.settings.resolved_storage_dir
    for key in keys:  # every row points at a whole file
        assert hashlib.sha256((root / key).read_bytes()).hexdigest() in key
    assert not [p for p in root.rglob(".tmp-*")]  # no half-written file is left
    with sqlite3.connect(ctx.settings.local_db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    filler.unlink()  # space is back: the same station records again
    try:
        assert inspect("demo-cast", _part(999)).inspection_code
    finally:
        ctx.close()
    with sqlite3.connect(ctx.settings.local_db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM inspections").fetchone()[0] == recorded + 1


@pytest.fixture
def s3() -> Iterator[LoopbackS3]:
    server = LoopbackS3()
    server.start()
    server.store().ensure_bucket()
    yield server
    server.stop()


def test_below_the_watermark_recording_pauses_and_resumes_after_pruning(
        small_disk: Path, s3: LoopbackS3, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QWidget

    from station.ui.jobs import JobRunner
    from station.ui.shell.status_bar import StationStatusBar

    monkeypatch.setenv("STATION_STORAGE_DIR", str(small_disk / "objects"))  # files on the small disk
    monkeypatch.setenv("STATION_STORAGE_BACKEND", "s3")
    monkeypatch.setenv("STATION_S3_ENDPOINT_URL", s3.url)
    monkeypatch.setenv("STATION_S3_BUCKET", s3.bucket)
    monkeypatch.setenv("STATION_S3_ACCESS_KEY_ID", "station")
    monkeypatch.setenv("STATION_S3_SECRET_ACCESS_KEY", "station-secret")
    ctx = demo_context(size=SIZE, n_good=6, n_per_defect=1, weights=False)
    try:
        fixed_build(ctx)
        watermark = 4 * 1024 * 1024
        ctx.disk.policy = RetentionPolicy(keep_days=30, min_free_bytes=watermark, min_free_percent=0)
        ctx.disk.inventory_max_age = 0  # the status bar reads the inventory afresh each time
        inspect = ctx.engine.inspection.inspect
        inspect("demo-cast", _part(0))
        _fill(small_disk, watermark + 96 * 1024)
        caplog.set_level(logging.INFO, logger="station.services.records.disk")
        recorded = 1
        with pytest.raises(RecordingPausedError) as paused:
            for i in range(1, 400):
                inspect("demo-cast", _part(i))
                recorded += 1
        line = str(paused.value)
        assert "\n" not in line and line.startswith("recording paused:") and "resumes by itself" in line
        files_before = sorted(p.name for p in (small_disk / "objects").rglob("*") if p.is_file())
        for i in range(3):  # every part is refused before anything is computed or written ...
            with pytest.raises(RecordingPausedError):
                inspect("demo-cast", _part(500 + i))
        # The bench's workflow shows the same line as its one Failed event.
        events = list(ctx.bench.run(BenchRequest(request_id=7, product_code="demo-cast", image=_part(600))))
        assert [type(e) for e in events] == [Failed] and events[0].message == line
        assert sorted(p.name for p in (small_disk / "objects").rglob("*") if p.is_file()) == files_before
        with ctx.db.session() as s:
            assert s.execute(text("SELECT count(*) FROM inspections")).scalar() == recorded
        paused_logs = [r for r in caplog.records if "recording paused" in r.getMessage()]
        assert len(paused_logs) == 1  # ... and the log says it once, not per part

        holder = QWidget()
        qtbot.addWidget(holder)
        runner = JobRunner(holder)
        bar = StationStatusBar(SimpleServices(ctx.sync), runner, holder)  # type: ignore[arg-type]
        qtbot.waitUntil(lambda: "recording paused" in bar.disk_label.text(), timeout=30000)
        assert bar.disk_label.property("state") == "paused" and not bar.disk_label.isHidden()

        # The sync thread uploads the files, then prunes the oldest confirmed ones until space is back.
        ctx.sync.interval = 0.2
        ctx.sync.start()
        qtbot.waitUntil(lambda: not ctx.disk.recording_paused, timeout=60000)
        ctx.sync.stop()
        assert [r for r in caplog.records if "recording resumed" in r.getMessage()]
        status = ctx.disk.status()
        assert status.last_prune_files and status.free_bytes >= status.watermark_bytes
        assert inspect("demo-cast", _part(900)).inspection_code  # recording resumed by itself
        with ctx.db.session() as s:
            assert s.execute(text("SELECT count(*) FROM inspections")).scalar() == recorded + 1
        bar.refresh_sync()
        qtbot.waitUntil(lambda: "files awaiting sync" in bar.disk_label.text(), timeout=30000)
        assert bar.disk_label.property("state") == "ok"
        runner.wait_idle()
    finally:
        ctx.close()


class SimpleServices:
    """What the status bar reads: the station's sync service (its status carries the disk)."""

    def __init__(self, sync) -> None:  # type: ignore[no-untyped-def]
        self.sync = sync
