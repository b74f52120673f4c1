"""Durable, idempotent JetStream consumers.

:class:`EventConsumer` pulls from a durable consumer with explicit acks. Each event is applied in one database
transaction together with a row in ``kam_processed_events``; a redelivered event whose id is already there is
acknowledged without being applied again. A handler failure is retried with backoff (``nak(delay)``) up to
``max_deliver`` deliveries; then the message is *parked* in ``kam_parked_events`` with the error, logged, counted in
the ``kam.consumer.parked`` metric and terminated, so it neither blocks the stream nor disappears.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from google.protobuf.message import DecodeError, Message
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError
from opentelemetry import context as otel_context
from opentelemetry import metrics, propagate
from opentelemetry.trace import SpanKind
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kam_kit import events, telemetry
from kam_kit.clock import SYSTEM_CLOCK, Clock
from kam_kit.db import Database, parked_events_table, processed_events_table

log = logging.getLogger(__name__)

Handler = Callable[[AsyncSession, Message, events.EventMeta], Awaitable[None]]


@dataclass(frozen=True)
class Subscription:
    """One event type a consumer applies: its message class and the handler that applies it."""

    message_type: type[Message]
    handler: Handler
    producer: str  # the producing service, e.g. "customer"

    @property
    def subject(self) -> str:
        return events.subject_for(self.producer, self.message_type)


class PoisonMessage(Exception):
    """Raised by a handler for an event that can never be applied (parked at once, not retried)."""


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
    ) -> None:
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
    def stream(self) -> str:
        return events.stream_name(self.producer)

    def consumer_config(self, start_sequence: int | None = None) -> ConsumerConfig:
        """The durable consumer's configuration: from the stream's start, or from ``start_sequence`` (where a
        restored database left off, :mod:`kam_kit.backup`)."""
        # JetStream requires max_deliver > len(backoff); the last backoff step repeats.
        steps = self.backoff[: max(self.max_deliver - 1, 1)]
        return ConsumerConfig(
            durable_name=self.durable,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL if start_sequence is None else DeliverPolicy.BY_START_SEQUENCE,
            opt_start_seq=start_sequence,
            ack_wait=self.ack_wait,
            max_deliver=self.max_deliver,
            backoff=steps if len(steps) < self.max_deliver else None,
            filter_subjects=sorted({sub.subject for sub in self.by_type.values()}),  # two types may share one
            max_ack_pending=10_000,
        )

    async def run(self) -> None:
        """Pull and apply until cancelled (re-creates the pull subscription after broker trouble)."""
        stream = events.stream_name(self.producer)
        while True:
            try:
                await events.ensure_stream(self.js, self.producer)
                # Create or update the durable consumer; the same config again is a no-op on the server. Where it
                # starts is kept as it is (a restore may have moved it, and the server cannot change it).
                config = self.consumer_config()
                try:
                    existing = (await self.js.consumer_info(stream, self.durable)).config
                except NotFoundError:
                    pass
                else:
                    config.deliver_policy, config.opt_start_seq = (
                        existing.deliver_policy,
                        existing.opt_start_seq,
                    )
                await self.js.add_consumer(stream, config)
                psub = await self.js.pull_subscribe_bind(durable=self.durable, stream=stream)
                await self._loop(psub)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - broker hiccups: retry the whole subscription
                log.warning(
                    "consumer loop failed; retrying", extra={"consumer": self.name, "error": repr(exc)}
                )
                await asyncio.sleep(1.0)

    async def _loop(self, psub) -> None:
        while True:
            try:
                messages = await psub.fetch(self.batch_size, timeout=1.0)
            except (NatsTimeoutError, TimeoutError):
                self._pending = 0
                continue
            for msg in messages:
                await self.handle(msg)
            if messages:
                self._pending = messages[-1].metadata.num_pending

    async def handle(self, msg: Msg) -> None:
        headers = dict(msg.headers or {})
        event_id = headers.get(events.CE_ID) or headers.get(events.MSG_ID) or ""
        event_type = headers.get(events.CE_TYPE, "")
        delivery = msg.metadata.num_delivered if msg.metadata else 1
        token = otel_context.attach(propagate.extract(headers))
        try:
            with self._tracer.start_as_current_span(
                f"{msg.subject} process",
                kind=SpanKind.CONSUMER,
                attributes={
                    "messaging.system": "nats",
                    "messaging.operation.type": "process",
                    "messaging.destination.name": msg.subject,
                    "messaging.consumer.group.name": self.name,
                    "messaging.message.id": event_id,
                    "messaging.nats.delivery_count": delivery,
                },
            ):
                await self._apply_or_settle(msg, headers, event_id, event_type, delivery)
        finally:
            otel_context.detach(token)

    async def _apply_or_settle(
        self, msg: Msg, headers, event_id: str, event_type: str, delivery: int
    ) -> None:
        subscription = self.by_type.get(event_type)
        if not event_id or subscription is None:
            await self._park(
                msg, headers, event_id or "?", f"unknown or unidentified event type {event_type!r}", delivery
            )
            return
        try:
            payload = subscription.message_type.FromString(msg.data)
        except DecodeError as exc:
            await self._park(msg, headers, event_id, f"undecodable payload: {exc}", delivery)
            return
        meta = events.EventMeta(
            event_id=event_id,
            event_type=event_type,
            source=headers.get(events.CE_SOURCE, ""),
            time=headers.get(events.CE_TIME, ""),
            subject=msg.subject,
            resource=headers.get(events.CE_SUBJECT, ""),
            delivery=delivery,
            authorization=headers.get(events.AUTHORIZATION, ""),
            publish_time=msg.metadata.timestamp if msg.metadata else None,
        )
        try:
            applied = await self._apply_once(subscription, payload, meta)
        except PoisonMessage as exc:
            await self._park(msg, headers, event_id, str(exc), delivery)
            return
        except Exception as exc:  # noqa: BLE001 - the handler failed: retry, then park
            if delivery >= self.max_deliver:
                await self._park(msg, headers, event_id, repr(exc), delivery)
                return
            delay = self.backoff[min(delivery - 1, len(self.backoff) - 1)] if self.backoff else 1.0
            log.warning(
                "event handler failed; will retry",
                extra={"consumer": self.name, "event_id": event_id, "delivery": delivery, "error": repr(exc)},
            )
            self._retries.add(1, self._attrs)
            await msg.nak(delay=delay)
            return
        (self._applied if applied else self._duplicates).add(1, self._attrs)
        await msg.ack()

    async def _apply_once(self, subscription: Subscription, payload: Message, meta: events.EventMeta) -> bool:
        """Apply the event unless this consumer already has; True when it was applied now."""
        try:
            async with self.db.transaction() as session:
                seen = await session.scalar(
                    select(processed_events_table.c.event_id).where(
                        processed_events_table.c.consumer == self.name,
                        processed_events_table.c.event_id == meta.event_id,
                    )
                )
                if seen is not None:
                    return False
                await session.execute(
                    insert(processed_events_table).values(
                        consumer=self.name, event_id=meta.event_id, processed_at=self.clock.now()
                    )
                )
                await subscription.handler(session, payload, meta)
        except IntegrityError:
            # Another replica applied the same event concurrently; its transaction won.
            return False
        return True

    async def _park(self, msg: Msg, headers, event_id: str, error: str, delivery: int) -> None:
        headers = {
            k: v for k, v in headers.items() if k.lower() != events.AUTHORIZATION
        }  # no secrets at rest
        async with self.db.transaction() as session:
            await session.execute(
                insert(parked_events_table).values(
                    consumer=self.name,
                    event_id=event_id,
                    subject=msg.subject,
                    headers=headers,
                    payload=msg.data,
                    error=error,
                    deliveries=delivery,
                    parked_at=self.clock.now(),
                )
            )
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
