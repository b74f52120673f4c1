"""Balance increases attributed to campaigns: the balances at launch, and the kind of each attribution.

Revision ID: task_0007
Revises: task_0006
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "task_0007"
down_revision = "task_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaign_baselines",
        sa.Column("campaign_id", sa.String(32), nullable=False),
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("customer", sa.String(128), nullable=False),
        sa.Column("balance", sa.Numeric(20, 2), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "account", name="pk_campaign_baselines"),
    )
    with op.batch_alter_table("campaign_attributions") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="opened"))


def downgrade() -> None:
    with op.batch_alter_table("campaign_attributions") as batch:
        batch.drop_column("kind")
    op.drop_table("campaign_baselines")
