"""Row-level security on inspections, current_user_id() and the audit trigger (db/sql/0003_security.sql). PostgreSQL only.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from station.adapters.db.sqlddl import load_statements

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

AUDITED_TABLES = (
    "users", "roles", "user_roles", "products", "defect_types", "manuals", "manual_sections",
    "images", "image_metadata", "inspections", "inspection_results", "action_logs", "feedbacks",
    "deployments", "model_configs",
)
POLICIES = (
    "inspector_isolation", "inspections_privileged_read", "inspections_insert",
    "inspections_update", "inspections_delete",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in load_statements("0003_security.sql", "postgresql"):
        op.execute(sa.text(statement))
    for table in AUDITED_TABLES:
        op.execute(
            sa.text(
                f"CREATE TRIGGER audit_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION audit_trigger()"
            )
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in AUDITED_TABLES:
        op.execute(sa.text(f"DROP TRIGGER IF EXISTS audit_{table} ON {table}"))
    for policy in POLICIES:
        op.execute(sa.text(f"DROP POLICY IF EXISTS {policy} ON inspections"))
    op.execute(sa.text("ALTER TABLE inspections DISABLE ROW LEVEL SECURITY"))
    op.execute(sa.text("DROP FUNCTION IF EXISTS audit_trigger()"))
    op.execute(sa.text("DROP FUNCTION IF EXISTS station_user_has_role(TEXT[])"))
    op.execute(sa.text("DROP FUNCTION IF EXISTS current_user_id()"))
