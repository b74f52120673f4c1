"""KAM-managed corporate groups (customer_groups, customer_group_members); index on customers.tier

Revision ID: customer_0003
Revises: customer_0002
Create Date: 2026-11-28 19:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "customer_0003"
down_revision = "customer_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_groups",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("relationship_manager", sa.String(length=128), nullable=False),
        sa.Column("creator", sa.String(length=128), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_groups")),
        sa.UniqueConstraint("request_id", name=op.f("uq_customer_groups_request_id")),
    )
    with op.batch_alter_table("customer_groups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customer_groups_display_name"), ["display_name"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_customer_groups_relationship_manager"), ["relationship_manager"], unique=False
        )
    op.create_table(
        "customer_group_members",
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("group_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("parent_customer_id", sa.String(length=64), nullable=False),
        sa.Column("shareholding_percent", sa.Numeric(precision=7, scale=4), nullable=True),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customer_group_members")),
    )
    with op.batch_alter_table("customer_group_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customer_group_members_group_id"), ["group_id"], unique=False)
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index("ix_customers_tier", ["tier"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index("ix_customers_tier")
    with op.batch_alter_table("customer_group_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_group_members_group_id"))
    op.drop_table("customer_group_members")
    with op.batch_alter_table("customer_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_groups_relationship_manager"))
        batch_op.drop_index(batch_op.f("ix_customer_groups_display_name"))
    op.drop_table("customer_groups")
