"""The CDC feed: the core system (or its change-data-capture adapter) publishes each new transaction as a
``kam.cdc.v1.SourceTransaction`` protobuf (protos/kam/cdc/v1/cdc.proto, the feed's contract) on NATS subject
``kam.cdc.v1.SourceTransaction``.

The subject lives in its own JetStream stream ``KAM_CDC`` (capturing ``kam.cdc.v1.>``), which the consumer
creates if missing: CDC messages are produced outside KAM, so they cannot live in a KAM service's own stream,
and a separate stream lets the bank's adapter publish without knowing KAM's streams. The kit's durable,
idempotent :class:`~kam_kit.consumer.EventConsumer` applies them (producer name ``cdc``), which requires the
CloudEvents headers every KAM event carries: ``ce-id`` (unique per message; also ``Nats-Msg-Id`` for JetStream
de-duplication) and ``ce-type: kam.cdc.v1.SourceTransaction`` — :func:`publish` sets them. (Messages typed
``kam.customer.v1.SourceTransaction``, the deprecated copy with the same bytes, are still applied.) Each message
goes through the same idempotent path as scanned and gRPC-pushed transactions.

Only the core system may feed it: every message carries ``authorization: Bearer <service token>`` holding
``transactions.ingest`` (issued with ``python -m kam_kit.auth <adapter> --permission transactions.ingest``),
checked at the time the broker stored the message (JetStream's timestamp, which the sender cannot choose), so a
redelivery after an outage is still accepted while a message nobody authorised is parked, never applied. (Who may
publish on ``kam.cdc.v1.>`` at all is the NATS server's account permissions: docs/operations.md.)
"""

from __future__ import annotations

from kam.cdc.v1 import cdc_pb2
from kam_kit import auth, events
from kam_kit.clock import Clock
from nats.js import JetStreamContext

PRODUCER = "cdc"
SUBJECT = events.subject_for(PRODUCER, cdc_pb2.SourceTransaction)  # kam.cdc.v1.SourceTransaction
STREAM = events.stream_name(PRODUCER)  # KAM_CDC
#: The permission a CDC message's token must hold.
INGEST = "transactions.ingest"


async def publish(js: JetStreamContext, txn: cdc_pb2.SourceTransaction, *, clock: Clock, token: str) -> None:
    """Publish one transaction on the CDC subject (for CDC adapters, the demo live feed and tests), signed by
    ``token`` (a service token holding ``transactions.ingest``)."""
    await events.ensure_stream(js, PRODUCER)
    event_id = f"cdc-{txn.transaction_id}"
    headers = events.event_headers(
        event_id=event_id, service=PRODUCER, event_type=txn.DESCRIPTOR.full_name, time=clock.now()
    )
    headers[events.AUTHORIZATION] = auth.bearer(token)
    await js.publish(SUBJECT, txn.SerializeToString(), headers=headers, stream=STREAM)
