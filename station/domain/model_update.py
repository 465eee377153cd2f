"""Learning from approved false alarms: the parts a technician hands to the model, the limits an update must
keep, and what an update or a rollback did.

A false alarm (``OverrideKind.FALSE_ALARM``) says a part the station flagged is good. An *update* adds the
patches of such parts that the memory bank does not already cover, recalibrates, re-validates on the
product's held-out good images and labelled defects, and is published as a new model version only when
the labelled defects are still caught (:class:`UpdatePolicy`); a *rollback* re-points the product to the
version before.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from station.domain.errors import ValidationError

# The limits' defaults (settings ``update_max_miss_increase`` and ``update_coverage_factor``).
DEFAULT_MAX_MISS_INCREASE_PP = 0.0
DEFAULT_COVERAGE_FACTOR = 1.0
DEFAULT_MAX_REPLACED_FRACTION = 0.25


@dataclass(frozen=True)
class UpdatePolicy:
    """``max_miss_increase_pp``: how many percentage points the miss rate on the labelled defects may rise
    (0: every labelled defect the live model catches must still be caught). ``coverage_factor`` times the
    bank's own coverage radius is the distance under which a new patch counts as already covered.
    ``max_replaced_fraction``: the share of a full bank one update may replace (the bank never grows past its
    size limit). ``max_bank_size``: the size limit of a build (``BuildOptions.max_bank_size``)."""

    max_miss_increase_pp: float = DEFAULT_MAX_MISS_INCREASE_PP
    coverage_factor: float = DEFAULT_COVERAGE_FACTOR
    max_replaced_fraction: float = DEFAULT_MAX_REPLACED_FRACTION
    max_bank_size: int = 4096

    def validate(self) -> None:
        if not 0.0 <= self.max_miss_increase_pp <= 100.0:
            raise ValidationError("the allowed rise of the miss rate must be between 0 and 100 percentage points")
        if not 0.0 < self.coverage_factor <= 10.0:
            raise ValidationError("the coverage factor must be above 0 and at most 10")
        if not 0.0 < self.max_replaced_fraction <= 1.0:
            raise ValidationError("the replaced share of a full bank must be above 0 and at most 1")
        if self.max_bank_size < 1:
            raise ValidationError("the bank size limit must be at least 1")


@dataclass(frozen=True)
class FalseAlarm:
    """A standing false-alarm override (the latest override of its inspection) and the part's recorded image."""

    override_id: int
    inspection_id: int
    inspection_code: str
    product_code: str
    view_code: str | None
    image_key: str | None  # the recorded test image in the object store
    image_name: str | None
    library_image_id: int | None
    original_verdict: str | None
    anomaly_score: float | None
    at: datetime | None
    by_username: str | None
    notes: str | None = None


@dataclass(frozen=True)
class Rates:
    """Counts behind a before/after comparison: ``flagged`` of ``total`` images at or above a threshold."""

    flagged: int
    total: int

    @property
    def rate(self) -> float | None:
        return None if self.total == 0 else self.flagged / self.total

    def to_json(self) -> dict[str, Any]:
        return {"flagged": self.flagged, "total": self.total, "rate": self.rate}


@dataclass(frozen=True)
class UpdateValidation:
    """The live model and the candidate on the same images. ``missed_*``: labelled defects below the review
    threshold; ``false_alarms_*``: held-out good images at or above the FAIL threshold; ``new_parts_*``:
    the learned parts flagged (UNCERTAIN or FAIL) -- after the update only the held-out share of them,
    scored without their own patches."""

    missed_before: Rates
    missed_after: Rates
    false_alarms_before: Rates
    false_alarms_after: Rates
    new_parts_before: Rates
    new_parts_after: Rates
    max_miss_increase_pp: float
    accepted: bool
    reason: str
    lost_defects: tuple[int, ...] = ()  # image ids of labelled defects the live model catches and the update misses

    @property
    def miss_increase_pp(self) -> float | None:
        before, after = self.missed_before.rate, self.missed_after.rate
        return None if before is None or after is None else 100.0 * (after - before)

    def to_json(self) -> dict[str, Any]:
        return {"missed_before": self.missed_before.to_json(), "missed_after": self.missed_after.to_json(),
                "false_alarms_before": self.false_alarms_before.to_json(),
                "false_alarms_after": self.false_alarms_after.to_json(),
                "new_parts_before": self.new_parts_before.to_json(), "new_parts_after": self.new_parts_after.to_json(),
                "miss_increase_pp": self.miss_increase_pp, "max_miss_increase_pp": self.max_miss_increase_pp,
                "accepted": self.accepted, "reason": self.reason, "lost_defects": list(self.lost_defects)}


@dataclass(frozen=True)
class UpdateResult:
    """One bank's update: accepted (``version`` is live) or refused (the live model untouched)."""

    product_code: str
    view_code: str | None
    deployment_id: int
    accepted: bool
    reason: str
    version_before: str | None
    version: str | None  # the new live version (None when refused)
    override_ids: tuple[int, ...]
    n_parts: int
    n_patches: int  # patches of the new parts
    n_uncovered: int  # of them, farther than the coverage radius from the live bank
    n_added: int  # bank entries added
    n_replaced: int  # bank entries dropped to keep the size limit
    bank_size: int
    coverage_radius: float
    seconds: float
    validation: UpdateValidation | None
    stage_seconds: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["override_ids"] = list(self.override_ids)
        data["validation"] = None if self.validation is None else self.validation.to_json()
        return data


@dataclass(frozen=True)
class RollbackResult:
    product_code: str
    view_code: str | None
    deployment_id: int
    version_before: str
    version: str  # the version now live again

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
