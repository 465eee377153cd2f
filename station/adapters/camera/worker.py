"""The capture worker: one thread per camera that keeps only the newest frame and reconnects on loss.

The GUI (or anything else) polls :meth:`CaptureWorker.latest` and :meth:`CaptureWorker.status`;
nothing here knows about Qt. Frames that nobody picked up before the next one arrived are dropped.

A read that hangs (a driver that never returns) is reported as a stall, never "fixed" by a second
reader: one lock per source admits a single reading thread at a time across all workers, and a worker
restarted while its old thread is still blocked resumes that thread instead of starting another.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

import cv2
import numpy as np

from station.adapters.camera.sources import FrameSource, SourceUnavailable, open_source
from station.domain.camera import CameraSpec, CameraState, CameraStatus, Frame

Opener = Callable[[CameraSpec], FrameSource]

_SOURCE_LOCKS: dict[str, threading.Lock] = {}
_REGISTRY_LOCK = threading.Lock()


def _source_lock(source: str) -> threading.Lock:
    """The lock a thread holds while it has ``source`` open (one reader per camera, process-wide)."""
    with _REGISTRY_LOCK:
        return _SOURCE_LOCKS.setdefault(source.strip(), threading.Lock())


class StillnessMeter:
    """Counts consecutive frames whose mean absolute difference (on a 64-px thumbnail) stays below a
    tolerance in grey levels: the auto-trigger fires when the scene has been still for N frames."""

    def __init__(self, tolerance: float) -> None:
        self._tolerance = tolerance
        self._previous: np.ndarray | None = None
        self.count = 0

    def update(self, image: np.ndarray) -> int:
        gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        scale = 64.0 / max(gray.shape)
        thumb = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA).astype(np.float32)
        if self._previous is not None and self._previous.shape == thumb.shape \
                and float(np.mean(np.abs(thumb - self._previous))) < self._tolerance:
            self.count += 1
        else:
            self.count = 1
        self._previous = thumb
        return self.count


class CaptureWorker:
    """Reads ``spec`` in a daemon thread. States: connecting -> live -> reconnecting -> live ... -> stopped."""

    def __init__(self, spec: CameraSpec, *, opener: Opener = open_source,
                 retry_delays: tuple[float, ...] = (0.2, 0.5, 1.0, 2.0, 5.0), stall_after: float = 3.0) -> None:
        self.spec = spec
        self._opener = opener
        self._retry_delays = retry_delays
        self._stall_after = max(stall_after, 3.0 / spec.fps) if spec.fps and spec.fps > 0 else stall_after
        self._last_frame_at: float | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._latest: Frame | None = None
        self._seq = 0
        self._times: deque[float] = deque(maxlen=30)
        self._status = CameraStatus(source=spec.source)

    # Public API ---------------------------------------------------------------------
    def start(self) -> None:
        """Starts the reader thread; a thread still blocked in a read after :meth:`stop` is resumed, not
        doubled."""
        if self._thread and self._thread.is_alive():
            self._stop.clear()
            return
        self._stop.clear()
        self._set_status(state=CameraState.CONNECTING, message="connecting", attempts=0)
        self._thread = threading.Thread(target=self._run, name=f"camera:{self.spec.source}", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        if thread is not None and thread.is_alive():  # stuck in the driver: kept, it ends when the read returns
            self._set_status(state=CameraState.STOPPED, fps=0.0,
                             message="stopped; the last camera read has not returned (no new reader until it does)")
            return
        self._thread = None
        self._set_status(state=CameraState.STOPPED, message="stopped", fps=0.0)

    def latest(self) -> Frame | None:
        with self._lock:
            return self._latest

    def status(self) -> CameraStatus:
        """The state; a live camera whose last frame is older than ``stall_after`` seconds reads as stalled."""
        with self._lock:
            status, last = self._status, self._last_frame_at
        if status.state is CameraState.LIVE and last is not None \
                and (idle := time.monotonic() - last) > self._stall_after:
            return CameraStatus(state=CameraState.RECONNECTING, fps=0.0, source=status.source,
                                message=f"no frame for {idle:.0f} s: the camera is not responding",
                                attempts=status.attempts, frame_size=status.frame_size)
        return status

    # Thread -------------------------------------------------------------------------
    def _set_status(self, **changes) -> None:  # type: ignore[no-untyped-def]
        with self._lock:
            values = {**self._status.__dict__, **changes}
            self._status = CameraStatus(**values)

    def _open(self) -> FrameSource | None:
        attempt = 0
        while not self._stop.is_set():
            try:
                return self._opener(self.spec)
            except SourceUnavailable as exc:
                attempt += 1
                delay = self._retry_delays[min(attempt - 1, len(self._retry_delays) - 1)]
                state = CameraState.CONNECTING if self._seq == 0 else CameraState.RECONNECTING
                self._set_status(state=state, message=str(exc), attempts=attempt, fps=0.0)
                self._stop.wait(delay)
        return None

    def _run(self) -> None:
        lock = _source_lock(self.spec.source)
        while not lock.acquire(timeout=0.1):  # another thread still holds this camera (e.g. a hung read)
            if self._stop.is_set():
                return
            self._set_status(state=CameraState.CONNECTING, fps=0.0,
                             message="waiting for the previous reader of this camera to let go")
        try:
            self._read_until_stopped()
        finally:
            lock.release()

    def _read_until_stopped(self) -> None:
        stillness = StillnessMeter(self.spec.still_tolerance)
        while not self._stop.is_set():
            source = self._open()
            if source is None:
                break
            with self._lock:
                self._last_frame_at = time.monotonic()
            self._set_status(state=CameraState.LIVE, message="live", attempts=0)
            try:
                while not self._stop.is_set():
                    image = source.read()
                    if image is None:
                        break
                    self._publish(image, stillness.update(image))
            finally:
                source.release()
            if not self._stop.is_set():
                self._times.clear()
                self._set_status(state=CameraState.RECONNECTING, message="camera lost, reconnecting",
                                 fps=0.0, attempts=1)
                self._stop.wait(self._retry_delays[0])

    def _publish(self, image: np.ndarray, still_count: int) -> None:
        now = time.monotonic()
        self._times.append(now)
        fps = (len(self._times) - 1) / (self._times[-1] - self._times[0]) if len(self._times) > 1 \
            and self._times[-1] > self._times[0] else 0.0
        with self._lock:
            self._seq += 1
            self._last_frame_at = now
            self._latest = Frame(image=image, seq=self._seq, timestamp=now, still_count=still_count)
            self._status = CameraStatus(state=CameraState.LIVE, fps=fps, message="live", attempts=0,
                                        source=self.spec.source, frame_size=(image.shape[1], image.shape[0]))


def make_capture_worker(spec: CameraSpec) -> CaptureWorker:
    """The factory the application hands to the GUI (validates first: a bad spec is refused)."""
    return CaptureWorker(spec.validated())
