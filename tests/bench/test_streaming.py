"""A callback-driven producer read as a generator: pieces in order as they come, the producer's result
returned and its exception raised, and a consumer that stops early cancels the producer and leaves no
thread behind."""

from __future__ import annotations

import threading

import pytest

from station.domain.engine import CancelToken
from station.services.bench.streaming import stream_callback


def _threads_named(name: str) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == name]


def test_pieces_arrive_in_order_and_the_result_is_returned() -> None:
    def produce(report):  # type: ignore[no-untyped-def]
        for piece in ("a", "b", "c"):
            report(piece)
        return "abc"

    stream = stream_callback(produce, CancelToken(), name="stream-order")
    pieces = []
    with pytest.raises(StopIteration) as stop:
        while True:
            pieces.append(next(stream))
    assert pieces == ["a", "b", "c"] and stop.value.value == "abc"
    assert not _threads_named("stream-order")


def test_each_piece_is_yielded_before_the_producer_goes_on() -> None:
    released = threading.Event()

    def produce(report):  # type: ignore[no-untyped-def]
        report("first")
        assert released.wait(10), "the consumer saw the first piece while the producer waited"
        report("second")

    stream = stream_callback(produce, CancelToken())
    assert next(stream) == "first"
    released.set()
    assert list(stream) == ["second"]


def test_the_producers_exception_is_raised_by_the_generator() -> None:
    def produce(report):  # type: ignore[no-untyped-def]
        report("partial")
        raise ValueError("model file is damaged")

    stream = stream_callback(produce, CancelToken(), name="stream-error")
    assert next(stream) == "partial"
    with pytest.raises(ValueError, match="damaged"):
        next(stream)
    assert not _threads_named("stream-error")


def test_a_consumer_that_stops_early_cancels_and_joins_the_producer() -> None:
    cancel, stopped = CancelToken(), threading.Event()

    def produce(report):  # type: ignore[no-untyped-def]
        while not cancel.is_set():  # like the LLM: checks the token between tokens
            report("token")
        stopped.set()
        return "cancelled guide"

    stream = stream_callback(produce, cancel, name="stream-close")
    for count, _piece in enumerate(stream):
        if count == 3:
            break
    stream.close()
    assert cancel.cancelled and stopped.is_set(), "the producer stopped before close() returned"
    assert not _threads_named("stream-close")


def test_a_finished_stream_leaves_the_token_alone() -> None:
    cancel = CancelToken()
    assert list(stream_callback(lambda report: report("only"), cancel)) == ["only"]
    assert not cancel.cancelled
