"""Overrides count: the latest verdict override decides what a part is in the views, the history and, at the
centre, the aggregates (a registry column kept by triggers); the station's store loses the CHECK constraints
that need a function only the station registers (tables rebuilt).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

from station.adapters.db.sqlddl import load_statements, without_regex_checks

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

VIEWS = ("recent_inspections", "dashboard_stats")
OVERRIDE_TRIGGERS = ("verdict_overrides_registry_ins", "verdict_overrides_registry_upd",
                     "verdict_overrides_registry_del")
OPEN_INDEXES = ("idx_inspection_registry_flagged", "idx_inspection_registry_flagged_product",
                "idx_inspection_registry_open", "idx_inspection_registry_open_product")


def _rebuild_sqlite_tables(conn) -> None:  # type: ignore[no-untyped-def]
    """Rebuilds every table whose definition calls REGEXP (SQLite's procedure for a changed table: a new
    table without those constraints, the rows copied, the old one dropped, the new one renamed, its
    indexes and triggers created again), with foreign keys off and checked before the commit."""
    tables = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE '%REGEXP%'").fetchall()
    for name, create in tables:
        extras = [sql for (sql,) in conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL",
            (name,))]
        columns = ", ".join(f'"{r[1]}"' for r in conn.exec_driver_sql(f'PRAGMA table_info("{name}")'))
        new = f"{name}__rebuilt"
        body = without_regex_checks(create)
        conn.exec_driver_sql(body.replace(body[:body.index("(")], f'CREATE TABLE "{new}" ', 1))
        conn.exec_driver_sql(f'INSERT INTO "{new}" ({columns}) SELECT {columns} FROM "{name}"')
        conn.exec_driver_sql(f'DROP TABLE "{name}"')
        conn.exec_driver_sql(f'ALTER TABLE "{new}" RENAME TO "{name}"')
        for sql in extras:
            conn.exec_driver_sql(sql)


def _upgrade_sqlite() -> None:
    bind = op.get_bind()
    raw = bind.connection.dbapi_connection
    if raw.in_transaction:  # only this revision's own work can be pending here: none
        raw.commit()
    foreign_keys = raw.execute("PRAGMA foreign_keys").fetchone()[0]
    raw.execute("PRAGMA foreign_keys=OFF")  # outside a transaction, as SQLite requires
    try:
        raw.execute("BEGIN")
        for view in VIEWS:  # rebuilt tables are referenced by the views; they come back below
            bind.exec_driver_sql(f"DROP VIEW IF EXISTS {view}")
        _rebuild_sqlite_tables(bind)
        for statement in load_statements("0013_effective_verdicts.sql", "sqlite"):
            bind.exec_driver_sql(statement)
        problems = raw.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raw.rollback()
            raise RuntimeError(f"foreign key check failed after the rebuild: {problems[:3]}")
        raw.commit()
    finally:
        if foreign_keys:
            raw.execute("PRAGMA foreign_keys=ON")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _upgrade_sqlite()
        return
    for statement in load_statements("0013_central_overrides.sql", "postgresql"):
        op.execute(sa.text(statement))


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":  # the rebuilt tables stay without the REGEXP constraints (the code validates)
        for view in VIEWS:
            op.execute(sa.text(f"DROP VIEW IF EXISTS {view}"))
        for statement in load_statements("0007_result_verdicts.sql", "sqlite"):
            if statement.startswith("CREATE OR REPLACE VIEW"):
                op.execute(sa.text(statement.replace("CREATE OR REPLACE VIEW", "CREATE VIEW")))
        return
    for trigger in OVERRIDE_TRIGGERS:
        op.execute(sa.text(f"DROP TRIGGER IF EXISTS {trigger} ON verdict_overrides"))
    op.execute(sa.text("DROP FUNCTION IF EXISTS verdict_overrides_registry()"))
    op.execute(sa.text("DROP VIEW IF EXISTS recent_inspections"))
    for statement in load_statements("0008_views.sql", "postgresql"):
        if "recent_inspections" in statement and "dashboard_stats" not in statement:
            op.execute(sa.text(statement))
    for statement in load_statements("0008_central_scale.sql", "postgresql"):
        if statement.startswith("CREATE OR REPLACE FUNCTION inspection_stats_of("):
            op.execute(sa.text(statement))
    for index in OPEN_INDEXES:
        op.execute(sa.text(f"DROP INDEX IF EXISTS {index}"))
    op.execute(sa.text("ALTER TABLE inspection_registry DROP COLUMN override_label"))
    for statement in load_statements("0012_open_history.sql", "postgresql"):
        if statement.startswith("CREATE INDEX idx_inspection_registry_"):
            op.execute(sa.text(statement))
    op.execute(sa.text("SELECT inspection_stats_rebuild()"))
