"""ScanService and IngestionService on a real gRPC server; scan at start; the CDC subject on real NATS."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import grpc
import nats
import pytest
from google.type import money_pb2
from kam.cdc.v1 import cdc_pb2
from kam.customer.v1 import customer_pb2, scan_pb2, scan_service_pb2, scan_service_pb2_grpc
from kam_customer.adapters.orm import TransactionRow
from kam_customer.bootstrap import build
from kam_customer.ingestion import cdc
from kam_customer.settings import DEFAULT_MAPPING, CustomerSettings
from kam_kit import auth, events
from kam_kit.clock import SYSTEM_CLOCK, ManualClock
from kam_kit.settings import ServiceSettings
from kam_kit.timeconv import to_timestamp
from sqlalchemy import select

ScanJob = scan_pb2.ScanJob
Txn = customer_pb2.Transaction


async def _app(database_url, token_secret, free_port, source, nats_url="nats://127.0.0.1:1"):
    settings = ServiceSettings.from_env(
        "customer",
        environ={
            "KAM_TOKEN_SECRET": token_secret,
            "KAM_CUSTOMER_DATABASE_URL": database_url,
            "KAM_CUSTOMER_GRPC_PORT": str(free_port()),
            "KAM_NATS_URL": nats_url,
        },
    )
    clock = ManualClock(datetime(2026, 7, 1, tzinfo=UTC))
    app = build(
        settings,
        clock,
        CustomerSettings(
            source_url=source, mapping_path=DEFAULT_MAPPING, scan_cron="0 3 * * *", scan_on_start=True
        ),
    )
    app.produces_events = False
    await app.start()
    app.test_clock = clock
    return app


def _md(secret: str, clock, *roles: str) -> tuple:
    token = auth.issue_token(
        auth.Identity(subject="users/u1", roles=roles), secret=secret, clock=clock, ttl=timedelta(hours=1)
    )
    return ((auth.METADATA_KEY, auth.bearer(token)),)


def _service_md(secret: str, clock, *permissions: str) -> tuple:
    token = auth.issue_service_token("core-banking", secret, clock=clock, permissions=permissions)
    return ((auth.METADATA_KEY, auth.bearer(token)),)


async def _wait_done(stub, name: str, md) -> ScanJob:
    for _ in range(400):
        job = (await stub.GetScanJob(scan_service_pb2.GetScanJobRequest(name=name), metadata=md)).scan_job
        if job.state in (ScanJob.STATE_SUCCEEDED, ScanJob.STATE_FAILED, ScanJob.STATE_CANCELLED):
            return job
        await asyncio.sleep(0.05)
    raise AssertionError("scan did not finish")


async def _start_scan(app) -> None:
    """Wait for the scan that starts by itself (KAM never scanned) to finish."""
    from kam_customer.scan.orm import ScanJobRow
    from sqlalchemy import select

    for _ in range(600):
        async with app.db.read() as session:
            states = (await session.scalars(select(ScanJobRow.state))).all()
        if states and all(s in ("SUCCEEDED", "FAILED") for s in states):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("no scan at start")


def _txn(txn_id: str, account: str, units: int = 100, *, message=cdc_pb2.SourceTransaction):
    return message(
        transaction_id=txn_id,
        account_number=account,
        direction=Txn.DIRECTION_DEBIT,
        amount=money_pb2.Money(currency_code="CNY", units=units),
        channel=Txn.CHANNEL_ATM,
        post_time=to_timestamp(datetime(2026, 6, 30, 23, 0, tzinfo=UTC)),
    )  # an hour before the clock


async def test_scan_service_and_ingestion(database_url, token_secret, free_port, source) -> None:
    app = await _app(database_url, token_secret, free_port, source)
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{app.grpc.port}")
    try:
        stub = scan_service_pb2_grpc.ScanServiceStub(channel)
        admin = _md(token_secret, app.test_clock, "roles/admin")
        # the first full scan ran by itself at start (KAM had never scanned)
        listed = await _start_scan(app)
        listed = (await stub.ListScanJobs(scan_service_pb2.ListScanJobsRequest(), metadata=admin)).scan_jobs
        assert [(j.mode, j.state) for j in listed] == [(ScanJob.MODE_FULL, ScanJob.STATE_SUCCEEDED)]
        first = listed[0]
        assert first.customers_selected >= 2 and first.as_of_date.year == 2026 and first.rows_per_second > 0
        # (how many bad rows are seen depends on which customers the default tier floors select)
        assert first.bad_rows >= 2 and {i.entity for i in first.issues} >= {"account", "individual"}

        app.test_clock.advance(timedelta(minutes=5))
        created = (
            await stub.CreateScanJob(scan_service_pb2.CreateScanJobRequest(request_id="r-1"), metadata=admin)
        ).scan_job
        assert created.state in (ScanJob.STATE_PENDING, ScanJob.STATE_RUNNING)
        again = (
            await stub.CreateScanJob(scan_service_pb2.CreateScanJobRequest(request_id="r-1"), metadata=admin)
        ).scan_job
        assert again.name == created.name
        done = await _wait_done(stub, created.name, admin)
        assert (done.mode, done.state, done.customers_changed) == (
            ScanJob.MODE_INCREMENTAL,
            ScanJob.STATE_SUCCEEDED,
            0,
        )
        page = await stub.ListScanJobs(
            scan_service_pb2.ListScanJobsRequest(page_size=1, filter="state = STATE_SUCCEEDED"),
            metadata=admin,
        )
        assert [j.name for j in page.scan_jobs] == [created.name] and page.next_page_token

        with pytest.raises(grpc.aio.AioRpcError) as denied:
            await stub.CreateScanJob(
                scan_service_pb2.CreateScanJobRequest(),
                metadata=_md(token_secret, app.test_clock, "roles/relationship_manager"),
            )
        assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
        with pytest.raises(grpc.aio.AioRpcError) as missing:
            await stub.GetScanJob(scan_service_pb2.GetScanJobRequest(name="scanJobs/nope"), metadata=admin)
        assert missing.value.code() == grpc.StatusCode.NOT_FOUND
        with pytest.raises(grpc.aio.AioRpcError) as bad:
            await stub.GetScanJob(scan_service_pb2.GetScanJobRequest(name="jobs/1"), metadata=admin)
        assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT

        ingestion = scan_service_pb2_grpc.IngestionServiceStub(channel)

        async def stream():
            yield scan_service_pb2.StreamTransactionsRequest(
                source_transactions=[_txn("P-1", "A1"), _txn("P-2", "NOPE")]
            )
            yield scan_service_pb2.StreamTransactionsRequest(
                source_transactions=[_txn("P-1", "A1"), _txn("", "A1")]
            )

        core = _service_md(token_secret, app.test_clock, "transactions.ingest")
        result = await ingestion.StreamTransactions(stream(), metadata=core)
        # Readable ones count as accepted whether KAM keeps the account (A1) or not (NOPE), new or repeated: the
        # answer does not tell which accounts KAM keeps.
        assert (result.accepted, result.ignored, result.duplicates, result.rejected) == (3, 0, 0, 1)
        assert "transaction_id" in result.errors[0]
        unary = await ingestion.IngestTransactions(
            scan_service_pb2.IngestTransactionsRequest(
                source_transactions=[_txn("P-1", "A1"), _txn("P-3", "A1")]
            ),
            metadata=core,
        )
        assert (unary.accepted, unary.duplicates) == (2, 0)
        # A sender still on the deprecated field (kam.customer.v1.SourceTransaction, the same bytes) is applied.
        deprecated = await ingestion.IngestTransactions(
            scan_service_pb2.IngestTransactionsRequest(
                transactions=[_txn("P-4", "A1", message=scan_pb2.SourceTransaction)],
                source_transactions=[_txn("P-5", "A1")],
            ),
            metadata=core,
        )
        assert (deprecated.accepted, deprecated.rejected) == (2, 0)
        async with app.db.read() as session:  # stored once each, on the kept account only
            stored = (
                await session.scalars(select(TransactionRow.id).where(TransactionRow.id.like("P-%")))
            ).all()
        assert sorted(stored) == ["P-1", "P-3", "P-4", "P-5"]
    finally:
        await channel.close()
        await app.stop()


async def test_cdc_subject_feeds_the_same_idempotent_path(
    database_url, token_secret, free_port, source, nats_url
) -> None:
    app = await _app(database_url, token_secret, free_port, source, nats_url)
    try:
        await _start_scan(app)
        txn_id = f"CDC-{uuid.uuid4().hex[:8]}"  # the broker is shared by the session's tests
        connection = await nats.connect(nats_url)
        js = connection.jetstream()
        # CDC tokens are checked at the broker's own timestamp of the message (wall time, not the test clock).
        core = auth.issue_service_token(
            "core-cdc", token_secret, clock=SYSTEM_CLOCK, permissions=("transactions.ingest",)
        )
        for _ in range(2):  # the same transaction twice: applied once
            await cdc.publish(js, _txn(txn_id, "A1", 300), clock=app.test_clock, token=core)
        # An adapter still sending the deprecated type (ce-type kam.customer.v1.SourceTransaction) is applied too.
        await cdc.publish(
            js,
            _txn(f"{txn_id}-old", "A1", 300, message=scan_pb2.SourceTransaction),
            clock=app.test_clock,
            token=core,
        )
        await connection.close()
        for _ in range(200):
            async with app.db.read() as session:
                row = await session.get(TransactionRow, txn_id)
                old = await session.get(TransactionRow, f"{txn_id}-old")
            if row is not None and old is not None:
                break
            await asyncio.sleep(0.05)
        assert row is not None and row.origin == "PUSH" and row.customer_id == "cp001"
        assert old is not None and old.origin == "PUSH"
        async with app.db.read() as session:
            from kam_kit.db import outbox_table
            from sqlalchemy import func, select

            posted = await session.scalar(
                select(func.count())
                .select_from(outbox_table)
                .where(
                    outbox_table.c.event_type == "kam.customer.v1.TransactionPosted",
                    outbox_table.c.headers["ce-subject"].as_string().like(f"%/transactions/{txn_id}"),
                )
            )
        assert posted == 1
    finally:
        await app.stop()


async def test_item1_cdc_messages_need_the_core_systems_token(
    database_url, token_secret, free_port, source, nats_url
) -> None:
    """Issue 11, item 1: the CDC subject is for the core system only. A message without a token, with a staff
    user's token (even an administrator's), or with a service token lacking transactions.ingest is parked, never
    applied; the parked copy keeps no token."""
    from kam_kit.db import parked_events_table

    app = await _app(database_url, token_secret, free_port, source, nats_url)
    try:
        await _start_scan(app)
        connection = await nats.connect(nats_url)
        js = connection.jetstream()
        run = uuid.uuid4().hex[:8]  # the broker is shared by the session's tests
        admin = auth.issue_token(
            auth.Identity(subject="users/admin", roles=("roles/admin",)),
            secret=token_secret,
            clock=SYSTEM_CLOCK,
            ttl=timedelta(hours=1),
        )
        reader = auth.issue_service_token(
            "reporting", token_secret, clock=SYSTEM_CLOCK
        )  # roles/service bundle
        forged = auth.issue_service_token(
            "core", "f" * 40, clock=SYSTEM_CLOCK, permissions=("transactions.ingest",)
        )
        core = auth.issue_service_token(
            "core", token_secret, clock=SYSTEM_CLOCK, permissions=("transactions.ingest",)
        )
        refused = {
            f"NOAUTH-{run}": None,
            f"USER-{run}": admin,
            f"READER-{run}": reader,
            f"FORGED-{run}": forged,
        }
        for txn_id, token in refused.items():
            txn = _txn(txn_id, "A1", 300)
            if token is None:  # published by hand, as anyone with access to the broker could
                headers = events.event_headers(
                    event_id=f"cdc-{txn_id}",
                    service=cdc.PRODUCER,
                    event_type=txn.DESCRIPTOR.full_name,
                    time=SYSTEM_CLOCK.now(),
                )
                await events.ensure_stream(js, cdc.PRODUCER)
                await js.publish(cdc.SUBJECT, txn.SerializeToString(), headers=headers, stream=cdc.STREAM)
            else:
                await cdc.publish(js, txn, clock=app.test_clock, token=token)
        await cdc.publish(js, _txn(f"CORE-{run}", "A1", 300), clock=app.test_clock, token=core)
        await connection.close()
        for _ in range(200):
            async with app.db.read() as session:
                applied = await session.get(TransactionRow, f"CORE-{run}")
                parked = (
                    await session.execute(
                        select(parked_events_table.c.event_id, parked_events_table.c.headers).where(
                            parked_events_table.c.event_id.like(f"cdc-%-{run}")
                        )
                    )
                ).all()
            if applied is not None and len(parked) == len(refused):
                break
            await asyncio.sleep(0.05)
        assert applied is not None
        assert sorted(event_id for event_id, _ in parked) == sorted(f"cdc-{txn_id}" for txn_id in refused)
        assert all("authorization" not in {key.lower() for key in headers} for _, headers in parked)
        async with app.db.read() as session:
            stored = (
                await session.scalars(select(TransactionRow.id).where(TransactionRow.id.in_(list(refused))))
            ).all()
        assert stored == []
    finally:
        await app.stop()


async def _account_opened(db) -> customer_pb2.Account:
    from kam.customer.v1 import events_pb2
    from kam_kit.db import outbox_table

    async with db.read() as session:
        payloads = (
            await session.scalars(
                select(outbox_table.c.payload).where(
                    outbox_table.c.event_type == "kam.customer.v1.AccountOpened"
                )
            )
        ).all()
    assert payloads
    return events_pb2.AccountOpened.FromString(payloads[0]).account


async def _get_account(app, token_secret: str, name: str) -> customer_pb2.Account:
    from kam.customer.v1 import customer_service_pb2, customer_service_pb2_grpc

    async with grpc.aio.insecure_channel(f"127.0.0.1:{app.grpc.port}") as channel:
        return (
            await customer_service_pb2_grpc.CustomerServiceStub(channel).GetAccount(
                customer_service_pb2.GetAccountRequest(name=name),
                metadata=_md(token_secret, app.test_clock, "roles/admin"),
                timeout=10,
            )
        ).account


async def test_a_cli_scan_names_accounts_as_the_service_does(
    database_url, token_secret, free_port, source
) -> None:
    """`kam-customer scan` derives the account-name secret from KAM_TOKEN_SECRET as the service does: the
    service started afterwards on the same database resolves the names the CLI's events carry."""
    import os
    import sys
    from pathlib import Path

    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "kam-customer"),
        "scan",
        "--full",
        "--source-url",
        source,
        "--database-url",
        database_url,
        env={**os.environ, "KAM_TOKEN_SECRET": token_secret},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0, (out + err).decode()
    app = await _app(database_url, token_secret, free_port, source)
    try:
        opened = await _account_opened(app.db)
        got = await _get_account(app, token_secret, opened.name)
        assert (got.name, got.account_number) == (opened.name, opened.account_number)
    finally:
        await app.stop()


async def test_the_cli_refuses_to_scan_without_the_token_secret(database_url, source) -> None:
    import os
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k != "KAM_TOKEN_SECRET"}
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "kam-customer"),
        "scan",
        "--source-url",
        source,
        "--database-url",
        database_url,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2 and "KAM_TOKEN_SECRET" in err.decode() and "Traceback" not in err.decode()


async def test_events_name_accounts_as_the_api_does(database_url, token_secret, free_port, source) -> None:
    """An AccountOpened event's account name resolves through GetAccount (the same opaque key)."""
    app = await _app(database_url, token_secret, free_port, source)
    try:
        await _start_scan(app)
        opened = await _account_opened(app.db)
        assert opened.account_number not in opened.name  # names never reveal account numbers
        got = await _get_account(app, token_secret, opened.name)
        assert (got.name, got.account_number) == (opened.name, opened.account_number)
    finally:
        await app.stop()
