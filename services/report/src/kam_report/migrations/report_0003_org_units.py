"""The org tree copied from SourceOrgUnitUpdated events (data scope of the figures).

Revision ID: report_0003
Revises: report_0002
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "report_0003"
down_revision = "report_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "org_units",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("parent_id", sa.String(length=64), nullable=True),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_units")),
    )


def downgrade() -> None:
    op.drop_table("org_units")
