"""Durable, idempotent JetStream consumers.

:class:`EventConsumer` pulls from a durable consumer with explicit acks. Each event is applied in one database
transaction together with a row in ``kam_processed_events``; a redelivered event whose id is already there is
acknowledged without being applied again. The events of one fetch share that transaction (one commit and one
duplicate check for up to ``batch_size`` events: a busy stream costs per batch, not per event); an event whose
handler fails there is settled as if it had been applied alone, and the others are applied without it. A handler
failure is retried with backoff (``nak(delay)``; a :class:`PartitionedConsumer` replays the event's partition from
it after the delay, so that partition's later events never overtake it while the others go on) up to
``max_deliver`` deliveries; then the message is *parked* in
``kam_parked_events`` with the error, logged, counted in the ``kam.consumer.parked`` metric and terminated, so it
neither blocks the stream nor disappears.

A handler wrapped in :class:`Batched` receives the consecutive events of its type in a fetch at once (one call per
run of them, still in the fetch's transaction), so it can read and write what they share in one query each — the
alert service's evaluation of transactions. If it fails for several events, those are applied one by one (each in a
call of its own), so the failure is settled against the event that caused it; the fetch's other events are still
applied together.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from google.protobuf.message import DecodeError, Message
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError
from opentelemetry import context as otel_context
from opentelemetry import metrics, propagate, trace
from opentelemetry.trace import SpanKind
from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kam_kit import events, telemetry
from kam_kit.clock import SYSTEM_CLOCK, Clock
from kam_kit.db import Database, parked_events_table, processed_events_table
from kam_kit.partitions import LeaseLost, Leases

log = logging.getLogger(__name__)

Handler = Callable[[AsyncSession, Message, events.EventMeta], Awaitable[None]]
BatchHandler = Callable[[AsyncSession, Sequence[tuple[Any, events.EventMeta]]], Awaitable[None]]


@dataclass(frozen=True)
class Batched:
    """Marks a handler that applies several events of one type in one call: ``handler(session, [(event, meta),
    …])``, in the order they were published."""

    handler: BatchHandler


@dataclass(frozen=True)
class Subscription:
    """One event type a consumer applies: its message class and the handler that applies it."""

    message_type: type[Message]
    handler: Handler | Batched
    producer: str  # the producing service, e.g. "customer"

    @property
    def subject(self) -> str:
        return events.subject_for(self.producer, self.message_type)


class PoisonMessage(Exception):
    """Raised by a handler for an event that can never be applied (parked at once, not retried)."""


class _BatchFailed(Exception):
    """A :class:`Batched` handler failed for the events ``start`` to ``end`` (exclusive) of a transaction (which
    of them is told by applying them alone)."""

    def __init__(self, start: int, end: int, error: Exception) -> None:
        super().__init__(start, end, error)
        self.start = start
        self.end = end


class _HandlerFailed(Exception):
    """The handler of the ``index``-th event of a transaction raised ``error`` (the transaction rolled back)."""

    def __init__(self, index: int, error: Exception) -> None:
        super().__init__(index, error)
        self.index = index
        self.error = error


@dataclass
class _Delivery:
    """One fetched message, read: what it is, or why it cannot be applied."""

    msg: Msg
    headers: dict[str, str]
    event_id: str
    delivery: int  # how many times the broker has delivered it
    subscription: Subscription | None = None
    payload: Message | None = None
    meta: events.EventMeta | None = None
    problem: str = ""  # not empty: the message is parked


@dataclass
class _Fetched:
    """One fetch of a partition's reader, waiting for the applier (``done`` set once it has been dealt with)."""

    messages: list[Msg]
    done: asyncio.Event
    partition: int
    reader: int


