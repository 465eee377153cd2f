"""dashboard_stats and recent_inspections return the right numbers on a small fixture (both dialects)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text

from station.adapters.db import migrate
from station.adapters.db.engine import make_engine

# Relative days (the views never compare with the clock): the fixture two days ago, later rows yesterday.
DAY = (date.today() - timedelta(days=2)).isoformat()
NEXT_DAY = (date.today() - timedelta(days=1)).isoformat()
FIXTURE = [
    "INSERT INTO users (username, email, password_hash) VALUES ('worker1', 'w1@example.com', 'x')",
    "INSERT INTO products (product_code, product_name) VALUES ('prod1', 'A형')",
    "INSERT INTO products (product_code, product_name) VALUES ('prod2', 'B형')",
    "INSERT INTO products (product_code, product_name, is_active) VALUES ('old1', '단종', FALSE)",
    "INSERT INTO defect_types (product_id, defect_code, defect_name_ko) VALUES (1, 'hole', '기공')",
    # prod1: 3 active normal images, 1 inactive normal, 2 defect images
    "INSERT INTO images (product_id, image_type, file_name, file_path) VALUES (1, 'normal', 'n1', 'k1')",
    "INSERT INTO images (product_id, image_type, file_name, file_path) VALUES (1, 'normal', 'n2', 'k2')",
    "INSERT INTO images (product_id, image_type, file_name, file_path) VALUES (1, 'normal', 'n3', 'k3')",
    "INSERT INTO images (product_id, image_type, file_name, file_path, is_active) VALUES (1, 'normal', 'n4', 'k4', FALSE)",
    "INSERT INTO images (product_id, image_type, defect_type_id, file_name, file_path) VALUES (1, 'defect', 1, 'd1', 'k5')",
    "INSERT INTO images (product_id, image_type, defect_type_id, file_name, file_path) VALUES (1, 'defect', 1, 'd2', 'k6')",
    # prod1 inspections: 1 ok, 2 defect resolved (two action logs), 3 defect no action,
    # 4 defect with a pending action, 5 pending status (not in recent_inspections)
    "INSERT INTO inspections (inspection_code, product_id, inspector_id, status, inspection_date) "
    f"VALUES ('I1', 1, 1, 'completed', '{DAY} 08:00:00')",
    "INSERT INTO inspections (inspection_code, product_id, inspector_id, status, inspection_date) "
    f"VALUES ('I2', 1, 1, 'completed', '{DAY} 09:00:00')",
    "INSERT INTO inspections (inspection_code, product_id, inspector_id, status, inspection_date) "
    f"VALUES ('I3', 1, 1, 'completed', '{DAY} 10:00:00')",
    "INSERT INTO inspections (inspection_code, product_id, inspector_id, status, inspection_date) "
    f"VALUES ('I4', 1, 1, 'completed', '{DAY} 11:00:00')",
    "INSERT INTO inspections (inspection_code, product_id, inspector_id, status, inspection_date) "
    f"VALUES ('I5', 1, 1, 'pending', '{DAY} 12:00:00')",
    "INSERT INTO inspection_results (inspection_id, defect_detected, confidence_score) VALUES (1, FALSE, 0.1)",
    "INSERT INTO inspection_results (inspection_id, defect_detected, defect_type_id, confidence_score) VALUES (2, TRUE, 1, 0.9)",
    "INSERT INTO inspection_results (inspection_id, defect_detected, defect_type_id, confidence_score) VALUES (3, TRUE, 1, 0.8)",
    "INSERT INTO inspection_results (inspection_id, defect_detected, defect_type_id, confidence_score) VALUES (4, TRUE, 1, 0.7)",
    "INSERT INTO action_logs (inspection_id, action_taken, action_result, action_date) "
    f"VALUES (2, '재확인', 'pending', '{DAY} 09:30:00')",
    "INSERT INTO action_logs (inspection_id, action_taken, action_result, action_date) "
    f"VALUES (2, '재가공', 'resolved', '{DAY} 09:45:00')",
    "INSERT INTO action_logs (inspection_id, action_taken, action_result) VALUES (4, '보류', 'pending')",
    # guide ratings of prod1: 5 and 3 on inspection 2 (which has two action logs), 4 on 3; one other type
    "INSERT INTO feedbacks (inspection_id, user_id, rating, feedback_type) VALUES (2, 1, 5, 'guide_quality')",
    "INSERT INTO feedbacks (inspection_id, user_id, rating, feedback_type) VALUES (2, 1, 3, 'guide_quality')",
    "INSERT INTO feedbacks (inspection_id, user_id, rating, feedback_type) VALUES (3, 1, 4, 'guide_quality')",
    "INSERT INTO feedbacks (inspection_id, user_id, rating, feedback_type) VALUES (3, 1, 1, 'detection_accuracy')",
]


@pytest.fixture(params=["postgresql", "sqlite"])
def conn(request, sqlite_url):  # type: ignore[no-untyped-def]
    url = request.getfixturevalue("pg_empty_url") if request.param == "postgresql" else sqlite_url
    engine = make_engine(url)
    migrate.upgrade(engine)
    with engine.begin() as connection:
        for sql in FIXTURE:
            connection.execute(text(sql))
        yield connection
    engine.dispose()


def test_dashboard_stats(conn) -> None:  # type: ignore[no-untyped-def]
    rows = {r.product_name: r for r in conn.execute(text("SELECT * FROM dashboard_stats ORDER BY product_id"))}
    assert set(rows) == {"A형", "B형"}  # inactive products are left out
    a = rows["A형"]
    assert (a.normal_image_count, a.defect_image_count) == (3, 2)
    assert a.total_inspection_count == 5
    assert a.defect_detected_count == 3
    assert a.resolved_count == 1
    assert a.pending_action_count == 1  # I3 only: I4 has an action recorded
    assert float(a.avg_guide_rating) == pytest.approx(4.0)  # (5 + 3 + 4) / 3, each feedback once
    b = rows["B형"]
    assert (b.total_inspection_count, b.defect_detected_count, b.avg_guide_rating) == (0, 0, None)


def test_recent_inspections(conn) -> None:  # type: ignore[no-untyped-def]
    rows = conn.execute(text("SELECT * FROM recent_inspections")).all()
    assert [r.inspection_code for r in rows] == ["I4", "I3", "I2", "I1"]  # completed only, newest first
    status = {r.inspection_code: r.action_status for r in rows}
    assert status == {"I1": "정상", "I2": "조치완료", "I3": "미조치", "I4": "조치중"}
    i2 = next(r for r in rows if r.inspection_code == "I2")
    assert (i2.product_code, i2.defect_name_ko, i2.inspector) == ("prod1", "기공", "worker1")
    assert bool(i2.defect_detected) is True and i2.confidence_score == pytest.approx(0.9)


def test_recent_inspections_keeps_the_newest_100(conn) -> None:  # type: ignore[no-untyped-def]
    for i in range(120):
        conn.execute(text(
            "INSERT INTO inspections (inspection_code, product_id, status, inspection_date) "
            "VALUES (:c, 2, 'completed', :d)"), {"c": f"B{i:03d}", "d": f"{NEXT_DAY} 10:{i // 60:02d}:{i % 60:02d}"})
    rows = conn.execute(text("SELECT inspection_code FROM recent_inspections")).all()
    assert len(rows) == 100 and rows[0][0] == "B119" and rows[-1][0] == "B020"
