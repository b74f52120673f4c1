"""Benchmark: sealing audit records into the chain after the commit (the sealer) or in it (``seal_at_commit``).

Writes ``--transactions`` transactions of ``--records`` view records each (as the customer service's group commit
writes a batch of concurrent calls' access records) into a fresh database, two ways, alternating ``--pairs`` times:

- ``sealer``: the records are committed unsealed, and an ``AuditSealer`` seals what has committed after every
  ``--seal-every`` transactions (a busy sealer coalesces about that many batches);
- ``commit``: each transaction seals its own records as it commits (``kam_kit.audit.seal_at_commit``).

Reports the CPU time and the wall time per record of this process (the database server's own CPU is not counted on
PostgreSQL), and checks that each chain verifies. SQLite always; PostgreSQL when it answers (``scratch.py``).

    uv run python tests/bench/bench_audit_seal.py [--transactions 600] [--records 8] [--pairs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time

import scratch
from kam_kit import audit, migrations
from kam_kit.auth import Identity
from kam_kit.clock import SYSTEM_CLOCK
from kam_kit.db import Database

VIEWER = Identity(
    subject="users/admin", roles=("roles/admin",), display_name="管理员", org_unit="orgUnits/head"
)
GET = "kam.customer.v1.CustomerService.GetCustomer"


async def run(url: str, mode: str, transactions: int, records: int, seal_every: int) -> tuple[float, float]:
    """(CPU µs, wall µs) per record of one way of sealing, into the database at ``url``."""
    with tempfile.TemporaryDirectory() as versions:
        await migrations.upgrade_async(url, versions)
    db = Database(url)
    sealer = audit.AuditSealer(db, service="bench", clock=SYSTEM_CLOCK)
    cpu, wall = time.process_time(), time.perf_counter()
    for n in range(transactions):
        async with db.transaction(inline=True) as session:
            if mode == "commit":
                audit.seal_at_commit(session, SYSTEM_CLOCK)
            for i in range(records):
                audit.record_view(
                    session,
                    service="bench",
                    actor=VIEWER,
                    action="personal_data.view",
                    resources=[f"customers/c{n}-{i}"],
                    kinds=["NAME", "PHONE"],
                    details={"method": GET, "access_record": f"accessRecords/r{n}-{i}"},
                    clock=SYSTEM_CLOCK,
                )
        if mode == "sealer" and n % seal_every == seal_every - 1:
            await sealer.seal()
    await sealer.seal()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    sealed, waiting = await audit.chain_length(db)
    broken = await audit.verify_chain(db)
    await db.dispose()
    assert broken is None and waiting == 0 and sealed == transactions * records, (broken, sealed, waiting)
    return 1e6 * cpu / sealed, 1e6 * wall / sealed


async def measure(engine: str, args: argparse.Namespace) -> list[str]:
    seen: dict[str, list[tuple[float, float]]] = {"sealer": [], "commit": []}
    for _ in range(args.pairs):
        for mode, figures in seen.items():
            fresh = scratch.sqlite(mode) if engine == "SQLite" else scratch.postgres()
            async with fresh as url:
                figures.append(await run(url, mode, args.transactions, args.records, args.seal_every))
    lines = []
    for mode, figures in seen.items():
        cpus = " · ".join(f"{c:.0f}" for c, _ in figures)
        lines.append(
            f"| {engine} | {mode} | {cpus} | {statistics.median(c for c, _ in figures):.0f} "
            f"| {statistics.median(w for _, w in figures):.0f} |"
        )
    return lines


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--transactions", type=int, default=600)
    parser.add_argument("--records", type=int, default=8, help="view records per transaction (default 8)")
    parser.add_argument("--seal-every", type=int, default=4, help="transactions per sealer pass (default 4)")
    parser.add_argument("--pairs", type=int, default=3)
    args = parser.parse_args()
    lines = [
        (
            f"# sealing audit records: {args.transactions} transactions × {args.records} records, "
            f"{os.cpu_count()} cores, pairs alternating"
        ),
        "| engine | sealing | CPU µs per record, each run | median CPU µs | median wall µs |",
        "|---|---|---|---|---|",
    ]
    lines += await measure("SQLite", args)
    why = await scratch.postgres_available()
    if why is None:
        lines += await measure("PostgreSQL", args)
    else:
        lines.append(f"(PostgreSQL not measured: {why})")
    print("\n".join(lines))


if __name__ == "__main__":
    asyncio.run(main())
