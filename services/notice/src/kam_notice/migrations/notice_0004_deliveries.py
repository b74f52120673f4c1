"""Deliveries over e-mail (and later SMS and webhooks), and the users' addresses they go to.

Revision ID: notice_0004
Revises: notice_0003
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "notice_0004"
down_revision = "notice_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email", sa.String(320), nullable=False, server_default=""))
        batch.add_column(sa.Column("phone", sa.String(32), nullable=False, server_default=""))
    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("channel", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(128), nullable=False),
        sa.Column("address", sa.String(2000), nullable=False),
        sa.Column("content_source", sa.String(300), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("importance", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
        sa.UniqueConstraint("key", name="uq_deliveries_key"),
    )
    op.create_index("ix_deliveries_state_next_attempt", "deliveries", ["state", "next_attempt_time"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_state_next_attempt", table_name="deliveries")
    op.drop_table("deliveries")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("phone")
        batch.drop_column("email")
