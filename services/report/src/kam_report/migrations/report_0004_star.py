"""The star schema of the analytical store: accounts, daily balances, transaction days, tier spans, staff; and
the reports asked for.

Revision ID: report_0004
Revises: report_0003
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "report_0004"
down_revision = "report_0003"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(20, 2)


def upgrade() -> None:
    with op.batch_alter_table("customer_facts") as batch:
        batch.add_column(sa.Column("display_name", sa.String(length=200), server_default="", nullable=False))
    op.create_table(
        "account_facts",
        sa.Column("account", sa.String(length=200), nullable=False),
        sa.Column("customer", sa.String(length=128), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("product", sa.String(length=64), nullable=False),
        sa.Column("product_display_name", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("open_date", sa.Date(), nullable=True),
        sa.Column("close_date", sa.Date(), nullable=True),
        sa.Column("balance", MONEY, nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("account", name=op.f("pk_account_facts")),
    )
    op.create_index(op.f("ix_account_facts_customer"), "account_facts", ["customer"])
    op.create_index(op.f("ix_account_facts_open_date"), "account_facts", ["open_date"])
    op.create_table(
        "balance_days",
        sa.Column("account", sa.String(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("customer", sa.String(length=128), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("balance", MONEY, nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("account", "day", name=op.f("pk_balance_days")),
    )
    op.create_index(op.f("ix_balance_days_customer"), "balance_days", ["customer"])
    op.create_table(
        "transaction_days",
        sa.Column("account", sa.String(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("origin", sa.String(length=1), nullable=False),
        sa.Column("customer", sa.String(length=128), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("credit_count", sa.BigInteger(), nullable=False),
        sa.Column("credit_amount", MONEY, nullable=False),
        sa.Column("debit_count", sa.BigInteger(), nullable=False),
        sa.Column("debit_amount", MONEY, nullable=False),
        sa.PrimaryKeyConstraint("account", "day", "origin", name=op.f("pk_transaction_days")),
    )
    op.create_index(op.f("ix_transaction_days_customer"), "transaction_days", ["customer"])
    op.create_table(
        "tier_spans",
        sa.Column("customer", sa.String(length=128), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tier", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("customer", "valid_from", name=op.f("pk_tier_spans")),
    )
    op.create_table(
        "staff_facts",
        sa.Column("staff", sa.String(length=128), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("org_unit", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("staff", name=op.f("pk_staff_facts")),
    )
    op.create_table(
        "tier_labels",
        sa.Column("tier", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("rank", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("tier", name=op.f("pk_tier_labels")),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=48), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("parameters", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("creator", sa.String(length=128), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("table", sa.Text(), nullable=True),
        sa.Column("error_message", sa.String(length=500), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("complete_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("data_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("etag", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("creator", "request_id", name=op.f("uq_reports_creator")),
    )
    op.create_index(op.f("ix_reports_kind"), "reports", ["kind"])
    op.create_index(op.f("ix_reports_creator"), "reports", ["creator"])
    op.create_index(op.f("ix_reports_create_time"), "reports", ["create_time"])


def downgrade() -> None:
    for table in (
        "reports",
        "tier_labels",
        "staff_facts",
        "tier_spans",
        "transaction_days",
        "balance_days",
        "account_facts",
    ):
        op.drop_table(table)
    with op.batch_alter_table("customer_facts") as batch:
        batch.drop_column("display_name")
