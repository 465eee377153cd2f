"""Verdict overrides on the station's store: the override, the part as a labelled library image and the
audit row in one transaction (all three reach the centre through the outbox)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from station.adapters.db.database import Database
from station.adapters.db.models import (
    ActionLog,
    AuditLog,
    DefectType,
    Image,
    Inspection,
    InspectionResult,
    Product,
    User,
    VerdictOverride,
)
from station.domain.errors import NotFoundError
from station.domain.overrides import InspectionFacts, NewOverride, OverrideEntry, verdict_of_label

# The verdict column arrives with migration 0007; before it, the verdict is read from defect_detected.
_VERDICT = getattr(InspectionResult, "verdict", None)


def _entry(row: VerdictOverride, username: str | None = None, defect_code: str | None = None) -> OverrideEntry:
    return OverrideEntry(row.override_id, row.inspection_id, row.override_kind, row.original_verdict,
                         row.corrected_label, row.defect_type_id, row.library_image_id, row.anomaly_score,
                         row.overridden_by, row.overridden_at, row.notes, username, defect_code)


# The latest override of an inspection decides (db/README.md "Verdict overrides"): newest time, then id.
_LATEST_FIRST = (VerdictOverride.overridden_at.desc(), VerdictOverride.override_id.desc())


def verdict_of(result: InspectionResult) -> str:
    stored = getattr(result, "verdict", None)
    return stored or ("FAIL" if result.defect_detected else "PASS")


class SqlOverrideRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def facts(self, inspection_code: str) -> InspectionFacts:
        with self._db.session() as session:
            row = session.execute(
                select(Inspection, InspectionResult, Product, Image, DefectType)
                .join(InspectionResult, InspectionResult.inspection_id == Inspection.inspection_id)
                .join(Product, Product.product_id == Inspection.product_id)
                .outerjoin(Image, Image.image_id == Inspection.test_image_id)
                .outerjoin(DefectType, DefectType.defect_type_id == InspectionResult.defect_type_id)
                .where(Inspection.inspection_code == inspection_code)).first()
            if row is None:
                raise NotFoundError(f"no inspection {inspection_code} on this station")
            inspection, result, product, image, defect = row
            latest = session.execute(
                select(VerdictOverride.corrected_label, DefectType.defect_code)
                .outerjoin(DefectType, DefectType.defect_type_id == VerdictOverride.defect_type_id)
                .where(VerdictOverride.inspection_id == inspection.inspection_id)
                .order_by(*_LATEST_FIRST).limit(1)).first()
            station_code = None if defect is None else defect.defect_code
            effective_verdict = effective_code = None
            if latest is not None:
                effective_verdict = verdict_of_label(latest.corrected_label)
                effective_code = None if latest.corrected_label == "normal" else (latest.defect_code or station_code)
            return InspectionFacts(
                inspection.inspection_id, inspection.inspection_code, product.product_id, product.product_code,
                verdict_of(result), result.anomaly_score, station_code,
                None if image is None else image.file_path, None if image is None else image.file_name,
                effective_verdict, effective_code, None if image is None else image.view_code)

    def add(self, new: NewOverride, sample: dict[str, Any] | None, audit: dict[str, Any]) -> OverrideEntry:
        """``sample``: the Image columns of the labelled library copy (same object key), or None."""
        with self._db.session(user_id=new.by_user) as session:
            image_id = None
            if sample is not None:
                image = Image(uploaded_by=new.by_user, **sample)
                session.add(image)
                session.flush()
                image_id = image.image_id
            row = VerdictOverride(
                inspection_id=new.inspection_id, override_kind=new.kind.value, original_verdict=new.original_verdict,
                corrected_label=new.corrected_label, defect_type_id=new.defect_type_id, library_image_id=image_id,
                anomaly_score=new.anomaly_score, overridden_by=new.by_user, notes=new.notes)
            session.add(row)
            session.flush()
            session.add(AuditLog(table_name="verdict_overrides", operation="INSERT", user_id=new.by_user,
                                 old_data={"verdict": new.original_verdict},
                                 new_data={**audit, "override_id": row.override_id, "library_image_id": image_id}))
            session.flush()
            session.refresh(row)
            user = None if new.by_user is None else session.get(User, new.by_user)
            defect = None if new.defect_type_id is None else session.get(DefectType, new.defect_type_id)
            return _entry(row, None if user is None else user.username, None if defect is None else defect.defect_code)

    def for_inspection(self, inspection_id: int) -> list[OverrideEntry]:
        """The inspection's overrides, oldest first (the last one decides), with who made them."""
        with self._db.session() as session:
            rows = session.execute(
                select(VerdictOverride, User.username, DefectType.defect_code)
                .outerjoin(User, User.user_id == VerdictOverride.overridden_by)
                .outerjoin(DefectType, DefectType.defect_type_id == VerdictOverride.defect_type_id)
                .where(VerdictOverride.inspection_id == inspection_id)
                .order_by(*(c.asc() for c in (VerdictOverride.overridden_at, VerdictOverride.override_id))))
            return [_entry(r, username, code) for r, username, code in rows]

    def labelled_scores(self, product_id: int) -> list[tuple[float, str]]:
        """(anomaly score, true label) of the product's labelled inspections: overridden ones (the latest
        override counts), and, without an override, those whose defect a resolved action confirmed."""
        with self._db.session() as session:
            rows = session.execute(
                select(VerdictOverride.inspection_id, VerdictOverride.anomaly_score, VerdictOverride.corrected_label)
                .join(Inspection, Inspection.inspection_id == VerdictOverride.inspection_id)
                .where(Inspection.product_id == product_id)
                .order_by(VerdictOverride.overridden_at, VerdictOverride.override_id)).all()
            confirmed = session.execute(
                select(Inspection.inspection_id, InspectionResult.anomaly_score)
                .join(InspectionResult, InspectionResult.inspection_id == Inspection.inspection_id)
                .join(ActionLog, ActionLog.inspection_id == Inspection.inspection_id)
                .where(Inspection.product_id == product_id, ActionLog.action_result == "resolved",
                       InspectionResult.defect_detected.is_(True)).distinct()).all()
        latest = {r.inspection_id: (r.anomaly_score, r.corrected_label) for r in rows if r.anomaly_score is not None}
        for inspection_id, score in confirmed:
            if inspection_id not in latest and score is not None:
                latest[inspection_id] = (score, "defect")
        return [(float(score), label) for score, label in latest.values()]
