"""Partitions shared out among replicas through leases, and partition consumers, on real databases and JetStream."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import nats
import pytest
from kam.customer.v1 import customer_pb2, events_pb2
from kam_kit import events, outbox
from kam_kit.clock import ManualClock
from kam_kit.consumer import EventConsumer, PartitionedConsumer, Subscription
from kam_kit.db import Database
from kam_kit.partitions import LeaseLost, Leases
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select

START = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


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


async def test_one_fence_for_many_partitions_names_each_one_lost_and_keeps_the_others(db) -> None:
    clock = ManualClock(START)
    a, b = _pair(db, clock)
    for leases in (a, b, a, b):
        await leases.rebalance()
    mine, theirs = sorted(a.holding()), sorted(b.holding())
    async with db.transaction() as session:
        await a.fence(session, mine)  # all of its own: one statement, no error
    a._held.add(theirs[0])  # a believes it still holds one that b took over (a stale belief after a pause)
    with pytest.raises(LeaseLost) as lost:
        async with db.transaction() as session:
            await a.fence(session, [*mine, theirs[0]])
    assert str(lost.value) == a.name(theirs[0])
    assert a.holding() == set(mine)  # the one lost is forgotten, the rest still held


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


async def test_two_processes_apply_each_event_once_and_one_takes_the_others_partitions_over(db, js) -> None:
    service = "t" + uuid.uuid4().hex[:10]
    applied = Table("applied", MetaData(), Column("name", String(64), primary_key=True))
    async with db.transaction() as session:
        await session.run_sync(lambda s: applied.create(s.connection()))

    async def publish(names: list[str]) -> None:
        async with db.transaction() as session:
            for name in names:
                outbox.record(session, _created(name), service=service, resource=name.split("#")[0])
        await outbox.OutboxRelay(db, js, service=service).drain()

    by: dict[str, list[str]] = {"a": [], "b": [], "companion": [], "slow": []}

    def handler(label: str):
        async def apply(session, event, meta) -> None:
            await session.execute(insert(applied).values(name=event.customer.name))
            by[label].append(event.customer.name)

        return apply

    async def names() -> set[str]:
        async with db.read() as session:
            return set((await session.scalars(select(applied.c.name))).all())

    async def until(expected: set[str], seconds: float = 15) -> None:
        for _ in range(int(seconds * 10)):
            if await names() == expected:
                return
            await asyncio.sleep(0.1)
        assert await names() == expected

    await events.ensure_stream(js, service)
    clock = ManualClock(START)
    a, b = _pair(db, clock, group=f"{service}-c")
    for leases in (a, b, a, b):
        await leases.rebalance()

    def options(label: str) -> dict:
        return {
            "name": f"{service}-c",
            "producer": service,
            "subscriptions": [Subscription(events_pb2.CustomerCreated, handler(label), service)],
            # what a reader giving its partition up had fetched without knowing (the broker's answer to a fetch
            # that had already returned) comes back to the new holder on this backoff
            "backoff": (0.5, 1.0),
        }

    first = PartitionedConsumer(db, js, leases=a, **options("a"))
    slow_leases = Leases(db, f"{service}-slow", owner="s", clock=clock)

    async def slowly(session, event, meta) -> None:
        await asyncio.sleep(0.03)
        by["slow"].append(event.customer.name)

    slow = PartitionedConsumer(
        db,
        js,
        leases=slow_leases,
        **{
            **options("slow"),
            "name": f"{service}-slow",
            "subscriptions": [Subscription(events_pb2.CustomerCreated, slowly, service)],
        },
    )
    second = PartitionedConsumer(db, js, leases=b, **options("b"))
    companion = EventConsumer(db, js, unpartitioned=True, **options("companion"))
    assert second.filter_subjects(f"{service}-c-p03") == [f"kam.{service}.v1.CustomerCreated.p03"]
    assert companion.filter_subjects(companion.durable) == [f"kam.{service}.v1.CustomerCreated"]
    running = [asyncio.create_task(c.run()) for c in (first, second, companion)]
    try:
        customers = [f"customers/{i}" for i in range(60)]
        await publish([*customers, "no one"])  # "no one": about no customer, no partition
        await until({*customers, "no one"})  # each once (the name is the key), by whichever holds it
        assert set(by["a"]) == {c for c in customers if events.partition_for(c) in a.holding()}
        assert set(by["b"]) == {c for c in customers if events.partition_for(c) in b.holding()}
        assert by["companion"] == ["no one"]

        # b takes a's partitions over (a's leases ran out); a, still believing it holds them, applies nothing
        clock.advance(timedelta(seconds=11))
        assert await b.rebalance() == set(range(16))
        running.append(asyncio.create_task(b.run()))  # b goes on renewing; a stays paused
        later = [f"{c}#2" for c in customers]  # the same customers, so the same partitions
        await publish(later)
        # what a's readers fetched after losing their partitions goes back (nak), or — sent to a reader that had
        # already stopped — comes back on the consumer's backoff
        await until({*customers, "no one", *later}, seconds=60)
        assert not set(by["a"]) & set(later)  # its fences failed before its handler ran

        # one customer's events, published while the applier is busy with the last ones (the reader fetches
        # them meanwhile, several fetches waiting for the applier), are applied once each and in their order
        await slow_leases.rebalance()
        running.append(asyncio.create_task(slow.run()))
        burst = [f"customers/7#{i:02d}" for i in range(30)]
        for start in range(0, 30, 5):
            await publish(burst[start : start + 5])
            await asyncio.sleep(0.05)
        for _ in range(300):
            if len([n for n in by["slow"] if n in burst]) >= len(burst):
                break
            await asyncio.sleep(0.1)
        assert [n for n in by["slow"] if n in burst] == burst
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)


async def test_a_holder_taking_over_from_a_killed_one_applies_its_events_in_flight_first_and_in_order(
    db, js
) -> None:
    """The killed holder had fetched one customer's first events and acknowledged none; more of that customer's
    events follow. The new holder applies them all in their order — the ones in flight first — without waiting
    for their acknowledgement time to run out."""
    service = "t" + uuid.uuid4().hex[:10]
    await events.ensure_stream(js, service)
    order: list[str] = []

    async def apply(session, event, meta) -> None:
        order.append(event.customer.name)

    async def publish(names: list[str]) -> None:
        async with db.transaction() as session:
            for name in names:
                outbox.record(session, _created(name), service=service, resource="customers/7")
        await outbox.OutboxRelay(db, js, service=service).drain()

    clock = ManualClock(START)
    dead, heir = _pair(db, clock, group=f"{service}-c")
    options = {
        "name": f"{service}-c",
        "producer": service,
        "subscriptions": [Subscription(events_pb2.CustomerCreated, apply, service)],
        "ack_wait": 60.0,
        "backoff": (60.0,),
    }
    killed = PartitionedConsumer(db, js, leases=dead, **options)
    partition = events.partition_for("customers/7")
    durable = killed._durable(partition)
    first = [f"customers/7#{i}" for i in range(5)]
    await publish(first)
    # the killed holder's reader: three events fetched, never acknowledged
    psub = await killed._subscribe(durable)
    in_flight = await psub.fetch(3, timeout=5)
    assert [m.metadata.sequence.stream for m in in_flight] == [1, 2, 3]
    await psub.unsubscribe()
    later = [f"customers/7#{i}" for i in range(5, 8)]
    await publish(later)

    await heir.rebalance()
    running = asyncio.create_task(PartitionedConsumer(db, js, leases=heir, **options).run())
    try:
        for _ in range(100):  # well under the 60 s the broker would wait before giving them again
            if len(order) >= 8:
                break
            await asyncio.sleep(0.1)
        assert order == [*first, *later]
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)


def _order_table() -> Table:
    """What a handler applied, in commit order (a rolled-back application leaves no row)."""
    return Table(
        "applied_" + uuid.uuid4().hex[:8],
        MetaData(),
        Column("n", Integer, primary_key=True, autoincrement=True),
        Column("name", String(64), nullable=False),
    )


async def _recording_consumer(
    db: Database, js, handler, leases: Leases, service: str, **options
) -> tuple[PartitionedConsumer, Table]:
    """A partitioned consumer of ``service``'s customers: ``handler(session, event)``, then the customer's name in a
    table of its own, in commit order (a rolled-back application leaves no row)."""
    order = _order_table()
    async with db.transaction() as session:
        await session.run_sync(lambda s: order.create(s.connection()))

    async def apply(session, event, meta) -> None:
        await handler(session, event)
        await session.execute(insert(order).values(name=event.customer.name))

    consumer = PartitionedConsumer(
        db,
        js,
        leases=leases,
        name=f"{service}-c",
        producer=service,
        subscriptions=[Subscription(events_pb2.CustomerCreated, apply, service)],
        **options,
    )
    await events.ensure_stream(js, service)
    await leases.rebalance()
    return consumer, order


async def _one_customers_events(
    db: Database, js, handler, leases: Leases, service: str, names, pause: float = 0.02, **options
):
    """Runs a partitioned consumer over ``names`` (all about customers/7, so one partition), published in bursts
    while it applies them; returns the applied names in commit order once each has been applied."""
    consumer, order = await _recording_consumer(db, js, handler, leases, service, **options)
    running = asyncio.create_task(consumer.run())
    try:
        for start in range(0, len(names), 4):
            async with db.transaction() as session:
                for name in names[start : start + 4]:
                    outbox.record(session, _created(name), service=service, resource="customers/7")
            await outbox.OutboxRelay(db, js, service=service).drain()
            await asyncio.sleep(pause)
        for _ in range(300):
            async with db.read() as session:
                applied = list((await session.scalars(select(order.c.name).order_by(order.c.n))).all())
            if len(set(applied)) >= len(names):
                return applied
            await asyncio.sleep(0.1)
        return applied
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)


async def test_an_event_that_fails_once_is_retried_before_its_partitions_later_events(db, js) -> None:
    """A transient failure (a lock, a lost connection) of one event: the customer's later events wait for its
    retry instead of overtaking it — a transaction rule's window sees them in their order."""
    service = "t" + uuid.uuid4().hex[:10]
    names = [f"customers/7#{i:02d}" for i in range(12)]
    failed: list[str] = []

    async def flaky(session, event) -> None:
        await asyncio.sleep(0.02)  # the reader fetches ahead meanwhile
        if event.customer.name == names[5] and not failed:
            failed.append(event.customer.name)
            raise RuntimeError("database is locked")

    leases = Leases(db, f"{service}-c", owner="a", clock=ManualClock(START))
    applied = await _one_customers_events(db, js, flaky, leases, service, names, backoff=(0.3,))
    assert failed == [names[5]]
    assert applied == names


