"""The status bar: camera state and fps, model and device (and a model being built in the background, with
its progress), sync state, the station's disk (free space, files awaiting sync, recording paused below the
watermark; read with the sync state in a job), product and user, and where the log file is (its tooltip;
the log holds every job failure with its traceback). Its labels shorten their text (…) rather than widen
the window past a small screen."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget

from station.domain.camera import CameraState, CameraStatus
from station.domain.storage import human_bytes
from station.ui.jobs import JobRunner
from station.ui.services import GuiServices
from station.ui.widgets.elided import ElidedLabel


class StationStatusBar(QStatusBar):
    def __init__(self, services: GuiServices, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self.camera_label = ElidedLabel()
        self.camera_label.setObjectName("CameraState")
        self.model_label = ElidedLabel()
        self.build_label = ElidedLabel()
        self.build_label.setObjectName("ModelBuild")
        self.build_bar = QProgressBar()
        self.build_bar.setObjectName("ModelBuildProgress")
        self.build_bar.setRange(0, 100)
        self.build_bar.setTextVisible(False)
        self.build_bar.setMaximumWidth(120)
        self._build: tuple[str, int] | None = None
        self.sync_label = ElidedLabel()
        self.sync_label.setObjectName("SyncState")
        self.disk_label = ElidedLabel()
        self.disk_label.setObjectName("DiskState")
        self.disk_label.setVisible(False)
        self.user_label = ElidedLabel()
        self.line_label = ElidedLabel()
        self.line_label.setObjectName("LineState")
        self.line_label.setVisible(False)
        self.log_label = QLabel()
        self.log_label.setObjectName("LogFile")
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for widget in (self.camera_label, self.line_label, self.model_label, self.build_label, self.build_bar,
                       self.sync_label, self.disk_label, self.user_label, self.log_label):
            widget.setObjectName(widget.objectName() or "StatusItem")
            self.addPermanentWidget(widget)
        self.show_build(None)
        self.show_camera(CameraStatus())
        self.model_label.setText(self.tr("Model: —"))
        self.sync_label.setText(self.tr("Sync: local only"))
        self.show_log_location()
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

    def show_line(self, level: str, text: str) -> None:
        """The bench's line links: hidden while none is wired; one line when they cannot connect."""
        self.line_label.setVisible(bool(text))
        self.line_label.setText(text)
        self.line_label.setProperty("state", level)
        self.line_label.style().unpolish(self.line_label)
        self.line_label.style().polish(self.line_label)

    def show_log_location(self) -> None:
        path = log_file()
        self.log_label.setVisible(path is not None)
        self.log_label.setText(self.tr("Log"))
        self.log_label.setToolTip(self.tr("Log file (job failures with their tracebacks): {0}").format(path))

    def show_model(self, text: str) -> None:
        self._model_text = text
        self.model_label.setText(self.tr("Model: {0}").format(self._model_parts(text)))

    def _model_parts(self, text: str) -> str:
        """The model line's words in the UI language (backbone, device and model file names stay)."""
        parts = []
        for part in text.split(" · "):
            if part == "guide: template":
                part = self.tr("guide: basic template")
            elif part.startswith("guide: "):
                part = self.tr("guide: {0}").format(part.removeprefix("guide: "))
            elif part.endswith(" (degraded)"):
                part = self.tr("{0} (degraded)").format(part.removesuffix(" (degraded)"))
            parts.append(part)
        return " · ".join(parts)

    def show_build(self, product_code: str | None, percent: int = 0) -> None:
        """A model being built in the background and how far it is; None: no build (hidden)."""
        self._build = None if product_code is None else (product_code, percent)
        self.build_label.setVisible(product_code is not None)
        self.build_bar.setVisible(product_code is not None)
        if product_code is not None:
            self.build_label.setText(self.tr("Building the model of {0}… {1} %").format(product_code, percent))
            self.build_bar.setValue(percent)

    def retranslate(self) -> None:
        """Re-labels after a language switch (the values stay)."""
        if getattr(self, "_model_text", None):
            self.show_model(self._model_text)
        else:
            self.model_label.setText(self.tr("Model: —"))
        if self._build is not None:
            self.show_build(*self._build)
        self.sync_label.setText(self.tr("Sync: local only"))
        self.show_log_location()
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
                            on_error=lambda e: self._show_sync({"error": str(e)}), owner=self)

    def _show_disk(self, disk: dict[str, Any] | None) -> None:
        """The station's disk: free space and files awaiting sync; a warning while recording is paused."""
        self.disk_label.setVisible(disk is not None)
        if disk is None:
            return
        if disk.get("error"):
            self.disk_label.setText(self.tr("Disk: ?"))
            self.disk_label.setToolTip(str(disk["error"]))
            paused = False
        else:
            free = human_bytes(int(disk["free_bytes"]))
            paused = bool(disk.get("recording_paused"))
            if paused:
                text = self.tr("Disk: {0} free · recording paused").format(free)
            else:
                text = self.tr("Disk: {0} free · {1} files awaiting sync").format(
                    free, f"{disk.get('awaiting_sync_files', 0):,}")
            self.disk_label.setText(text)
            tip = [self.tr("Recording pauses below {0} free and resumes by itself.").format(
                human_bytes(int(disk["watermark_bytes"]))),
                self.tr("Local files: {0} ({1})").format(f"{disk.get('local_files', 0):,}",
                                                         human_bytes(int(disk.get("local_bytes", 0))))]
            if disk.get("pruning"):
                tip.append(self.tr("Prunable (already at the centre): {0} ({1})").format(
                    f"{disk.get('prunable_files', 0):,}", human_bytes(int(disk.get("prunable_bytes", 0)))))
                tip.append(self.tr("Last prune: {0}").format(disk.get("last_prune") or "—"))
            else:
                tip.append(self.tr("Nothing is pruned: the storage folder is the object store itself."))
            self.disk_label.setToolTip("\n".join(tip))
        self.disk_label.setProperty("state", "paused" if paused else "ok")
        self.disk_label.style().unpolish(self.disk_label)
        self.disk_label.style().polish(self.disk_label)

    def _show_sync(self, state: dict[str, Any]) -> None:
        self._sync_busy = False
        self._show_disk(state.get("disk"))
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


def log_file() -> str | None:
    """The rotating log file the entry point configured on the root logger, if any."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, RotatingFileHandler):
            return handler.baseFilename
    return None


def _sync_status(sync: Any) -> dict[str, Any]:
    """The sync service's state as a dict with ``pending``, ``last_success`` and ``last_error``."""
    state = sync.status()
    if isinstance(state, dict):
        return state
    if hasattr(state, "to_dict"):
        return state.to_dict()
    return {k: getattr(state, k, None) for k in ("pending", "last_success", "last_error")}
