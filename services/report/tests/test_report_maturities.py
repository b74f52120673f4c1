"""Maturities in the analytical store, on SQLite and PostgreSQL: the maturity date kept from account events, and the
churn score's maturities not renewed (MATURITIES_NOT_RENEWED) read from the store as of a scoring day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from google.type import date_pb2, money_pb2
from kam.customer.v1 import customer_pb2, events_pb2
from kam_devkit.testing import migrated_database
from kam_kit.consumer import Batched
from kam_kit.db import Database
from kam_kit.events import EventMeta
from kam_kit.timeconv import to_timestamp
from kam_report.adapters.orm import AccountFact, Base
from kam_report.bootstrap import MIGRATIONS
from kam_report.domain import mining
from kam_report.service_layer import store
from kam_report.service_layer.insights import profiles_on
from kam_report.service_layer.projections import on_customer_changed
from sqlalchemy import MetaData

Account = customer_pb2.Account
META = EventMeta(
    event_id="e", event_type="", source="kam/customer", time="", subject="", resource="", delivery=1
)
TD = "customers/c1/accounts/td"
MATURITY = date(2026, 3, 1)


def _d(day: date) -> date_pb2.Date:
    return date_pb2.Date(year=day.year, month=day.month, day=day.day)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, 0, tzinfo=UTC)  # noon in Shanghai: the same bank day


def _account(
    name: str,
    kind: int,
    balance: int,
    changed: date,
    *,
    opened: date = date(2025, 3, 1),
    maturity: date | None = None,
    state: int = Account.STATE_OPEN,
    product: str = "TD-1Y",
) -> Account:
    return Account(
        name=name,
        type=kind,
        product=product,
        product_display_name=product,
        balance=money_pb2.Money(currency_code="CNY", units=balance),
        state=state,
        open_date=_d(opened),
        maturity_date=_d(maturity) if maturity else None,
        balance_update_time=to_timestamp(_at(changed)),
    )


@pytest.fixture
async def db(database_url):
    async with migrated_database(database_url, MIGRATIONS, Base.metadata) as database:
        yield database


async def _apply(db: Database, *events) -> None:
    async with db.transaction() as session:
        for event in events:
            if isinstance(event, events_pb2.CustomerCreated):
                await on_customer_changed(session, event, META)
            elif isinstance(handler := store.HANDLERS[type(event)], Batched):
                await handler.handler(session, [(event, META)])
            else:
                await handler(session, event, META)


async def test_the_maturity_date_is_kept_from_account_events(db: Database) -> None:
    demand = "customers/c1/accounts/dd"
    await _apply(
        db,
        events_pb2.AccountOpened(
            account=_account(TD, Account.TYPE_TIME_DEPOSIT, 500_000, date(2025, 3, 1), maturity=MATURITY)
        ),
        events_pb2.AccountOpened(
            account=_account(demand, Account.TYPE_DEMAND_DEPOSIT, 1_000, date(2025, 3, 1), product="DMD")
        ),
    )
    async with db.read() as session:
        assert (await session.get(AccountFact, TD)).maturity_date == MATURITY
        assert (await session.get(AccountFact, demand)).maturity_date is None
    # rolled over in place: the next event carries the next maturity; an older event arriving late changes nothing
    await _apply(
        db,
        events_pb2.AccountUpdated(
            account=_account(TD, Account.TYPE_TIME_DEPOSIT, 510_000, MATURITY, maturity=date(2027, 3, 1))
        ),
        events_pb2.AccountUpdated(
            account=_account(TD, Account.TYPE_TIME_DEPOSIT, 500_000, date(2026, 2, 1), maturity=MATURITY)
        ),
    )
    async with db.read() as session:
        row = await session.get(AccountFact, TD)
        assert (row.maturity_date, row.balance) == (date(2027, 3, 1), Decimal("510000.00"))


async def _bank_with_a_lapsed_deposit(db: Database, *renewal: events_pb2.AccountOpened) -> None:
    """孙三 holds 100 000 on demand and a 500 000 time deposit (TD-1Y) maturing on 2026-03-01; on 03-05 it is paid
    out and closed."""
    moment = to_timestamp(_at(date(2025, 3, 1)))
    await _apply(
        db,
        events_pb2.CustomerCreated(
            customer=customer_pb2.Customer(
                name="customers/c1",
                display_name="孙三",
                type=customer_pb2.Customer.TYPE_INDIVIDUAL,
                create_time=moment,
                update_time=moment,
            )
        ),
        events_pb2.AccountOpened(
            account=_account(
                "customers/c1/accounts/dd",
                Account.TYPE_DEMAND_DEPOSIT,
                100_000,
                date(2025, 3, 1),
                product="DMD",
            )
        ),
        events_pb2.AccountOpened(
            account=_account(TD, Account.TYPE_TIME_DEPOSIT, 500_000, date(2025, 3, 1), maturity=MATURITY)
        ),
        events_pb2.AccountUpdated(
            account=_account(
                TD,
                Account.TYPE_TIME_DEPOSIT,
                0,
                date(2026, 3, 5),
                maturity=MATURITY,
                state=Account.STATE_CLOSED,
            )
        ),
        *renewal,
    )


def _factor(profile: mining.CustomerProfile, day: date) -> tuple[int, str] | None:
    factors = {f.code: (f.points, f.text) for f in mining.score_churn_risk(profile, day).factors}
    return factors.get("MATURITIES_NOT_RENEWED")


async def test_a_deposit_paid_out_at_maturity_scores_as_not_renewed(db: Database) -> None:
    await _bank_with_a_lapsed_deposit(db)
    async with db.read() as session:
        on_0303, on_0310 = (
            await profiles_on(session, date(2026, 3, 3)),
            await profiles_on(session, date(2026, 3, 10)),
        )
        before = await profiles_on(session, date(2026, 2, 28))
        long_after = await profiles_on(session, MATURITY + timedelta(days=90))
    # the day before maturity (e.g. the backtest's t0): the maturity is not known to have happened
    assert (
        before["customers/c1"].maturities == () and _factor(before["customers/c1"], date(2026, 2, 28)) is None
    )
    # 03-03: matured but the money still in the deposit (the store saw it paid out on 03-05): no factor yet
    (maturity,) = on_0303["customers/c1"].maturities
    assert (maturity.balance_before, maturity.balance_now, maturity.closed) == (
        Decimal("500000.00"),
        Decimal("500000.00"),
        False,
    )
    assert _factor(on_0303["customers/c1"], date(2026, 3, 3)) is None
    # 03-10: closed, nothing opened since: 500 000 of the 600 000 held 90 days before (83%) → 10
    assert _factor(on_0310["customers/c1"], date(2026, 3, 10)) == (
        10,
        "定期存款 TD-1Y 于 2026-03-01 到期未续存（到期前余额 ¥500,000.00）",
    )
    # 90 days after the maturity it has left the window
    assert long_after["customers/c1"].maturities == ()


async def test_a_new_time_deposit_within_30_days_renews_it_from_the_day_it_is_opened(db: Database) -> None:
    new = "customers/c1/accounts/td2"
    await _bank_with_a_lapsed_deposit(
        db,
        events_pb2.AccountOpened(
            account=_account(
                new,
                Account.TYPE_TIME_DEPOSIT,
                480_000,
                date(2026, 3, 20),
                opened=date(2026, 3, 20),
                maturity=date(2027, 3, 20),
            )
        ),
    )
    async with db.read() as session:
        on_0310, on_0320 = (
            await profiles_on(session, date(2026, 3, 10)),
            await profiles_on(session, date(2026, 3, 20)),
        )
    # scored on 03-10 nothing was opened yet (the 03-20 deposit is not looked ahead at)
    assert on_0310["customers/c1"].renewal_openings == ()
    assert _factor(on_0310["customers/c1"], date(2026, 3, 10)) is not None
    assert on_0320["customers/c1"].renewal_openings == (date(2026, 3, 20),)
    assert _factor(on_0320["customers/c1"], date(2026, 3, 20)) is None


async def test_the_migration_adds_exactly_the_maturity_date(db: Database) -> None:
    wanted = MetaData()
    Base.metadata.tables["account_facts"].to_metadata(wanted)

    def diff(connection):
        return [
            d
            for d in compare_metadata(MigrationContext.configure(connection), wanted)
            if _table_of(d) == "account_facts"
        ]

    async with db.engine.connect() as connection:
        assert await connection.run_sync(diff) == []


def _table_of(difference) -> str:
    item = difference[0] if isinstance(difference, list) else difference
    kind = item[0]
    if kind.endswith("_table"):
        return item[1].name
    if kind.endswith(("_index", "_constraint", "_fk")):
        return item[1].table.name
    return item[2]
