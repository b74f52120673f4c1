"""Kit table: leases (kam_kit.partitions) — a consumer's partitions shared out among a service's processes.

Revision ID: kit_0003
Revises: kit_0002
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "kit_0003"
down_revision = "kit_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kam_leases",
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("owner", sa.String(128), nullable=False),
        sa.Column("expire_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_kam_leases"),
    )


def downgrade() -> None:
    op.drop_table("kam_leases")
