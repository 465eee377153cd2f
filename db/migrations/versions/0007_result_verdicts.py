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


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    _drop_views()  # a view cannot lose columns in place; 0002's views come back below
    op.execute(sa.text("DROP INDEX IF EXISTS idx_results_verdict"))
    for column in NEW_COLUMNS:
        op.execute(sa.text(f"ALTER TABLE inspection_results DROP COLUMN {column}"))
    for statement in load_statements("0002_views.sql", dialect):
        op.execute(sa.text(statement))
