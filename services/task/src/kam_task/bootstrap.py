"""Wires the task service together (composition root).

The TaskService and CampaignService APIs are declared in protos/kam/task/v1; their methods are built in the task
issue. Until then the service runs on the platform (migrations, outbox stream, health, reflection) and its
methods answer UNIMPLEMENTED.
"""

from __future__ import annotations

from pathlib import Path

from kam.task.v1 import campaign_service_pb2_grpc as campaigns
from kam.task.v1 import task_service_pb2_grpc as tasks
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
        servicers=[tasks.TaskServiceServicer(), campaigns.CampaignServiceServicer()],
    )
