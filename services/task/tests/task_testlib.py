"""Helpers for the task service's tests: the service on a real gRPC server and real databases, with the org tree
and users it copies from the identity service's events: 总行 0000 → 北京分行 0100 → 东城支行 0101 and 西城支行 0102,
and 上海分行 0200."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import grpc
from google.rpc import error_details_pb2, status_pb2
from kam.identity.v1 import events_pb2 as identity_events
from kam.identity.v1 import identity_pb2
from kam.task.v1 import automation_service_pb2_grpc as automation_grpc
from kam.task.v1 import campaign_service_pb2_grpc as campaign_grpc
from kam.task.v1 import task_pb2
from kam.task.v1 import task_service_pb2 as pb
from kam.task.v1 import task_service_pb2_grpc as pb_grpc
from kam_kit import auth, directory
from kam_kit.clock import ManualClock
from kam_kit.db import outbox_table
from kam_kit.events import EventMeta
from kam_kit.timeconv import to_timestamp
from kam_task.adapters.orm import UserCopy
from sqlalchemy import select

NOW = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
META = EventMeta(
    event_id="e", event_type="", source="kam/identity", time="", subject="", resource="", delivery=1
)
T = task_pb2.Task
UNITS = (
    ("0000", "", "总行"),
    ("0100", "0000", "北京分行"),
    ("0101", "0100", "东城支行"),
    ("0102", "0100", "西城支行"),
    ("0200", "0000", "上海分行"),
)
#: name → (org unit, role)
PEOPLE = {
    "users/admin": ("0000", "roles/admin"),
    "users/leader": ("0000", "roles/head_office_leader"),
    "users/bm_beijing": ("0100", "roles/branch_manager"),
    "users/bm_shanghai": ("0200", "roles/branch_manager"),
    "users/rm_dongcheng": ("0101", "roles/relationship_manager"),
    "users/rm_xicheng": ("0102", "roles/relationship_manager"),
    "users/rm_shanghai": ("0200", "roles/relationship_manager"),
    "users/compliance": ("0000", "roles/compliance"),
}


class Bank:
    """The service's API as each person calls it, its clock and its database."""

    def __init__(self, channel: grpc.aio.Channel, secret: str, clock: ManualClock, db) -> None:
        self.stub = pb_grpc.TaskServiceStub(channel)
        self.campaigns = campaign_grpc.CampaignServiceStub(channel)
        self.automation = automation_grpc.TaskAutomationServiceStub(channel)
        self.secret, self.clock, self.db = secret, clock, db
        self.people = dict(PEOPLE)

    async def call(self, method: str, request, who: str = "users/bm_beijing"):
        unit, role = self.people[who]
        token = auth.issue_token(
            auth.Identity(subject=who, roles=(role,), org_unit=f"orgUnits/{unit}", display_name=who[6:]),
            secret=self.secret,
            clock=self.clock,
            ttl=timedelta(hours=1),
        )
        stub = next(s for s in (self.stub, self.automation, self.campaigns) if hasattr(s, method))
        return await getattr(stub, method)(request, metadata=((auth.METADATA_KEY, auth.bearer(token)),))

    async def apply(self, handler, event) -> None:
        async with self.db.transaction() as session:
            await handler(session, event, META)

    async def person(self, name: str, unit: str, role: str, *, active: bool = True) -> None:
        self.people[name] = (unit, role)
        user = identity_pb2.User(
            name=name,
            display_name=name.removeprefix("users/"),
            org_unit=f"orgUnits/{unit}",
            roles=[role],
            state=identity_pb2.User.STATE_ACTIVE if active else identity_pb2.User.STATE_DISABLED,
            update_time=to_timestamp(self.clock.now()),
        )
        await self.apply(directory.updater(UserCopy), identity_events.UserCreated(user=user))

    async def assign(self, who: str = "users/bm_beijing", to: str = "users/rm_dongcheng", **fields) -> T:
        task = T(
            title=fields.pop("title", "走访客户"),
            assignee=to,
            due_time=to_timestamp(fields.pop("due", NOW + timedelta(days=2))),
            **fields,
        )
        return (await self.call("CreateTask", pb.CreateTaskRequest(task=task), who)).task

    async def titles(self, who: str, filter: str = "", order_by: str = "") -> list[str]:
        response = await self.call("ListTasks", pb.ListTasksRequest(filter=filter, order_by=order_by), who)
        return [t.title for t in response.tasks]

    async def published(self, message_type) -> list:
        async with self.db.read() as session:
            rows = await session.scalars(
                select(outbox_table.c.payload)
                .where(outbox_table.c.event_type == message_type.DESCRIPTOR.full_name)
                .order_by(outbox_table.c.seq)
            )
            return [message_type.FromString(payload) for payload in rows]

    async def event_types(self) -> list[str]:
        """The names of the events recorded, in order."""
        async with self.db.read() as session:
            rows = await session.scalars(select(outbox_table.c.event_type).order_by(outbox_table.c.seq))
            return [name.rsplit(".", 1)[-1] for name in rows]


def violations(error: grpc.aio.AioRpcError) -> set[str]:
    """The fields an INVALID_ARGUMENT names (its BadRequest detail)."""
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            for detail in status_pb2.Status.FromString(value).details:
                if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                    request = error_details_pb2.BadRequest()
                    detail.Unpack(request)
                    return {v.field for v in request.field_violations}
    return set()
