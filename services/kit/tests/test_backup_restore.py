"""Backup and restore of a running service's database (kam_kit.backup through kam.api.v1.BackupService), on
SQLite and PostgreSQL, with a real JetStream server: a restore gives back exactly the backup's data, events
published after the backup are neither lost nor applied twice, and the audit trail survives intact."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from pathlib import Path

import grpc
import nats
import pytest
from kam.api.v1 import backup_pb2, backup_pb2_grpc
from kam.customer.v1 import customer_pb2, events_pb2
from kam.report.v1 import report_service_pb2, report_service_pb2_grpc
from kam_kit import audit, auth, events
from kam_kit.clock import SYSTEM_CLOCK
from kam_kit.db import Database
from kam_kit.runtime import ServiceApp
from kam_kit.settings import Secret, ServiceSettings
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select, update

metadata = MetaData()
applied = Table("applied", metadata, Column("id", Integer, primary_key=True), Column("name", String(64)))
notes = Table("notes", metadata, Column("key", String(16), primary_key=True), Column("text", String(64)))


class Reports(report_service_pb2_grpc.ReportServiceServicer):
    """An API of the service (declared, not built): refused while a restore pauses the service."""


async def _wait_for(predicate, timeout: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)


async def _names(db: Database) -> list[str]:
    async with db.read() as session:
        return sorted((await session.scalars(select(applied.c.name))).all())


async def _notes(db: Database) -> dict[str, str]:
    async with db.read() as session:
        return {row.key: row.text for row in await session.execute(select(notes))}


def _metadata(subject: str, role: str, secret: str) -> tuple:
    identity = auth.Identity(subject=subject, roles=(role,))
    token = auth.issue_token(identity, secret=secret, clock=SYSTEM_CLOCK, ttl=timedelta(minutes=10))
    return ((auth.METADATA_KEY, auth.bearer(token)),)


@pytest.fixture
async def running(database_url, nats_url, token_secret, tmp_path: Path):
    """A service (``b…``) consuming a producer's (``p…``) CustomerCreated events into ``applied`` by plain,
    non-idempotent inserts, so that an event applied twice shows as two rows."""
    service, producer = "b" + uuid.uuid4().hex[:8], "p" + uuid.uuid4().hex[:8]
    settings = ServiceSettings(
        service=service,
        grpc_host="127.0.0.1",
        grpc_port=0,
        database_url=database_url,
        nats_url=nats_url,
        token_secret=Secret(token_secret),
        shutdown_grace_seconds=0.5,
        outbox_poll_seconds=0.1,
        outbox_batch_size=100,
        consumer_max_deliver=5,
        backup_dir=str(tmp_path / "backups"),
    )
    versions = tmp_path / "versions"
    versions.mkdir()
    db = Database(database_url)
    app = ServiceApp(settings, db, metadata, versions, produces_events=False)
    app.serve(Reports())

    async def apply(session, event, meta) -> None:
        await session.execute(insert(applied).values(name=event.customer.display_name))

    app.consume(producer, {events_pb2.CustomerCreated: apply})
    await app.migrate()
    async with db.engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    await app.start()
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    await events.ensure_stream(js, producer)

    async def publish(name: str) -> None:
        headers = events.event_headers(
            event_id=str(uuid.uuid4()),
            service=producer,
            event_type="kam.customer.v1.CustomerCreated",
            time=SYSTEM_CLOCK.now(),
        )
        payload = events_pb2.CustomerCreated(customer=customer_pb2.Customer(display_name=name))
        await js.publish(
            events.subject_for(producer, events_pb2.CustomerCreated),
            payload.SerializeToString(),
            headers=headers,
        )

    md = _metadata("users/admin", "roles/admin", token_secret)
    assert app.grpc is not None
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{app.grpc.port}")
    yield app, db, publish, backup_pb2_grpc.BackupServiceStub(channel), md, channel
    await channel.close()
    await nc.close()
    await app.stop()


async def test_restore_gives_back_the_backup_and_replays_later_events_exactly_once(running, tmp_path) -> None:
    app, db, publish, stub, md, _ = running
    replaced: list[str] = []  # what a service derived from its database hears of a restore
    app.after_restore.append(lambda: replaced.append("restored"))
    async with db.transaction() as session:
        await session.execute(insert(notes).values(key="k", text="before the backup"))
    for name in ("a", "b", "c"):
        await publish(name)

    async def three() -> bool:
        return await _names(db) == ["a", "b", "c"]

    await _wait_for(three)

    taken = (
        await stub.CreateServiceBackup(backup_pb2.CreateServiceBackupRequest(backup_id="b-1"), metadata=md)
    ).backup
    assert taken.table_rows["applied"] == 3 and taken.table_rows["notes"] == 1
    assert len(taken.sha256) == 64 and taken.size_bytes > 0 and taken.creator == "users/admin"
    assert [p.consumer for p in taken.consumer_positions] == [app._event_consumers[0].name]
    assert taken.consumer_positions[0].known and taken.consumer_positions[0].stream_sequence == 3

    # After the backup: data changes, more events, an audit record.
    async with db.transaction() as session:
        await session.execute(update(notes).values(text="changed later"))
        await session.execute(insert(notes).values(key="new", text="added later"))
        audit.record_change(
            session,
            service=app.service,
            actor=None,
            action="notes.update",
            resource="notes/k",
            after={"x": 1},
        )
    for name in ("d", "e"):
        await publish(name)

    async def five() -> bool:
        return await _names(db) == ["a", "b", "c", "d", "e"]

    await _wait_for(five)

    plan = await _restore(stub, md, "b-1", validate_only=True)
    assert plan.ok and not plan.restored and list(plan.problems) == []
    assert (plan.current_rows["applied"], plan.backup_rows["applied"]) == (5, 3)
    assert await _names(db) == ["a", "b", "c", "d", "e"]  # a dry run changes nothing
    assert replaced == []

    done = await _restore(stub, md, "b-1")
    assert done.ok and done.restored and done.pre_restore_backup_id.startswith("b-1-pre-")
    assert replaced == ["restored"]
    # exactly the backup's data …
    assert await _notes(db) == {"k": "before the backup"}
    # … and the events after it applied again, each once, none missed
    await _wait_for(five)
    await asyncio.sleep(0.5)
    assert await _names(db) == ["a", "b", "c", "d", "e"]
    await publish("f")

    async def six() -> bool:
        return await _names(db) == ["a", "b", "c", "d", "e", "f"]

    await _wait_for(six)

    # the audit trail keeps what happened after the backup, and its chain is whole
    await _wait_for(lambda: _all_sealed(db))
    async with db.read() as session:
        actions = (await session.scalars(select(audit.audit_table.c.action))).all()
    assert "notes.update" in actions and "backup.restore" in actions and "backup.create" in actions
    assert await audit.verify_chain(db, service=app.service) is None

    listed = await stub.ListServiceBackups(backup_pb2.ListServiceBackupsRequest(), metadata=md)
    assert {(b.backup_id, b.pre_restore) for b in listed.backups} == {
        ("b-1", False),
        (done.pre_restore_backup_id, True),
    }
    # the pre-restore backup holds the state just before the restore: undoing is one more restore
    undo = await _restore(stub, md, done.pre_restore_backup_id)
    assert undo.restored
    assert await _notes(db) == {"k": "changed later", "new": "added later"}
    await _wait_for(six)
    await asyncio.sleep(0.5)
    assert await _names(db) == ["a", "b", "c", "d", "e", "f"]


async def _restore(stub, md, backup_id: str, *, validate_only: bool = False) -> backup_pb2.ServiceRestore:
    request = backup_pb2.RestoreServiceBackupRequest(backup_id=backup_id, validate_only=validate_only)
    return (await stub.RestoreServiceBackup(request, metadata=md)).restore


async def _all_sealed(db: Database) -> bool:
    async with db.read() as session:
        unsealed = await session.scalar(
            select(func.count()).select_from(audit.audit_table).where(audit.audit_table.c.sequence.is_(None))
        )
    return unsealed == 0


async def test_a_damaged_or_foreign_backup_is_refused_and_nothing_changes(running) -> None:
    app, db, _, stub, md, _ = running
    async with db.transaction() as session:
        await session.execute(insert(notes).values(key="k", text="kept"))
    taken = (
        await stub.CreateServiceBackup(backup_pb2.CreateServiceBackupRequest(backup_id="b-2"), metadata=md)
    ).backup
    path = Path(app.settings.backup_dir) / f"b-2{'.sqlite3' if db.is_sqlite else '.pgdump'}"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    async with db.transaction() as session:
        await session.execute(update(notes).values(text="current"))
    refused = await _restore(stub, md, "b-2")
    assert not refused.ok and not refused.restored and "SHA-256" in refused.problems[0]
    assert await _notes(db) == {"k": "current"}
    assert taken.sha256 != ""

    with pytest.raises(grpc.aio.AioRpcError) as missing:
        await stub.RestoreServiceBackup(backup_pb2.RestoreServiceBackupRequest(backup_id="nope"), metadata=md)
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.aio.AioRpcError) as bad:
        await stub.CreateServiceBackup(backup_pb2.CreateServiceBackupRequest(backup_id="../x"), metadata=md)
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(grpc.aio.AioRpcError) as twice:
        await stub.CreateServiceBackup(backup_pb2.CreateServiceBackupRequest(backup_id="b-2"), metadata=md)
    assert twice.value.code() == grpc.StatusCode.ALREADY_EXISTS

    await stub.DeleteServiceBackup(backup_pb2.DeleteServiceBackupRequest(backup_id="b-2"), metadata=md)
    assert not path.exists()
    listed = await stub.ListServiceBackups(backup_pb2.ListServiceBackupsRequest(), metadata=md)
    assert list(listed.backups) == []


async def test_only_the_backup_permission_may_and_a_paused_service_refuses_its_apis(
    running, token_secret
) -> None:
    app, _, _, stub, _, channel = running
    leader_md = _metadata("users/leader", "roles/head_office_leader", token_secret)
    with pytest.raises(grpc.aio.AioRpcError) as denied:
        await stub.ListServiceBackups(backup_pb2.ListServiceBackupsRequest(), metadata=leader_md)
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED

    reports = report_service_pb2_grpc.ReportServiceStub(channel)
    app.grpc.interceptor.paused = "restoring"
    try:
        with pytest.raises(grpc.aio.AioRpcError) as paused:
            await reports.GetCustomerStats(report_service_pb2.GetCustomerStatsRequest(), metadata=leader_md)
        assert paused.value.code() == grpc.StatusCode.UNAVAILABLE
    finally:
        app.grpc.interceptor.paused = ""
    with pytest.raises(grpc.aio.AioRpcError) as unbuilt:
        await reports.GetCustomerStats(report_service_pb2.GetCustomerStatsRequest(), metadata=leader_md)
    assert unbuilt.value.code() == grpc.StatusCode.UNIMPLEMENTED
