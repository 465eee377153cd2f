"""A producer that reports through a callback, read as a generator: the producer runs on a helper thread
and every piece it reports is yielded as soon as it arrives (the local LLM's guide tokens).

The generator's return value is the producer's; an exception of the producer is raised by the generator.
A consumer that stops iterating early (``close()``, ``break``, an exception thrown in) sets the cancel
token, so the producer stops at its next check, and the generator returns only once the helper thread has
ended: no thread outlives the generator.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Generator
from typing import Generic, TypeVar

from station.domain.engine import CancelToken

Piece = TypeVar("Piece")
Result = TypeVar("Result")

Producer = Callable[[Callable[[Piece], None]], Result]  # called with the callback that reports one piece


class _Ended(Generic[Result]):
    """The producer's last word on the queue: its result, or the exception it raised."""

    def __init__(self, result: Result | None = None, error: BaseException | None = None) -> None:
        self.result = result
        self.error = error


def stream_callback(produce: Producer[Piece, Result], cancel: CancelToken,
                    name: str = "callback-stream") -> Generator[Piece, None, Result]:
    """Runs ``produce(report)`` on a thread named ``name`` and yields each piece passed to ``report``;
    returns what ``produce`` returns (see the module docstring for cancellation and errors)."""
    pieces: queue.SimpleQueue[Piece | _Ended[Result]] = queue.SimpleQueue()

    def work() -> None:
        try:
            result = produce(pieces.put)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            pieces.put(_Ended(error=exc))
        else:
            pieces.put(_Ended(result))

    thread = threading.Thread(target=work, name=name, daemon=True)
    thread.start()
    ended: _Ended[Result] | None = None
    try:
        while ended is None:
            piece = pieces.get()
            if isinstance(piece, _Ended):
                ended = piece
            else:
                yield piece
    finally:
        if ended is None:  # the consumer stopped before the producer ended
            cancel.cancel()
        thread.join()
    if ended.error is not None:
        raise ended.error
    return ended.result  # type: ignore[return-value]
