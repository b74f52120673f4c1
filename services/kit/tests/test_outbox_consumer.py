"""The outbox and the idempotent consumer against a real JetStream server and real databases."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta

import nats
import pytest
from kam.customer.v1 import customer_pb2, events_pb2
from kam_kit import events, outbox, worker
from kam_kit.clock import ManualClock
from kam_kit.consumer import Batched, EventConsumer, PoisonMessage, Subscription
from kam_kit.db import Database, outbox_table, parked_events_table, processed_events_table
from kam_kit.errors import FailedPrecondition
from sqlalchemy import Column, Integer, MetaData, String, Table, event, func, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

EMPTY_VERSIONS = "/nonexistent-kam-versions"


def _event(name: str) -> events_pb2.CustomerCreated:
    return events_pb2.CustomerCreated(
        customer=customer_pb2.Customer(name=f"customers/{name}", display_name=name)
    )


@pytest.fixture
async def js(nats_url):
    nc = await nats.connect(nats_url)
    yield nc.jetstream()
    await nc.drain()


@pytest.fixture
def service() -> str:
    """A producer name of its own per test, so each test has a stream of its own."""
    return "t" + uuid.uuid4().hex[:10]


async def _count(db: Database, table, *where) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(table).where(*where)))


async def test_event_is_written_with_the_change_or_not_at_all(db: Database, service: str) -> None:
    async with db.transaction() as session:
        outbox.record(session, _event("kept"), service=service)
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            outbox.record(session, _event("dropped"), service=service)
            raise RuntimeError("the change failed")
    async with db.read() as session:
        subjects = (await session.scalars(select(outbox_table.c.subject))).all()
    assert len(subjects) == 1
    assert events_pb2.CustomerCreated.FromString((await _payloads(db))[0]).customer.display_name == "kept"


async def test_event_ids_are_unique_time_ordered_uuids_of_the_recorded_time(
    db: Database, service: str
) -> None:
    clock = ManualClock(datetime(2026, 11, 29, 1, 2, 3, 456789, tzinfo=UTC))
    async with db.transaction() as session:
        for _ in range(300):  # more than one block of pooled randomness, all in the same millisecond
            outbox.record(session, _event("same"), service=service, clock=clock)
        clock.advance(timedelta(seconds=1))
        outbox.record(session, _event("later"), service=service, clock=clock)
    async with db.read() as session:
        ids = (
            await session.scalars(
                select(outbox_table.c.event_id)
                .where(outbox_table.c.subject.like(f"kam.{service}.%"))
                .order_by(outbox_table.c.seq)
            )
        ).all()
    parsed = [uuid.UUID(i) for i in ids]
    assert len(set(ids)) == 301 and all(str(u) == i for u, i in zip(parsed, ids, strict=True))
    assert {(u.version, u.variant) for u in parsed} == {(7, uuid.RFC_4122)}
    assert {u.int >> 80 for u in parsed[:300]} == {
        int(datetime(2026, 11, 29, 1, 2, 3, 456000, tzinfo=UTC).timestamp() * 1000)
    }
    assert (parsed[300].int >> 80) - (parsed[0].int >> 80) == 1000 and max(ids[:300]) < ids[300]


async def test_relay_publishes_with_message_id_and_marks_published(db: Database, js, service: str) -> None:
    clock = ManualClock()
    async with db.transaction() as session:
        ids = [
            outbox.record(session, _event(f"c{i}"), service=service, clock=clock, resource=f"customers/c{i}")
            for i in range(25)
        ]
    async with db.read() as session:
        stored = (await session.scalars(select(outbox_table.c.headers).order_by(outbox_table.c.seq))).all()
    # Only what cannot be derived from the row is stored (outside a trace: the resource).
    assert stored[0] == {events.CE_SUBJECT: "customers/c0"}
    await events.ensure_stream(js, service)
    relay = outbox.OutboxRelay(db, js, service=service, batch_size=10, clock=clock)
    assert await relay.drain() == 25
    assert await _count(db, outbox_table, outbox_table.c.published_at.is_(None)) == 0

    info = await js.stream_info(events.stream_name(service))
    assert info.state.messages == 25
    assert info.config.duplicate_window == events.DUPLICATE_WINDOW_SECONDS
    first = await js.get_msg(events.stream_name(service), seq=1)
    assert first.headers[events.MSG_ID] == ids[0]
    assert first.headers[events.CE_TYPE] == "kam.customer.v1.CustomerCreated"
    assert first.headers[events.CE_SUBJECT] == "customers/c0"
    assert first.headers[events.CE_ID] == ids[0]
    assert first.headers[events.CE_SOURCE] == f"kam/{service}"
    assert first.headers[events.CE_SPECVERSION] == "1.0"
    assert first.headers[events.CE_TIME] == clock.now().isoformat()
    assert first.headers[events.CONTENT_TYPE] == events.PROTOBUF
    # an event about a customer goes to its customer's partition
    assert first.subject == f"kam.{service}.v1.CustomerCreated.p{events.partition_for('customers/c0'):02d}"
    assert events_pb2.CustomerCreated.FromString(first.data).customer.display_name == "c0"


async def test_rows_of_an_older_release_with_every_header_stored_publish_unchanged(
    db: Database, js, service
) -> None:
    headers = events.event_headers(
        event_id="0f4f1b3e-0000-4000-8000-000000000001",
        service=service,
        event_type="kam.customer.v1.CustomerCreated",
        time=datetime(2026, 11, 1, 8, 0, tzinfo=UTC),
        subject="customers/old",
    )
    async with db.transaction() as session:
        await session.execute(
            insert(outbox_table).values(
                event_id=headers[events.MSG_ID],
                subject=f"kam.{service}.v1.CustomerCreated",
                event_type="kam.customer.v1.CustomerCreated",
                headers=headers,
                payload=_event("old").SerializeToString(),
                created_at=datetime(2026, 11, 1, 8, 0, tzinfo=UTC),
            )
        )
    await events.ensure_stream(js, service)
    assert await outbox.OutboxRelay(db, js, service=service).drain() == 1
    message = await js.get_msg(events.stream_name(service), seq=1)
    assert {k: v for k, v in message.headers.items() if k != "Nats-Expected-Stream"} == headers
    assert events_pb2.CustomerCreated.FromString(message.data).customer.display_name == "old"


async def test_republish_after_crash_before_mark_is_deduplicated(db: Database, js, service: str) -> None:
    async with db.transaction() as session:
        for i in range(5):
            outbox.record(session, _event(f"d{i}"), service=service)
    await events.ensure_stream(js, service)
    relay = outbox.OutboxRelay(db, js, service=service)
    await relay.drain()
    # A crash between publish and mark leaves the rows pending: they are published again on restart.
    async with db.transaction() as session:
        await session.execute(update(outbox_table).values(published_at=None))
    assert await relay.drain() == 5
    info = await js.stream_info(events.stream_name(service))
    assert info.state.messages == 5


@contextlib.asynccontextmanager
async def _marks_held(db: Database):
    """Another connection holds the outbox's pending rows until the block ends, so marking them waits (SQLite:
    it holds the one writer; PostgreSQL: it locks the rows, and new rows can still be written)."""
    if db.is_sqlite:
        other = sqlite3.connect(make_url(db.url).database or "", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    async with db.engine.connect() as connection:
        await connection.execute(text("SELECT seq FROM kam_outbox WHERE published_at IS NULL FOR UPDATE"))
        try:
            yield
        finally:
            await connection.rollback()


async def test_publishing_goes_on_while_a_mark_waits_for_the_database_and_nothing_goes_twice(
    db: Database, nats_url, service: str
) -> None:
    async def record(names: list[str]) -> None:
        async with db.transaction() as session:
            for name in names:
                outbox.record(session, _event(name), service=service)

    async def until_sent(count: int) -> None:
        for _ in range(100):
            if len(sent) >= count:
                break
            await asyncio.sleep(0.05)
        assert len(sent) == count

    await record([f"w{i}" for i in range(5)])
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    await events.ensure_stream(js, service)
    sent: list[str] = []  # every publication as it goes over the wire (the stream would drop a duplicate)

    async def on_message(msg) -> None:
        sent.append(msg.headers[events.MSG_ID])

    await nc.subscribe(f"kam.{service}.>", cb=on_message)
    relay = outbox.OutboxRelay(db, js, service=service, coalesce=0.01, poll_interval=0.05)
    running = asyncio.create_task(relay.run())
    pending = outbox_table.c.published_at.is_(None)
    try:
        async with _marks_held(db):
            await until_sent(5)  # published though the marks cannot be written yet
            assert await _count(db, outbox_table, pending) == 5
            if not db.is_sqlite:  # events committed meanwhile go out without waiting for those marks
                await record([f"x{i}" for i in range(3)])
                await until_sent(8)
            await asyncio.sleep(0.5)  # polls and wake-ups meanwhile publish nothing again
            relay.notify()
            await asyncio.sleep(0.1)
            assert len(sent) == (5 if db.is_sqlite else 8)
        for _ in range(100):
            if await _count(db, outbox_table, pending) == 0:
                break
            await asyncio.sleep(0.1)
        assert await _count(db, outbox_table, pending) == 0  # the marks went in once the rows were free
        assert len(sent) == len(set(sent))
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await nc.drain()


async def test_the_relay_wakes_for_commits_that_wrote_events_and_only_for_them(
    db: Database, js, service: str
) -> None:
    """Every commit calls the relay's hook; one that wrote no event (a consumer's bookkeeping, the relay's own
    marks) costs it no pass over the outbox, and one that wrote events — even while a pass runs — wakes it at once
    (the poll here is a minute away)."""
    await events.ensure_stream(js, service)
    relay = outbox.OutboxRelay(db, js, service=service, coalesce=0.01, poll_interval=60)
    passes = 0
    publish_all = relay._publish_all

    async def counted() -> int:
        nonlocal passes
        passes += 1
        published = await publish_all()
        if passes == 2:  # an event commits while this pass runs, after it read the outbox
            async with db.transaction() as session:
                outbox.record(session, _event("during"), service=service)
        return published

    relay._publish_all = counted  # type: ignore[method-assign]
    running = asyncio.create_task(relay.run())
    unpublished = outbox_table.c.published_at.is_(None)

    async def settled(expected_passes: int) -> None:
        for _ in range(100):
            if passes >= expected_passes and await _count(db, outbox_table, unpublished) == 0:
                return
            await asyncio.sleep(0.02)
        raise AssertionError(f"{passes} passes; events left unpublished")

    try:
        await settled(1)  # the first pass at start: nothing
        for _ in range(5):
            async with db.transaction() as session:  # writes no event
                await session.execute(text("SELECT 1"))
        await asyncio.sleep(0.2)
        assert passes == 1, "commits without events woke the relay"
        async with db.transaction() as session:
            outbox.record(session, _event("first"), service=service)
        await settled(3)  # 2: publishes "first" (and commits "during"), 3: publishes "during", then idle
        await asyncio.sleep(0.2)
        assert await _count(db, outbox_table) == 2
        assert passes == 4, "after its own marks the relay looks once more (it published), then sleeps"
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)


async def test_a_relay_that_looked_while_a_transaction_was_committing_is_woken_by_it(
    db: Database, service: str
) -> None:
    """The count of commits that wrote events moves once they have committed: a pass that noted it between the
    events' insert and the commit (and so could not read them) is woken after the commit, not left to the poll."""
    watch = worker.Watch(outbox.EVENTS_WRITTEN)

    def a_pass_starts(session) -> None:  # runs after the events were inserted, before COMMIT
        watch.look()

    event.listen(Session, "before_commit", a_pass_starts)
    try:
        async with db.transaction() as session:
            outbox.record(session, _event("racing"), service=service)
    finally:
        event.remove(Session, "before_commit", a_pass_starts)
    assert watch.changed()
    watch.look()
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:  # rolled back: nothing to publish, no wake
            outbox.record(session, _event("dropped"), service=service)
            raise RuntimeError("the change failed")
    async with db.transaction() as session:
        await session.execute(text("SELECT 1"))
    assert not watch.changed()


