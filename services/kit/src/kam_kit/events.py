"""Event conventions shared by producers and consumers.

An event is a protobuf message published to ``kam.<service>.v1.<MessageName>`` on the producing service's stream
``KAM_<SERVICE>``; an event about one customer (its resource ``customers/{id}…``) goes to
``kam.<service>.v1.<MessageName>.p<NN>``, its customer's partition (:func:`partition_for`), so that a consumer can
be split by customer and still see each customer's events in order. Metadata travels in NATS headers with CloudEvents attribute names (binary content mode,
``ce-`` prefix), the JetStream de-duplication id ``Nats-Msg-Id`` equals ``ce-id``, and the W3C trace context
(``traceparent``/``tracestate``) rides along so that one trace spans producer, broker and consumer.
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import nats
from google.protobuf.message import Message
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext
from nats.js.api import RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

log = logging.getLogger(__name__)

MSG_ID = "Nats-Msg-Id"
CE_SPECVERSION = "ce-specversion"
CE_ID = "ce-id"
CE_SOURCE = "ce-source"
CE_TYPE = "ce-type"
CE_TIME = "ce-time"
CE_SUBJECT = "ce-subject"
CONTENT_TYPE = "content-type"
#: A bearer token on messages published from outside KAM (the CDC feed), verified by the consumer.
AUTHORIZATION = "authorization"
PROTOBUF = "application/protobuf"

#: How long JetStream remembers a ``Nats-Msg-Id`` to drop a re-published duplicate.
DUPLICATE_WINDOW_SECONDS = 2 * 60 * 60.0
#: How long a stream keeps its events.
STREAM_MAX_AGE = timedelta(days=30)


def stream_name(service: str) -> str:
    return f"KAM_{service.upper()}"


def subject_for(service: str, message: Message | type[Message], partition: int | None = None) -> str:
    base = f"kam.{service}.v1.{message.DESCRIPTOR.name}"
    return base if partition is None else f"{base}.{partition_token(partition)}"


#: Events about a customer are spread over this many partitions (fixed: a change moves customers between them).
PARTITIONS = 16


def partition_for(resource: str) -> int | None:
    """The partition of an event about ``resource``: its customer's (``customers/{id}`` and anything under it),
    the same for every event about that customer; None for events about anything else."""
    if not resource.startswith("customers/"):
        return None
    customer = "/".join(resource.split("/", 2)[:2])
    return zlib.crc32(customer.encode()) % PARTITIONS


def partition_token(partition: int) -> str:
    return f"p{partition:02d}"


def unpartitioned(subject: str) -> str:
    """The subject without its partition (``….TransactionPosted.p07`` → ``….TransactionPosted``): spans are named
    after it, one name per event type."""
    return subject.rsplit(".", 1)[0] if partition_of_subject(subject) is not None else subject


def partition_of_subject(subject: str) -> int | None:
    """The partition a subject names (``….TransactionPosted.p07`` → 7), or None."""
    last = subject.rsplit(".", 1)[-1]
    return int(last[1:]) if len(last) == 3 and last[0] == "p" and last[1:].isdigit() else None


def event_headers(
    *, event_id: str, service: str, event_type: str, time: datetime, subject: str | None = None
) -> dict[str, str]:
    headers = {
        MSG_ID: event_id,
        CE_SPECVERSION: "1.0",
        CE_ID: event_id,
        CE_SOURCE: f"kam/{service}",
        CE_TYPE: event_type,
        CE_TIME: time.isoformat(),
        CONTENT_TYPE: PROTOBUF,
    }
    if subject:
        headers[CE_SUBJECT] = subject
    return headers


@dataclass(frozen=True)
class EventMeta:
    """What a consumer's handler learns about an event besides its payload."""

    event_id: str
    event_type: str
    source: str
    time: str
    subject: str
    resource: str
    delivery: int
    #: The ``authorization`` header (``Bearer <token>``) of a message published from outside KAM (the CDC feed);
    #: empty for KAM's own events.
    authorization: str = field(default="", repr=False)
    #: When the broker stored the message (JetStream's own timestamp: the sender cannot choose it).
    publish_time: datetime | None = None


async def connect(url: str, name: str, *, retry_forever: bool = True) -> NATS:
    """Connect to NATS, retrying the first connection too, and reconnecting forever afterwards."""
    delay = 0.2
    while True:
        try:
            return await nats.connect(
                url,
                name=name,
                max_reconnect_attempts=-1,
                reconnect_time_wait=0.5,
                connect_timeout=2,
                allow_reconnect=True,
            )
        except Exception as exc:
            if not retry_forever:
                raise
            log.warning("NATS not reachable, retrying", extra={"nats_url": url, "error": str(exc)})
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


async def ensure_stream(js: JetStreamContext, service: str, *, replicas: int = 1) -> None:
    """Create or update the producing service's stream with an explicit de-duplication window."""
    name = stream_name(service)
    config = StreamConfig(
        name=name,
        subjects=[f"kam.{service}.v1.>"],
        retention=RetentionPolicy.LIMITS,
        storage=StorageType.FILE,
        duplicate_window=DUPLICATE_WINDOW_SECONDS,
        max_age=STREAM_MAX_AGE.total_seconds(),
        num_replicas=replicas,
    )
    try:
        await js.stream_info(name)
    except NotFoundError:
        await js.add_stream(config)
    else:
        await js.update_stream(config)
