"""Central schema tables, constraints, indexes, comments and role rows (db/sql/0001_tables.sql).

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from station.adapters.db.sqlddl import load_statements

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TABLES_IN_ORDER = (
    "users", "roles", "user_roles", "products", "defect_types", "manuals", "manual_sections",
    "images", "image_metadata", "inspections", "inspection_results", "action_logs", "feedbacks",
    "deployments", "model_configs", "audit_logs",
)


def upgrade() -> None:
    for statement in load_statements("0001_tables.sql", op.get_bind().dialect.name):
        op.execute(sa.text(statement))


def downgrade() -> None:
    cascade = " CASCADE" if op.get_bind().dialect.name == "postgresql" else ""
    for table in reversed(TABLES_IN_ORDER):
        op.execute(sa.text(f"DROP TABLE IF EXISTS {table}{cascade}"))
