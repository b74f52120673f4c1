"""Announcement attachments (公告附件): each file's metadata and content.

Revision ID: notice_0007
Revises: notice_0006
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "notice_0007"
down_revision = "notice_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "announcement_attachments",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("announcement_id", sa.String(32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("uploader", sa.String(128), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_announcement_attachments"),
    )
    op.create_index(
        "ix_announcement_attachments_announcement",
        "announcement_attachments",
        ["announcement_id", "position"],
    )


def downgrade() -> None:
    op.drop_index("ix_announcement_attachments_announcement", table_name="announcement_attachments")
    op.drop_table("announcement_attachments")
