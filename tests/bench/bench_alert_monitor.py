"""Benchmark: the alert service's evaluation of transactions with its database (issue 15's throughput target:
≥ 5,000 transactions/s sustained in one process).

Applies ``--transactions`` ``TransactionPosted`` events for ``--customers`` key customers to the alert service's
handler (``Monitor.on_transactions_posted``: the shipped rules, window state per rule and customer, the
transaction kept for backtests, alerts raised or updated), ``--batch`` events per call and transaction as the
kit's consumer applies one fetch — on SQLite and, when it answers, PostgreSQL. No broker: this is the handler's rate, the
upper bound of the consumer's.

Then the same through the broker, as the service runs: the events published to a real JetStream stream on their
customers' partitions, the alert service's consumer as one replica runs it (a ``PartitionedConsumer``: a reader per
partition, one applier committing what they fetched together with the monitor's ``Batched`` handler: fetch,
decode, fence, duplicate check, evaluation, acknowledgements) applying them until none is left, beside the raw JetStream consumption of the same
messages (fetch and ack, nothing else) in the same run. And the latency from a transaction event published to its
alert event published (``AlertRaised`` on the alert stream, through the outbox relay), p50/p99, with transactions
published at ``--rate`` per second of which every 20th raises an alert.

    uv run python tests/bench/bench_alert_monitor.py [--customers 2000] [--transactions 20000] [--batch 500]
        [--rate 1000] [--seconds 10] [--latency-only]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nats
import scratch
from bench_alert_detection import injected, ordinary
from kam.alert.v1 import events_pb2
from kam.customer.v1 import customer_pb2
from kam.customer.v1 import events_pb2 as customer_events
from kam_alert.adapters.orm import Base
from kam_alert.bootstrap import ALERT_COALESCE, MIGRATIONS
from kam_alert.domain import detection
from kam_alert.domain.rules import money
from kam_alert.service_layer.monitor import Monitor
from kam_alert.service_layer.rules import RuleService
from kam_alert.service_layer.watch import on_customer_changed
from kam_devkit.procs import NatsServer
from kam_kit import events as kit_events
from kam_kit import heap, migrations
from kam_kit.clock import ManualClock
from kam_kit.consumer import Batched, EventConsumer, PartitionedConsumer, Subscription
from kam_kit.db import Database
from kam_kit.events import EventMeta
from kam_kit.outbox import OutboxRelay
from kam_kit.partitions import Leases
from kam_kit.timeconv import to_timestamp
from nats.js.api import AckPolicy, ConsumerConfig

META = EventMeta(
    event_id="e", event_type="", source="kam/customer", time="", subject="", resource="", delivery=1
)
START = datetime(2026, 10, 31, 1, 0, tzinfo=UTC)  # the day before the traffic begins


async def run(url: str, customers: int, count: int, batch: int) -> float:
    db, clock, names = await _bank(url, customers)
    events = _events(names, count)
    monitor = Monitor(clock)
    started = time.perf_counter()
    for i in range(0, count, batch):
        async with db.transaction() as session:
            await monitor.on_transactions_posted(session, [(event, META) for event in events[i : i + batch]])
    elapsed = time.perf_counter() - started
    await db.dispose()
    return count / elapsed


def _events(names: list[str], count: int, seed: int = 3) -> list[customer_events.TransactionPosted]:
    """The first ``count`` transactions, in time order, of the detection benchmark's labelled traffic for these
    customers: ordinary traffic (cash, card spending, transfers in and out) with injected large transactions,
    structuring runs and drops — as many alerting cases as a busy day brings, not a stream of alerts."""
    rng = random.Random(seed)
    customers = [(name, _kind(name)) for name in names]
    cases, _ = injected(customers, rng, per_kind=max(1, len(names) // 100))
    stream = sorted(ordinary(customers, rng) + cases, key=lambda t: t.post_time)[:count]
    channels = {name: value for name, value in customer_pb2.Transaction.Channel.items()}
    return [
        customer_events.TransactionPosted(
            transaction=customer_pb2.Transaction(
                name=f"{t.customer}/accounts/{t.account.rsplit('/', 1)[1]}/transactions/{t.id}",
                direction=(
                    customer_pb2.Transaction.DIRECTION_DEBIT
                    if t.direction == detection.Direction.DEBIT
                    else customer_pb2.Transaction.DIRECTION_CREDIT
                ),
                amount=money(t.amount),
                post_time=to_timestamp(t.post_time),
                cash=t.cash,
                channel=channels.get(t.channel, 0),
            ),
            tier="tiers/gold",
            branch="orgUnits/0101",
            relationship_manager="users/rm",
        )
        for t in stream
    ]


def _kind(name: str) -> detection.CustomerType:
    """Every tenth customer is a company."""
    corporate = int(name.rsplit("b", 1)[1]) % 10 == 0
    return detection.CustomerType.CORPORATE if corporate else detection.CustomerType.INDIVIDUAL


async def _bank(url: str, customers: int) -> tuple[Database, ManualClock, list[str]]:
    """A migrated alert database with the shipped rules and ``customers`` watched key customers."""
    await migrations.upgrade_async(url, MIGRATIONS, Base.metadata)
    db = Database(url)
    clock = ManualClock(START)
    await RuleService(db, clock).install_shipped()
    names = [f"customers/b{i}" for i in range(customers)]
    async with db.transaction() as session:
        for name in names:
            customer = customer_pb2.Customer(
                name=name,
                type=(
                    customer_pb2.Customer.TYPE_CORPORATE
                    if _kind(name) == detection.CustomerType.CORPORATE
                    else customer_pb2.Customer.TYPE_INDIVIDUAL
                ),
                display_name=name,
                relationship_manager="users/rm",
                branch="orgUnits/0101",
                tier="tiers/gold",
                update_time=to_timestamp(START),
            )
            await on_customer_changed(session, customer_events.CustomerCreated(customer=customer), META)
    return db, clock, names


async def _publish(js, events: list[customer_events.TransactionPosted], prefix: str) -> None:
    kind = customer_events.TransactionPosted.DESCRIPTOR.full_name
    for start in range(0, len(events), 1000):
        acks = [
            await js.publish_async(
                _subject(event),
                event.SerializeToString(),
                headers=kit_events.event_headers(
                    event_id=f"{prefix}-{start + i}", service="customer", event_type=kind, time=START
                ),
            )
            for i, event in enumerate(events[start : start + 1000])
        ]
        await asyncio.gather(*acks)


async def raw_consumption(js, count: int, batch: int) -> float:
    """Fetch and acknowledge ``count`` messages of the customer stream (nothing else): the broker's own rate."""
    stream = kit_events.stream_name("customer")
    await js.add_consumer(stream, ConsumerConfig(durable_name="raw", ack_policy=AckPolicy.EXPLICIT))
    psub = await js.pull_subscribe_bind(durable="raw", stream=stream)
    started, seen = time.perf_counter(), 0
    while seen < count:
        for msg in await psub.fetch(batch, timeout=5.0):
            await msg.ack()
            seen += 1
    return count / (time.perf_counter() - started)


