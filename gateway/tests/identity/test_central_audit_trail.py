"""The central audit trail on a real database: records kept once as their events arrive, searched by actor,
action, resource and time, every service's chain verified from the events alone (a missing, altered or inserted
record is found), exported as CSV and XLSX."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from kam.audit.v1 import audit_pb2
from kam_gateway.identity.adapters.orm import AuditTrailRow
from kam_gateway.identity.service_layer.audit_trail import AuditTrail, on_recorded
from kam_kit.audit import GENESIS, chain_hash
from kam_kit.errors import InvalidArgument
from kam_kit.events import EventMeta
from kam_kit.timeconv import to_timestamp
from sqlalchemy import update

from conftest import T0

META = EventMeta(
    event_id="e", event_type="", source="kam/customer", time="", subject="", resource="", delivery=1
)


def _chain(service: str, actions: list[tuple[str, str, str]]) -> list[audit_pb2.AuditRecorded]:
    """Sealed records of one service: (actor, action, resource) each, hashed as the kit's sealer does."""
    out, previous = [], GENESIS
    for n, (actor, action, resource) in enumerate(actions, start=1):
        after = {"display_name": f"名称{n}"}
        canonical = (
            json.dumps(  # as the kit's sealer writes it: the values whole (kam_kit.audit.canonical_json)
                {"action": action, "actor": actor, "after": after, "resource": resource, "sequence": n},
                sort_keys=True,
                separators=(",", ":"),
                ensure_ascii=False,
            )
        )
        digest = chain_hash(previous, canonical)
        record = audit_pb2.AuditRecord(
            record_id=f"{service}-{n}",
            service=service,
            sequence=n,
            hash=digest,
            prev_hash=previous,
            kind=audit_pb2.AuditRecord.KIND_CHANGE,
            occur_time=to_timestamp(T0 + timedelta(minutes=n)),
            actor=actor,
            action=action,
            resource=resource,
            canonical_json=canonical,
            address="10.0.0.8",
        )
        record.after.update(after)
        out.append(audit_pb2.AuditRecorded(record=record))
        previous = digest
    return out


@pytest.fixture
async def trail(identity):
    customer = _chain(
        "customer",
        [
            ("users/rm_zhang", "customers.update", "customers/c1"),
            ("users/admin", "customers.delete", "customers/c2"),
            ("users/rm_zhang", "contacts.create", "customers/c1/contacts/p1"),
        ],
    )
    report = _chain("report", [("services/etl", "reports.create", "reports/r1")])
    for event in [*customer, *report, customer[0]]:  # the last one redelivered
        async with identity.db.transaction() as session:
            await on_recorded(session, event, META)
    return AuditTrail(identity.db, identity.clock)


async def test_records_are_kept_once_and_searched(trail) -> None:
    records, token, total = await trail.list("", None, None, 50, "")
    assert total == 4 and token == ""
    # newest first (customer-1 and report-1 happened in the same minute: by service)
    assert [r.record_id for r in records] == ["customer-3", "customer-2", "customer-1", "report-1"]
    mine, _, count = await trail.list('actor = "users/rm_zhang"', None, None, 50, "")
    assert count == 2 and {r.action for r in mine} == {"customers.update", "contacts.create"}
    window, _, _ = await trail.list(
        "service = customer", T0 + timedelta(minutes=2), T0 + timedelta(minutes=3), 50, ""
    )
    assert [r.record_id for r in window] == ["customer-2"]
    page, next_token, _ = await trail.list("", None, None, 3, "")
    rest, last, _ = await trail.list("", None, None, 3, next_token)
    assert len(page) == 3 and len(rest) == 1 and last == ""
    assert {r.record_id for r in page + rest} == {"customer-1", "customer-2", "customer-3", "report-1"}
    with pytest.raises(InvalidArgument):
        await trail.list("password = x", None, None, 10, "")


async def test_a_record_is_stored_with_its_values_once_and_read_whole(trail, identity) -> None:
    """The serialized record leaves to the canonical JSON column what it holds (before, after, details and the JSON
    itself); read back, the record is the one its event carried. A row stored whole (before this) reads the same."""
    event = _chain("customer", [("users/rm_zhang", "customers.update", "customers/c1")])[0]
    async with identity.db.read() as session:
        row = await session.get(AuditTrailRow, ("customer", 1))
        stored = audit_pb2.AuditRecord.FromString(row.record)
    assert stored.abridged and not stored.canonical_json and not stored.after
    assert row.canonical_json == event.record.canonical_json
    (listed,), _, _ = await trail.list(
        'resource = "customers/c1" AND action = "customers.update"', None, None, 5, ""
    )
    assert listed == event.record

    async with identity.db.transaction() as session:  # as rows were stored before: the whole record
        await session.execute(
            update(AuditTrailRow)
            .where(AuditTrailRow.record_id == "customer-1")
            .values(record=event.record.SerializeToString())
        )
    (listed,), _, _ = await trail.list(
        'resource = "customers/c1" AND action = "customers.update"', None, None, 5, ""
    )
    assert listed == event.record


