"""accounts.balance_origin: SCAN (from the source) or PUSH (provisional, until the next scan reads the account)

Revision ID: customer_0004
Revises: customer_0003
Create Date: 2026-12-04 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "customer_0004"
down_revision = "customer_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("balance_origin", sa.String(length=8), nullable=False, server_default="SCAN")
        )


def downgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("balance_origin")
