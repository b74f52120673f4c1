"""Partitions shared out among replicas through leases, and partition consumers, on real databases and JetStream."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import nats
import pytest
from kam.customer.v1 import customer_pb2, events_pb2
from kam_kit import events, migrations, outbox
from kam_kit.clock import ManualClock
from kam_kit.consumer import EventConsumer, Subscription
from kam_kit.db import Database
from kam_kit.partitions import LeaseLost, Leases
from sqlalchemy import Column, MetaData, String, Table, insert, select

START = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
async def db(database_url, tmp_path):
    versions = tmp_path / "versions"
    versions.mkdir()
    await migrations.upgrade_async(database_url, versions)
    database = Database(database_url)
    yield database
    await database.dispose()


def _pair(db: Database, clock: ManualClock, group: str = "svc-customer") -> tuple[Leases, Leases]:
    return (
        Leases(db, group, owner="a", clock=clock),
        Leases(db, group, owner="b", clock=clock),
    )


async def test_two_processes_share_the_partitions_and_one_takes_over_the_others_when_it_stops(db) -> None:
    clock = ManualClock(START)
    a, b = _pair(db, clock)
    assert await a.rebalance() == set(range(16))  # alone: everything
    assert await b.rebalance() == set()  # joins: nothing is free yet
    assert len(await a.rebalance()) == 8  # sees b: gives back what is beyond its share
    assert await b.rebalance() == set(range(16)) - a.holding()  # and b takes exactly that
    assert a.holding() | b.holding() == set(range(16)) and not a.holding() & b.holding()
    # a round of both changes nothing
    held = (a.holding(), b.holding())
    await a.rebalance(), await b.rebalance()
    assert (a.holding(), b.holding()) == held

    # a stops renewing (killed): once its leases run out, b holds everything
    clock.advance(timedelta(seconds=11))
    assert await b.rebalance() == set(range(16))
    # a, back from a long pause, still believes it holds its partitions (its last renewal is recent by its own
    # clock here) — but nothing it applies for them commits
    gone = min(held[0])
    with pytest.raises(LeaseLost):
        async with db.transaction() as session:
            await a.lease(gone).fence(session)
    # it rejoins and, within two rounds, shares again
    assert await a.rebalance() == set()
    assert len(await b.rebalance()) == 8
    assert len(await a.rebalance()) == 8


async def test_a_graceful_stop_gives_the_partitions_back_at_once_and_groups_are_apart(db) -> None:
    clock = ManualClock(START)
    a, b = _pair(db, clock)
    other = Leases(db, "svc-other", owner="a", clock=clock)
    await a.rebalance()
    await b.rebalance()
    await a.rebalance()
    assert await other.rebalance() == set(range(16))  # another group's partitions are its own
    await a.release_all()
    assert a.holding() == set()
    assert await b.rebalance() == set(range(16))  # no waiting for the leases to run out


async def test_the_fence_passes_while_held_and_a_lease_not_renewed_in_time_is_not_held(db) -> None:
    clock = ManualClock(START)
    leases = Leases(db, "svc-customer", owner="a", clock=clock, ttl=timedelta(seconds=0.3))
    await leases.rebalance()
    async with db.transaction() as session:
        await leases.lease(3).fence(session)
    await asyncio.sleep(
        0.35
    )  # by its own (monotonic) clock the holding ran out: it stops before the database
    assert not leases.lease(3).held()
    with pytest.raises(LeaseLost):
        async with db.transaction() as session:
            await leases.lease(3).fence(session)


def test_events_about_a_customer_go_to_its_partition() -> None:
    first = events.partition_for("customers/42")
    assert first is not None and 0 <= first < events.PARTITIONS
    assert events.partition_for("customers/42/accounts/7/transactions/9") == first
    assert events.partition_for("customers/42/tierOverrides/1") == first
    assert events.partition_for("scanJobs/1") is None and events.partition_for("") is None
    spread = {events.partition_for(f"customers/{i}") for i in range(1000)}
    assert spread == set(range(events.PARTITIONS))
    assert (
        events.subject_for("customer", events_pb2.CustomerCreated, 3) == "kam.customer.v1.CustomerCreated.p03"
    )


@pytest.fixture
async def js(nats_url):
    nc = await nats.connect(nats_url)
    yield nc.jetstream()
    await nc.drain()


def _created(customer: str) -> events_pb2.CustomerCreated:
    return events_pb2.CustomerCreated(customer=customer_pb2.Customer(name=customer, display_name=customer))


async def test_a_partition_consumer_applies_its_customers_only_and_nothing_once_the_partition_is_gone(
    db, js
) -> None:
    service = "t" + uuid.uuid4().hex[:10]
    applied = Table("applied", MetaData(), Column("name", String(64), primary_key=True))
    async with db.transaction() as session:
        await session.run_sync(lambda s: applied.create(s.connection()))
    customers = [f"customers/{i}" for i in range(40)]
    async with db.transaction() as session:
        for customer in customers:
            outbox.record(session, _created(customer), service=service, resource=customer)
        outbox.record(session, _created("no one"), service=service)  # not about a customer: no partition
    await events.ensure_stream(js, service)
    await outbox.OutboxRelay(db, js, service=service).drain()

    async def handler(session, event, meta) -> None:
        await session.execute(insert(applied).values(name=event.customer.name))

    clock = ManualClock(START)
    a, b = _pair(db, clock, group=f"{service}-c")
    await a.rebalance()
    partition = events.partition_for(customers[0])
    assert partition is not None

    def consumer(leases: Leases | None, name: str) -> EventConsumer:
        return EventConsumer(
            db,
            js,
            name=name,
            producer=service,
            subscriptions=[Subscription(events_pb2.CustomerCreated, handler, service)],
            lease=leases.lease(partition) if leases else None,
            unpartitioned=leases is None,
        )

    mine = consumer(a, f"{service}-c-p{partition:02d}")
    companion = consumer(None, f"{service}-c")
    assert mine.filter_subjects() == [f"kam.{service}.v1.CustomerCreated.p{partition:02d}"]
    running = [asyncio.create_task(mine.run()), asyncio.create_task(companion.run())]
    expected = {c for c in customers if events.partition_for(c) == partition} | {"no one"}

    async def names() -> set[str]:
        async with db.read() as session:
            return set((await session.scalars(select(applied.c.name))).all())

    try:
        for _ in range(100):
            if await names() == expected:
                break
            await asyncio.sleep(0.1)
        assert await names() == expected

        # b takes the partition over (a's lease ran out); a, still pulling, cannot apply what comes now
        clock.advance(timedelta(seconds=11))
        await b.rebalance()
        assert partition in b.holding() and a.lease(partition).held()
        later = f"customers/{customers[0].split('/')[1]}"
        async with db.transaction() as session:
            outbox.record(session, _created(f"{later}-again"), service=service, resource=later)
        await outbox.OutboxRelay(db, js, service=service).drain()
        await asyncio.sleep(1.5)
        assert f"{later}-again" not in await names()
        assert not a.lease(partition).held()  # the failed fence told it

        # b's consumer of the same partition applies it
        theirs = consumer(b, mine.name)
        running.append(asyncio.create_task(theirs.run()))
        for _ in range(100):
            if f"{later}-again" in await names():
                break
            await asyncio.sleep(0.1)
        assert f"{later}-again" in await names()
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
