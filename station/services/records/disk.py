"""The station's own disk takes care of itself: local copies of files the centre already holds are pruned by a
retention policy (age and/or size, oldest first), and below a free-space watermark no new inspection is
recorded until space is back.

Only a file the central object store has confirmed (``object_files.state = 'stored'``) is ever pruned, and
never one a library image uses (a bench override makes a recorded test image a library image with the same
key). Where the storage folder is itself the object store (``storage_backend = "local"``) nothing is
pruned: there is no other copy. The records (database rows) always stay; a screen asking for a pruned file
gets it back from the central store (:class:`~station.adapters.storage.cached.CachedObjectStore`).

:meth:`DiskUpkeep.maintain` runs after every pass of the sync thread (a prune when one is due, or at once
while recording is paused); ``station storage prune`` runs :meth:`DiskUpkeep.prune` by hand.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from station.domain.storage import DiskStatus, LocalFile, PruneReport, RecordingPausedError, RetentionPolicy, paused_line
from station.services.records.ports import LocalObjectFiles

log = logging.getLogger(__name__)


def _utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


class DiskUpkeep:
    """Retention of the local copies and the free-space watermark of one station (thread-safe)."""

    def __init__(self, files: LocalObjectFiles, policy: RetentionPolicy | None = None, *,
                 clock: Callable[[], datetime] = _utc_now, monotonic: Callable[[], float] = time.monotonic,
                 prune_interval: float = 600.0, inventory_max_age: float = 60.0) -> None:
        self._files = files
        self.policy = policy or RetentionPolicy()
        self._clock = clock
        self._monotonic = monotonic
        self.prune_interval = prune_interval
        self.inventory_max_age = inventory_max_age
        self._lock = threading.Lock()
        self._paused = False  # the state last logged: the log says "paused" and "resumed" once each
        self._probe_failed = False
        self._last_prune_at: float | None = None
        self._inventory: tuple[float, int, int, PruneReport] | None = None

    # The watermark -----------------------------------------------------------------------------
    def _space(self) -> tuple[bool, str, int, int, int]:
        """(below, path, free, total, watermark) of the fullest disk relative to its watermark."""
        worst = None
        for path, total, free in self._files.disk_usage():
            mark = self.policy.watermark(total)
            entry = (free < mark, path, free, total, mark)
            if worst is None or (free - mark) < (worst[2] - worst[4]):
                worst = entry
        return worst or (False, "", 0, 0, 0)

    def _note(self, paused: bool, line: str | None = None) -> None:
        with self._lock:
            changed, self._paused = paused != self._paused, paused
        if changed and paused:
            log.warning("%s", line)
        elif changed:
            log.info("recording resumed: free space is above the watermark again")

    def require_space(self) -> None:
        """Raises :class:`RecordingPausedError` (one line) while free space is below the watermark; called
        before anything of an inspection is written."""
        try:
            below, path, free, _, mark = self._space()
        except OSError as exc:  # the probe itself failed: the write, if it fails too, says why in one line
            if not self._probe_failed:
                log.warning("free space cannot be probed: %s", exc)
            self._probe_failed = True
            return
        self._probe_failed = False
        line = paused_line(free, mark, path) if below else None
        self._note(below, line)
        if below:
            raise RecordingPausedError(line)

    @property
    def recording_paused(self) -> bool:
        """Whether recording is paused now (free space below the watermark); probes the disk (cheap: a
        front end may read it for its status, e.g. the line's status message). False when the probe fails."""
        try:
            below, path, free, _, mark = self._space()
        except OSError:
            return False
        self._note(below, paused_line(free, mark, path) if below else None)
        return below

    # Pruning -----------------------------------------------------------------------------------
    def _plan(self, now: datetime, dry_run: bool) -> tuple[PruneReport, list[LocalFile]]:
        report = PruneReport(dry_run=dry_run, enabled=self._files.pruning_enabled, at=_iso(now))
        if not self._files.pruning_enabled:
            report.reason = self._files.pruning_note
            return report, []
        candidates = self._files.confirmed_files()
        chosen: list[LocalFile] = []
        rest: list[LocalFile] = []
        if self.policy.keep_days > 0:
            cutoff = now - timedelta(days=self.policy.keep_days)
            for f in candidates:
                (chosen if f.created is not None and f.created < cutoff else rest).append(f)
        else:
            rest = list(candidates)
        report.by_age = len(chosen)
        if self.policy.max_bytes > 0:
            total = self._files.local_totals()[1] - sum(f.size for f in chosen)
            while total > self.policy.max_bytes and rest:
                f = rest.pop(0)
                chosen.append(f)
                total -= f.size
                report.by_size += 1
            if total > self.policy.max_bytes:
                report.reason = (f"{total} bytes stay above the {self.policy.max_bytes}-byte cap: "
                                 "those files are not at the centre yet or the library uses them")
        below, _, free, _, mark = self._space()
        if below:
            need = self.policy.space_target(mark) - free - sum(f.size for f in chosen)
            while need > 0 and rest:
                f = rest.pop(0)
                chosen.append(f)
                need -= f.size
                report.by_space += 1
        report.files = len(chosen)
        report.bytes = sum(f.size for f in chosen)
        report.keys = [f.key for f in chosen]
        return report, chosen

    def prune(self, *, dry_run: bool = False) -> PruneReport:
        """Removes (``dry_run``: lists) the local copies the policy lets go: confirmed files older than
        ``keep_days``, then the oldest confirmed ones while the folder is above ``max_bytes``, then (below
        the watermark) the oldest confirmed ones until the free space is 10 % above the watermark. Each key is checked again
        just before its file is removed."""
        now = self._clock()
        report, chosen = self._plan(now, dry_run)
        if dry_run or not chosen:
            if not dry_run:
                self._finish(report)
            return report
        still = self._files.still_prunable([f.key for f in chosen])
        removed: list[str] = []
        freed = 0
        for f in chosen:
            if f.key in still:
                freed += self._files.remove(f.key)
                removed.append(f.key)
        report.keys, report.files, report.bytes = removed, len(removed), freed
        self._finish(report)
        if removed:
            log.info("pruned %d local file(s), %d bytes (at the centre)", len(removed), freed)
        return report

    def _finish(self, report: PruneReport) -> None:
        with self._lock:
            self._last_prune_at = self._monotonic()
            self._inventory = None
        if report.enabled:
            self._files.save_prune_state({"last_prune": report.at, "last_prune_files": str(report.files),
                                          "last_prune_bytes": str(report.bytes)})

    def maintain(self) -> PruneReport | None:
        """Prunes when a prune is due (every ``prune_interval`` seconds) or at once while recording is
        paused; None when nothing was due. Never raises (the sync thread calls it)."""
        try:
            with self._lock:
                due = self._last_prune_at is None or \
                    self._monotonic() - self._last_prune_at >= self.prune_interval
            if not due and not self._space()[0]:
                return None
            report = self.prune()
            self.recording_paused  # noqa: B018 - logs "resumed" once when the prune freed enough
            return report
        except Exception as exc:  # noqa: BLE001 - the sync thread must survive a disk fault; logged
            log.warning("disk upkeep failed: %s", exc)
            return None

    # Visible state -----------------------------------------------------------------------------
    def status(self) -> DiskStatus:
        """Free space, watermark, paused or not, local and prunable files (inventory cached briefly)."""
        below, path, free, total, mark = self._space()
        with self._lock:
            cached = self._inventory
        if cached is None or self._monotonic() - cached[0] > self.inventory_max_age:
            files, size = self._files.local_totals()
            plan, _ = self._plan(self._clock(), True)
            cached = (self._monotonic(), files, size, plan)
            with self._lock:
                self._inventory = cached
        _, files, size, plan = cached
        state = self._files.load_prune_state()
        return DiskStatus(
            path=path, free_bytes=free, total_bytes=total, watermark_bytes=mark, recording_paused=below,
            pruning=self._files.pruning_enabled, pruning_note=self._files.pruning_note,
            local_files=files, local_bytes=size, prunable_files=plan.files, prunable_bytes=plan.bytes,
            awaiting_sync_files=self._files.awaiting_sync(), keep_days=self.policy.keep_days,
            max_bytes=self.policy.max_bytes, last_prune=state.get("last_prune"),
            last_prune_files=int(state["last_prune_files"]) if state.get("last_prune_files") else None,
            last_prune_bytes=int(state["last_prune_bytes"]) if state.get("last_prune_bytes") else None,
        )
