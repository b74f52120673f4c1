"""Benchmark: outbox relay throughput (events/s) from a service database to JetStream.

Fills a fresh SQLite (and, when reachable, PostgreSQL) outbox with N events committed in batches the way a
service would, then lets one OutboxRelay drain them to a local JetStream server and reports events/s. For
reference it also measures raw JetStream publishing of the same payloads on the same connection with the
relay's concurrency (no database).

    uv run python tests/bench/bench_outbox.py [--events 50000] [--batch 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
import uuid
from pathlib import Path

import nats
from kam.customer.v1 import customer_pb2, events_pb2
from kam_devkit.procs import NatsServer
from kam_kit import events, migrations, outbox
from kam_kit.db import Database

POSTGRES_ADMIN = os.environ.get(
    "KAM_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


def _event(i: int) -> events_pb2.CustomerCreated:
    return events_pb2.CustomerCreated(
        customer=customer_pb2.Customer(
            name=f"customers/c{i}",
            display_name=f"客户{i}",
            id_number="11010519491231002X",
            phone="13812345678",
            branch="branches/sh01",
            relationship_manager="users/rm1",
        )
    )


async def _fill(db: Database, service: str, count: int) -> None:
    for start in range(0, count, 1000):
        async with db.transaction() as session:
            for i in range(start, min(start + 1000, count)):
                outbox.record(session, _event(i), service=service)


async def bench_relay(url: str, nats_url: str, count: int, batch: int) -> float:
    with tempfile.TemporaryDirectory() as versions:
        await migrations.upgrade_async(url, versions)
    db = Database(url)
    service = "bench" + uuid.uuid4().hex[:6]
    await _fill(db, service, count)
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    await events.ensure_stream(js, service)
    relay = outbox.OutboxRelay(db, js, service=service, batch_size=batch)
    started = time.perf_counter()
    published = await relay.drain()
    elapsed = time.perf_counter() - started
    info = await js.stream_info(events.stream_name(service))
    assert published == count == info.state.messages, (published, info.state.messages)
    await js.delete_stream(events.stream_name(service))
    await nc.close()
    await db.dispose()
    return count / elapsed


async def bench_raw(nats_url: str, count: int, batch: int) -> float:
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    service = "raw" + uuid.uuid4().hex[:6]
    await events.ensure_stream(js, service)
    subject = events.subject_for(service, events_pb2.CustomerCreated)
    payload = _event(1).SerializeToString()
    started = time.perf_counter()
    for start in range(0, count, batch):
        futures = [
            await js.publish_async(subject, payload, headers={events.MSG_ID: f"{start}-{i}"})
            for i in range(min(batch, count - start))
        ]
        await asyncio.gather(*futures)
    elapsed = time.perf_counter() - started
    await js.delete_stream(events.stream_name(service))
    await nc.close()
    return count / elapsed


async def _postgres_url() -> str | None:
    import asyncpg

    name = "kam_bench_" + uuid.uuid4().hex[:8]
    dsn = POSTGRES_ADMIN.replace("postgresql+asyncpg://", "postgresql://")
    try:
        conn = await asyncpg.connect(dsn, timeout=3)
    except (OSError, asyncpg.PostgresError):
        return None
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    return POSTGRES_ADMIN.rsplit("/", 1)[0] + "/" + name


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    print(f"# outbox relay benchmark: {args.events} events, batch {args.batch}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp, NatsServer(Path(tmp) / "nats") as server:
        raw = await bench_raw(server.url, args.events, args.batch)
        print(f"raw JetStream publish_async (batches of the same size, no DB): {raw:,.0f} events/s")
        sqlite = await bench_relay(f"sqlite+aiosqlite:///{tmp}/bench.db", server.url, args.events, args.batch)
        print(f"outbox relay, SQLite:     {sqlite:,.0f} events/s")
        pg_url = await _postgres_url()
        if pg_url:
            pg = await bench_relay(pg_url, server.url, args.events, args.batch)
            print(f"outbox relay, PostgreSQL: {pg:,.0f} events/s")
        else:
            print("outbox relay, PostgreSQL: skipped (PostgreSQL not reachable)")


if __name__ == "__main__":
    asyncio.run(main())
