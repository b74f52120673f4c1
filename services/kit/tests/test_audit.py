"""The audit trail (kam_kit.audit) on real SQLite and PostgreSQL: written with the change or not at all, sealed
into a hash chain after commit, published through the outbox, and tampering found by verify_chain."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from kam.audit.v1 import audit_pb2
from kam_kit import audit
from kam_kit import events as kit_events
from kam_kit.auth import Identity
from kam_kit.clock import ManualClock
from kam_kit.db import Database, audit_table, outbox_table
from kam_kit.runtime import _audit_verify
from sqlalchemy import delete, func, insert, select, update

SERVICE = "svc"
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ADMIN = Identity(
    subject="users/admin", roles=("roles/admin",), display_name="管理员", org_unit="orgUnits/head"
)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


async def _rows(db: Database, *where):
    async with db.read() as session:
        return (await session.execute(select(audit_table).where(*where).order_by(audit_table.c.id))).all()


async def _write(db: Database, clock: ManualClock, n: int, *, actor=ADMIN) -> None:
    for i in range(n):
        clock.advance(timedelta(seconds=1))
        async with db.transaction() as session:
            audit.record_change(
                session,
                service=SERVICE,
                actor=actor,
                action="customers.update",
                resource=f"customers/c{i}",
                before={"phone": "13800000000", "tier": "gold"},
                after={"phone": f"1390000000{i}", "tier": "gold"},
                clock=clock,
                address="10.0.0.1",
                client="test",
                request_id=f"r{i}",
            )


async def test_a_change_is_written_with_its_transaction_or_not_at_all(db, clock) -> None:
    async with db.transaction() as session:
        audit.record_change(
            session,
            service=SERVICE,
            actor=ADMIN,
            action="customers.update",
            resource="customers/c1",
            before={
                "phone": "13800000000",
                "email": "a@x.cn",
                "level": 1,
                "since": date(2020, 1, 2),
                "password_hash": "old",
            },
            after={
                "phone": "13900000000",
                "email": "a@x.cn",
                "level": 2,
                "since": date(2020, 1, 2),
                "limit": Decimal("1.50"),
                "password_hash": "new",
            },
            clock=clock,
            address="10.1.2.3",
            client="kam-gateway",
            request_id="req-1",
        )
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            audit.record_change(
                session,
                service=SERVICE,
                actor=ADMIN,
                action="customers.update",
                resource="customers/c2",
                before={},
                after={"phone": "1"},
                clock=clock,
            )
            raise RuntimeError("the change failed")
    (row,) = await _rows(db)
    assert (
        row.service,
        row.kind,
        row.actor,
        row.actor_kind,
        row.actor_display_name,
        row.actor_roles,
        row.actor_org_unit,
    ) == (SERVICE, "change", "users/admin", "user", "管理员", ["roles/admin"], "orgUnits/head")
    assert (row.action, row.resource, row.address, row.client, row.request_id) == (
        "customers.update",
        "customers/c1",
        "10.1.2.3",
        "kam-gateway",
        "req-1",
    )
    # only the changed fields; secrets only as "changed"; values as JSON data
    assert row.before == {"phone": "13800000000", "level": 1, "password_hash": "[redacted]"}
    assert row.after == {"phone": "13900000000", "level": 2, "limit": "1.50", "password_hash": "[redacted]"}
    assert row.sequence is None and row.hash is None  # sealed after commit


async def test_the_sealer_chains_records_in_order_and_publishes_each_once(db, clock) -> None:
    await _write(db, clock, 3)
    async with db.transaction() as session:
        audit.record_view(
            session,
            service=SERVICE,
            actor=None,
            action="personal_data.view",
            resources=["customers/c1", "customers/c2"],
            kinds=["PHONE", "NAME"],
            query="138",
            clock=clock,
        )
    sealer = audit.AuditSealer(db, service=SERVICE, clock=clock, batch_size=2)
    assert await sealer.seal() == 4
    assert await sealer.seal() == 0  # nothing sealed twice
    rows = await _rows(db)
    assert [r.sequence for r in rows] == [1, 2, 3, 4]
    assert rows[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(rows))
    assert rows[3].kind == "view" and rows[3].actor_kind == "system"
    assert rows[3].details == {
        "resources": ["customers/c1", "customers/c2"],
        "resource_count": 2,
        "kinds": ["NAME", "PHONE"],
        "query": "138",
    }
    async with db.read() as session:
        events = (await session.execute(select(outbox_table).order_by(outbox_table.c.seq))).all()
    assert [e.event_id for e in events] == [r.record_id for r in rows]
    # each on its resource's partition (a customer's), the view record (of two customers) on none
    assert [e.subject for e in events] == [
        f"kam.{SERVICE}.v1.AuditRecorded"
        + (f".p{p:02d}" if (p := kit_events.partition_for(r.resource)) is not None else "")
        for r in rows
    ]
    assert {e.event_type for e in events} == {"kam.audit.v1.AuditRecorded"}
    record = audit_pb2.AuditRecorded.FromString(events[0].payload).record
    assert (record.service, record.sequence, record.hash, record.prev_hash, record.record_id) == (
        SERVICE,
        1,
        rows[0].hash,
        audit.GENESIS,
        rows[0].record_id,
    )
    assert record.kind == audit_pb2.AuditRecord.KIND_CHANGE and record.action == "customers.update"
    assert dict(record.before) == {"phone": "13800000000"} and dict(record.after) == {"phone": "13900000000"}
    assert record.occur_time.ToDatetime(tzinfo=UTC) == T0 + timedelta(seconds=1)
    # a consumer can verify the published record from the event alone
    assert audit.chain_hash(record.prev_hash, record.canonical_json) == record.hash
    assert await audit.verify_chain(db) is None


async def test_records_committed_later_join_the_chain_after_those_already_sealed(db, clock) -> None:
    sealer = audit.AuditSealer(db, service=SERVICE, clock=clock)
    await _write(db, clock, 2)
    await sealer.seal()
    await _write(db, clock, 2)
    assert await sealer.seal() == 2
    assert [r.sequence for r in await _rows(db)] == [1, 2, 3, 4]
    assert await audit.verify_chain(db, service=SERVICE) is None


async def test_two_sealers_never_seal_a_record_twice(db, clock) -> None:
    await _write(db, clock, 20)
    sealers = [
        audit.AuditSealer(Database(db.url), service=SERVICE, clock=clock, batch_size=3) for _ in range(2)
    ]
    try:
        results = await asyncio.gather(*(s.seal() for s in sealers), return_exceptions=True)
        for sealer in sealers:  # a sealer that lost a race (SQLite: a stale snapshot) retries, as run() does
            await sealer.seal()
    finally:
        for sealer in sealers:
            await sealer.db.dispose()
    assert sum(r for r in results if isinstance(r, int)) <= 20
    assert sorted(r.sequence for r in await _rows(db)) == list(range(1, 21))
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(outbox_table)) == 20
    assert await audit.verify_chain(db) is None


async def _view(
    db: Database, clock: ManualClock, resource: str, *, seal: bool = True, fail: bool = False
) -> None:
    clock.advance(timedelta(seconds=1))
    async with db.transaction() as session:
        if seal:
            audit.seal_at_commit(session, clock)
        audit.record_view(
            session,
            service=SERVICE,
            actor=ADMIN,
            action="personal_data.view",
            resources=[resource],
            clock=clock,
        )
        if fail:
            raise RuntimeError("the read failed")


async def _events(db: Database) -> list[audit_pb2.AuditRecord]:
    async with db.read() as session:
        payloads = (await session.scalars(select(outbox_table.c.payload).order_by(outbox_table.c.seq))).all()
    return [audit_pb2.AuditRecorded.FromString(p).record for p in payloads]


async def test_a_transaction_sealing_at_commit_chains_its_records_after_those_committed_before(
    db, clock
) -> None:
    """The changes committed before (still waiting for the sealer) are sealed first, then the transaction's own
    records; each record's event is written with them; the chain verifies; the sealer finds nothing left."""
    await _view(db, clock, "customers/a")  # nothing before it
    await _write(db, clock, 2)  # committed, not sealed yet
    await _view(db, clock, "customers/b")
    rows = sorted(await _rows(db), key=lambda r: r.sequence)
    assert [(r.sequence, r.kind, r.resource) for r in rows] == [
        (1, "view", "customers/a"),
        (2, "change", "customers/c0"),
        (3, "change", "customers/c1"),
        (4, "view", "customers/b"),
    ]
    assert all(r.sealed_at is not None for r in rows)
    assert [(e.sequence, e.record_id, e.hash) for e in await _events(db)] == [
        (r.sequence, r.record_id, r.hash) for r in rows
    ]
    assert await audit.verify_chain(db) is None
    assert await audit.AuditSealer(db, service=SERVICE, clock=clock).seal() == 0
    await _write(db, clock, 1)  # later changes follow as before
    assert await audit.AuditSealer(db, service=SERVICE, clock=clock).seal() == 1
    assert await audit.verify_chain(db) is None


