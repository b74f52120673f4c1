"""The tiers' order (tier-change alerts); reminders waiting for their lead time (key dates, festivals); the users
copied from identity events (recipients).

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
    op.create_table(
        "reminders",
        sa.Column("alert_key", sa.String(300), nullable=False),
        sa.Column("rule_id", sa.String(64), nullable=False),
        sa.Column("customer", sa.String(128), nullable=False),
        sa.Column("due_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("alert_key", name="pk_reminders"),
    )
    op.create_index("ix_reminders_due_time", "reminders", ["due_time"])
    op.create_table(
        "users",
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("org_unit", sa.String(128), nullable=False),
        sa.Column("roles", sa.Text(), nullable=False),
        sa.Column("staff_code", sa.String(64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_users"),
    )


def downgrade() -> None:
    op.drop_table("users")
    op.drop_table("reminders")
    op.drop_table("tier_ranks")
