"""Datetime ↔ protobuf Timestamp, tolerant of the naive UTC datetimes SQLite returns."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf import timestamp_pb2


def aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_timestamp(value: datetime) -> timestamp_pb2.Timestamp:
    # Timestamp.FromDatetime goes through utctimetuple/calendar.timegm; plain timedelta arithmetic is several
    # times faster (a scan converts hundreds of thousands of times) and gives the same seconds and nanos.
    delta = aware(value) - _EPOCH
    return timestamp_pb2.Timestamp(
        seconds=delta.days * 86400 + delta.seconds, nanos=delta.microseconds * 1000
    )


def set_timestamp(target: timestamp_pb2.Timestamp, value: datetime) -> None:
    """``target`` (a message's Timestamp field) set to ``value`` in place: no Timestamp made and copied in, a
    microsecond less per field than ``to_timestamp`` (a page renders two per customer)."""
    delta = aware(value) - _EPOCH
    target.seconds = delta.days * 86400 + delta.seconds
    target.nanos = delta.microseconds * 1000


def from_timestamp(ts: timestamp_pb2.Timestamp) -> datetime:
    return ts.ToDatetime(tzinfo=UTC)
