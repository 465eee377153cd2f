"""Standing false alarms on the station's store: false-alarm overrides that are still the latest override of
their inspection, with the part's recorded image and view (what a model update learns from)."""

from __future__ import annotations

from sqlalchemy import func, select

from station.adapters.db.database import Database
from station.adapters.db.models import Image, Inspection, InspectionResult, Product, User, VerdictOverride
from station.domain.model_update import FalseAlarm
from station.domain.overrides import OverrideKind


class SqlFalseAlarms:
    def __init__(self, db: Database) -> None:
        self._db = db

    def standing(self, product_code: str | None = None) -> list[FalseAlarm]:
        with self._db.session() as session:
            # the latest override of each inspection: newest time, then highest id
            ranked = select(
                VerdictOverride.override_id,
                func.row_number().over(
                    partition_by=VerdictOverride.inspection_id,
                    order_by=(VerdictOverride.overridden_at.desc(), VerdictOverride.override_id.desc()),
                ).label("rank"),
            ).subquery()
            query = (
                select(VerdictOverride, Inspection.inspection_code, Product.product_code, Image.file_path,
                       Image.file_name, Image.view_code, InspectionResult.view_code, User.username)
                .join(ranked, ranked.c.override_id == VerdictOverride.override_id)
                .join(Inspection, Inspection.inspection_id == VerdictOverride.inspection_id)
                .join(Product, Product.product_id == Inspection.product_id)
                .outerjoin(Image, Image.image_id == Inspection.test_image_id)
                .outerjoin(InspectionResult, InspectionResult.inspection_id == Inspection.inspection_id)
                .outerjoin(User, User.user_id == VerdictOverride.overridden_by)
                .where(ranked.c.rank == 1, VerdictOverride.override_kind == OverrideKind.FALSE_ALARM.value)
                .order_by(VerdictOverride.overridden_at, VerdictOverride.override_id)
            )
            if product_code is not None:
                query = query.where(Product.product_code == product_code)
            return [
                FalseAlarm(row.override_id, row.inspection_id, code, product, image_view or result_view, path, name,
                           row.library_image_id, row.original_verdict, row.anomaly_score, row.overridden_at,
                           username, row.notes)
                for row, code, product, path, name, image_view, result_view, username in session.execute(query)
            ]
