"""The job runner's guarantees with real Qt objects: a result for a request that is no longer current is
dropped (one place), a job owned by a deleted widget never calls back, inspections jump the queue, and the
station's change notifier reaches the GUI thread as Qt signals."""

from __future__ import annotations

import logging
import threading

import pytest
from PySide6.QtCore import QObject, QThread
from PySide6.QtWidgets import QApplication, QWidget

from station.services.engine import BankNotBuiltError
from station.services.shared.changes import (
    CatalogChanged, ChangeNotifier, ModelStatusChanged, RecordsChanged, ThresholdsChanged,
)
from station.ui.change_bridge import ChangeBridge
from station.ui.jobs import BACKGROUND, NORMAL, URGENT, JobRunner, RequestTracker


@pytest.fixture
def runner(qtbot):  # type: ignore[no-untyped-def]
    owner = QObject()
    runner = JobRunner(owner, max_threads=1)
    yield runner
    runner.cancel_all()
    runner.wait_idle(10000)


def _blocked(gate: threading.Event, value: object):  # type: ignore[no-untyped-def]
    def work(ctx):  # type: ignore[no-untyped-def]
        ctx.emit(f"{value}-partial")
        assert gate.wait(10)
        return value
    return work


def test_a_result_for_an_older_request_is_dropped(qtbot, runner) -> None:  # type: ignore[no-untyped-def]
    requests, shown, chunks = RequestTracker(), [], []
    gate = threading.Event()
    old = requests.begin("part")
    old_job = runner.submit(_blocked(gate, "old"), request=(requests, "part", old), on_done=shown.append,
                            on_chunk=chunks.append)
    qtbot.waitUntil(lambda: chunks == ["old-partial"], timeout=5000)
    new = requests.begin("part")  # the next part: the old one's result must never be shown
    gate.set()
    qtbot.waitUntil(lambda: old_job.state == "done", timeout=5000)
    assert shown == [] and old_job.dropped == 1
    runner.submit(lambda _ctx: "new", request=(requests, "part", new), on_done=shown.append)
    qtbot.waitUntil(lambda: shown == ["new"], timeout=5000)


def test_an_older_threshold_preview_is_dropped_and_a_new_part_retires_previews(qtbot, runner) -> None:  # type: ignore[no-untyped-def]
    requests, shown = RequestTracker(), []
    gate = threading.Event()
    first = requests.begin("preview")
    job = runner.submit(_blocked(gate, 1), request=(requests, "preview", first), on_done=shown.append)
    second = requests.begin("preview")
    runner.submit(lambda _ctx: 2, request=(requests, "preview", second), on_done=shown.append)
    gate.set()
    qtbot.waitUntil(lambda: shown == [2], timeout=5000)
    assert job.dropped == 1
    requests.begin("part", supersedes=("preview",))
    late = []
    runner.submit(lambda _ctx: 3, request=(requests, "preview", second), on_done=late.append)
    runner.wait_idle(5000)
    qtbot.wait(50)
    assert late == [] and requests.current("preview") is None


def test_a_late_reading_never_replaces_a_newer_one_of_the_same_owner(qtbot) -> None:  # type: ignore[no-untyped-def]
    parent = QObject()
    runner = JobRunner(parent, max_threads=2)  # two threads: the newer reading can finish first
    shown, other, gate = [], [], threading.Event()
    widget, neighbour = QWidget(), QWidget()
    old = runner.submit(_blocked(gate, "old"), name="list", owner=widget, latest=True, on_done=shown.append)
    runner.submit(lambda _ctx: "new", name="list", owner=widget, latest=True, on_done=shown.append)
    runner.submit(lambda _ctx: "form", name="form", owner=widget, latest=True, on_done=other.append)
    runner.submit(lambda _ctx: "theirs", name="list", owner=neighbour, latest=True, on_done=other.append)
    qtbot.waitUntil(lambda: shown == ["new"] and sorted(other) == ["form", "theirs"], timeout=5000)
    gate.set()
    qtbot.waitUntil(lambda: old.state == "done", timeout=5000)
    assert shown == ["new"] and old.dropped == 1  # another name or another owner is not superseded
    with pytest.raises(ValueError):
        runner.submit(lambda _ctx: None, name="list", latest=True)
    runner.wait_idle(5000)


