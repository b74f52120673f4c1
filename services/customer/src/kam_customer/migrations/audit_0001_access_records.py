"""audit: the trail of personal-data views (access_records, access_record_customers)

Revision ID: audit_0001
Revises:
Create Date: 2026-11-28 19:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "audit_0001"
down_revision = None
branch_labels = ("audit",)
depends_on = "customer_0002"

BIGINT_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "access_records",
        sa.Column("seq", BIGINT_PK, autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("access_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("actor_kind", sa.String(length=8), nullable=False),
        sa.Column("actor_display_name", sa.String(length=200), nullable=False),
        sa.Column("actor_roles", sa.Text(), nullable=False),
        sa.Column("actor_org_unit", sa.String(length=128), nullable=False),
        sa.Column("method", sa.String(length=128), nullable=False),
        sa.Column("customer_count", sa.Integer(), nullable=False),
        sa.Column("data_kinds", sa.String(length=200), nullable=False),
        sa.Column("search_query", sa.String(length=200), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("trace_id", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_access_records")),
        sa.UniqueConstraint("id", name=op.f("uq_access_records_id")),
    )
    op.create_index("ix_access_records_access_time", "access_records", ["access_time"])
    op.create_index("ix_access_records_actor", "access_records", ["actor", "seq"])
    op.create_table(
        "access_record_customers",
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("record_id", "position", name=op.f("pk_access_record_customers")),
    )
    op.create_index(
        "ix_access_record_customers_customer_id", "access_record_customers", ["customer_id", "record_id"]
    )


def downgrade() -> None:
    op.drop_table("access_record_customers")
    op.drop_table("access_records")