async def test_chains_are_verified_from_the_events(trail, identity) -> None:
    assert [(c.service, c.records, c.last_sequence, c.intact) for c in await trail.verify()] == [
        ("customer", 3, 3, True),
        ("report", 1, 1, True),
    ]

    async with identity.db.transaction() as session:  # altered after it was published
        await session.execute(
            update(AuditTrailRow)
            .where(AuditTrailRow.record_id == "customer-2")
            .values(canonical_json='{"action":"customers.update"}')
        )
    (customer, _) = await trail.verify()
    assert (customer.intact, customer.broken_sequence, customer.problem) == (False, 2, "hash does not match")

    async with identity.db.transaction() as session:  # a record that never arrived (or was removed)
        await session.delete(await session.get(AuditTrailRow, ("customer", 2)))
    (customer, _) = await trail.verify()
    assert (customer.broken_sequence, customer.problem) == (2, "missing")

    forged = _chain("customer", [("users/x", "a", "r"), ("users/x", "forged", "r")])[1]  # inserted, own chain
    async with identity.db.transaction() as session:
        await on_recorded(session, forged, META)
    (customer, _) = await trail.verify()
    assert (customer.broken_sequence, customer.problem) == (2, "prev_hash does not match")


async def test_exports_as_csv_and_xlsx(trail) -> None:
    from openpyxl import load_workbook

    name, media, content, count = await trail.export('actor = "users/rm_zhang"', None, None, xlsx=False)
    assert name.endswith(".csv") and media.startswith("text/csv") and count == 2
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["时间 time", "服务 service", "序号 sequence", "操作人 actor"]
    assert [row[5] for row in rows[1:]] == ["customers.update", "contacts.create"]
    assert '"display_name": "名称1"' in rows[1][9]
    name, media, content, count = await trail.export("", None, None, xlsx=True)
    assert name.endswith(".xlsx") and "spreadsheetml" in media and count == 4
    sheet = load_workbook(io.BytesIO(content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 5 and values[1][3] == "users/rm_zhang"


async def test_records_the_kits_sealer_published_verify_as_intact(identity) -> None:
    """The real path: identity changes recorded, sealed by the kit's sealer, published through the outbox, kept by
    the central trail — whose verification then agrees with the sealer's chain."""
    from kam_gateway.identity.service_layer.users import UserDraft
    from kam_kit.audit import AuditSealer, record_change
    from kam_kit.db import outbox_table
    from sqlalchemy import select

    for n in range(3):
        await identity.users.create(
            UserDraft(username=f"user_{n}", display_name=f"用户{n}", org_unit="0101"),
            user_id="",
            initial_password="Kam-Strong-42",
        )
    # and a record too large for its event to carry the values twice (abridged, kam_kit.audit.recorded_event)
    listed = [f"customers/{n:032x}" for n in range(10_000)]
    async with identity.db.transaction() as session:
        record_change(
            session, service="identity", actor=None, action="campaigns.update", resource="campaigns/k1",
            before={"customers": []}, after={"customers": listed}, clock=identity.clock,
        )  # fmt: skip
    assert await AuditSealer(identity.db, service="identity", clock=identity.clock).seal() >= 5
    async with identity.db.read() as session:
        payloads = list(
            await session.scalars(
                select(outbox_table.c.payload)
                .where(outbox_table.c.event_type == "kam.audit.v1.AuditRecorded")
                .order_by(outbox_table.c.seq)
            )
        )
    central = AuditTrail(identity.db, identity.clock)
    for payload in payloads:
        async with identity.db.transaction() as session:
            await on_recorded(session, audit_pb2.AuditRecorded.FromString(payload), META)
    (chain,) = await central.verify()
    assert (chain.service, chain.intact, chain.records) == ("identity", True, len(payloads))
    assert audit_pb2.AuditRecorded.FromString(payloads[-1]).record.abridged
    (large,), _, _ = await central.list('action = "campaigns.update"', None, None, 10, "")
    assert not large.abridged and list(large.after["customers"]) == listed
