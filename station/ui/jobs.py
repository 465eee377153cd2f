"""Background jobs for the GUI: a function runs on a thread pool, reports progress and partial output,
can be cancelled, and its result or error comes back on the GUI thread.

The GUI thread never does I/O or model work: every service call goes through :class:`JobRunner`.

Three rules make results that cannot be stale, all enforced here and nowhere else:

* a job submitted with an ``owner`` (the widget that shows its result) is cancelled and its callbacks
  dropped when the owner is destroyed (sign-out, language switch), so nothing calls into a deleted
  widget;
* a job submitted with a ``request`` (a Qt-free
  :class:`~station.services.bench.requests.RequestTracker`, a topic and a request id) only delivers while
  that request is still the tracker's current one for the topic: the result of an older inspection or an
  older threshold preview is dropped, never shown;
* a job submitted with ``latest=True`` reads what its owner shows (a list, a form): a newer job of the same
  name and owner supersedes it, so a reading that finishes late never replaces a newer one on screen.

Jobs run by ``priority`` (:data:`URGENT` inspections before :data:`NORMAL` work before :data:`BACKGROUND`
builds and guides) when they wait for a thread.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from station.domain.engine import CancelledError, CancelToken
from station.domain.errors import AuthenticationError, NotReadyError, ValidationError
from station.services.bench import RequestTracker

URGENT, NORMAL, BACKGROUND = 10, 0, -10

JobCancelled = CancelledError  # what a job raises (through ``ctx.progress``/``ctx.emit``) once cancelled

__all__ = ["BACKGROUND", "NORMAL", "URGENT", "CancelToken", "JobCancelled", "JobContext", "JobHandle", "engine_progress",
           "JobRunner", "RequestTracker"]

log = logging.getLogger(__name__)

# A person's mistake (wrong password, a value out of range): logged as one line, never with a traceback.
# An expected state (a model not built yet) is logged as one info line. Every other failure is a fault
# and is logged with its traceback.
USER_MISTAKES = (AuthenticationError, ValidationError)


class _Signals(QObject):
    progress = Signal(float, str)
    chunk = Signal(object)
    done = Signal(object)
    failed = Signal(object)
    cancelled = Signal()


class JobContext:
    """What a job function receives: its cancel token, a progress reporter and a partial-output channel."""

    def __init__(self, signals: _Signals, token: CancelToken) -> None:
        self._signals = signals
        self.token = token

    @property
    def cancelled(self) -> bool:
        return self.token.cancelled

    def progress(self, fraction: float, message: str = "", *, check_cancel: bool = True) -> None:
        """Reports progress; raises JobCancelled once cancelled unless ``check_cancel`` is false (for
        services that honour their own cancel token and must clean up, e.g. engine builds)."""
        if check_cancel:
            self.token.raise_if_cancelled()
        self._signals.progress.emit(max(0.0, min(1.0, float(fraction))), message)

    def emit(self, chunk: Any, *, check_cancel: bool = True) -> None:
        """Partial output for the GUI (e.g. workflow events); raises JobCancelled once cancelled unless
        ``check_cancel`` is false (for producers that stop gracefully on their own)."""
        if check_cancel:
            self.token.raise_if_cancelled()
        self._signals.chunk.emit(chunk)


class JobHandle(QObject):
    """Lives on the GUI thread; relays the worker's signals to plain callbacks there (or drops them, see
    the module docstring)."""

    finished = Signal()

    def __init__(self, name: str, runner: JobRunner, request: tuple[RequestTracker, str, int] | None = None) -> None:
        super().__init__(runner)
        self.name = name
        self.token = CancelToken()
        self.signals = _Signals()
        self.state = "running"
        self.error: BaseException | None = None
        self.result: Any = None
        self.request = request
        self.dropped = 0  # deliveries dropped because the request was stale or the owner gone
        self._on: dict[str, Callable[..., Any] | None] = {}
        self.signals.progress.connect(self._progress)
        self.signals.chunk.connect(self._chunk)
        self.signals.done.connect(self._done)
        self.signals.failed.connect(self._failed)
        self.signals.cancelled.connect(self._cancelled)

    def cancel(self) -> None:
        self.token.cancel()

    def orphan(self, *_: Any) -> None:
        """The owner is gone: cancel, and never call back into it."""
        self._on = {}
        self.token.cancel()

    @property
    def running(self) -> bool:
        return self.state == "running"

    @property
    def current(self) -> bool:
        """False once the request this job answers is no longer current."""
        if self.request is None:
            return True
        tracker, topic, request_id = self.request
        return tracker.is_current(topic, request_id)

    def _call(self, key: str, *args: Any) -> None:
        callback = self._on.get(key)
        if callback is None:
            return
        if not self.current:
            self.dropped += 1
            return
        callback(*args)

    @Slot(float, str)
    def _progress(self, fraction: float, message: str) -> None:
        self._call("progress", fraction, message)

    @Slot(object)
    def _chunk(self, chunk: Any) -> None:
        self._call("chunk", chunk)

    @Slot(object)
    def _done(self, result: Any) -> None:
        self.state, self.result = "done", result
        try:
            self._call("done", result)
        finally:
            self._end()

    @Slot(object)
    def _failed(self, error: BaseException) -> None:
        self.state, self.error = "failed", error
        try:
            self._call("error", error)
        finally:
            self._end()

    @Slot()
    def _cancelled(self) -> None:
        self.state = "cancelled"
        try:
            self._call("cancelled")
        finally:
            self._end()

    def _end(self) -> None:
        self.finished.emit()
        self.deleteLater()


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[JobContext], Any], handle: JobHandle) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._name = handle.name
        self._signals = handle.signals
        self._token = handle.token

    def run(self) -> None:
        ctx = JobContext(self._signals, self._token)
        try:
            self._token.raise_if_cancelled()
            result = self._fn(ctx)
        except CancelledError:
            self._signals.cancelled.emit()
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI as a message
            if isinstance(exc, USER_MISTAKES):
                log.warning("job %r refused: %s", self._name, exc)
            elif isinstance(exc, NotReadyError):
                log.info("job %r waits: %s", self._name, exc)
            else:
                exc.__dict__.setdefault("job_traceback", traceback.format_exc())
                log.exception("job %r failed", self._name)
            self._signals.failed.emit(exc)
        else:
            self._signals.done.emit(result)


class JobRunner(QObject):
    """Submits job functions to a private thread pool and keeps track of the running ones."""

    busy_changed = Signal(int)

    def __init__(self, parent: QObject | None = None, max_threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._active: list[JobHandle] = []
        self._readers: dict[int, RequestTracker] = {}  # id of an owner -> its latest-only jobs by name

    def submit(
        self, fn: Callable[[JobContext], Any], *, name: str = "job",
        on_done: Callable[[Any], Any] | None = None, on_error: Callable[[BaseException], Any] | None = None,
        on_progress: Callable[[float, str], Any] | None = None, on_chunk: Callable[[Any], Any] | None = None,
        on_cancelled: Callable[[], Any] | None = None, owner: QObject | None = None,
        request: tuple[RequestTracker, str, int] | None = None, priority: int = NORMAL, latest: bool = False,
    ) -> JobHandle:
        if latest:
            if owner is None or request is not None:
                raise ValueError("a latest-only job needs its owner and no request of its own")
            request = self._latest_request(owner, name)
        handle = JobHandle(name, self, request)
        handle._on = {"done": on_done, "error": on_error, "progress": on_progress, "chunk": on_chunk,
                      "cancelled": on_cancelled}
        if owner is not None:
            owner.destroyed.connect(handle.orphan)
        self._active.append(handle)
        handle.finished.connect(lambda h=handle: self._forget(h))
        self.busy_changed.emit(len(self._active))
        self._pool.start(_Runnable(fn, handle), priority)
        return handle

    def _latest_request(self, owner: QObject, name: str) -> tuple[RequestTracker, str, int]:
        key = id(owner)
        tracker = self._readers.get(key)
        if tracker is None:
            tracker = self._readers[key] = RequestTracker()
            owner.destroyed.connect(lambda *_args, k=key: self._readers.pop(k, None))
        return tracker, name, tracker.begin(name)

    def _forget(self, handle: JobHandle) -> None:
        if handle in self._active:
            self._active.remove(handle)
        self.busy_changed.emit(len(self._active))

    @property
    def active(self) -> list[JobHandle]:
        return list(self._active)

    def cancel_all(self) -> None:
        for handle in self._active:
            handle.cancel()

    def wait_idle(self, timeout_ms: int = 30000) -> bool:
        """Blocks until the pool is idle (shutdown and tests only, never during normal operation)."""
        return self._pool.waitForDone(timeout_ms)


def engine_progress(ctx: JobContext) -> Callable[[Any], None]:
    """An engine ``ProgressCallback`` reporting to the job (the engine honours the job's cancel token
    itself, so it can clean up: no cancel check here)."""
    def report(progress: Any) -> None:
        ctx.progress(getattr(progress, "fraction", 0.0), getattr(progress, "message", "") or "", check_cancel=False)
    return report
