"""Tasks, their assignments, comments and history, and the copies of users and the org tree.

Revision ID: task_0001
Revises:
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "task_0001"
down_revision = None
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "tasks",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("purpose", sa.String(500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("priority", sa.String(24), nullable=False),
        sa.Column("state", sa.String(24), nullable=False),
        sa.Column("assigner", sa.String(128), nullable=False),
        sa.Column("assigner_display_name", sa.String(200), nullable=False),
        sa.Column("assignee", sa.String(128), nullable=False),
        sa.Column("assignee_display_name", sa.String(200), nullable=False),
        sa.Column("org_unit", sa.String(128), nullable=False),
        _when("due_time"),
        sa.Column("customer", sa.String(128), nullable=False),
        sa.Column("campaign", sa.String(128), nullable=False),
        sa.Column("parent_task", sa.String(64), nullable=False),
        sa.Column("assignment", sa.String(32), nullable=False),
        sa.Column("handling", sa.String(200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        _when("complete_time", nullable=True),
        sa.Column("interaction_type", sa.Integer(), nullable=False),
        sa.Column("review_accepted", sa.Integer(), nullable=True),
        sa.Column("review_comment", sa.String(2000), nullable=False),
        sa.Column("reviewer", sa.String(128), nullable=False),
        _when("review_time", nullable=True),
        sa.Column("return_count", sa.Integer(), nullable=False),
        sa.Column("cancel_reason", sa.String(2000), nullable=False),
        _when("create_time"),
        _when("update_time"),
        _when("start_time", nullable=True),
        _when("close_time", nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_tasks"),
        sa.UniqueConstraint("request_id", name="uq_tasks_request_id"),
    )
    op.create_index("ix_tasks_assignee_state_due", "tasks", ["assignee", "state", "due_time"])
    op.create_index("ix_tasks_assigner_state", "tasks", ["assigner", "state"])
    op.create_index("ix_tasks_org_unit_due", "tasks", ["org_unit", "due_time"])
    op.create_index("ix_tasks_assignment", "tasks", ["assignment"])
    op.create_index("ix_tasks_parent_task", "tasks", ["parent_task"])
    op.create_index("ix_tasks_customer", "tasks", ["customer"])
    op.create_index("ix_tasks_campaign", "tasks", ["campaign"])
    op.create_table(
        "task_assignments",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("assigner", sa.String(128), nullable=False),
        sa.Column("task_count", sa.Integer(), nullable=False),
        _when("create_time"),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_task_assignments"),
        sa.UniqueConstraint("request_id", name="uq_task_assignments_request_id"),
    )
    op.create_table(
        "task_comments",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("task_id", sa.String(32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(128), nullable=False),
        sa.Column("author_display_name", sa.String(200), nullable=False),
        sa.Column("text", sa.String(2000), nullable=False),
        _when("create_time"),
        sa.PrimaryKeyConstraint("id", name="pk_task_comments"),
    )
    op.create_index("ix_task_comments_task_id", "task_comments", ["task_id", "seq"])
    op.create_table(
        "task_history",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("task_id", sa.String(32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(24), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("actor_display_name", sa.String(200), nullable=False),
        _when("time"),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("note", sa.String(2000), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_task_history"),
    )
    op.create_index("ix_task_history_task_id", "task_history", ["task_id", "seq"])
    op.create_table(
        "users",
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("org_unit", sa.String(128), nullable=False),
        sa.Column("roles", sa.Text(), nullable=False),
        sa.Column("staff_code", sa.String(64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _when("update_time"),
        sa.PrimaryKeyConstraint("name", name="pk_users"),
    )
    op.create_table(
        "org_units",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("parent_id", sa.String(64), nullable=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("from_identity", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("id", name="pk_org_units"),
    )


def downgrade() -> None:
    op.drop_table("org_units")
    op.drop_table("users")
    op.drop_index("ix_task_history_task_id", table_name="task_history")
    op.drop_table("task_history")
    op.drop_index("ix_task_comments_task_id", table_name="task_comments")
    op.drop_table("task_comments")
    op.drop_table("task_assignments")
    for index in (
        "ix_tasks_campaign",
        "ix_tasks_customer",
        "ix_tasks_parent_task",
        "ix_tasks_assignment",
        "ix_tasks_org_unit_due",
        "ix_tasks_assigner_state",
        "ix_tasks_assignee_state_due",
    ):
        op.drop_index(index, table_name="tasks")
    op.drop_table("tasks")
