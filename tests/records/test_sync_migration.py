"""Migration 0004 on an existing station store: every row gets its sync key, everything is queued once,
every object key gets a file state; the outbox exists only on the station, never at the centre."""

from __future__ import annotations

import re

from sqlalchemy import inspect, text

from station.adapters.db import migrate
from station.adapters.db.engine import make_engine
from tests.support.sync import code_for

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def test_existing_store_is_keyed_and_queued(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    migrate.upgrade(engine, "0003")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO products (product_code, product_name) VALUES ('p1', 'P')"))
        for i in (1, 2):
            conn.execute(text("INSERT INTO images (product_id, image_type, file_name, file_path) "
                              "VALUES (1, 'test', :n, :k)"), {"n": f"{i}.png", "k": f"image/aa/{i}.png"})
            conn.execute(text("INSERT INTO inspections (inspection_code, product_id, test_image_id, status) "
                              "VALUES (:c, 1, :i, 'completed')"), {"c": code_for("ST01", i), "i": i})
            conn.execute(text("INSERT INTO inspection_results (inspection_id, defect_detected, heatmap_path) "
                              "VALUES (:i, FALSE, :h)"), {"i": i, "h": f"heatmap/bb/{i}.png"})
    assert migrate.upgrade(engine) == migrate.head_revision()
    with engine.connect() as conn:
        keys = conn.execute(text("SELECT sync_uuid FROM inspections UNION ALL SELECT sync_uuid FROM images "
                                 "UNION ALL SELECT sync_uuid FROM inspection_results")).scalars().all()
        queued = conn.execute(text("SELECT table_name, row_id FROM sync_outbox ORDER BY outbox_id")).all()
        files = set(conn.execute(text("SELECT object_key FROM object_files WHERE state = 'pending'")).scalars())
    assert len(keys) == len(set(keys)) == 6 and all(UUID4.match(k) for k in keys)
    assert queued == [("images", 1), ("images", 2), ("inspections", 1), ("inspections", 2),
                      ("inspection_results", 1), ("inspection_results", 2)]
    assert files == {"image/aa/1.png", "image/aa/2.png", "heatmap/bb/1.png", "heatmap/bb/2.png"}

    with engine.begin() as conn:  # raw inserts after the migration get a key and an entry from the triggers
        conn.execute(text("INSERT INTO action_logs (inspection_id, action_taken) VALUES (1, '재검사')"))
        key = conn.execute(text("SELECT sync_uuid FROM action_logs")).scalar()
        assert UUID4.match(key)
        assert conn.execute(text("SELECT COUNT(*) FROM sync_outbox WHERE table_name = 'action_logs'")).scalar() == 1

    assert migrate.downgrade(engine, "0003") == "0003"
    names = set(inspect(engine).get_table_names())
    assert not {"sync_outbox", "sync_state", "object_files"} & names
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM inspections")).scalar() == 2  # data kept
    assert migrate.upgrade(engine) == migrate.head_revision()
    engine.dispose()


def test_the_centre_has_no_outbox(pg_schema_url: str) -> None:
    engine = make_engine(pg_schema_url)
    names = set(inspect(engine).get_table_names())
    engine.dispose()
    assert "object_files" in names and not {"sync_outbox", "sync_state"} & names