async def test_a_lease_lapsing_and_claimed_again_at_once_keeps_the_partitions_order(db, js) -> None:
    """The process's lease lapsed (a renewal late on a busy machine) and its next round claimed it again before
    the partition's reader noticed: the transaction that found it lapsed gave its events back to the broker, and
    what the reader had fetched behind them must not be applied before they come back."""
    service = "t" + uuid.uuid4().hex[:10]
    names = [f"customers/7#{i:02d}" for i in range(16)]
    leases = Leases(db, f"{service}-c", owner="a", clock=ManualClock(START))
    fences = 0
    real_fence = leases.fence

    async def lapsing_once(session, partitions) -> None:
        nonlocal fences
        fences += 1
        if fences == 2:  # lapsed at this fence (found after a wait for the lock), held again by the next one
            await asyncio.sleep(0.3)  # the reader fetches the events published meanwhile
            raise LeaseLost(leases.name(events.partition_for("customers/7") or 0))
        await real_fence(session, partitions)

    leases.fence = lapsing_once  # type: ignore[method-assign]

    async def slowly(session, event) -> None:
        await asyncio.sleep(0.03)

    applied = await _one_customers_events(db, js, slowly, leases, service, names, pause=0.1, ack_wait=60.0)
    assert fences > 2
    assert applied == names


