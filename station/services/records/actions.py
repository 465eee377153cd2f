"""Corrective actions and feedback: what supervisors and workers record after an inspection.

Recorded locally first (the station keeps working without the centre) and pushed by the sync
service. ``pending_defects`` follows the view ``recent_inspections``: a defect with no action
yet ('미조치'), an UNCERTAIN part held for review ('검토대기') or one whose latest action is not
'resolved' ('조치중').
"""

from __future__ import annotations

from datetime import datetime

from station.domain.actions import ActionEntry, FeedbackEntry, validate_action, validate_feedback
from station.domain.reports import STATUS_IN_PROGRESS, STATUS_OPEN, STATUS_REVIEW, HistoryFilter, InspectionRow
from station.services.shared.changes import ChangeNotifier, RecordsChanged
from station.services.records.ports import ActionLogRepository, ReportReader


class ActionService:
    def __init__(self, actions: ActionLogRepository, reports: ReportReader,
                 changes: ChangeNotifier | None = None) -> None:
        self._actions = actions
        self._reports = reports
        self.changes = changes or ChangeNotifier()  # fired after every recorded action or feedback

    def log_action(self, inspection_id: int, action_taken: str, action_result: str | None, by_user: int | None,
                   notes: str | None = None, when: datetime | None = None) -> ActionEntry:
        validate_action(action_taken, action_result)
        entry = self._actions.add_action(inspection_id, action_taken.strip(), action_result, by_user, notes, when)
        self.changes.fire(RecordsChanged("action", inspection_id))
        return entry

    def add_feedback(self, inspection_id: int, user_id: int | None, rating: int, feedback_text: str | None = None,
                     feedback_type: str | None = "guide_quality") -> FeedbackEntry:
        validate_feedback(rating, feedback_type)
        entry = self._actions.add_feedback(inspection_id, user_id, rating, feedback_text, feedback_type)
        self.changes.fire(RecordsChanged("feedback", inspection_id))
        return entry

    def actions_for(self, inspection_id: int) -> list[ActionEntry]:
        return self._actions.actions_for(inspection_id)

    def feedback_for(self, inspection_id: int) -> list[FeedbackEntry]:
        return self._actions.feedback_for(inspection_id)

    def pending_defects(self, product_id: int | None = None, limit: int = 100) -> list[InspectionRow]:
        """Defects and UNCERTAIN parts still waiting for (or in the middle of) an action, newest first."""
        rows = [r for status in (STATUS_OPEN, STATUS_REVIEW, STATUS_IN_PROGRESS) for r in self._reports.history(
            HistoryFilter(product_id=product_id, action_status=status, limit=limit))]
        rows.sort(key=lambda r: (r.inspection_date or datetime.min, r.inspection_id), reverse=True)
        return rows[:limit]

    def history(self, flt: HistoryFilter) -> list[InspectionRow]:
        return self._reports.history(flt)
