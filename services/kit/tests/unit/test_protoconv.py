"""Issue 11, item 10: one converter for dates, times and amounts in requests; bad values are field violations."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from google.protobuf import timestamp_pb2
from google.type import date_pb2, money_pb2
from kam_kit import protoconv
from kam_kit.errors import InvalidArgument, Validator


@pytest.mark.parametrize(
    "year, month, day",
    [(2026, 13, 1), (2026, 2, 30), (2147483646, 1, 1), (0, 5, 1), (2026, 0, 0), (-1, 1, 1)],
)
def test_item10_impossible_dates_name_the_field(year, month, day) -> None:
    with pytest.raises(InvalidArgument) as error:
        protoconv.date_value(date_pb2.Date(year=year, month=month, day=day), "contact.birth_date")
    assert [v.field for v in error.value.violations] == ["contact.birth_date"]


def test_dates_read_and_unset_dates_are_none() -> None:
    assert protoconv.date_value(date_pb2.Date(year=2024, month=2, day=29), "d") == date(2024, 2, 29)
    assert protoconv.date_value(date_pb2.Date(), "d") is None


@pytest.mark.parametrize(
    "seconds, nanos",
    [(10**15, 0), (-(10**15), 0), (0, -1), (0, 1_000_000_000), (protoconv.MAX_SECONDS + 1, 0)],
)
def test_item10_timestamps_out_of_range_name_the_field(seconds, nanos) -> None:
    with pytest.raises(InvalidArgument) as error:
        protoconv.timestamp_value(timestamp_pb2.Timestamp(seconds=seconds, nanos=nanos), "post_time")
    assert [v.field for v in error.value.violations] == ["post_time"]


def test_timestamps_read_at_both_ends_of_the_range() -> None:
    assert protoconv.timestamp_value(timestamp_pb2.Timestamp(seconds=0), "t") == datetime(
        1970, 1, 1, tzinfo=UTC
    )
    assert protoconv.timestamp_value(timestamp_pb2.Timestamp(seconds=protoconv.MAX_SECONDS), "t").year == 9999


@pytest.mark.parametrize(
    "units, nanos, currency, fields",
    [
        (1, -5, "CNY", ["amount"]),  # signs differ
        (0, 1_000_000_000, "", ["amount"]),  # nanos out of range
        (10**16, 0, "CNY", ["amount"]),  # beyond what KAM stores
        (
            -5,
            0,
            "USD",
            ["amount.currency_code", "amount"],
        ),  # every problem named (negative with positive=True)
    ],
)
def test_item10_bad_amounts_name_every_problem(units, nanos, currency, fields) -> None:
    with pytest.raises(InvalidArgument) as error:
        protoconv.money_value(
            money_pb2.Money(units=units, nanos=nanos, currency_code=currency), "amount", positive=True
        )
    assert [v.field for v in error.value.violations] == fields


def test_amounts_read_to_the_cent_and_collect_joins_a_validator() -> None:
    assert protoconv.money_value(money_pb2.Money(units=-3, nanos=-500_000_000), "a") == Decimal("-3.50")
    assert protoconv.money_value(
        money_pb2.Money(units=12, nanos=345_678_901, currency_code="CNY"), "a"
    ) == Decimal("12.35")
    v = Validator()
    assert (
        protoconv.collect(v, protoconv.date_value, date_pb2.Date(year=2026, month=2, day=30), "x.day") is None
    )
    assert [violation.field for violation in v.violations] == ["x.day"]