async def test_an_event_waiting_for_its_retry_holds_up_its_partition_only(db, js) -> None:
    """One customer's event keeps failing for a while (a row locked by a long job, a handler bug on that data):
    its later events wait, in order, but another customer's, on another partition, are applied meanwhile — a
    failing event is not a pause of every customer's alerts."""
    service = "t" + uuid.uuid4().hex[:10]
    stuck, other = (
        "customers/7",
        next(
            f"customers/{n}"
            for n in range(8, 100)
            if events.partition_for(f"customers/{n}") != events.partition_for("customers/7")
        ),
    )
    attempts: list[str] = []

    async def failing_twice(session, event) -> None:
        name = event.customer.name
        if name == f"{stuck}#01" and len(attempts) < 2:  # fails twice, applied at the third attempt
            attempts.append(name)
            raise RuntimeError("row locked")

    leases = Leases(db, f"{service}-c", owner="a", clock=ManualClock(START))
    consumer, order = await _recording_consumer(db, js, failing_twice, leases, service, backoff=(1.5,))

    async def publish(names: list[str]) -> None:
        async with db.transaction() as session:
            for name in names:
                outbox.record(session, _created(name), service=service, resource=name.split("#")[0])
        await outbox.OutboxRelay(db, js, service=service).drain()

    async def applied() -> list[str]:
        async with db.read() as session:
            return list((await session.scalars(select(order.c.name).order_by(order.c.n))).all())

    running = asyncio.create_task(consumer.run())
    try:
        await publish([f"{stuck}#00", f"{stuck}#01", f"{stuck}#02", f"{other}#00"])
        for _ in range(50):  # the stuck event has failed once and waits 1.5 s for its retry
            if attempts:
                break
            await asyncio.sleep(0.05)
        await publish([f"{other}#01", f"{stuck}#03", f"{other}#02"])
        for _ in range(20):
            if {f"{other}#00", f"{other}#01", f"{other}#02"} <= set(await applied()):
                break
            await asyncio.sleep(0.05)
        meanwhile = await applied()
        assert len(attempts) == 1  # still waiting for its retry: the other customer did not wait for it
        assert [n for n in meanwhile if n.startswith(other)] == [f"{other}#00", f"{other}#01", f"{other}#02"]
        assert [n for n in meanwhile if n.startswith(stuck)] == [f"{stuck}#00"]
        for _ in range(200):
            done = await applied()
            if len(done) == 7:
                break
            await asyncio.sleep(0.05)
        assert len(attempts) == 2
        assert [n for n in done if n.startswith(stuck)] == [f"{stuck}#0{i}" for i in range(4)]  # in order
        assert len(done) == 7  # each once
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
