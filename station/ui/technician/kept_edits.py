"""Unsaved technician edits: the Save / Discard / Cancel question asked before they would be left, and the
banner of the technician screen while it keeps the edits of one product after the line changed the bench
to another (it names both products and the edits, and offers to save them where they belong or to discard
them; the screen then follows the line)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget


def ask_unsaved(owner: Any, title: str, text: str, name: str) -> QMessageBox.StandardButton:
    """The modal Save / Discard / Cancel question over ``owner`` (a tab with unsaved edits); the box is
    ``owner.unsaved_box`` while it is open (``name`` is its object name)."""
    buttons = QMessageBox.StandardButton
    owner.unsaved_box = QMessageBox(QMessageBox.Icon.Warning, title, text,
                                    buttons.Save | buttons.Discard | buttons.Cancel, owner)
    owner.unsaved_box.setObjectName(name)
    owner.unsaved_box.setDefaultButton(buttons.Save)
    owner.unsaved_box.setEscapeButton(buttons.Cancel)
    try:
        return buttons(owner.unsaved_box.exec())
    finally:
        owner.unsaved_box.deleteLater()
        owner.unsaved_box = None


def settle_unsaved(choice: QMessageBox.StandardButton, save: Callable[[], None], discard: Callable[[], None],
                   then: Callable[[], None] | None) -> bool:
    """What the answer to that question means for leaving the tab: Save starts ``save`` (go on at once only
    when nothing waits for it; otherwise ``then`` runs once the save is done), Discard runs ``discard`` and
    goes on, Cancel stays."""
    if choice == QMessageBox.StandardButton.Save:
        save()
        return then is None
    if choice == QMessageBox.StandardButton.Discard:
        discard()
        return True
    return False


class KeptEditsBanner(QFrame):
    """"The line changed the product to Q. Your unsaved changes to P are kept here: … [Save to P] [Discard]"."""

    save_requested = Signal()
    discard_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("KeptEditsBanner")
        self.setProperty("level", "warning")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#KeptEditsBanner { background: #fff4d6; border: 1px solid #f5a524; border-radius: 4px; }"
                           "#KeptEditsBanner QLabel { color: #1d1d1d; background: transparent; }")
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        self.text = QLabel()
        self.text.setObjectName("KeptEditsText")
        self.text.setWordWrap(True)
        self.save_button = QPushButton()
        self.save_button.setObjectName("KeptEditsSave")
        self.discard_button = QPushButton(self.tr("Discard"))
        self.discard_button.setObjectName("KeptEditsDiscard")
        row.addWidget(self.text, 1)
        row.addWidget(self.save_button)
        row.addWidget(self.discard_button)
        self.save_button.clicked.connect(self.save_requested.emit)
        self.discard_button.clicked.connect(self.discard_requested.emit)
        self.setVisible(False)

    def show_kept(self, line_product: str, kept: str, edits: list[str]) -> None:
        """The line's product is ``line_product``; the screen keeps ``edits`` (each in words) of ``kept``."""
        self.text.setText(self.tr("The line changed the product to {0}. Your unsaved changes to {1} are kept here "
                                  "({2}): save them to {1} or discard them; this screen then follows the line to "
                                  "{0}.").format(line_product, kept, "; ".join(edits)))
        self.save_button.setText(self.tr("Save to {0}").format(kept))
        self.setVisible(True)
