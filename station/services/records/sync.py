"""The sync service: pushes the outbox, pulls the catalogue and uploads files, on its own thread.

It never blocks an inspection: inspections are committed locally first (with their outbox entry)
and this thread only reads them in short transactions. It runs at start-up (so it resumes whatever
a previous run left queued), then every ``interval`` seconds, at once when :meth:`trigger` is
called (the recorder does right after every inspection), and after a failure with exponential backoff (``base_backoff`` doubling up to
``max_backoff``, with jitter so twenty stations do not retry in step). Its visible state
(pending counts, last success, last error) lives in the local store, so ``station sync status``
in another process sees the same thing as the GUI. After every pass the thread runs the disk upkeep
(:class:`~station.services.records.disk.DiskUpkeep`): local copies the centre holds are pruned by the
retention policy, at once while recording is paused for lack of space.
"""

from __future__ import annotations

import hashlib
import logging
import random
import re
import threading
from collections.abc import Callable
from datetime import datetime, timezone

from station.domain.engine import Progress, ProgressCallback, no_progress
from station.domain.errors import StationError
from station.domain.sync import SyncRunReport, SyncStatus
from station.services.records.disk import DiskUpkeep
from station.services.shared.changes import ChangeNotifier, RecordsChanged
from station.services.records.ports import ObjectTarget, SyncGateway
from station.services.shared.ports import ObjectStore

log = logging.getLogger(__name__)
_KEY_DIGEST = re.compile(r"([0-9a-f]{64})(\.[A-Za-z0-9]+)?$")


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


def _utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def backoff_delay(failures: int, base: float, cap: float, rand: Callable[[], float] = random.random) -> float:
    """Seconds to wait after ``failures`` consecutive failures: base * 2^(n-1), capped, 50-100 % jitter."""
    if failures <= 0:
        return 0.0
    raw = min(cap, base * (2 ** min(failures - 1, 30)))
    return raw * (0.5 + 0.5 * rand())


