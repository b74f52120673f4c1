"""Recurring work and playbooks, with the occurrences and triggers they have made tasks for (exactly once).

Revision ID: task_0004
Revises: task_0003
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "task_0004"
down_revision = "task_0003"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _creator() -> list[sa.Column]:
    return [
        sa.Column("creator", sa.String(128), nullable=False),
        sa.Column("creator_display_name", sa.String(200), nullable=False),
        sa.Column("creator_org_unit", sa.String(128), nullable=False),
        _when("create_time"),
        _when("update_time"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "recurring_tasks",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        _when("next_run_time", nullable=True),
        _when("last_run_time", nullable=True),
        sa.Column("last_run_task_count", sa.Integer(), nullable=False),
        sa.Column("last_run_unassigned_count", sa.Integer(), nullable=False),
        *_creator(),
        sa.PrimaryKeyConstraint("id", name="pk_recurring_tasks"),
        sa.UniqueConstraint("request_id", name="uq_recurring_tasks_request_id"),
    )
    op.create_index("ix_recurring_tasks_due", "recurring_tasks", ["enabled", "next_run_time"])
    op.create_index("ix_recurring_tasks_creator_org_unit", "recurring_tasks", ["creator_org_unit"])
    op.create_table(
        "recurring_task_runs",
        sa.Column("recurring_task_id", sa.String(32), nullable=False),
        _when("occurrence_time"),
        _when("run_time"),
        sa.Column("task_count", sa.Integer(), nullable=False),
        sa.Column("unassigned_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("recurring_task_id", "occurrence_time", name="pk_recurring_task_runs"),
    )
    op.create_table(
        "playbooks",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("trigger", sa.String(32), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("trigger_count", sa.Integer(), nullable=False),
        _when("last_trigger_time", nullable=True),
        *_creator(),
        sa.PrimaryKeyConstraint("id", name="pk_playbooks"),
        sa.UniqueConstraint("request_id", name="uq_playbooks_request_id"),
    )
    op.create_index("ix_playbooks_trigger", "playbooks", ["trigger", "enabled"])
    op.create_index("ix_playbooks_creator_org_unit", "playbooks", ["creator_org_unit"])
    op.create_table(
        "playbook_runs",
        sa.Column("playbook_id", sa.String(32), nullable=False),
        sa.Column("customer", sa.String(128), nullable=False),
        sa.Column("trigger_key", sa.String(300), nullable=False),
        _when("trigger_time"),
        _when("run_time"),
        sa.Column("task_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("playbook_id", "customer", "trigger_key", name="pk_playbook_runs"),
    )


def downgrade() -> None:
    op.drop_table("playbook_runs")
    op.drop_index("ix_playbooks_creator_org_unit", table_name="playbooks")
    op.drop_index("ix_playbooks_trigger", table_name="playbooks")
    op.drop_table("playbooks")
    op.drop_table("recurring_task_runs")
    op.drop_index("ix_recurring_tasks_creator_org_unit", table_name="recurring_tasks")
    op.drop_index("ix_recurring_tasks_due", table_name="recurring_tasks")
    op.drop_table("recurring_tasks")
