"""Benchmark: full scan + grading of a generated core-banking source, against one hand-written aggregate query.

Generates (or reuses) a demo-schema source with the source part's generator, then on the same engine:

1. runs ONE hand-written aggregate SQL query (below) computing per customer what a DBA would write by hand —
   AUM from current balances, loan balance, 90-day transaction count/volume and the 90-day average daily AUM
   from the balance history — and times it (after one warm-up run);
2. runs a full scan into a fresh KAM database (SQLite file by default) with the real tiering (candidate floors and
   grading): pushed-down metrics, detail copies of key customers and candidates, events in the outbox;
   prints seconds, source rows/s, and the ratio to (1) (target ≤ 2×); also the pushed-down metrics statement
   alone (the part that grows with the source) and its ratio;
3. appends 1 % new transactions with the generator's live-feed logic and times an incremental scan.

Default size runs in a few minutes here. The issue's benchmark size (1M customers, 10M transactions):

    uv run python tests/bench/bench_scan.py --customers 1000000 --transactions 10000000 --dir /var/tmp/kam-bench
    uv run python tests/bench/bench_scan.py --source-url postgresql://postgres@127.0.0.1/kam_bench_source ...

(the source is generated once and reused from --dir / --source-url; generation of 10M rows takes a while).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from kam_customer.adapters.orm import Base
from kam_customer.bootstrap import MIGRATIONS
from kam_customer.scan.jobs import ScanManager
from kam_customer.scan.mapping import load_mapping
from kam_customer.scan.runner import ScanRunner
from kam_customer.scan.source import open_source
from kam_customer.scan.sqlgen import SqlBuilder, dialect_for, window_binds
from kam_customer.settings import DEFAULT_MAPPING, DEFAULT_SCAN_BATCH_SIZE
from kam_demobank import generator
from kam_kit.clock import ManualClock
from kam_kit.db import Database
from kam_kit.migrations import upgrade_async
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

HAND_WRITTEN = """
WITH bal AS (
  SELECT h.acct_no, h.bal_dt, h.bal, LEAD(h.bal_dt) OVER (PARTITION BY h.acct_no ORDER BY h.bal_dt) AS next_dt
  FROM acct_bal_hist h
),
adb AS (
  SELECT a.cust_no,
         SUM(b.bal * MAX(0, julianday(MIN(COALESCE(b.next_dt, :end), :end)) - julianday(MAX(b.bal_dt, :w90)))) / 90.0 AS adb_90
  FROM bal b JOIN acct a ON a.acct_no = b.acct_no JOIN prod p ON p.prod_cd = a.prod_cd
  WHERE p.prod_type IN ('DMD', 'TD', 'WM', 'FUND')
  GROUP BY a.cust_no
),
t AS (
  SELECT acct_no, COUNT(*) AS n, SUM(amt) AS v FROM txn WHERE txn_ts >= :w90 GROUP BY acct_no
),
pos AS (
  SELECT a.cust_no,
         SUM(CASE WHEN p.prod_type IN ('DMD', 'TD', 'WM', 'FUND') AND a.acct_status <> 'C' THEN a.cur_bal ELSE 0 END) AS aum,
         SUM(CASE WHEN p.prod_type = 'LOAN' AND a.acct_status <> 'C' THEN a.cur_bal ELSE 0 END) AS loans,
         SUM(COALESCE(t.n, 0)) AS n90, SUM(COALESCE(t.v, 0)) AS v90
  FROM acct a JOIN prod p ON p.prod_cd = a.prod_cd LEFT JOIN t ON t.acct_no = a.acct_no
  GROUP BY a.cust_no
)
SELECT pos.*, adb.adb_90 FROM pos LEFT JOIN adb ON adb.cust_no = pos.cust_no
"""
HAND_WRITTEN_PG = (
    HAND_WRITTEN.replace("julianday(", "(")
    .replace("MAX(0, ", "GREATEST(0, ")
    .replace("MIN(COALESCE", "LEAST(COALESCE")
    .replace("MAX(b.bal_dt", "GREATEST(b.bal_dt")
    .replace(":end", "CAST(:end AS DATE)")
    .replace(":w90", "CAST(:w90 AS DATE)")
)


def _async(url: str) -> str:
    return url.replace("sqlite://", "sqlite+aiosqlite://").replace("postgresql://", "postgresql+asyncpg://")


async def _count(url: str, table: str) -> int:
    engine = create_async_engine(_async(url))
    try:
        async with engine.connect() as conn:
            return (await conn.execute(text(f"SELECT COUNT(*) FROM {table}"))).scalar()
    finally:
        await engine.dispose()


def _engine(url: str, *, as_scanned: bool) -> AsyncEngine:
    """The scan's own source engine (read-only, PostgreSQL without JIT) or one with the server's defaults."""
    return open_source(url) if as_scanned else create_async_engine(_async(url))


async def _timed_query(url: str, sql: str, binds: dict, *, as_scanned: bool = True) -> tuple[float, int]:
    engine = _engine(url, as_scanned=as_scanned)
    try:
        async with engine.connect() as conn:
            started = time.perf_counter()
            rows = 0
            result = await conn.stream(text(sql), binds)
            async for _ in result:
                rows += 1
            return time.perf_counter() - started, rows
    finally:
        await engine.dispose()


async def _timed_chunks(url: str, manager: ScanManager, job, floors: dict, binds: dict) -> tuple[float, int]:
    """The metrics statements of a full scan as the scan runs them (one per chunk of customers), timed alone."""
    runner = manager.runner_factory(load_mapping(DEFAULT_MAPPING))
    floors = {t: {m: Decimal(v) for m, v in f.items()} for t, f in floors.items()}
    engine = open_source(url)
    try:
        async with engine.connect() as conn:
            started = time.perf_counter()
            rows = 0
            pending = SimpleNamespace(checkpoint="", customers_scanned=job.customers_scanned)
            async for statement, values in runner._chunks(conn, pending, floors, binds):
                async for _ in await conn.stream(text(statement), values):
                    rows += 1
            return time.perf_counter() - started, rows
    finally:
        await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--transactions", type=int, default=2_000_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/kam-bench-scan"))
    parser.add_argument("--source-url", help="default: a SQLite file in --dir")
    parser.add_argument("--kam-url", help="KAM's database (default: a fresh SQLite file in --dir)")
    parser.add_argument(
        "--batch-size",
        type=int,
        default=DEFAULT_SCAN_BATCH_SIZE,
        help="customers per batch (default: the service's, KAM_CUSTOMER_SCAN_BATCH_SIZE)",
    )
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    source = args.source_url or f"sqlite:///{args.dir / f'source-{args.customers}-{args.transactions}.db'}"
    params = generator.GenParams(customers=args.customers, transactions=args.transactions, seed=42)
    started = time.perf_counter()
    summary = await generator.generate(source, params)
    if not summary.skipped:
        print(f"generated source in {time.perf_counter() - started:.1f} s")
    counts = {t: await _count(source, t) for t in ("cust_indv", "cust_corp", "acct", "acct_bal_hist", "txn")}
    source_rows = sum(counts.values())
    print(f"cpu_count={os.cpu_count()} source={source.split('://')[0]} rows={json.dumps(counts)}")

    mapping = load_mapping(DEFAULT_MAPPING)
    dialect = dialect_for(source)
    engine = create_async_engine(_async(source))
    async with engine.connect() as conn:
        as_of_text = (await conn.execute(text(SqlBuilder(mapping, dialect).as_of_sql()))).scalar()
    await engine.dispose()
    as_of = datetime.fromisoformat(str(as_of_text)[:10]).date()
    from datetime import timedelta

    hand_binds = {
        "end": (as_of + timedelta(days=1)).isoformat(),
        "w90": (as_of - timedelta(days=89)).isoformat(),
    }
    hand_sql = HAND_WRITTEN_PG if dialect.pg else HAND_WRITTEN
    if dialect.pg:
        hand_binds = {k: datetime.fromisoformat(v).date() for k, v in hand_binds.items()}
    await _timed_query(source, hand_sql, hand_binds)  # warm-up (page cache)
    # The baseline is the faster of the server's defaults and the scan's session settings (PostgreSQL: JIT off).
    timings = {
        label: await _timed_query(source, hand_sql, hand_binds, as_scanned=as_scanned)
        for label, as_scanned in (("server defaults", False), ("as the scan connects", True))
        if dialect.pg or as_scanned
    }
    hand_label = min(timings, key=lambda label: timings[label][0])
    hand_seconds, hand_rows = timings[hand_label]
    print(
        f"hand-written aggregate query: {hand_seconds:.2f} s ({hand_rows} customers, "
        f"{source_rows / hand_seconds:,.0f} source rows/s; faster of "
        + ", ".join(f"{label} {t:.2f} s" for label, (t, _) in timings.items())
        + ")"
    )

    kam_url = args.kam_url or f"sqlite+aiosqlite:///{args.dir / 'kam.db'}"
    if not args.kam_url:
        for suffix in ("", "-wal", "-shm"):
            Path(str(args.dir / "kam.db") + suffix).unlink(missing_ok=True)
    db = Database(kam_url)
    await upgrade_async(kam_url, MIGRATIONS, Base.metadata)
    clock = ManualClock(datetime.now(UTC))
    phases: dict[str, float] = {}
    last = {"phase": "", "t": time.perf_counter()}

    def progress(job) -> None:
        now = time.perf_counter()
        phases[last["phase"]] = phases.get(last["phase"], 0.0) + now - last["t"]
        last["phase"], last["t"] = job.phase, now

    manager = ScanManager(
        db,
        clock,
        source_url=source,
        mapping_path=DEFAULT_MAPPING,
        runner_factory=lambda m: ScanRunner(
            db, clock, m, source, batch_size=args.batch_size, on_progress=progress
        ),
    )
    started = time.perf_counter()
    full = await manager.run_to_end(mode="FULL")
    full_seconds = time.perf_counter() - started
    assert full.state == "SUCCEEDED", full.error_message
    print(
        f"full scan + grading: {full_seconds:.2f} s, {source_rows / full_seconds:,.0f} source rows/s, "
        f"ratio to the hand-written query {full_seconds / hand_seconds:.2f}x; selected {full.customers_selected} "
        f"(key + candidates), tier changes {full.tier_changes}, transactions copied {full.transactions_ingested}"
    )
    print("  phases (s): " + ", ".join(f"{k or 'prepare'} {v:.2f}" for k, v in phases.items()))

    builder = SqlBuilder(mapping, dialect)
    floors = json.loads(full.floors)
    binds = dict(window_binds(dialect, full.as_of))
    binds.pop("since")
    for ctype, metrics in floors.items():
        for metric, value in metrics.items():
            binds[SqlBuilder.floor_param(ctype, metric)] = dialect.number_param(value)
    metrics_seconds, selected = await _timed_query(
        source, builder.metrics_sql(floors={t: dict.fromkeys(m, 0) for t, m in floors.items()}), binds
    )
    print(
        f"pushed-down metrics statement alone: {metrics_seconds:.2f} s ({selected} rows), "
        f"ratio {metrics_seconds / hand_seconds:.2f}x"
    )
    chunk_seconds, chunk_rows = await _timed_chunks(source, manager, full, floors, binds)
    print(
        f"the same, in the full scan's chunks (seeded by customer ranges): {chunk_seconds:.2f} s ({chunk_rows} rows), "
        f"ratio {chunk_seconds / hand_seconds:.2f}x"
    )

    new_txns = max(1, args.transactions // 100)
    appended = await generator.append(
        source, transactions=new_txns, customers=max(1, args.customers // 1000), seed=7
    )
    clock.set(clock.now() + timedelta(hours=1))
    started = time.perf_counter()
    incremental = await manager.run_to_end(mode="INCREMENTAL")
    inc_seconds = time.perf_counter() - started
    assert incremental.state == "SUCCEEDED", incremental.error_message
    print(
        f"incremental scan after {new_txns} new transactions (1 %): {inc_seconds:.2f} s; "
        f"customers re-evaluated {incremental.customers_selected}, changed {incremental.customers_changed}, "
        f"transactions {incremental.transactions_ingested} ({appended})"
    )
    await db.dispose()


if __name__ == "__main__":
    asyncio.run(main())
