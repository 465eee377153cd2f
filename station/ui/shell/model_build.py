"""A product's model built in the background while the window is open (the demo's first start): the job on
the window's job runner, its progress as a percentage, and whether it is still running, for the status bar
and the bench (which holds Inspect back until the model is ready)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from station.domain.engine import CancelToken, ProgressCallback
from station.domain.errors import error_line
from station.ui.jobs import BACKGROUND, JobContext, JobRunner, engine_progress


@dataclass(frozen=True)
class BackgroundBuild:
    """What to build: ``run(progress, cancel)`` builds ``product_code``'s model (Qt-free, called on a worker
    thread; its progress reports' ``fraction`` is the whole build's)."""

    product_code: str
    run: Callable[[ProgressCallback, CancelToken], Any]


class ModelBuildJob(QObject):
    """One background build: ``progressed`` with the percentage done, then ``finished`` (built or not,
    with the error line when not)."""

    progressed = Signal(int)
    finished = Signal(bool, str)

    def __init__(self, runner: JobRunner, build: BackgroundBuild, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.product_code = build.product_code
        self.percent = 0
        self.running = True
        self.error: str | None = None
        self.result: Any = None
        work = build.run

        def job(ctx: JobContext) -> Any:
            return work(engine_progress(ctx), ctx.token)

        self.handle = runner.submit(job, name="model-build", priority=BACKGROUND, on_progress=self._progress,
                                    on_done=self._done, on_error=self._failed,
                                    on_cancelled=lambda: self._end(False, "cancelled"))

    def _progress(self, fraction: float, _message: str) -> None:
        percent = max(self.percent, min(100, int(fraction * 100)))
        if percent != self.percent:
            self.percent = percent
            self.progressed.emit(percent)

    def _done(self, result: Any) -> None:
        self.result = result
        self.percent = 100
        self._end(True, "")

    def _failed(self, error: BaseException) -> None:
        self._end(False, error_line(error))

    def _end(self, built: bool, message: str) -> None:
        self.running = False
        self.error = None if built else message
        self.finished.emit(built, message)

    def cancel(self) -> None:
        if self.running:
            self.handle.cancel()
