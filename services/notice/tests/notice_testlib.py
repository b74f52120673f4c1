"""Helpers for the notice service's tests: the service on a real gRPC server and real databases, with the org tree and users it copies from the
identity service's events: 总行 0000 → 北京分行 0100 → 东城支行 0101, and 上海分行 0200."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import urllib.parse
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import grpc
from google.rpc import error_details_pb2, status_pb2
from kam.identity.v1 import events_pb2 as identity_events
from kam.identity.v1 import identity_pb2
from kam.notice.v1 import announcement_service_pb2 as pb
from kam.notice.v1 import announcement_service_pb2_grpc as pb_grpc
from kam.notice.v1 import notice_pb2
from kam.notice.v1 import notification_service_pb2_grpc as npb_grpc
from kam_kit import auth, directory
from kam_kit.clock import ManualClock
from kam_kit.db import outbox_table
from kam_kit.events import EventMeta
from kam_kit.timeconv import to_timestamp
from kam_notice.adapters.orm import UserCopy
from kam_notice.service_layer.announcements import AnnouncementService
from kam_notice.service_layer.inbox import Inbox
from sqlalchemy import select

NOW = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
META = EventMeta(
    event_id="e", event_type="", source="kam/identity", time="", subject="", resource="", delivery=1
)
A = notice_pb2.Announcement
#: 总行 0000 → 北京分行 0100 → 东城支行 0101, and 上海分行 0200
UNITS = (
    ("0000", "", "总行"),
    ("0100", "0000", "北京分行"),
    ("0101", "0100", "东城支行"),
    ("0200", "0000", "上海分行"),
)
#: name, org unit, role
PEOPLE = {
    "users/admin": ("0000", "roles/admin"),
    "users/leader": ("0000", "roles/head_office_leader"),
    "users/bm_beijing": ("0100", "roles/branch_manager"),
    "users/rm_dongcheng": ("0101", "roles/relationship_manager"),
    "users/rm_shanghai": ("0200", "roles/relationship_manager"),
    "users/compliance": ("0000", "roles/compliance"),
}


class Bank:
    """The service's API as each person calls it, its handlers and clock, and its database."""

    def __init__(
        self,
        channel: grpc.aio.Channel,
        secret: str,
        clock: ManualClock,
        db,
        inbox: Inbox,
        service: AnnouncementService,
    ) -> None:
        self.stub = pb_grpc.AnnouncementServiceStub(channel)
        self.notifications = npb_grpc.NotificationServiceStub(channel)
        self.secret, self.clock, self.db = secret, clock, db
        self.people = dict(PEOPLE)
        self.inbox, self.service = inbox, service
        self.customers = None  # the customer messages' handlers (conftest)

    async def call(self, method: str, request, who: str = "users/leader"):
        unit, role = self.people[who]
        token = auth.issue_token(
            auth.Identity(subject=who, roles=(role,), org_unit=f"orgUnits/{unit}", display_name=who),
            secret=self.secret,
            clock=self.clock,
            ttl=timedelta(hours=1),
        )
        stub = self.stub if hasattr(self.stub, method) else self.notifications
        return await getattr(stub, method)(request, metadata=((auth.METADATA_KEY, auth.bearer(token)),))

    async def apply(self, handler, event) -> None:
        await self.apply_as(handler, event, META)

    async def apply_as(self, handler, event, meta: EventMeta) -> None:
        """A consumer's handler applied to ``event`` in a transaction of its own."""
        async with self.db.transaction() as session:
            await handler(session, event, meta)

    async def person(self, name: str, unit: str, role: str) -> None:
        self.people[name] = (unit, role)
        user = identity_pb2.User(
            name=name,
            display_name=name.removeprefix("users/"),
            org_unit=f"orgUnits/{unit}",
            roles=[role],
            state=identity_pb2.User.STATE_ACTIVE,
            update_time=to_timestamp(self.clock.now()),
        )
        await self.apply(directory.updater(UserCopy), identity_events.UserCreated(user=user))

    async def publish(self, who: str = "users/leader", **fields) -> A:
        announcement = A(
            title=fields.pop("title", "年终工作安排"),
            content=fields.pop("content", "<p>请各网点做好年终决算准备。</p>"),
            expire_time=to_timestamp(fields.pop("expire", NOW + timedelta(days=7))),
            **fields,
        )
        response = await self.call(
            "CreateAnnouncement", pb.CreateAnnouncementRequest(announcement=announcement), who
        )
        return response.announcement

    async def titles(self, who: str, filter: str = "") -> list[str]:
        response = await self.call("ListAnnouncements", pb.ListAnnouncementsRequest(filter=filter), who)
        return [a.title for a in response.announcements]

    async def published(self, message_type) -> list:
        async with self.db.read() as session:
            rows = await session.scalars(
                select(outbox_table.c.payload).where(
                    outbox_table.c.event_type == message_type.DESCRIPTOR.full_name
                )
            )
            return [message_type.FromString(payload) for payload in rows]


def violations(error: grpc.aio.AioRpcError) -> set[str]:
    """The fields an INVALID_ARGUMENT names (its BadRequest detail)."""
    return set(violation_texts(error))


def violation_texts(error: grpc.aio.AioRpcError) -> dict[str, str]:
    """Each field an INVALID_ARGUMENT names, with what it says about it."""
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            for detail in status_pb2.Status.FromString(value).details:
                if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                    request = error_details_pb2.BadRequest()
                    detail.Unpack(request)
                    return {v.field: v.description for v in request.field_violations}
    return {}


class RecordingSender:
    """A sender for tests that only plan deliveries (the e-mail tests use a real SMTP server)."""

    def __init__(self) -> None:
        self.sent: list = []

    async def send(self, message) -> None:
        self.sent.append(message)


def event_meta(event_id: str, event_type: str = "kam.alert.v1.AlertRaised") -> EventMeta:
    """A consumed event's metadata (its id is what makes a redelivery the same event)."""
    return EventMeta(
        event_id=event_id,
        event_type=event_type,
        source="kam/alert",
        time="",
        subject="",
        resource="",
        delivery=1,
    )


class JsonReceiver:
    """A real local HTTP server standing in for a provider (webhook robots, the SMS provider): records each POST as
    (path, query, headers, JSON body) and answers with the JSON ``answer()`` gives; ``with`` runs it."""

    def __init__(self, answer: Callable[[], dict]) -> None:
        self.received: list[tuple[str, dict, dict, dict]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                parts = urllib.parse.urlsplit(self.path)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                receiver.received.append(
                    (parts.path, urllib.parse.parse_qs(parts.query), dict(self.headers), body)
                )
                data = json.dumps(answer()).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


class Mailbox:
    """What the real SMTP server (aiosmtpd, the ``smtp`` fixture) received: each message parsed, and as it came.
    ``refuse``: how many messages to answer ``451`` (a server failing for a while) before accepting; ``delay``:
    seconds before answering a message's end (a slow server), ``arrived`` set as a message's end comes."""

    def __init__(self) -> None:
        self.messages: list = []
        self.raw: list[bytes] = []
        self.refuse = 0
        self.delay = 0.0
        self.arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:
        self.arrived.set()
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 Mail server temporarily unavailable"
        self.messages.append(message_from_bytes(envelope.content))
        self.raw.append(envelope.content)
        return "250 OK"


def free_port() -> int:
    """A local TCP port nothing listens on (yet)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
