"""Verdict overrides at the bench: a worker or supervisor says the station was wrong about a part.

The override is stored with who and when, audited, and pushed to the centre; the part's recorded test
image joins the product's image library as a labelled sample (``normal`` for a false alarm, ``defect`` of
the given type otherwise), so the next bank build and the calibration use it. Nothing is copied: the
library image refers to the same content-addressed object as the inspection.

The latest override decides what the part is from then on (its effective verdict, in the queues, counts and
reports); an override corrects that current verdict, so a second override may undo or change the first.
:meth:`OverrideService.status` gives the station's verdict, the effective one and every override with who
made it and when.
"""

from __future__ import annotations

from station.domain.enums import ImageType
from station.domain.errors import AuthenticationError, ValidationError
from station.domain.overrides import (
    OVERRIDE_ROLES,
    NewOverride,
    OverrideEntry,
    OverrideKind,
    OverrideStatus,
    corrected_label,
)
from station.domain.users import UserInfo
from station.services.records.ports import OverrideRepository
from station.services.shared.ports import CatalogReader


class OverrideService:
    def __init__(self, repo: OverrideRepository, catalog: CatalogReader) -> None:
        self._repo = repo
        self._catalog = catalog

    def override(self, inspection_code: str, kind: OverrideKind | str, user: UserInfo, *,
                 defect_code: str | None = None, notes: str | None = None) -> OverrideEntry:
        """Records the override (see the module docstring); one clear error when it cannot apply."""
        if not user.is_active or not user.has_role(*OVERRIDE_ROLES):
            raise AuthenticationError(f"{user.username} may not override verdicts (worker or supervisor only)")
        try:
            kind = OverrideKind(kind)
        except ValueError:
            raise ValidationError(f"override must be one of {', '.join(k.value for k in OverrideKind)}") from None
        facts = self._repo.facts(inspection_code)
        label = corrected_label(kind, facts.current_verdict, defect_code, facts.current_defect_code)
        defect_type_id = None
        if label == "defect" and defect_code:
            product = self._catalog.get_product(facts.product_code)
            defect = product.defect_by_code(defect_code)
            if defect is None:
                raise ValidationError(f"{facts.product_code} has no defect type {defect_code!r}")
            defect_type_id = defect.defect_type_id
        if notes is not None and len(notes) > 2000:
            raise ValidationError("notes are limited to 2000 characters")
        sample = None
        if facts.test_image_key:
            sample = {"product_id": facts.product_id,
                      "image_type": ImageType.NORMAL.value if label == "normal" else ImageType.DEFECT.value,
                      "defect_type_id": defect_type_id, "file_path": facts.test_image_key,
                      "view_code": facts.test_image_view,
                      "file_name": f"override-{facts.inspection_code}-{facts.test_image_name or 'image'}"[:255]}
        new = NewOverride(facts.inspection_id, kind, facts.current_verdict, label, defect_type_id, facts.anomaly_score,
                          user.user_id, notes)
        audit = {"inspection_code": facts.inspection_code, "override": kind.value, "label": label,
                 "defect_code": defect_code, "by": user.username}
        return self._repo.add(new, sample, audit)

    def history(self, inspection_code: str) -> list[OverrideEntry]:
        """The inspection's overrides, oldest first, with who made them and when."""
        return self._repo.for_inspection(self._repo.facts(inspection_code).inspection_id)

    def status(self, inspection_code: str) -> OverrideStatus:
        """The station's verdict, the effective one (the latest override's) and every override."""
        facts = self._repo.facts(inspection_code)
        return OverrideStatus(facts.inspection_code, facts.verdict, facts.defect_code,
                              tuple(self._repo.for_inspection(facts.inspection_id)))
