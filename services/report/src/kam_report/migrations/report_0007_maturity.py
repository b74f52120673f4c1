"""Account facts: the maturity date (time deposits, loans, wealth products that carry one) for the churn score's
maturities not renewed. Existing rows stay NULL until their account's next event (or a rebuild).

Revision ID: report_0007
Revises: report_0006
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "report_0007"
down_revision = "report_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("account_facts") as batch:
        batch.add_column(sa.Column("maturity_date", sa.Date(), nullable=True))
    op.create_index(op.f("ix_account_facts_maturity_date"), "account_facts", ["maturity_date"])


def downgrade() -> None:
    op.drop_index(op.f("ix_account_facts_maturity_date"), table_name="account_facts")
    with op.batch_alter_table("account_facts") as batch:
        batch.drop_column("maturity_date")
