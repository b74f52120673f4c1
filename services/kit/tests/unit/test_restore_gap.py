"""When a restore may accept a consumer's stream whose head moved past the consumer's floor: only when the consumer
was caught up at the copy and the copy is younger than the streams' retention (what is missing can then only be
events their producer withdrew), never otherwise."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from kam_kit import backup, events
from kam_kit.clock import ManualClock
from kam_kit.runtime import _withdrawn

COPY = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def _manifest() -> backup.Manifest:
    return backup.Manifest(backup_id="b", service="gateway", create_time=COPY, engine="sqlite", file="f")


@pytest.mark.parametrize(
    ("caught_up", "age", "accepted"),
    [
        (True, timedelta(hours=1), True),
        (True, events.STREAM_MAX_AGE - timedelta(minutes=1), True),
        (True, events.STREAM_MAX_AGE, False),  # events after the copy may have aged out
        (False, timedelta(hours=1), False),  # it still needed events from before the copy
    ],
)
def test_a_gap_at_the_head_is_accepted_only_for_a_consumer_caught_up_at_a_recent_copy(
    caught_up: bool, age: timedelta, accepted: bool
) -> None:
    position = backup.Position(
        "gateway-report", "KAM_REPORT", stream_sequence=0, known=True, caught_up=caught_up
    )
    assert _withdrawn(position, _manifest(), ManualClock(COPY + age)) is accepted


def test_a_manifest_keeps_whether_each_consumer_was_caught_up() -> None:
    manifest = _manifest()
    manifest.consumer_positions = [
        backup.Position("a", "KAM_X", 7, True, True),
        backup.Position("b", "KAM_Y"),
    ]
    again = backup.Manifest.from_json(manifest.to_json())
    assert [p.caught_up for p in again.consumer_positions] == [True, False]
