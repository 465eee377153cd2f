"""The review (UNCERTAIN) threshold moves into model_configs, next to the image and pixel thresholds.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from station.adapters.db.sqlddl import load_statements

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in load_statements("0010_model_config_review_threshold.sql", dialect):
        op.execute(sa.text(statement))


def downgrade() -> None:
    op.execute(sa.text("ALTER TABLE model_configs DROP COLUMN review_threshold"))
