"""The status bar: camera state and fps, model and device, sync state, product and user."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from station.domain.camera import CameraState, CameraStatus
from station.ui.jobs import JobRunner
from station.ui.services import GuiServices


class StationStatusBar(QStatusBar):
    def __init__(self, services: GuiServices, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self.camera_label = QLabel()
        self.camera_label.setObjectName("CameraState")
        self.model_label = QLabel()
        self.sync_label = QLabel()
        self.sync_label.setObjectName("SyncState")
        self.user_label = QLabel()
        for widget in (self.camera_label, self.model_label, self.sync_label, self.user_label):
            widget.setObjectName(widget.objectName() or "StatusItem")
            self.addPermanentWidget(widget)
        self.show_camera(CameraStatus())
        self.model_label.setText(self.tr("Model: —"))
        self.sync_label.setText(self.tr("Sync: local only"))
        self._sync_timer = QTimer(self)
        self._sync_timer.setInterval(5000)
        self._sync_timer.timeout.connect(self.refresh_sync)
        self._sync_busy = False
        self._sync_timer.start()
        self.refresh_sync()

    def show_camera(self, status: CameraStatus) -> None:
        names = {CameraState.STOPPED: self.tr("stopped"), CameraState.CONNECTING: self.tr("connecting"),
                 CameraState.LIVE: self.tr("live"), CameraState.RECONNECTING: self.tr("reconnecting")}
        text = self.tr("Camera: {0}").format(names[status.state])
        if status.state is CameraState.LIVE:
            text += f" · {status.fps:.1f} fps"
        elif status.state is CameraState.RECONNECTING:
            text += " · " + self.tr("attempt {0}").format(status.attempts)
        self.camera_label.setText(text)
        self.camera_label.setProperty("state", status.state.value)
        self.camera_label.setToolTip(status.message)
        self.camera_label.style().unpolish(self.camera_label)
        self.camera_label.style().polish(self.camera_label)

    def show_model(self, text: str) -> None:
        self._model_text = text
        self.model_label.setText(self.tr("Model: {0}").format(text))

    def retranslate(self) -> None:
        """Re-labels after a language switch (the values stay)."""
        if getattr(self, "_model_text", None):
            self.show_model(self._model_text)
        else:
            self.model_label.setText(self.tr("Model: —"))
        self.sync_label.setText(self.tr("Sync: local only"))
        self.refresh_sync()

    def show_user(self, username: str, roles: str, product: str | None) -> None:
        if not username:
            self.user_label.setText("")
            return
        text = f"{username} ({roles})"
        if product:
            text += " · " + product
        self.user_label.setText(text)

    def refresh_sync(self) -> None:
        sync = self._services.sync
        if self._sync_busy:
            return
        self._sync_busy = True
        self._runner.submit(lambda _ctx: _sync_status(sync), name="sync-status", on_done=self._show_sync,
                            on_error=lambda e: self._show_sync({"error": str(e)}))

    def _show_sync(self, state: dict[str, Any]) -> None:
        self._sync_busy = False
        if state.get("error"):
            self.sync_label.setText(self.tr("Sync: error"))
            self.sync_label.setToolTip(str(state["error"]))
            return
        if state.get("configured") is False:
            self.sync_label.setText(self.tr("Sync: local only"))
            self.sync_label.setToolTip(self.tr("No central database is configured: everything stays on this station."))
            return
        pending = state.get("pending")
        last_error = state.get("last_error")
        text = self.tr("Sync: {0} pending").format(pending if pending is not None else "?")
        if last_error:
            text += " · " + self.tr("offline")
        self.sync_label.setText(text)
        self.sync_label.setToolTip(self.tr("last success: {0}\nlast error: {1}").format(
            state.get("last_success") or "—", last_error or "—"))


def _sync_status(sync: Any) -> dict[str, Any]:
    """The sync service's state as a dict with ``pending``, ``last_success`` and ``last_error``."""
    state = sync.status()
    if isinstance(state, dict):
        return state
    if hasattr(state, "to_dict"):
        return state.to_dict()
    return {k: getattr(state, k, None) for k in ("pending", "last_success", "last_error")}
