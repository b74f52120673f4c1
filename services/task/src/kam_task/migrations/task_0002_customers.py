"""The copies of key customers and their accounts (campaign segments, recurring work, playbooks).

Revision ID: task_0002
Revises: task_0001
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "task_0002"
down_revision = "task_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_copies",
        sa.Column("customer", sa.String(128), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("tier", sa.String(64), nullable=False),
        sa.Column("branch", sa.String(128), nullable=False),
        sa.Column("relationship_manager", sa.String(128), nullable=False),
        sa.Column("aum", sa.Numeric(20, 2), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("customer", name="pk_customer_copies"),
    )
    op.create_index("ix_customer_copies_branch", "customer_copies", ["branch"])
    op.create_index("ix_customer_copies_relationship_manager", "customer_copies", ["relationship_manager"])
    op.create_index("ix_customer_copies_tier", "customer_copies", ["tier"])
    op.create_table(
        "account_copies",
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("customer", sa.String(128), nullable=False),
        sa.Column("type", sa.String(24), nullable=False),
        sa.Column("product", sa.String(64), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("open_date", sa.Date(), nullable=True),
        sa.Column("balance", sa.Numeric(20, 2), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("account", name="pk_account_copies"),
    )
    op.create_index("ix_account_copies_customer", "account_copies", ["customer", "type"])


def downgrade() -> None:
    op.drop_index("ix_account_copies_customer", table_name="account_copies")
    op.drop_table("account_copies")
    for index in (
        "ix_customer_copies_tier",
        "ix_customer_copies_relationship_manager",
        "ix_customer_copies_branch",
    ):
        op.drop_index(index, table_name="customer_copies")
    op.drop_table("customer_copies")
