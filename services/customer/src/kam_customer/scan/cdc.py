"""The CDC feed: the core system (or its change-data-capture adapter) publishes each new transaction as a
``kam.customer.v1.SourceTransaction`` protobuf on NATS subject ``kam.cdc.v1.SourceTransaction``.

The subject lives in its own JetStream stream ``KAM_CDC`` (capturing ``kam.cdc.v1.>``), which the consumer
creates if missing: CDC messages are produced outside KAM, so they cannot live in a KAM service's own stream,
and a separate stream lets the bank's adapter publish without knowing KAM's streams. The kit's durable,
idempotent :class:`~kam_kit.consumer.EventConsumer` applies them (producer name ``cdc``), which requires the
CloudEvents headers every KAM event carries: ``ce-id`` (unique per message; also ``Nats-Msg-Id`` for JetStream
de-duplication) and ``ce-type: kam.customer.v1.SourceTransaction`` — :func:`publish` sets them. Each message
goes through the same idempotent path as scanned and gRPC-pushed transactions.
"""

from __future__ import annotations

from kam.customer.v1 import scan_pb2
from kam_kit import events
from kam_kit.clock import Clock
from kam_kit.consumer import EventConsumer, PoisonMessage, Subscription
from kam_kit.db import Database
from nats.js import JetStreamContext

from kam_customer.scan import ingest

PRODUCER = "cdc"
SUBJECT = events.subject_for(PRODUCER, scan_pb2.SourceTransaction)  # kam.cdc.v1.SourceTransaction
STREAM = events.stream_name(PRODUCER)  # KAM_CDC
CONSUMER = "customer-cdc"


def consumer(db: Database, js: JetStreamContext, clock: Clock) -> EventConsumer:
    async def apply(session, message: scan_pb2.SourceTransaction, meta) -> None:
        try:
            txn = ingest.from_proto(message)
        except ValueError as exc:
            raise PoisonMessage(str(exc)) from None
        await ingest.apply_transactions(session, [txn], origin=ingest.PUSH, clock=clock)

    return EventConsumer(db, js, name=CONSUMER, producer=PRODUCER, clock=clock,
                         subscriptions=[Subscription(scan_pb2.SourceTransaction, apply, PRODUCER)])


async def publish(js: JetStreamContext, txn: scan_pb2.SourceTransaction, *, clock: Clock) -> None:
    """Publish one transaction on the CDC subject (for CDC adapters, the demo live feed and tests)."""
    await events.ensure_stream(js, PRODUCER)
    event_id = f"cdc-{txn.transaction_id}"
    headers = events.event_headers(event_id=event_id, service=PRODUCER, event_type=txn.DESCRIPTOR.full_name,
                                   time=clock.now())
    await js.publish(SUBJECT, txn.SerializeToString(), headers=headers, stream=STREAM)
