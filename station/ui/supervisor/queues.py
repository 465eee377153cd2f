"""Defects awaiting action (the view ``recent_inspections``: 미조치), with the open recurrence alerts and the
open camera/process health alerts on top as their own kinds of entry, and the filtered history. A row of
either list opens the review of its inspection (double-click or Enter; in the queue, with the right to log
actions, inside the action dialog)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station.domain.catalog import ProductInfo
from station.domain.reports import (
    STATUS_IN_PROGRESS,
    STATUS_OK,
    STATUS_OPEN,
    STATUS_RESOLVED,
    STATUS_REVIEW,
    HistoryFilter,
    InspectionRow,
    local_time,
    utc_from_local,
)
from station.ui.env import ScreenEnv
from station.ui.permissions import Capability
from station.ui.supervisor.action_dialog import ActionDialog, ActionDraft
from station.ui.supervisor.inspection_review import InspectionReviewDialog
from station.ui.supervisor.health_alerts import HealthAlertsPanel
from station.ui.supervisor.recurrence_alerts import RecurrenceAlertsPanel
from station.ui.widgets.feedback import MessageBar
from station.ui.widgets.names import defect_name, override_name, status_name, verdict_name
from station.ui.widgets.tables import DataTable


def _drop(dialog: QDialog | None) -> None:
    """Deletes a closed dialog of an earlier row (its pictures with it)."""
    if dialog is not None and not dialog.isVisible():
        dialog.deleteLater()


OVERRIDE_MARK = "✎"  # after the verdict of a part whose verdict a person corrected
VERDICT_COLUMN = 2


class InspectionTable(DataTable):
    """Inspections with their effective verdict; an overridden one is marked and its cell's tooltip says what
    the station judged, how it was corrected, by whom and when."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__([self.tr("Code"), self.tr("Date"), self.tr("Verdict"), self.tr("Product"),
                          self.tr("Defect"), self.tr("Anomaly"), self.tr("Confidence"), self.tr("Inspector"),
                          self.tr("Status")], parent)
        self.horizontalHeaderItem(VERDICT_COLUMN).setToolTip(
            self.tr("{0}: a person overrode the station's verdict (hover the cell for who, when and how)")
            .format(OVERRIDE_MARK))
        self.rows: list[InspectionRow] = []
        self.defect_names: dict[str, str] = {}  # stored Korean name -> name in the UI language
        # recent_inspections.action_status values, shown in the interface language
        self.status_names = {STATUS_OPEN: self.tr("awaiting action"), STATUS_IN_PROGRESS: self.tr("in progress"),
                             STATUS_RESOLVED: self.tr("resolved"), STATUS_OK: self.tr("good"),
                             STATUS_REVIEW: self.tr("awaiting review")}

    def row_values(self, r: InspectionRow) -> list[object]:
        shown = local_time(r.inspection_date)  # stored in UTC, shown in the station's time zone
        return [r.inspection_code, shown.strftime("%Y-%m-%d %H:%M") if shown else "", self.verdict_text(r),
                r.product_code, self.defect_names.get(r.defect_name_ko or "", r.defect_name_ko) or "—",
                r.anomaly_score, r.confidence_score, r.inspector or "—",
                self.status_names.get(r.action_status) or status_name(r.action_status)]

    @staticmethod
    def verdict_text(r: InspectionRow) -> str:
        """The effective verdict in the UI language, marked when a person overrode it."""
        shown = verdict_name(r.verdict) if r.verdict else "—"
        return f"{shown} {OVERRIDE_MARK}" if r.overridden else shown

    def override_text(self, r: InspectionRow) -> str:
        """"Overridden: FAIL → false alarm by kim at 14:32" (local time; the date too when the override was
        made on another day than the inspection); empty for a row nobody overrode."""
        if not r.overridden:
            return ""
        at, inspected = local_time(r.overridden_at), local_time(r.inspection_date)
        when = "—" if at is None else at.strftime("%H:%M") if inspected is not None and \
            at.date() == inspected.date() else at.strftime("%Y-%m-%d %H:%M")
        before = verdict_name(r.overridden_from or r.station_verdict) if (r.overridden_from or r.station_verdict) \
            else "—"
        return self.tr("Overridden: {0} → {1} by {2} at {3}").format(
            before, override_name(r.override_kind), r.overridden_by or self.tr("unknown user"), when)

    def name_defects(self, product: ProductInfo | None) -> None:
        """Shows the defect types of ``product`` in the UI language (the rows carry the stored Korean name)."""
        self.defect_names = {d.name_ko: defect_name(d.name_ko, d.name_en, d.code)
                             for d in (product.defect_types if product is not None else ())}

    def show_rows(self, rows: list[InspectionRow]) -> None:
        self.rows = rows
        self.set_rows([self.row_values(r) for r in rows], [r.inspection_id for r in rows])
        by_id = {r.inspection_id: r for r in rows}
        for table_row in range(self.rowCount()):  # rows may be sorted: each found by its id
            code, verdict = self.item(table_row, 0), self.item(table_row, VERDICT_COLUMN)
            row = by_id.get(code.data(Qt.ItemDataRole.UserRole)) if code is not None else None
            if row is not None and verdict is not None and row.overridden:
                verdict.setToolTip(self.override_text(row))
                font = verdict.font()
                font.setItalic(True)
                verdict.setFont(font)

    def selected_row(self) -> InspectionRow | None:
        wanted = self.selected_id()
        return next((r for r in self.rows if r.inspection_id == wanted), None)