async def test_a_rolled_back_transaction_seals_nothing_and_the_next_one_is_not_asked_to(db, clock) -> None:
    with pytest.raises(RuntimeError):
        await _view(db, clock, "customers/a", fail=True)
    await _view(db, clock, "customers/b", seal=False)  # the same pooled session state must not carry the ask
    (row,) = await _rows(db)
    assert (row.resource, row.sequence) == ("customers/b", None)
    assert await _events(db) == []


async def test_behind_a_long_backlog_a_transaction_leaves_its_records_to_the_sealer_which_keeps_the_order(
    db, clock, monkeypatch
) -> None:
    monkeypatch.setattr(audit, "SEAL_AT_COMMIT_BACKLOG", 3)
    await _write(db, clock, 4)
    await _view(db, clock, "customers/v")
    assert all(r.sequence is None for r in await _rows(db))
    assert await audit.AuditSealer(db, service=SERVICE, clock=clock).seal() == 5
    rows = sorted(await _rows(db), key=lambda r: r.sequence)
    assert [r.resource for r in rows] == [f"customers/c{i}" for i in range(4)] + ["customers/v"]
    assert await audit.verify_chain(db) is None


async def test_sealing_at_commit_beside_sealers_of_other_replicas_keeps_one_unbroken_chain(db, clock) -> None:
    """Concurrent transactions sealing at commit, changes left to the sealer and two sealers on their own
    connections (two replicas): every record sealed once, one chain, each event once."""
    other = Database(db.url)
    sealers = [audit.AuditSealer(d, service=SERVICE, clock=clock, batch_size=4) for d in (db, other)]

    async def views(database: Database, prefix: str) -> None:
        for i in range(15):
            await _view(database, clock, f"customers/{prefix}{i}")

    async def sealing() -> None:
        for _ in range(10):
            for sealer in sealers:
                with contextlib.suppress(Exception):  # a lost race (SQLite: busy, a stale head) is retried
                    await sealer.seal()
            await asyncio.sleep(0.005)

    try:
        await asyncio.gather(views(db, "a"), views(other, "b"), _write(db, clock, 15), sealing())
        for sealer in sealers:
            await sealer.seal()
    finally:
        await other.dispose()
    rows = await _rows(db)
    assert len(rows) == 45 and sorted(r.sequence for r in rows) == list(range(1, 46))
    assert sorted(e.sequence for e in await _events(db)) == list(range(1, 46))
    assert await audit.verify_chain(db) is None


