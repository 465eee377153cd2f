"""The supervisor's review of one inspection on the station's store: its latest result with the object keys
of the recorded image, heatmap and nearest good reference, the serial read from the part, the saved guide,
the verdict overrides and the corrective actions, each with the name of who made it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import aliased

from station.adapters.db.database import Database
from station.adapters.db.overrides_repo import SqlOverrideRepository
from station.adapters.db.models import (
    ActionLog,
    DefectType,
    Image,
    ImageMetadata,
    Inspection,
    InspectionResult,
    Product,
    User,
)
from station.domain.review import ActionRecord, InspectionReview, ReviewRegion, VerdictChange


def _verdict(result: InspectionResult | None) -> str:
    if result is None:
        return "PASS"
    return result.verdict or ("FAIL" if result.defect_detected else "PASS")


class SqlReviewReader:
    def __init__(self, db: Database) -> None:
        self._db = db

    def review(self, inspection_id: int) -> InspectionReview | None:
        test_image, reference = aliased(Image), aliased(Image)
        with self._db.session() as session:
            row = session.execute(
                select(Inspection, Product, test_image, reference, User.username)
                .join(Product, Product.product_id == Inspection.product_id)
                .outerjoin(test_image, test_image.image_id == Inspection.test_image_id)
                .outerjoin(reference, reference.image_id == Inspection.reference_image_id)
                .outerjoin(User, User.user_id == Inspection.inspector_id)
                .where(Inspection.inspection_id == inspection_id)).first()
            if row is None:
                return None
            inspection, product, image, ref, inspector = row
            result = session.scalars(
                select(InspectionResult).where(InspectionResult.inspection_id == inspection_id)
                .order_by(InspectionResult.result_id.desc()).limit(1)).first()
            defect = None
            if result is not None and result.defect_type_id is not None:
                defect = session.get(DefectType, result.defect_type_id)
            serial = None
            if image is not None:
                exif = session.scalar(select(ImageMetadata.exif_data).where(ImageMetadata.image_id == image.image_id)
                                      .order_by(ImageMetadata.metadata_id).limit(1))
                serial = exif.get("serial") if isinstance(exif, dict) else None
            overrides = SqlOverrideRepository(self._db).for_inspection(inspection_id)
            type_ids = {o.defect_type_id for o in overrides if o.defect_type_id is not None}
            types = {d.defect_type_id: d for d in session.scalars(
                select(DefectType).where(DefectType.defect_type_id.in_(type_ids)))} if type_ids else {}
            actions = session.execute(
                select(ActionLog, User.username)
                .outerjoin(User, User.user_id == ActionLog.action_by)
                .where(ActionLog.inspection_id == inspection_id)
                .order_by(ActionLog.action_date, ActionLog.action_id)).all()
            stored_regions = result.detected_regions if result is not None else None
            regions = [ReviewRegion.from_json(item) for item in (stored_regions or [])
                       ] if isinstance(stored_regions, list) else []
            return InspectionReview(
                inspection_id=inspection.inspection_id, inspection_code=inspection.inspection_code,
                inspection_date=inspection.inspection_date, product_code=product.product_code,
                product_name=product.product_name, inspector=inspector, verdict=_verdict(result),
                anomaly_score=None if result is None else result.anomaly_score,
                confidence_score=None if result is None else result.confidence_score,
                similarity_score=None if result is None else result.similarity_score,
                image_threshold=None if result is None else result.image_threshold,
                pixel_threshold=None if result is None else result.pixel_threshold,
                review_threshold=None if result is None else result.review_threshold,
                defect_code=None if defect is None else defect.defect_code,
                defect_name_ko=None if defect is None else defect.defect_name_ko,
                defect_name_en=None if defect is None else defect.defect_name_en,
                test_image_key=(image.file_path or None) if image is not None else None,
                test_image_name=None if image is None else image.file_name,
                heatmap_key=None if result is None else result.heatmap_path or None,
                reference_image_key=(ref.file_path or None) if ref is not None else None,
                reference_image_name=None if ref is None else ref.file_name,
                serial=serial if isinstance(serial, str) else None,
                guide_text=None if result is None else result.guide_content or None,
                regions=tuple(r for r in regions if r is not None),
                overrides=tuple(VerdictChange(
                    kind=o.kind, corrected_label=o.corrected_label, by=o.by_username, at=o.at, notes=o.notes,
                    defect_code=o.defect_code, defect_name_ko=None if d is None else d.defect_name_ko,
                    defect_name_en=None if d is None else d.defect_name_en)
                    for o in overrides for d in (types.get(o.defect_type_id or -1),)),
                actions=tuple(ActionRecord(a.action_taken, a.action_result, name, a.action_date, a.notes)
                              for a, name in actions),
            )
