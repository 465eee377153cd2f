"""Threshold proposals from the outcomes a product has accumulated on the line.

Labelled outcomes: every inspection a person overrode (the corrected label is the truth) and every
inspection whose defect was confirmed by a *resolved* corrective action without an override (a defect).
For each proposal the false-alarm rate (good parts at or above the FAIL threshold), the miss rate
(defective parts below the review threshold: neither failed nor held) and the share of good parts held
for review are what those thresholds would have produced on these outcomes, each rate with its 95 %
Wilson score interval, and the scores of the labelled defects it would have passed are listed. Proposals
need at least :data:`MIN_LABELLED_GOOD` good and :data:`MIN_LABELLED_DEFECT` defective outcomes; below
that there is nothing to propose or apply. Every proposal keeps an UNCERTAIN band at least
:data:`~station.pipeline.patchcore.thresholds.MIN_BAND_WIDTH` wide: ``far_target`` (lowest FAIL threshold
within the false-alarm target) and ``balanced`` (fewest errors of both kinds) hold that width below FAIL,
``no_miss`` widens the band down to the lowest labelled defect so that none would pass. The pixel threshold cannot be learned
from part-level labels and is kept. Applying a proposal saves the image threshold in the product's
configuration, review threshold included, and writes an audit entry; only a supervisor/technician
(``manager``) or an admin may apply one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from station.domain.enums import Role
from station.domain.errors import AuthenticationError, ValidationError
from station.domain.users import UserInfo
from station.pipeline.patchcore.thresholds import MIN_BAND_WIDTH, wilson_interval
from station.services.shared.ports import AuditTrail, CatalogReader
from station.services.engine.ports import ReviewThresholdStore


# Who may apply a proposal: the technician (a ``manager`` account) and the admin.
APPLY_ROLES = frozenset({Role.MANAGER, Role.ADMIN})

MIN_LABELLED_GOOD = 20
"""Labelled good parts a proposal needs. With 20 good parts and no false alarm among them the 95 % Wilson
interval of the false-alarm rate still reaches 16 %; with fewer it is so wide (one good part: 0–79 %) that
a proposal's rate says nothing, and a FAIL threshold set just above a handful of good scores mostly
describes those few parts. Twenty false alarms overridden at the bench is a realistic first week."""

MIN_LABELLED_DEFECT = 10
"""Labelled defective parts a proposal needs. With 10 defects and none missed the 95 % Wilson interval of
the miss rate reaches 28 %; below that a review threshold placed at the lowest defect rests on one or
two parts (one defect: 0–79 %). Defects are rarer than false alarms on a working line, hence half the
good minimum."""


@dataclass(frozen=True)
class ThresholdProposal:
    """One set of thresholds and what it would have done to the labelled outcomes.

    ``false_alarm_interval`` / ``miss_interval`` / ``review_interval`` are the 95 % Wilson score intervals of
    the three rates (``false_alarms`` of ``n_good``, ``misses`` of ``n_defect``, ``held_good`` of
    ``n_good``). ``passed_defects`` are the scores of labelled defects these thresholds would PASS."""

    name: str  # "current", "far_target", "balanced", "no_miss"
    image_threshold: float
    review_threshold: float
    pixel_threshold: float
    false_alarm_rate: float
    miss_rate: float
    review_rate: float  # good parts held as UNCERTAIN
    n_good: int
    n_defect: int
    false_alarms: int = 0
    misses: int = 0
    held_good: int = 0
    false_alarm_interval: tuple[float, float] = (0.0, 1.0)
    miss_interval: tuple[float, float] = (0.0, 1.0)
    review_interval: tuple[float, float] = (0.0, 1.0)
    passed_defects: tuple[float, ...] = ()

    @property
    def band_width(self) -> float:
        """Width of the UNCERTAIN band (FAIL threshold minus review threshold)."""
        return self.image_threshold - self.review_threshold

    @property
    def applicable(self) -> bool:
        """A change that may be applied: not the current thresholds, resting on enough outcomes."""
        return self.name != "current" and enough_outcomes(self.n_good, self.n_defect)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["band_width"] = self.band_width
        return data


def enough_outcomes(n_good: int, n_defect: int) -> bool:
    return n_good >= MIN_LABELLED_GOOD and n_defect >= MIN_LABELLED_DEFECT


def shortfall(n_good: int, n_defect: int) -> list[tuple[str, int, int]]:
    """What is missing for proposals: ``(label, needed, have)`` with label ``"normal"`` or ``"defect"``."""
    missing = []
    if n_good < MIN_LABELLED_GOOD:
        missing.append(("normal", MIN_LABELLED_GOOD, n_good))
    if n_defect < MIN_LABELLED_DEFECT:
        missing.append(("defect", MIN_LABELLED_DEFECT, n_defect))
    return missing


def shortfall_message(n_good: int, n_defect: int) -> str:
    """One line for the command line: ``needs at least 20 labelled good parts, have 1; ...``."""
    words = {"normal": "good", "defect": "defective"}
    return "; ".join(f"needs at least {needed} labelled {words[label]} parts, have {have}"
                     for label, needed, have in shortfall(n_good, n_defect))


def rates(good: Sequence[float], defect: Sequence[float], image: float, review: float) -> tuple[float, float, float]:
    """(false-alarm rate, miss rate, review rate on good parts) of thresholds on labelled scores."""
    far = sum(1 for s in good if s >= image) / len(good)
    miss = sum(1 for s in defect if s < review) / len(defect)
    held = sum(1 for s in good if review <= s < image) / len(good)
    return far, miss, held


def measure(name: str, good: Sequence[float], defect: Sequence[float], image: float, review: float,
            pixel: float) -> ThresholdProposal:
    """The proposal of thresholds ``image`` / ``review`` on the labelled scores, intervals included."""
    false_alarms = sum(1 for s in good if s >= image)
    passed = tuple(sorted(s for s in defect if s < review))
    held = sum(1 for s in good if review <= s < image)
    far, miss, held_rate = rates(good, defect, image, review)
    return ThresholdProposal(
        name, image, review, pixel, far, miss, held_rate, len(good), len(defect), false_alarms, len(passed), held,
        wilson_interval(false_alarms, len(good)), wilson_interval(len(passed), len(defect)),
        wilson_interval(held, len(good)), passed)


class HistoryCalibration:
    def __init__(self, labelled: Any, catalog: CatalogReader, audit: AuditTrail,
                 review: ReviewThresholdStore) -> None:
        self._labelled = labelled  # OverrideRepository.labelled_scores(product_id)
        self._catalog = catalog
        self._audit = audit
        self._review = review

    def labelled_counts(self, product_code: str) -> tuple[int, int]:
        """(good, defective) labelled outcomes of the product; proposals need :data:`MIN_LABELLED_GOOD` and
        :data:`MIN_LABELLED_DEFECT` of them."""
        product = self._catalog.get_product(product_code)
        scores = self._labelled.labelled_scores(product.product_id)
        return sum(1 for _s, label in scores if label == "normal"), sum(1 for _s, label in scores if label == "defect")

    def propose(self, product_code: str, target_far: float = 0.01) -> list[ThresholdProposal]:
        """The current thresholds and three proposals; raises :class:`ValidationError` (one line saying
        how many outcomes are missing) below the minimum."""
        if not 0.0 <= target_far < 1.0:
            raise ValidationError("target false-alarm rate must be in [0, 1)")
        product = self._catalog.get_product(product_code)
        config = self._catalog.get_model_config(product.product_id)
        scores = self._labelled.labelled_scores(product.product_id)
        good = sorted(s for s, label in scores if label == "normal")
        defect = sorted(s for s, label in scores if label == "defect")
        if not enough_outcomes(len(good), len(defect)):
            raise ValidationError(f"{product_code}: no threshold proposal: {shortfall_message(len(good), len(defect))} "
                                  "(override verdicts at the bench, log corrective actions as resolved)")
        current_review = config.review_threshold
        if current_review is None:
            current_review = self._review.get(product_code)  # the bank's calibrated default
        current_review = config.image_threshold if current_review is None else min(current_review,
                                                                                   config.image_threshold)

        def make(name: str, image: float, review: float) -> ThresholdProposal:
            # rounded down, and the rates of exactly the stored values (a score at the edge stays caught)
            image = math.floor(min(max(image, 0.0), 1.0) * 1e4) / 1e4
            review = math.floor(min(max(review, 0.0), image) * 1e4) / 1e4
            return measure(name, good, defect, image, review, config.pixel_threshold)

        def band(image: float) -> float:
            # the narrowest band: MIN_BAND_WIDTH below FAIL (labelled defects below it are listed as passed)
            return image - MIN_BAND_WIDTH

        candidates = sorted(set(good + defect + [1.0]))
        # Lowest FAIL threshold whose false-alarm rate stays within the target: catches the most defects.
        far_ok = [t for t in candidates if rates(good, defect, t, t)[0] <= target_far]
        far_image = min(far_ok) if far_ok else 1.0
        balanced = max(candidates, key=lambda t: (1 - sum(rates(good, defect, t, t)[:2]), -t))
        lowest_defect = defect[0]
        no_miss = max(far_image, lowest_defect)
        return [
            make("current", config.image_threshold, current_review),
            make("far_target", far_image, band(far_image)),
            make("balanced", balanced, band(balanced)),
            make("no_miss", no_miss, min(lowest_defect, band(no_miss))),  # holds every labelled defect
        ]

    def apply(self, product_code: str, proposal: ThresholdProposal, user: UserInfo) -> int:
        """Saves the proposal's thresholds; returns the audit entry's id. Refuses the current thresholds
        and any proposal resting on fewer labelled outcomes than the minimum (the proposal's own counts
        and the product's counts now)."""
        if not user.is_active or not user.has_role(*APPLY_ROLES):
            raise AuthenticationError(f"{user.username} may not change thresholds (technician or admin only)")
        if proposal.name == "current":
            raise ValidationError("the current thresholds are already applied")
        n_good, n_defect = self.labelled_counts(product_code)
        for good_count, defect_count in ((proposal.n_good, proposal.n_defect), (n_good, n_defect)):
            if not enough_outcomes(good_count, defect_count):
                raise ValidationError(f"{product_code}: proposal not applied: "
                                      f"{shortfall_message(good_count, defect_count)}")
        if not 0.0 < proposal.review_threshold <= proposal.image_threshold < 1.0:
            raise ValidationError("thresholds must satisfy 0 < review <= FAIL threshold < 1")
        by_user = user.user_id
        product = self._catalog.get_product(product_code)
        config = self._catalog.get_model_config(product.product_id)
        old = {"image_threshold": config.image_threshold, "review_threshold": config.review_threshold}
        self._catalog.save_model_config(replace(config, image_threshold=proposal.image_threshold,
                                                review_threshold=proposal.review_threshold),
                                        ("image_threshold", "review_threshold"))
        return self._audit.record("model_configs", "UPDATE", by_user, old, {
            "product_code": product_code, "image_threshold": proposal.image_threshold,
            "review_threshold": proposal.review_threshold, "source": "history", "proposal": proposal.name,
            "false_alarm_rate": proposal.false_alarm_rate, "miss_rate": proposal.miss_rate,
            "n_good": proposal.n_good, "n_defect": proposal.n_defect,
            "passed_defects": len(proposal.passed_defects)})