class _Applied:
    """A consumer-side table that counts how often each event was applied."""

    metadata = MetaData()
    table = Table("applied", metadata, Column("id", Integer, primary_key=True), Column("name", String(64)))


@pytest.fixture
async def applied_table(db: Database):
    async with db.engine.begin() as connection:
        await connection.run_sync(_Applied.metadata.create_all)
    return _Applied.table


async def _wait_for(predicate, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)


async def test_consumer_applies_each_event_once_even_when_delivered_twice(
    db: Database, js, service: str, applied_table
) -> None:
    async def handler(session, event, meta) -> None:
        await session.execute(insert(applied_table).values(name=event.customer.display_name))

    await events.ensure_stream(js, service)
    headers = events.event_headers(
        event_id="e-1",
        service=service,
        event_type="kam.customer.v1.CustomerCreated",
        time=ManualClock().now(),
    )
    subject = events.subject_for(service, events_pb2.CustomerCreated)
    await js.publish(subject, _event("once").SerializeToString(), headers=headers)
    # The same event again under another broker id (as a second producer replica could send it).
    await js.publish(subject, _event("once").SerializeToString(), headers={**headers, events.MSG_ID: "other"})

    consumer = EventConsumer(
        db,
        js,
        name=f"{service}-c",
        producer=service,
        subscriptions=[Subscription(events_pb2.CustomerCreated, handler, service)],
    )
    task = asyncio.create_task(consumer.run())
    try:
        await _wait_for(lambda: _count(db, processed_events_table))
        await asyncio.sleep(0.5)
        assert await _count(db, applied_table) == 1
        info = await js.consumer_info(events.stream_name(service), consumer.durable)
        await _wait_for(lambda: _zero_pending(js, service, consumer.durable))
        assert info.config.max_deliver == consumer.max_deliver
    finally:
        task.cancel()


