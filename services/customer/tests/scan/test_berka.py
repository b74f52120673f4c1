"""A second, differently shaped schema scanned through a mapping file alone: Berka (PKDD'99) as loaded by the
source part's berka loader, read through mappings/berka.toml."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from kam_customer.adapters.orm import (
    AccountRow,
    BalanceHistoryRow,
    CustomerMetricsRow,
    CustomerRow,
    OrgUnitRow,
)
from kam_demobank import berka
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import create_async_engine

from .conftest import BERKA_MAPPING, Scanner, async_url, migrated

FLOORS = {"INDIVIDUAL": {"aum": Decimal(50000), "loan_balance": Decimal(1)}}
CENT = Decimal("0.01")
#: CNY per CZK (KAM's setting KAM_CUSTOMER_FX_RATES=CZK=0.31: Berka has no rate table).
CZK = Decimal("0.31")
RATES = {"CZK": CZK}


@pytest.fixture(scope="module")
def berka_source(tmp_path_factory) -> str:
    import asyncio

    if not berka.default_data_dir().is_dir():
        pytest.skip("Berka files not available")
    path = tmp_path_factory.mktemp("berka") / "berka.db"
    asyncio.run(berka.load(f"sqlite:///{path}"))
    return f"sqlite:///{path}"


async def _raw(source: str) -> tuple[dict, list, list]:
    engine = create_async_engine(async_url(source))
    try:
        async with engine.connect() as conn:
            owners = dict(
                (
                    await conn.execute(text("SELECT account_id, client_id FROM disp WHERE type = 'OWNER'"))
                ).all()
            )
            trans = (
                await conn.execute(
                    text("SELECT account_id, date, trans_id, type, amount, balance FROM trans")
                )
            ).all()
            loans = (await conn.execute(text("SELECT account_id, amount, status FROM loan"))).all()
    finally:
        await engine.dispose()
    return owners, trans, loans


def _closings(trans) -> dict[tuple[int, date], Decimal]:
    """Each account's balance at the end of each day it has transactions, by following the balance chain in plain
    Python: the day starts at the transaction whose balance before it (balance − its signed amount) is the
    previous closing balance (or, where the file has a gap, one that no other of the day's transactions leads
    to), and goes on to the transaction whose balance before it is the current balance, until the day's last.
    Links match to 0.15 CZK (interest is rounded to 0.1 CZK, the balances are not)."""
    tolerance = Decimal("0.15")
    days: dict[tuple[int, date], list[tuple[Decimal, Decimal]]] = defaultdict(list)
    for account_id, day, _trans_id, type_, amount, balance in trans:
        amount, balance = Decimal(str(amount)), Decimal(str(balance))
        days[(account_id, _date(day))].append((balance - (amount if type_ == "PRIJEM" else -amount), balance))
    closings: dict[tuple[int, date], Decimal] = {}
    current: dict[int, Decimal] = {}
    for account_id, day in sorted(days):
        left = list(days[(account_id, day)])
        balance = current.get(account_id)
        while left:
            following = [t for t in left if balance is not None and abs(t[0] - balance) < tolerance]
            starts = [t for t in left if not any(abs(t[0] - o[1]) < tolerance for o in left if o is not t)]
            step = min(following, key=lambda t: abs(t[0] - balance)) if following else (starts or left)[0]
            left.remove(step)
            balance = step[1]
        closings[(account_id, day)] = current[account_id] = balance
    return closings


def _date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


async def _independent(source: str) -> dict[str, tuple[Decimal, Decimal]]:
    """Per owning client, computed in Python from the raw tables, in CNY: deposits (the closing balance of the
    last day of each owned account, by the balance chain) and running loans (status C or D)."""
    owners, trans, loans = await _raw(source)
    last: dict[int, tuple[date, Decimal]] = {}
    for (account_id, day), balance in _closings(trans).items():
        if account_id not in last or day > last[account_id][0]:
            last[account_id] = (day, balance)
    out: dict[str, list[Decimal]] = {f"c{c}": [Decimal(0), Decimal(0)] for c in owners.values()}
    for account_id, (_day, balance) in last.items():
        if account_id in owners:
            out[f"c{owners[account_id]}"][0] += balance * CZK
    for account_id, amount, status in loans:
        if status in ("C", "D"):
            out[f"c{owners[account_id]}"][1] += Decimal(str(amount)) * CZK
    return {k: (v[0].quantize(CENT), v[1].quantize(CENT)) for k, v in out.items()}


async def test_berka_is_scanned_through_its_mapping(kam, clock, berka_source) -> None:
    job = await Scanner(
        kam, clock, berka_source, mapping=BERKA_MAPPING, batch_size=500, floors=FLOORS, fx_rates=RATES
    ).run()
    assert job.state == "SUCCEEDED", job.error_message
    assert job.as_of == date(1994, 3, 31)  # the newest day in trans_partial.asc
    assert job.customers_scanned == 5369 and job.bad_rows == 0
    expected = await _independent(berka_source)
    # the floors are CNY, as the metrics are
    wanted = {cid for cid, (aum, loans) in expected.items() if aum >= 50000 or loans >= 1}
    async with kam.read() as session:
        metrics = {r.customer_id: r for r in (await session.scalars(select(CustomerMetricsRow))).all()}
        customers = {r.id: r for r in (await session.scalars(select(CustomerRow))).all()}
        kinds = set((await session.scalars(select(AccountRow.type))).all())
        regions = set((await session.scalars(select(OrgUnitRow.region))).all())
    assert set(metrics) == wanted and job.customers_selected == len(wanted)
    for customer_id, row in metrics.items():  # CZK × 0.31, summed and rounded by the source's engine
        assert abs(row.aum - expected[customer_id][0]) <= CENT, customer_id
        assert abs(row.loan_balance - expected[customer_id][1]) <= CENT, customer_id
    assert kinds == {"DEMAND_DEPOSIT", "LOAN", "CREDIT_CARD"}
    assert "Prague" in regions and len(regions) == 8
    # birth_number is YYMMDD with +50 on the month for women
    births = await _births(berka_source)
    assert customers and all(c.birth_date == births[c.source_id] for c in customers.values())
    assert any(
        c.birth_date.month == int(raw[2:4]) - 50
        for c in customers.values()
        for raw in [births.raw[c.source_id]]
        if int(raw[2:4]) > 50
    )


class _Births(dict):
    raw: dict[str, str]


async def _births(source: str) -> _Births:
    engine = create_async_engine(async_url(source))
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT client_id, birth_number FROM client"))).all()
    finally:
        await engine.dispose()
    births = _Births()
    births.raw = {}
    for client_id, number in rows:
        yy, mm, dd = int(number[:2]), int(number[2:4]), int(number[4:6])
        births[str(client_id)] = date(1900 + yy, mm - 50 if mm > 50 else mm, dd)
        births.raw[str(client_id)] = number
    return births


@pytest.fixture
async def berka_on_each_engine(database_url, tmp_path):
    """(source URL, KAM database): Berka loaded into the parametrized engine, KAM in SQLite beside it."""
    if not berka.default_data_dir().is_dir():
        pytest.skip("Berka files not available")
    url = (
        database_url
        if database_url.startswith("postgresql")
        else f"sqlite+aiosqlite:///{tmp_path / 'berka.db'}"
    )
    source = url.replace("+asyncpg", "").replace("+aiosqlite", "")
    await berka.load(source)
    db = await migrated(f"sqlite+aiosqlite:///{tmp_path / 'kam.db'}")
    yield source, db
    await db.dispose()


async def test_berka_closing_balances_follow_the_balance_chain(berka_on_each_engine, clock) -> None:
    """A day's closing balance is that of its last transaction by the balance chain, not by the highest trans_id
    (which would pick a wrong balance on hundreds of accounts): every copied account balance and every copied
    end-of-day balance equals the chain's, converted to CNY."""
    source, kam = berka_on_each_engine
    everyone = {
        "INDIVIDUAL": {"aum": Decimal("0.01"), "loan_balance": Decimal("0.01")}
    }  # all accounts with money
    job = await Scanner(
        kam, clock, source, mapping=BERKA_MAPPING, batch_size=500, floors=everyone, fx_rates=RATES
    ).run()
    assert job.state == "SUCCEEDED", job.error_message
    _owners, trans, _loans = await _raw(source)
    closings = _closings(trans)
    by_id: dict[tuple[int, date], tuple[int, Decimal]] = {}
    for account_id, day, trans_id, _type, _amount, balance in trans:
        key = (account_id, _date(day))
        if key not in by_id or trans_id > by_id[key][0]:
            by_id[key] = (trans_id, Decimal(str(balance)))
    last_day = {}
    for account_id, day in closings:
        last_day[account_id] = max(day, last_day.get(account_id, day))
    highest_id_is_wrong = {a for a, day in last_day.items() if by_id[(a, day)][1] != closings[(a, day)]}
    assert len(highest_id_is_wrong) > 800  # what the mapping got wrong before
    async with kam.read() as session:
        accounts = {
            r.id: r.balance
            for r in (
                await session.scalars(select(AccountRow).where(AccountRow.type == "DEMAND_DEPOSIT"))
            ).all()
        }
        history = (await session.scalars(select(BalanceHistoryRow))).all()
    checked = {int(a) for a in accounts if int(a) in last_day}
    assert len(checked & highest_id_is_wrong) > 400
    for account_id in checked:
        chain = closings[(account_id, last_day[account_id])]
        assert accounts[str(account_id)] == (chain * CZK).quantize(CENT), account_id
    assert len(history) > 1000
    for row in history:
        assert row.balance == (closings[(int(row.account_id), row.day)] * CZK).quantize(CENT), (
            row.account_id,
            row.day,
        )


async def test_berka_without_a_rate_fails_before_scanning(kam, clock, berka_source) -> None:
    job = await Scanner(kam, clock, berka_source, mapping=BERKA_MAPPING, floors=FLOORS).run()
    assert job.state == "FAILED"
    assert "entities.account.columns.currency: 没有汇率 (no exchange rate for CZK)" in job.error_message
