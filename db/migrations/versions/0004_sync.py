"""Sync keys (sync_uuid), object file states, login lockout; on SQLite also the outbox and its triggers.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from station.adapters.db.sqlddl import load_statements

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Tables the station pushes to the centre (its own rows), with their primary keys, parents first.
PUSHED = {
    "images": "image_id", "image_metadata": "metadata_id", "inspections": "inspection_id",
    "inspection_results": "result_id", "action_logs": "action_id", "feedbacks": "feedback_id",
    "deployments": "deployment_id", "audit_logs": "log_id",
}
# Centre-owned tables without a natural key: pulled by sync_uuid.
PULLED_BY_UUID = {"model_configs": "config_id", "manuals": "manual_id", "manual_sections": "section_id"}
UUID_TABLES = {**PUSHED, **PULLED_BY_UUID}
# Columns holding object keys: every key becomes an object_files row ('pending' until stored).
OBJECT_KEY_COLUMNS = {
    "images": ("file_path",),
    "inspection_results": ("heatmap_path", "mask_path", "overlay_path", "comparison_path"),
}
# A random (version 4) UUID in SQLite's SQL, for rows inserted without one (raw SQL).
SQLITE_UUID4 = (
    "lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || "
    "substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || "
    "substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))"
)


def _sqlite_triggers() -> list[str]:
    out = []
    for table, pk in UUID_TABLES.items():
        out.append(
            f"CREATE TRIGGER sync_uuid_{table} AFTER INSERT ON {table} WHEN NEW.sync_uuid IS NULL "
            f"BEGIN UPDATE {table} SET sync_uuid = {SQLITE_UUID4} WHERE {pk} = NEW.{pk}; END"
        )
    for table, pk in PUSHED.items():
        enqueue = f"INSERT INTO sync_outbox (table_name, row_id) VALUES ('{table}', NEW.{pk});"
        out.append(f"CREATE TRIGGER sync_outbox_ins_{table} AFTER INSERT ON {table} BEGIN {enqueue} END")
        # An update made while the key is being filled in (OLD.sync_uuid NULL) is the insert itself.
        out.append(
            f"CREATE TRIGGER sync_outbox_upd_{table} AFTER UPDATE ON {table} WHEN OLD.sync_uuid IS NOT NULL "
            f"BEGIN {enqueue} END"
        )
    for table, columns in OBJECT_KEY_COLUMNS.items():
        inserts = " ".join(
            f"INSERT OR IGNORE INTO object_files (object_key) SELECT NEW.{c} WHERE NEW.{c} IS NOT NULL;"
            for c in columns
        )
        out.append(f"CREATE TRIGGER object_files_ins_{table} AFTER INSERT ON {table} BEGIN {inserts} END")
        out.append(
            f"CREATE TRIGGER object_files_upd_{table} AFTER UPDATE OF {', '.join(columns)} ON {table} "
            f"BEGIN {inserts} END"
        )
    return out


def _sqlite_trigger_names() -> list[str]:
    names = [f"sync_uuid_{t}" for t in UUID_TABLES]
    names += [f"sync_outbox_{k}_{t}" for t in PUSHED for k in ("ins", "upd")]
    names += [f"object_files_{k}_{t}" for t in OBJECT_KEY_COLUMNS for k in ("ins", "upd")]
    return names


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in load_statements("0004_sync.sql", dialect):
        if dialect == "sqlite":
            statement = statement.replace("UUID DEFAULT gen_random_uuid()", "VARCHAR(36)")
        op.execute(sa.text(statement))
    if dialect != "sqlite":
        return
    for statement in load_statements("0004_sync_local.sql", "sqlite"):
        op.execute(sa.text(statement))
    for table in UUID_TABLES:  # rows that existed before this revision get their key now
        op.execute(sa.text(f"UPDATE {table} SET sync_uuid = {SQLITE_UUID4} WHERE sync_uuid IS NULL"))
    for table, pk in PUSHED.items():  # ... and everything the station holds is queued once
        op.execute(sa.text(
            f"INSERT INTO sync_outbox (table_name, row_id) SELECT '{table}', {pk} FROM {table} ORDER BY {pk}"
        ))
    for table, columns in OBJECT_KEY_COLUMNS.items():
        for column in columns:
            op.execute(sa.text(
                f"INSERT OR IGNORE INTO object_files (object_key) SELECT {column} FROM {table} "
                f"WHERE {column} IS NOT NULL"
            ))
    for statement in _sqlite_triggers():
        op.execute(sa.text(statement))


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in _sqlite_trigger_names():
            op.execute(sa.text(f"DROP TRIGGER IF EXISTS {name}"))
        op.execute(sa.text("DROP TABLE IF EXISTS sync_state"))
        op.execute(sa.text("DROP TABLE IF EXISTS sync_outbox"))
    op.execute(sa.text("DROP TABLE IF EXISTS object_files"))
    op.execute(sa.text("ALTER TABLE users DROP COLUMN locked_until"))
    op.execute(sa.text("ALTER TABLE users DROP COLUMN failed_login_count"))
    for table in UUID_TABLES:
        op.execute(sa.text(f"DROP INDEX IF EXISTS uq_{table}_sync_uuid"))
        op.execute(sa.text(f"ALTER TABLE {table} DROP COLUMN sync_uuid"))
