"""Migrations up and down on PostgreSQL and SQLite; the ORM models match the migrated schema."""

from __future__ import annotations

import re
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


# Migration 0008 (PostgreSQL only, db/README.md decision 1): the monthly partitions of inspections and
# the registry and aggregate tables exist only at the centre; the ORM describes the unpartitioned
# table that the station's SQLite store keeps. These are the only differences allowed.
CENTRAL_ONLY_TABLES = {"inspection_registry", "inspection_stats_daily", "inspection_stats_total"}
PARTITION = re.compile(r"^inspections_(default|\d{4}_\d{2})$")
PARTITION_DEVIATIONS = {
    ("modify_nullable", "inspections", "inspection_date"),  # a partition key is NOT NULL
    ("remove_index", "inspections", "uq_inspections_sync_uuid"),  # now (sync_uuid, inspection_date) ...
    ("add_index", "inspections", "uq_inspections_sync_uuid"),
    ("add_constraint", "inspections", "unique(inspection_code)"),  # unique in inspection_registry
    ("remove_fk", "inspection_results", "inspection_registry"),  # children reference the registry
    ("remove_fk", "action_logs", "inspection_registry"),
    ("remove_fk", "feedbacks", "inspection_registry"),
    ("add_fk", "inspection_results", "inspections"),
    ("add_fk", "action_logs", "inspections"),
    ("add_fk", "feedbacks", "inspections"),
    ("remove_fk", "verdict_overrides", "inspection_registry"),  # 0009's tables, likewise
    ("add_fk", "verdict_overrides", "inspections"),
    ("remove_fk", "recurrence_alerts", "inspection_registry"),
    ("add_fk", "recurrence_alerts", "inspections"),
}


def _key(d) -> tuple:  # type: ignore[no-untyped-def]
    kind = d[0]
    if kind in ("modify_nullable", "modify_comment"):
        return (kind, d[2], d[3])
    obj = d[1]
    if kind in ("remove_fk", "add_fk"):
        return (kind, obj.parent.name, obj.elements[0].column.table.name)
    if kind in ("remove_table",):
        return (kind, obj.name)
    table = getattr(obj, "table", None)
    name = obj.name or f"unique({', '.join(c.name for c in obj.columns)})"
    return (kind, table.name if table is not None else None, name)


def _central_only(d) -> bool:  # type: ignore[no-untyped-def]
    key = _key(d)
    table = key[1]
    return table in CENTRAL_ONLY_TABLES or bool(PARTITION.match(table or "")) or key in PARTITION_DEVIATIONS


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
        and not (engine.dialect.name == "postgresql" and _central_only(d))
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
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    flat = [d[0] if isinstance(d, list) else d for d in diff]
    assert {_key(d) for d in flat if _key(d) in PARTITION_DEVIATIONS} == PARTITION_DEVIATIONS  # all still true
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
    from station.app.station import build_station
    from station.config import load_settings

    ctx = build_station(load_settings(home=tmp_path / "home"))
    try:
        assert (tmp_path / "home" / "station.sqlite3").exists()
        assert migrate.current_revision(ctx.db.engine) == migrate.head_revision()
    finally:
        ctx.close()
