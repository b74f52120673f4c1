"""Wires the notice service together (composition root).

The AnnouncementService and NotificationService APIs are declared in protos/kam/notice/v1; their methods are
built in the notice issue. Until then the service runs on the platform (migrations, outbox stream, health,
reflection) and its methods answer UNIMPLEMENTED.
"""

from __future__ import annotations

from pathlib import Path

from kam.notice.v1 import announcement_service_pb2_grpc as announcements
from kam.notice.v1 import notification_service_pb2_grpc as notifications
from kam_kit.clock import SYSTEM_CLOCK, Clock
from kam_kit.db import Database
from kam_kit.runtime import ServiceApp
from kam_kit.settings import ServiceSettings
from sqlalchemy import MetaData

MIGRATIONS = Path(__file__).parent / "migrations"
METADATA = MetaData()


def build(settings: ServiceSettings, clock: Clock = SYSTEM_CLOCK) -> ServiceApp:
    return ServiceApp(
        settings=settings,
        db=Database(settings.database_url),
        metadata=METADATA,
        versions_dir=MIGRATIONS,
        clock=clock,
        servicers=[announcements.AnnouncementServiceServicer(), notifications.NotificationServiceServicer()],
    )
