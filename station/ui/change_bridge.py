"""The station's change notifier on the GUI thread: every change fired on the one
:class:`~station.services.shared.changes.ChangeNotifier`, on any thread and by services or screens
alike, is re-emitted here as a Qt signal on the GUI thread (queued when it was fired elsewhere, at once
when fired on the GUI thread). Screens fire through :meth:`ChangeBridge.fire` and connect to the signals.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from station.services.shared.changes import (
    CatalogChanged, Change, ModelStatusChanged, RecordsChanged, ThresholdsChanged,
)
from station.ui.services import ChangeBus


class ChangeBridge(QObject):
    """Re-emits the notifier's changes on the GUI thread, one signal per kind of change."""

    records_changed = Signal(object)  # RecordsChanged: an inspection, action, alert or synced rows
    thresholds_changed = Signal(int)  # product_id
    catalog_changed = Signal()
    model_status = Signal(str)        # what the status bar shows as "Model: …"
    _arrived = Signal(object)         # a change, from the thread that fired it

    def __init__(self, notifier: ChangeBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.notifier = notifier
        self._arrived.connect(self._dispatch)
        self._unsubscribe: Callable[[], None] | None = notifier.subscribe(self._arrived.emit)

    def fire(self, change: Change) -> None:
        """Tells the whole station (services listening included), this bridge's signals among them."""
        self.notifier.fire(change)

    def close(self) -> None:
        """No more signals from the notifier (the window is closing)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    @Slot(object)
    def _dispatch(self, change: Change) -> None:
        if isinstance(change, RecordsChanged):
            self.records_changed.emit(change)
        elif isinstance(change, ThresholdsChanged):
            self.thresholds_changed.emit(change.product_id)
        elif isinstance(change, CatalogChanged):
            self.catalog_changed.emit()
        elif isinstance(change, ModelStatusChanged):
            self.model_status.emit(change.text)
