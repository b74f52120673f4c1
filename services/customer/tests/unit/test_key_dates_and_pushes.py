"""Unit tier: which key dates a customer has (in-memory rows, no database) and how a pushed transaction is read
and validated before anything is stored."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from google.type import money_pb2
from kam.cdc.v1 import cdc_pb2
from kam_customer.adapters.orm import AccountRow, ContactRow, CustomerRow
from kam_customer.domain.identifiers import resident_id_check_char
from kam_customer.ingestion import ingest
from kam_customer.ingestion.push import TransactionDraft, validate_transaction
from kam_customer.keydates.service import Kind, next_anniversary, occurrences
from kam_kit.errors import InvalidArgument
from kam_kit.timeconv import to_timestamp

TODAY = date(2026, 2, 20)


def _resident_id(born: date) -> str:
    first17 = f"110101{born:%Y%m%d}001"
    return first17 + resident_id_check_char(first17)


def _customer(id_: str = "c1", **fields) -> CustomerRow:
    values = {
        "type": "INDIVIDUAL",
        "display_name": "张三",
        "id_number": "",
        "birth_date": None,
        "establishment_date": None,
        "relationship_start_date": None,
    } | fields
    return CustomerRow(id=id_, **values)


@pytest.mark.parametrize(
    ("origin", "today", "first", "expected"),
    [
        (date(1980, 3, 1), TODAY, 0, date(2026, 3, 1)),
        (date(1980, 2, 1), TODAY, 0, date(2027, 2, 1)),  # passed this year: next year's
        (date(1980, 2, 29), TODAY, 0, date(2026, 2, 28)),  # leap day in a common year
        (date(2025, 3, 1), TODAY, 1, date(2026, 3, 1)),
        (date(2026, 3, 1), TODAY, 1, date(2027, 3, 1)),  # begun this year: the first anniversary is next year
        (None, TODAY, 0, None),
    ],
)
def test_next_anniversary(origin, today, first, expected) -> None:
    assert next_anniversary(origin, today, first=first) == expected


def test_a_birthday_comes_from_the_id_number_when_none_is_stored() -> None:
    born = date(1980, 3, 5)
    found = occurrences([_customer(id_number=_resident_id(born))], [], [], TODAY, 30)
    assert [(o.kind, o.day) for o in found] == [(Kind.KEY_DATE_KIND_BIRTHDAY, date(2026, 3, 5))]


def test_an_invalid_id_number_gives_no_birthday() -> None:
    good = _resident_id(date(1980, 3, 5))
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")  # wrong check character
    assert occurrences([_customer(id_number=bad)], [], [], TODAY, 30) == []


def test_only_dates_inside_the_lead_window_are_found() -> None:
    customer = _customer(
        birth_date=date(1970, 2, 20),
        relationship_start_date=date(2010, 3, 22),
        establishment_date=date(2000, 3, 23),
    )
    found = {o.kind: o.day for o in occurrences([customer], [], [], TODAY, 30)}
    assert found == {
        Kind.KEY_DATE_KIND_BIRTHDAY: TODAY,  # today counts
        Kind.KEY_DATE_KIND_RELATIONSHIP_ANNIVERSARY: date(2026, 3, 22),
    }  # day 30 counts, 31 does not


def test_maturities_of_open_deposits_wealth_products_and_loans_and_contacts_birthdays() -> None:
    customer = _customer()
    accounts = [
        AccountRow(
            id="a1", customer_id="c1", type="TIME_DEPOSIT", state="OPEN", maturity_date=date(2026, 3, 1)
        ),
        AccountRow(id="a2", customer_id="c1", type="LOAN", state="OPEN", maturity_date=date(2026, 3, 2)),
        AccountRow(
            id="a3", customer_id="c1", type="TIME_DEPOSIT", state="CLOSED", maturity_date=date(2026, 3, 1)
        ),
        AccountRow(
            id="a4", customer_id="c1", type="DEMAND_DEPOSIT", state="OPEN", maturity_date=date(2026, 3, 1)
        ),
        AccountRow(id="a5", customer_id="other", type="LOAN", state="OPEN", maturity_date=date(2026, 3, 1)),
        AccountRow(id="a6", customer_id="c1", type="WEALTH", state="OPEN", maturity_date=date(2026, 3, 3)),
        AccountRow(id="a7", customer_id="c1", type="WEALTH", state="OPEN", maturity_date=None),  # open-ended
        AccountRow(id="a8", customer_id="c1", type="WEALTH", state="OPEN", maturity_date=date(2026, 4, 3)),
    ]
    contacts = [
        ContactRow(
            id="p1",
            customer_id="c1",
            display_name="李四",
            id_number=_resident_id(date(1990, 2, 25)),
            birth_date=None,
        )
    ]
    found = sorted((o.kind, o.ref, o.day) for o in occurrences([customer], accounts, contacts, TODAY, 30))
    assert found == sorted(
        [
            (Kind.KEY_DATE_KIND_DEPOSIT_MATURITY, "a1", date(2026, 3, 1)),
            (Kind.KEY_DATE_KIND_LOAN_MATURITY, "a2", date(2026, 3, 2)),
            (Kind.KEY_DATE_KIND_WEALTH_MATURITY, "a6", date(2026, 3, 3)),  # within the horizon; a8 is not
            (Kind.KEY_DATE_KIND_CONTACT_BIRTHDAY, "p1", date(2026, 2, 25)),
        ]
    )


NOW = datetime(2026, 2, 20, 8, 0, tzinfo=UTC)


def _draft(**fields) -> TransactionDraft:
    values = {"direction": "DEBIT", "amount": Decimal("10.00"), "post_time": NOW} | fields
    return TransactionDraft(**values)


def _fields(error: InvalidArgument) -> set[str]:
    return {violation.field for violation in error.violations}


def test_a_valid_push_passes() -> None:
    validate_transaction("T-1", _draft(), NOW)


def test_every_problem_of_a_push_is_named_at_once() -> None:
    with pytest.raises(InvalidArgument) as caught:
        validate_transaction(
            "bad id!",
            _draft(direction="", amount=Decimal(-1), summary="x" * 201, post_time=NOW + timedelta(hours=1)),
            NOW,
        )
    assert _fields(caught.value) == {
        "transaction_id",
        "transaction.direction",
        "transaction.amount",
        "transaction.summary",
        "transaction.post_time",
    }


def _message(**fields) -> cdc_pb2.SourceTransaction:
    message = cdc_pb2.SourceTransaction(
        transaction_id="T-1",
        account_number="6222000011112222",
        direction=cdc_pb2.SourceTransaction.DIRECTION_CREDIT,
        amount=money_pb2.Money(currency_code="CNY", units=1_000, nanos=500_000_000),
        post_time=to_timestamp(NOW),
    )
    for name, value in fields.items():
        if value is None:
            message.ClearField(name)
        else:
            setattr(message, name, value)
    return message


def test_a_cdc_message_is_read_into_an_incoming_transaction() -> None:
    txn = ingest.from_proto(_message(), NOW)
    assert (txn.id, txn.account_id, txn.direction, txn.amount, txn.post_time) == (
        "T-1",
        "6222000011112222",
        "CREDIT",
        Decimal("1000.50"),
        NOW,
    )
    assert txn.balance_after is None


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"transaction_id": " "}, "transaction_id"),
        ({"account_number": ""}, "account_number"),
        ({"direction": 0}, "direction"),
        ({"post_time": None}, "post_time"),
    ],
)
def test_an_unreadable_cdc_message_names_its_problem(change, problem) -> None:
    with pytest.raises(ValueError, match=problem):
        ingest.from_proto(_message(**change), NOW)


def test_a_cdc_message_from_the_future_is_refused() -> None:
    later = NOW + ingest.MAX_CLOCK_SKEW + timedelta(seconds=1)
    message = _message()
    message.post_time.CopyFrom(to_timestamp(later))
    with pytest.raises(ValueError, match="post_time"):
        ingest.from_proto(message, NOW)
