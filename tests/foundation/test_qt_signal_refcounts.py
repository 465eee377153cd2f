"""Signals emitted from Python must not leak or drop references: the camera relays emit many frames a
second for as long as the station runs, so a reference lost per emit ends the process within minutes
(a PySide6 release dropped one reference of ``True`` per ``emit`` on CPython 3.11)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

EMITS = 50_000

_PROBE = textwrap.dedent(f"""
    import sys
    from PySide6.QtCore import QCoreApplication, QObject, Signal

    app = QCoreApplication([])

    class Relay(QObject):
        frame = Signal(object)
        tick = Signal()
        count = Signal(int)
        flag = Signal(bool)

    relay = Relay()
    seen = []
    relay.frame.connect(lambda value: seen.append(1))
    relay.tick.connect(lambda: None)
    relay.count.connect(lambda value: None)
    relay.flag.connect(lambda value: None)
    before = (sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None))
    for i in range({EMITS}):
        relay.frame.emit(i)
        relay.tick.emit()
        relay.count.emit(i)
        relay.flag.emit(i % 2 == 0)
    after = (sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None))
    print(len(seen), *before, *after)
""")


def test_emitting_signals_keeps_every_reference() -> None:
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    seen, *counts = (int(v) for v in done.stdout.split())
    before, after = counts[:3], counts[3:]
    assert seen == EMITS
    # A few references may come and go with the interpreter's own caches; one per emit would be 50,000.
    assert all(abs(a - b) < 100 for a, b in zip(before, after, strict=True)), (before, after)
