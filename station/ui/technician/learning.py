"""Learning from false alarms: the parts workers marked as false alarms that the product's model has not
learned yet (with a thumbnail of each), chosen with checkboxes and learned by "Update model" as a background
job -- the update is validated on the labelled defects and either goes live as a new model version or is
refused with the reason, the live model untouched -- and "Roll back", which puts the previous version back
(its scores exactly as they were). The work runs in ``station.services.engine.ModelUpdateService``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget, QTableWidgetItem,
    QVBoxLayout, QWidget,
)

from station.domain.model_update import FalseAlarm, RollbackResult, UpdateResult
from station.ui.env import ScreenEnv
from station.ui.jobs import BACKGROUND, JobContext, engine_progress
from station.ui.widgets.feedback import JobProgress, MessageBar
from station.ui.widgets.imaging import to_qimage
from station.ui.widgets.names import verdict_name

THUMB = 56


@dataclass
class _Listing:
    product_code: str | None
    alarms: list[FalseAlarm]
    thumbs: dict[int, Any]  # override id -> QImage (made in the job: QImage is safe off the GUI thread)
    banks: list[str | None]  # the product's own model, then each view's
    targets: dict[str | None, str | None]  # model -> the version a rollback returns to


class LearningView(QWidget):
    updated = Signal(str)  # product code: a new model version is live (or an old one again)

    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.setObjectName("LearningView")
        self.alarms: list[FalseAlarm] = []
        self.listed_product: str | None = None
        self.targets: dict[str | None, str | None] = {}
        self.last_result: list[UpdateResult] | RollbackResult | None = None
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("False alarms not learned yet"))
        title.setObjectName("SectionTitle")
        layout.addWidget(title)
        hint = QLabel(self.tr("Parts a worker marked as false alarms. Choose the ones that are truly good: the "
                              "model learns what it does not know of them, is checked on the labelled defect "
                              "images, and goes live as a new version, or is refused with the reason."))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.table = QTableWidget(0, 7)
        self.table.setObjectName("FalseAlarmsTable")
        self.table.setHorizontalHeaderLabels([self.tr("Learn"), self.tr("Inspection"), self.tr("View"),
                                              self.tr("Station said"), self.tr("Score"), self.tr("Marked by"),
                                              self.tr("When")])
        self.table.setIconSize(QSize(THUMB, THUMB))
        self.table.verticalHeader().setDefaultSectionSize(THUMB + 6)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.all_button = QPushButton(self.tr("Select all"))
        self.none_button = QPushButton(self.tr("Clear selection"))
        self.update_button = QPushButton(self.tr("Update model"))
        self.update_button.setObjectName("PrimaryButton")
        self.update_button.setToolTip(self.tr("Learn the chosen parts without a rebuild; refused when labelled "
                                              "defects would be missed"))
        for button in (self.all_button, self.none_button, self.update_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(QLabel(self.tr("Model:")))
        self.bank_box = QComboBox()
        self.bank_box.setObjectName("LearningModel")
        row.addWidget(self.bank_box)
        self.rollback_button = QPushButton(self.tr("Roll back"))
        self.rollback_button.setObjectName("RollbackButton")
        row.addWidget(self.rollback_button)
        layout.addLayout(row)
        self.progress = JobProgress()
        layout.addWidget(self.progress)
        self.message = MessageBar()
        layout.addWidget(self.message)
        self.result = QLabel()
        self.result.setObjectName("UpdateResult")
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        self.all_button.clicked.connect(lambda: self._check_all(True))
        self.none_button.clicked.connect(lambda: self._check_all(False))
        self.update_button.clicked.connect(self.start_update)
        self.rollback_button.clicked.connect(self.start_rollback)
        self.bank_box.currentIndexChanged.connect(lambda _i: self._show_target())
        self._busy = False
        self._buttons()

    # Listing -------------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        product = self.env.session.product
        learning = self.env.services.learning
        if product is None or learning is None:
            self._show(_Listing(None, [], {}, [], {}))
            if learning is None:
                self.message.show_message(self.tr("This station cannot update models."), "warning")
            return
        settings = self.env.services.station_settings
        code = product.code

        def work(_ctx: JobContext) -> _Listing:
            alarms = learning.pending(code)
            thumbs = {}
            for alarm in alarms:
                try:
                    pixels = learning.thumbnail(alarm, THUMB)
                except Exception:  # noqa: BLE001 - a part whose image is gone is listed without a picture
                    pixels = None
                if pixels is not None:
                    thumbs[alarm.override_id] = to_qimage(pixels)
            banks: list[str | None] = [None] + [c.view_code for c in settings.views(code) if c.view_code]
            return _Listing(code, alarms, thumbs, banks, {b: learning.rollback_target(code, b) for b in banks})

        self.env.runner.submit(work, name="learning-list", on_done=self._show, on_error=self.message.show_error,
                               owner=self, latest=True)

    def _show(self, listing: _Listing) -> None:
        self.alarms = listing.alarms
        self.targets = listing.targets
        self.listed_product = listing.product_code  # what the buttons act on: the product listed
        self.table.setRowCount(len(listing.alarms))
        for r, alarm in enumerate(listing.alarms):
            check = QTableWidgetItem()
            check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            check.setCheckState(Qt.CheckState.Unchecked)
            check.setData(Qt.ItemDataRole.UserRole, alarm.override_id)
            thumb = listing.thumbs.get(alarm.override_id)
            if thumb is not None:
                check.setIcon(QIcon(QPixmap.fromImage(thumb)))
            self.table.setItem(r, 0, check)
            score = "–" if alarm.anomaly_score is None else f"{alarm.anomaly_score:.3f}"
            cells = [alarm.inspection_code, alarm.view_code or self.tr("(whole part)"),
                     verdict_name(alarm.original_verdict or ""), score, alarm.by_username or "—",
                     str(alarm.at or "")[:19]]
            for c, text in enumerate(cells, 1):
                self.table.setItem(r, c, QTableWidgetItem(text))
        current = self.bank_box.currentData()
        self.bank_box.blockSignals(True)
        self.bank_box.clear()
        for bank in listing.banks:
            self.bank_box.addItem(self.tr("whole part") if bank is None else self.tr("view {0}").format(bank), bank)
        index = self.bank_box.findData(current)
        self.bank_box.setCurrentIndex(max(0, index))
        self.bank_box.blockSignals(False)
        self._show_target()
        if not listing.alarms and self.env.session.product is not None:
            self.message.show_message(self.tr("No false alarms are waiting to be learned."), "info")
        self._buttons()

    def _show_target(self) -> None:
        target = self.targets.get(self.bank_box.currentData())
        if target:
            self.rollback_button.setText(self.tr("Roll back to {0}").format(target))
        else:
            self.rollback_button.setText(self.tr("Roll back"))
        self.rollback_button.setToolTip(self.tr("Put the previous model version back (its scores exactly as they "
                                                "were)") if target else self.tr("No earlier version is kept"))
        self._buttons()

    def _check_all(self, on: bool) -> None:
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            if item is not None:
                item.setCheckState(state)

    def checked_ids(self) -> list[int]:
        ids = []
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                ids.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return ids

    def _buttons(self) -> None:
        idle = not self._busy
        has = bool(self.alarms)
        for button in (self.all_button, self.none_button, self.update_button):
            button.setEnabled(idle and has)
        self.rollback_button.setEnabled(idle and bool(self.targets.get(self.bank_box.currentData())))

    # Jobs ----------------------------------------------------------------------------------------
    def _run(self, work: Any, title: str, done: Any) -> None:
        def finished(result: Any) -> None:
            done(result)
            self.refresh()
            if self.listed_product is not None:
                self.updated.emit(self.listed_product)

        def failed(error: BaseException) -> None:
            self.message.show_error(error)
            self.refresh()

        def cancelled() -> None:
            self.message.show_message(self.tr("Cancelled: the live model is unchanged."), "warning")
            self.refresh()

        self._busy = True
        self._buttons()
        self.result.clear()
        handle = self.env.runner.submit(work, name="learning", on_done=finished, on_error=failed,
                                        on_cancelled=cancelled, on_progress=self.progress.set_progress, owner=self,
                                        priority=BACKGROUND)
        handle.finished.connect(self._idle)
        self.progress.track(handle, title)

    def _idle(self) -> None:
        self._busy = False
        self._buttons()

    def start_update(self) -> None:
        code, learning = self.listed_product, self.env.services.learning
        ids = self.checked_ids()
        if code is None or learning is None:
            return
        if not ids:
            self.message.show_message(self.tr("Tick the false alarms to learn first."), "warning")
            return
        user = self.env.session.user

        def work(ctx: JobContext) -> list[UpdateResult]:
            return learning.update(ids, user, progress=engine_progress(ctx), cancel=ctx.token, product_code=code)

        self._run(work, self.tr("Updating the model of {0}").format(code), self._show_update)

    def _show_update(self, results: list[UpdateResult]) -> None:
        self.last_result = results
        lines = []
        for r in results:
            v = r.validation
            what = r.product_code if r.view_code is None else self.tr("{0}, view {1}").format(r.product_code,
                                                                                             r.view_code)
            if r.accepted:
                text = self.tr("<b>{0}: accepted.</b> Version {1} is live: {2} parts learned, {3} patches added "
                               "to the model.").format(what, r.version, r.n_parts, r.n_added)
                if v is not None and v.missed_before.total:
                    text += " " + self.tr("Labelled defects missed: {0} of {1} before, {2} after.").format(
                        v.missed_before.flagged, v.missed_before.total, v.missed_after.flagged)
                elif v is not None:
                    text += " " + self.tr("The product has no labelled defect images: misses could not be checked.")
            else:
                text = self.tr("<b>{0}: refused.</b> The live model is unchanged.").format(what)
                if v is not None:
                    text += " " + self.tr("The updated model would miss {0} of {1} labelled defects where the live "
                                          "model misses {2}; the allowed rise is {3} percentage points.").format(
                        v.missed_after.flagged, v.missed_after.total, v.missed_before.flagged,
                        f"{v.max_miss_increase_pp:g}")
            lines.append(text)
        self.result.setText("<br>".join(lines))
        accepted = all(r.accepted for r in results)
        self.message.show_message(self.tr("The model was updated.") if accepted else
                                  self.tr("The update was refused; the live model is unchanged."),
                                  "info" if accepted else "warning")

    def start_rollback(self) -> None:
        code, learning = self.listed_product, self.env.services.learning
        if code is None or learning is None:
            return
        user, view = self.env.session.user, self.bank_box.currentData()

        def work(_ctx: JobContext) -> RollbackResult:
            return learning.rollback(code, user, view=view)

        self._run(work, self.tr("Rolling back the model of {0}").format(code), self._show_rollback)

    def _show_rollback(self, result: RollbackResult) -> None:
        self.last_result = result
        self.result.setText(self.tr("Rolled back: version {0} is live again (it replaced {1}).").format(
            result.version, result.version_before))
        self.message.show_message(self.tr("The previous model version is live again."), "info")
