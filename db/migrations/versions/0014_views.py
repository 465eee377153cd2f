"""Several views of one part: a view code on model configurations, library images and results, and every
view's own result with the part's result (db/README.md decision 12).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from station.adapters.db.sqlddl import load_statements

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in load_statements("0014_views.sql", dialect):
        op.execute(sa.text(statement))


def downgrade() -> None:
    op.execute(sa.text("DROP INDEX idx_images_product_view"))
    for table, column in (("inspection_results", "view_results"), ("inspection_results", "view_code"),
                          ("images", "view_code"), ("model_configs", "view_code")):
        op.execute(sa.text(f"ALTER TABLE {table} DROP COLUMN {column}"))
