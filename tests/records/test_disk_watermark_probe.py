"""The free-space watermark where no filesystem can be mounted for a test: the disk's free-space probe is the
test's outer edge (:class:`SimulatedSmallDisk`: a disk of a fixed capacity whose free space is that capacity
less what the storage folder holds). Everything else is real: the engine inspects and records, the sync
service copies the files to a central folder store and confirms them, the upkeep prunes real files, the
status bar reads the state in a job."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import text

from station.adapters.storage.local import LocalFolderStore
from station.adapters.sync.gateway import SqlSyncGateway
from station.adapters.sync.local_files import LocalObjectFiles
from station.app.engine import build_engine
from station.domain.storage import RecordingPausedError, RetentionPolicy
from station.pipeline.synthetic.parts import render_part
from station.services.records import DiskUpkeep, SyncService
from tests.support.engine import demo_context, fixed_build

SIZE = 64


class SimulatedSmallDisk(LocalObjectFiles):
    """A disk of ``capacity`` bytes holding only the storage folder (the probe is simulated, nothing else)."""

    def __init__(self, *args, capacity: int, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.capacity = capacity

    def disk_usage(self) -> list[tuple[str, int, int]]:
        return [(str(self.root), self.capacity, max(0, self.capacity - self.local_totals()[1]))]


def test_watermark_pauses_recording_once_and_the_sync_prune_resumes_it(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QWidget

    from station.ui.jobs import JobRunner
    from station.ui.shell.status_bar import StationStatusBar

    ctx = demo_context(size=SIZE, n_good=6, n_per_defect=1, weights=False)
    try:
        fixed_build(ctx)
        local = LocalFolderStore(ctx.settings.resolved_storage_dir)
        used = LocalObjectFiles(ctx.db, local.root, pruning_enabled=True).local_totals()[1]
        capacity = used + 400_000
        disk = SimulatedSmallDisk(ctx.db, local.root, pruning_enabled=True, capacity=capacity)
        # Pauses once about 80 kB of inspections are on the disk.
        upkeep = DiskUpkeep(disk, RetentionPolicy(keep_days=30, min_free_bytes=320_000, min_free_percent=0),
                            inventory_max_age=0)
        engine = build_engine(ctx.settings, ctx.catalog, ctx.recorder, ctx.storage, ctx.deployments, space=upkeep)
        sync = SyncService(SqlSyncGateway(ctx.db, None, ctx.settings.station_id), files_from=local,
                           files_to=LocalFolderStore(tmp_path / "central"), upkeep=upkeep, interval=0.2)
        caplog.set_level(logging.INFO, logger="station.services.records.disk")

        recorded = 0
        with pytest.raises(RecordingPausedError) as paused:
            for i in range(200):
                engine.inspection.inspect("demo-cast", render_part(91_000 + i, SIZE, None).image)
                recorded += 1
        assert recorded > 0 and "\n" not in str(paused.value) and "recording paused" in str(paused.value)
        for i in range(3):
            with pytest.raises(RecordingPausedError):
                engine.inspection.inspect("demo-cast", render_part(92_000 + i, SIZE, None).image)
        assert len([r for r in caplog.records if "recording paused" in r.getMessage()]) == 1

        holder = QWidget()
        qtbot.addWidget(holder)
        runner = JobRunner(holder)
        bar = StationStatusBar(_Services(sync), runner, holder)  # type: ignore[arg-type]
        qtbot.waitUntil(lambda: "recording paused" in bar.disk_label.text(), timeout=30000)
        assert bar.disk_label.property("state") == "paused"

        sync.start()  # copies the files to the central folder, confirms them, then prunes the oldest
        qtbot.waitUntil(lambda: not upkeep.recording_paused, timeout=60000)
        sync.stop()
        assert len([r for r in caplog.records if "recording resumed" in r.getMessage()]) == 1
        assert engine.inspection.inspect("demo-cast", render_part(93_000, SIZE, None).image).inspection_code
        with ctx.db.session() as s:
            assert s.execute(text("SELECT count(*) FROM inspections")).scalar() == recorded + 1
            library = s.execute(text("SELECT file_path FROM images WHERE image_type != 'test'")).scalars().all()
        assert library and all(local.local_path(k) is not None for k in library)  # the library's files stay
        bar.refresh_sync()
        qtbot.waitUntil(lambda: "files awaiting sync" in bar.disk_label.text(), timeout=30000)
        assert bar.disk_label.property("state") == "ok"
        runner.wait_idle()
    finally:
        ctx.close()


class _Services:
    """What the status bar reads: the sync service (its status carries the disk)."""

    def __init__(self, sync: SyncService) -> None:
        self.sync = sync
