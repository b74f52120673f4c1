"""The notice service on a real gRPC server and a real database (SQLite and PostgreSQL), with the org tree and
users it copies from the identity service's events (notice_testlib.UNITS, PEOPLE)."""

from __future__ import annotations

import grpc
import pytest
from aiosmtpd.controller import Controller
from kam.identity.v1 import events_pb2 as identity_events
from kam.identity.v1 import identity_pb2
from kam.notice.v1 import announcement_service_pb2_grpc as pb_grpc
from kam.notice.v1 import notice_pb2
from kam.notice.v1 import notification_service_pb2_grpc as npb_grpc
from kam_devkit.testing import migrated_database
from kam_kit import orgtree
from kam_kit.clock import ManualClock
from kam_kit.grpcserver import GrpcServer
from kam_notice.adapters.orm import Base, OrgUnitCopy
from kam_notice.bootstrap import MIGRATIONS
from kam_notice.entrypoints.grpc_api import AnnouncementServicer, NotificationServicer
from kam_notice.service_layer.announcements import AnnouncementService
from kam_notice.service_layer.customers import CustomerMessages, Policy
from kam_notice.service_layer.deliveries import Deliveries
from kam_notice.service_layer.inbox import Inbox
from kam_notice.service_layer.templates import Templates
from notice_testlib import NOW, PEOPLE, UNITS, Bank, Mailbox, RecordingSender, free_port


@pytest.fixture
def smtp():
    """A real SMTP server on a local port: (its Mailbox, the port)."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield mailbox, controller.port
    finally:
        controller.stop()


@pytest.fixture
async def bank(database_url, token_secret):
    clock = ManualClock(NOW)
    async with migrated_database(database_url, MIGRATIONS, Base.metadata) as db:
        senders = {notice_pb2.CHANNEL_EMAIL: RecordingSender(), notice_pb2.CHANNEL_SMS: RecordingSender()}
        deliveries = Deliveries(db, clock, b"p" * 32, senders)  # type: ignore[arg-type]
        customers = CustomerMessages(db, clock, b"p" * 32, deliveries, Policy())
        inbox = Inbox(db, clock, b"p" * 32, deliveries=deliveries)
        service = AnnouncementService(db, clock, b"p" * 32, inbox)
        server = GrpcServer("notice", 0, token_secret=token_secret, clock=clock)
        server.add(
            pb_grpc.add_AnnouncementServiceServicer_to_server,
            AnnouncementServicer(service),
            "kam.notice.v1.AnnouncementService",
        )
        server.add(
            npb_grpc.add_NotificationServiceServicer_to_server,
            NotificationServicer(inbox, Templates(db, clock, b"p" * 32), deliveries, customers),
            "kam.notice.v1.NotificationService",
        )
        await server.start()
        try:
            async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as channel:
                bank = Bank(channel, token_secret, clock, db, inbox, service)
                bank.customers = customers
                units = orgtree.identity_updaters(OrgUnitCopy)
                for unit, parent, name in UNITS:
                    org_unit = identity_pb2.OrgUnit(
                        name=f"orgUnits/{unit}",
                        parent=f"orgUnits/{parent}" if parent else "",
                        display_name=name,
                    )
                    await bank.apply(
                        units[identity_events.OrgUnitCreated],
                        identity_events.OrgUnitCreated(org_unit=org_unit),
                    )
                for name, (unit, role) in PEOPLE.items():
                    await bank.person(name, unit, role)
                yield bank
        finally:
            await server.stop(0)
