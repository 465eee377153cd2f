"""The least-privilege station_sync role, its grants and its row-level security policies. PostgreSQL only.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from station.adapters.db.sqlddl import load_statements

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

POLICIES = ("station_sync_read", "station_sync_insert", "station_sync_update")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in load_statements("0005_station_role.sql", "postgresql"):
        op.execute(sa.text(statement))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for policy in POLICIES:
        op.execute(sa.text(f"DROP POLICY IF EXISTS {policy} ON inspections"))
    # The role is cluster-wide: drop its rights here, and the role itself once no database uses it.
    op.execute(sa.text("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM station_sync"))
    op.execute(sa.text("REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM station_sync"))
    op.execute(sa.text("REVOKE ALL ON SCHEMA public FROM station_sync"))
    op.execute(sa.text(
        "DO $$ BEGIN DROP ROLE station_sync; "
        "EXCEPTION WHEN dependent_objects_still_exist OR undefined_object THEN NULL; END $$"
    ))
