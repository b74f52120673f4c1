"""Key dates announced by the daily sweep (a background job of the customer service, driven by its clock) on a
real gRPC server, on SQLite and PostgreSQL: contact birthdays and relationship anniversaries once each within the
lead window, not before, not twice; a staff-created customer without any scan."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from kam.customer.v1 import customer_pb2, events_pb2, tier_pb2
from kam.customer.v1 import customer_service_pb2 as pb
from kam.customer.v1 import tier_service_pb2 as tier_pb
from kam.customer.v1 import tier_service_pb2_grpc as tier_grpc
from kam_customer.adapters.orm import CustomerRow
from kam_customer.domain.identifiers import resident_id_check_char
from kam_customer.keydates.service import Kind, next_anniversary
from kam_kit.clock import ManualClock
from kam_kit.db import outbox_table
from sqlalchemy import select, update

START = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)  # 08:00 on 1 March in Shanghai
VALID_USCC = "91350100M000100Y43"


def resident_id(born: date, area: str = "110105", serial: str = "123") -> str:
    first17 = f"{area}{born:%Y%m%d}{serial}"
    return first17 + resident_id_check_char(first17)


@pytest.fixture
async def app(start_customer_service):
    api = await start_customer_service(ManualClock(START), key_date_cron="0 6 * * *")  # daily, 06:00 Shanghai
    api.customers, api.tiers = api.client, tier_grpc.TierServiceStub(api.channel)
    return api


async def day_passes(app, days: int) -> None:
    """Move the clock ``days`` days on and wait until the sweep has run for the new day."""
    app.clock.advance(timedelta(days=days))
    today = (app.clock.now() + timedelta(hours=8)).date()
    sweep = app.service.key_date_sweep
    for _ in range(200):
        if sweep.last_run is not None and sweep.last_run[0] == today:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"no key-date sweep for {today}")


async def key_date_events(app) -> list[tuple[str, events_pb2.KeyDateApproaching]]:
    async with app.service.db.read() as session:
        rows = (
            await session.execute(
                select(outbox_table.c.event_id, outbox_table.c.payload)
                .where(outbox_table.c.event_type == "kam.customer.v1.KeyDateApproaching")
                .order_by(outbox_table.c.seq)
            )
        ).all()
    return [(row.event_id, events_pb2.KeyDateApproaching.FromString(row.payload)) for row in rows]


async def test_contact_birthday_and_relationship_anniversary_once_each_as_days_pass(app) -> None:
    await day_passes(app, 0)  # the sweep at start has run: nothing to announce yet
    created = (
        await app.customers.CreateCustomer(
            pb.CreateCustomerRequest(
                customer_id="k1",
                customer=customer_pb2.Customer(
                    type=customer_pb2.Customer.TYPE_CORPORATE,
                    display_name="某某科技有限公司",
                    id_number=VALID_USCC,
                    branch="orgUnits/sh",
                    relationship_manager="staff/rm1",
                ),
            ),
            metadata=app.md(),
        )
    ).customer
    async with app.service.db.transaction() as session:  # as a scan leaves a key customer
        await session.execute(
            update(CustomerRow)
            .where(CustomerRow.id == "k1")
            .values(key_customer=True, relationship_start_date=date(2019, 4, 20), tier="tiers/core")
        )
    contact = (
        await app.customers.CreateContact(
            pb.CreateContactRequest(
                parent=created.name,
                contact=customer_pb2.Contact(
                    display_name="周建国", title="法定代表人", id_number=resident_id(date(1975, 4, 25))
                ),
            ),
            metadata=app.md(),
        )
    ).contact

    await day_passes(app, 1)  # 2 March: 20 April and 25 April are beyond 30 days
    assert await key_date_events(app) == []
    await day_passes(app, 20)  # 22 March: the relationship anniversary (20 April) is within 30 days
    events = await key_date_events(app)
    assert [(e.kind, e.date.month, e.date.day) for _, e in events] == [
        (Kind.KEY_DATE_KIND_RELATIONSHIP_ANNIVERSARY, 4, 20)
    ]
    await day_passes(app, 5)  # 27 March: the contact's birthday (25 April) too, the anniversary not again
    await day_passes(app, 1)
    events = await key_date_events(app)
    assert [e.kind for _, e in events] == [
        Kind.KEY_DATE_KIND_RELATIONSHIP_ANNIVERSARY,
        Kind.KEY_DATE_KIND_CONTACT_BIRTHDAY,
    ]
    event_id, birthday = events[1]
    assert (birthday.date.year, birthday.date.month, birthday.date.day) == (2026, 4, 25)
    assert birthday.contact == contact.name and birthday.contact_display_name == "周建国"
    assert birthday.contact_title == "法定代表人" and birthday.customer == "customers/k1"
    assert (
        birthday.customer_display_name,
        birthday.tier,
        birthday.relationship_manager,
        birthday.branch,
    ) == ("某某科技有限公司", "tiers/core", "staff/rm1", "orgUnits/sh")
    contact_id = contact.name.rsplit("/", 1)[-1]
    assert event_id == str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"keydate:k1:CONTACT_BIRTHDAY:2026-04-25:{contact_id}")
    )
    await app.service.key_date_sweep.run_once()  # an extra sweep on the same day changes nothing
    assert len(await key_date_events(app)) == 2


async def test_sweep_announces_for_a_staff_created_customer_without_any_scan(app) -> None:
    born = date(1985, 3, 20)  # birthday 20 March: within 30 days of 1 March
    await app.customers.CreateCustomer(
        pb.CreateCustomerRequest(
            customer_id="p1",
            customer=customer_pb2.Customer(
                type=customer_pb2.Customer.TYPE_INDIVIDUAL, display_name="王芳", id_number=resident_id(born)
            ),
        ),
        metadata=app.md(),
    )
    await day_passes(app, 1)
    assert await key_date_events(app) == []  # not a key customer (no tier) yet
    expire = Timestamp()
    expire.FromDatetime(app.clock.now() + timedelta(days=365))
    await app.tiers.CreateTierOverride(
        tier_pb.CreateTierOverrideRequest(
            parent="customers/p1",
            tier_override=(tier_pb2.TierOverride(tier="tiers/gold", reason="行长认定", expire_time=expire)),
        ),
        metadata=app.md(),
    )
    await day_passes(app, 1)
    events = await key_date_events(app)
    assert [(e.customer, e.kind, e.date.month, e.date.day, e.tier) for _, e in events] == [
        ("customers/p1", Kind.KEY_DATE_KIND_BIRTHDAY, 3, 20, "tiers/gold")
    ]  # birth date from the 身份证号
    await day_passes(app, 1)
    assert len(await key_date_events(app)) == 1


@pytest.mark.parametrize(
    ("origin", "today", "first", "expected"),
    [
        (date(1980, 4, 25), date(2026, 3, 1), 0, date(2026, 4, 25)),
        (date(1980, 1, 5), date(2026, 3, 1), 0, date(2027, 1, 5)),
        (date(2000, 2, 29), date(2026, 2, 1), 0, date(2026, 2, 28)),  # leap day in a common year
        (date(2026, 3, 10), date(2026, 3, 1), 1, date(2027, 3, 10)),  # a relationship starting now: next year
        (None, date(2026, 3, 1), 0, None),
    ],
)
def test_next_anniversary(origin, today, first, expected) -> None:
    assert next_anniversary(origin, today, first=first) == expected