class AwaitingActionView(QWidget):
    action_logged = Signal(int)

    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.count_label = QLabel()
        self.count_label.setObjectName("SectionTitle")
        top.addWidget(self.count_label)
        top.addStretch(1)
        self.action_button = QPushButton(self.tr("Log action…"))
        self.action_button.setObjectName("PrimaryButton")
        self.action_button.setToolTip("Enter")
        self.action_button.setVisible(env.can(Capability.LOG_ACTION))
        self.action_button.clicked.connect(self.open_action_dialog)
        self.review_button = QPushButton(self.tr("Review…"))
        self.review_button.setObjectName("ReviewButton")
        self.review_button.clicked.connect(self.open_review)
        top.addWidget(self.review_button)
        top.addWidget(self.action_button)
        layout.addLayout(top)
        self.message = MessageBar()
        layout.addWidget(self.message)
        self.recurrence = RecurrenceAlertsPanel(env)
        self.recurrence.open_inspection.connect(self.select_inspection)
        layout.addWidget(self.recurrence)
        self.health = HealthAlertsPanel(env)
        layout.addWidget(self.health)
        self.table = InspectionTable()
        self.table.setObjectName("AwaitingTable")
        # with the right to log actions a row opens the action dialog (the review inside), else the review
        opener = self.open_action_dialog if env.can(Capability.LOG_ACTION) else self.open_review
        self.table.doubleClicked.connect(lambda _i: opener())
        for key in ("Return", "Enter"):
            shortcut = QShortcut(QKeySequence(key), self.table, activated=opener)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        layout.addWidget(self.table, 1)
        self.dialog: ActionDialog | None = None
        self.review: InspectionReviewDialog | None = None

    def refresh(self) -> None:
        product, actions = self.env.session.product, self.env.services.actions
        self.env.runner.submit(lambda _ctx: actions.pending_defects(product.product_id if product else None),
                               name="awaiting", owner=self, latest=True, on_done=self._show,
                               on_error=self.message.show_error)
        self.recurrence.refresh()
        self.health.refresh()

    def select_inspection(self, inspection_id: int) -> None:
        """Selects a defect of the queue (the new inspection of a recurrence alert)."""
        if not self.table.select_id(inspection_id):
            self.message.show_message(self.tr("That inspection is no longer awaiting action."), "info", 4000)
            return
        self.table.setFocus()

    def _show(self, rows: list[InspectionRow]) -> None:
        self.table.name_defects(self.env.session.product)
        self.table.show_rows(rows)
        self.count_label.setText(self.tr("1 defect awaiting action") if len(rows) == 1 else
                                 self.tr("{0} defects awaiting action").format(len(rows)))

    def open_review(self) -> InspectionReviewDialog | None:
        row = self.table.selected_row()
        if row is None:
            self.message.show_message(self.tr("Select a defect first."), "warning", 4000)
            return None
        _drop(self.review)
        self.review = InspectionReviewDialog(self.env, row, self)
        self.review.open()
        return self.review

    def open_action_dialog(self) -> ActionDialog | None:
        row = self.table.selected_row()
        if row is None:
            self.message.show_message(self.tr("Select a defect first."), "warning", 4000)
            return None
        _drop(self.dialog)
        self.dialog = ActionDialog(row, self.env, self)
        self.dialog.accepted.connect(lambda: self.save(self.dialog.draft()))
        self.dialog.open()
        return self.dialog

    def save(self, draft: ActionDraft) -> None:
        actions, user_id = self.env.services.actions, self.env.user_id

        def done(_result: object) -> None:
            self.message.show_message(self.tr("Action saved for inspection {0}.").format(draft.inspection_id),
                                      "info", 5000)
            self.action_logged.emit(draft.inspection_id)
            self.refresh()

        self.env.runner.submit(
            lambda _ctx: actions.log_action(draft.inspection_id, draft.action_taken, draft.action_result,
                                            by_user=user_id, notes=draft.notes),
            name="log-action", owner=self, on_done=done, on_error=self.message.show_error)


