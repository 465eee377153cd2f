"""Inline feedback widgets: a message bar (info / warning / error, never a blocking popup) and a job
progress row with a cancel button."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from station.domain.errors import StationError
from station.ui.jobs import JobHandle


def error_text(error: BaseException) -> str:
    """One line for a person: the message of a StationError, else the error type and message."""
    if isinstance(error, StationError):
        return str(error)
    message = str(error) or error.__class__.__name__
    return f"{error.__class__.__name__}: {message}" if not isinstance(error, (ValueError, OSError)) else message


class MessageBar(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MessageBar")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear_message)

    def show_message(self, text: str, level: str = "info", timeout_ms: int = 0) -> None:
        self.setProperty("level", level)
        self.style().unpolish(self)
        self.style().polish(self)
        self.setText(text)
        self.show()
        if timeout_ms:
            self._timer.start(timeout_ms)

    def show_error(self, error: BaseException | str) -> None:
        self.show_message(error if isinstance(error, str) else error_text(error), "error")

    def clear_message(self) -> None:
        self.setText("")
        self.hide()

    @property
    def level(self) -> str:
        return str(self.property("level") or "")


class JobProgress(QWidget):
    """Shows one running job: what it does, how far it is, and a Cancel button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("JobProgress")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("CancelButton")
        layout.addWidget(self.label, 2)
        layout.addWidget(self.bar, 3)
        layout.addWidget(self.cancel_button)
        self._handle: JobHandle | None = None
        self.cancel_button.clicked.connect(self.cancel)
        self.hide()

    def track(self, handle: JobHandle, title: str) -> None:
        self._handle = handle
        self.label.setText(title)
        self.bar.setValue(0)
        self.bar.setFormat("%p%")
        self.cancel_button.setEnabled(True)
        self.show()
        handle.finished.connect(self._finished)

    def set_progress(self, fraction: float, message: str = "") -> None:
        self.bar.setValue(int(fraction * 1000))
        if message:
            self.bar.setFormat(f"%p%  {message}")

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self.cancel_button.setEnabled(False)
            self.bar.setFormat(self.tr("cancelling…"))

    def _finished(self) -> None:
        self._handle = None
        self.hide()

    @property
    def busy(self) -> bool:
        return self._handle is not None
