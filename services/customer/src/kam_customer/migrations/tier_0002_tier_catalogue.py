"""tier catalogue: the tiers table, seeded with the tiers of the default rule sets

Revision ID: tier_0002
Revises: tier_0001
Create Date: 2026-11-28 19:00:00
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "tier_0002"
down_revision = "tier_0001"
branch_labels = None
depends_on = None

SEED_TIME = datetime(2026, 1, 1, tzinfo=UTC)
# The tiers of the default rule sets (tier_0001), ranked individual tiers first, then corporate ones.
SEED_TIERS = [
    ("private-banking", "私人银行", "专属私人银行家，一对一财富规划、家族信托与全权委托服务。"),
    ("diamond", "钻石", "专属客户经理，优先通道，专享理财产品与增值服务。"),
    ("platinum", "白金", "客户经理服务，贵宾窗口，费用减免。"),
    ("gold", "金卡", "贵宾理财服务，定期资产检视。"),
    ("strategic", "战略", "总行级战略客户：总分行联动服务团队，综合授信与定制金融方案。"),
    ("core", "核心", "分行级核心客户：专属服务团队，优先审批。"),
    ("important", "重点", "支行级重点客户：客户经理定期走访。"),
]


def upgrade() -> None:
    tiers = op.create_table(
        "tiers",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tiers")),
        sa.UniqueConstraint("rank", name=op.f("uq_tiers_rank")),
    )
    op.bulk_insert(
        tiers,
        [
            {
                "id": tier_id,
                "display_name": name,
                "rank": rank,
                "description": description,
                "version": 1,
                "create_time": SEED_TIME,
                "update_time": SEED_TIME,
            }
            for rank, (tier_id, name, description) in enumerate(SEED_TIERS, start=1)
        ],
    )


def downgrade() -> None:
    op.drop_table("tiers")
