"""Manual excerpts (cause / action with page references), the streamed corrective-action guide with a
Stop button (Esc), and the feedback form (rating 1–5, type, text)."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from station.domain.actions import FEEDBACK_TYPES
from station.ui.widgets.feedback import MessageBar


class GuidePanel(QTabWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("GuidePanel")
        # Manual excerpts
        self.excerpts = QTextBrowser()
        self.excerpts.setObjectName("ExcerptsText")
        self.excerpts.setOpenExternalLinks(False)
        self.addTab(self.excerpts, self.tr("Manual"))
        # Guide
        guide_page = QWidget()
        g = QVBoxLayout(guide_page)
        row = QHBoxLayout()
        self.guide_state = QLabel("")
        self.guide_state.setObjectName("Subtle")
        self.stop_button = QPushButton(self.tr("Stop (Esc)"))
        self.stop_button.setObjectName("StopButton")
        self.stop_button.setEnabled(False)
        self.regenerate_button = QPushButton(self.tr("Write again"))
        self.regenerate_button.setEnabled(False)
        row.addWidget(self.guide_state, 1)
        row.addWidget(self.regenerate_button)
        row.addWidget(self.stop_button)
        g.addLayout(row)
        self.guide = QTextBrowser()
        self.guide.setObjectName("GuideText")
        g.addWidget(self.guide, 1)
        self.addTab(guide_page, self.tr("Guide"))
        # Feedback
        feedback_page = QWidget()
        f = QVBoxLayout(feedback_page)
        f.addWidget(QLabel(self.tr("How useful was this result and guide? (keys 1–5 while here)")))
        stars = QHBoxLayout()
        self.rating_group = QButtonGroup(self)
        for value in range(1, 6):
            button = QPushButton(str(value))
            button.setObjectName("RatingButton")
            button.setCheckable(True)
            self.rating_group.addButton(button, value)
            stars.addWidget(button)
        stars.addStretch(1)
        f.addLayout(stars)
        self.feedback_type = QComboBox()
        self.feedback_type.setObjectName("FeedbackType")
        labels = {"guide_quality": self.tr("guide quality"), "detection": self.tr("detection result"),
                  "retrieval": self.tr("reference and similar cases"), "other": self.tr("other")}
        for value in FEEDBACK_TYPES:
            self.feedback_type.addItem(labels.get(value, value), value)
        f.addWidget(self.feedback_type)
        self.feedback_text = QPlainTextEdit()
        self.feedback_text.setObjectName("FeedbackText")
        self.feedback_text.setPlaceholderText(self.tr("Comment (optional)"))
        self.feedback_text.setTabChangesFocus(True)
        self.feedback_text.setMaximumHeight(90)
        f.addWidget(self.feedback_text)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        self.feedback_button = QPushButton(self.tr("Save feedback"))
        self.feedback_button.setObjectName("PrimaryButton")
        self.feedback_button.setEnabled(False)
        save_row.addWidget(self.feedback_button)
        f.addLayout(save_row)
        self.feedback_message = MessageBar()
        f.addWidget(self.feedback_message)
        f.addStretch(1)
        self.addTab(feedback_page, self.tr("Feedback"))
        self.feedback_page = feedback_page
        self.clear()

    def clear(self) -> None:
        self.excerpts.setHtml(f"<p style='color:gray'>{html.escape(self.tr('Manual excerpts appear here when a part fails.'))}</p>")
        self.guide.clear()
        self.guide_state.setText("")
        self.stop_button.setEnabled(False)
        self.regenerate_button.setEnabled(False)
        self.feedback_button.setEnabled(False)
        self.feedback_message.clear_message()
        checked = self.rating_group.checkedButton()
        if checked is not None:
            self.rating_group.setExclusive(False)
            checked.setChecked(False)
            self.rating_group.setExclusive(True)
        self.feedback_text.clear()

    def show_message(self, text: str) -> None:
        self.excerpts.setHtml(f"<p>{html.escape(text)}</p>")

    def show_excerpts(self, excerpts: list[Any]) -> None:
        if not excerpts:
            self.excerpts.setHtml(f"<p>{html.escape(self.tr('The manual has no section for this defect.'))}</p>")
            return
        kinds = {"cause": self.tr("Cause"), "action": self.tr("Action"), "other": self.tr("Other")}
        parts = []
        for e in excerpts:
            page = self.tr(", page {0}").format(e.page) if e.page else ""
            parts.append(
                f"<h4>[{e.ref}] {html.escape(e.title)}</h4>"
                f"<p style='color:gray'>{html.escape(kinds.get(e.section_type, e.section_type))} · "
                f"{html.escape(e.file_name)}{html.escape(page)}</p>"
                f"<p>{html.escape(e.text).replace(chr(10), '<br>')}</p>")
        self.excerpts.setHtml("".join(parts))

    # Guide streaming ----------------------------------------------------------------------
    def start_guide(self, state: str) -> None:
        self.guide.clear()
        self.guide_state.setText(state)
        self.stop_button.setEnabled(True)
        self.regenerate_button.setEnabled(False)

    def append_token(self, token: str) -> None:
        cursor = self.guide.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(token)
        self.guide.setTextCursor(cursor)

    def finish_guide(self, content: str, state: str) -> None:
        self.guide.setPlainText(content)
        self.guide_state.setText(state)
        self.stop_button.setEnabled(False)
        self.regenerate_button.setEnabled(True)

    def guide_text(self) -> str:
        return self.guide.toPlainText()

    # Feedback ----------------------------------------------------------------------------
    def rating(self) -> int | None:
        value = self.rating_group.checkedId()
        return value if value > 0 else None

    def set_rating(self, value: int) -> None:
        button = self.rating_group.button(value)
        if button is not None:
            button.setChecked(True)