async def _zero_pending(js, service: str, durable: str) -> bool:
    info = await js.consumer_info(events.stream_name(service), durable)
    return info.num_ack_pending == 0 and info.num_pending == 0


async def test_failing_event_is_retried_then_parked_and_the_stream_moves_on(
    db: Database, js, service: str, applied_table
) -> None:
    attempts: dict[str, int] = {}

    async def handler(session, event, meta) -> None:
        name = event.customer.display_name
        attempts[name] = attempts.get(name, 0) + 1
        if name == "poison":
            raise ValueError("cannot apply")
        if name == "hopeless":
            raise PoisonMessage("never applicable")
        if name == "flaky" and attempts[name] < 2:
            raise ConnectionError("transient")
        await session.execute(insert(applied_table).values(name=name))

    async with db.transaction() as session:
        for name in ("poison", "flaky", "hopeless", "fine"):
            outbox.record(session, _event(name), service=service)
    await events.ensure_stream(js, service)
    await outbox.OutboxRelay(db, js, service=service).drain()

    consumer = EventConsumer(
        db,
        js,
        name=f"{service}-p",
        producer=service,
        max_deliver=3,
        backoff=(0.05, 0.05),
        subscriptions=[Subscription(events_pb2.CustomerCreated, handler, service)],
    )
    task = asyncio.create_task(consumer.run())
    try:
        await _wait_for(lambda: _count_is(db, parked_events_table, 2))
        await _wait_for(lambda: _count_is(db, applied_table, 2))
    finally:
        task.cancel()
    assert attempts["poison"] == 3
    assert attempts["hopeless"] == 1
    assert attempts["flaky"] == 2
    async with db.read() as session:
        parked = (
            await session.execute(
                select(parked_events_table.c.error, parked_events_table.c.deliveries).order_by(
                    parked_events_table.c.id
                )
            )
        ).all()
    by_error = sorted(
        (p.deliveries, "cannot apply" in p.error, "never applicable" in p.error) for p in parked
    )
    assert by_error == [(1, False, True), (3, True, False)]


