"""Verdict (PASS / FAIL / UNCERTAIN), judging thresholds and provenance on inspection_results; views show them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from station.adapters.db.sqlddl import load_statements

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

NEW_COLUMNS = ("verdict", "image_threshold", "pixel_threshold", "review_threshold", "provenance")
VIEWS = ("recent_inspections", "dashboard_stats")
# On the station's SQLite store, model configurations join the outbox (0004's triggers, same form).
CONFIG_TRIGGERS = {
    "sync_outbox_ins_model_configs": "AFTER INSERT ON model_configs BEGIN {enqueue} END",
    "sync_outbox_upd_model_configs": "AFTER UPDATE ON model_configs WHEN OLD.sync_uuid IS NOT NULL BEGIN {enqueue} END",
}
ENQUEUE = "INSERT INTO sync_outbox (table_name, row_id) VALUES ('model_configs', NEW.config_id);"


def _drop_views() -> None:
    for view in VIEWS:
        op.execute(sa.text(f"DROP VIEW IF EXISTS {view}"))


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":  # SQLite has no CREATE OR REPLACE VIEW
        _drop_views()
    for statement in load_statements("0007_result_verdicts.sql", dialect):
        if dialect == "sqlite":
            statement = statement.replace("CREATE OR REPLACE VIEW", "CREATE VIEW")
        op.execute(sa.text(statement))
    if dialect == "sqlite":
        for name, body in CONFIG_TRIGGERS.items():
            op.execute(sa.text(f"CREATE TRIGGER {name} {body.format(enqueue=ENQUEUE)}"))
        op.execute(sa.text("INSERT INTO sync_outbox (table_name, row_id) "
                           "SELECT 'model_configs', config_id FROM model_configs ORDER BY config_id"))


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in CONFIG_TRIGGERS:
            op.execute(sa.text(f"DROP TRIGGER IF EXISTS {name}"))
        op.execute(sa.text("DELETE FROM sync_outbox WHERE table_name = 'model_configs'"))
    else:
        op.execute(sa.text("REVOKE INSERT, UPDATE ON model_configs FROM station_sync"))
        op.execute(sa.text("REVOKE UPDATE (verdict, image_threshold, pixel_threshold, review_threshold, provenance) "
                           "ON inspection_results FROM station_sync"))
        op.execute(sa.text("REVOKE USAGE ON SEQUENCE model_configs_config_id_seq FROM station_sync"))
    _drop_views()  # a view cannot lose columns in place; 0002's views come back below
    op.execute(sa.text("DROP INDEX IF EXISTS idx_results_verdict"))
    for column in NEW_COLUMNS:
        op.execute(sa.text(f"ALTER TABLE inspection_results DROP COLUMN {column}"))
    for statement in load_statements("0002_views.sql", dialect):
        op.execute(sa.text(statement))
