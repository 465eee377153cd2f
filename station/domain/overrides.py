"""Verdict overrides: a person at the bench corrects what the station said about a part.

The latest override decides what the part is (its effective verdict: PASS for a good part, FAIL for a
defective one, of the corrected type) in the queues, the counts and the reports; the station's own verdict
and every override stay on record. Each override corrects the part's current verdict.

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
    effective_verdict: str | None = None  # after the latest override (None: never overridden)
    effective_defect_code: str | None = None
    test_image_view: str | None = None  # the view the inspected image shows (None: the product's own)

    @property
    def current_verdict(self) -> str:
        """What the part is now: the latest override's verdict, else the station's."""
        return self.effective_verdict or self.verdict

    @property
    def current_defect_code(self) -> str | None:
        return self.effective_defect_code if self.effective_verdict else self.defect_code


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
    by_username: str | None = None
    defect_code: str | None = None

    @property
    def verdict(self) -> str:
        """The verdict this override made: PASS for a good part, FAIL for a defective one."""
        return verdict_of_label(self.corrected_label)


@dataclass(frozen=True)
class OverrideStatus:
    """An inspection as the station judged it and as it stands after its overrides (oldest first)."""

    inspection_code: str
    station_verdict: str
    station_defect_code: str | None
    overrides: tuple[OverrideEntry, ...]

    @property
    def latest(self) -> OverrideEntry | None:
        return self.overrides[-1] if self.overrides else None

    @property
    def verdict(self) -> str:
        return self.latest.verdict if self.latest else self.station_verdict

    @property
    def defect_code(self) -> str | None:
        if self.latest is None:
            return self.station_defect_code
        return None if self.latest.corrected_label == "normal" else (self.latest.defect_code or self.station_defect_code)


def verdict_of_label(label: str) -> str:
    return "PASS" if label == "normal" else "FAIL"


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