async def _consumers(db: Database, js, monitor: Monitor, batch: int) -> list[EventConsumer]:
    """The alert service's customer consumer as one replica runs it: the partitions' readers and one applier,
    this process holding every partition's lease (kam_kit.partitions), each transaction fenced by them."""
    leases = Leases(db, "alert-customer", ttl=timedelta(minutes=10))
    await leases.rebalance()
    return [
        PartitionedConsumer(
            db,
            js,
            leases=leases,
            name="alert-customer",
            producer="customer",
            batch_size=batch,
            subscriptions=[
                Subscription(
                    customer_events.TransactionPosted, Batched(monitor.on_transactions_posted), "customer"
                )
            ],
        )
    ]


def _subject(event: customer_events.TransactionPosted) -> str:
    """Its customer's partition, as the customer service publishes it."""
    return kit_events.subject_for("customer", event, kit_events.partition_for(event.transaction.name))


async def through_broker(
    url: str, nats_url: str, customers: int, count: int, batch: int
) -> tuple[float, float]:
    """Transactions/s of the alert service's consumer over a stream of ``count`` events, and the raw rate."""
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    await kit_events.ensure_stream(js, "customer")
    db, clock, names = await _bank(url, customers)
    await _publish(js, _events(names, count), "t")
    raw = await raw_consumption(js, count, batch)
    monitor = Monitor(clock)
    consumers = await _consumers(db, js, monitor, batch)
    started = time.perf_counter()
    tasks = [asyncio.create_task(consumer.run()) for consumer in consumers]
    while monitor.evaluated < count:
        await asyncio.sleep(0.005)
    rate = count / (time.perf_counter() - started)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)  # stopped before their streams go
    await nc.jetstream().delete_stream(kit_events.stream_name("customer"))
    await nc.drain()
    await db.dispose()
    return rate, raw


