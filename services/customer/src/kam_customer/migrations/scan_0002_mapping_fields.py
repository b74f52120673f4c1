"""scan: exchange rates fixed on a scan job; staff.active; transactions.business_date and entry_time

Revision ID: scan_0002
Revises: scan_0001
Create Date: 2026-12-10 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "scan_0002"
down_revision = "scan_0001"
branch_labels = None
depends_on = "customer_0004"


def upgrade() -> None:
    with op.batch_alter_table("scan_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rates", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("business_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("entry_time", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.drop_column("entry_time")
        batch_op.drop_column("business_date")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("active")
    with op.batch_alter_table("scan_jobs", schema=None) as batch_op:
        batch_op.drop_column("rates")
