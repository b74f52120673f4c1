"""The users copied from identity events (relationship managers by staff code, schedule owners) and scheduled
reports (定时报表).

Revision ID: report_0006
Revises: report_0005
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "report_0006"
down_revision = "report_0005"
branch_labels = None
depends_on = None

_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("org_unit", sa.String(128), nullable=False),
        sa.Column("roles", sa.Text(), nullable=False),
        sa.Column("staff_code", sa.String(64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("update_time", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_users"),
    )
    op.create_table(
        "report_schedules",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(128), nullable=False),
        sa.Column("owner_identity", sa.Text(), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(48), nullable=False),
        sa.Column("parameters", sa.Text(), nullable=False),
        sa.Column("period", sa.String(32), nullable=False),
        sa.Column("cron", sa.String(100), nullable=False),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("next_run_time", _TIME, nullable=True),
        sa.Column("last_run_time", _TIME, nullable=True),
        sa.Column("last_report", sa.String(128), nullable=False),
        sa.Column("last_error", sa.String(500), nullable=False),
        sa.Column("create_time", _TIME, nullable=False),
        sa.Column("update_time", _TIME, nullable=False),
        sa.Column("etag", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_schedules")),
        sa.UniqueConstraint("owner", "request_id", name=op.f("uq_report_schedules_owner")),
    )
    op.create_index(op.f("ix_report_schedules_owner"), "report_schedules", ["owner"])
    op.create_index(op.f("ix_report_schedules_next_run_time"), "report_schedules", ["next_run_time"])


def downgrade() -> None:
    op.drop_table("report_schedules")
    op.drop_table("users")
