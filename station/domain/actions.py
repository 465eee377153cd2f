"""Corrective actions and feedback on an inspection (``action_logs``, ``feedbacks``), as recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from station.domain.enums import ActionResult
from station.domain.errors import ValidationError

FEEDBACK_TYPES = ("guide_quality", "detection", "retrieval", "other")


@dataclass(frozen=True)
class ActionEntry:
    action_id: int
    inspection_id: int
    action_taken: str
    action_result: str | None
    action_date: datetime | None
    action_by: int | None
    notes: str | None = None


@dataclass(frozen=True)
class FeedbackEntry:
    feedback_id: int
    inspection_id: int
    user_id: int | None
    rating: int
    feedback_text: str | None
    feedback_type: str | None
    created_at: datetime | None


def validate_action(action_taken: str, action_result: str | None) -> None:
    if not (action_taken or "").strip():
        raise ValidationError("describe the action taken")
    if action_result is not None and action_result not in {r.value for r in ActionResult}:
        raise ValidationError(f"action result must be one of {', '.join(r.value for r in ActionResult)}")


def validate_feedback(rating: int, feedback_type: str | None) -> None:
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError("rating must be a whole number from 1 to 5")
    if feedback_type is not None and feedback_type not in FEEDBACK_TYPES:
        raise ValidationError(f"feedback type must be one of {', '.join(FEEDBACK_TYPES)}")
