"""Wires the identity service the gateway hosts (composition root): its store and migrations, the use cases, the
gRPC servicer, the import of the core's branches and staff from the customer service's events, and (demo mode)
the demo users."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from kam.audit.v1 import audit_pb2
from kam.customer.v1 import events_pb2 as customer_events
from kam.identity.v1 import events_pb2 as identity_events
from kam.push.v1 import push_pb2
from kam_kit import registry
from kam_kit.clock import Clock
from kam_kit.consumer import Batched
from kam_kit.db import Database
from kam_kit.events import EventMeta
from kam_kit.runtime import ServiceApp
from kam_kit.settings import ServiceSettings
from sqlalchemy.ext.asyncio import AsyncSession

from kam_gateway.identity.adapters.orm import Base, OrgUnitRow, UserRow
from kam_gateway.identity.adapters.protomap import ORG_TYPE_NAMES, org_unit_to_proto
from kam_gateway.identity.audit_api import AuditTrailServicer
from kam_gateway.identity.demo_users import DEMO_RM_STAFF_CODE, DemoDirectory
from kam_gateway.identity.domain.passwords import PasswordHashing
from kam_gateway.identity.service_layer import audit_trail
from kam_gateway.identity.service_layer.audit_trail import AuditTrail
from kam_gateway.identity.service_layer.directory import Directory
from kam_gateway.identity.service_layer.service_accounts import ServiceAccounts
from kam_gateway.identity.service_layer.sign_in import SERVICE, SignIn
from kam_gateway.identity.service_layer.users import UserDraft, Users
from kam_gateway.identity.servicer import IdentityServicer
from kam_gateway.identity.throttle import LoginThrottle
from kam_gateway.push import PushHub
from kam_gateway.system import SystemServicer

MIGRATIONS = Path(__file__).parent / "migrations"
#: The demo bank's head office, Beijing branch and its first sub-branch (kam-demobank's org codes).
DEMO_ORG_UNITS = (
    ("0000", "总行", "HEAD_OFFICE", None),
    ("0100", "北京分行", "BRANCH", "0000"),
    ("0101", "北京东城支行", "SUB_BRANCH", "0100"),
)


@dataclass
class IdentityService:
    app: ServiceApp
    servicer: IdentityServicer
    sign_in: SignIn
    users: Users
    directory: Directory
    accounts: ServiceAccounts
    demo: DemoDirectory | None
    push: PushHub
    system: SystemServicer

    async def start(self) -> None:
        """Migrate, bring the built-in roles up to date, add the demo users (demo mode), then serve."""
        await self.app.migrate()
        await self.directory.sync_built_in_roles()
        if self.demo is not None:
            await seed_demo(self)
        await self.app.start()


def build(
    settings: ServiceSettings,
    clock: Clock,
    *,
    demo: DemoDirectory | None,
    throttle: LoginThrottle,
    hashing: PasswordHashing | None = None,
) -> IdentityService:
    settings = replace(settings, service=SERVICE)
    db = Database(settings.database_url)
    hashing = hashing or PasswordHashing()
    secret = settings.token_secret.reveal()
    sign_in = SignIn(db, clock, token_secret=secret, hashing=hashing)
    users = Users(
        db, clock, sign_in=sign_in, hashing=hashing, demo_mode=demo is not None, page_secret=secret.encode()
    )
    directory = Directory(db, clock, sign_in=sign_in, page_secret=secret.encode())
    accounts = ServiceAccounts(db, clock, token_secret=secret, hashing=hashing, page_secret=secret.encode())
    servicer = IdentityServicer(
        sign_in=sign_in, users=users, directory=directory, accounts=accounts, clock=clock, throttle=throttle
    )
    system = SystemServicer(clock=clock, nats=lambda: app.nats, page_secret=secret.encode())
    app = ServiceApp(settings=settings, db=db, metadata=Base.metadata, versions_dir=MIGRATIONS, clock=clock)
    app.serve(servicer, system, AuditTrailServicer(AuditTrail(db, clock, page_secret=secret.encode())))
    sign_in.local = app.revocations

    async def on_org_unit(
        session: AsyncSession, event: customer_events.SourceOrgUnitUpdated, meta: EventMeta
    ) -> None:
        unit = event.org_unit
        await directory.import_org_unit(
            session,
            unit.name.removeprefix("orgUnits/"),
            display_name=unit.display_name,
            type_=ORG_TYPE_NAMES.get(unit.type, ""),
            parent=unit.parent.removeprefix("orgUnits/"),
            region=unit.region,
        )

    async def on_staff(
        session: AsyncSession, event: customer_events.SourceStaffUpdated, meta: EventMeta
    ) -> None:
        await directory.import_staff(
            session,
            event.staff_code,
            display_name=event.display_name,
            org_unit=event.org_unit.removeprefix("orgUnits/"),
            active=event.active,
            phone=event.phone,
        )

    # One durable consumer per producing service (identity-<svc>): every service's PushRequested fanned out to its
    # recipients (push.py) and AuditRecorded kept in the central trail; the customer's org tree and staff imported.
    push = PushHub(lambda: app.nats)
    for producer in [*(entry.name for entry in registry.services() if entry.produces_events), SERVICE]:
        handlers: dict = {audit_pb2.AuditRecorded: audit_trail.on_recorded}
        if producer != SERVICE:
            handlers[push_pb2.PushRequested] = Batched(
                push.fan_out_all
            )  # a fetch's copies published together
        if producer == "customer":
            handlers[customer_events.SourceOrgUnitUpdated] = on_org_unit
            handlers[customer_events.SourceStaffUpdated] = on_staff
        app.consume(producer, handlers)
    return IdentityService(
        app=app,
        servicer=servicer,
        sign_in=sign_in,
        users=users,
        directory=directory,
        accounts=accounts,
        demo=demo,
        push=push,
        system=system,
    )


async def seed_demo(identity: IdentityService) -> None:
    """The demo org units and one user per role, with the demo password and no forced change; the relationship
    manager is linked to the demo bank's first relationship manager of 北京东城支行 (staff code
    :data:`DEMO_RM_STAFF_CODE`), so they see exactly the customers the core assigns to them. Existing ones
    (an earlier start, or changed by an administrator) are left alone."""
    assert identity.demo is not None
    clock = identity.app.clock
    async with identity.app.db.transaction() as session:
        for org_id, name, kind, parent in DEMO_ORG_UNITS:
            if await session.get(OrgUnitRow, org_id) is None:
                now = clock.now()
                row = OrgUnitRow(
                    id=org_id,
                    display_name=name,
                    type=kind,
                    parent_id=parent,
                    region="",
                    origin="KAM",
                    keep_kam_changes=False,
                    version=1,
                    create_time=now,
                    update_time=now,
                )
                session.add(row)
                # announced like any unit made in KAM: the services' copies of the org tree take it in
                identity.directory.events.record(
                    session,
                    identity_events.OrgUnitCreated(org_unit=org_unit_to_proto(row)),
                    resource=f"orgUnits/{org_id}",
                )
    for demo in identity.demo.users.values():
        async with identity.app.db.read() as session:
            exists = await session.get(UserRow, demo.username) is not None
        if exists:
            continue
        staff_code = DEMO_RM_STAFF_CODE if demo.username == "rm_zhang" else ""
        await identity.users.create(
            UserDraft(
                username=demo.username,
                display_name=demo.display_name,
                org_unit=demo.org_unit.removeprefix("orgUnits/"),
                roles=[role.removeprefix("roles/") for role in demo.roles],
                staff_code=staff_code,
                email=demo.email,
                keep_kam_changes=True,
            ),
            user_id=demo.username,
            initial_password=identity.demo.password,
            enforce_policy=False,
        )
