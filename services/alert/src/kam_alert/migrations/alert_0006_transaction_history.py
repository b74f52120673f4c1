"""The last days' transactions, for backtests.

Revision ID: alert_0006
Revises: alert_0005
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "alert_0006"
down_revision = "alert_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "transaction_history",
        sa.Column("name", sa.String(250), nullable=False),
        sa.Column("customer", sa.String(128), nullable=False),
        sa.Column("customer_type", sa.String(16), nullable=False),
        sa.Column("tier", sa.String(64), nullable=False),
        sa.Column("branch", sa.String(128), nullable=False),
        sa.Column("amount", sa.Numeric(18, 2), nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("cash", sa.Boolean(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("post_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_transaction_history"),
    )
    op.create_index("ix_transaction_history_post_time", "transaction_history", ["post_time"])


def downgrade() -> None:
    op.drop_table("transaction_history")
