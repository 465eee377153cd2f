"""Verdict overrides: a person at the bench corrects what the station said about a part.

``false_alarm``: the station said FAIL/UNCERTAIN, the part is good. ``missed_defect``: the station said
PASS (or UNCERTAIN), the part is defective. ``other_defect_type``: defective, but of another type than
the station's vote. Each override makes the part a labelled sample of the product's image library.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from station.domain.enums import Role
from station.domain.errors import ValidationError


class OverrideKind(StrEnum):
    FALSE_ALARM = "false_alarm"
    MISSED_DEFECT = "missed_defect"
    OTHER_DEFECT_TYPE = "other_defect_type"


# Who may override: the worker at the bench and the supervisor (and the admin); viewers may not.
OVERRIDE_ROLES = frozenset({Role.WORKER, Role.MANAGER, Role.ADMIN})


@dataclass(frozen=True)
class InspectionFacts:
    """What an override needs to know about the inspection it corrects."""

    inspection_id: int
    inspection_code: str
    product_id: int
    product_code: str
    verdict: str  # PASS / FAIL / UNCERTAIN as the station judged it
    anomaly_score: float | None
    defect_code: str | None
    test_image_key: str | None
    test_image_name: str | None


@dataclass(frozen=True)
class NewOverride:
    inspection_id: int
    kind: OverrideKind
    original_verdict: str
    corrected_label: str  # "normal" or "defect"
    defect_type_id: int | None
    anomaly_score: float | None
    by_user: int | None
    notes: str | None


@dataclass(frozen=True)
class OverrideEntry:
    override_id: int
    inspection_id: int
    kind: str
    original_verdict: str | None
    corrected_label: str
    defect_type_id: int | None
    library_image_id: int | None
    anomaly_score: float | None
    by_user: int | None
    at: datetime | None
    notes: str | None


def corrected_label(kind: OverrideKind, verdict: str, new_defect: str | None, old_defect: str | None) -> str:
    """The part's true label after the override; one clear error when the override contradicts the verdict."""
    if kind is OverrideKind.FALSE_ALARM:
        if verdict == "PASS":
            raise ValidationError("a PASS cannot be a false alarm (use 'missed defect' for a bad part)")
        return "normal"
    if kind is OverrideKind.MISSED_DEFECT:
        if verdict == "FAIL":
            raise ValidationError("a FAIL was not missed (use 'other defect type' to change its type)")
        return "defect"
    if verdict == "PASS":
        raise ValidationError("a PASS has no defect type to change (use 'missed defect')")
    if not new_defect:
        raise ValidationError("'other defect type' needs the defect type the part really has")
    if new_defect == old_defect:
        raise ValidationError(f"the station already said {new_defect}")
    return "defect"
