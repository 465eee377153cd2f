"""The bench's Qt-free session: the state a bench screen renders (idle, inspecting, guiding), its request
ids, its jobs and the waiting line part, through every transition, with plain stand-ins for the jobs,
the shown part and the line part."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest

from station.services.bench.session import PART, PREVIEW, BenchSession, BenchState


class FakeJob:
    def __init__(self) -> None:
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


@dataclass
class FakeLinePart:
    answers: list[tuple[str, object]] = field(default_factory=list)

    def inspected(self, outcome: object) -> None:
        self.answers.append(("inspected", outcome))

    def failed(self, message: str) -> None:
        self.answers.append(("failed", message))


def _shown(product_id: int = 1, needs_attention: bool = True) -> SimpleNamespace:
    return SimpleNamespace(outcome=SimpleNamespace(product_id=product_id, needs_attention=needs_attention))


def _inspecting(session: BenchSession, line_part: FakeLinePart | None = None) -> tuple[int, FakeJob]:
    request_id = session.start_inspection(line_part)
    job = FakeJob()
    session.run_job = job
    return request_id, job


def test_a_failed_part_goes_inspecting_guiding_idle() -> None:
    session = BenchSession(has_guidance=True)
    assert session.state is BenchState.IDLE and session.request_id is None and session.shown is None
    request_id, job = _inspecting(session)
    assert session.busy and session.state is BenchState.INSPECTING and session.request_id == request_id
    assert session.guide_job is None, "no guide is written while the part is inspected"
    shown = _shown()
    session.inspected(shown)
    assert not session.busy and session.shown is shown
    session.excerpts_ready(["excerpt"])  # type: ignore[list-item]
    assert session.guiding and session.excerpts == ("excerpt",) and session.guide_job is job
    session.guide_done()
    assert session.state is BenchState.IDLE and session.guide_job is None
    session.job_ended()
    assert session.run_job is None and session.offers_write_again


def test_a_new_part_cancels_the_previous_parts_jobs_and_retires_its_preview() -> None:
    session = BenchSession(has_guidance=True)
    first, job = _inspecting(session)
    session.inspected(_shown(product_id=3))
    session.excerpts_ready(())
    preview = session.begin_preview(3)
    assert preview is not None and session.requests.is_current(PREVIEW, preview)
    second, _ = _inspecting(session)
    assert job.cancelled, "the previous part's guide stops"
    assert second != first and session.requests.is_current(PART, second)
    assert not session.requests.is_current(PART, first) and session.requests.current(PREVIEW) is None
    assert session.shown is None and session.excerpts == () and session.busy


def test_start_inspection_refuses_while_inspecting() -> None:
    session = BenchSession()
    _inspecting(session)
    with pytest.raises(RuntimeError):
        session.start_inspection()


def test_the_line_part_hears_the_verdict_once() -> None:
    session = BenchSession()
    part = FakeLinePart()
    _inspecting(session, part)
    shown = _shown()
    session.inspected(shown)
    session.job_ended()
    assert part.answers == [("inspected", shown.outcome)] and session.line_part is None


@pytest.mark.parametrize("end, expected", [
    (lambda s: s.failed("inspect", "camera gone"), "camera gone"),
    (lambda s: s.job_ended(), "the inspection ended without a verdict"),
    (lambda s: s.product_changed(), "the bench changed product"),
    (lambda s: s.stop("the bench changed product"), "the bench changed product"),
])
def test_the_line_part_hears_why_there_is_no_verdict(end, expected: str) -> None:  # type: ignore[no-untyped-def]
    session = BenchSession()
    part = FakeLinePart()
    _inspecting(session, part)
    end(session)
    assert part.answers == [("failed", expected)]


def test_a_failed_inspection_is_idle_and_a_later_failed_stage_waits_for_the_job() -> None:
    session = BenchSession(has_guidance=True)
    _inspecting(session)
    session.failed("inspect", "no bank")
    assert session.state is BenchState.IDLE and session.shown is None
    _inspecting(session)
    session.inspected(_shown())
    session.excerpts_ready(())
    session.failed("guide", "the LLM failed")
    assert session.guiding, "the guide's job still ends"
    session.job_ended()
    assert session.state is BenchState.IDLE


def test_write_again_and_stop() -> None:
    session = BenchSession(has_guidance=True)
    assert session.start_write_again() is None, "nothing shown"
    request_id, _ = _inspecting(session)
    assert session.start_write_again() is None, "busy"
    session.inspected(_shown())
    session.job_ended()
    assert session.start_write_again() == request_id and session.guiding
    assert session.start_write_again() is None, "already writing"
    rewrite = FakeJob()
    session.rewrite_job = rewrite
    assert session.guide_job is rewrite and session.stop_guide() and rewrite.cancelled
    session.guide_done()
    session.job_ended()
    assert not session.stop_guide(), "no guide is being written"


def test_write_again_is_offered_only_for_parts_that_need_attention_with_guidance() -> None:
    for has_guidance, needs_attention, offered in ((True, True, True), (True, False, False), (False, True, False)):
        session = BenchSession(has_guidance=has_guidance)
        _inspecting(session)
        session.inspected(_shown(needs_attention=needs_attention))
        session.job_ended()
        assert session.offers_write_again is offered


def test_thresholds_of_another_product_start_no_preview() -> None:
    session = BenchSession()
    assert session.begin_preview(1) is None, "nothing shown"
    _inspecting(session)
    session.inspected(_shown(product_id=1))
    assert session.begin_preview(2) is None
    first = session.begin_preview(1)
    second = session.begin_preview(1)
    assert first is not None and second is not None
    assert not session.requests.is_current(PREVIEW, first) and session.requests.is_current(PREVIEW, second)
    again = _shown(product_id=1)
    session.reevaluated(again)
    assert session.shown is again


def test_product_change_stops_everything_and_shows_nothing() -> None:
    session = BenchSession(has_guidance=True)
    warm = FakeJob()
    session.warm_up_started(warm)
    _, run = _inspecting(session)
    session.inspected(_shown())
    session.excerpts_ready(())
    session.product_changed()
    assert run.cancelled and warm.cancelled and session.warm_job is None
    assert session.run_job is None and session.rewrite_job is None
    assert session.state is BenchState.IDLE and session.shown is None and session.excerpts == ()
    assert session.request_id is None and session.requests.current(PREVIEW) is None


def test_warm_up_ends_only_for_its_own_job() -> None:
    session = BenchSession()
    old, new = FakeJob(), FakeJob()
    session.warm_up_started(old)
    session.product_changed()
    session.warm_up_started(new)
    session.warm_up_ended(old)
    assert session.warm_job is new, "the cancelled warm-up's end no longer concerns the session"
    session.warm_up_ended(new)
    assert session.warm_job is None


def test_a_restored_part_is_shown_idle_and_can_be_written_again() -> None:
    """A part carried over from an earlier bench of the same sign-in: shown, idle, a request of its own."""
    session = BenchSession(has_guidance=True)
    shown = _shown()
    request_id = session.restore(shown, ["excerpt"])  # type: ignore[list-item]
    assert session.shown is shown and session.excerpts == ("excerpt",) and session.state is BenchState.IDLE
    assert session.request_id == request_id and session.requests.is_current(PART, request_id)
    assert session.offers_write_again and session.start_write_again() == request_id and session.guiding
