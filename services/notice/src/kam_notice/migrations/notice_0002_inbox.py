"""Staff inboxes and their notification settings.

Revision ID: notice_0002
Revises: notice_0001
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "notice_0002"
down_revision = "notice_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("user", sa.String(128), nullable=False),
        sa.Column("category", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("subject", sa.String(256), nullable=False),
        sa.Column("importance", sa.Integer(), nullable=False),
        sa.Column("source_event", sa.String(128), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_time", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_notifications"),
    )
    op.create_index("ix_notifications_user_create_time", "notifications", ["user", "create_time"])
    op.create_index("uq_notifications_user_source", "notifications", ["user", "source_event"], unique=True)
    op.create_table(
        "notification_settings",
        sa.Column("user", sa.String(128), nullable=False),
        sa.Column("channels", sa.String(200), nullable=False),
        sa.Column("quiet_start", sa.Integer(), nullable=False),
        sa.Column("quiet_end", sa.Integer(), nullable=False),
        sa.Column("webhook_uri", sa.String(2000), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user", name="pk_notification_settings"),
    )


def downgrade() -> None:
    op.drop_table("notification_settings")
    op.drop_index("uq_notifications_user_source", table_name="notifications")
    op.drop_index("ix_notifications_user_create_time", table_name="notifications")
    op.drop_table("notifications")
