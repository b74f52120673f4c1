"""The tiers' order, for tier-change alerts.

Revision ID: alert_0004
Revises: alert_0003
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "alert_0004"
down_revision = "alert_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tier_ranks",
        sa.Column("tier", sa.String(64), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("tier", name="pk_tier_ranks"),
    )


def downgrade() -> None:
    op.drop_table("tier_ranks")
