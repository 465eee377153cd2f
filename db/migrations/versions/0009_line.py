"""Verdict overrides at the bench (who, when, corrected label), pushed to the centre and audited; recurrence
alerts (kept on the station).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from station.adapters.db.sqlddl import load_statements

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TABLE, PK = "verdict_overrides", "override_id"
SQLITE_TRIGGERS = {
    f"sync_outbox_ins_{TABLE}": f"AFTER INSERT ON {TABLE} BEGIN {{enqueue}} END",
    f"sync_outbox_upd_{TABLE}": f"AFTER UPDATE ON {TABLE} WHEN OLD.sync_uuid IS NOT NULL BEGIN {{enqueue}} END",
}
ENQUEUE = f"INSERT INTO sync_outbox (table_name, row_id) VALUES ('{TABLE}', NEW.{PK});"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in load_statements("0009_line.sql", dialect):
        if dialect == "sqlite":
            statement = statement.replace("UUID DEFAULT gen_random_uuid()", "VARCHAR(36)")
        else:  # the centre's inspections are partitioned (0008): children reference its registry
            statement = statement.replace("REFERENCES inspections(inspection_id)",
                                          "REFERENCES inspection_registry(inspection_id)")
        op.execute(sa.text(statement))
    if dialect == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(sa.text(f"CREATE TRIGGER {name} {body.format(enqueue=ENQUEUE)}"))
    else:
        op.execute(sa.text(f"CREATE TRIGGER audit_{TABLE} AFTER UPDATE OR DELETE ON {TABLE} "
                           "FOR EACH ROW EXECUTE FUNCTION audit_trigger()"))
        op.execute(sa.text(f"CREATE TRIGGER audit_ins_{TABLE} AFTER INSERT ON {TABLE} REFERENCING NEW TABLE AS "
                           "new_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_insert_rows()"))


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(sa.text(f"DROP TRIGGER IF EXISTS {name}"))
        op.execute(sa.text(f"DELETE FROM sync_outbox WHERE table_name = '{TABLE}'"))
    op.execute(sa.text("DROP TABLE IF EXISTS recurrence_alerts"))
    op.execute(sa.text(f"DROP TABLE IF EXISTS {TABLE}"))