async def _sealed(db, clock, n: int = 5):
    await _write(db, clock, n)
    await audit.AuditSealer(db, service=SERVICE, clock=clock).seal()
    assert await audit.verify_chain(db) is None
    return await _rows(db)


async def test_verify_finds_an_altered_record(db, clock) -> None:
    rows = await _sealed(db, clock)
    async with db.writing() as session:
        await session.execute(
            update(audit_table).where(audit_table.c.sequence == 3).values(after={"phone": "13700000000"})
        )
    broken = await audit.verify_chain(db)
    assert broken is not None and (broken.sequence, broken.record_id) == (3, rows[2].record_id)
    assert "altered" in broken.reason


async def test_verify_finds_a_deleted_record(db, clock) -> None:
    rows = await _sealed(db, clock)
    async with db.writing() as session:
        await session.execute(delete(audit_table).where(audit_table.c.sequence == 2))
    broken = await audit.verify_chain(db)
    assert broken is not None and (broken.sequence, broken.record_id) == (3, rows[2].record_id)
    assert "deleted" in broken.reason


async def test_verify_finds_an_inserted_record(db, clock) -> None:
    """A forged record with a valid hash slipped in after the 2nd: the records after it no longer link."""
    rows = await _sealed(db, clock)
    t = audit_table
    async with db.writing() as session:  # make room: 3,4,5 → 4,5,6 (through negatives: unique per statement)
        await session.execute(update(t).where(t.c.sequence >= 3).values(sequence=-t.c.sequence - 1))
        await session.execute(update(t).where(t.c.sequence < 0).values(sequence=-t.c.sequence))
        forged = {c.name: getattr(rows[1], c.name) for c in t.columns if c.name != "id"}
        forged.update(record_id="forged", sequence=3, prev_hash=rows[1].hash, after={"phone": "0"})
        forged_row = type("Row", (), forged)
        forged["hash"] = audit.chain_hash(rows[1].hash, audit.canonical_json(forged_row, 3))
        await session.execute(insert(t).values(**forged))
    broken = await audit.verify_chain(db)
    assert broken is not None and (broken.sequence, broken.record_id) == (4, rows[2].record_id)


