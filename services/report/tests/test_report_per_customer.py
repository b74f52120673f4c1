"""The per-customer reports (TOP_CUSTOMERS, CUSTOMER_SALES) choose their top rows in SQL and return only those; what
they return must be what computing every customer in Python gives — on SQLite and PostgreSQL, for each ordering,
with the ties a real bank has (customers holding nothing, equal holdings, names that sort differently by locale
and by code point).

The reference reads the facts plainly: per account the latest balance on or before the day (else the earliest),
counted while the account is open; a customer's assets are their asset accounts' balances; ranks order by assets
then by name, the start's only among customers holding something then; sales are the accounts opened in the
period (and what those asset accounts hold at its end) and the money in and out on its days.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from kam_devkit.testing import migrated_database
from kam_kit.db import Database
from kam_report.adapters.orm import AccountFact, BalanceDay, Base, CustomerFact, TransactionDay
from kam_report.bootstrap import MIGRATIONS
from kam_report.domain.tables import Query
from kam_report.service_layer import reports, store
from kam_report.service_layer.insights import _holdings_on, profiles_on

END = date(2026, 11, 30)
START = END - timedelta(days=89)
KINDS = ("DEMAND_DEPOSIT", "TIME_DEPOSIT", "WEALTH", "FUND", "LOAN")  # a loan is not an asset
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _bank(seed: int) -> tuple[list[dict], list[dict], list[dict], list[dict]]:
    rng = random.Random(seed)
    customers, accounts, balances, flows = [], [], [], []
    for n in range(60):
        # names whose order differs between a locale's collation and code points: upper/lower case, punctuation
        name = f"customers/{rng.choice(['a', 'B', 'c-', 'C', '_d'])}{n}"
        customers.append(
            {"customer": name, "type": "INDIVIDUAL", "create_time": NOW, "update_time": NOW, "branch": ""}
        )
        for k in range(rng.randint(0, 3)):  # some hold nothing at all
            account = f"{name}/accounts/{k}"
            opened = END - timedelta(days=rng.randint(0, 200))
            closed = END - timedelta(days=rng.randint(0, 60)) if rng.random() < 0.15 else None
            accounts.append(
                {
                    "account": account,
                    "customer": name,
                    "type": rng.choice(KINDS),
                    "open_date": opened if rng.random() < 0.9 else None,
                    "close_date": closed,
                    "update_time": NOW,
                }
            )
            for day in rng.sample(range(-150, 30), rng.randint(1, 6)):
                amount = rng.choice(
                    [0, 1_000, 5_000, 5_000, rng.randint(1, 900_000)]
                )  # equal holdings happen
                balances.append(
                    {
                        "account": account,
                        "day": END + timedelta(days=day),
                        "customer": name,
                        "type": accounts[-1]["type"],
                        "balance": Decimal(amount),
                    }
                )
            for day in rng.sample(range(-120, 10), rng.randint(0, 3)):
                flows.append(
                    {
                        "account": account,
                        "day": END + timedelta(days=day),
                        "origin": rng.choice("LH"),
                        "customer": name,
                        "type": accounts[-1]["type"],
                        "credit_count": 1,
                        "credit_amount": Decimal(rng.choice([0, 100, rng.randint(1, 50_000)])),
                        "debit_count": 1,
                        "debit_amount": Decimal(rng.choice([0, 100, rng.randint(1, 50_000)])),
                    }
                )
    return customers, accounts, balances, flows


@contextlib.asynccontextmanager
async def _store(database_url: str, customers, accounts, balances, flows) -> AsyncIterator[Database]:
    """A migrated store holding the bank's facts, spanned as the handlers span them."""
    async with migrated_database(database_url, MIGRATIONS, Base.metadata) as db:
        async with db.transaction() as session:
            session.add_all([CustomerFact(**c) for c in customers] + [AccountFact(**a) for a in accounts])
            session.add_all([BalanceDay(**b) for b in balances] + [TransactionDay(**f) for f in flows])
            await store.respan(session, [a["account"] for a in accounts])
        yield db


