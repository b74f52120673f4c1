"""Watched customers' last activity (dormancy); the task of task reminders and their alerts.

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
    with op.batch_alter_table("reminders") as batch:
        batch.add_column(sa.Column("task", sa.String(128), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("reminders") as batch:
        batch.drop_column("task")
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("task")
    with op.batch_alter_table("watched_customers") as batch:
        batch.drop_column("last_activity_time")
