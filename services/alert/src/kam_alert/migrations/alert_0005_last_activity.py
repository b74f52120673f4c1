"""Watched customers' last activity (dormancy); the task of task reminders and their alerts; comments; rules
silenced for a customer.

Revision ID: alert_0005
Revises: alert_0004
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "alert_0005"
down_revision = "alert_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("watched_customers") as batch:
        batch.add_column(sa.Column("last_activity_time", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("task", sa.String(128), nullable=False, server_default=""))
        batch.add_column(sa.Column("silence_expire_time", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("reminders") as batch:
        batch.add_column(sa.Column("task", sa.String(128), nullable=False, server_default=""))

    op.create_table(
        "alert_comments",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("alert_id", sa.String(32), nullable=False),
        sa.Column("author", sa.String(128), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alert_comments"),
    )
    op.create_index("ix_alert_comments_alert_id", "alert_comments", ["alert_id", "create_time"])
    op.create_table(
        "rule_silences",
        sa.Column("rule_id", sa.String(64), nullable=False),
        sa.Column("customer", sa.String(128), nullable=False),
        sa.Column("expire_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("rule_id", "customer", name="pk_rule_silences"),
    )


def downgrade() -> None:
    op.drop_table("rule_silences")
    op.drop_table("alert_comments")
    with op.batch_alter_table("reminders") as batch:
        batch.drop_column("task")
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("silence_expire_time")
        batch.drop_column("task")
    with op.batch_alter_table("watched_customers") as batch:
        batch.drop_column("last_activity_time")