def _assets_on(accounts: list[dict], balances: list[dict], day: date) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for account in accounts:
        if account["type"] not in reports.ASSET_TYPES:
            continue
        if account["open_date"] is not None and account["open_date"] > day:
            continue
        if account["close_date"] is not None and account["close_date"] <= day:
            continue
        days = {b["day"]: b["balance"] for b in balances if b["account"] == account["account"]}
        if not days:
            continue
        before = [d for d in days if d <= day]
        held = days[max(before) if before else min(days)]
        out[account["customer"]] = out.get(account["customer"], Decimal(0)) + held
    return out


def _ranks(values: dict[str, Decimal]) -> dict[str, int]:
    return {key: n for n, key in enumerate(sorted(values, key=lambda k: (-values[k], k)), start=1)}


@pytest.mark.parametrize("seed", [11, 12])
@pytest.mark.parametrize("dimension", ["assets", "growth", "contribution"])
async def test_the_top_customers_ranked_in_sql_are_those_ranked_in_python(
    database_url, seed, dimension
) -> None:
    customers, accounts, balances, flows = _bank(seed)
    names = [c["customer"] for c in customers]
    end = _assets_on(accounts, balances, END)
    start = _assets_on(accounts, balances, START - timedelta(days=1))
    aum = {n: end.get(n, Decimal(0)) for n in names}
    aum_start = {n: start.get(n, Decimal(0)) for n in names}
    rank_end = _ranks(aum)
    rank_start = _ranks({n: v for n, v in aum_start.items() if v > 0})
    first = (lambda n: aum[n] - aum_start[n]) if dimension == "growth" else (lambda n: aum[n])
    expected = [
        (n, aum[n], aum_start[n], None if n not in rank_start else rank_start[n] - rank_end[n])
        for n in sorted(names, key=lambda n: (-first(n), n))[:25]
    ]
    async with _store(database_url, customers, accounts, balances, flows) as db, db.read() as session:
        table = await reports.top_customers(
            session, Query(start=START, end=END, dimension=dimension, top_n=25)
        )
    got = [
        (row.drill_down, Decimal(str(row.values[6])), Decimal(str(row.values[7])), row.values[10])
        for row in table.rows
    ]
    assert got == expected
    assert [row.values[0] for row in table.rows] == list(range(1, 26))
    total = sum(aum.values(), Decimal(0))
    for row in table.rows:  # each one's share of the whole scope, not of the rows shown
        assert row.values[9] == reports.rate(aum[row.drill_down], total)


def test_names_break_ties_by_code_point_on_postgresql_whatever_its_locale() -> None:
    """This machine's PostgreSQL collates C.UTF-8 already; a bank's may sort by its locale ('B' after 'a')."""
    from sqlalchemy.dialects import postgresql, sqlite

    ordered = reports.in_code_order(CustomerFact.customer)
    assert str(ordered.compile(dialect=postgresql.dialect())) == 'customer_facts.customer COLLATE "C"'
    assert (
        str(ordered.compile(dialect=sqlite.dialect())) == "customer_facts.customer"
    )  # SQLite: by code point