class EventConsumer:
    """Applies one producer's events to this service's database, exactly once per event id."""

    def __init__(
        self,
        db: Database,
        js: JetStreamContext,
        *,
        name: str,
        producer: str,
        subscriptions: Sequence[Subscription],
        max_deliver: int = 5,
        backoff: Sequence[float] = (0.5, 2.0, 10.0, 30.0),
        ack_wait: float = 30.0,
        batch_size: int = 100,
        clock: Clock = SYSTEM_CLOCK,
        unpartitioned: bool = False,
    ) -> None:
        """``unpartitioned``: only the events published without a partition (the companion of a
        :class:`PartitionedConsumer`); otherwise all of them, whatever their partition."""
        if any(sub.producer != producer for sub in subscriptions):
            raise ValueError("every subscription of one consumer must come from the same producer")
        self.db = db
        self.js = js
        self.name = name
        self.producer = producer
        self.by_type: Mapping[str, Subscription] = {
            sub.message_type.DESCRIPTOR.full_name: sub for sub in subscriptions
        }
        self.max_deliver = max_deliver
        self.backoff = list(backoff)
        self.ack_wait = ack_wait
        self.batch_size = batch_size
        self.clock = clock
        self.unpartitioned = unpartitioned
        self._tracer = telemetry.tracer()
        meter = telemetry.meter()
        attrs = {"consumer": name}
        self._attrs = attrs
        self._applied = meter.create_counter("kam.consumer.applied", unit="{event}")
        self._duplicates = meter.create_counter("kam.consumer.duplicates", unit="{event}")
        self._retries = meter.create_counter("kam.consumer.retries", unit="{event}")
        self._parked = meter.create_counter(
            "kam.consumer.parked", unit="{event}", description="Poison events parked after exhausting retries"
        )
        self._pending = 0
        #: retried in place (:class:`PartitionedConsumer`): the failed attempts of the events waiting for one, by id
        self._attempts: dict[str, int] = {}
        meter.create_observable_gauge(
            "kam.consumer.lag",
            callbacks=[self._observe_lag],
            unit="{event}",
            description="Messages in the stream not yet delivered to this consumer",
        )

    def _observe_lag(self, _options: metrics.CallbackOptions):
        yield metrics.Observation(self._pending, self._attrs)

    @property
    def durable(self) -> str:
        return self.name

    @property
    def durables(self) -> list[str]:
        """The durable consumers on the broker this consumer pulls from (backups record where each stands)."""
        return [self.durable]

    @property
    def stream(self) -> str:
        return events.stream_name(self.producer)

    def consumer_config(
        self, start_sequence: int | None = None, durable: str | None = None
    ) -> ConsumerConfig:
        """A durable consumer's configuration (``durable``: one of :attr:`durables`, the first by default): from
        the stream's start, or from ``start_sequence`` (where a restored database left off, :mod:`kam_kit.backup`)."""
        durable = durable or self.durable
        # JetStream requires max_deliver > len(backoff); the last backoff step repeats.
        steps = self.backoff[: max(self.max_deliver - 1, 1)]
        return ConsumerConfig(
            durable_name=durable,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL if start_sequence is None else DeliverPolicy.BY_START_SEQUENCE,
            opt_start_seq=start_sequence,
            ack_wait=self.ack_wait,
            max_deliver=self.max_deliver,
            backoff=steps if len(steps) < self.max_deliver else None,
            filter_subjects=self.filter_subjects(durable),
            max_ack_pending=10_000,
        )

    def filter_subjects(self, durable: str) -> list[str]:
        bases = sorted({sub.subject for sub in self.by_type.values()})  # two types may share one
        if self.unpartitioned:
            return bases
        return [subject for base in bases for subject in (base, f"{base}.*")]

    async def _subscribe(self, durable: str):
        """Creates or updates the durable consumer (the same config again is a no-op on the server) and binds a
        pull subscription. Where it starts is kept as it is (a restore may have moved it; the server cannot change
        it)."""
        await events.ensure_stream(self.js, self.producer)
        config = self.consumer_config(durable=durable)
        try:
            existing = (await self.js.consumer_info(self.stream, durable)).config
        except NotFoundError:
            pass
        else:
            config.deliver_policy, config.opt_start_seq = existing.deliver_policy, existing.opt_start_seq
        await self.js.add_consumer(self.stream, config)
        return await self.js.pull_subscribe_bind(durable=durable, stream=self.stream)

    async def run(self) -> None:
        """Pull and apply until cancelled (re-creates the pull subscription after broker trouble)."""
        while True:
            psub = None
            try:
                psub = await self._subscribe(self.durable)
                await self._loop(psub)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - broker hiccups: retry the whole subscription
                log.warning(
                    "consumer loop failed; retrying", extra={"consumer": self.name, "error": repr(exc)}
                )
                await asyncio.sleep(1.0)
            finally:
                if psub is not None:
                    with contextlib.suppress(Exception):
                        await psub.unsubscribe()

    async def _loop(self, psub) -> None:
        while True:
            try:
                messages = await self._fetch(psub)
            except (NatsTimeoutError, TimeoutError):
                self._pending = 0
                continue
            await self.handle_batch(messages)
            if messages:
                self._pending = messages[-1].metadata.num_pending

    async def _fetch(self, psub) -> list[Msg]:
        """The next event as soon as there is one (waiting up to a second), with every other the stream has for
        this consumer at that moment, up to ``batch_size``. One fetch of a whole batch would wait, on a quiet
        stream, until the batch fills or its time is up: an event arriving alone would wait for that."""
        messages = await psub.fetch(1, timeout=1.0)
        if self.batch_size > 1 and messages[-1].metadata.num_pending:  # more waiting behind it
            with contextlib.suppress(NatsTimeoutError, TimeoutError):
                messages += await psub.fetch(self.batch_size - 1, timeout=0.005)
        _raise_if_cancelled()
        return messages

    async def handle_batch(self, messages: Sequence[Msg]) -> None:
        """Apply the events of one fetch in one transaction (one commit and one duplicate check for all of them).
        A handler that fails there is settled as if it had failed alone (retried later or parked) and the others
        are applied around it; any other failure of the shared transaction applies them one by one."""
        deliveries = [self._read(msg) for msg in messages]
        try:
            for delivery in deliveries:
                if delivery.problem:
                    await self._settle_one(delivery)
            await self._apply_batch([d for d in deliveries if not d.problem])
        except LeaseLost:
            # nothing of them was committed here: back to the broker at once, for the partition's new holder
            for delivery in deliveries:
                with contextlib.suppress(Exception):
                    await delivery.msg.nak()
            raise

    async def _apply_batch(self, batch: Sequence[_Delivery]) -> None:
        while True:
            batch = [d for d in batch if not self._waits(d)]  # behind an event waiting for its retry
            if len(batch) <= 1:
                break
            try:
                applied = await self._apply_all(batch)
            except _HandlerFailed as failed:  # the events before it went well in the rolled-back transaction
                await self._apply_batch(batch[: failed.index])
                await self._settle_one(batch[failed.index], failed.error)
                batch = batch[failed.index + 1 :]
                continue
            except _BatchFailed as failed:  # those before the run went well; the run's, one by one
                await self._apply_batch(batch[: failed.start])
                for delivery in batch[failed.start : failed.end]:
                    if not self._waits(delivery):
                        await self._settle_one(delivery)
                batch = batch[failed.end :]
                continue
            except LeaseLost:
                raise
            except Exception:  # noqa: BLE001 - the commit or the duplicate check: one by one says which
                log.info(
                    "events not applied together; applying one by one",
                    extra={"consumer": self.name, "events": len(batch)},
                )
                break
            for delivery, fresh in zip(batch, applied, strict=True):
                (self._applied if fresh else self._duplicates).add(1, self._attrs)
                await delivery.msg.ack()
            return
        for delivery in batch:
            if not self._waits(delivery):
                await self._settle_one(delivery)

    def _read(self, msg: Msg) -> _Delivery:
        headers = dict(msg.headers or {})
        event_id = headers.get(events.CE_ID) or headers.get(events.MSG_ID) or ""
        event_type = headers.get(events.CE_TYPE, "")
        delivery = _Delivery(msg, headers, event_id, msg.metadata.num_delivered if msg.metadata else 1)
        delivery.subscription = self.by_type.get(event_type)
        if not event_id or delivery.subscription is None:
            delivery.problem = f"unknown or unidentified event type {event_type!r}"
            return delivery
        try:
            delivery.payload = delivery.subscription.message_type.FromString(msg.data)
        except DecodeError as exc:
            delivery.problem = f"undecodable payload: {exc}"
            return delivery
        delivery.meta = events.EventMeta(
            event_id=event_id,
            event_type=event_type,
            source=headers.get(events.CE_SOURCE, ""),
            time=headers.get(events.CE_TIME, ""),
            subject=msg.subject,
            resource=headers.get(events.CE_SUBJECT, ""),
            delivery=delivery.delivery,
            authorization=headers.get(events.AUTHORIZATION, ""),
            publish_time=msg.metadata.timestamp if msg.metadata else None,
        )
        return delivery

    @contextmanager
    def _span(self, delivery: _Delivery) -> Iterator[None]:
        """The consumer span of one event, a child of the producer's (from the message's trace context)."""
        token = otel_context.attach(propagate.extract(delivery.headers))
        try:
            with self._tracer.start_as_current_span(
                f"{events.unpartitioned(delivery.msg.subject)} process",
                kind=SpanKind.CONSUMER,
                attributes={
                    "messaging.system": "nats",
                    "messaging.operation.type": "process",
                    "messaging.destination.name": delivery.msg.subject,
                    "messaging.consumer.group.name": self.name,
                    "messaging.message.id": delivery.event_id,
                    "messaging.nats.delivery_count": delivery.delivery,
                },
            ):
                yield
        finally:
            otel_context.detach(token)

    def _waits(self, delivery: _Delivery) -> bool:
        """Whether ``delivery`` stands behind an event waiting for its retry (in place), so is not applied now."""
        return False

    def _attempt(self, delivery: _Delivery) -> int:
        """Which attempt at ``delivery`` this is: the broker's delivery count (a failed event is given back to the
        broker with a delay; events after it are applied meanwhile)."""
        return delivery.delivery

    async def _retry_later(self, delivery: _Delivery, attempt: int, delay: float) -> None:
        """Have ``delivery`` (whose ``attempt`` just failed) delivered again after ``delay`` seconds."""
        await delivery.msg.nak(delay=delay)

    async def _settle_one(self, delivery: _Delivery, failure: Exception | None = None) -> None:
        """Apply one event in its own transaction, unless ``failure`` says how applying it just failed; then ack
        it, or retry it later (:meth:`_retry_later`), or park it once ``max_deliver`` attempts have failed."""
        msg, event_id = delivery.msg, delivery.event_id
        if delivery.problem:
            with self._span(delivery):
                await self._park(msg, delivery.headers, event_id, delivery.problem, delivery.delivery)
            return
        applied = False
        if failure is None:
            try:
                (applied,) = await self._apply_all([delivery])
            except _HandlerFailed as failed:
                failure = failed.error
            except LeaseLost:
                raise
            except Exception as exc:  # noqa: BLE001 - settled below
                failure = exc
        if isinstance(failure, IntegrityError):
            failure, applied = None, False  # another replica applied the same event concurrently: it won
        attempt = self._attempt(delivery)
        if failure is None:
            (self._applied if applied else self._duplicates).add(1, self._attrs)
            self._attempts.pop(event_id, None)
            await msg.ack()
            return
        if isinstance(failure, PoisonMessage) or attempt >= self.max_deliver:
            self._attempts.pop(event_id, None)
            error = str(failure) if isinstance(failure, PoisonMessage) else repr(failure)
            await self._park(msg, delivery.headers, event_id, error, attempt)
            return
        delay = self.backoff[min(attempt - 1, len(self.backoff) - 1)] if self.backoff else 1.0
        log.warning(
            "event handler failed; will retry",
            extra={"consumer": self.name, "event_id": event_id, "delivery": attempt, "error": repr(failure)},
        )
        self._retries.add(1, self._attrs)
        await self._retry_later(delivery, attempt, delay)

    async def _apply_all(self, deliveries: Sequence[_Delivery]) -> list[bool]:
        """Apply, in order and in one transaction, each event this consumer has not applied yet (recording it in
        ``kam_processed_events``); per event, True when it was applied now."""
        t = processed_events_table
        ids = [d.event_id for d in deliveries]
        async with self.db.transaction() as session:
            await self._fence(session, deliveries)
            seen = set(
                (
                    await session.scalars(
                        select(t.c.event_id).where(t.c.consumer == self.name, t.c.event_id.in_(ids))
                    )
                ).all()
            )
            applied = []
            run: list[tuple[int, _Delivery]] = []  # consecutive fresh events for one Batched handler
            for index, delivery in enumerate(deliveries):
                fresh = delivery.event_id not in seen
                applied.append(fresh)
                if not fresh:
                    continue
                seen.add(delivery.event_id)  # the same event twice in one batch applies once
                assert delivery.subscription and delivery.payload and delivery.meta  # read without a problem
                if run and run[0][1].subscription is not delivery.subscription:
                    await self._apply_run(session, run)
                    run = []
                if isinstance(delivery.subscription.handler, Batched):
                    run.append((index, delivery))
                    continue
                with self._span(delivery):
                    try:
                        await delivery.subscription.handler(session, delivery.payload, delivery.meta)
                    except Exception as exc:
                        raise _HandlerFailed(index, exc) from exc
            if run:
                await self._apply_run(session, run)
            if any(applied):
                now = self.clock.now()
                await session.execute(
                    insert(t),
                    [
                        {"consumer": self.name, "event_id": d.event_id, "processed_at": now}
                        for d, fresh in zip(deliveries, applied, strict=True)
                        if fresh
                    ],
                )
        return applied

    async def _fence(self, session: AsyncSession, deliveries: Sequence[_Delivery]) -> None:
        """The transaction's first statement, for consumers that must hold what they apply (partitions)."""

    async def _apply_run(self, session: AsyncSession, indexed: Sequence[tuple[int, _Delivery]]) -> None:
        """Applies a run of events for one :class:`Batched` handler, each with its index in the transaction's
        events (a failure of a run of one is that event's)."""
        run = [delivery for _, delivery in indexed]
        first = run[0]
        assert first.subscription is not None and isinstance(first.subscription.handler, Batched)
        links = [
            trace.Link(span_context)
            for d in run
            if (
                span_context := trace.get_current_span(propagate.extract(d.headers)).get_span_context()
            ).is_valid
        ]
        with self._tracer.start_as_current_span(
            f"{events.unpartitioned(first.msg.subject)} process",
            kind=SpanKind.CONSUMER,
            links=links,
            attributes={
                "messaging.system": "nats",
                "messaging.operation.type": "process",
                "messaging.destination.name": first.msg.subject,
                "messaging.consumer.group.name": self.name,
                "messaging.batch.message_count": len(run),
            },
        ):
            try:
                await first.subscription.handler.handler(
                    session,
                    [(d.payload, d.meta) for d in run],  # type: ignore[misc]
                )
            except Exception as exc:
                if len(run) == 1:
                    raise _HandlerFailed(indexed[0][0], exc) from exc
                raise _BatchFailed(indexed[0][0], indexed[-1][0] + 1, exc) from exc

    async def _park(self, msg: Msg, headers, event_id: str, error: str, delivery: int) -> None:
        headers = {
            k: v for k, v in headers.items() if k.lower() != events.AUTHORIZATION
        }  # no secrets at rest
        if not event_id:  # unidentified: the stream's sequence tells it from other such messages
            event_id = f"?{msg.metadata.sequence.stream}" if msg.metadata else "?"
        async with self.db.transaction() as session:
            connection = await session.connection()
            dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
            result = await connection.execute(
                dialect.insert(parked_events_table)
                .values(
                    consumer=self.name,
                    event_id=event_id,
                    subject=msg.subject,
                    headers=headers,
                    payload=msg.data,
                    error=error,
                    deliveries=delivery,
                    parked_at=self.clock.now(),
                )
                .on_conflict_do_nothing(index_elements=["consumer", "event_id"])
            )
            parked = result.rowcount == 1
        if not parked:  # a redelivery of an event parked already (its termination had not reached the broker)
            log.info("event parked already", extra={"consumer": self.name, "event_id": event_id})
            await msg.term()
            return
        self._parked.add(1, self._attrs)
        log.error(
            "event parked",
            extra={
                "consumer": self.name,
                "event_id": event_id,
                "subject": msg.subject,
                "error": error,
                "delivery": delivery,
            },
        )
        await msg.term()


