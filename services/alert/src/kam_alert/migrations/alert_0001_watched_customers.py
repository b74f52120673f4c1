"""Watched customers.

Revision ID: alert_0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "alert_0001"
down_revision = None
branch_labels = ("alert",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "watched_customers",
        sa.Column("customer", sa.String(128), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("relationship_manager", sa.String(128), nullable=False),
        sa.Column("branch", sa.String(128), nullable=False),
        sa.Column("tier", sa.String(64), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("customer", name="pk_watched_customers"),
    )


def downgrade() -> None:
    op.drop_table("watched_customers")
