"""Views dashboard_stats and recent_inspections (db/sql/0002_views.sql).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from station.adapters.db.sqlddl import load_statements

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for statement in load_statements("0002_views.sql", op.get_bind().dialect.name):
        op.execute(sa.text(statement))


def downgrade() -> None:
    op.execute(sa.text("DROP VIEW IF EXISTS recent_inspections"))
    op.execute(sa.text("DROP VIEW IF EXISTS dashboard_stats"))
