"""Customer message templates.

Revision ID: notice_0003
Revises: notice_0002
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "notice_0003"
down_revision = "notice_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "templates",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("category", sa.Integer(), nullable=False),
        sa.Column("channel", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("en_subject", sa.String(200), nullable=False),
        sa.Column("en_body", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_templates"),
        sa.UniqueConstraint("request_id", name="uq_templates_request_id"),
    )


def downgrade() -> None:
    op.drop_table("templates")
