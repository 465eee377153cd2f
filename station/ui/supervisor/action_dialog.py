"""The action dialog: the review of the part (its picture, heatmap, regions, reference, verdict history,
earlier actions and guide) beside the form of what was done about it, with result (resolved / pending /
failed / deferred) and notes; validated before it is saved through the actions service."""

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
from station.ui.env import ScreenEnv
from station.ui.supervisor.inspection_review import InspectionReviewPanel, fit_to_screen
from station.ui.widgets.feedback import MessageBar


@dataclass(frozen=True)
class ActionDraft:
    inspection_id: int
    action_taken: str
    action_result: str
    notes: str | None


class ActionDialog(QDialog):
    def __init__(self, row: InspectionRow, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row = row
        self.setObjectName("ActionDialog")
        self.setWindowTitle(self.tr("Log action for {0}").format(row.inspection_code))
        outer = QVBoxLayout(self)
        self.review = InspectionReviewPanel(env)
        outer.addWidget(self.review, 1)
        box = QWidget()
        box.setObjectName("ActionForm")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 6, 0, 0)
        heading = QLabel(self.tr("Log corrective action"))
        heading.setObjectName("SectionTitle")
        layout.addWidget(heading)
        form = QFormLayout()
        self.action_taken = QPlainTextEdit()
        self.action_taken.setObjectName("ActionTaken")
        self.action_taken.setPlaceholderText(self.tr("What was done (required)"))
        self.action_taken.setTabChangesFocus(True)
        self.action_taken.setMaximumHeight(84)
        self.result = QComboBox()
        self.result.setObjectName("ActionResult")
        labels = {ActionResult.RESOLVED: self.tr("resolved"), ActionResult.PENDING: self.tr("pending"),
                  ActionResult.FAILED: self.tr("failed"), ActionResult.DEFERRED: self.tr("deferred")}
        for value, label in labels.items():
            self.result.addItem(label, value.value)
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("ActionNotes")
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(60)
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
        self.review.add_side_widget(box)
        fit_to_screen(self)
        self.review.show_inspection(row.inspection_id, row)
        self.action_taken.setFocus()

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
