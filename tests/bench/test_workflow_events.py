"""The bench workflow's event stream with stand-in inspection and guidance services (no engine, no
model): the order of the events, the recurrence watch after the verdict is out, a failed stage ending the
stream, the guide so far from a callback-driven writer, and a consumer that stops during the guide."""

from __future__ import annotations

import threading
from types import SimpleNamespace

from station.domain.bench import (
    BenchRequest, Cancelled, ExcerptsReady, Failed, GuideDone, GuideUpdate, Inspected,
)
from station.domain.engine import CancelToken
from station.services.bench.workflow import BenchWorkflow

GUIDE_THREAD = "bench-guide"


def _outcome(needs_attention: bool = True) -> SimpleNamespace:
    return SimpleNamespace(inspection_id=5, result_id=11, product_code="demo-cast", needs_attention=needs_attention,
                           defect_detected=needs_attention, defect=None, regions=[], image_score=0.9,
                           confidence_score=0.0, view_outcomes=())


class FakeInspection:
    def __init__(self, outcome: SimpleNamespace, on_inspect=None) -> None:  # type: ignore[no-untyped-def]
        self.outcome, self.on_inspect = outcome, on_inspect

    def inspect(self, product_code, image, **_kw):  # type: ignore[no-untyped-def]
        if self.on_inspect is not None:
            self.on_inspect()
        return self.outcome

    def reference_pixels(self, _outcome):  # type: ignore[no-untyped-def]
        return None


class FakeGuidance:
    """Writes ``tokens`` updates of the guide so far through ``on_update`` (endless when None, until
    cancelled)."""

    def __init__(self, tokens: int | None = 3, fail_save: bool = False) -> None:
        self.tokens, self.fail_save = tokens, fail_save
        self.saved: list[object] = []
        self.writer_stopped = threading.Event()

    def excerpts(self, product_code, code, regions=None, scores=None):  # type: ignore[no-untyped-def]
        return [SimpleNamespace(ref=1)]

    def build_request(self, product_code, code, regions, scores, *, language, excerpts):  # type: ignore[no-untyped-def]
        return SimpleNamespace(language=language, excerpts=excerpts)

    def stream_guide(self, request, on_update=None, cancel_event=None):  # type: ignore[no-untyped-def]
        written = 0
        try:
            while (self.tokens is None or written < self.tokens) and not cancel_event.is_set():
                on_update("".join(f"t{n} " for n in range(written + 1)))
                written += 1
            return SimpleNamespace(content="guide", cancelled=cancel_event.is_set())
        finally:
            self.writer_stopped.set()

    def save_guide(self, result_id, guide):  # type: ignore[no-untyped-def]
        if self.fail_save:
            raise OSError("disk full")
        self.saved.append((result_id, guide))


class FakeRecurrence:
    def __init__(self) -> None:
        self.checked: list[int] = []

    def check(self, inspection_id: int) -> None:
        self.checked.append(inspection_id)


def _request(**kw) -> BenchRequest:  # type: ignore[no-untyped-def]
    return BenchRequest(request_id=7, product_code="demo-cast", image=b"", read_serial=False, **kw)


def _workflow(outcome=None, guidance=None, recurrence=None, on_inspect=None) -> BenchWorkflow:  # type: ignore[no-untyped-def]
    return BenchWorkflow(FakeInspection(outcome or _outcome(), on_inspect), guidance,  # type: ignore[arg-type]
                         recurrence=recurrence)


def _guide_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == GUIDE_THREAD]


def test_a_failed_part_yields_the_verdict_then_its_guide() -> None:
    guidance, recurrence = FakeGuidance(tokens=3), FakeRecurrence()
    run = _workflow(guidance=guidance, recurrence=recurrence).run(_request())
    inspected = next(run)
    assert isinstance(inspected, Inspected) and inspected.request_id == 7
    assert recurrence.checked == [], "the verdict is out before the recurrence watch runs"
    rest = list(run)
    assert recurrence.checked == [5]
    assert [type(e) for e in rest] == [ExcerptsReady, GuideUpdate, GuideUpdate, GuideUpdate, GuideDone]
    assert [e.text for e in rest if isinstance(e, GuideUpdate)] == ["t0 ", "t0 t1 ", "t0 t1 t2 "]
    done = rest[-1]
    assert done.saved and not done.guide.cancelled and guidance.saved == [(11, done.guide)]
    assert {e.request_id for e in rest} == {7} and not _guide_threads()


def test_a_passed_part_or_no_guide_wanted_yields_the_verdict_only() -> None:
    assert [type(e) for e in _workflow(_outcome(needs_attention=False), FakeGuidance()).run(_request())] == [Inspected]
    assert [type(e) for e in _workflow(guidance=FakeGuidance()).run(_request(guide=False))] == [Inspected]
    assert [type(e) for e in _workflow(guidance=None).run(_request())] == [Inspected]


def test_a_failed_save_ends_the_stream_with_one_failed_after_the_tokens() -> None:
    events = list(_workflow(guidance=FakeGuidance(tokens=2, fail_save=True)).run(_request()))
    assert [type(e) for e in events] == [Inspected, ExcerptsReady, GuideUpdate, GuideUpdate, Failed]
    assert events[-1].stage == "save" and "disk full" in events[-1].message


def test_a_failing_guide_writer_yields_failed_of_the_guide_stage() -> None:
    guidance = FakeGuidance()
    guidance.stream_guide = lambda *a, **kw: (_ for _ in ()).throw(RuntimeError("llama crashed"))  # type: ignore[method-assign]
    events = list(_workflow(guidance=guidance).run(_request()))
    assert [type(e) for e in events] == [Inspected, ExcerptsReady, Failed]
    assert events[-1].stage == "guide" and not _guide_threads()


def test_cancel_during_the_inspection_yields_cancelled() -> None:
    cancel = CancelToken()
    events = list(_workflow(guidance=FakeGuidance(), on_inspect=cancel.cancel).run(_request(), cancel))
    assert events == [Cancelled(7, "inspect")]


def test_cancel_during_the_guide_ends_it_marked_cancelled() -> None:
    cancel, guidance = CancelToken(), FakeGuidance(tokens=None)
    events = []
    for event in _workflow(guidance=guidance).run(_request(), cancel):
        events.append(event)
        if isinstance(event, GuideUpdate) and len(events) == 4:
            cancel.cancel()
    assert isinstance(events[-1], GuideDone) and events[-1].guide.cancelled
    assert not _guide_threads()


def test_a_consumer_that_stops_during_the_guide_stops_the_writer() -> None:
    cancel, guidance = CancelToken(), FakeGuidance(tokens=None)
    run = _workflow(guidance=guidance).run(_request(), cancel)
    for event in run:
        if isinstance(event, GuideUpdate):
            break
    run.close()
    assert cancel.cancelled and guidance.writer_stopped.is_set() and not _guide_threads()
    assert guidance.saved == [], "a guide nobody reads is not stored"


def test_write_again_yields_the_guides_events() -> None:
    workflow, outcome = _workflow(guidance=FakeGuidance(tokens=2)), _outcome()
    events = list(workflow.write_guide(3, outcome, "en", None))  # type: ignore[arg-type]
    assert [type(e) for e in events] == [GuideUpdate, GuideUpdate, GuideDone]
    assert {e.request_id for e in events} == {3} and events[-1].saved
