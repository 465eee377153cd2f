"""A recorded inspection with real pictures for the review tests: a rendered cast part with a defect stored
as the test image, the colour heatmap of an anomaly map over the defect, a good library image of the
product as the nearest reference, one detected region and a saved guide, through the station's own
recorder, object store and guide store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import cv2
import numpy as np

from station.adapters.db.manuals_repo import SqlManualRepository
from station.domain.engine import Region
from station.domain.inspection import InspectionRecord, TestImage
from station.pipeline.images import artifacts
from station.pipeline.synthetic.parts import render_part
from station.services.engine.references import add_demo_images

SIZE = 160
GUIDE = "1. Stop the line.\n2. Grind the pore on the flange and re-inspect."
REGION = Region(bbox=(60, 40, 30, 24), area_px=720, area_pct=2.81, centroid=(75.0, 52.0), location="top-right",
                max_score=0.93, mean_score=0.71)


@dataclass(frozen=True)
class Recorded:
    inspection_id: int
    inspection_code: str
    result_id: int
    test_key: str
    heatmap_key: str
    reference_key: str


def _png(image: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".png", image)
    assert ok
    return data.tobytes()


def record_reviewed_part(ctx, *, inspected_at: datetime, inspector_id: int | None = None,  # type: ignore[no-untyped-def]
                         defect_code: str = "hole", with_guide: bool = True) -> Recorded:
    """Records one FAIL of ``demo-cast`` with its pictures in ``ctx.storage`` (see the module docstring)."""
    product = ctx.catalog.get_product("demo-cast")
    if not ctx.catalog.list_images(product.product_id, "normal"):
        add_demo_images(ctx.catalog, ctx.storage, "demo-cast", n_good=1, n_per_defect=0, size=SIZE)
    reference = ctx.catalog.list_images(product.product_id, "normal")[0]
    part = render_part(4242, SIZE, defect_code).image
    anomaly = np.zeros(part.shape[:2], np.float32)
    x, y, w, h = REGION.bbox
    anomaly[y:y + h, x:x + w] = 0.93
    anomaly = cv2.GaussianBlur(anomaly, (0, 0), 6)
    anomaly /= anomaly.max()
    test_key = ctx.storage.put_bytes(_png(part), kind="test_images", suffix=".png")
    heatmap_key = ctx.storage.put_bytes(_png(artifacts.heatmap(anomaly)), kind="heatmaps", suffix=".png")
    defect = product.defect_by_code(defect_code)
    recorded = ctx.recorder.record(InspectionRecord(
        product_id=product.product_id,
        image=TestImage(file_name="part.png", file_path=test_key, file_size=1, width=SIZE, height=SIZE,
                        format="png", exif_data={"serial": "SN-0042"}),
        defect_detected=True, anomaly_score=0.91, inspector_id=inspector_id,
        reference_image_id=reference.image_id, defect_type_id=defect.defect_type_id, confidence_score=0.8,
        similarity_score=0.87, heatmap_path=heatmap_key, detected_regions=[REGION.to_json()],
        inspected_at=inspected_at, verdict="FAIL", image_threshold=0.6, pixel_threshold=0.5,
        review_threshold=0.4))
    if with_guide:
        SqlManualRepository(ctx.db).save_guide(recorded.result_id, GUIDE, None)
    return Recorded(recorded.inspection_id, recorded.inspection_code, recorded.result_id, test_key, heatmap_key,
                    reference.file_path)


def damage(ctx, key: str) -> None:  # type: ignore[no-untyped-def]
    """Overwrites the stored object ``key`` of a local-folder store with bytes that are not an image."""
    path = ctx.storage.local_path(key)
    assert path is not None, "a local-folder store"
    path.write_bytes(b"this is not a picture")


def remove(ctx, key: str) -> None:  # type: ignore[no-untyped-def]
    path = ctx.storage.local_path(key)
    assert path is not None, "a local-folder store"
    path.unlink()
