"""The task service on a real gRPC server and a real database (SQLite and PostgreSQL), with the org tree and users
it copies from the identity service's events (task_testlib.UNITS, PEOPLE)."""

from __future__ import annotations

import grpc
import pytest
from kam.identity.v1 import events_pb2 as identity_events
from kam.identity.v1 import identity_pb2
from kam.task.v1 import automation_service_pb2_grpc as automation_grpc
from kam.task.v1 import campaign_service_pb2_grpc as campaign_grpc
from kam.task.v1 import task_service_pb2_grpc as pb_grpc
from kam_devkit.testing import migrated_database
from kam_kit import orgtree
from kam_kit.clock import ManualClock
from kam_kit.grpcserver import GrpcServer
from kam_task.adapters.orm import Base, OrgUnitCopy
from kam_task.bootstrap import MIGRATIONS
from kam_task.entrypoints.automation_api import TaskAutomationServicer
from kam_task.entrypoints.campaign_api import CampaignServicer
from kam_task.entrypoints.grpc_api import TaskServicer
from kam_task.service_layer.automation import AutomationService
from kam_task.service_layer.campaigns import CampaignService
from kam_task.service_layer.tasks import TaskService
from task_testlib import NOW, PEOPLE, UNITS, Bank


@pytest.fixture
async def bank(database_url, token_secret):
    clock = ManualClock(NOW)
    async with migrated_database(database_url, MIGRATIONS, Base.metadata) as db:
        server = GrpcServer("task", 0, token_secret=token_secret, clock=clock)
        tasks = TaskService(db, clock)
        server.add(
            pb_grpc.add_TaskServiceServicer_to_server,
            TaskServicer(tasks, b"p" * 32),
            "kam.task.v1.TaskService",
        )
        server.add(
            campaign_grpc.add_CampaignServiceServicer_to_server,
            CampaignServicer(CampaignService(db, clock, tasks), b"p" * 32),
            "kam.task.v1.CampaignService",
        )
        server.add(
            automation_grpc.add_TaskAutomationServiceServicer_to_server,
            TaskAutomationServicer(AutomationService(db, clock, tasks), b"p" * 32),
            "kam.task.v1.TaskAutomationService",
        )
        await server.start()
        try:
            async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as channel:
                bank = Bank(channel, token_secret, clock, db)
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
