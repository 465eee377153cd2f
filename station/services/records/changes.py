"""A Qt-free notifier of changed records: the inspection workflow, action logging, the recurrence watch
(an alert raised or acknowledged) and sync fire it; screens that list records (queue, history,
dashboard) subscribe and refresh.

Listeners run on the thread that fires (a worker); the GUI bridges them to a Qt signal. A failing
listener is logged and never stops the others or the writer.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

log = logging.getLogger(__name__)

ChangeKind = Literal["inspection", "action", "feedback", "sync", "recurrence"]


@dataclass(frozen=True)
class RecordsChanged:
    """``kind`` says what changed; ``inspection_id`` when one inspection is concerned."""

    kind: ChangeKind
    inspection_id: int | None = None


Listener = Callable[[RecordsChanged], None]


class ChangeNotifier:
    """Subscribe with :meth:`subscribe` (returns an unsubscribe function); writers call :meth:`fire`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def fire(self, change: RecordsChanged) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(change)
            except Exception:  # noqa: BLE001 - a screen's refresh never breaks the writer
                log.exception("records-changed listener failed")
