"""Announcements and their read receipts; the copies of the identity service's users and org tree.

Revision ID: notice_0001
Revises:
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "notice_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "announcements",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("audience", sa.Text(), nullable=False),
        sa.Column("publisher", sa.String(128), nullable=False),
        sa.Column("publisher_display_name", sa.String(200), nullable=False),
        sa.Column("publish_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expire_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("importance", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_announcements"),
        sa.UniqueConstraint("request_id", name="uq_announcements_request_id"),
    )
    op.create_index("ix_announcements_publisher", "announcements", ["publisher"])
    op.create_index("ix_announcements_state_publish_time", "announcements", ["state", "publish_time"])
    op.create_table(
        "announcement_reads",
        sa.Column("announcement_id", sa.String(32), nullable=False),
        sa.Column("user", sa.String(128), nullable=False),
        sa.Column("read_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("announcement_id", "user", name="pk_announcement_reads"),
    )
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
    op.create_table(
        "org_units",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("parent_id", sa.String(64), nullable=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("from_identity", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("id", name="pk_org_units"),
    )


def downgrade() -> None:
    op.drop_table("org_units")
    op.drop_table("users")
    op.drop_table("announcement_reads")
    op.drop_index("ix_announcements_state_publish_time", table_name="announcements")
    op.drop_index("ix_announcements_publisher", table_name="announcements")
    op.drop_table("announcements")
