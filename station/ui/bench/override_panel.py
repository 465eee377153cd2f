"""Verdict override at the bench: under the result, "False alarm", "Missed defect" and "Other defect type…"
(with the product's defect types) for the inspection on screen, and its override history (who, when).

The buttons are disabled for a role that may not override (the service refuses it too) and for an override
that contradicts the verdict (a PASS is no false alarm). Storing runs in a job; the answer for an
inspection that is no longer shown is dropped. The part becomes a labelled sample of the product's image
library (the service does it in the same transaction).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget, QPushButton, QWidget,
)

from station.domain.catalog import ProductInfo
from station.domain.engine import InspectionOutcome
from station.domain.overrides import OverrideEntry, OverrideKind
from station.ui.env import ScreenEnv
from station.ui.jobs import RequestTracker
from station.ui.permissions import Capability
from station.ui.widgets.feedback import MessageBar

SHOWN = "override"
_ALLOWED = {OverrideKind.FALSE_ALARM: ("FAIL", "UNCERTAIN"), OverrideKind.MISSED_DEFECT: ("PASS", "UNCERTAIN"),
            OverrideKind.OTHER_DEFECT_TYPE: ("FAIL", "UNCERTAIN")}


class OverridePanel(QFrame):
    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.setObjectName("OverridePanel")
        self.requests = RequestTracker()
        self.outcome: InspectionOutcome | None = None
        self.history_entries: list[OverrideEntry] = []
        self.allowed = env.can(Capability.OVERRIDE_VERDICT)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 4, 0, 0)
        title = QLabel(self.tr("The station was wrong?"))
        title.setObjectName("Subtle")
        grid.addWidget(title, 0, 0)
        row = QHBoxLayout()
        self.false_alarm = QPushButton(self.tr("False alarm"))
        self.false_alarm.setObjectName("FalseAlarmButton")
        self.missed = QPushButton(self.tr("Missed defect"))
        self.missed.setObjectName("MissedDefectButton")
        self.other_type = QPushButton(self.tr("Other defect type…"))
        self.other_type.setObjectName("OtherTypeButton")
        self.defect_type = QComboBox()
        self.defect_type.setObjectName("OverrideDefectType")
        self.defect_type.setMinimumWidth(150)
        self.notes = QLineEdit()
        self.notes.setObjectName("OverrideNotes")
        self.notes.setPlaceholderText(self.tr("note (optional)"))
        self.notes.setMaxLength(2000)
        for widget in (self.false_alarm, self.missed, self.other_type, self.defect_type):
            row.addWidget(widget)
        row.addWidget(self.notes, 1)
        grid.addLayout(row, 1, 0)
        self.stored = QLabel("")
        self.stored.setObjectName("OverrideStored")
        self.stored.setWordWrap(True)
        grid.addWidget(self.stored, 2, 0)
        self.history = QListWidget()
        self.history.setObjectName("OverrideHistory")
        self.history.setMaximumHeight(64)
        self.history.setVisible(False)  # shown once the part has overrides
        grid.addWidget(self.history, 3, 0)
        self.message = MessageBar()
        grid.addWidget(self.message, 4, 0)
        self.false_alarm.clicked.connect(lambda: self.submit(OverrideKind.FALSE_ALARM))
        self.missed.clicked.connect(lambda: self.submit(OverrideKind.MISSED_DEFECT))
        self.other_type.clicked.connect(lambda: self.submit(OverrideKind.OTHER_DEFECT_TYPE))
        if not self.allowed:
            self.setToolTip(self.tr("Your role may not override verdicts (workers and supervisors may)."))
        self.clear()

    # shown inspection ---------------------------------------------------------------------------------
    def clear(self) -> None:
        self.requests.retire(SHOWN)
        self.outcome, self.history_entries = None, []
        self.stored.setText("")
        self.history.clear()
        self.history.setVisible(False)
        self.message.clear_message()
        self._enable()

    def show_for(self, outcome: InspectionOutcome, product: ProductInfo | None) -> None:
        """The inspection on screen (recorded ones only: a preview has nothing to correct)."""
        self.clear()
        if not outcome.inspection_code:
            return
        self.outcome = outcome
        self.defect_type.clear()
        self.defect_type.addItem(self.tr("defect type…"), None)
        ko = self.env.session.language == "ko"
        for d in (product.defect_types if product is not None else ()):
            self.defect_type.addItem(d.name_ko if ko else (d.name_en or d.code), d.code)
        self._enable()
        request = self.requests.begin(SHOWN)
        overrides, users, code = self.env.services.overrides, self.env.services.users, outcome.inspection_code
        self.env.runner.submit(lambda _ctx: (overrides.history(code), _names(users)), name="override-history",
                               owner=self, request=(self.requests, SHOWN, request),
                               on_done=lambda r: self._show_history(*r), on_error=self.message.show_error)

    def _enable(self) -> None:
        verdict = self.outcome.verdict.value if self.outcome is not None else None
        for kind, button in ((OverrideKind.FALSE_ALARM, self.false_alarm), (OverrideKind.MISSED_DEFECT, self.missed),
                             (OverrideKind.OTHER_DEFECT_TYPE, self.other_type)):
            button.setEnabled(self.allowed and verdict in _ALLOWED[kind])
        self.defect_type.setEnabled(self.allowed and verdict is not None)
        self.notes.setEnabled(self.allowed and verdict is not None)

    # storing -------------------------------------------------------------------------------------------
    def submit(self, kind: OverrideKind) -> None:
        outcome, request = self.outcome, self.requests.current(SHOWN)
        if outcome is None or request is None or not outcome.inspection_code:
            return
        defect = self.defect_type.currentData()
        if kind is OverrideKind.OTHER_DEFECT_TYPE and defect is None:
            self.message.show_message(self.tr("Choose the defect type first."), "warning", 5000)
            self.defect_type.setFocus()
            return
        if kind is OverrideKind.FALSE_ALARM:
            defect = None
        overrides, users, user = self.env.services.overrides, self.env.services.users, self.env.session.user
        code, notes = outcome.inspection_code, self.notes.text().strip() or None

        def work(_ctx: Any) -> tuple[OverrideEntry, list[OverrideEntry], dict[int, str]]:
            entry = overrides.override(code, kind.value, user, defect_code=defect, notes=notes)
            return entry, overrides.history(code), _names(users)

        for button in (self.false_alarm, self.missed, self.other_type):
            button.setEnabled(False)
        self.message.show_message(self.tr("Saving the override…"), "info")
        self.env.runner.submit(work, name="override", owner=self, request=(self.requests, SHOWN, request),
                               on_done=lambda r: self._stored(*r), on_error=self._refused)

    def _refused(self, error: BaseException) -> None:
        self._enable()
        self.message.show_error(error)

    def _stored(self, entry: OverrideEntry, history: list[OverrideEntry], names: dict[int, str]) -> None:
        self._enable()
        self.notes.clear()
        self.message.show_message(self.tr("Override saved; the part is now a labelled sample of the product."),
                                  "info", 6000)
        self._show_history(history, names)
        self.stored.setText(self.tr("Stored: {0} by {1} at {2}").format(
            self._kind_text(entry.kind), names.get(entry.by_user or -1, "?"), _when(entry)))

    def _show_history(self, history: list[OverrideEntry], names: dict[int, str]) -> None:
        self.history_entries = list(history)
        self.history.clear()
        for e in history:
            self.history.addItem(self.tr("{0} · {1} → {2} · {3} · {4}").format(
                _when(e), self._kind_text(e.kind), e.corrected_label, names.get(e.by_user or -1, "?"),
                e.notes or ""))
        self.history.setVisible(bool(history))
        if history and not self.stored.text():
            last = history[-1]
            self.stored.setText(self.tr("Overridden: {0} by {1} at {2}").format(
                self._kind_text(last.kind), names.get(last.by_user or -1, "?"), _when(last)))

    def _kind_text(self, kind: str) -> str:
        return {"false_alarm": self.tr("false alarm"), "missed_defect": self.tr("missed defect"),
                "other_defect_type": self.tr("other defect type")}.get(kind, kind)


def _names(users: Any) -> dict[int, str]:
    """User id -> full name (or user name), for "who" (never more than the name)."""
    return {u.user_id: (u.full_name or u.username) for u in users.list_users()}


def _when(entry: OverrideEntry) -> str:
    return entry.at.strftime("%Y-%m-%d %H:%M:%S") if entry.at is not None else "?"
