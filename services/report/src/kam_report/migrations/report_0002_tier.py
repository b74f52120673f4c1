"""Customer facts: when the tier was last assigned (ordering of TierChanged events).

Revision ID: report_0002
Revises: report_0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "report_0002"
down_revision = "report_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customer_facts") as batch:
        batch.add_column(sa.Column("tier_time", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_customer_facts_tier", "customer_facts", ["tier"])


def downgrade() -> None:
    op.drop_index("ix_customer_facts_tier", table_name="customer_facts")
    with op.batch_alter_table("customer_facts") as batch:
        batch.drop_column("tier_time")
