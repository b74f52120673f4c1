"""Alerts, the rules' window state, the org-tree copy.

Revision ID: alert_0003
Revises: alert_0002
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "alert_0003"
down_revision = "alert_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "org_units",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("parent_id", sa.String(64), nullable=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_org_units"),
    )
    op.create_table(
        "detector_states",
        sa.Column("rule_id", sa.String(64), nullable=False),
        sa.Column("customer", sa.String(128), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("rule_id", "customer", name="pk_detector_states"),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("alert_key", sa.String(300), nullable=False),
        sa.Column("rule_id", sa.String(64), nullable=False),
        sa.Column("rule_version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("customer", sa.String(128), nullable=False),
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("branch", sa.String(128), nullable=False),
        sa.Column("relationship_manager", sa.String(128), nullable=False),
        sa.Column("severity", sa.String(32), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("transactions", sa.Text(), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("occurrence_count", sa.Integer(), nullable=False),
        sa.Column("event_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_notify_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_notify_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notify_count", sa.Integer(), nullable=False),
        sa.Column("escalation_level", sa.Integer(), nullable=False),
        sa.Column("escalate_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("snooze_expire_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledger", sa.String(128), nullable=False),
        sa.Column("acknowledge_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolver", sa.String(128), nullable=False),
        sa.Column("resolve_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alerts"),
    )
    op.create_index("ix_alerts_alert_key", "alerts", ["alert_key"])
    op.create_index("ix_alerts_state_create_time", "alerts", ["state", "create_time"])
    op.create_index("ix_alerts_customer", "alerts", ["customer"])
    op.create_index("ix_alerts_branch", "alerts", ["branch"])
    op.create_index("ix_alerts_relationship_manager", "alerts", ["relationship_manager"])
    op.create_index("ix_alerts_next_notify_time", "alerts", ["next_notify_time"])
    op.create_index("ix_alerts_escalate_time", "alerts", ["escalate_time"])


def downgrade() -> None:
    op.drop_table("alerts")
    op.drop_table("detector_states")
    op.drop_table("org_units")
