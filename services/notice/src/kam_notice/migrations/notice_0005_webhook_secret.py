"""A webhook's signing secret in the notification settings.

Revision ID: notice_0005
Revises: notice_0004
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "notice_0005"
down_revision = "notice_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notification_settings") as batch:
        batch.add_column(sa.Column("webhook_secret", sa.String(200), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("notification_settings") as batch:
        batch.drop_column("webhook_secret")
