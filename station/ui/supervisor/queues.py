"""Defects awaiting action (the view ``recent_inspections``: 미조치), with the open recurrence alerts on top
as their own kind of entry, and the filtered history. A row of either opens the review of its inspection
(double-click or Enter; in the queue, with the right to log actions, inside the action dialog)."""

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
from station.ui.supervisor.recurrence_alerts import RecurrenceAlertsPanel
from station.ui.widgets.feedback import MessageBar
from station.ui.widgets.names import defect_name, status_name
from station.ui.widgets.tables import DataTable


def _drop(dialog: QDialog | None) -> None:
    """Deletes a closed dialog of an earlier row (its pictures with it)."""
    if dialog is not None and not dialog.isVisible():
        dialog.deleteLater()


class InspectionTable(DataTable):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__([self.tr("Code"), self.tr("Date"), self.tr("Product"), self.tr("Defect"),
                          self.tr("Anomaly"), self.tr("Confidence"), self.tr("Inspector"), self.tr("Status")], parent)
        self.rows: list[InspectionRow] = []
        self.defect_names: dict[str, str] = {}  # stored Korean name -> name in the UI language
        # recent_inspections.action_status values, shown in the interface language
        self.status_names = {STATUS_OPEN: self.tr("awaiting action"), STATUS_IN_PROGRESS: self.tr("in progress"),
                             STATUS_RESOLVED: self.tr("resolved"), STATUS_OK: self.tr("good"),
                             STATUS_REVIEW: self.tr("awaiting review")}

    def row_values(self, r: InspectionRow) -> list[object]:
        shown = local_time(r.inspection_date)  # stored in UTC, shown in the station's time zone
        return [r.inspection_code, shown.strftime("%Y-%m-%d %H:%M") if shown else "",
                r.product_code, self.defect_names.get(r.defect_name_ko or "", r.defect_name_ko) or "—",
                r.anomaly_score, r.confidence_score, r.inspector or "—",
                self.status_names.get(r.action_status) or status_name(r.action_status)]

    def name_defects(self, product: ProductInfo | None) -> None:
        """Shows the defect types of ``product`` in the UI language (the rows carry the stored Korean name)."""
        self.defect_names = {d.name_ko: defect_name(d.name_ko, d.name_en, d.code)
                             for d in (product.defect_types if product is not None else ())}

    def show_rows(self, rows: list[InspectionRow]) -> None:
        self.rows = rows
        self.set_rows([self.row_values(r) for r in rows], [r.inspection_id for r in rows])

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
                               name="awaiting", owner=self, on_done=self._show, on_error=self.message.show_error)
        self.recurrence.refresh()

    def select_inspection(self, inspection_id: int) -> None:
        """Selects a defect of the queue (the new inspection of a recurrence alert)."""
        if not self.table.select_id(inspection_id):
            self.message.show_message(self.tr("That inspection is no longer awaiting action."), "info", 4000)
            return
        self.table.setFocus()

    def _show(self, rows: list[InspectionRow]) -> None:
        self.table.name_defects(self.env.session.product)
        self.table.show_rows(rows)
        self.count_label.setText(self.tr("{0} defects awaiting action").format(len(rows)))

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
                       self.status, self.inspector, self.text, self.apply_button):
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
                             inspector=self.inspector.text().strip() or None, text=self.text.text().strip() or None)

    def refresh(self) -> None:
        flt = self.current_filter()
        reports = self.env.services.reports
        self.env.runner.submit(lambda _ctx: reports.history(flt), name="history", owner=self,
                               on_done=self._show, on_error=self.message.show_error)

    def _show(self, rows: list[InspectionRow]) -> None:
        self.table.name_defects(self.env.session.product)
        self.table.show_rows(rows)
        self.count_label.setText(self.tr("{0} inspections").format(len(rows)))

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
