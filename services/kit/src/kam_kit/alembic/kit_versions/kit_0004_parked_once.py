"""Kit table: a consumer parks an event once (``kam_parked_events`` unique by consumer and event id).

A poison event redelivered before its termination reached the broker (a slow ``term``, a partition taken over by
another replica) was parked a second time. Existing duplicates are removed first, the earliest row kept.

Revision ID: kit_0004
Revises: kit_0003
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "kit_0004"
down_revision = "kit_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        sa.text(
            "DELETE FROM kam_parked_events WHERE id NOT IN "
            "(SELECT MIN(id) FROM kam_parked_events GROUP BY consumer, event_id)"
        )
    )
    op.create_index(
        "ux_kam_parked_events_consumer_event", "kam_parked_events", ["consumer", "event_id"], unique=True
    )


def downgrade() -> None:
    op.drop_index("ux_kam_parked_events_consumer_event", table_name="kam_parked_events")