def _raise_if_cancelled() -> None:
    """nats-py waits for a fetch's messages with ``asyncio.wait_for``, which on Python 3.11 swallows a
    cancellation that comes as a message arrives (it returns the message; fixed in 3.12): a reader that went on
    would fetch until its partition's lease ran out, or for ever. The task still counts the cancellation: raise it."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


class PartitionedConsumer(EventConsumer):
    """Applies the partitioned events of one producer (``<subject>.p<NN>``, :func:`kam_kit.events.partition_for`)
    held by this process, each customer's in order, however many replicas share them (kam_kit.partitions).

    Each partition has a durable consumer on the broker (``<name>-p<NN>``: where the partition stands moves with
    it from replica to replica); this process reads the partitions its :class:`~kam_kit.partitions.Leases` hold,
    one reader each (one fetch in flight per partition: a partition's events are applied in order), and one
    applier takes whatever the readers have fetched and applies it in one transaction — a busy process commits
    once for all its partitions, not once per partition. The transaction first fences every partition it applies
    events of; a partition lost meanwhile rolls it back and its events go back to the broker. Processed-event ids
    are kept under ``name`` (an event is on one partition only).

    A partition's events are never applied out of order: an event whose handler fails is retried in place — its
    partition's later events wait, the other partitions go on (:meth:`_retry_later`) — and when a transaction fails
    as a whole (a lease lost, even if this process claims it again at once) every partition in it starts a new
    reader — what the old one fetched is dropped, and the new one takes over from the broker's ack floor
    (:meth:`_take_over`)."""

    def __init__(self, db: Database, js: JetStreamContext, *, leases: Leases, **options: Any) -> None:
        super().__init__(db, js, **options)
        self.leases = leases
        #: partition → the number of its current reader: what an earlier reader fetched is not applied
        self._readers: dict[int, int] = collections.defaultdict(int)
        #: partition → when (loop time) its event waiting for a retry is tried again; partitions held in the batch
        #: being applied (their later events in it are left for the replay)
        self._retry_at: dict[int, float] = {}
        self._held: set[int] = set()

    async def handle_batch(self, messages: Sequence[Msg]) -> None:
        self._held = set()
        await super().handle_batch(messages)

    def _waits(self, delivery: _Delivery) -> bool:
        return bool(self._held) and events.partition_of_subject(delivery.msg.subject) in self._held

    def _attempt(self, delivery: _Delivery) -> int:
        """This process's own count of attempts at ``delivery``, retried in place (the broker's delivery count also
        has the redeliveries of partitions handed over, and of replays)."""
        return self._attempts.get(delivery.event_id, 0) + 1

    async def _retry_later(self, delivery: _Delivery, attempt: int, delay: float) -> None:
        """Replay the event's partition from it after ``delay``: it and the partition's later events in this batch
        are left unacknowledged, the partition's reader is replaced (:meth:`_apply_fetched`), and the new reader
        waits for the delay, then starts again from the broker's ack floor — this event (:meth:`_take_over`). The
        other partitions are not held up meanwhile."""
        partition = events.partition_of_subject(delivery.msg.subject)
        self._attempts[delivery.event_id] = attempt
        self._held.add(partition)  # type: ignore[arg-type]
        self._retry_at[partition] = asyncio.get_running_loop().time() + delay  # type: ignore[index]

    @property
    def durables(self) -> list[str]:
        return [self._durable(p) for p in range(self.leases.partitions)]

    def _durable(self, partition: int) -> str:
        return f"{self.name}-{events.partition_token(partition)}"

    def consumer_config(
        self, start_sequence: int | None = None, durable: str | None = None
    ) -> ConsumerConfig:
        """As for any consumer, but the broker never gives up on an event (``max_deliver`` unlimited): a handover
        between replicas redelivers events without their being applied, and must not use up their deliveries —
        the consumer itself still parks an event whose handler keeps failing (:meth:`_settle_one`)."""
        config = super().consumer_config(start_sequence, durable or self._durable(0))
        config.max_deliver = -1
        return config

    def filter_subjects(self, durable: str) -> list[str]:
        token = durable.rsplit("-", 1)[1]
        return [f"{base}.{token}" for base in sorted({sub.subject for sub in self.by_type.values()})]

    async def run(self) -> None:
        """Readers for the partitions held (started as they are claimed; each ends when its partition is given
        up) and the applier, until cancelled."""
        fetched: asyncio.Queue[_Fetched] = asyncio.Queue()
        readers: dict[int, asyncio.Task] = {}
        applier = asyncio.create_task(self._apply_fetched(fetched), name=f"{self.name}-applier")
        try:
            while True:
                for partition in self.leases.holding():
                    if partition not in readers or readers[partition].done():
                        self._readers[partition] += 1
                        readers[partition] = asyncio.create_task(
                            self._read_partition(partition, self._readers[partition], fetched),
                            name=self._durable(partition),
                        )
                await self.leases.changed(timeout=1.0)
        finally:
            tasks = [applier, *readers.values()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _read_partition(self, partition: int, reader: int, fetched: asyncio.Queue[_Fetched]) -> None:
        """Fetches one partition's events while this process holds it, one fetch at a time, and goes on fetching
        while the applier applies what it fetched before: when the applier is done, the events that came
        meanwhile are waiting for it, not still to be fetched. The applier applies a partition's fetches in the
        order they were fetched; at most ``batch_size`` of a partition's events wait for it before the next
        fetch. ``reader``: this reader's number; it ends when the applier starts another (:meth:`_apply_fetched`)."""
        lease = self.leases.lease(partition)
        psub = None
        with_applier: collections.deque[tuple[asyncio.Event, int]] = collections.deque()
        waiting = 0  # events of this partition with the applier
        taking_over = True

        def current() -> bool:
            return lease.held() and self._readers[partition] == reader

        try:
            while current():
                while waiting >= self.batch_size:
                    done, count = with_applier.popleft()
                    await done.wait()
                    waiting -= count
                while with_applier and with_applier[0][0].is_set():
                    waiting -= with_applier.popleft()[1]
                if not current():
                    break
                try:
                    if psub is None:
                        if taking_over:
                            retry_at = self._retry_at.pop(partition, None)  # an event to retry: its delay
                            if retry_at is not None:
                                await asyncio.sleep(retry_at - asyncio.get_running_loop().time())
                            await self._take_over(self._durable(partition))
                            taking_over = False
                        psub = await self._subscribe(self._durable(partition))
                    messages = await self._fetch(psub)
                except (NatsTimeoutError, TimeoutError):
                    continue
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # noqa: BLE001 - broker hiccups: subscribe again
                    log.warning(
                        "partition reader failed; retrying",
                        extra={"consumer": self._durable(partition), "error": repr(exc)},
                    )
                    psub = None
                    await asyncio.sleep(1.0)
                    continue
                done = asyncio.Event()
                fetched.put_nowait(_Fetched(messages, done, partition, reader))
                with_applier.append((done, len(messages)))
                waiting += len(messages)
        finally:
            if psub is not None:
                with contextlib.suppress(Exception):
                    await psub.unsubscribe()

    async def _take_over(self, durable: str) -> None:
        """Before the first fetch of a partition just claimed. Events its previous holder had fetched and not
        acknowledged (it was killed, or lost the partition mid-fetch) would come back only when their
        acknowledgement time runs out — after events published later, which this holder would fetch first,
        applying one customer's events out of order (a transaction rule's window would start at the wrong one).
        So a holder finding events in flight starts the durable again just after the last event acknowledged in
        order (its ack floor): those events come first, in stream order; any acknowledged beyond the floor were
        applied already and are skipped as duplicates (``kam_processed_events``)."""
        try:
            info = await self.js.consumer_info(self.stream, durable)
        except NotFoundError:
            return
        if not info.num_ack_pending:
            return
        start = (info.ack_floor.stream_seq if info.ack_floor else 0) + 1
        log.info(
            "partition taken over with events in flight; starting again after the last acknowledged",
            extra={"consumer": durable, "in_flight": info.num_ack_pending, "from_sequence": start},
        )
        await self.js.delete_consumer(self.stream, durable)
        await self.js.add_consumer(self.stream, self.consumer_config(start, durable))

    async def _apply_fetched(self, fetched: asyncio.Queue[_Fetched]) -> None:
        while True:
            ready = [await fetched.get()]
            while not fetched.empty():
                ready.append(fetched.get_nowait())
            try:
                # a fetch of a reader since replaced comes after events that go back to the broker: not applied
                # (the new reader gets them again, in order, from the ack floor)
                live = [f for f in ready if self._readers[f.partition] == f.reader]
                messages = [msg for f in live for msg in f.messages]
                if messages:
                    await self.handle_batch(messages)
                    self._pending = sum(f.messages[-1].metadata.num_pending for f in live if f.messages)
                # an event to retry: its partition replayed from it by a new reader, after its delay
                for partition in self._held:
                    self._readers[partition] += 1
            except Exception as exc:  # handle_batch settles every event itself, but for a lost lease
                if isinstance(exc, LeaseLost):
                    log.info(
                        "partition given up; its events go back",
                        extra={"consumer": self.name, "lease": str(exc)},
                    )
                else:
                    log.exception("events not applied", extra={"consumer": self.name})
                # the transaction's events go back to the broker, behind what their readers fetched since: each
                # of its partitions starts a new reader, which takes over from the ack floor
                for partition in {f.partition for f in ready}:
                    self._readers[partition] += 1
            finally:
                for f in ready:
                    f.done.set()

    async def _fence(self, session: AsyncSession, deliveries: Sequence[_Delivery]) -> None:
        partitions = {events.partition_of_subject(d.msg.subject) for d in deliveries}
        await self.leases.fence(session, (p for p in partitions if p is not None))
