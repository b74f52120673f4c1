"""Reading dates, times and amounts from requests: ``google.type.Date``, ``google.protobuf.Timestamp`` and
``google.type.Money`` → ``date``, aware ``datetime`` and ``Decimal``, or ``INVALID_ARGUMENT`` naming the field.

Every service reads these through here, so that a month 13, a 30 February, a year 2147483646, a timestamp
beyond year 9999 or an amount with mismatched signs is a clear field violation, never a ``ValueError`` that the
interceptor would answer as ``INTERNAL``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from google.protobuf import timestamp_pb2
from google.type import date_pb2, money_pb2

from kam_kit.errors import InvalidArgument, Validator

#: Seconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z (the range RFC 3339 and ``datetime`` share).
MIN_SECONDS, MAX_SECONDS = -62_135_596_800, 253_402_300_799
_NANOS = 1_000_000_000
_CENT = Decimal("0.01")
#: Largest amount KAM stores (the database keeps 18 digits before the point; no bank balance comes near).
MAX_AMOUNT = Decimal("1e15")


def collect(validator: Validator, convert, *args, **kwargs):
    """``convert(*args, **kwargs)``, or None with its violations added to ``validator`` (so that one response
    names every bad field)."""
    try:
        return convert(*args, **kwargs)
    except InvalidArgument as error:
        validator.violations.extend(error.violations)
        return None


def date_value(message: date_pb2.Date, field: str) -> date | None:
    """A full calendar date, or None when the Date is unset (all zero). Partial dates (a year alone, a month and
    day without a year) are not accepted."""
    if message.year == 0 and message.month == 0 and message.day == 0:
        return None
    try:
        return date(message.year, message.month, message.day)
    except (ValueError, OverflowError):
        raise InvalidArgument.for_field(
            field,
            f"日期无效：{message.year}-{message.month:02d}-{message.day:02d} 不存在 "
            "(not a calendar date; expected year 1–9999, month 1–12 and a day that month has)",
        ) from None


def timestamp_value(message: timestamp_pb2.Timestamp, field: str) -> datetime:
    """An aware UTC datetime, or INVALID_ARGUMENT outside 0001-01-01 … 9999-12-31 or with bad nanoseconds."""
    if not MIN_SECONDS <= message.seconds <= MAX_SECONDS or not 0 <= message.nanos < _NANOS:
        raise InvalidArgument.for_field(
            field, "时间超出范围 (timestamp out of range: 0001-01-01 to 9999-12-31)"
        )
    return message.ToDatetime(tzinfo=UTC)


def money_value(
    message: money_pb2.Money, field: str, *, currencies: tuple[str, ...] = ("", "CNY"), positive: bool = False
) -> Decimal:
    """The amount in yuan, rounded to the cent. INVALID_ARGUMENT (naming every problem) when the currency is not
    one of ``currencies`` (empty means CNY), ``nanos`` is out of range or of the other sign than ``units``, the
    amount is beyond :data:`MAX_AMOUNT`, or — with ``positive`` — it is not above zero."""
    v = Validator()
    v.check(message.currency_code in currencies, f"{field}.currency_code", "仅支持人民币 CNY (only CNY)")
    units, nanos = message.units, message.nanos
    if v.check(
        -_NANOS < nanos < _NANOS and not (units > 0 > nanos) and not (units < 0 < nanos),
        field,
        "金额无效：nanos 应在 ±999,999,999 之内且与 units 同号 (invalid amount: nanos out of range or of the "
        "other sign)",
    ):
        value = (Decimal(units) + Decimal(nanos) / _NANOS).quantize(_CENT)
        if v.check(abs(value) < MAX_AMOUNT, field, "金额超出范围 (amount out of range)") and positive:
            v.check(value > 0, field, "金额必须为正 (must be positive)")
    v.raise_if_any("金额无效 (invalid amount)")
    return value


def update_paths(requested: list[str], message, writable: tuple[str, ...]) -> list[str]:
    """The fields an update changes (AIP-134): no mask → every populated writable field of ``message`` (a message
    field or a oneof member when present, any other when not empty, false or zero); ``*`` → all writable fields;
    else the mask as given (the caller rejects fields that are not writable)."""
    if not requested:
        return [path for path in writable if _populated(message, path)]
    return list(writable) if requested == ["*"] else requested


def _populated(message, path: str) -> bool:
    field = message.DESCRIPTOR.fields_by_name.get(path)
    if (
        field is not None
        and not field.is_repeated
        and (field.message_type is not None or field.containing_oneof is not None)
    ):
        return message.HasField(path)
    return bool(getattr(message, path))


def required_message(request, field: str) -> None:
    """The request's message ``field`` must be there (``INVALID_ARGUMENT`` naming it)."""
    if not request.HasField(field):
        raise InvalidArgument.for_field(field, "必填 (required)")
