"""Kit table: the audit trail (kam_kit.audit), hash-chained per service by the sealer.

Revision ID: kit_0002
Revises: kit_0001
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "kit_0002"
down_revision = "kit_0001"
branch_labels = None
depends_on = None

BigIntPK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "kam_audit_records",
        sa.Column("id", BigIntPK, primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("service", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("actor_kind", sa.String(8), nullable=False),
        sa.Column("actor_display_name", sa.String(200), nullable=False),
        sa.Column("actor_roles", sa.JSON(), nullable=False),
        sa.Column("actor_org_unit", sa.String(128), nullable=False),
        sa.Column("action", sa.String(128), nullable=False),
        sa.Column("resource", sa.String(255), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("client", sa.String(255), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("trace_id", sa.String(32), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=True),
        sa.Column("hash", sa.String(64), nullable=True),
        sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_kam_audit_records"),
        sa.UniqueConstraint("record_id", name="uq_kam_audit_records_record_id"),
        sa.UniqueConstraint("service", "sequence", name="uq_kam_audit_records_service"),
    )
    op.create_index(
        "ix_kam_audit_records_unsealed",
        "kam_audit_records",
        ["id"],
        postgresql_where=sa.text("sequence IS NULL"),
        sqlite_where=sa.text("sequence IS NULL"),
    )
    op.create_index("ix_kam_audit_records_resource", "kam_audit_records", ["resource", "id"])


def downgrade() -> None:
    op.drop_index("ix_kam_audit_records_resource", table_name="kam_audit_records")
    op.drop_index("ix_kam_audit_records_unsealed", table_name="kam_audit_records")
    op.drop_table("kam_audit_records")
