"""Labelled inspections for the threshold-from-history tests: one recorded part with its score, inspected
some minutes before a moment a day before the run (naive UTC, so the tests pass on any day)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from station.domain.inspection import InspectionRecord
from station.domain.inspection import TestImage as StoredImage

LABELLED_AT = (datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=1)).replace(second=0, microsecond=0)


def record_scored(ctx, score: float, defect: bool, minutes_ago: float) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """A demo-cast inspection with ``score`` (a hole when ``defect``): its id and code."""
    product = ctx.catalog.get_product("demo-cast")
    hole = product.defect_by_code("hole") if defect else None
    rec = ctx.recorder.record(InspectionRecord(
        product_id=product.product_id, image=StoredImage(file_name="x.png", file_path=f"k{score}-{minutes_ago}"),
        defect_detected=defect, anomaly_score=score, defect_type_id=hole.defect_type_id if hole else None,
        inspected_at=LABELLED_AT - timedelta(minutes=minutes_ago)))
    return rec.inspection_id, rec.inspection_code
