"""Wires the notice service together (composition root).

Announcements (AnnouncementService) work; the NotificationService's methods (inbox, settings, templates,
customer messages, deliveries) are built next and answer UNIMPLEMENTED until then. The service keeps its own
copies of the identity service's users and org tree (audiences), and one replica at a time runs the clock that
publishes scheduled announcements and moves expired ones to history.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from kam.identity.v1 import events_pb2 as identity_events
from kam.notice.v1 import notification_service_pb2_grpc as notifications
from kam_kit import directory, orgtree, pagination
from kam_kit.clock import SYSTEM_CLOCK, Clock
from kam_kit.db import Database
from kam_kit.partitions import Lease, LeaseLost, Leases
from kam_kit.runtime import ServiceApp
from kam_kit.settings import ServiceSettings

from kam_notice.adapters.orm import Base, OrgUnitCopy, UserCopy
from kam_notice.entrypoints.grpc_api import AnnouncementServicer
from kam_notice.service_layer.announcements import AnnouncementService

MIGRATIONS = Path(__file__).parent / "migrations"
METADATA = Base.metadata
#: How often the clock looks for announcements to publish or to move to history (seconds).
TICK_SECONDS = 5.0
log = logging.getLogger(__name__)


def build(settings: ServiceSettings, clock: Clock = SYSTEM_CLOCK) -> ServiceApp:
    db = Database(settings.database_url)
    app = ServiceApp(settings=settings, db=db, metadata=METADATA, versions_dir=MIGRATIONS, clock=clock)
    announcements = AnnouncementService(db, clock, pagination.page_secret(settings.token_secret.reveal()))
    app.serve(AnnouncementServicer(announcements), notifications.NotificationServiceServicer())
    users = directory.updater(UserCopy)
    app.consume(
        "identity",
        {
            identity_events.UserCreated: users,
            identity_events.UserUpdated: users,
            **orgtree.identity_updaters(OrgUnitCopy),
        },
    )
    sweeper = Leases(db, "notice-clock", partitions=1)
    app.background.extend((sweeper.run, lambda: run_clock(announcements, sweeper.lease(0))))
    return app


async def run_clock(announcements: AnnouncementService, lease: Lease, interval: float = TICK_SECONDS) -> None:
    """Publishes and expires announcements on time, on the replica holding ``lease``."""
    while True:
        await lease.wait()
        try:
            await announcements.tick(lease)
        except LeaseLost:
            log.info("another replica keeps the announcement clock now")
        except Exception:
            log.exception("announcement clock failed")
        await asyncio.sleep(interval)
