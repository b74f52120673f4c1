"""Customer facts.

Revision ID: report_0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "report_0001"
down_revision = None
branch_labels = ("report",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_facts",
        sa.Column("customer", sa.String(128), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("branch", sa.String(128), nullable=False),
        sa.Column("relationship_manager", sa.String(128), nullable=False),
        sa.Column("tier", sa.String(64), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("customer", name="pk_customer_facts"),
    )
    op.create_index("ix_customer_facts_branch", "customer_facts", ["branch"])


def downgrade() -> None:
    op.drop_table("customer_facts")
