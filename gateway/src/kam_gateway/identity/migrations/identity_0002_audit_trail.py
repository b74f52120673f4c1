"""The central audit trail (every service's AuditRecorded events).

Revision ID: identity_0002
Revises: identity_0001
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "identity_0002"
down_revision = "identity_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_trail",
        sa.Column("service", sa.String(64), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("occur_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(128), nullable=False),
        sa.Column("resource", sa.String(255), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("canonical_json", sa.Text(), nullable=False),
        sa.Column("record", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("service", "sequence", name=op.f("pk_audit_trail")),
        sa.UniqueConstraint("record_id", name=op.f("uq_audit_trail_record_id")),
    )
    for column in ("occur_time", "actor", "action", "resource"):
        op.create_index(op.f(f"ix_audit_trail_{column}"), "audit_trail", [column])


def downgrade() -> None:
    op.drop_table("audit_trail")
