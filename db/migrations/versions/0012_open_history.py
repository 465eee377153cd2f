"""Partial indexes of the registry for the history filters of open work; row-level security on it.

PostgreSQL only (the station's SQLite store has no registry; its history is small). See db/README.md
decision 10.

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from station.adapters.db.sqlddl import load_statements

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in load_statements("0012_open_history.sql", "postgresql"):
        op.execute(sa.text(statement))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in ("DROP POLICY IF EXISTS registry_sync_read ON inspection_registry",
                      "DROP POLICY IF EXISTS registry_read ON inspection_registry",
                      "ALTER TABLE inspection_registry DISABLE ROW LEVEL SECURITY",
                      "DROP INDEX IF EXISTS idx_inspection_registry_flagged_product",
                      "DROP INDEX IF EXISTS idx_inspection_registry_flagged"):
        op.execute(sa.text(statement))