@pytest.mark.parametrize("seed", [21, 22])
async def test_the_customer_sales_chosen_in_sql_are_those_computed_in_python(database_url, seed) -> None:
    customers, accounts, balances, flows = _bank(seed)
    names = [c["customer"] for c in customers]
    end = _assets_on(accounts, balances, END)
    start = _assets_on(accounts, balances, START - timedelta(days=1))
    opened = [a for a in accounts if a["open_date"] is not None and START <= a["open_date"] <= END]
    new_amount = _assets_on(opened, balances, END)
    in_period = [f for f in flows if START <= f["day"] <= END]
    figures = {
        n: (
            sum(1 for a in opened if a["customer"] == n),
            new_amount.get(n, Decimal(0)),
            sum((f["credit_amount"] for f in in_period if f["customer"] == n), Decimal(0)),
            sum((f["debit_amount"] for f in in_period if f["customer"] == n), Decimal(0)),
            end.get(n, Decimal(0)) - start.get(n, Decimal(0)),
        )
        for n in names
    }
    active = [n for n, (count, _, inflow, outflow, _) in figures.items() if count or inflow or outflow]
    chosen = sorted(active, key=lambda n: (-(figures[n][2] - figures[n][3]), n))[:15]
    expected = [
        (n, figures[n][0], *figures[n][1:4], figures[n][2] - figures[n][3], figures[n][4]) for n in chosen
    ]
    everyone = [
        (n, figures[n][0], *figures[n][1:4], figures[n][2] - figures[n][3], figures[n][4])
        for n in sorted(active, key=lambda n: (-(figures[n][2] - figures[n][3]), n))
    ]
    async with _store(database_url, customers, accounts, balances, flows) as db, db.read() as session:
        table = await reports.customer_sales(session, Query(start=START, end=END, top_n=15))
        # more rows asked for than customers moving: every one, those with openings only (net 0) included
        whole = await reports.customer_sales(session, Query(start=START, end=END, top_n=500))
        nobody = await reports.customer_sales(
            session, Query(start=START, end=END, relationship_managers=("staff/nobody",))
        )

    def figures_of(table):
        return [
            (row.drill_down, row.values[2], *(Decimal(str(v)) for v in row.values[3:8])) for row in table.rows
        ]

    assert figures_of(table) == expected
    assert figures_of(whole) == everyone and any(f[1] and not f[3] and not f[4] for f in everyone)
    assert nobody.rows == ()


def test_statements_that_wrap_different_columns_are_not_one_cached_statement() -> None:
    """SQLAlchemy caches compiled statements by their structure: the wrapped column must be part of it, or a
    statement would run another's SQL."""
    from sqlalchemy import select
    from sqlalchemy.dialects import sqlite

    opened = select(AccountFact.account).where(reports.not_indexed(AccountFact.open_date) <= END)
    closed = select(AccountFact.account).where(reports.not_indexed(AccountFact.close_date) <= END)
    assert opened._generate_cache_key() != closed._generate_cache_key()
    assert "+account_facts.open_date" in str(opened.compile(dialect=sqlite.dialect()))


@pytest.mark.parametrize("seed", [11, 12])
async def test_the_backtests_reading_of_the_end_is_what_python_and_the_profiles_give(
    database_url, seed
) -> None:
    """The churn backtest reads only assets and held products at the period's end (not a second population of
    whole profiles: its memory at a million customers): per customer, the facts read plainly, and the profile's."""
    customers, accounts, balances, flows = _bank(seed)
    names = [c["customer"] for c in customers]
    assets = _assets_on(accounts, balances, END)
    held = {
        n: frozenset(
            a["type"]
            for a in accounts
            if a["customer"] == n
            and (a["open_date"] is None or a["open_date"] <= END)
            and (a["close_date"] is None or a["close_date"] > END)
        )
        for n in names
    }
    async with _store(database_url, customers, accounts, balances, flows) as db, db.read() as session:
        got = await _holdings_on(session, END, names[::2])  # some of them, as the backtest's t0 scored
        profiles = await profiles_on(session, END)
    assert set(got) == set(names[::2])
    assert {n: (h.aum_now, h.products) for n, h in got.items()} == {
        n: (assets.get(n, Decimal(0)), held[n]) for n in names[::2]
    }
    assert {n: (h.aum_now, h.products) for n, h in got.items()} == {
        n: (profiles[n].aum_now, profiles[n].products) for n in names[::2]
    }
    assert any(h.aum_now for h in got.values()) and any(h.products for h in got.values())
