"""Set-based audit of inserts: one statement-level trigger per table instead of one call per row.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from station.adapters.db.sqlddl import load_statements

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

AUDITED_TABLES = (
    "users", "roles", "user_roles", "products", "defect_types", "manuals", "manual_sections",
    "images", "image_metadata", "inspections", "inspection_results", "action_logs", "feedbacks",
    "deployments", "model_configs",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in load_statements("0006_audit_bulk_inserts.sql", "postgresql"):
        op.execute(sa.text(statement))
    for table in AUDITED_TABLES:
        op.execute(sa.text(f"DROP TRIGGER IF EXISTS audit_{table} ON {table}"))
        op.execute(sa.text(
            f"CREATE TRIGGER audit_{table} AFTER UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION audit_trigger()"))
        op.execute(sa.text(
            f"CREATE TRIGGER audit_ins_{table} AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_insert_rows()"))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in AUDITED_TABLES:
        op.execute(sa.text(f"DROP TRIGGER IF EXISTS audit_ins_{table} ON {table}"))
        op.execute(sa.text(f"DROP TRIGGER IF EXISTS audit_{table} ON {table}"))
        op.execute(sa.text(
            f"CREATE TRIGGER audit_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION audit_trigger()"))
    op.execute(sa.text("DROP FUNCTION IF EXISTS audit_insert_rows()"))
