"""Balance facts: their account's opening and closing days (``open_date``, ``close_date``, copied from
``account_facts`` by the writers), so that the balances held on a day are read from the facts alone — without
joining every fact to the account dimension per report. Existing rows are filled here.

Revision ID: report_0009
Revises: report_0008
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "report_0009"
down_revision = "report_0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("balance_days") as batch:
        batch.add_column(sa.Column("open_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("close_date", sa.Date(), nullable=True))
    op.execute(
        "UPDATE balance_days SET "
        "open_date = (SELECT a.open_date FROM account_facts a WHERE a.account = balance_days.account), "
        "close_date = (SELECT a.close_date FROM account_facts a WHERE a.account = balance_days.account)"
    )


def downgrade() -> None:
    with op.batch_alter_table("balance_days") as batch:
        batch.drop_column("close_date")
        batch.drop_column("open_date")
