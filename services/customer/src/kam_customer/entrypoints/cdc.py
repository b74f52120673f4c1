"""The CDC consumer: each ``kam.cdc.v1.SourceTransaction`` the core system's adapter publishes (wire format:
:mod:`kam_customer.ingestion.cdc`), checked for its sender's token at the broker's timestamp, applied through the
one idempotent ingestion path (durable consumer ``customer-cdc``)."""

from __future__ import annotations

from kam.cdc.v1 import cdc_pb2
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

from kam_customer.domain.names import AccountNames
from kam_customer.ingestion import ingest
from kam_customer.ingestion.cdc import INGEST, PRODUCER

CONSUMER = "customer-cdc"


def sender(meta: EventMeta, *, token_secret: str) -> Identity:
    """The service identity that published a CDC message; PoisonMessage unless it may ingest transactions."""
    if meta.publish_time is None:
        raise PoisonMessage("CDC message without a broker timestamp")
    try:
        identity = auth.verify_token(
            auth.token_from_metadata([(events.AUTHORIZATION, meta.authorization)]),
            secret=token_secret,
            clock=ManualClock(aware(meta.publish_time)),
        )
    except Unauthenticated as error:
        raise PoisonMessage(f"CDC message not authorised: {error.reason}") from None
    if identity.kind != "service" or not identity.can(INGEST):
        raise PoisonMessage(f"CDC message from {identity.subject} without {INGEST}")
    return identity


def consumer(
    db: Database, js: JetStreamContext, clock: Clock, *, token_secret: str, account_names: AccountNames
) -> EventConsumer:
    async def apply(
        session, message: cdc_pb2.SourceTransaction | scan_pb2.SourceTransaction, meta: EventMeta
    ) -> None:
        identity = sender(meta, token_secret=token_secret)
        try:
            txn = ingest.from_proto(message, aware(meta.publish_time or clock.now()))
        except ValueError as exc:
            raise PoisonMessage(str(exc)) from None
        result = await ingest.apply_transactions(
            session, [txn], origin=ingest.PUSH, clock=clock, account_names=account_names
        )
        ingest.audit_batch(session, [txn], result, actor=identity, channel="cdc", clock=clock)

    return EventConsumer(
        db,
        js,
        name=CONSUMER,
        producer=PRODUCER,
        clock=clock,
        subscriptions=[
            Subscription(cdc_pb2.SourceTransaction, apply, PRODUCER),
            # deprecated type name, same bytes, same subject; until v2
            Subscription(scan_pb2.SourceTransaction, apply, PRODUCER),
        ],
    )
