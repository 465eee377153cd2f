"""Partial indexes of the registry for the history filters of open work (with a count of actions kept by
triggers); row-level security on the registry.

PostgreSQL only (the station's SQLite store has no registry; its history is small). See db/README.md
decision 10.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from station.adapters.db.sqlddl import load_statements

revision = "0012"
down_revision = "0011"
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
                      *(f"DROP INDEX IF EXISTS idx_inspection_registry_{name}"
                        for name in ("open_product", "open", "flagged_product", "flagged")),
                      *(f"DROP TRIGGER IF EXISTS action_logs_count_{op_name} ON action_logs"
                        for op_name in ("ins", "upd", "del")),
                      "DROP FUNCTION IF EXISTS inspection_action_count()",
                      "ALTER TABLE inspection_registry DROP COLUMN IF EXISTS actions"):
        op.execute(sa.text(statement))
