"""What made a task when not a person (recurring work, a playbook, a campaign).

Revision ID: task_0003
Revises: task_0002
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "task_0003"
down_revision = "task_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("origin", sa.String(128), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("origin")