def _publisher(nats_url: str, names: list[str], rate: int, seconds: float) -> dict[str, float]:
    """In a process of its own, as the customer service would be: publishes ``rate`` transactions a second for
    ``seconds`` (every 20th a 60,000 CNY cash withdrawal of a customer of its own, from the second half of
    ``names``) and returns when (wall clock) each alerting one was published, by customer."""
    return asyncio.run(_publish_paced(nats_url, names, rate, seconds))


async def _publish_paced(nats_url: str, names: list[str], rate: int, seconds: float) -> dict[str, float]:
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    kind = customer_events.TransactionPosted.DESCRIPTOR.full_name
    half = (
        len(names) // 2
    )  # ordinary traffic on the first half, the alerting ones each on a customer of the rest
    normal = _events(names[:half], int(rate * seconds), seed=5)
    published: dict[str, float] = {}
    started = time.perf_counter()
    for i, event in enumerate(normal):
        if i % 20 == 0:
            customer = names[half + i // 20]
            event = customer_events.TransactionPosted(
                transaction=customer_pb2.Transaction(
                    name=f"{customer}/accounts/a9/transactions/big{i}",
                    direction=customer_pb2.Transaction.DIRECTION_DEBIT,
                    amount=money(60_000),
                    post_time=to_timestamp(START + timedelta(days=1, seconds=i)),
                    cash=True,
                ),
                tier="tiers/gold",
                branch="orgUnits/0101",
                relationship_manager="users/rm",
            )
            published[customer] = time.time()
        await js.publish_async(
            _subject(event),
            event.SerializeToString(),
            headers=kit_events.event_headers(
                event_id=f"l-{i}", service="customer", event_type=kind, time=START
            ),
        )
        pause = started + (i + 1) / rate - time.perf_counter()
        if pause > 0:
            await asyncio.sleep(pause)
    await js.publish_async_completed()
    await nc.close()
    return published


async def latency(
    url: str, nats_url: str, customers: int, rate: int, seconds: float, batch: int = 500
) -> list[float]:
    """Milliseconds from each alerting transaction's publication (by another process) to its ``AlertRaised`` on
    the alert stream, with ``rate`` transactions a second, the consumer and the outbox relay in this process."""
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    await kit_events.ensure_stream(js, "customer")
    await kit_events.ensure_stream(js, "alert")
    db, clock, names = await _bank(url, customers)
    monitor = Monitor(clock)
    evaluated: dict[str, float] = {}  # when each alerting transaction reached the monitor
    evaluate = monitor.on_transactions_posted

    committed: dict[str, float] = {}  # when its transaction committed
    uncommitted: list[str] = []

    async def timed(session, batch) -> None:
        now = time.time()
        for event, _ in batch:
            if "/transactions/big" in event.transaction.name:
                evaluated[event.transaction.name.split("/accounts/")[0]] = now
                uncommitted.append(event.transaction.name.split("/accounts/")[0])
        await evaluate(session, batch)

    def stamp() -> None:
        now = time.time()
        for customer in uncommitted:
            committed[customer] = now
        uncommitted.clear()

    db.after_commit_hooks.insert(0, stamp)

    monitor.on_transactions_posted = timed  # type: ignore[method-assign]
    consumers = await _consumers(db, js, monitor, batch)
    relay = OutboxRelay(db, js, service="alert", coalesce=ALERT_COALESCE)  # as the service runs it
    received: dict[str, float] = {}

    async def on_alert(msg) -> None:
        if msg.headers and msg.headers.get(kit_events.CE_TYPE) == events_pb2.AlertRaised.DESCRIPTOR.full_name:
            received[events_pb2.AlertRaised.FromString(msg.data).alert.customer] = time.time()

    sub = await nc.subscribe(kit_events.subject_for("alert", events_pb2.AlertRaised), cb=on_alert)
    tasks = [asyncio.create_task(c.run()) for c in consumers] + [asyncio.create_task(relay.run())]
    heap.freeze_start_up()  # as a service does once it serves
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        published = await asyncio.get_running_loop().run_in_executor(
            pool, _publisher, nats_url, names, rate, seconds
        )
    deadline = time.perf_counter() + 30
    while not set(published) <= set(received) and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)  # stopped before their streams go
    await sub.unsubscribe()
    for stream in ("customer", "alert"):
        await js.delete_stream(kit_events.stream_name(stream))
    await nc.close()
    await db.dispose()
    missing = len(set(published) - set(received))
    if missing:
        print(f"  ({missing} of {len(published)} alerts not seen within 30 s)")
    to_monitor = sorted((evaluated[c] - published[c]) * 1000 for c in evaluated if c in published)
    print(
        f"  (of which publication → the monitor: p50 {_percentile(to_monitor, 0.5):.0f} ms, "
        f"p99 {_percentile(to_monitor, 0.99):.0f} ms)"
    )
    to_commit = sorted((committed[c] - evaluated[c]) * 1000 for c in committed if c in evaluated)
    to_alert = sorted((received[c] - committed[c]) * 1000 for c in received if c in committed)
    print(
        f"  (the monitor → its commit: p50 {_percentile(to_commit, 0.5):.0f} ms, "
        f"p99 {_percentile(to_commit, 0.99):.0f} ms; the commit → AlertRaised: "
        f"p50 {_percentile(to_alert, 0.5):.0f} ms, p99 {_percentile(to_alert, 0.99):.0f} ms)"
    )
    return sorted((received[c] - published[c]) * 1000 for c in received if c in published)


