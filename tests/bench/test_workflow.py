"""The Qt-free bench workflow on the demo station (real engine, manual, template or local-LLM guide):
events yielded in order, each carrying its request id; the reference read once; the guide stored;
cancel; a failed stage leaves the stages before it; the change notifier hears a recorded inspection."""

from __future__ import annotations

import pytest

from station.domain.bench import (
    BenchRequest, Cancelled, ExcerptsReady, Failed, GuideDone, GuideUpdate, Inspected, events_json,
)
from station.domain.engine import CancelToken
from station.pipeline.synthetic.parts import render_part
from station.services.shared.changes import RecordsChanged
from tests.support.ui import demo_ctx, demo_template  # noqa: F401

pytestmark = pytest.mark.slow


def _request(request_id: int, seed: int, defect: str | None, **kw) -> BenchRequest:  # type: ignore[no-untyped-def]
    return BenchRequest(request_id=request_id, product_code="demo-cast", image=render_part(seed, 128, defect).image,
                        **kw)


def test_a_failed_part_streams_events_of_its_own_request(demo_ctx) -> None:  # noqa: F811
    workflow = demo_ctx.bench
    heard: list[RecordsChanged] = []
    workflow.changes.subscribe(heard.append)
    events = list(workflow.run(_request(41, 91_000, "hole")))
    assert not any(isinstance(e, (Failed, Cancelled)) for e in events)
    assert {e.request_id for e in events} == {41}
    kinds = [type(e) for e in events]
    assert kinds[0] is Inspected and kinds[1] is ExcerptsReady and kinds[-1] is GuideDone
    assert set(kinds[2:-1]) <= {GuideUpdate}
    inspected = events[0]
    assert inspected.outcome.defect_detected and inspected.outcome.inspection_id is not None
    assert inspected.reference is not None and inspected.reference.ndim in (2, 3)
    ready, done = events[1], events[-1]
    assert ready.excerpts and ready.excerpts[0].ref == 1
    assert done.saved and done.guide.content.strip()
    content, generated, _score = demo_ctx.guidance._manuals.get_guide(inspected.outcome.result_id)
    assert generated and content == done.guide.content
    assert RecordsChanged("inspection", inspected.outcome.inspection_id) in heard
    summary = events_json(events)
    assert summary["verdict"] in ("FAIL", "UNCERTAIN") and summary["guide"]["saved"] is True
    assert summary["excerpts"][0]["ref"] == 1


def test_the_reference_is_read_from_storage_once(demo_ctx) -> None:  # noqa: F811
    workflow, references = demo_ctx.bench, demo_ctx.engine.inspection.references
    [first] = workflow.run(_request(1, 91_000, "hole", guide=False))
    reads = references.reads
    assert first.outcome.reference is not None and reads == 1, "artifacts and display share one read"
    [second] = workflow.run(_request(2, 91_000, "hole", guide=False))
    assert second.outcome.reference.file_path == first.outcome.reference.file_path
    assert references.reads == reads, "the same reference is not read again"


def test_cancel_before_the_inspection_records_nothing(demo_ctx) -> None:  # noqa: F811
    cancel = CancelToken()
    cancel.cancel()
    events = list(demo_ctx.bench.run(_request(5, 91_000, "hole"), cancel=cancel))
    assert not any(isinstance(e, Inspected) for e in events) and events_json(events) == {"cancelled": True}
    assert events == [Cancelled(5, "inspect")]


def test_a_cancelled_guide_ends_with_guide_done_marked_cancelled(demo_ctx) -> None:  # noqa: F811
    cancel = CancelToken()
    events: list[object] = []
    for event in demo_ctx.bench.run(_request(6, 91_000, "hole"), cancel=cancel):
        events.append(event)
        if isinstance(event, ExcerptsReady):
            cancel.cancel()
    assert isinstance(events[0], Inspected) and events_json(events)["cancelled"] is True
    assert isinstance(events[-1], (Cancelled, GuideDone))


def test_an_unknown_product_fails_the_inspect_stage_with_one_line(demo_ctx) -> None:  # noqa: F811
    request = BenchRequest(request_id=9, product_code="no-such-product", image=render_part(1, 128, None).image)
    [failed] = demo_ctx.bench.run(request)
    assert isinstance(failed, Failed) and failed.stage == "inspect" and failed.request_id == 9
    assert "\n" not in failed.message and "no-such-product" in failed.message
    assert events_json([failed])["error"] == {"stage": "inspect", "message": failed.message}


def test_a_passed_part_needs_no_guide(demo_ctx) -> None:  # noqa: F811
    events = list(demo_ctx.bench.run(_request(3, 91_001, None)))
    assert [type(e) for e in events] == [Inspected] and events[0].outcome.verdict.value == "PASS"
