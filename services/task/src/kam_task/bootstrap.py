"""Wires the task service together (composition root).

The TaskService API is declared in protos/kam/task/v1; its methods are built in the task issue. Until then the
service runs on the platform (migrations, outbox stream, health, reflection) and answers UNIMPLEMENTED.
"""

from __future__ import annotations

from pathlib import Path

from kam.task.v1 import task_service_pb2_grpc
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
        servicers=[(task_service_pb2_grpc.add_TaskServiceServicer_to_server,
                    task_service_pb2_grpc.TaskServiceServicer(), "kam.task.v1.TaskService")],
    )
