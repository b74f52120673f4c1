"""Datetime ↔ protobuf Timestamp, tolerant of the naive UTC datetimes SQLite returns."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf import timestamp_pb2


def aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def to_timestamp(value: datetime) -> timestamp_pb2.Timestamp:
    ts = timestamp_pb2.Timestamp()
    ts.FromDatetime(aware(value))
    return ts


def from_timestamp(ts: timestamp_pb2.Timestamp) -> datetime:
    return ts.ToDatetime(tzinfo=UTC)
