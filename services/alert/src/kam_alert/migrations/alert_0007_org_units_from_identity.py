"""The org-tree copy follows the identity service's org-unit events (units made in KAM included): whether it has
told about a unit.

Revision ID: alert_0007
Revises: alert_0006
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "alert_0007"
down_revision = "alert_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("org_units") as batch:
        batch.add_column(sa.Column("from_identity", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("org_units") as batch:
        batch.drop_column("from_identity")