async def test_an_event_is_parked_once_however_often_it_comes_back(db: Database, js, service: str) -> None:
    """A poison event delivered again after it was parked (its termination had not reached the broker, or the
    producer published it twice) finds it parked: one row, the copy terminated. Unidentified messages are told
    apart by their stream sequence."""

    async def handler(session, event, meta) -> None:
        raise PoisonMessage("never applicable")

    async with db.transaction() as session:
        outbox.record(session, _event("hopeless"), service=service)
    await events.ensure_stream(js, service)
    await outbox.OutboxRelay(db, js, service=service).drain()
    stream = events.stream_name(service)
    first = await js.get_msg(stream, seq=1)
    await js.publish(first.subject, first.data, headers={**first.headers, events.MSG_ID: "second-copy"})
    for _ in range(2):  # no id at all: parked as unidentified, each on its own
        await js.publish(first.subject, first.data)
    consumer = EventConsumer(
        db,
        js,
        name=f"{service}-once",
        producer=service,
        subscriptions=[Subscription(events_pb2.CustomerCreated, handler, service)],
    )
    await js.add_consumer(stream, consumer.consumer_config())
    task = asyncio.create_task(consumer.run())
    try:
        await _wait_for(lambda: _zero_pending(js, service, consumer.durable))
    finally:
        task.cancel()
    async with db.read() as session:
        parked = sorted((await session.scalars(select(parked_events_table.c.event_id))).all())
    assert parked == sorted([first.headers[events.CE_ID], "?3", "?4"])


