"""Live feed (driven by a ManualClock) and the Berka loader."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from kam_demobank import berka, bulk, schema
from kam_demobank.generator import GenParams, generate
from kam_demobank.live import LiveFeed
from kam_demobank.posting import local_naive
from kam_kit.clock import ManualClock
from sqlalchemy import func, select


async def test_live_feed_posts_at_clock_time_with_large_and_small_withdrawals(database_url: str) -> None:
    await generate(
        database_url, GenParams(customers=400, transactions=10_000, seed=5, as_of=date(2025, 6, 30))
    )
    clock = ManualClock(datetime(2025, 7, 1, 2, 0, tzinfo=UTC))
    times: list[datetime] = []

    async def sleep(seconds: float) -> None:
        times.append(local_naive(clock.now()))
        clock.advance(timedelta(seconds=seconds))

    feed = LiveFeed(database_url, clock=clock, rate=2.0, seed=11, large_share=0.2, run_share=0.2, sleep=sleep)
    stats = await feed.run(max_steps=60)
    assert stats.steps == 60 and stats.large_withdrawals >= 1 and stats.small_withdrawals >= 3

    engine = bulk.async_engine(database_url)
    t = schema.txn
    try:
        async with engine.connect() as conn:
            new = (
                await conn.execute(select(t).where(t.c.txn_id > f"{10_000:014d}").order_by(t.c.txn_id))
            ).all()
            acct_bal = dict((await conn.execute(select(schema.acct.c.acct_no, schema.acct.c.cur_bal))).all())
    finally:
        await engine.dispose()
    assert len(new) == 60
    assert [r.txn_ts for r in new] == times  # one transaction per step, stamped with the clock (UTC+8)
    assert new[0].txn_ts == datetime(2025, 7, 1, 10, 0)
    large = [r for r in new if r.memo == "大额转出"]
    assert large and all(r.dc_flag == "D" for r in large)
    # a large withdrawal takes ≥ 500,000 CNY or ≥ 30% of the balance it had
    assert all(r.amt >= Decimal(500000) or r.amt >= Decimal("0.3") * (r.amt + r.bal_after) for r in large)
    small = [r for r in new if r.cash_flag == "Y" and r.dc_flag == "D"]
    assert len(small) >= 3 and all(r.amt < 10_000 for r in small)
    last = {}
    for r in new:
        last[r.acct_no] = r.bal_after
    for acct_no, bal in last.items():
        assert Decimal(str(acct_bal[acct_no])).quantize(Decimal("0.01")) == bal


async def test_berka_loader_loads_all_tables(database_url: str) -> None:
    data = berka.default_data_dir()
    if not data.exists():
        pytest.skip(f"Berka data not found at {data} (set KAM_BERKA_DIR)")
    counts = await berka.load(database_url, data)
    assert counts == berka.EXPECTED_ROWS
    engine = bulk.async_engine(database_url)
    try:
        async with engine.connect() as conn:
            for table in berka.FILES:
                n = (await conn.execute(select(func.count()).select_from(table))).scalar()
                assert n == berka.EXPECTED_ROWS[table.name], table.name
            first = (await conn.execute(select(berka.trans).order_by(berka.trans.c.trans_id).limit(1))).one()
            assert first.date.year in (1993, 1994) and first.type in ("PRIJEM", "VYDAJ", "VYBER")
            jesenik = (await conn.execute(select(berka.district).where(berka.district.c.A1 == 69))).one()
            assert jesenik.A12 is None and jesenik.A2 == "Jesenik"
            issued = (
                await conn.execute(select(berka.card.c.issued).where(berka.card.c.card_id == 1005))
            ).scalar()
            assert issued == date(1993, 11, 7)
    finally:
        await engine.dispose()


async def test_live_feed_hands_each_posted_transaction_to_the_cdc_hook(tmp_path) -> None:
    from kam.customer.v1 import customer_pb2
    from kam_demobank.cli import source_row_to_proto

    url = f"sqlite+aiosqlite:///{tmp_path / 'src.db'}"
    await generate(url, GenParams(customers=300, transactions=5_000, seed=3, as_of=date(2025, 6, 30)))
    clock = ManualClock(datetime(2025, 7, 1, 2, 0, tzinfo=UTC))
    pushed = []

    async def on_posted(rows: list[dict]) -> None:
        pushed.extend(source_row_to_proto(row) for row in rows)

    async def sleep(seconds: float) -> None:
        clock.advance(timedelta(seconds=seconds))

    feed = LiveFeed(url, clock=clock, rate=2.0, seed=4, sleep=sleep, on_posted=on_posted)
    await feed.run(max_steps=10)
    assert len(pushed) == 10 and len({p.transaction_id for p in pushed}) == 10
    first = pushed[0]
    # 10:00 in Shanghai is 02:00 UTC: the message carries the instant, not the local wall time
    assert first.post_time.ToDatetime(tzinfo=UTC) == datetime(2025, 7, 1, 2, 0, tzinfo=UTC)
    assert first.amount.currency_code == "CNY" and (first.amount.units or first.amount.nanos)
    assert first.direction in (
        customer_pb2.Transaction.DIRECTION_DEBIT,
        customer_pb2.Transaction.DIRECTION_CREDIT,
    )