def _percentile(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--transactions", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=500, help="events per fetch (the service uses 500)")
    parser.add_argument("--rate", type=int, default=1000, help="transactions/s in the latency run")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the latency run")
    parser.add_argument("--latency-only", action="store_true", help="measure the latency alone")
    args = parser.parse_args()
    print(
        f"# alert evaluation benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {os.cpu_count()} cores, "
        f"{args.customers:,} customers, {args.transactions:,} transactions, {args.batch} per database transaction"
    )
    missing = await scratch.postgres_available()
    if missing:
        print(f"| PostgreSQL | not measured: {missing} |")
    pg = missing is None
    if not args.latency_only:
        await _throughput(args, pg)
    with tempfile.TemporaryDirectory() as tmp, NatsServer(Path(tmp) / "nats") as server:
        print(
            f"latency, transaction published → AlertRaised published, at {args.rate:,}/s for {args.seconds:g} s:"
        )
        waits = await latency(
            f"sqlite+aiosqlite:///{tmp}/alert-latency.db", server.url, args.customers, args.rate, args.seconds
        )
        print(
            f"| SQLite | {len(waits)} alerts | p50 {_percentile(waits, 0.5):.0f} ms | p99 {_percentile(waits, 0.99):.0f} ms |"
        )
        if pg:
            async with scratch.postgres() as url:
                waits = await latency(url, server.url, args.customers, args.rate, args.seconds)
                print(
                    f"| PostgreSQL | {len(waits)} alerts | p50 {_percentile(waits, 0.5):.0f} ms | p99 {_percentile(waits, 0.99):.0f} ms |"
                )


async def _throughput(args: argparse.Namespace, pg: bool) -> None:
    print("handler alone (no broker):")
    with tempfile.TemporaryDirectory() as tmp:
        rate = await run(f"sqlite+aiosqlite:///{tmp}/alert.db", args.customers, args.transactions, args.batch)
        print(f"| SQLite | {rate:,.0f} transactions/s |")
    if pg:
        async with scratch.postgres() as url:
            rate = await run(url, args.customers, args.transactions, args.batch)
            print(f"| PostgreSQL | {rate:,.0f} transactions/s |")
    print("through JetStream (the service's consumer), beside the raw consumption of the same messages:")
    with tempfile.TemporaryDirectory() as tmp, NatsServer(Path(tmp) / "nats") as server:
        databases = [("SQLite", f"sqlite+aiosqlite:///{tmp}/alert-broker.db")]
        for label, url in databases:
            rate, raw = await through_broker(url, server.url, args.customers, args.transactions, args.batch)
            print(f"| {label} | {rate:,.0f} transactions/s | raw {raw:,.0f} messages/s | {rate / raw:.0%} |")
        if pg:
            async with scratch.postgres() as url:
                rate, raw = await through_broker(
                    url, server.url, args.customers, args.transactions, args.batch
                )
                print(
                    f"| PostgreSQL | {rate:,.0f} transactions/s | raw {raw:,.0f} messages/s | {rate / raw:.0%} |"
                )


if __name__ == "__main__":
    asyncio.run(main())
