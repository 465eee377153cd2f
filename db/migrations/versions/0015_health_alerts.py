"""Camera and process health alerts: raised on the station, pushed to the centre when raised and when a
supervisor acknowledges them (outbox triggers on the station, the station role's grants and the audit
triggers at the centre; db/README.md decision 13).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from station.adapters.db.sqlddl import load_statements

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TABLE, PK = "health_alerts", "alert_id"
# Same form as migration 0004's keys: a version-4 UUID made by SQLite itself.
SQLITE_UUID4 = (
    "lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || "
    "substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || "
    "substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))"
)
ENQUEUE = f"INSERT INTO sync_outbox (table_name, row_id) VALUES ('{TABLE}', NEW.{PK});"
SQLITE_TRIGGERS = {
    f"sync_uuid_{TABLE}": f"AFTER INSERT ON {TABLE} WHEN NEW.sync_uuid IS NULL BEGIN UPDATE {TABLE} "
                          f"SET sync_uuid = {SQLITE_UUID4} WHERE {PK} = NEW.{PK}; END",
    f"sync_outbox_ins_{TABLE}": f"AFTER INSERT ON {TABLE} BEGIN {ENQUEUE} END",
    f"sync_outbox_upd_{TABLE}": f"AFTER UPDATE ON {TABLE} WHEN OLD.sync_uuid IS NOT NULL BEGIN {ENQUEUE} END",
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in load_statements("0015_health_alerts.sql", dialect):
        if dialect == "sqlite":
            statement = statement.replace("UUID DEFAULT gen_random_uuid()", "VARCHAR(36)")
        op.execute(sa.text(statement))
    if dialect == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(sa.text(f"CREATE TRIGGER {name} {body}"))
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
    op.execute(sa.text(f"DROP TABLE IF EXISTS {TABLE}"))
