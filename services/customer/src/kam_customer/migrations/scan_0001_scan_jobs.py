"""scan: scan jobs (watermarks, checkpoints, counters, issues) and announced key dates

Revision ID: scan_0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "scan_0001"
down_revision = None
branch_labels = ("scan",)
depends_on = "customer_0002"


def upgrade() -> None:
    op.create_table(
        "scan_jobs",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("trigger", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("creator", sa.String(128), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.Column("mapping", sa.String(400), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("start_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("start_watermark", sa.Text(), nullable=False),
        sa.Column("end_watermark", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("floors", sa.Text(), nullable=False),
        sa.Column("phase", sa.String(16), nullable=False),
        sa.Column("checkpoint", sa.String(128), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("run_seconds", sa.Float(), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("customers_scanned", sa.Integer(), nullable=False),
        sa.Column("customers_selected", sa.Integer(), nullable=False),
        sa.Column("customers_changed", sa.Integer(), nullable=False),
        sa.Column("accounts_changed", sa.Integer(), nullable=False),
        sa.Column("transactions_ingested", sa.Integer(), nullable=False),
        sa.Column("tier_changes", sa.Integer(), nullable=False),
        sa.Column("bad_rows", sa.Integer(), nullable=False),
        sa.Column("issues", sa.Text(), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_scan_jobs"),
        sa.UniqueConstraint("request_id", name="uq_scan_jobs_request_id"),
    )
    op.create_index("ix_scan_jobs_state", "scan_jobs", ["state"])
    op.create_index("ix_scan_jobs_create_time", "scan_jobs", ["create_time"])
    op.create_table(
        "scan_key_dates",
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(48), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("ref", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("customer_id", "kind", "day", "ref", name="pk_scan_key_dates"),
    )


def downgrade() -> None:
    op.drop_table("scan_key_dates")
    op.drop_table("scan_jobs")