async def test_the_audit_verify_command_reports_the_chain(db, clock, capsys) -> None:
    await _sealed(db, clock, 2)
    assert await _audit_verify(db.url, SERVICE) == 0
    assert "intact: 2 records sealed" in capsys.readouterr().out
    async with db.writing() as session:
        await session.execute(update(audit_table).where(audit_table.c.sequence == 1).values(actor="users/x"))
    assert await _audit_verify(db.url, SERVICE) == 1
    assert "BROKEN at sequence 1" in capsys.readouterr().out


async def test_record_values_are_never_logged(db, clock, caplog) -> None:
    """(Drivers' DEBUG logs of SQL parameters are off in a service: JSON logs at INFO.)"""
    caplog.set_level(logging.DEBUG, logger="kam_kit")
    await _sealed(db, clock, 2)
    ours = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records if r.name.startswith("kam_kit"))
    assert "1390000000" not in ours and "13800000000" not in ours


async def test_the_view_of_a_page_travels_with_its_values_once(db, clock) -> None:
    """A view naming a page of 50 customers: its canonical JSON is over :data:`audit.ABRIDGE_CHARS` (≈ 5 KB as an
    event with the names twice, in ``details`` and ``canonical_json``) — its event carries them once; a reader gets
    the record whole back."""
    shown = [f"customers/{n:032x}" for n in range(50)]
    async with db.transaction() as session:
        audit.record_view(
            session, service=SERVICE, actor=ADMIN, action="personal_data.view", resources=shown,
            kinds=["NAME", "PHONE"], clock=clock,
        )  # fmt: skip
    assert await audit.AuditSealer(db, service=SERVICE, clock=clock).seal() == 1
    async with db.read() as session:
        (payload,) = await session.scalars(select(outbox_table.c.payload))
    record = audit_pb2.AuditRecorded.FromString(payload).record
    assert record.abridged and not record.details.fields
    assert len(payload) < len(record.canonical_json) + 1024  # the names once
    whole = audit.values_of(record)
    assert list(whole.details["resources"]) == shown and whole.details["resource_count"] == 50
    assert audit.values_of(audit.abridged(whole)) == whole  # (what the central trail stores, read back)
    assert audit.chain_hash(record.prev_hash, record.canonical_json) == record.hash


async def test_a_large_records_event_carries_its_values_once(db, clock) -> None:
    """A campaign's 10,000 named customers before and after: as Struct values and again in canonical_json the
    event would be ≈ 1.9 MB (over NATS's default 1 MB, so nothing after it would ever be published). The event
    leaves the Struct values out (``abridged``), the chain still verifies from it, and :func:`audit.values_of`
    gives back exactly what a small record's event carries. A small record's event is whole."""
    before = {"customers": [f"customers/{n:032x}" for n in range(10_000)]}
    after = {"customers": [f"customers/{n:032x}" for n in range(10_000, 20_000)]}
    async with db.transaction() as session:
        audit.record_change(
            session, service=SERVICE, actor=ADMIN, action="campaigns.update", resource="campaigns/k1",
            before=before, after=after, details={"revision": 2}, clock=clock,
        )  # fmt: skip
    await _write(db, clock, 1)
    assert await audit.AuditSealer(db, service=SERVICE, clock=clock).seal() == 2
    async with db.read() as session:
        payloads = list(await session.scalars(select(outbox_table.c.payload).order_by(outbox_table.c.seq)))
    large, small = (audit_pb2.AuditRecorded.FromString(p).record for p in payloads)
    assert large.abridged and not large.before.fields and not large.after.fields and not large.details.fields
    assert len(payloads[0]) < 1_000_000 < 2 * len(payloads[0])  # the values once, not twice
    assert audit.chain_hash(large.prev_hash, large.canonical_json) == large.hash
    whole = audit.values_of(large)
    assert not whole.abridged
    assert list(whole.before["customers"]) == before["customers"]
    assert list(whole.after["customers"]) == after["customers"] and dict(whole.details) == {"revision": 2}
    assert not small.abridged and dict(small.before) == {"phone": "13800000000"}
    assert audit.values_of(small) == small
