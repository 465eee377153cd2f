"""Recurrence alerts on the station's store: finds the resolved action a new defect follows and records
the alert (one per inspection)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from station.adapters.db.acknowledgement import acknowledge_row
from station.adapters.db.database import Database
from station.adapters.db.models import (
    ActionLog,
    DefectType,
    Inspection,
    InspectionResult,
    Product,
    RecurrenceAlert,
    User,
    VerdictOverride,
)
from station.domain.recurrence import RecurrenceAlertInfo, RecurrenceWindow


class SqlRecurrenceRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    @staticmethod
    def _defect_type(session, inspection_id: int) -> int | None:  # type: ignore[no-untyped-def]
        """The inspection's defect type: the latest override's when a person corrected it, else the vote."""
        override = session.execute(
            select(VerdictOverride.corrected_label, VerdictOverride.defect_type_id)
            .where(VerdictOverride.inspection_id == inspection_id)
            .order_by(VerdictOverride.override_id.desc()).limit(1)).first()
        if override is not None:
            return override.defect_type_id if override.corrected_label == "defect" else None
        result = session.scalars(select(InspectionResult).where(InspectionResult.inspection_id == inspection_id)
                                 ).first()
        return None if result is None or not result.defect_detected else result.defect_type_id

    def check(self, inspection_id: int, window: RecurrenceWindow) -> RecurrenceAlertInfo | None:
        with self._db.session() as session:
            inspection = session.get(Inspection, inspection_id)
            defect_type_id = self._defect_type(session, inspection_id)
            if inspection is None or defect_type_id is None or inspection.inspection_date is None:
                return None
            existing = session.scalars(select(RecurrenceAlert).where(
                RecurrenceAlert.inspection_id == inspection_id)).first()
            if existing is not None:
                return self._info(session, existing)
            earlier = aliased(Inspection)
            candidates = session.execute(
                select(ActionLog, earlier.inspection_id)
                .join(earlier, earlier.inspection_id == ActionLog.inspection_id)
                .where(earlier.product_id == inspection.product_id, ActionLog.action_result == "resolved",
                       earlier.inspection_id != inspection_id, ActionLog.action_date <= inspection.inspection_date)
                .order_by(ActionLog.action_date.desc(), ActionLog.action_id.desc())).all()
            action = next((a for a, earlier_id in candidates
                           if self._defect_type(session, earlier_id) == defect_type_id), None)
            if action is None or action.action_date is None:
                return None
            since = int(session.scalar(select(func.count()).select_from(Inspection).where(
                Inspection.product_id == inspection.product_id, Inspection.inspection_date >= action.action_date,
                Inspection.inspection_id > (action.inspection_id or 0),
                Inspection.inspection_id <= inspection_id)) or 0)
            hours = max((inspection.inspection_date - action.action_date).total_seconds() / 3600.0, 0.0)
            if not window.holds(since, hours):
                return None
            alert = RecurrenceAlert(product_id=inspection.product_id, defect_type_id=defect_type_id,
                                    action_id=action.action_id, inspection_id=inspection_id,
                                    inspections_since=since, hours_since=hours)
            session.add(alert)
            session.flush()
            session.refresh(alert)
            return self._info(session, alert)

    def open_alerts(self, product_id: int | None = None) -> list[RecurrenceAlertInfo]:
        with self._db.session() as session:
            query = select(RecurrenceAlert).where(RecurrenceAlert.status == "open")
            if product_id is not None:
                query = query.where(RecurrenceAlert.product_id == product_id)
            return [self._info(session, a) for a in session.scalars(query.order_by(RecurrenceAlert.alert_id))]

    def acknowledge(self, alert_id: int, user_id: int, audit: dict[str, Any]) -> RecurrenceAlertInfo | None:
        with self._db.session(user_id=user_id) as session:
            alert = session.get(RecurrenceAlert, alert_id)
            if alert is None:
                return None
            acknowledge_row(session, alert, "recurrence_alerts", user_id, audit)
            return self._info(session, alert)

    @staticmethod
    def _info(session, alert: RecurrenceAlert) -> RecurrenceAlertInfo:  # type: ignore[no-untyped-def]
        action = session.get(ActionLog, alert.action_id)
        resolved = session.get(Inspection, action.inspection_id)

        def username(user_id: int | None) -> str | None:
            user = session.get(User, user_id) if user_id is not None else None
            return user.username if user is not None else None

        return RecurrenceAlertInfo(
            alert.alert_id, session.get(Product, alert.product_id).product_code,
            session.get(DefectType, alert.defect_type_id).defect_code, alert.action_id, action.action_taken,
            resolved.inspection_code, session.get(Inspection, alert.inspection_id).inspection_code,
            alert.inspections_since, alert.hours_since, alert.status, alert.raised_at,
            action_by=username(action.action_by), action_at=action.action_date, action_notes=action.notes,
            inspection_id=alert.inspection_id, product_id=alert.product_id,
            acknowledged_by=username(alert.acknowledged_by), acknowledged_at=alert.acknowledged_at)
