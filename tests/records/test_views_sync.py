"""A part seen by several views, recorded on a station and synced to a real PostgreSQL centre: one inspection,
one result (the worst view's) holding every view's result; the dashboards count the part once, as its verdict;
the views' artifact files go up with the row; a view's configuration travels both ways with its view code."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import text

from station.adapters.db.catalog_repo import SqlCatalogRepository
from station.adapters.db.engine import make_engine
from station.adapters.sync.local_store import LocalSyncStore
from station.adapters.sync.tables import PUSHED_BY_NAME
from station.domain.catalog import ModelConfigInfo
from station.domain.inspection import InspectionRecord
from station.domain.inspection import TestImage as StoredImage
from station.domain.views import ViewResult
from tests.support.sync import make_station, prepare_central

PROVENANCE = {"backbone": "mobilenet_v2", "bank_sha256": "ab" * 32, "model_config_id": None,
              "manual_id": None, "manual_version": None, "guide_model": None}


def _views(defect_type_id: int) -> list[dict]:  # type: ignore[type-arg]
    top = ViewResult(view="top", verdict="UNCERTAIN", anomaly_score=0.78, regions_count=0, skew_ms=0.0,
                     image_threshold=0.85, pixel_threshold=0.9, review_threshold=0.7,
                     artifacts={"test_image": "test_images/aa/top.png", "heatmap": "heatmaps/aa/top.png"},
                     provenance=PROVENANCE)
    region = {"bbox": {"x": 10, "y": 12, "w": 8, "h": 9}, "area_px": 60}
    side = ViewResult(view="side", verdict="FAIL", anomaly_score=0.93, defect_type="hole",
                      defect_type_id=defect_type_id, regions_count=1, skew_ms=4.5, regions=[region],
                      image_threshold=0.85, pixel_threshold=0.9, review_threshold=0.7,
                      artifacts={"test_image": "test_images/bb/side.png", "heatmap": "heatmaps/bb/side.png"},
                      provenance=PROVENANCE)
    return [top.to_json(), side.to_json()]


def test_a_part_of_two_views_is_one_inspection_at_the_centre(pg_empty_url: str, tmp_path: Path) -> None:
    central = prepare_central(pg_empty_url)
    st = make_station(tmp_path, "ST41", central)
    assert st.service.run_once(pull=True).error is None
    pid, users, defects = st.ids()
    views = _views(defects["hole"])
    recorded = st.recorder.record(InspectionRecord(
        product_id=pid, inspector_id=users["kim_worker"],
        image=StoredImage(file_name="part-side.png", file_path="test_images/bb/side.png"),
        defect_detected=True, anomaly_score=0.93, defect_type_id=defects["hole"], verdict="FAIL",
        image_threshold=0.85, pixel_threshold=0.9, review_threshold=0.7, provenance=PROVENANCE,
        heatmap_path="heatmaps/bb/side.png", detected_regions=views[1]["regions"],
        inspected_at=datetime.now(timezone.utc).replace(tzinfo=None), view_code="side", view_results=views))

    # every view's artifact files are uploaded with the row, not only the deciding view's path columns
    spec = PUSHED_BY_NAME["inspection_results"]
    row = LocalSyncStore(st.db).read_rows(spec, {recorded.result_id})[0]
    assert spec.object_keys_in(row) == {"heatmaps/bb/side.png", "test_images/aa/top.png", "heatmaps/aa/top.png",
                                        "test_images/bb/side.png"}

    report = st.service.run_once()
    assert report.error is None, report.error
    engine = make_engine(central)
    with engine.connect() as conn:
        results = conn.execute(text(
            "SELECT r.verdict, r.view_code, r.view_results, r.defect_detected FROM inspection_results r "
            "JOIN inspections i USING (inspection_id) WHERE i.inspection_code = :c"),
            {"c": recorded.inspection_code}).all()
        assert len(results) == 1  # one part, one result
        verdict, view_code, stored, defect = results[0]
        assert (verdict, view_code, defect) == ("FAIL", "side", True)
        assert [ViewResult.from_json(v) for v in stored] == [ViewResult.from_json(v) for v in views]
        per_view = conn.execute(text(
            "SELECT v->>'view', v->>'verdict', (v->>'skew_ms')::float FROM inspection_results r, "
            "jsonb_array_elements(r.view_results) v ORDER BY v->>'view'")).all()
        assert [tuple(r) for r in per_view] == [("side", "FAIL", 4.5), ("top", "UNCERTAIN", 0.0)]
        # the dashboard counts the part once, as its verdict: a defect, not also a part awaiting review
        stats = conn.execute(text(
            "SELECT total_inspection_count, defect_detected_count, uncertain_count, pending_review_count "
            "FROM dashboard_stats d JOIN products p USING (product_id) WHERE p.product_code = 'p1'")).one()
        assert tuple(stats) == (1, 1, 0, 0)
        recent = conn.execute(text("SELECT verdict, action_status FROM recent_inspections "
                                   "WHERE inspection_code = :c"), {"c": recorded.inspection_code}).one()
        assert tuple(recent) == ("FAIL", "미조치")
    engine.dispose()


def test_a_views_configuration_travels_with_its_view_code(pg_empty_url: str, tmp_path: Path) -> None:
    central = prepare_central(pg_empty_url)
    first = make_station(tmp_path / "a", "ST42", central)
    (tmp_path / "b").mkdir()
    assert first.service.run_once(pull=True).error is None
    pid, _, _ = first.ids()
    catalog = SqlCatalogRepository(first.db)
    catalog.save_model_config(ModelConfigInfo(config_id=None, product_id=pid, image_threshold=0.8,
                                              preprocessing={"camera": "2", "roi": [0, 0, 64, 64]},
                                              view_code="side"))
    assert first.service.run_once(pull=False).error is None
    engine = make_engine(central)
    with engine.connect() as conn:
        assert tuple(conn.execute(text("SELECT view_code, image_threshold FROM model_configs")).one()) == \
            ("side", 0.8)
    engine.dispose()
    second = make_station(tmp_path / "b", "ST43", central)
    assert second.service.run_once(pull=True).error is None
    pid2, _, _ = second.ids()
    pulled = SqlCatalogRepository(second.db)
    [view] = pulled.list_views(pid2)
    assert (view.view_code, view.image_threshold, view.camera_source) == ("side", 0.8, "2")
    assert pulled.get_model_config(pid2).config_id is None  # the product's own configuration is not the view's


def test_a_centre_a_revision_behind_takes_parts_of_one_view_and_refuses_views(pg_empty_url: str,
                                                                             tmp_path: Path) -> None:
    from station.adapters.db import migrate

    central = prepare_central(pg_empty_url)
    engine = make_engine(central)
    migrate.downgrade(engine, "0013")  # the centre before views
    st = make_station(tmp_path, "ST44", central)
    assert st.service.run_once(pull=True).error is None
    pid, users, defects = st.ids()

    def part(**views) -> InspectionRecord:  # type: ignore[no-untyped-def]
        return InspectionRecord(
            product_id=pid, inspector_id=users["kim_worker"],
            image=StoredImage(file_name="p.png", file_path="test_images/cc/p.png"), defect_detected=False,
            anomaly_score=0.2, verdict="PASS", image_threshold=0.85, pixel_threshold=0.9, review_threshold=0.7,
            provenance=PROVENANCE, inspected_at=datetime.now(timezone.utc).replace(tzinfo=None), **views)

    plain = st.recorder.record(part())
    assert st.service.run_once().error is None  # a part of one view: the new columns are empty, not needed
    viewed = st.recorder.record(part(view_code="side", view_results=_views(defects["hole"])))
    error = st.service.run_once().error
    assert error is not None and "the centre has no column" in error and "station db upgrade" in error
    migrate.upgrade(engine)
    assert st.service.run_once().error is None  # nothing was lost: it goes up once the centre is upgraded
    with engine.connect() as conn:
        rows = dict(conn.execute(text(
            "SELECT i.inspection_code, r.view_code FROM inspection_results r JOIN inspections i USING "
            "(inspection_id)")).all())
    engine.dispose()
    assert rows == {plain.inspection_code: None, viewed.inspection_code: "side"}
