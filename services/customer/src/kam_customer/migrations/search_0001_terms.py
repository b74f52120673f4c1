"""search: the customer search index (search_terms)

Revision ID: search_0001
Revises:
Create Date: 2026-11-28 18:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "search_0001"
down_revision = None
branch_labels = ("search",)
depends_on = "customer_0002"

TERM = sa.String(length=200).with_variant(sa.String(length=200, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "search_terms",
        sa.Column("kind", sa.String(length=2), nullable=False),
        sa.Column("priority", sa.SmallInteger(), nullable=False),
        sa.Column("term", TERM, nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("org_unit", sa.String(length=128), nullable=False),
        sa.Column("relationship_manager", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("kind", "priority", "term", "customer_id", name=op.f("pk_search_terms")),
    )
    op.create_index("ix_search_terms_org_unit", "search_terms", ["org_unit", "kind", "term"])
    op.create_index(
        "ix_search_terms_relationship_manager", "search_terms", ["relationship_manager", "kind", "term"]
    )
    op.create_index("ix_search_terms_customer_id", "search_terms", ["customer_id"])


def downgrade() -> None:
    op.drop_table("search_terms")
