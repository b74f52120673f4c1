"""The CDC feed: the core system (or its change-data-capture adapter) publishes each new transaction as a
``kam.customer.v1.SourceTransaction`` protobuf on NATS subject ``kam.cdc.v1.SourceTransaction``.

The subject lives in its own JetStream stream ``KAM_CDC`` (capturing ``kam.cdc.v1.>``), which the consumer
creates if missing: CDC messages are produced outside KAM, so they cannot live in a KAM service's own stream,
and a separate stream lets the bank's adapter publish without knowing KAM's streams. The kit's durable,
idempotent :class:`~kam_kit.consumer.EventConsumer` applies them (producer name ``cdc``), which requires the
CloudEvents headers every KAM event carries: ``ce-id`` (unique per message; also ``Nats-Msg-Id`` for JetStream
de-duplication) and ``ce-type: kam.customer.v1.SourceTransaction`` — :func:`publish` sets them. Each message
goes through the same idempotent path as scanned and gRPC-pushed transactions.

Only the core system may feed it: every message carries ``authorization: Bearer <service token>`` holding
``transactions.ingest`` (issued with ``python -m kam_kit.auth <adapter> --permission transactions.ingest``),
checked at the time the broker stored the message (JetStream's timestamp, which the sender cannot choose), so a
redelivery after an outage is still accepted while a message nobody authorised is parked, never applied. (Who may
publish on ``kam.cdc.v1.>`` at all is the NATS server's account permissions: docs/operations.md.)
"""

from __future__ import annotations

from kam.customer.v1 import scan_pb2
from kam_kit import auth, events
from kam_kit.auth import Identity
from kam_kit.clock import Clock, ManualClock
from kam_kit.consumer import EventConsumer, PoisonMessage, Subscription
from kam_kit.db import Database
from kam_kit.errors import Unauthenticated
from kam_kit.events import EventMeta
from kam_kit.timeconv import aware
from nats.js import JetStreamContext

from kam_customer.scan import ingest

PRODUCER = "cdc"
SUBJECT = events.subject_for(PRODUCER, scan_pb2.SourceTransaction)  # kam.cdc.v1.SourceTransaction
STREAM = events.stream_name(PRODUCER)  # KAM_CDC
CONSUMER = "customer-cdc"
INGEST = "transactions.ingest"


def sender(meta: EventMeta, *, token_secret: str) -> Identity:
    """The service identity that published a CDC message; PoisonMessage unless it may ingest transactions."""
    if meta.publish_time is None:
        raise PoisonMessage("CDC message without a broker timestamp")
    try:
        identity = auth.verify_token(auth.token_from_metadata([(events.AUTHORIZATION, meta.authorization)]),
                                     secret=token_secret, clock=ManualClock(aware(meta.publish_time)))
    except Unauthenticated as error:
        raise PoisonMessage(f"CDC message not authorised: {error.reason}") from None
    if identity.kind != "service" or not identity.can(INGEST):
        raise PoisonMessage(f"CDC message from {identity.subject} without {INGEST}")
    return identity


def consumer(db: Database, js: JetStreamContext, clock: Clock, *, token_secret: str) -> EventConsumer:
    async def apply(session, message: scan_pb2.SourceTransaction, meta: EventMeta) -> None:
        sender(meta, token_secret=token_secret)
        try:
            txn = ingest.from_proto(message, aware(meta.publish_time or clock.now()))
        except ValueError as exc:
            raise PoisonMessage(str(exc)) from None
        await ingest.apply_transactions(session, [txn], origin=ingest.PUSH, clock=clock)

    return EventConsumer(db, js, name=CONSUMER, producer=PRODUCER, clock=clock,
                         subscriptions=[Subscription(scan_pb2.SourceTransaction, apply, PRODUCER)])


async def publish(js: JetStreamContext, txn: scan_pb2.SourceTransaction, *, clock: Clock, token: str) -> None:
    """Publish one transaction on the CDC subject (for CDC adapters, the demo live feed and tests), signed by
    ``token`` (a service token holding ``transactions.ingest``)."""
    await events.ensure_stream(js, PRODUCER)
    event_id = f"cdc-{txn.transaction_id}"
    headers = events.event_headers(event_id=event_id, service=PRODUCER, event_type=txn.DESCRIPTOR.full_name,
                                   time=clock.now())
    headers[events.AUTHORIZATION] = auth.bearer(token)
    await js.publish(SUBJECT, txn.SerializeToString(), headers=headers, stream=STREAM)
