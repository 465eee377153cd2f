"""The action dialog: what was done about a defect, with result (resolved / pending / failed / deferred)
and notes; validated before it is saved through the actions service."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from station.domain.enums import ActionResult
from station.domain.reports import InspectionRow
from station.ui.widgets.feedback import MessageBar


@dataclass(frozen=True)
class ActionDraft:
    inspection_id: int
    action_taken: str
    action_result: str
    notes: str | None


class ActionDialog(QDialog):
    def __init__(self, row: InspectionRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row = row
        self.setWindowTitle(self.tr("Log action for {0}").format(row.inspection_code))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        summary = QLabel(self.tr("{0} · {1} · defect: {2}").format(
            row.inspection_code, row.product_name, row.defect_name_ko or self.tr("unclassified")))
        summary.setObjectName("DialogSummary")
        layout.addWidget(summary)
        form = QFormLayout()
        self.action_taken = QPlainTextEdit()
        self.action_taken.setObjectName("ActionTaken")
        self.action_taken.setPlaceholderText(self.tr("What was done (required)"))
        self.action_taken.setTabChangesFocus(True)
        self.result = QComboBox()
        self.result.setObjectName("ActionResult")
        labels = {ActionResult.RESOLVED: self.tr("resolved"), ActionResult.PENDING: self.tr("pending"),
                  ActionResult.FAILED: self.tr("failed"), ActionResult.DEFERRED: self.tr("deferred")}
        for value, label in labels.items():
            self.result.addItem(label, value.value)
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("ActionNotes")
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(90)
        form.addRow(self.tr("Action taken"), self.action_taken)
        form.addRow(self.tr("Result"), self.result)
        form.addRow(self.tr("Notes"), self.notes)
        layout.addLayout(form)
        self.message = MessageBar()
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def draft(self) -> ActionDraft:
        return ActionDraft(self.row.inspection_id, self.action_taken.toPlainText().strip(),
                           self.result.currentData(), self.notes.toPlainText().strip() or None)

    def _accept(self) -> None:
        draft = self.draft()
        if len(draft.action_taken) < 3:
            self.message.show_message(self.tr("Describe the action taken (at least 3 characters)."), "warning")
            self.action_taken.setFocus()
            return
        self.accept()
