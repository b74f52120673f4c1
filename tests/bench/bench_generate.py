"""Benchmark: generating the demo core-banking source (SQLite; PostgreSQL with --postgres).

    uv run python tests/bench/bench_generate.py [--size demo|bench|both] [--dir DIR] [--postgres URL]

Prints seconds, rows per table, rows/s, the database file size and os.cpu_count().
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from datetime import date
from pathlib import Path

from kam_demobank.generator import GenParams, generate

SIZES = {"demo": (20_000, 2_000_000), "bench": (1_000_000, 10_000_000)}


async def run(size: str, url: str) -> None:
    customers, transactions = SIZES[size]
    params = GenParams(customers=customers, transactions=transactions, seed=42, as_of=date(2025, 12, 31))
    started = time.perf_counter()
    summary = await generate(
        url,
        params,
        force=True,
        progress=lambda m: print(f"  {time.perf_counter() - started:7.1f}s {m}", flush=True),
    )
    total = sum(summary.rows.values())
    print(f"{size}: {customers:,} customers / {transactions:,} transactions → {url}")
    for table, n in summary.rows.items():
        print(f"  {table:<14} {n:>12,}")
    print(
        f"  total {total:,} rows in {summary.seconds:.1f} s = {total / summary.seconds:,.0f} rows/s, "
        f"{transactions / summary.seconds:,.0f} txn/s; cpu_count={os.cpu_count()}"
    )
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        print(f"  file {path.stat().st_size / 2**20:,.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", choices=["demo", "bench", "both"], default="demo")
    parser.add_argument(
        "--dir", type=Path, default=None, help="where the SQLite files go (default: a tmp dir)"
    )
    parser.add_argument("--postgres", default=None, help="also generate into this PostgreSQL URL")
    args = parser.parse_args()
    sizes = ["demo", "bench"] if args.size == "both" else [args.size]
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.dir or Path(tmp)
        for size in sizes:
            asyncio.run(run(size, f"sqlite:///{folder / f'source-{size}.db'}"))
            if args.postgres:
                asyncio.run(run(size, args.postgres))


if __name__ == "__main__":
    main()
