"""Verdict override at the bench: under the result, "False alarm", "Missed defect" and "Other defect type…"
(with the product's defect types) for the inspection on screen, and its override history (who, when).
:attr:`OverridePanel.corrected` tells the bench the part's latest override (saved here or found in its
history) so that the verdict banner shows the corrected state.

The buttons are disabled for a role that may not override (the service refuses it too) and for an override
that contradicts the verdict (a PASS is no false alarm). Storing runs in a job; the answer for an
inspection that is no longer shown is dropped, and so is a history read that began before an override was
saved (the override's answer carries the newer history). The part becomes a labelled sample of the product's image
library (the service does it in the same transaction).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
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
from station.ui.widgets.names import defect_name, image_label_name, override_name

SHOWN = "override"  # the inspection on screen
HISTORY = "override-history"  # the newest read of its overrides (a load, or the answer to a save)
_ALLOWED = {OverrideKind.FALSE_ALARM: ("FAIL", "UNCERTAIN"), OverrideKind.MISSED_DEFECT: ("PASS", "UNCERTAIN"),
            OverrideKind.OTHER_DEFECT_TYPE: ("FAIL", "UNCERTAIN")}


class OverridePanel(QFrame):
    corrected = Signal(object, str)  # the shown part's latest OverrideEntry, who made it

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
        for widget in (self.false_alarm, self.missed, self.other_type):
            row.addWidget(widget)
        row.addStretch(1)
        grid.addLayout(row, 1, 0)
        details = QHBoxLayout()
        details.addWidget(self.defect_type)
        details.addWidget(self.notes, 1)
        grid.addLayout(details, 2, 0)
        self.stored = QLabel("")
        self.stored.setObjectName("OverrideStored")
        self.stored.setWordWrap(True)
        grid.addWidget(self.stored, 3, 0)
        self.history = QListWidget()
        self.history.setObjectName("OverrideHistory")
        self.history.setFixedHeight(self.history.fontMetrics().height() * 2 + 12)
        self.history.setVisible(False)  # shown once the part has overrides
        grid.addWidget(self.history, 4, 0)
        self.message = MessageBar()
        grid.addWidget(self.message, 5, 0)
        self.false_alarm.clicked.connect(lambda: self.submit(OverrideKind.FALSE_ALARM))
        self.missed.clicked.connect(lambda: self.submit(OverrideKind.MISSED_DEFECT))
        self.other_type.clicked.connect(lambda: self.submit(OverrideKind.OTHER_DEFECT_TYPE))
        if not self.allowed:
            self.setToolTip(self.tr("Your role may not override verdicts (workers and supervisors may)."))
        self.clear()

    # shown inspection ---------------------------------------------------------------------------------
    def clear(self) -> None:
        self.requests.retire(SHOWN, HISTORY)
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
        for d in (product.defect_types if product is not None else ()):
            self.defect_type.addItem(defect_name(d.name_ko, d.name_en, d.code), d.code)
        self._enable()
        self.requests.begin(SHOWN)
        self._load_history()

    def _load_history(self) -> None:
        """Reads the shown part's overrides; a save begun after this read supersedes it."""
        if self.outcome is None or not self.outcome.inspection_code:
            return
        request = self.requests.begin(HISTORY)
        overrides, users, code = self.env.services.overrides, self.env.services.users, self.outcome.inspection_code
        self.env.runner.submit(lambda _ctx: (overrides.history(code), _names(users)), name="override-history",
                               owner=self, request=(self.requests, HISTORY, request),
                               on_done=lambda r: self._show_history(*r), on_error=self.message.show_error)

    def current_verdict(self) -> str | None:
        """What the shown part is now: PASS/FAIL after its latest override, else the station's verdict."""
        if self.outcome is None:
            return None
        if self.history_entries:
            return "PASS" if self.history_entries[-1].corrected_label == "normal" else "FAIL"
        return self.outcome.verdict.value

    def _enable(self) -> None:
        verdict = self.current_verdict()
        for kind, button in ((OverrideKind.FALSE_ALARM, self.false_alarm), (OverrideKind.MISSED_DEFECT, self.missed),
                             (OverrideKind.OTHER_DEFECT_TYPE, self.other_type)):
            button.setEnabled(self.allowed and verdict in _ALLOWED[kind])
        self.defect_type.setEnabled(self.allowed and verdict is not None)
        self.notes.setEnabled(self.allowed and verdict is not None)

    # storing -------------------------------------------------------------------------------------------
    def submit(self, kind: OverrideKind) -> None:
        outcome = self.outcome
        if outcome is None or self.requests.current(SHOWN) is None or not outcome.inspection_code:
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
        request = self.requests.begin(HISTORY)  # a history read still on its way would be older than this
        self.env.runner.submit(work, name="override", owner=self, request=(self.requests, HISTORY, request),
                               on_done=lambda r: self._stored(*r), on_error=self._refused)

    def _refused(self, error: BaseException) -> None:
        self._enable()
        self.message.show_error(error)
        self._load_history()  # the read this save superseded

    def _stored(self, entry: OverrideEntry, history: list[OverrideEntry], names: dict[int, str]) -> None:
        self._enable()
        self.notes.clear()
        self.message.clear_message()  # the verdict banner shows the correction
        self._show_history(history, names)
        self.stored.setText(self.tr("Stored: {0} by {1} at {2}").format(
            override_name(entry.kind), names.get(entry.by_user or -1, "?"), _when(entry)))
        self.corrected.emit(entry, names.get(entry.by_user or -1, "?"))

    def _show_history(self, history: list[OverrideEntry], names: dict[int, str]) -> None:
        self.history_entries = list(history)
        self._enable()
        self.history.clear()
        for e in history:
            self.history.addItem(self.tr("{0} · {1} → {2} · {3} · {4}").format(
                _when(e), override_name(e.kind), image_label_name(e.corrected_label),
                names.get(e.by_user or -1, "?"), e.notes or ""))
        self.history.setVisible(bool(history))
        if history and not self.stored.text():
            last = history[-1]
            self.stored.setText(self.tr("Overridden: {0} by {1} at {2}").format(
                override_name(last.kind), names.get(last.by_user or -1, "?"), _when(last)))
            self.corrected.emit(last, names.get(last.by_user or -1, "?"))


def _names(users: Any) -> dict[int, str]:
    """User id -> full name (or user name), for "who" (never more than the name)."""
    return {u.user_id: (u.full_name or u.username) for u in users.list_users()}


def _when(entry: OverrideEntry) -> str:
    return entry.at.strftime("%Y-%m-%d %H:%M:%S") if entry.at is not None else "?"
