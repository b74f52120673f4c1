"""Customers.

Revision ID: customer_0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "customer_0001"
down_revision = None
branch_labels = ("customer",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("id_number", sa.String(32), nullable=False),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("email", sa.String(200), nullable=False),
        sa.Column("address", sa.String(400), nullable=False),
        sa.Column("industry", sa.String(100), nullable=False),
        sa.Column("legal_representative", sa.String(100), nullable=False),
        sa.Column("branch", sa.String(128), nullable=False),
        sa.Column("relationship_manager", sa.String(128), nullable=False),
        sa.Column("tier", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_customers"),
        sa.UniqueConstraint("request_id", name="uq_customers_request_id"),
    )
    op.create_index("ix_customers_id_number", "customers", ["id_number"])
    op.create_index("ix_customers_branch", "customers", ["branch"])


def downgrade() -> None:
    op.drop_table("customers")