class SyncService:
    def __init__(
        self, gateway: SyncGateway, *, files_from: ObjectStore | None = None, files_to: ObjectTarget | None = None,
        batch_size: int = 4000, interval: float = 15.0, pull_interval: float = 300.0,
        base_backoff: float = 2.0, max_backoff: float = 300.0, files_per_run: int = 1000,
        clock: Callable[[], datetime] = _utc_now, changes: ChangeNotifier | None = None,
        upkeep: DiskUpkeep | None = None,
    ) -> None:
        self.upkeep = upkeep  # the station's disk: pruned after every pass when due (see disk.py)
        self._gateway = gateway
        self.changes = changes or ChangeNotifier()  # fired after a pass that pushed or pulled rows
        self._files_from = files_from
        self._files_to = files_to
        self.batch_size = batch_size
        self.interval = interval
        self.pull_interval = pull_interval
        self.base_backoff = base_backoff
        self.max_backoff = max_backoff
        self.files_per_run = files_per_run
        self._clock = clock
        self._run_lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_pull: datetime | None = None
        self._progress: ProgressCallback = no_progress

    # One pass --------------------------------------------------------------------------------
    def run_once(self, *, pull: bool | None = None, max_batches: int | None = None,
                 progress: ProgressCallback | None = None) -> SyncRunReport:
        """Push everything queued (or ``max_batches``), pull when due, upload pending files. ``progress``
        hears ``push`` (queued changes) and ``files`` (uploads)."""
        with self._run_lock:
            report = SyncRunReport()
            started = self._clock()
            self._progress = progress or no_progress
            if self._gateway.configured:
                try:
                    self._push(report, max_batches)
                    if pull or (pull is None and self._pull_due(started)):
                        report.pulled = self._gateway.pull()
                        self._last_pull = started
                    elif not report.pushed_entries:
                        self._gateway.ping()  # nothing to send: still, "last success" means the centre answered
                except StationError as exc:
                    report.error = str(exc)
                except Exception as exc:  # noqa: BLE001 - the thread must survive anything; shown as last_error
                    log.exception("sync failed")
                    report.error = f"{type(exc).__name__}: {exc}"
            file_error = self._upload_files(report)
            report.error = report.error or file_error
            self._save(report, started)
        if report.pushed_entries or any(report.pulled.values()):
            self.changes.fire(RecordsChanged("sync"))
        return report

    def _pull_due(self, now: datetime) -> bool:
        return self._last_pull is None or (now - self._last_pull).total_seconds() >= self.pull_interval

    def _push(self, report: SyncRunReport, max_batches: int | None) -> None:
        batches = 0
        queued = sum(self._gateway.pending_rows().values()) if self._progress is not no_progress else 0
        while not (max_batches is not None and batches >= max_batches):
            result = self._gateway.push_batch(self.batch_size)
            if result.entries == 0:
                return
            batches += 1
            report.pushed_entries += result.entries
            self._progress(Progress("push", report.pushed_entries, max(queued, report.pushed_entries),
                                    "queued changes sent"))
            for table, n in result.rows.items():
                report.pushed_rows[table] = report.pushed_rows.get(table, 0) + n
            if self._stop.is_set():
                return

    def _upload_files(self, report: SyncRunReport) -> str | None:
        """Uploads pending files (up to ``files_per_run``; the thread goes on at once if more wait).
        The first storage error ends the pass: the file stays pending and is retried with backoff."""
        if self._files_to is None or self._files_from is None:
            return None
        done = 0
        files_total = min(self.files_per_run, self._gateway.file_counts().get("pending", 0)) \
            if self._progress is not no_progress else 0
        while done < self.files_per_run and not self._stop.is_set():
            try:
                keys = self._gateway.pending_files(min(100, self.files_per_run - done))
            except StationError as exc:
                return str(exc)
            if not keys:
                return None
            for key in keys:
                self._progress(Progress("files", report.files_stored, files_total, "files uploaded"))
                try:
                    self._upload_one(key, report)
                except Exception as exc:  # noqa: BLE001 - a storage or network error: keep the file pending
                    message = str(exc) if isinstance(exc, StationError) else f"{type(exc).__name__}: {exc}"
                    log.warning("upload of %s failed: %s", key, message)
                    self._note_file_error(key, message)
                    report.files_waiting = max(0, len(keys) - keys.index(key))
                    return f"files: {message}"
            done += len(keys)
            self._progress(Progress("files", report.files_stored, max(files_total, report.files_stored),
                                    "files uploaded"))
        self._wake.set()  # more files wait: the next pass starts without the usual pause
        return None

    def _note_file_error(self, key: str, error: str) -> None:
        try:
            self._gateway.mark_file(key, "pending", error=error[:500])
        except StationError:
            pass

    def _upload_one(self, key: str, report: SyncRunReport) -> None:
        assert self._files_to is not None and self._files_from is not None
        if self._files_to.exists(key):
            self._gateway.mark_file(key, "stored")
            report.files_stored += 1
            return
        try:
            path = self._files_from.local_path(key)
        except StationError:
            path = None
        problem = None
        if path is None:
            problem = f"file {key} is not in the station's local store"
        else:
            match = _KEY_DIGEST.search(key)
            if match and hashlib.sha256(path.read_bytes()).hexdigest() != match.group(1):
                problem = f"file {key} does not match its content hash (corrupted local copy)"
        if problem:
            self._gateway.mark_file(key, "failed", error=problem)
            report.files_failed += 1
            return
        size = self._files_to.upload(key, path)  # type: ignore[arg-type]
        self._gateway.mark_file(key, "stored", size=size)
        report.files_stored += 1

    def _save(self, report: SyncRunReport, started: datetime) -> None:
        state = self._gateway.load_state()
        values: dict[str, str | None] = {"last_attempt": _iso(started)}
        if self._last_pull == started:
            values["last_pull"] = _iso(started)
        if report.error:
            failures = int(state.get("consecutive_failures") or 0) + 1
            values.update(last_error=report.error[:1000], last_error_at=_iso(self._clock()),
                          consecutive_failures=str(failures))
        elif self._gateway.configured:
            values.update(last_success=_iso(self._clock()), last_error=None, consecutive_failures="0")
        try:
            self._gateway.save_state(values)
        except StationError as exc:  # the local store itself failed: nothing else can record it
            log.error("cannot save the sync state: %s", exc)

    # Visible state ---------------------------------------------------------------------------
    def status(self) -> SyncStatus:
        rows = self._gateway.pending_rows()
        files = self._gateway.file_counts()
        state = self._gateway.load_state()
        pending_files = files.get("pending", 0)
        return SyncStatus(
            pending=sum(rows.values()) + pending_files, pending_rows=rows, pending_files=pending_files,
            failed_files=files.get("failed", 0), last_success=state.get("last_success"),
            last_error=state.get("last_error"), last_error_at=state.get("last_error_at"),
            last_pull=state.get("last_pull"), consecutive_failures=int(state.get("consecutive_failures") or 0),
            running=self.running, configured=self._gateway.configured, disk=self._disk(),
        )

    def _disk(self) -> dict | None:
        if self.upkeep is None:
            return None
        try:
            return self.upkeep.status().to_dict()
        except Exception as exc:  # noqa: BLE001 - a disk probe fault is shown, never breaks the sync status
            return {"error": f"{type(exc).__name__}: {exc}"}

    # The thread ------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="station-sync", daemon=True)
        self._thread.start()

    def trigger(self) -> None:
        """Sync as soon as possible: the recorder calls it right after an inspection is committed (the
        assembly wires it), so the thread's next pass starts at once instead of after ``interval``."""
        self._wake.set()

    @property
    def wake_pending(self) -> bool:
        """True while a :meth:`trigger` waits to be served by the thread's next pass."""
        return self._wake.is_set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._thread = None

    def _loop(self) -> None:
        failures = 0
        while not self._stop.is_set():
            report = self.run_once()
            if self.upkeep is not None:
                self.upkeep.maintain()  # prunes what the centre holds, when due or while recording is paused
            failures = failures + 1 if report.error else 0
            if failures:  # backing off: a trigger does not cut the wait short, only stop() does
                self._stop.wait(backoff_delay(failures, self.base_backoff, self.max_backoff))
            else:
                self._wake.wait(self.interval)
            self._wake.clear()
