"""Camera capture (Qt-free): folder and video replay, newest frame wins, loss and reconnect, stillness,
settings validation, QR serial reading."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from station.adapters.camera.codes import read_serial
from station.adapters.camera.settings_file import JsonCameraSettings
from station.adapters.camera.sources import SourceUnavailable, open_source
from station.adapters.camera.worker import CaptureWorker, StillnessMeter
from station.domain.camera import CameraSpec, CameraState, SourceKind
from station.domain.errors import ValidationError


def _write_frames(folder: Path, count: int = 3, size: int = 64) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        img = np.full((size, size, 3), 40 * (i + 1), np.uint8)
        cv2.putText(img, str(i), (10, 40), cv2.FONT_HERSHEY_SIMPLEX, 1, (255, 255, 255), 2)
        cv2.imwrite(str(folder / f"f{i:02d}.png"), img)


def _wait(predicate, timeout: float = 30.0) -> bool:  # a deadline for a condition, not a speed target  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_folder_replay_loops_in_name_order_holding_each_picture(tmp_path: Path) -> None:
    _write_frames(tmp_path / "replay", 3)
    spec = CameraSpec(source=str(tmp_path / "replay"), fps=120, still_frames=2)
    dwell = spec.replay_dwell
    assert dwell == 4
    source = open_source(spec)
    means = [int(source.read().mean()) for _ in range(6 * dwell)]  # type: ignore[union-attr]
    pictures = means[::dwell]
    assert all(means[i] == means[i - i % dwell] for i in range(len(means))), "each picture stays in view"
    assert pictures[:3] == pictures[3:], "replay must loop"
    assert pictures[0] < pictures[1] < pictures[2], "pictures come in file-name order"
    source.release()


def test_the_stillness_trigger_fires_once_for_every_replayed_part(tmp_path: Path) -> None:
    """A replayed folder of different parts: the stillness count reaches the trigger's frame count on each
    part and starts again at 1 when the next part comes into view."""
    _write_frames(tmp_path / "replay", 3)
    spec = CameraSpec(source=str(tmp_path / "replay"), fps=120, still_frames=3)
    source, meter = open_source(spec), StillnessMeter(spec.still_tolerance)
    counts = [meter.update(source.read()) for _ in range(3 * spec.replay_dwell)]  # type: ignore[arg-type]
    source.release()
    armed, fired = True, 0
    for count in counts:  # the bench's rule: re-armed by motion, fires once still for still_frames
        if count < 2:
            armed = True
        elif armed and count >= spec.still_frames:
            armed, fired = False, fired + 1
    assert fired == 3, counts
    assert counts[:spec.replay_dwell] == list(range(1, spec.replay_dwell + 1))


def test_video_file_replays_and_loops(tmp_path: Path) -> None:
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, (64, 48))
    for i in range(4):
        writer.write(np.full((48, 64, 3), 50 * i, np.uint8))
    writer.release()
    source = open_source(CameraSpec(source=str(path), fps=120))
    frames = [source.read() for _ in range(9)]
    assert all(f is not None and f.shape == (48, 64, 3) for f in frames), "a file loops instead of ending"
    source.release()


def test_unopenable_sources_are_unavailable(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(SourceUnavailable):
        open_source(CameraSpec(source=str(tmp_path / "empty")))
    with pytest.raises(SourceUnavailable):
        open_source(CameraSpec(source=str(tmp_path / "missing.mp4")))


def test_worker_keeps_only_the_newest_frame(tmp_path: Path) -> None:
    _write_frames(tmp_path / "replay", 3)
    worker = CaptureWorker(CameraSpec(source=str(tmp_path / "replay"), fps=100))
    worker.start()
    try:
        assert _wait(lambda: (worker.latest() is not None and worker.latest().seq >= 20))
        first = worker.latest()
        assert _wait(lambda: worker.latest().seq > first.seq + 5)  # nobody reads: frames are replaced, not queued
        status = worker.status()
        assert status.state is CameraState.LIVE and status.fps > 0 and status.frame_size == (64, 64)
    finally:
        worker.stop()
    assert worker.status().state is CameraState.STOPPED


def test_worker_reconnects_after_the_camera_disappears(tmp_path: Path) -> None:
    folder = tmp_path / "replay"
    _write_frames(folder, 3)
    worker = CaptureWorker(CameraSpec(source=str(folder), fps=60), retry_delays=(0.05, 0.1))
    worker.start()
    try:
        assert _wait(lambda: worker.status().state is CameraState.LIVE)
        folder.rename(tmp_path / "unplugged")
        assert _wait(lambda: worker.status().state is CameraState.RECONNECTING)
        lost_at = worker.latest().seq
        assert worker.status().attempts >= 1 and worker.status().fps == 0.0
        (tmp_path / "unplugged").rename(folder)
        assert _wait(lambda: worker.status().state is CameraState.LIVE and worker.latest().seq > lost_at + 3)
    finally:
        worker.stop()


def test_stillness_meter_counts_still_frames_and_resets_on_motion() -> None:
    meter = StillnessMeter(tolerance=2.0)
    still = np.full((120, 160, 3), 100, np.uint8)
    assert [meter.update(still) for _ in range(4)] == [1, 2, 3, 4]
    moved = still.copy()
    moved[20:100, 40:120] = 250
    assert meter.update(moved) == 1
    noisy = np.clip(moved.astype(int) + 1, 0, 255).astype(np.uint8)  # sensor noise below tolerance
    assert meter.update(noisy) == 2


def test_camera_spec_validation(tmp_path: Path) -> None:
    assert CameraSpec(source=" 0 ").validated().kind is SourceKind.DEVICE
    assert CameraSpec(source="rtsp://cam.local/stream").validated().kind is SourceKind.URL
    assert CameraSpec(source=str(tmp_path)).validated().kind is SourceKind.FOLDER
    bad = [CameraSpec(source=""), CameraSpec(source="99"), CameraSpec(source="ftp://x/y"),
           CameraSpec(source=str(tmp_path / "nope")), CameraSpec(width=5), CameraSpec(height=9000),
           CameraSpec(fps=0), CameraSpec(exposure=-50), CameraSpec(still_frames=1),
           CameraSpec(still_tolerance=0)]
    for spec in bad:
        with pytest.raises(ValidationError):
            spec.validated()


def test_camera_settings_file_round_trip(tmp_path: Path) -> None:
    store = JsonCameraSettings(tmp_path / "camera.json")
    assert store.load() == CameraSpec()
    spec = CameraSpec(source=str(tmp_path), width=640, height=480, exposure=-6, fps=10, still_frames=12)
    store.save(spec)
    assert store.load() == spec
    (tmp_path / "camera.json").write_text("{not json", encoding="utf-8")
    assert store.load() == CameraSpec()


def test_serial_is_read_from_a_qr_code_in_the_frame() -> None:
    code = cv2.QRCodeEncoder.create().encode("SN-2024-0042")
    code = cv2.resize(code, None, fx=5, fy=5, interpolation=cv2.INTER_NEAREST)
    frame = np.full((320, 320, 3), 255, np.uint8)
    frame[30:30 + code.shape[0], 30:30 + code.shape[1]] = cv2.cvtColor(code, cv2.COLOR_GRAY2BGR)
    assert read_serial(frame) == "SN-2024-0042"
    assert read_serial(np.zeros((64, 64, 3), np.uint8)) is None


class _HangingSource:
    """A camera whose driver blocks in read() until released (the fault: a read that never returns)."""

    def __init__(self, release: threading.Event, reading: threading.Event) -> None:
        self._release, self._reading = release, reading
        self.calls = 0

    def read(self) -> np.ndarray | None:
        self.calls += 1
        if self.calls == 1:
            return np.zeros((32, 32, 3), np.uint8)
        self._reading.set()
        self._release.wait()
        return np.zeros((32, 32, 3), np.uint8)

    def release(self) -> None:
        pass


def _readers(source: str) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == f"camera:{source}" and t.is_alive()]


def test_a_hanging_read_is_reported_and_never_gets_a_second_reader() -> None:
    release, reading = threading.Event(), threading.Event()
    opened: list[_HangingSource] = []

    def opener(_spec: CameraSpec) -> _HangingSource:
        opened.append(_HangingSource(release, reading))
        return opened[-1]

    spec = CameraSpec(source="hanging-cam", fps=30)
    worker = CaptureWorker(spec, opener=opener, stall_after=0.2)
    other = CaptureWorker(spec, opener=opener, stall_after=0.2)
    try:
        worker.start()
        assert reading.wait(30)
        assert _wait(lambda: "not responding" in worker.status().message)
        worker.stop(timeout=0.1)  # the read does not return: the thread is kept, not replaced
        assert "has not returned" in worker.status().message
        worker.start()  # restarting resumes the blocked thread
        other.start()  # a second worker on the same camera waits for the first reader to let go
        assert _wait(lambda: "waiting for the previous reader" in other.status().message)
        assert len(_readers("hanging-cam")) == 2 and len(opened) == 1, "one open camera, one thread per worker"
        other.stop()
        assert len(_readers("hanging-cam")) == 1
        release.set()
        assert _wait(lambda: worker.latest() is not None and worker.latest().seq >= 2)
    finally:
        release.set()
        worker.stop()
        other.stop()
    assert _wait(lambda: not _readers("hanging-cam"))
