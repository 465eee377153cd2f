"""Qt side of the camera: polls the Qt-free capture worker from a timer and emits the newest frame
(stale frames are simply never seen) and state changes. Stopping joins the capture thread in a job.

It polls every 10 ms: a poll that finds no new frame costs next to nothing, and polling at the source's
own rate (33 ms for 30 fps) would beat against it and skip frames."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from station.domain.camera import CameraSpec, CameraState, CameraStatus, Frame
from station.services.shared.ports import CameraFeed
from station.ui.jobs import JobRunner
from station.ui.widgets.imaging import to_qimage


class CameraBridge(QObject):
    frame_ready = Signal(object, object)     # QImage, Frame
    status_changed = Signal(object)          # CameraStatus

    def __init__(self, factory, runner: JobRunner, parent: QObject | None = None,  # type: ignore[no-untyped-def]
                 interval_ms: int = 10) -> None:
        super().__init__(parent)
        self._factory = factory
        self._runner = runner
        self._feed: CameraFeed | None = None
        self._last_seq = 0
        self._last_status = CameraStatus()
        self._latest: Frame | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._poll)

    @property
    def feed(self) -> CameraFeed | None:
        return self._feed

    @property
    def latest_frame(self) -> Frame | None:
        return self._latest

    @property
    def status(self) -> CameraStatus:
        return self._last_status

    def open(self, spec: CameraSpec) -> None:
        """Starts capturing ``spec`` (the previous feed is stopped in the background)."""
        self.close()
        feed = self._factory(spec)
        feed.start()
        self._feed = feed
        self._last_seq = 0
        self._timer.start()
        self._poll()

    def close(self) -> None:
        feed = self.release()
        if feed is not None:
            self._runner.submit(lambda _ctx: feed.stop(), name="camera-stop")

    def release(self) -> CameraFeed | None:
        """Stops polling and hands the running feed to the caller, who stops it off the GUI thread."""
        feed, self._feed = self._feed, None
        self._timer.stop()
        self._latest = None
        self._emit_status(CameraStatus(state=CameraState.STOPPED, message="stopped"))
        return feed

    def _emit_status(self, status: CameraStatus) -> None:
        if (status.state, round(status.fps), status.message, status.attempts) != (
                self._last_status.state, round(self._last_status.fps), self._last_status.message,
                self._last_status.attempts):
            self._last_status = status
            self.status_changed.emit(status)
        else:
            self._last_status = status

    def _poll(self) -> None:
        feed = self._feed
        if feed is None:
            return
        self._emit_status(feed.status())
        frame = feed.latest()
        if frame is None or frame.seq == self._last_seq:
            return
        self._last_seq = frame.seq
        self._latest = frame
        self.frame_ready.emit(to_qimage(frame.image), frame)
