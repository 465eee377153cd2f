"""The bench's state, Qt-free: what the bench is doing (idle, inspecting, guiding), which request is
current, the jobs working for it, the part shown with its excerpts, and the line trigger waiting for its
verdict, with the transitions between them.

The bench screen renders a :class:`BenchSession` and routes the worker's actions and the workflow's
events to it; it keeps no bench state of its own. A session knows nothing of Qt: jobs are anything with a
``cancel()`` (the GUI's job handles), the part shown is anything with an ``outcome`` (the screen's
rendered result), and a waiting line trigger anything that can be told the verdict or why there is none.

A typical part::

    request_id = session.start_inspection(line_part)  # the previous part's jobs are cancelled
    session.run_job = runner.submit(...)                # the workflow run of that request
    session.inspected(shown)                            # Inspected: idle again, the line part answered
    session.excerpts_ready(excerpts)                    # ExcerptsReady: guiding
    session.guide_done()                                # GuideDone: idle
    session.job_ended()                                 # the run's job ended, whichever way
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Generic, Protocol, TypeVar

from station.domain.engine import InspectionOutcome
from station.domain.guidance import ManualExcerpt
from station.services.bench.requests import RequestTracker

PART, PREVIEW = "part", "preview"  # the session's request topics: the part shown, its threshold preview


class BenchState(Enum):
    IDLE = "idle"
    INSPECTING = "inspecting"  # a part's inspection runs (its guide may follow: that is GUIDING)
    GUIDING = "guiding"        # the shown part's guide is being written


class Job(Protocol):
    """A running job, as the session sees it."""

    def cancel(self) -> None: ...


class Shown(Protocol):
    """The part on show: the outcome it displays."""

    @property
    def outcome(self) -> InspectionOutcome: ...


class PendingPart(Protocol):
    """A line trigger waiting for the bench: told the verdict or why there is none (it keeps the first)."""

    def inspected(self, outcome: InspectionOutcome) -> None: ...

    def failed(self, message: str) -> None: ...


ShownT = TypeVar("ShownT", bound=Shown)


class BenchSession(Generic[ShownT]):
    """One bench's state and transitions (see the module docstring). ``has_guidance``: the workflow can
    write guides (else a FAIL part shows none and offers no "write again")."""

    def __init__(self, has_guidance: bool = False) -> None:
        self.has_guidance = has_guidance
        self.requests = RequestTracker()
        self.state = BenchState.IDLE
        self.shown: ShownT | None = None
        self.excerpts: tuple[ManualExcerpt, ...] = ()
        self.run_job: Job | None = None      # the current part's workflow run (inspect … guide)
        self.rewrite_job: Job | None = None  # "write again" on the shown part
        self.warm_job: Job | None = None     # the product's models loading
        self.line_part: PendingPart | None = None  # the line trigger the current part answers

    # Queries ------------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """An inspection is running (its guide may still stream after it: that does not count)."""
        return self.state is BenchState.INSPECTING

    @property
    def guiding(self) -> bool:
        return self.state is BenchState.GUIDING

    @property
    def request_id(self) -> int | None:
        """The current part's request (None before the first part and after a product change)."""
        return self.requests.current(PART)

    @property
    def guide_job(self) -> Job | None:
        """The job writing the shown part's guide, while it writes."""
        if not self.guiding:
            return None
        return self.rewrite_job or self.run_job

    @property
    def offers_write_again(self) -> bool:
        """The shown part is FAIL/UNCERTAIN and guides can be written: "write again" makes sense once idle."""
        return self.shown is not None and self.shown.outcome.needs_attention and self.has_guidance

    # A part ---------------------------------------------------------------------------------------
    def start_inspection(self, line_part: PendingPart | None = None) -> int:
        """A new part (never while :attr:`busy`): the waiting line part is superseded, the previous part's
        run and guide are cancelled, its preview retired and its result and excerpts cleared; returns the
        new request id. Set :attr:`run_job` to the job that runs it."""
        if self.busy:
            raise RuntimeError("the bench is inspecting a part")
        self._answer_line(error="superseded by a new part")
        self.line_part = line_part
        for job in (self.run_job, self.rewrite_job):
            if job is not None:
                job.cancel()
        request_id = self.requests.begin(PART, supersedes=(PREVIEW,))
        self.shown, self.excerpts, self.rewrite_job = None, (), None
        self.state = BenchState.INSPECTING
        return request_id

    def restore(self, shown: ShownT, excerpts: Sequence[ManualExcerpt] = ()) -> int:
        """A part shown by an earlier bench of this sign-in (the screen was rebuilt, e.g. in another
        language): shown again, idle, with a request of its own so that "write again" works; returns it."""
        for job in (self.run_job, self.rewrite_job):
            if job is not None:
                job.cancel()
        request_id = self.requests.begin(PART, supersedes=(PREVIEW,))
        self.shown, self.excerpts = shown, tuple(excerpts)
        self.run_job = self.rewrite_job = None
        self.state = BenchState.IDLE
        return request_id

    def inspected(self, shown: ShownT) -> None:
        """The verdict (Inspected): shown, and told to the waiting line part."""
        self.shown = shown
        if self.busy:
            self.state = BenchState.IDLE
        self._answer_line(outcome=shown.outcome)

    def excerpts_ready(self, excerpts: Sequence[ManualExcerpt]) -> None:
        """The manual sections are in (ExcerptsReady): the guide is being written."""
        self.excerpts = tuple(excerpts)
        self.state = BenchState.GUIDING

    def guide_done(self) -> None:
        """The guide is finished or stopped (GuideDone)."""
        if self.guiding:
            self.state = BenchState.IDLE

    def failed(self, stage: str, message: str) -> None:
        """A stage failed (Failed): a failed inspection ends the part and answers the line part; a later
        stage leaves the state to the job's end."""
        if stage == "inspect":
            self._answer_line(error=message)
            if self.busy:
                self.state = BenchState.IDLE

    def job_ended(self) -> None:
        """The run or "write again" job ended (done, failed or cancelled): idle, no part job left; a line
        part still waiting hears that there is no verdict."""
        self._answer_line(error="the inspection ended without a verdict")
        self.state = BenchState.IDLE
        self.run_job = self.rewrite_job = None

    # The guide ----------------------------------------------------------------------------------
    def start_write_again(self) -> int | None:
        """"Write again" on the shown part: the request id to write it for, None when there is nothing
        to write for or the bench is busy. Set :attr:`rewrite_job` to the job that writes it."""
        request_id = self.request_id
        if self.shown is None or request_id is None or self.state is not BenchState.IDLE:
            return None
        self.state = BenchState.GUIDING
        return request_id

    def stop_guide(self) -> bool:
        """Stop (Esc): cancels the job writing the guide; False when none writes."""
        job = self.guide_job
        if job is None:
            return False
        job.cancel()
        return True

    # Thresholds -----------------------------------------------------------------------------------
    def begin_preview(self, product_id: int) -> int | None:
        """The product's thresholds changed: a new preview request when the shown part is of that product
        (a newer change retires it), else None."""
        if self.shown is None or self.shown.outcome.product_id != product_id:
            return None
        return self.requests.begin(PREVIEW)

    def reevaluated(self, shown: ShownT) -> None:
        """The shown part judged again with the new thresholds."""
        self.shown = shown

    # Models ------------------------------------------------------------------------------------------
    def warm_up_started(self, job: Job) -> None:
        self.warm_job = job

    def warm_up_ended(self, job: Job) -> None:
        if self.warm_job is job:
            self.warm_job = None

    # The bench itself --------------------------------------------------------------------------------
    def stop(self, reason: str) -> None:
        """Cancels every job of the bench (part, guide, models); the waiting line part hears ``reason``."""
        self._answer_line(error=reason)
        for job in (self.run_job, self.rewrite_job, self.warm_job):
            if job is not None:
                job.cancel()

    def product_changed(self) -> None:
        """Another product on the bench: every job stops, no request is current, nothing is shown."""
        self.stop("the bench changed product")
        self.warm_job = None  # the cancelled warm-up's end no longer concerns this session
        self.requests.retire(PART, PREVIEW)
        self.job_ended()
        self.shown, self.excerpts = None, ()

    def _answer_line(self, outcome: InspectionOutcome | None = None, error: str | None = None) -> None:
        part, self.line_part = self.line_part, None
        if part is None:
            return
        if outcome is not None:
            part.inspected(outcome)
        else:
            part.failed(error or "inspection stopped")
