"""Actions and feedback recorded on the station's store; each row reaches the centre through the
outbox (a trigger queues it in the same transaction, see migration 0004)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from station.adapters.db.database import Database
from station.adapters.db.models import ActionLog, Feedback, Inspection
from station.domain.actions import ActionEntry, FeedbackEntry
from station.domain.errors import NotFoundError


def _action(row: ActionLog) -> ActionEntry:
    return ActionEntry(row.action_id, row.inspection_id or 0, row.action_taken, row.action_result, row.action_date,
                       row.action_by, row.notes)


def _feedback(row: Feedback) -> FeedbackEntry:
    return FeedbackEntry(row.feedback_id, row.inspection_id or 0, row.user_id, row.rating, row.feedback_text,
                         row.feedback_type, row.created_at)


class SqlActionLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    @staticmethod
    def _require(session, inspection_id: int) -> None:  # type: ignore[no-untyped-def]
        if session.get(Inspection, inspection_id) is None:
            raise NotFoundError(f"no inspection with id {inspection_id} on this station")

    def add_action(self, inspection_id: int, action_taken: str, action_result: str | None, by_user: int | None,
                   notes: str | None = None, when: datetime | None = None) -> ActionEntry:
        with self._db.session(user_id=by_user) as session:
            self._require(session, inspection_id)
            row = ActionLog(inspection_id=inspection_id, action_taken=action_taken, action_result=action_result,
                            action_by=by_user, notes=notes)
            if when is not None:
                row.action_date = when
            session.add(row)
            session.flush()
            session.refresh(row)
            return _action(row)

    def add_feedback(self, inspection_id: int, user_id: int | None, rating: int, feedback_text: str | None,
                     feedback_type: str | None) -> FeedbackEntry:
        with self._db.session(user_id=user_id) as session:
            self._require(session, inspection_id)
            row = Feedback(inspection_id=inspection_id, user_id=user_id, rating=rating,
                           feedback_text=feedback_text, feedback_type=feedback_type)
            session.add(row)
            session.flush()
            session.refresh(row)
            return _feedback(row)

    def actions_for(self, inspection_id: int) -> list[ActionEntry]:
        with self._db.session() as session:
            return [_action(r) for r in session.scalars(
                select(ActionLog).where(ActionLog.inspection_id == inspection_id)
                .order_by(ActionLog.action_date, ActionLog.action_id))]

    def feedback_for(self, inspection_id: int) -> list[FeedbackEntry]:
        with self._db.session() as session:
            return [_feedback(r) for r in session.scalars(
                select(Feedback).where(Feedback.inspection_id == inspection_id).order_by(Feedback.feedback_id))]
