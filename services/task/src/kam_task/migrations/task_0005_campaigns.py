"""Campaigns (营销计划): the plans, their target lists, activities, attributed accounts and revisions.

Revision ID: task_0005
Revises: task_0004
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "task_0005"
down_revision = "task_0004"
branch_labels = None
depends_on = None


def _money(name: str) -> sa.Column:
    return sa.Column(name, sa.Numeric(20, 2), nullable=False)


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("script", sa.Text(), nullable=False),
        sa.Column("products", sa.String(1000), nullable=False),
        sa.Column("product_type", sa.String(24), nullable=False),
        sa.Column("measure", sa.String(32), nullable=False),
        _money("target_amount"),
        sa.Column("target_count", sa.Integer(), nullable=False),
        sa.Column("org_units", sa.Text(), nullable=False),
        sa.Column("segment", sa.Text(), nullable=False),
        sa.Column("holdout_percent", sa.Integer(), nullable=False),
        sa.Column("quotas", sa.Text(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("state", sa.String(24), nullable=False),
        sa.Column("creator", sa.String(128), nullable=False),
        sa.Column("creator_display_name", sa.String(200), nullable=False),
        sa.Column("creator_org_unit", sa.String(128), nullable=False),
        sa.Column("target_customer_count", sa.Integer(), nullable=False),
        sa.Column("holdout_customer_count", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _when("create_time"),
        _when("update_time"),
        _when("launch_time", nullable=True),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_campaigns"),
        sa.UniqueConstraint("request_id", name="uq_campaigns_request_id"),
    )
    op.create_index("ix_campaigns_state_start", "campaigns", ["state", "start_date"])
    op.create_table(
        "campaign_targets",
        sa.Column("campaign_id", sa.String(32), nullable=False),
        sa.Column("customer", sa.String(128), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("tier", sa.String(64), nullable=False),
        sa.Column("branch", sa.String(128), nullable=False),
        sa.Column("unit", sa.String(128), nullable=False),
        sa.Column("customer_manager", sa.String(128), nullable=False),
        sa.Column("relationship_manager", sa.String(128), nullable=False),
        _money("aum"),
        sa.Column("holdout", sa.Boolean(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        _money("converted_amount"),
        sa.Column("attributed_count", sa.Integer(), nullable=False),
        _money("attributed_amount"),
        _when("last_activity_time", nullable=True),
        sa.PrimaryKeyConstraint("campaign_id", "customer", name="pk_campaign_targets"),
    )
    op.create_index("ix_campaign_targets_rm", "campaign_targets", ["campaign_id", "relationship_manager"])
    op.create_index("ix_campaign_targets_unit", "campaign_targets", ["campaign_id", "unit"])
    op.create_index("ix_campaign_targets_customer", "campaign_targets", ["customer"])
    op.create_table(
        "campaign_activities",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("campaign_id", sa.String(32), nullable=False),
        sa.Column("customer", sa.String(128), nullable=False),
        sa.Column("staff", sa.String(128), nullable=False),
        sa.Column("staff_display_name", sa.String(200), nullable=False),
        sa.Column("org_unit", sa.String(128), nullable=False),
        sa.Column("channel", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(64), nullable=False),
        _money("amount"),
        sa.Column("notes", sa.String(2000), nullable=False),
        _when("occur_time"),
        _when("create_time"),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_campaign_activities"),
        sa.UniqueConstraint("request_id", name="uq_campaign_activities_request_id"),
    )
    op.create_index("ix_campaign_activities_campaign", "campaign_activities", ["campaign_id", "create_time"])
    op.create_table(
        "campaign_attributions",
        sa.Column("campaign_id", sa.String(32), nullable=False),
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("customer", sa.String(128), nullable=False),
        _money("amount"),
        sa.Column("open_date", sa.Date(), nullable=False),
        sa.Column("holdout", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "account", name="pk_campaign_attributions"),
    )
    op.create_table(
        "campaign_revisions",
        sa.Column("campaign_id", sa.String(32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("editor", sa.String(128), nullable=False),
        _when("time"),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "revision", name="pk_campaign_revisions"),
    )


def downgrade() -> None:
    op.drop_table("campaign_revisions")
    op.drop_table("campaign_attributions")
    op.drop_index("ix_campaign_activities_campaign", table_name="campaign_activities")
    op.drop_table("campaign_activities")
    for index in ("ix_campaign_targets_customer", "ix_campaign_targets_unit", "ix_campaign_targets_rm"):
        op.drop_index(index, table_name="campaign_targets")
    op.drop_table("campaign_targets")
    op.drop_index("ix_campaigns_state_start", table_name="campaigns")
    op.drop_table("campaigns")