async def _count_is(db: Database, table, expected: int) -> bool:
    return await _count(db, table) == expected


async def _processed(db: Database, consumer: str) -> set[str]:
    """The event ids ``consumer`` has recorded as applied."""
    t = processed_events_table
    async with db.read() as session:
        return set((await session.scalars(select(t.c.event_id).where(t.c.consumer == consumer))).all())


async def _payloads(db: Database) -> list[bytes]:
    async with db.read() as session:
        return list(
            (await session.scalars(select(outbox_table.c.payload).order_by(outbox_table.c.seq))).all()
        )


async def test_the_events_of_one_fetch_share_a_transaction_and_each_applies_once(
    db: Database, js, service: str, applied_table
) -> None:
    calls: list[str] = []

    async def handler(session, event, meta) -> None:
        name = event.customer.display_name
        calls.append(name)
        if name == "e7":
            raise ValueError("cannot apply yet")  # retried later; the others are applied around it
        await session.execute(insert(applied_table).values(name=name))

    async with db.transaction() as session:
        ids = [outbox.record(session, _event(f"e{i}"), service=service) for i in range(30)]
    await events.ensure_stream(js, service)
    await outbox.OutboxRelay(db, js, service=service).drain()
    # the same event again under another broker message id (a producer that published it twice)
    again = await js.get_msg(events.stream_name(service), seq=4)
    await js.publish(
        again.subject, again.data, headers={**again.headers, events.MSG_ID: "another-message-id"}
    )
    consumer = EventConsumer(
        db,
        js,
        name=f"{service}-b",
        producer=service,
        backoff=(30.0,),
        subscriptions=[Subscription(events_pb2.CustomerCreated, handler, service)],
    )
    await js.add_consumer(events.stream_name(service), consumer.consumer_config())
    psub = await js.pull_subscribe_bind(durable=consumer.durable, stream=events.stream_name(service))
    messages = await psub.fetch(100, timeout=2.0)
    assert len(messages) == 31
    commits: list[int] = []
    db.after_commit_hooks.append(lambda: commits.append(1))

    await consumer.handle_batch(messages)

    async with db.read() as session:
        applied = sorted((await session.scalars(select(applied_table.c.name))).all())
    assert applied == sorted(f"e{i}" for i in range(30) if i != 7)
    assert await _processed(db, consumer.name) == set(ids) - {ids[7]}
    # e0-e6 ran once in the transaction that e7 rolled back, once more in their own; e7 once (not again
    # in the same fetch); e8-e29 and the duplicate of e3 in one more transaction, the duplicate not applied
    assert calls.count("e7") == 1 and calls.count("e3") == 2 and calls.count("e20") == 1
    assert len(commits) == 2

    # acknowledgements are published without a reply: wait until the broker has counted them
    async def acks_counted() -> bool:
        info = await js.consumer_info(events.stream_name(service), consumer.durable)
        return info.num_ack_pending <= 1

    await _wait_for(acks_counted)
    info = await js.consumer_info(events.stream_name(service), consumer.durable)
    assert info.num_ack_pending == 1  # e7, waiting for its redelivery


