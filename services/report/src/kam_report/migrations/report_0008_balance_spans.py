"""Balance facts: where each holds (``until``: the day of the account's next fact; ``earliest``: the account's first,
which also holds before its day), so that the balances on a day are found by a filter instead of a group-by over
every account's days. Existing rows are spanned here.

Revision ID: report_0008
Revises: report_0007
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "report_0008"
down_revision = "report_0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("balance_days") as batch:
        batch.add_column(sa.Column("until", sa.Date(), nullable=True))
        batch.add_column(sa.Column("earliest", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.execute(
        "UPDATE balance_days SET "
        "until = (SELECT min(n.day) FROM balance_days n "
        "WHERE n.account = balance_days.account AND n.day > balance_days.day), "
        "earliest = NOT EXISTS (SELECT 1 FROM balance_days p "
        "WHERE p.account = balance_days.account AND p.day < balance_days.day)"
    )


def downgrade() -> None:
    with op.batch_alter_table("balance_days") as batch:
        batch.drop_column("earliest")
        batch.drop_column("until")
