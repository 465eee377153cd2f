"""The supervisor's review of one inspection on a real SQLite store and local-folder object store: the
recorded result, regions, serial, saved guide, verdict history with who overrode it and when, the
corrective actions with who logged them, and the pictures, also from an S3 endpoint (a missing, damaged or
unreachable one does not fail the review)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import cv2
import numpy as np
import pytest

from station.app.records import build_review
from station.app.station import Station, build_station
from station.domain.errors import NotFoundError
from station.resources import resources_dir
from station.services.admin import import_defect_mapping
from tests.support.review import GUIDE, REGION, damage, record_reviewed_part, remove

# Two days before the run, at 08:15 (stored times are naive UTC): any day the tests run on.
WHEN = (datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=2)).replace(hour=8, minute=15, second=0,
                                                                                  microsecond=0)


@pytest.fixture
def ctx() -> Iterator[Station]:
    station = build_station()
    import_defect_mapping(station.catalog, resources_dir() / "demo" / "demo_product.json")
    station.users.add_user("worker1", "w1@example.com", "Secret-pass-1", ["worker"])
    station.users.add_user("boss1", "b1@example.com", "Secret-pass-1", ["manager"])
    yield station
    station.close()


def _user(ctx: Station, name: str):  # type: ignore[no-untyped-def]
    return next(u for u in ctx.users.list_users() if u.username == name)


def test_review_has_the_record_its_history_and_its_pictures(ctx: Station) -> None:
    worker, boss = _user(ctx, "worker1"), _user(ctx, "boss1")
    part = record_reviewed_part(ctx, inspected_at=WHEN, inspector_id=worker.user_id)
    ctx.overrides.override(part.inspection_code, "false_alarm", worker, notes="casting mark, not a pore")
    ctx.actions.log_action(part.inspection_id, "Checked the mould vent", "pending", by_user=boss.user_id,
                           notes="watch next parts", when=WHEN + timedelta(minutes=45))
    ctx.actions.log_action(part.inspection_id, "Cleaned the mould vent", "resolved", by_user=boss.user_id,
                           when=WHEN + timedelta(minutes=105))
    service = build_review(ctx.db, ctx.storage)

    review = service.review(part.inspection_id)
    assert (review.inspection_code, review.verdict, review.inspector) == (part.inspection_code, "FAIL", "worker1")
    assert (review.defect_code, review.defect_name_ko, review.defect_name_en) == ("hole", "기공", "hole")
    assert (review.anomaly_score, review.image_threshold, review.similarity_score) == (0.91, 0.6, 0.87)
    assert review.serial == "SN-0042" and review.guide_text == GUIDE
    [region] = review.regions
    assert (region.x, region.y, region.width, region.height) == tuple(float(v) for v in REGION.bbox)
    assert region.location == "top-right" and region.max_score == pytest.approx(0.93)
    [change] = review.overrides
    assert (change.kind, change.corrected_label, change.by) == ("false_alarm", "normal", "worker1")
    assert change.at is not None and change.notes == "casting mark, not a pore"
    assert review.current_label == "normal"
    assert [(a.action_taken, a.action_result, a.by) for a in review.actions] == [
        ("Checked the mould vent", "pending", "boss1"), ("Cleaned the mould vent", "resolved", "boss1")]

    images = service.images(review)
    assert images.test.data == ctx.storage.get_bytes(part.test_key) and images.test.problem is None
    heat = cv2.imdecode(np.frombuffer(images.heatmap.data, np.uint8), cv2.IMREAD_COLOR)
    assert heat is not None and heat.shape[:2] == (160, 160)
    assert images.reference.key == part.reference_key and images.reference.data


def test_a_missing_picture_is_named_and_the_rest_still_loads(ctx: Station) -> None:
    part = record_reviewed_part(ctx, inspected_at=WHEN, with_guide=False)
    remove(ctx, part.test_key)
    service = build_review(ctx.db, ctx.storage)
    review = service.review(part.inspection_id)
    images = service.images(review)
    assert images.test.data is None and images.test.problem == "missing"
    assert images.heatmap.data and images.reference.data  # the others still come
    assert review.guide_text is None and review.overrides == () and review.actions == ()


def test_damaged_bytes_still_come_back_for_the_screen_to_judge(ctx: Station) -> None:
    part = record_reviewed_part(ctx, inspected_at=WHEN)
    damage(ctx, part.reference_key)
    images = build_review(ctx.db, ctx.storage).images(build_review(ctx.db, ctx.storage).review(part.inspection_id))
    assert images.reference.data == b"this is not a picture" and images.test.problem is None


def test_an_unknown_inspection_is_one_clear_error(ctx: Station) -> None:
    with pytest.raises(NotFoundError, match="no inspection 999"):
        build_review(ctx.db, ctx.storage).review(999)
    assert build_review(ctx.db, ctx.storage).image(None).problem == "none"


def test_pictures_come_from_an_s3_store_and_a_lost_or_unreachable_one_is_named(ctx: Station) -> None:
    from tests.support.s3 import LoopbackS3

    part = record_reviewed_part(ctx, inspected_at=WHEN)
    server = LoopbackS3()
    server.start()
    try:
        store = server.store()
        store.ensure_bucket()
        for key in (part.test_key, part.heatmap_key, part.reference_key):
            store.upload(key, ctx.storage.local_path(key))
        service = build_review(ctx.db, store)
        review = service.review(part.inspection_id)
        images = service.images(review)
        assert images.test.data == ctx.storage.get_bytes(part.test_key)
        assert images.heatmap.data and images.reference.data
        store._client.delete_object(Bucket=store.bucket, Key=part.test_key)
        images = service.images(review)
        assert images.test.problem == "missing" and images.reference.data
    finally:
        server.stop()
    gone = service.images(review)  # nothing listens any more: one reason per picture, no exception
    assert {gone.test.problem, gone.heatmap.problem, gone.reference.problem} == {"unavailable"}
    assert "unavailable" in (gone.test.detail or "")
