"""A second, differently shaped schema scanned through a mapping file alone: Berka (PKDD'99) as loaded by the
source part's berka loader, read through mappings/berka.toml."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from kam_customer.adapters.orm import AccountRow, CustomerMetricsRow, CustomerRow, OrgUnitRow
from kam_customer.source import berka
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import create_async_engine

from .conftest import BERKA_MAPPING, Scanner

FLOORS = {"INDIVIDUAL": {"aum": Decimal(50000), "loan_balance": Decimal(1)}}
CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def berka_source(tmp_path_factory) -> str:
    import asyncio

    if not berka.default_data_dir().is_dir():
        pytest.skip("Berka files not available")
    path = tmp_path_factory.mktemp("berka") / "berka.db"
    asyncio.run(berka.load(f"sqlite:///{path}"))
    return f"sqlite:///{path}"


async def _independent(source: str) -> dict[str, tuple[Decimal, Decimal]]:
    """Per owning client, computed in Python from the raw tables: deposits (balance after the last transaction
    of each owned account) and running loans (status C or D)."""
    engine = create_async_engine(source.replace("sqlite://", "sqlite+aiosqlite://"))
    try:
        async with engine.connect() as conn:
            owners = dict((await conn.execute(text("SELECT account_id, client_id FROM disp WHERE type = 'OWNER'"))).all())
            trans = (await conn.execute(text("SELECT account_id, date, trans_id, balance FROM trans"))).all()
            loans = (await conn.execute(text("SELECT account_id, amount, status FROM loan"))).all()
    finally:
        await engine.dispose()
    last: dict[int, tuple] = {}
    for account_id, day, trans_id, balance in trans:
        if account_id not in last or (day, trans_id) > last[account_id][:2]:
            last[account_id] = (day, trans_id, balance)
    out: dict[str, list[Decimal]] = {f"c{c}": [Decimal(0), Decimal(0)] for c in owners.values()}
    for account_id, (_day, _id, balance) in last.items():
        if account_id in owners:
            out[f"c{owners[account_id]}"][0] += Decimal(str(balance))
    for account_id, amount, status in loans:
        if status in ("C", "D"):
            out[f"c{owners[account_id]}"][1] += Decimal(str(amount))
    return {k: (v[0].quantize(CENT), v[1].quantize(CENT)) for k, v in out.items()}


async def test_berka_is_scanned_through_its_mapping(kam, clock, berka_source) -> None:
    job = await Scanner(kam, clock, berka_source, mapping=BERKA_MAPPING, batch_size=500, floors=FLOORS).run()
    assert job.state == "SUCCEEDED", job.error_message
    assert job.as_of == date(1994, 3, 31)  # the newest day in trans_partial.asc
    assert job.customers_scanned == 5369 and job.bad_rows == 0
    expected = await _independent(berka_source)
    wanted = {cid for cid, (aum, loans) in expected.items() if aum >= 50000 or loans >= 1}
    async with kam.read() as session:
        metrics = {r.customer_id: r for r in (await session.scalars(select(CustomerMetricsRow))).all()}
        customers = {r.id: r for r in (await session.scalars(select(CustomerRow))).all()}
        kinds = set((await session.scalars(select(AccountRow.type))).all())
        regions = set((await session.scalars(select(OrgUnitRow.region))).all())
    assert set(metrics) == wanted and job.customers_selected == len(wanted)
    for customer_id, row in metrics.items():
        assert (row.aum, row.loan_balance) == expected[customer_id], customer_id
    assert kinds == {"DEMAND_DEPOSIT", "LOAN", "CREDIT_CARD"}
    assert "Prague" in regions and len(regions) == 8
    # birth_number is YYMMDD with +50 on the month for women
    births = await _births(berka_source)
    assert customers and all(c.birth_date == births[c.source_id] for c in customers.values())
    assert any(c.birth_date.month == int(raw[2:4]) - 50 for c in customers.values()
               for raw in [births.raw[c.source_id]] if int(raw[2:4]) > 50)


class _Births(dict):
    raw: dict[str, str]


async def _births(source: str) -> _Births:
    engine = create_async_engine(source.replace("sqlite://", "sqlite+aiosqlite://"))
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
