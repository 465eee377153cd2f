"""The station's change notifier, Qt-free: the one bus that carries every change a screen needs to hear
about, whoever makes it.

- :class:`RecordsChanged`: the bench workflow (an inspection recorded), action logging, the recurrence
  watch and the health alerts (an alert raised or acknowledged) and sync (rows pushed or pulled); the lists
  of records (queue, history, dashboard) refresh.
- :class:`ThresholdsChanged`: a product's thresholds were saved; the bench judges the part it shows again.
- :class:`CatalogChanged`: products were added or edited; the product selector reloads.
- :class:`ModelStatusChanged`: the models in use, in one line (the status bar's "Model: …").

Listeners run on the thread that fires (often a worker); the GUI re-emits each change on its own thread
(``station.ui.change_bridge``). A failing listener is logged and never stops the others or the writer.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

log = logging.getLogger(__name__)

ChangeKind = Literal["inspection", "action", "feedback", "sync", "recurrence", "health"]


@dataclass(frozen=True)
class RecordsChanged:
    """``kind`` says what changed; ``inspection_id`` when one inspection is concerned."""

    kind: ChangeKind
    inspection_id: int | None = None


@dataclass(frozen=True)
class ThresholdsChanged:
    """The product's image, pixel or review threshold was saved."""

    product_id: int


@dataclass(frozen=True)
class CatalogChanged:
    """Products or their defect types were added, edited or removed."""


@dataclass(frozen=True)
class ModelStatusChanged:
    """The models the bench uses, in one line (``"not ready"`` when they could not load)."""

    text: str


Change = RecordsChanged | ThresholdsChanged | CatalogChanged | ModelStatusChanged
Listener = Callable[[Change], None]


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

    def fire(self, change: Change) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(change)
            except Exception:  # noqa: BLE001 - a screen's refresh never breaks the writer
                log.exception("change listener failed")