def test_a_job_owned_by_a_deleted_widget_is_cancelled_and_never_calls_back(qtbot, runner) -> None:  # type: ignore[no-untyped-def]
    widget = QWidget()
    called, gate = [], threading.Event()

    def work(ctx):  # type: ignore[no-untyped-def]
        assert gate.wait(10)
        return ctx.cancelled

    job = runner.submit(work, owner=widget, on_done=lambda cancelled: called.append(widget.objectName()),
                        on_cancelled=lambda: called.append("cancelled"))
    widget.deleteLater()
    qtbot.waitUntil(lambda: job.token.cancelled, timeout=5000)
    gate.set()
    qtbot.waitUntil(lambda: job.state != "running", timeout=5000)
    assert called == []


def test_an_inspection_jumps_ahead_of_builds_and_guides(qtbot, runner) -> None:  # type: ignore[no-untyped-def]
    order: list[str] = []
    gate = threading.Event()
    runner.submit(lambda _ctx: gate.wait(10), name="busy")
    qtbot.wait(50)
    for name, priority in (("build", BACKGROUND), ("guide", BACKGROUND), ("report", NORMAL), ("inspect", URGENT)):
        runner.submit(lambda _ctx, n=name: order.append(n), name=name, priority=priority)
    gate.set()
    assert runner.wait_idle(10000)
    assert order[0] == "inspect" and order[1] == "report" and set(order[2:]) == {"build", "guide"}


def test_record_changes_from_a_worker_thread_arrive_on_the_gui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    notifier = ChangeNotifier()
    bridge = ChangeBridge(notifier)
    seen: list[tuple[RecordsChanged, bool]] = []
    bridge.records_changed.connect(
        lambda change: seen.append((change, QThread.currentThread() is QApplication.instance().thread())))
    worker = threading.Thread(target=notifier.fire, args=(RecordsChanged("inspection", 7),))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: seen == [(RecordsChanged("inspection", 7), True)], timeout=5000)
    bridge.close()


def test_every_kind_of_change_reaches_its_signal_and_the_gui_hears_it_at_once(qtbot) -> None:  # type: ignore[no-untyped-def]
    notifier = ChangeNotifier()
    bridge = ChangeBridge(notifier)
    heard: list[object] = []
    notifier.subscribe(lambda change: heard.append(("service", change)))  # a Qt-free listener hears it too
    bridge.thresholds_changed.connect(lambda product_id: heard.append(("thresholds", product_id)))
    bridge.catalog_changed.connect(lambda: heard.append(("catalog",)))
    bridge.model_status.connect(lambda text: heard.append(("model", text)))
    bridge.fire(ThresholdsChanged(3))  # fired on the GUI thread: delivered before fire() returns
    bridge.fire(CatalogChanged())
    bridge.fire(ModelStatusChanged("resnet18 · cpu"))
    assert heard == [("thresholds", 3), ("service", ThresholdsChanged(3)), ("catalog",),
                     ("service", CatalogChanged()), ("model", "resnet18 · cpu"),
                     ("service", ModelStatusChanged("resnet18 · cpu"))]
    bridge.close()
    notifier.fire(CatalogChanged())
    assert heard[-1] == ("service", CatalogChanged()), "a closed bridge re-emits nothing"


def test_a_model_not_built_yet_is_one_info_line_without_a_traceback(qtbot, runner, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.INFO, logger="station")
    errors: list[BaseException] = []

    def warm_up(_ctx):  # type: ignore[no-untyped-def]
        raise BankNotBuiltError("product 'p1' has no memory bank yet")

    runner.submit(warm_up, name="warm-up", on_error=errors.append)
    qtbot.waitUntil(lambda: len(errors) == 1, timeout=5000)
    records = [r for r in caplog.records if r.name.startswith("station.ui.jobs")]
    assert [r.levelno for r in records] == [logging.INFO]
    assert records[0].exc_info is None and "no memory bank yet" in records[0].getMessage()
