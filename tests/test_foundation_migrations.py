"""Migrations up and down on PostgreSQL and SQLite; the ORM models match the migrated schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from station.adapters.db import migrate
from station.adapters.db.engine import make_engine
from station.adapters.db.models import Base

DOMAIN_TABLES = {
    "users", "roles", "user_roles", "products", "defect_types", "manuals", "manual_sections", "images",
    "image_metadata", "inspections", "inspection_results", "action_logs", "feedbacks", "deployments",
    "model_configs", "audit_logs",
}


def _diff(engine) -> list:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
        diff = compare_metadata(ctx, Base.metadata)
    # Alembic reports the views and its own version table as "removed tables": not schema drift.
    # Comments are authored once, in db/sql (PostgreSQL only), not repeated in the models.
    flat = [d[0] if isinstance(d, list) else d for d in diff]
    return [
        d for d in flat
        if not (d[0] == "remove_table" and d[1].name == "alembic_version")
        and d[0] not in ("remove_table_comment", "modify_comment")
    ]


def test_postgres_upgrade_downgrade_upgrade(pg_empty_url: str) -> None:
    engine = make_engine(pg_empty_url)
    assert migrate.upgrade(engine) == migrate.head_revision()
    names = set(inspect(engine).get_table_names())
    assert DOMAIN_TABLES <= names
    assert {"dashboard_stats", "recent_inspections"} <= set(inspect(engine).get_view_names())
    assert migrate.downgrade(engine) is None
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    assert migrate.upgrade(engine) == migrate.head_revision()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM roles")).scalar() == 4
    engine.dispose()


def test_models_match_migrated_postgres(pg_schema_url: str) -> None:
    engine = make_engine(pg_schema_url)
    assert _diff(engine) == []
    engine.dispose()


def test_sqlite_store_upgrade_downgrade_and_models_match(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    assert migrate.upgrade(engine) == migrate.head_revision()
    insp = inspect(engine)
    assert DOMAIN_TABLES <= set(insp.get_table_names())
    # SQLite's reflection is too coarse for compare_metadata (types, inline FKs): compare columns.
    for table in Base.metadata.sorted_tables:
        assert [c["name"] for c in insp.get_columns(table.name)] == [c.name for c in table.columns], table.name
    with engine.begin() as conn:  # ON DELETE CASCADE really works on the local store
        conn.execute(text("INSERT INTO products (product_code, product_name) VALUES ('pX', 'X')"))
        conn.execute(text("INSERT INTO defect_types (product_id, defect_code, defect_name_ko) VALUES (1, 'h', '기공')"))
        conn.execute(text("DELETE FROM products"))
        assert conn.execute(text("SELECT count(*) FROM defect_types")).scalar() == 0
    assert migrate.downgrade(engine) is None
    assert migrate.upgrade(engine) == migrate.head_revision()
    engine.dispose()


def test_every_sqlite_connection_has_wal_and_foreign_keys(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    migrate.upgrade(engine)
    for _ in range(2):
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # persisted in the file
    raw.close()


def test_local_store_is_created_at_start_up(tmp_path: Path) -> None:
    from station.app.context import build_context
    from station.config import load_settings

    ctx = build_context(load_settings(home=tmp_path / "home"))
    try:
        assert (tmp_path / "home" / "station.sqlite3").exists()
        assert migrate.current_revision(ctx.db.engine) == migrate.head_revision()
    finally:
        ctx.close()