async def test_a_batched_handler_gets_a_fetchs_events_at_once_and_a_failure_one_by_one(
    db: Database, js, service: str, applied_table
) -> None:
    """A Batched handler is called once for the consecutive events of its type (in order, duplicates left out);
    events of another type between them split the run; if a run fails, its events are applied one by one, so the
    failing one is retried alone and the others are applied."""
    runs: list[list[str]] = []
    singles: list[str] = []

    async def batch(session, items) -> None:
        names = [event.customer.display_name for event, _meta in items]
        runs.append(names)
        if "bad" in names:
            raise ValueError("cannot apply yet")
        await session.execute(insert(applied_table), [{"name": name} for name in names])

    async def single(session, event, meta) -> None:
        singles.append(event.customer.display_name)
        await session.execute(insert(applied_table).values(name=f"updated-{event.customer.display_name}"))

    names = ["a", "b", "c", "u", "d", "e", "bad", "f"]
    async with db.transaction() as session:
        ids = [
            outbox.record(
                session,
                events_pb2.CustomerUpdated(customer=_event(name).customer) if name == "u" else _event(name),
                service=service,
            )
            for name in names
        ]
    await events.ensure_stream(js, service)
    await outbox.OutboxRelay(db, js, service=service).drain()
    again = await js.get_msg(events.stream_name(service), seq=2)  # "b" once more, another broker id
    await js.publish(again.subject, again.data, headers={**again.headers, events.MSG_ID: "b-again"})
    consumer = EventConsumer(
        db,
        js,
        name=f"{service}-batched",
        producer=service,
        backoff=(30.0,),
        subscriptions=[
            Subscription(events_pb2.CustomerCreated, Batched(batch), service),
            Subscription(events_pb2.CustomerUpdated, single, service),
        ],
    )
    await js.add_consumer(events.stream_name(service), consumer.consumer_config())
    psub = await js.pull_subscribe_bind(durable=consumer.durable, stream=events.stream_name(service))
    messages = await psub.fetch(100, timeout=2.0)
    assert len(messages) == 9

    await consumer.handle_batch(messages)

    # together: [a b c], u, [d e bad f] fails → [a b c], u together again; the failed run's one by one
    assert runs == [["a", "b", "c"], ["d", "e", "bad", "f"], ["a", "b", "c"], ["d"], ["e"], ["bad"], ["f"]]
    assert singles == ["u", "u"]
    async with db.read() as session:
        applied = sorted((await session.scalars(select(applied_table.c.name))).all())
    assert applied == ["a", "b", "c", "d", "e", "f", "updated-u"]
    assert await _processed(db, consumer.name) == set(ids) - {ids[6]}


async def test_an_event_too_large_to_publish_fails_its_change_and_a_large_one_publishes(
    db: Database, js, service: str
) -> None:
    """An event over MAX_EVENT_BYTES would stop every event after it at the broker: the change that records it
    fails (FAILED_PRECONDITION, nothing written). One of a few MB publishes (the servers take 8 MB) and the events
    after it follow."""
    huge = events_pb2.CustomerCreated(
        customer=customer_pb2.Customer(name="customers/huge", display_name="x" * (outbox.MAX_EVENT_BYTES + 1))
    )
    with pytest.raises(FailedPrecondition) as refused:
        async with db.transaction() as session:
            outbox.record(session, _event("before"), service=service)
            outbox.record(session, huge, service=service)
    assert refused.value.reason == "EVENT_TOO_LARGE"
    assert await _count(db, outbox_table) == 0
    large = events_pb2.CustomerCreated(
        customer=customer_pb2.Customer(name="customers/large", display_name="x" * 3_000_000)
    )
    async with db.transaction() as session:
        outbox.record(session, large, service=service, resource="customers/large")
        outbox.record(session, _event("after"), service=service, resource="customers/after")
    await events.ensure_stream(js, service)
    assert await outbox.OutboxRelay(db, js, service=service).drain() == 2
    info = await js.stream_info(events.stream_name(service))
    assert info.state.messages == 2
