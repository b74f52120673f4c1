"""Task attachments (任务附件): each file's metadata and content.

Revision ID: task_0006
Revises: task_0005
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "task_0006"
down_revision = "task_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "task_attachments",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("task_id", sa.String(32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("uploader", sa.String(128), nullable=False),
        sa.Column("uploader_display_name", sa.String(200), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_task_attachments"),
    )
    op.create_index("ix_task_attachments_task", "task_attachments", ["task_id", "position"])


def downgrade() -> None:
    op.drop_index("ix_task_attachments_task", table_name="task_attachments")
    op.drop_table("task_attachments")
