"""Wires the notice service together (composition root).

The NoticeService API is declared in protos/kam/notice/v1; its methods are built in the notice issue. Until then the
service runs on the platform (migrations, outbox stream, health, reflection) and answers UNIMPLEMENTED.
"""

from __future__ import annotations

from pathlib import Path

from kam.notice.v1 import notice_service_pb2_grpc
from kam_kit.clock import SYSTEM_CLOCK, Clock
from kam_kit.db import Database
from kam_kit.runtime import ServiceApp
from kam_kit.settings import ServiceSettings
from sqlalchemy import MetaData

MIGRATIONS = Path(__file__).parent / "migrations"
METADATA = MetaData()


def build(settings: ServiceSettings, clock: Clock = SYSTEM_CLOCK) -> ServiceApp:
    db = Database(settings.database_url)
    return ServiceApp(
        settings=settings, db=db, metadata=METADATA, versions_dir=MIGRATIONS, clock=clock,
        servicers=[(notice_service_pb2_grpc.add_NoticeServiceServicer_to_server,
                    notice_service_pb2_grpc.NoticeServiceServicer(), "kam.notice.v1.NoticeService")],
    )
