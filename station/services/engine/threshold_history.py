"""Threshold proposals from the outcomes a product has accumulated on the line.

Labelled outcomes: every inspection a person overrode (the corrected label is the truth) and every
inspection whose defect was confirmed by a *resolved* corrective action without an override (a defect).
For each proposal the false-alarm rate (good parts at or above the FAIL threshold), the miss rate
(defective parts below the review threshold: neither failed nor held) and the share of good parts held
for review are what those thresholds would have produced on these outcomes. The pixel threshold cannot
be learned from part-level labels and is kept. Applying a proposal saves the image threshold in the
product's configuration, review threshold included, and writes an audit entry; only a supervisor/technician
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
from station.services.shared.ports import AuditTrail, CatalogReader
from station.services.engine.ports import ReviewThresholdStore


# Who may apply a proposal: the technician (a ``manager`` account) and the admin.
APPLY_ROLES = frozenset({Role.MANAGER, Role.ADMIN})


@dataclass(frozen=True)
class ThresholdProposal:
    name: str  # "current", "far_target", "balanced", "no_miss"
    image_threshold: float
    review_threshold: float
    pixel_threshold: float
    false_alarm_rate: float
    miss_rate: float
    review_rate: float  # good parts held as UNCERTAIN
    n_good: int
    n_defect: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def rates(good: Sequence[float], defect: Sequence[float], image: float, review: float) -> tuple[float, float, float]:
    """(false-alarm rate, miss rate, review rate on good parts) of thresholds on labelled scores."""
    far = sum(1 for s in good if s >= image) / len(good)
    miss = sum(1 for s in defect if s < review) / len(defect)
    held = sum(1 for s in good if review <= s < image) / len(good)
    return far, miss, held


class HistoryCalibration:
    def __init__(self, labelled: Any, catalog: CatalogReader, audit: AuditTrail,
                 review: ReviewThresholdStore) -> None:
        self._labelled = labelled  # OverrideRepository.labelled_scores(product_id)
        self._catalog = catalog
        self._audit = audit
        self._review = review

    def labelled_counts(self, product_code: str) -> tuple[int, int]:
        """(good, defective) labelled outcomes of the product: proposals need at least one of each."""
        product = self._catalog.get_product(product_code)
        scores = self._labelled.labelled_scores(product.product_id)
        return sum(1 for _s, label in scores if label == "normal"), sum(1 for _s, label in scores if label == "defect")

    def propose(self, product_code: str, target_far: float = 0.01) -> list[ThresholdProposal]:
        if not 0.0 <= target_far < 1.0:
            raise ValidationError("target false-alarm rate must be in [0, 1)")
        product = self._catalog.get_product(product_code)
        config = self._catalog.get_model_config(product.product_id)
        scores = self._labelled.labelled_scores(product.product_id)
        good = sorted(s for s, label in scores if label == "normal")
        defect = sorted(s for s, label in scores if label == "defect")
        if not good or not defect:
            raise ValidationError(f"{product_code} has {len(good)} good and {len(defect)} defective labelled "
                                  "outcomes; proposals need at least one of each (overrides, resolved actions)")
        current_review = config.review_threshold
        if current_review is None:
            current_review = self._review.get(product_code)  # the bank's calibrated default
        current_review = config.image_threshold if current_review is None else min(current_review,
                                                                                   config.image_threshold)

        def make(name: str, image: float, review: float) -> ThresholdProposal:
            # rounded down, and the rates of exactly the stored values (a score at the edge stays caught)
            image = math.floor(min(max(image, 0.0), 1.0) * 1e4) / 1e4
            review = math.floor(min(max(review, 0.0), image) * 1e4) / 1e4
            far, miss, held = rates(good, defect, image, review)
            return ThresholdProposal(name, image, review, config.pixel_threshold, far, miss,
                                     held, len(good), len(defect))

        candidates = sorted(set(good + defect + [1.0]))
        # Lowest FAIL threshold whose false-alarm rate stays within the target: catches the most defects.
        far_ok = [t for t in candidates if rates(good, defect, t, t)[0] <= target_far]
        far_image = min(far_ok) if far_ok else 1.0
        balanced = max(candidates, key=lambda t: (1 - sum(rates(good, defect, t, t)[:2]), -t))
        lowest_defect = defect[0]
        return [
            make("current", config.image_threshold, current_review),
            make("far_target", far_image, min(far_image, lowest_defect)),
            make("balanced", balanced, min(balanced, lowest_defect)),
            make("no_miss", max(far_image, lowest_defect), lowest_defect),
        ]

    def apply(self, product_code: str, proposal: ThresholdProposal, user: UserInfo) -> int:
        """Saves the proposal's thresholds; returns the audit entry's id."""
        if not user.is_active or not user.has_role(*APPLY_ROLES):
            raise AuthenticationError(f"{user.username} may not change thresholds (technician or admin only)")
        by_user = user.user_id
        product = self._catalog.get_product(product_code)
        config = self._catalog.get_model_config(product.product_id)
        old = {"image_threshold": config.image_threshold, "review_threshold": config.review_threshold}
        self._catalog.save_model_config(replace(config, image_threshold=proposal.image_threshold,
                                                review_threshold=proposal.review_threshold))
        return self._audit.record("model_configs", "UPDATE", by_user, old, {
            "product_code": product_code, "image_threshold": proposal.image_threshold,
            "review_threshold": proposal.review_threshold, "source": "history", "proposal": proposal.name,
            "false_alarm_rate": proposal.false_alarm_rate, "miss_rate": proposal.miss_rate,
            "n_good": proposal.n_good, "n_defect": proposal.n_defect})
