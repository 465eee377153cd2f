"""Capture worker throughput: frames per second the Qt-free worker delivers from a folder replay asked for
100 fps, and how far behind the newest frame a reader polling at 30 Hz sees (frames dropped, not queued).
The unit tests check behaviour only (frames arrive, stale ones are replaced); the speed lives here.

Run: .venv/bin/python -m benchmarks.bench_camera_worker [--seconds 5] [--fps 100]
Prints the measured fps and the drop ratio. Target: >= 20 fps delivered at a requested 100 fps on 2 cores.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from station.adapters.camera.worker import CaptureWorker
from station.domain.camera import CameraSpec


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--fps", type=float, default=100.0)
    parser.add_argument("--size", type=int, default=640)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i in range(10):
            cv2.imwrite(str(folder / f"f{i:02d}.png"), np.full((args.size, args.size, 3), 20 * i, np.uint8))
        worker = CaptureWorker(CameraSpec(source=str(folder), fps=args.fps))
        worker.start()
        try:
            while worker.latest() is None:
                time.sleep(0.01)
            first, started, polled = worker.latest().seq, time.monotonic(), 0
            while time.monotonic() - started < args.seconds:
                time.sleep(1 / 30)
                polled += 1
            last, elapsed = worker.latest().seq, time.monotonic() - started
            status = worker.status()
        finally:
            worker.stop()
    delivered = (last - first) / elapsed
    print(f"requested {args.fps:.0f} fps, {args.size}px frames: delivered {delivered:.1f} fps "
          f"(worker's own estimate {status.fps:.1f}); a 30 Hz reader saw {polled} polls, "
          f"{max(0, (last - first) - polled)} frames replaced unseen")
    ok = delivered >= 20
    print("target >= 20 fps:", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
