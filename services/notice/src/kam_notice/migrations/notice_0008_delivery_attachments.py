"""Files carried by e-mail deliveries (a scheduled report's export), kept until sent.

Revision ID: notice_0008
Revises: notice_0007
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "notice_0008"
down_revision = "notice_0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delivery_attachments",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(200), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_delivery_attachments"),
    )
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("attachment_id", sa.String(32), nullable=True))
    op.create_index("ix_deliveries_attachment_id", "deliveries", ["attachment_id"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_attachment_id", table_name="deliveries")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("attachment_id")
    op.drop_table("delivery_attachments")
