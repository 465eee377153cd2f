"""Progress of long commands (build, evaluate, calibrate, ingest, sync, fetch), fed by the services'
progress callbacks: on a terminal a live bar per stage with count, rate and ETA (rich); otherwise
(a pipe, a log, CI) plain lines, about one per tenth of a stage, each with its rate and ETA.

Progress goes to stderr, so ``--json`` output on stdout stays clean; ``enabled=False`` shows nothing.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import IO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress
from rich.text import Text

from station.domain.engine import Progress


class _RateColumn(ProgressColumn):
    """Items per second of a stage (rich's own speed column counts bytes)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.1f}/s", style="progress.data.speed")


def _eta(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


class ProgressReporter:
    """A context manager; call it with a :class:`Progress` (or use :meth:`update` / :meth:`note`)."""

    def __init__(self, enabled: bool = True, *, stream: IO[str] | None = None, live: bool | None = None,
                 clock=time.monotonic) -> None:  # type: ignore[no-untyped-def]
        self._enabled = enabled
        self._stream = stream or sys.stderr
        self._live = self._stream.isatty() if live is None else live
        self._clock = clock
        self._rich: RichProgress | None = None
        self._tasks: dict[str, TaskID] = {}
        self._plain: dict[str, tuple[float, int, int]] = {}  # stage -> (started, last printed done, total)

    # Context -------------------------------------------------------------------------------
    def __enter__(self) -> ProgressReporter:
        if self._enabled and self._live:
            console = Console(file=self._stream, force_terminal=True)
            self._rich = RichProgress(
                TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), _RateColumn(),
                TextColumn("ETA"), TimeRemainingColumn(), TimeElapsedColumn(), TextColumn("{task.fields[note]}"),
                console=console, transient=False, refresh_per_second=8)
            self._rich.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._rich is not None:
            self._rich.stop()
            self._rich = None

    # Feeding -------------------------------------------------------------------------------
    def __call__(self, p: Progress | str) -> None:
        """A :class:`Progress` report moves its stage's bar; a plain string is a :meth:`note`."""
        if isinstance(p, str):
            self.note(p)
        else:
            self.update(p.stage, p.done, p.total, p.message)

    def update(self, stage: str, done: int, total: int, message: str = "") -> None:
        """``done`` of ``total`` items of ``stage`` (``total`` 0: unknown)."""
        if not self._enabled:
            return
        total = max(total, done, 0)
        if self._rich is not None:
            task = self._tasks.get(stage)
            if task is None:
                task = self._tasks[stage] = self._rich.add_task(stage, total=total or None, note=message)
            self._rich.update(task, completed=done, total=total or None, note=message[:40])
            return
        self._plain_line(stage, done, total, message)

    def note(self, text: str) -> None:
        """A one-off message (e.g. "fetching from PyPI"), printed above a live bar."""
        if not self._enabled:
            return
        if self._rich is not None:
            self._rich.console.print(text, highlight=False, markup=False)
        else:
            print(text, file=self._stream, flush=True)

    def _plain_line(self, stage: str, done: int, total: int, message: str) -> None:
        now = self._clock()
        started, last, _ = self._plain.get(stage, (now, -1, total))
        step = max(1, total // 10) if total else 1
        if done != total and last >= 0 and done - last < step:
            return
        self._plain[stage] = (started, done, total)
        elapsed = now - started
        rate = done / elapsed if elapsed > 0 and done else 0.0
        parts = [f"  {stage}: {done}/{total}" if total else f"  {stage}: {done}"]
        if rate:
            parts.append(f"{rate:,.1f}/s")
            if total and done < total:
                parts.append(f"ETA {_eta((total - done) / rate)}")
        if message:
            parts.append(message)
        print("  ".join(parts), file=self._stream, flush=True)
