"""Datetime → Timestamp conversion (a new one or in place) agrees with protobuf's own FromDatetime."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from google.protobuf import timestamp_pb2
from kam_kit.timeconv import from_timestamp, set_timestamp, to_timestamp


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 11, 28, 9, 30, 15, 123456, tzinfo=UTC),
        datetime(2026, 11, 28, 17, 30, 15, 999999, tzinfo=timezone(timedelta(hours=8))),
        datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=UTC),  # before the epoch: nanos stay positive
        datetime(1955, 3, 1, tzinfo=timezone(timedelta(hours=-5))),
        datetime(2026, 1, 1, 0, 0, 0),  # naive: SQLite's UTC
    ],
)
def test_to_timestamp_matches_protobuf(value: datetime) -> None:
    expected = timestamp_pb2.Timestamp()
    expected.FromDatetime(value if value.tzinfo else value.replace(tzinfo=UTC))
    got = to_timestamp(value)
    assert (got.seconds, got.nanos) == (expected.seconds, expected.nanos)
    assert 0 <= got.nanos < 1_000_000_000
    assert from_timestamp(got) == (value if value.tzinfo else value.replace(tzinfo=UTC))
    in_place = timestamp_pb2.Timestamp(seconds=12345, nanos=678)  # overwritten whole
    set_timestamp(in_place, value)
    assert in_place == expected
