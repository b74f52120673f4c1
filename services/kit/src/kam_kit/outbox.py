"""The transactional outbox.

A service writes its events with :func:`record` through the same ``AsyncSession`` as the change that causes them,
so both commit or neither does. :class:`OutboxRelay` then publishes pending rows to JetStream in order, in
batches, with ``Nats-Msg-Id`` = event id (the stream's duplicate window drops a re-publish after a crash between
publish and mark), and marks them published. A broker outage only delays publishing; nothing is lost.

An event the broker would refuse (over its ``max_payload``) would stop every event after it, so :func:`record`
refuses one over :data:`MAX_EVENT_BYTES` in the change's own transaction (the change fails with
``FAILED_PRECONDITION``, reason ``EVENT_TOO_LARGE``), and the relay names the cause if a broker's limit is lower.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Sequence
from datetime import UTC, datetime

from google.protobuf.message import Message
from nats.errors import MaxPayloadError
from nats.js import JetStreamContext
from opentelemetry import propagate, trace
from opentelemetry.trace import Span, SpanKind
from sqlalchemy import event, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from kam_kit import bulk, events, telemetry, worker
from kam_kit.clock import SYSTEM_CLOCK, Clock
from kam_kit.db import Database, outbox_table
from kam_kit.errors import FailedPrecondition

log = logging.getLogger(__name__)

#: The largest event :func:`record` takes: 6 MiB, under the 8 MB ``max_payload`` every KAM NATS server is
#: configured with (kam_devkit.procs.NATS_CONFIG, deploy/k8s/base/nats.yaml), leaving room for the headers.
MAX_EVENT_BYTES = 6 * 1024 * 1024


def record(
    session: AsyncSession | Session,
    message: Message,
    *,
    service: str,
    clock: Clock = SYSTEM_CLOCK,
    resource: str = "",
    event_id: str | None = None,
) -> str:
    """Queue ``message`` as an event in the caller's transaction; returns the event id.

    The current trace context is stored with it, so the publish span (and through it every consumer) joins the
    trace of the request that caused the change.
    """
    payload = message.SerializeToString()
    if len(payload) > MAX_EVENT_BYTES:
        raise FailedPrecondition(
            f"变更过大，无法发布其事件 (the change is too large to publish: its event "
            f"{message.DESCRIPTOR.name} is {len(payload):,} bytes, at most {MAX_EVENT_BYTES:,})",
            reason="EVENT_TOO_LARGE",
        )
    now = clock.now().astimezone(UTC)
    event_id = event_id or time_ordered_id(now)
    # Only what the relay cannot derive from the row is stored: the event's resource and the trace context.
    # The CloudEvents headers (id, type, source, time, …) are rebuilt from the row's columns when it is published.
    headers = {events.CE_SUBJECT: resource} if resource else {}
    if trace.get_current_span().get_span_context().is_valid:  # nothing to carry outside a trace (batch jobs)
        propagate.inject(headers)
    pending = session.info.setdefault("kam_outbox", [])
    pending.append(
        {
            "event_id": event_id,
            "subject": events.subject_for(service, message, events.partition_for(resource)),
            "event_type": message.DESCRIPTOR.full_name,
            "headers": headers,
            "payload": payload,
            "created_at": now,
        }
    )
    return event_id


class Recorder:
    """:func:`record` bound to a service and its clock: ``events.record(session, message, resource=…)``."""

    def __init__(self, service: str, clock: Clock = SYSTEM_CLOCK) -> None:
        self.service = service
        self.clock = clock

    def record(
        self, session: AsyncSession, message: Message, *, resource: str = "", event_id: str | None = None
    ) -> str:
        return record(
            session, message, service=self.service, clock=self.clock, resource=resource, event_id=event_id
        )


_random_ids: list[int] = []
os.register_at_fork(after_in_child=_random_ids.clear)  # a child process never reuses its parent's randomness


def time_ordered_id(now: datetime) -> str:
    """A time-ordered (version 7, RFC 9562) UUID: the event's millisecond first, then 74 random bits (OS
    randomness fetched for 256 ids at a time, formatted without ``uuid.UUID``: a scan records hundreds of thousands
    of events). Ids of events recorded together sort together, so the outbox's unique index on them grows at its
    end instead of at random pages — and so does any table keyed by such ids (audit records, access records)."""
    if not _random_ids:
        block = os.urandom(16 * 256)
        _random_ids.extend(int.from_bytes(block[i : i + 16], "big") for i in range(0, len(block), 16))
    millis = int(now.timestamp() * 1000) & _MILLIS_MASK
    digits = f"{(millis << 80) | (_random_ids.pop() & _UUID7_RANDOM) | _UUID7_SET:032x}"
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


_MILLIS_MASK = (1 << 48) - 1
_UUID7_RANDOM = ((1 << 12) - 1) << 64 | ((1 << 62) - 1)  # rand_a (12 bits) and rand_b (62 bits)
_UUID7_SET = (0x7000 << 64) | (0x8000 << 48)  # version 7, RFC 9562 variant


@event.listens_for(Session, "before_commit")
def write_pending(session: Session) -> None:
    """Insert the events queued by :func:`record` as the last statement of the committing transaction (a hook;
    also called by another hook that queues events after this one ran)."""
    pending = session.info.pop("kam_outbox", None)
    if pending:
        bulk.insert_rows_sync(session.connection(), outbox_table, pending)
        EVENTS_WRITTEN.wrote(session)


#: Committed transactions that wrote events (in this process): the relay wakes only for them.
EVENTS_WRITTEN = worker.CommittedWrites("events")


@event.listens_for(Session, "after_rollback")
def _drop_pending_events(session: Session) -> None:
    session.info.pop("kam_outbox", None)


#: After a batch, how long the relay (and the audit sealer) lets more work gather before the next one: under load
#: each of their write transactions would otherwise take the single SQLite writer between every two of the
#: callers' own (measured: docs/performance.md, "Where a read's time goes").
COALESCE_SECONDS = 0.1


class OutboxRelay:
    """Publishes pending outbox rows to JetStream and marks them published."""

    def __init__(
        self,
        db: Database,
        js: JetStreamContext,
        *,
        service: str,
        batch_size: int = 1000,
        poll_interval: float = 0.5,
        publish_timeout: float = 5.0,
        clock: Clock = SYSTEM_CLOCK,
        coalesce: float = COALESCE_SECONDS,
    ) -> None:
        """``coalesce``: after a batch, how long more events may gather before the next (a service with a latency
        target lowers it)."""
        self.db = db
        self.js = js
        self.service = service
        self.coalesce = coalesce
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.publish_timeout = publish_timeout
        self.clock = clock
        self._wakeup = asyncio.Event()
        self._events = worker.Watch(EVENTS_WRITTEN)
        #: Rows published (the broker acknowledged them) whose marks are not committed yet: the next batch
        #: leaves them out, so publishing goes on while a mark waits for the database's writer.
        self._marking: set[int] = set()
        self._marks: set[asyncio.Task] = set()
        self._mark_lock = asyncio.Lock()
        self._tracer = telemetry.tracer()
        meter = telemetry.meter()
        self._published = meter.create_counter(
            "kam.outbox.published", unit="{event}", description="Events published from the outbox"
        )
        self._failures = meter.create_counter(
            "kam.outbox.publish_failures", unit="{batch}", description="Outbox publish attempts that failed"
        )
        self._lag = meter.create_histogram(
            "kam.outbox.lag", unit="s", description="Time from commit to confirmed publish"
        )
        db.after_commit_hooks.append(self.notify)

    def notify(self) -> None:
        """Wake the relay (called after every commit) when events were committed since it last looked, so they
        leave without waiting for the next poll."""
        if self._events.changed():
            self._wakeup.set()

    async def pending_count(self) -> int:
        async with self.db.read() as session:
            return int(
                await session.scalar(
                    select(func.count())
                    .select_from(outbox_table)
                    .where(outbox_table.c.published_at.is_(None))
                )
            )

    async def run(self) -> None:
        """Publish until cancelled; back off while the broker is unreachable. Marks are committed beside the
        publishing (a mark waiting for the writer does not hold the next events back); the marks in flight
        when it is cancelled are still committed (within ``publish_timeout``)."""
        try:
            await self._run()
        finally:
            if self._marks:
                with contextlib.suppress(Exception):
                    await asyncio.wait(list(self._marks), timeout=self.publish_timeout)
                for mark in list(self._marks):  # the database still away: published again on restart
                    mark.cancel()

    async def _run(self) -> None:
        await worker.keep_working(
            self._publish_all,
            wakeup=self._wakeup,
            poll_interval=self.poll_interval,
            coalesce=self.coalesce,  # busy: fewer, larger write transactions beside the callers'
            failed=self._failed,
        )

    def _failed(self, exc: Exception, retry_in: float) -> None:
        self._failures.add(1, {"service": self.service})
        if isinstance(exc, MaxPayloadError):  # nothing gets past that event until the broker takes it
            log.error(
                "outbox publish stopped: an event is larger than the broker's max_payload; configure "
                "NATS with max_payload: 8MB (docs/operations.md); will retry",
                extra={"error": repr(exc), "retry_in": retry_in},
            )
        else:
            log.warning("outbox publish failed; will retry", extra={"error": repr(exc), "retry_in": retry_in})

    async def drain(self) -> int:
        """Publish every pending event now, batch by batch, and mark them published; returns how many were
        published."""
        total = await self._publish_all()
        while self._marks:
            await asyncio.gather(*self._marks)
        return total

    async def _publish_all(self) -> int:
        self._events.look()
        total = 0
        while True:
            count = await self.publish_batch()
            total += count
            if count < self.batch_size:
                return total

    async def publish_batch(self) -> int:
        """Publish the oldest pending events (up to ``batch_size``) and start marking them published."""
        # taken before the read: a mark that commits while it runs leaves the set, yet the read may still see
        # its rows unmarked
        marking = set(self._marking)
        async with self.db.read() as session:
            rows = (
                await session.execute(
                    select(
                        outbox_table.c.seq,
                        outbox_table.c.event_id,
                        outbox_table.c.subject,
                        outbox_table.c.event_type,
                        outbox_table.c.headers,
                        outbox_table.c.payload,
                        outbox_table.c.created_at,
                    )
                    .where(outbox_table.c.published_at.is_(None))
                    .order_by(outbox_table.c.seq)
                    .limit(self.batch_size + len(marking))
                )
            ).all()
        rows = [row for row in rows if row.seq not in marking][: self.batch_size]
        if not rows:
            return 0
        # Pipeline the whole batch (publish_async), then wait for every acknowledgement.
        pending = [await self._publish(row) for row in rows]
        await asyncio.wait([future for future, _ in pending], timeout=self.publish_timeout)
        results = [self._settle(future, span) for future, span in pending]
        done = [row.seq for row, error in zip(rows, results, strict=True) if error is None]
        failed = [error for error in results if error is not None]
        if done:
            now = self.clock.now()
            self._marking.update(done)
            mark = asyncio.create_task(self._mark(done, now))
            self._marks.add(mark)
            mark.add_done_callback(self._marks.discard)
            self._published.add(len(done), {"service": self.service})
            self._observe_lag(rows, now)
        if failed:
            raise failed[0]
        return len(done)

    async def _mark(self, seqs: list[int], now: datetime) -> None:
        """Mark published rows as such, one batch after the other, retrying until the database takes it (a row
        left unmarked by a crash is published again on restart and dropped by the stream's duplicate window)."""
        backoff = 0.1
        async with self._mark_lock:
            while True:
                try:
                    async with self.db.writing(inline=True) as session:
                        await session.execute(
                            update(outbox_table).where(outbox_table.c.seq.in_(seqs)).values(published_at=now)
                        )
                    break
                except Exception as exc:  # noqa: BLE001 - the database away: the rows stay out of batches
                    log.warning(
                        "outbox marks failed; will retry", extra={"error": repr(exc), "retry_in": backoff}
                    )
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 5.0)
        self._marking.difference_update(seqs)

    def _observe_lag(self, rows: Sequence, now) -> None:
        oldest = rows[0].created_at
        if oldest.tzinfo is None:  # SQLite returns naive datetimes (stored as UTC)
            oldest = oldest.replace(tzinfo=now.tzinfo)
        self._lag.record(max(0.0, (now - oldest).total_seconds()), {"service": self.service})

    def headers_of(self, row) -> dict[str, str]:
        """The NATS headers of an outbox row: the CloudEvents attributes rebuilt from its columns, then what
        the row stored (resource and trace context; rows written by older releases stored every header)."""
        created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
        headers = events.event_headers(
            event_id=row.event_id, service=self.service, event_type=row.event_type, time=created
        )
        headers.update(row.headers or {})
        return headers

    async def _publish(self, row) -> tuple[asyncio.Future, Span | None]:
        """Send one event without waiting for its acknowledgement."""
        headers = self.headers_of(row)
        span = None
        if "traceparent" in headers:
            # Join the trace of the request that wrote the event; consumers continue from this producer span.
            span = self._tracer.start_span(
                f"{events.unpartitioned(row.subject)} publish",
                context=propagate.extract(headers),
                kind=SpanKind.PRODUCER,
                attributes={
                    "messaging.system": "nats",
                    "messaging.operation.type": "publish",
                    "messaging.destination.name": row.subject,
                    "messaging.message.id": row.event_id,
                },
            )
            propagate.inject(headers, context=trace.set_span_in_context(span))
        future = await self.js.publish_async(
            row.subject, row.payload, headers=headers, stream=events.stream_name(self.service)
        )
        return future, span

    @staticmethod
    def _settle(future: asyncio.Future, span: Span | None) -> BaseException | None:
        """The outcome of one publish once the batch's wait is over (an exception, or None when stored)."""
        if not future.done():
            future.cancel()
            error: BaseException | None = TimeoutError("no acknowledgement from JetStream")
        else:
            error = future.exception()
        if span is not None:
            if error is not None:
                span.record_exception(error)
            else:
                ack = future.result()
                span.set_attribute("messaging.nats.stream.sequence", ack.seq)
                span.set_attribute("kam.outbox.duplicate", bool(ack.duplicate))
            span.end()
        return error
