"""Further customers a task concerns (besides its main customer).

Revision ID: task_0008
Revises: task_0007
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "task_0008"
down_revision = "task_0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("related_customers", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("related_customers")
