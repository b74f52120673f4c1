"""Real-time push (实时推送): what services publish for particular users, to those users only, over Server-Sent
Events.

- **Fan-out.** Every service that produces events may record ``kam.push.v1.PushRequested`` (recipients, kind,
  resource, title, data) through its outbox. The identity service's durable consumers ``identity-push-<svc>``
  publish one copy per recipient on ``kam.push.v1.users.<user>`` in the stream ``KAM_PUSH`` (kept
  :data:`RETENTION`), with ``Nats-Msg-Id = <event id>:<user>``, so a redelivered event is not pushed twice.
- **Streaming.** ``GET /v1/push`` (bearer token or the session cookie) answers ``text/event-stream``: each message
  is ``id: <stream sequence>``, ``event: <kind>``, ``data: <JSON>``. NATS filters by the caller's own subject, so a
  user never receives another's. A client that reconnects sends ``Last-Event-ID`` (browsers' EventSource does it
  by itself) and gets every message after it — no gap — as long as the stream still holds it. A comment line every
  :data:`HEARTBEAT_SECONDS` keeps proxies from closing an idle stream; the stream ends when the caller's token
  expires (the client reconnects with a fresh one).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import timedelta

from google.protobuf import json_format
from kam.push.v1 import push_pb2
from kam_kit import events
from kam_kit.events import EventMeta
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, DeliverPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_gateway.identity.adapters.orm import UserRow
from kam_gateway.identity.service_layer.sign_in import ACTIVE

log = logging.getLogger(__name__)

STREAM = "KAM_PUSH"
SUBJECT_PREFIX = "kam.push.v1.users."
RETENTION = timedelta(days=1)
HEARTBEAT_SECONDS = 15.0
_USER_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


async def _users(session: AsyncSession, recipients: list[str]) -> list[str]:
    """The recipients as users: ``users/{user}`` as they are; ``staff/{code}`` — how a scanned customer names its
    relationship manager — the active users with that core-banking staff code (none yet: nobody)."""
    out: list[str] = []
    for recipient in recipients:
        if recipient.startswith("staff/"):
            code = recipient.removeprefix("staff/")
            rows = await session.scalars(
                select(UserRow.id).where(UserRow.staff_code == code, UserRow.state == ACTIVE)
            )
            out.extend(f"users/{user_id}" for user_id in rows)
        else:
            out.append(recipient)
    return out


def subject_of(user_id: str) -> str:
    return SUBJECT_PREFIX + user_id


class PushHub:
    """Fans push requests out to users' subjects and streams a user's subject; ``connection()`` gives the NATS
    connection (the identity service's) or None while there is none."""

    def __init__(self, connection: Callable[[], NATS | None]) -> None:
        self.connection = connection
        self._ensured = False

    def _js(self) -> JetStreamContext | None:
        nc = self.connection()
        return nc.jetstream() if nc is not None and nc.is_connected else None

    async def _ensure_stream(self, js: JetStreamContext) -> None:
        if self._ensured:
            return
        config = StreamConfig(
            name=STREAM,
            subjects=[SUBJECT_PREFIX + ">"],
            retention=RetentionPolicy.LIMITS,
            storage=StorageType.FILE,
            max_age=RETENTION.total_seconds(),
            duplicate_window=events.DUPLICATE_WINDOW_SECONDS,
        )
        try:
            await js.stream_info(STREAM)
        except NotFoundError:
            await js.add_stream(config)
        self._ensured = True

    async def fan_out_all(
        self, session: AsyncSession, batch: Sequence[tuple[push_pb2.PushRequested, EventMeta]]
    ) -> None:
        """The consumer's ``Batched`` handler: one copy of each push per recipient, every copy of a fetch's pushes in
        flight together and one wait for their acknowledgements — not a round trip per recipient (raises while NATS
        is away: the consumer retries; copies already stored are dropped as duplicates by their id)."""
        js = self._js()
        if js is None:
            raise ConnectionError("NATS is not connected")
        await self._ensure_stream(js)
        copies = []
        for event, meta in batch:
            payload = event.SerializeToString()
            for recipient in dict.fromkeys(await _users(session, event.recipients)):
                user_id = recipient.removeprefix("users/")
                if not _USER_ID.match(user_id):
                    log.warning("push: recipient %r is not a user name; skipped", recipient[:80])
                    continue
                copies.append(
                    js.publish(
                        subject_of(user_id),
                        payload,
                        stream=STREAM,
                        headers={events.MSG_ID: f"{meta.event_id}:{user_id}", events.CE_SOURCE: meta.source},
                    )
                )
        await asyncio.gather(*copies)

    async def messages(
        self, user_id: str, after: int | None
    ) -> AsyncIterator[tuple[int, push_pb2.PushRequested | None]]:
        """The user's messages after stream sequence ``after`` (None: from now on), as they come; first
        ``(0, None)`` once subscribed (nothing published from then on can be missed)."""
        js = self._js()
        if js is None:
            raise ConnectionError("NATS is not connected")
        await self._ensure_stream(js)
        config = (
            ConsumerConfig(deliver_policy=DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=after + 1)
            if after is not None
            else ConsumerConfig(deliver_policy=DeliverPolicy.NEW)
        )
        queue: asyncio.Queue = asyncio.Queue(maxsize=1000)

        async def received(msg) -> None:
            await queue.put(msg)

        subscription = await js.subscribe(
            subject_of(user_id), stream=STREAM, ordered_consumer=True, config=config, cb=received
        )
        try:
            yield 0, None
            while True:
                msg = await queue.get()
                yield msg.metadata.sequence.stream, push_pb2.PushRequested.FromString(msg.data)
        finally:
            with contextlib.suppress(Exception):
                await subscription.unsubscribe()


def sse_event(sequence: int, message: push_pb2.PushRequested) -> bytes:
    """One Server-Sent Event: id (the stream sequence), event (the kind) and the message as JSON."""
    data = json.dumps(json_format.MessageToDict(message), ensure_ascii=False, separators=(",", ":"))
    kind = re.sub(r"[\r\n]", "", message.kind) or "message"
    return f"id: {sequence}\nevent: {kind}\ndata: {data}\n\n".encode()
