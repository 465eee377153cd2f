"""Publishing a bank (the end of every build) hands the heap's free memory back to the system: freed
blocks the C heap would otherwise keep stop counting in the station's resident memory. Run in a fresh
interpreter without the test runner's malloc environment, with blocks freed below a live one (so that
glibc cannot return them by shrinking the heap's end itself)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator, /proc")

PROBE = textwrap.dedent("""
    import ctypes, sys
    from pathlib import Path
    import numpy as np
    from station.adapters.engine.bank_files import BankFiles

    def rss_mb():
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024

    libc = ctypes.CDLL("libc.so.6")
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    start = rss_mb()
    size = 64 << 10  # below glibc's mmap threshold: served by the heap
    blocks = [libc.malloc(size) for _ in range(3200)]  # 200 MB, touched
    for block in blocks:
        ctypes.memset(block, 1, size)
    live = libc.malloc(size)  # above them: the heap's end stays in use
    for block in blocks:
        libc.free(block)
    freed = rss_mb()
    if sys.argv[1] == "publish":
        files = BankFiles(Path(sys.argv[2]))
        files.publish("p-1", {"patchcore": ({"features": np.zeros((8, 4), np.float32)}, {"format": 1})})
        assert files.load("p-1", "patchcore") is not None
    print(freed - start, rss_mb() - start)
""")


def run(mode: str, models_dir: Path) -> tuple[int, int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    done = subprocess.run([sys.executable, "-c", PROBE, mode, str(models_dir)], capture_output=True, text=True,
                          env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    held, after = (int(v) for v in done.stdout.split()[-2:])
    return held, after


def test_publishing_a_bank_returns_the_freed_heap(tmp_path: Path) -> None:
    held, after = run("idle", tmp_path)
    assert held >= 150 and after >= 150  # glibc keeps the freed blocks by itself
    held, after = run("publish", tmp_path)
    assert held >= 150
    assert after <= held - 150  # gone from the resident set once the bank is published
