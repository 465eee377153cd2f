"""New product from the live camera (technician): code and name, then one key press (C) or click per
part — at least 5 good parts, optionally a few defective ones of a named type — then Build: the product
is created, its parts stored in its image library and its model built in a job (progress, Cancel). The
expected false-alarm rate of the report is shown; "Add good parts" captures more and rebuilds, and the
rate is shown again. The product is then in the bench's product list, ready to inspect."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListView, QListWidget, QListWidgetItem,
    QPushButton, QVBoxLayout, QWidget,
)

from station.services.engine import MIN_GOOD
from station.services.shared.changes import CatalogChanged
from station.ui.env import ScreenEnv
from station.ui.jobs import BACKGROUND, JobHandle, engine_progress
from station.ui.widgets.feedback import JobProgress, MessageBar
from station.ui.widgets.imaging import to_qimage

GOOD = "good"


class OnboardDialog(QDialog):
    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.setObjectName("OnboardDialog")
        self.setWindowTitle(self.tr("New product from the live camera"))
        self.resize(720, 560)
        self.good: list[np.ndarray] = []
        self.defects: dict[str, list[np.ndarray]] = {}
        self.report: Any = None
        self.built_code: str | None = None
        self.job: JobHandle | None = None
        self._last_seq: int | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.code = QLineEdit()
        self.code.setObjectName("OnboardCode")
        self.code.setPlaceholderText("bracket-a7")
        self.code.setMaxLength(50)
        self.name = QLineEdit()
        self.name.setObjectName("OnboardName")
        form.addRow(self.tr("Product code"), self.code)
        form.addRow(self.tr("Name"), self.name)
        self.kind = QComboBox()
        self.kind.setObjectName("OnboardKind")
        self.kind.setEditable(True)
        self.kind.addItem(self.tr("good part"), GOOD)
        self.kind.setToolTip(self.tr("Choose 'good part', or type a defect type code (e.g. scratch) for a bad part"))
        form.addRow(self.tr("Next capture is"), self.kind)
        self.quick = QCheckBox(self.tr("Quick build: the default backbone, no self-configuration (about a minute)"))
        self.quick.setObjectName("OnboardQuick")
        self.quick.setChecked(True)
        form.addRow("", self.quick)
        layout.addLayout(form)
        self.thumbs = QListWidget()
        self.thumbs.setObjectName("OnboardThumbnails")
        self.thumbs.setViewMode(QListView.ViewMode.IconMode)
        self.thumbs.setIconSize(QSize(96, 96))
        self.thumbs.setResizeMode(QListView.ResizeMode.Adjust)
        layout.addWidget(self.thumbs, 1)
        self.count = QLabel("")
        self.count.setObjectName("OnboardCount")
        layout.addWidget(self.count)
        row = QHBoxLayout()
        self.capture_button = QPushButton(self.tr("Capture (C)"))
        self.capture_button.setObjectName("CaptureButton")
        self.build_button = QPushButton(self.tr("Build the product"))
        self.build_button.setObjectName("OnboardBuild")
        self.add_button = QPushButton(self.tr("Add good parts"))
        self.add_button.setObjectName("OnboardAddGood")
        self.close_button = QPushButton(self.tr("Close"))
        for button in (self.capture_button, self.build_button, self.add_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.close_button)
        layout.addLayout(row)
        self.progress = JobProgress()
        layout.addWidget(self.progress)
        self.rate = QLabel("")
        self.rate.setObjectName("OnboardRate")
        self.rate.setWordWrap(True)
        layout.addWidget(self.rate)
        self.message = MessageBar()
        layout.addWidget(self.message)
        self.capture_button.clicked.connect(self.capture)
        self.build_button.clicked.connect(self.build)
        self.add_button.clicked.connect(self.add_good)
        self.close_button.clicked.connect(self.reject)
        shortcut = QShortcut(QKeySequence("C"), self, activated=self.capture)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self._update()

    # capturing -----------------------------------------------------------------------------------------
    def capture(self) -> bool:
        """The camera's newest frame as the next part; the same frame twice is refused (show the next part)."""
        if self.job is not None:
            return False
        frame = self.env.camera.latest_frame
        if frame is None:
            self.message.show_message(self.tr("No camera picture yet."), "warning", 5000)
            return False
        if frame.seq == self._last_seq:
            self.message.show_message(self.tr("That is the same picture as the last capture: show the next part."),
                                      "warning", 5000)
            return False
        kind = self._kind()
        if kind is None:
            self.message.show_message(self.tr("A defect type code is letters, digits, - or _ (up to 50)."),
                                      "warning", 5000)
            return False
        self._last_seq = frame.seq
        image = frame.image.copy()
        (self.good if kind == GOOD else self.defects.setdefault(kind, [])).append(image)
        label = self.tr("good") if kind == GOOD else kind
        item = QListWidgetItem(QIcon(QPixmap.fromImage(to_qimage(image))), f"{label} {self._total(kind)}")
        self.thumbs.addItem(item)
        self.message.clear_message()
        self._update()
        return True

    def _kind(self) -> str | None:
        text = self.kind.currentText().strip()
        if self.kind.currentIndex() == 0 and text == self.kind.itemText(0):
            return GOOD
        ok = 0 < len(text) <= 50 and all(c.isalnum() or c in "-_" for c in text)
        return text if ok else None

    def _total(self, kind: str) -> int:
        return len(self.good) if kind == GOOD else len(self.defects.get(kind, ()))

    def _update(self) -> None:
        bad = ", ".join(f"{k} {len(v)}" for k, v in self.defects.items())
        self.count.setText(self.tr("{0} good part(s) (at least {1}){2}").format(
            len(self.good), MIN_GOOD if self.built_code is None else 1, f" · {bad}" if bad else ""))
        idle = self.job is None
        self.capture_button.setEnabled(idle)
        self.build_button.setEnabled(idle and self.built_code is None and len(self.good) >= MIN_GOOD)
        self.add_button.setEnabled(idle and self.built_code is not None and len(self.good) > 0)
        self.code.setEnabled(self.built_code is None)
        self.name.setEnabled(self.built_code is None)

    # building ------------------------------------------------------------------------------------------
    def build(self) -> None:
        code, name = self.code.text().strip(), self.name.text().strip()
        if not code or not all(c.isalnum() or c in "-_" for c in code):
            self.message.show_message(self.tr("The product code is letters, digits, - or _."), "warning", 6000)
            return
        onboarding, user_id = self.env.services.onboarding, self.env.user_id
        good, defects = list(self.good), {k: list(v) for k, v in self.defects.items()}
        quick = self.quick.isChecked()
        self._run(lambda ctx: onboarding.onboard(code, name or code, good, defects, by_user=user_id,
                                                 progress=engine_progress(ctx), cancel=ctx.token, quick=quick),
                  self.tr("Building {0}…").format(code), code)

    def add_good(self) -> None:
        code = self.built_code
        if code is None or not self.good:
            return
        onboarding, user_id, good = self.env.services.onboarding, self.env.user_id, list(self.good)
        quick = self.quick.isChecked()
        self._run(lambda ctx: onboarding.add_good(code, good, by_user=user_id, progress=engine_progress(ctx),
                                                  cancel=ctx.token, quick=quick),
                  self.tr("Adding {0} good part(s) to {1}…").format(len(good), code), code)

    def _run(self, work: Any, title: str, code: str) -> None:
        self.message.clear_message()
        self.job = self.env.runner.submit(work, name="onboard", owner=self, priority=BACKGROUND,
                                          on_progress=self.progress.set_progress,
                                          on_done=lambda report: self._built(code, report),
                                          on_error=lambda e: self._stopped(e, code),
                                          on_cancelled=lambda: self._stopped(None, code))
        self.progress.track(self.job, title)
        self._update()

    def _built(self, code: str, report: Any) -> None:
        self.job, self.report, self.built_code = None, report, code
        self.good, self.defects = [], {}
        self.thumbs.clear()
        bound = report.far_upper_bound
        rate = self.tr("unknown (no good part held out)") if bound is None else f"≤ {bound:.0%}"
        self.rate.setText(self.tr("{0} is ready to inspect ({1:.1f} s, {2} good part(s)). Expected false-alarm "
                                  "rate: {3} at 95 % — add good parts to lower it.").format(
            code, report.seconds, report.n_good, rate))
        self.env.changes.fire(CatalogChanged())
        self._update()

    def _stopped(self, error: BaseException | None, code: str) -> None:
        self.job = None
        if self.built_code is None and error is None:
            self.message.show_message(self.tr("Build cancelled: {0} keeps its captured parts but has no model yet "
                                              "(build it under Technician › Model builds).").format(code), "warning")
            self.env.changes.fire(CatalogChanged())
        elif error is None:
            self.message.show_message(self.tr("Cancelled: the previous model of {0} stays.").format(code), "warning")
        else:
            self.message.show_error(error)
        self._update()

    def reject(self) -> None:
        if self.job is not None:
            self.job.cancel()
        super().reject()
