"""Alerts, tasks and campaigns (the activity reports: 预警统计, 工作效率, 营销活动效果).

Revision ID: report_0005
Revises: report_0004
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "report_0005"
down_revision = "report_0004"
branch_labels = None
depends_on = None

_TIME = sa.DateTime(timezone=True)
_MONEY = sa.Numeric(20, 2)


def upgrade() -> None:
    op.create_table(
        "alert_facts",
        sa.Column("alert", sa.String(length=128), nullable=False),
        sa.Column("rule", sa.String(length=128), nullable=False),
        sa.Column("rule_display_name", sa.String(length=200), nullable=False),
        sa.Column("severity", sa.String(length=32), nullable=False),
        sa.Column("customer", sa.String(length=128), nullable=False),
        sa.Column("task", sa.String(length=128), nullable=False),
        sa.Column("branch", sa.String(length=128), nullable=False),
        sa.Column("relationship_manager", sa.String(length=128), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("escalation_level", sa.Integer(), nullable=False),
        sa.Column("acknowledge_escalation_level", sa.Integer(), nullable=True),
        sa.Column("create_time", _TIME, nullable=False),
        sa.Column("acknowledge_time", _TIME, nullable=True),
        sa.Column("resolve_time", _TIME, nullable=True),
        sa.Column("update_time", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("alert", name=op.f("pk_alert_facts")),
    )
    op.create_index(op.f("ix_alert_facts_rule"), "alert_facts", ["rule"])
    op.create_index(op.f("ix_alert_facts_customer"), "alert_facts", ["customer"])
    op.create_index(op.f("ix_alert_facts_branch"), "alert_facts", ["branch"])
    op.create_index(op.f("ix_alert_facts_create_time"), "alert_facts", ["create_time"])

    op.create_table(
        "task_facts",
        sa.Column("task", sa.String(length=128), nullable=False),
        sa.Column("assignee", sa.String(length=128), nullable=False),
        sa.Column("assignee_display_name", sa.String(length=200), nullable=False),
        sa.Column("org_unit", sa.String(length=128), nullable=False),
        sa.Column("assigner", sa.String(length=128), nullable=False),
        sa.Column("priority", sa.String(length=32), nullable=False),
        sa.Column("origin", sa.String(length=128), nullable=False),
        sa.Column("campaign", sa.String(length=128), nullable=False),
        sa.Column("customer", sa.String(length=128), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("create_time", _TIME, nullable=False),
        sa.Column("due_time", _TIME, nullable=False),
        sa.Column("start_time", _TIME, nullable=True),
        sa.Column("complete_time", _TIME, nullable=True),
        sa.Column("close_time", _TIME, nullable=True),
        sa.Column("accept_time", _TIME, nullable=True),
        sa.Column("return_count", sa.Integer(), nullable=False),
        sa.Column("update_time", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("task", name=op.f("pk_task_facts")),
    )
    op.create_index(op.f("ix_task_facts_assignee"), "task_facts", ["assignee"])
    op.create_index(op.f("ix_task_facts_org_unit"), "task_facts", ["org_unit"])
    op.create_index(op.f("ix_task_facts_create_time"), "task_facts", ["create_time"])
    op.create_index(op.f("ix_task_facts_due_time"), "task_facts", ["due_time"])
    op.create_index(op.f("ix_task_facts_complete_time"), "task_facts", ["complete_time"])

    op.create_table(
        "task_return_facts",
        sa.Column("task", sa.String(length=128), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("return_time", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("task", "number", name=op.f("pk_task_return_facts")),
    )
    op.create_index(op.f("ix_task_return_facts_return_time"), "task_return_facts", ["return_time"])

    op.create_table(
        "campaign_facts",
        sa.Column("campaign", sa.String(length=128), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("measure", sa.String(length=32), nullable=False),
        sa.Column("product_type", sa.String(length=32), nullable=False),
        sa.Column("target_amount", _MONEY, nullable=False),
        sa.Column("target_count", sa.BigInteger(), nullable=False),
        sa.Column("target_customer_count", sa.BigInteger(), nullable=False),
        sa.Column("holdout_customer_count", sa.BigInteger(), nullable=False),
        sa.Column("holdout_percent", sa.Integer(), nullable=False),
        sa.Column("org_units", sa.Text(), nullable=False),
        sa.Column("quotas", sa.Text(), nullable=False),
        sa.Column("update_time", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("campaign", name=op.f("pk_campaign_facts")),
    )
    op.create_index(op.f("ix_campaign_facts_start_date"), "campaign_facts", ["start_date"])
    op.create_index(op.f("ix_campaign_facts_end_date"), "campaign_facts", ["end_date"])

    op.create_table(
        "campaign_activity_facts",
        sa.Column("activity", sa.String(length=200), nullable=False),
        sa.Column("campaign", sa.String(length=128), nullable=False),
        sa.Column("customer", sa.String(length=128), nullable=False),
        sa.Column("relationship_manager", sa.String(length=128), nullable=False),
        sa.Column("org_unit", sa.String(length=128), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("product", sa.String(length=128), nullable=False),
        sa.Column("amount", _MONEY, nullable=False),
        sa.Column("occur_time", _TIME, nullable=False),
        sa.Column("create_time", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("activity", name=op.f("pk_campaign_activity_facts")),
    )
    op.create_index(op.f("ix_campaign_activity_facts_campaign"), "campaign_activity_facts", ["campaign"])
    op.create_index(op.f("ix_campaign_activity_facts_occur_time"), "campaign_activity_facts", ["occur_time"])


def downgrade() -> None:
    op.drop_table("campaign_activity_facts")
    op.drop_table("campaign_facts")
    op.drop_table("task_return_facts")
    op.drop_table("task_facts")
    op.drop_table("alert_facts")