class HistoryView(QWidget):
    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        today = QDate.currentDate()
        self.start = QDateEdit(today.addDays(-7))
        self.end = QDateEdit(today)
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.defects_only = QCheckBox(self.tr("Defects only"))
        self.overridden_only = QCheckBox(self.tr("Overridden only"))
        self.overridden_only.setObjectName("HistoryOverriddenOnly")
        self.overridden_only.setToolTip(self.tr("Only inspections whose verdict a person overrode"))
        self.status = QComboBox()
        self.status.addItem(self.tr("any status"), None)
        for value, label in ((STATUS_OPEN, self.tr("awaiting action")), (STATUS_IN_PROGRESS, self.tr("in progress")),
                             (STATUS_RESOLVED, self.tr("resolved")), (STATUS_OK, self.tr("good"))):
            self.status.addItem(label, value)
        self.inspector = QLineEdit()
        self.inspector.setPlaceholderText(self.tr("inspector"))
        self.text = QLineEdit()
        self.text.setPlaceholderText(self.tr("code or defect"))
        self.apply_button = QPushButton(self.tr("Search"))
        for widget in (QLabel(self.tr("From")), self.start, QLabel(self.tr("to")), self.end, self.defects_only,
                       self.overridden_only, self.status, self.inspector, self.text, self.apply_button):
            filters.addWidget(widget)
        layout.addLayout(filters)
        self.message = MessageBar()
        layout.addWidget(self.message)
        self.count_label = QLabel()
        layout.addWidget(self.count_label)
        self.table = InspectionTable()
        self.table.setObjectName("HistoryTable")
        self.table.setToolTip(self.tr("Double-click or press Enter to review the inspection"))
        self.table.doubleClicked.connect(lambda _i: self.open_review())
        for key in ("Return", "Enter"):
            shortcut = QShortcut(QKeySequence(key), self.table, activated=self.open_review)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        layout.addWidget(self.table, 1)
        self.review: InspectionReviewDialog | None = None
        self.apply_button.clicked.connect(self.refresh)
        self.text.returnPressed.connect(self.refresh)

    def current_filter(self) -> HistoryFilter:
        product = self.env.session.product
        start = utc_from_local(datetime.combine(self.start.date().toPython(), time.min))
        end = utc_from_local(datetime.combine(self.end.date().toPython(), time.min) + timedelta(days=1))
        return HistoryFilter(product_id=product.product_id if product else None, start=start, end=end,
                             defects_only=self.defects_only.isChecked(), action_status=self.status.currentData(),
                             overridden_only=self.overridden_only.isChecked(),
                             inspector=self.inspector.text().strip() or None, text=self.text.text().strip() or None)

    def refresh(self) -> None:
        flt = self.current_filter()
        reports = self.env.services.reports
        self.env.runner.submit(lambda _ctx: reports.history(flt), name="history", owner=self, latest=True,
                               on_done=self._show, on_error=self.message.show_error)

    def _show(self, rows: list[InspectionRow]) -> None:
        self.table.name_defects(self.env.session.product)
        self.table.show_rows(rows)
        self.count_label.setText(self.tr("1 inspection") if len(rows) == 1 else
                                 self.tr("{0} inspections").format(len(rows)))

    def open_review(self) -> InspectionReviewDialog | None:
        """The review of the selected inspection (its picture, verdict history, actions and guide)."""
        row = self.table.selected_row()
        if row is None:
            self.message.show_message(self.tr("Select an inspection first."), "warning", 4000)
            return None
        _drop(self.review)
        self.review = InspectionReviewDialog(self.env, row, self)
        self.review.open()
        return self.review
