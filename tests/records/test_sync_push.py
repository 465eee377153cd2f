"""Push and pull against a real PostgreSQL: ids are translated, a batch sent twice changes nothing,
updates of mutable columns arrive, records of unknown users wait with a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from station.adapters.db.engine import make_engine
from tests.support.sync import central_counts, make_station, prepare_central, record


@pytest.fixture
def central(pg_empty_url: str) -> str:
    return prepare_central(pg_empty_url)


def test_pull_then_push_translates_ids_and_is_idempotent(central: str, tmp_path: Path) -> None:
    st = make_station(tmp_path, "ST01", central)
    # A local-only product made before the first pull shifts local ids away from the centre's.
    with st.db.session() as s:
        s.execute(text("INSERT INTO products (product_code, product_name) VALUES ('local1', 'L')"))
    report = st.service.run_once(pull=True)
    assert report.error is None and report.pulled["products"] == 1 and report.pulled["users"] == 3
    codes = record(st, 5)
    report = st.service.run_once()
    assert report.error is None, report.error
    assert report.pushed_rows == {"images": 5, "image_metadata": 5, "inspections": 5, "inspection_results": 5}
    assert central_counts(central)["inspections"] == 5
    status = st.service.status()
    assert status.pending_rows == {} and status.last_success and status.last_error is None

    engine = make_engine(central)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT i.inspection_code, p.product_code, u.username, ti.file_name, r.defect_detected, d.defect_code, "
            "m.exif_data FROM inspections i JOIN products p ON p.product_id = i.product_id "
            "JOIN users u ON u.user_id = i.inspector_id JOIN images ti ON ti.image_id = i.test_image_id "
            "JOIN image_metadata m ON m.image_id = ti.image_id "
            "JOIN inspection_results r ON r.inspection_id = i.inspection_id "
            "LEFT JOIN defect_types d ON d.defect_type_id = r.defect_type_id ORDER BY i.inspection_code")).all()
        audit_before = conn.execute(text("SELECT count(*) FROM audit_logs")).scalar()
    assert [r.inspection_code for r in rows] == sorted(codes)
    assert {r.product_code for r in rows} == {"p1"} and {r.username for r in rows} == {"kim_worker"}
    assert [r.defect_code for r in rows] == ["crack", None, None, "crack", None]
    assert rows[4].exif_data == {"i": 4} and rows[0].file_name == "img0.png"

    # The station died after the centre committed but before it forgot the batch: all queued again.
    with st.db.session() as s:
        for table, pk in (("images", "image_id"), ("inspections", "inspection_id"),
                          ("inspection_results", "result_id"), ("image_metadata", "metadata_id")):
            s.execute(text(f"INSERT INTO sync_outbox (table_name, row_id) SELECT '{table}', {pk} FROM {table}"))
    report = st.service.run_once()
    assert report.error is None and report.pushed_entries == 20 and report.pushed_rows == {}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_logs")).scalar() == audit_before  # no-op, no noise
    assert central_counts(central)["inspections"] == 5

    # A later change of a mutable column (the LLM guide) is pushed as an update of the same row.
    with st.db.session() as s:
        s.execute(text("UPDATE inspection_results SET guide_generated = TRUE, guide_content = '조치: 연마' "
                       "WHERE result_id = 1"))
    assert st.service.run_once().pushed_rows == {"inspection_results": 1}
    with engine.connect() as conn:
        guide = conn.execute(text(
            "SELECT r.guide_content FROM inspection_results r JOIN inspections i USING (inspection_id) "
            "WHERE i.inspection_code = :c"), {"c": codes[0]}).scalar()
    assert guide == "조치: 연마"
    engine.dispose()


def test_records_of_an_account_unknown_at_the_centre_wait_with_a_clear_error(central: str, tmp_path: Path) -> None:
    st = make_station(tmp_path, "ST02", central)
    st.service.run_once(pull=True)
    from station.adapters.db.users_repo import SqlUserRepository
    from station.domain.enums import Role

    SqlUserRepository(st.db).create_user("choi_local", "choi@example.com", "h", None, (Role.WORKER,))
    record(st, 2, worker="choi_local")
    report = st.service.run_once()
    assert "user 'choi_local'" in report.error and "not known at the centre" in report.error
    status = st.service.status()
    assert status.pending_rows["inspections"] == 2 and status.last_error == report.error
    assert status.consecutive_failures == 1 and central_counts(central)["inspections"] == 0

    engine = make_engine(central)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (username, email, password_hash) VALUES ('choi_local', "
                          "'choi@example.com', 'h')"))
    engine.dispose()
    report = st.service.run_once()
    assert report.error is None and central_counts(central)["inspections"] == 2
    assert st.service.status().last_error is None and st.service.status().pending == 2  # files: no store yet


def test_station_ids_must_be_unique_or_the_centre_refuses(central: str, tmp_path: Path) -> None:
    a = make_station(tmp_path / "a", "DUP", central)
    b = make_station(tmp_path / "b", "DUP", central)
    for st in (a, b):
        st.service.run_once(pull=True)
        record(st, 1)
    assert a.service.run_once().error is None
    error = b.service.run_once().error
    assert error and "inspection_code" in error  # never silently merged into the other station's record
    assert central_counts(central)["inspections"] == 1


def test_awkward_values_survive_the_trip(central: str, tmp_path: Path) -> None:
    st = make_station(tmp_path, "ST05", central)
    st.service.run_once(pull=True)
    record(st, 1)
    awkward = "줄1\n\t탭 \\N 역슬래시 \\ 끝\r"
    with st.db.session() as s:
        s.execute(text("UPDATE inspection_results SET guide_content = :g, guide_generated = TRUE"), {"g": awkward})
        s.execute(text("UPDATE image_metadata SET embedding_vector = :b, quality_score = 0.5, "
                       "exif_data = :j"), {"b": b"\x00\x01\\\xff\t", "j": '{"note": "a\\tb", "n": null}'})
    assert st.service.run_once().error is None
    engine = make_engine(central)
    with engine.connect() as conn:
        guide, generated = conn.execute(text("SELECT guide_content, guide_generated FROM inspection_results")).one()
        blob, exif = conn.execute(text("SELECT embedding_vector, exif_data FROM image_metadata")).one()
    engine.dispose()
    assert guide == awkward and generated is True
    assert bytes(blob) == b"\x00\x01\\\xff\t" and exif == {"note": "a\tb", "n": None}
