"""access_records.reason: why the caller showed personal data (the request's pii_reason, 查看事由)

Revision ID: audit_0002
Revises: audit_0001
Create Date: 2026-12-05 11:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "audit_0002"
down_revision = "audit_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("access_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sa.String(length=200), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("access_records", schema=None) as batch_op:
        batch_op.drop_column("reason")
