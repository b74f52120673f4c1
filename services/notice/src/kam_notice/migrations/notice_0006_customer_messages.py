"""Messages to customers: the notice service's copy of key customers (from customer events), their consent,
bulletins, and what asked for each delivery; staff channels per importance; inbox items found by their source
(the duplicate check of every event read the whole table without it).

Revision ID: notice_0006
Revises: notice_0005
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "notice_0006"
down_revision = "notice_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_copies",
        sa.Column("customer", sa.String(128), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("tier", sa.String(64), nullable=False),
        sa.Column("branch", sa.String(128), nullable=False),
        sa.Column("relationship_manager", sa.String(128), nullable=False),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("customer", name="pk_customer_copies"),
    )
    op.create_index("ix_customer_copies_branch", "customer_copies", ["branch"])
    op.create_table(
        "customer_consents",
        sa.Column("customer", sa.String(128), nullable=False),
        sa.Column("sms_opt_in", sa.Boolean(), nullable=False),
        sa.Column("email_opt_in", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("customer", name="pk_customer_consents"),
    )
    op.create_table(
        "bulletins",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("template_id", sa.String(32), nullable=False),
        sa.Column("segment", sa.Text(), nullable=False),
        sa.Column("variables", sa.Text(), nullable=False),
        sa.Column("sender", sa.String(128), nullable=False),
        sa.Column("recipient_count", sa.Integer(), nullable=False),
        sa.Column("included_count", sa.Integer(), nullable=False),
        sa.Column("excluded_count", sa.Integer(), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_bulletins"),
        sa.UniqueConstraint("request_id", name="uq_bulletins_request_id"),
    )
    op.create_index("ix_bulletins_sender_create_time", "bulletins", ["sender", "create_time"])
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("trigger", sa.String(300), nullable=False, server_default=""))
        batch.add_column(sa.Column("suppress_reason", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("marketing", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index("ix_deliveries_recipient_create_time", "deliveries", ["recipient", "create_time"])
    op.create_index("ix_notifications_source_event", "notifications", ["source_event"])
    with op.batch_alter_table("notification_settings") as batch:
        batch.add_column(sa.Column("channel_levels", sa.String(200), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("notification_settings") as batch:
        batch.drop_column("channel_levels")
    op.drop_index("ix_notifications_source_event", table_name="notifications")
    op.drop_index("ix_deliveries_recipient_create_time", table_name="deliveries")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("marketing")
        batch.drop_column("suppress_reason")
        batch.drop_column("trigger")
    op.drop_index("ix_bulletins_sender_create_time", table_name="bulletins")
    op.drop_table("bulletins")
    op.drop_table("customer_consents")
    op.drop_index("ix_customer_copies_branch", table_name="customer_copies")
    op.drop_table("customer_copies")
