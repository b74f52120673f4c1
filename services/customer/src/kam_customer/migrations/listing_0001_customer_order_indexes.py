"""listing: indexes for ordered ListCustomers pages (display_name, create_time, update_time; id breaks ties)

Revision ID: listing_0001
Revises:
Create Date: 2026-11-28 19:30:00
"""

from alembic import op

revision = "listing_0001"
down_revision = None
branch_labels = ("listing",)
depends_on = "customer_0002"

ORDERED = ("display_name", "create_time", "update_time")


def upgrade() -> None:
    for column in ORDERED:
        op.create_index(f"ix_customers_{column}_id", "customers", [column, "id"])


def downgrade() -> None:
    for column in ORDERED:
        op.drop_index(f"ix_customers_{column}_id", table_name="customers")
