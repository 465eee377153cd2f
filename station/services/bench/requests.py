"""Which request of a screen is current, per topic: whatever answers any other request is stale and is
dropped (the job runner asks :meth:`RequestTracker.is_current` before it delivers)."""

from __future__ import annotations


class RequestTracker:
    """The current request per topic of one screen (e.g. ``"part"``, ``"preview"``): :meth:`begin` makes a
    new one current (and, with ``supersedes``, retires other topics' requests); results of any other
    request are dropped by the job runner. Request ids are unique within the tracker."""

    def __init__(self) -> None:
        self._last = 0
        self._current: dict[str, int] = {}

    def begin(self, topic: str, *, supersedes: tuple[str, ...] = ()) -> int:
        self._last += 1
        self._current[topic] = self._last
        for other in supersedes:
            self._current.pop(other, None)
        return self._last

    def current(self, topic: str) -> int | None:
        return self._current.get(topic)

    def is_current(self, topic: str, request_id: int) -> bool:
        return self._current.get(topic) == request_id

    def retire(self, *topics: str) -> None:
        """No request of these topics is current any more (the screen was cleared)."""
        for topic in topics:
            self._current.pop(topic, None)
