"""Two alert replicas share the customer stream by partition; one is killed mid-stream; nothing is lost or doubled.

The customers' transactions (ordinary traffic with large cash withdrawals and structuring runs injected) are
published as the customer service publishes them, each on its customer's partition. Two ``kam-alert serve``
processes share one database and split the partitions between them (kam_kit.partitions); one is killed with
SIGKILL halfway through. The survivor takes its partitions over, and the alerts stored must be exactly those of the
same events applied one by one in a single process: the same alerts for the same customers, each with the same
occurrences and transactions — none lost, none raised twice, no window broken.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import json
import random
import uuid
from datetime import UTC, datetime, timedelta

import nats
import pytest
from kam.customer.v1 import customer_pb2
from kam.customer.v1 import events_pb2 as customer_events
from kam_alert.adapters.orm import AlertRow, AlertRuleRow, Base
from kam_alert.bootstrap import MIGRATIONS
from kam_alert.domain.rules import TRANSACTION_KINDS, money
from kam_alert.service_layer.monitor import Monitor
from kam_alert.service_layer.rules import RuleService
from kam_alert.service_layer.watch import on_customer_changed
from kam_devkit import procs
from kam_kit import events, migrations
from kam_kit.clock import ManualClock
from kam_kit.db import Database, leases_table, processed_events_table
from kam_kit.events import EventMeta
from kam_kit.timeconv import aware, to_timestamp
from sqlalchemy import func, select

pytestmark = pytest.mark.e2e

CUSTOMERS = 160
GROUP = "alert-customer"
META = EventMeta(
    event_id="e", event_type="", source="kam/customer", time="", subject="", resource="", delivery=1
)
Tx = customer_pb2.Transaction


def _customer(i: int) -> customer_pb2.Customer:
    return customer_pb2.Customer(
        name=f"customers/r{i}",
        type=customer_pb2.Customer.TYPE_CORPORATE if i % 10 == 0 else customer_pb2.Customer.TYPE_INDIVIDUAL,
        display_name=f"客户{i}",
        relationship_manager="users/rm",
        branch="orgUnits/0101",
        tier="tiers/gold",
    )


def _traffic(start: datetime) -> list[customer_events.TransactionPosted]:
    """A few hours of transactions, in time order: ordinary ones for everybody; a large cash withdrawal for every
    fifth customer (and a second one later the same day for some), a structuring run (six withdrawals of 9,000
    within two hours) for every fourth."""
    rng = random.Random(7)
    rows: list[tuple[datetime, str, int, bool]] = []
    for i in range(CUSTOMERS):
        name = f"customers/r{i}"
        for _ in range(6):
            rows.append(
                (start + timedelta(minutes=rng.randrange(240)), name, rng.randrange(100, 3_000), False)
            )
        if i % 5 == 0:
            at = start + timedelta(minutes=rng.randrange(200))
            rows.append((at, name, 60_000, True))
            if i % 15 == 0:
                rows.append((at + timedelta(minutes=20), name, 55_000, True))
        if i % 4 == 0:
            first = start + timedelta(minutes=rng.randrange(100))
            rows.extend((first + timedelta(minutes=15 * k), name, 9_000, True) for k in range(6))
    rows.sort(key=lambda r: (r[0], r[1]))
    seq = itertools.count()
    return [
        customer_events.TransactionPosted(
            transaction=Tx(
                name=f"{name}/accounts/a{len(name) % 2}/transactions/t{next(seq)}",
                direction=Tx.DIRECTION_DEBIT,
                amount=money(amount),
                post_time=to_timestamp(at),
                cash=cash,
            ),
            tier="tiers/gold",
            branch="orgUnits/0101",
            relationship_manager="users/rm",
        )
        for at, name, amount, cash in rows
    ]


async def _prepare(url: str, clock: ManualClock) -> Database:
    """The alert database with the shipped rules and the key customers watched."""
    await migrations.upgrade_async(url, MIGRATIONS, Base.metadata)
    db = Database(url)
    await RuleService(db, clock).install_shipped()
    async with db.transaction() as session:
        for i in range(CUSTOMERS):
            await on_customer_changed(session, customer_events.CustomerCreated(customer=_customer(i)), META)
    return db


async def _alerts(db: Database) -> dict[tuple[str, str, str], tuple[int, list[str]]]:
    """The transaction rules' alerts: (rule's name, customer, window key) → (occurrences, transactions). Rules are
    named by their display names: each database gave its shipped rules ids of its own."""
    async with db.read() as session:
        names = dict((await session.execute(select(AlertRuleRow.id, AlertRuleRow.display_name))).all())
        rows = await session.scalars(select(AlertRow).where(AlertRow.kind.in_(TRANSACTION_KINDS)))
        return {
            (names[r.rule_id], r.customer, r.alert_key.replace(r.rule_id, names[r.rule_id])): (
                r.occurrence_count,
                sorted(json.loads(r.transactions)),
            )
            for r in rows
        }


async def _count(db: Database, statement) -> int:
    async with db.read() as session:
        return int(await session.scalar(statement) or 0)


async def _publish(js, traffic: list[customer_events.TransactionPosted], start: datetime) -> dict[str, int]:
    """Publishes as the customer service does, on each customer's partition; returns the event ids' partitions."""
    kind = customer_events.TransactionPosted.DESCRIPTOR.full_name
    acks, partitions = [], {}
    for event in traffic:
        resource = event.transaction.name
        event_id, partition = str(uuid.uuid4()), events.partition_for(resource)
        assert partition is not None
        partitions[event_id] = partition
        acks.append(
            await js.publish_async(
                events.subject_for("customer", event, partition),
                event.SerializeToString(),
                headers=events.event_headers(
                    event_id=event_id, service="customer", event_type=kind, time=start, subject=resource
                ),
            )
        )
    await asyncio.gather(*acks)
    return partitions


def _held(log: str) -> set[int]:
    """The partitions a replica said it held last (its log's JSON lines)."""
    lines = [json.loads(line) for line in log.splitlines() if '"partitions held"' in line]
    return set([line for line in lines if line.get("group") == GROUP][-1]["partitions"])


async def _until(check, timeout: float, what: str) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not within {timeout:.0f} s: {what}")
        await asyncio.sleep(0.25)


async def test_two_replicas_share_the_partitions_and_one_killed_mid_stream_loses_and_doubles_nothing(
    kam_processes, service_databases, tmp_path
) -> None:
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=5)
    traffic = _traffic(start)
    assert len({e.transaction.name for e in traffic}) == len(traffic)

    # what one process applying the events one by one raises
    reference = await _prepare(f"sqlite+aiosqlite:///{tmp_path / 'reference.db'}", ManualClock(start))
    monitor = Monitor(ManualClock(start))
    for event in traffic:
        async with reference.transaction() as session:
            await monitor.on_transactions_posted(session, [(event, META)])
    expected = await _alerts(reference)
    await reference.dispose()
    assert len({customer for _, customer, _ in expected}) >= CUSTOMERS // 3  # large ones and structuring both

    url = service_databases.get("alert") or f"sqlite+aiosqlite:///{tmp_path / 'alert.db'}"
    db = await _prepare(url, ManualClock(start))
    kam = kam_processes("alert", database_urls={"alert": url})
    second = procs.free_port()
    spec = kam.spec("alert")
    kam.supervisor.start_many(
        [
            dataclasses.replace(
                spec,
                name="alert-b",
                env={**spec.env, "KAM_ALERT_GRPC_PORT": str(second), "KAM_ALERT_ADDR": f"127.0.0.1:{second}"},
                ready=procs.GrpcHealthProbe(f"127.0.0.1:{second}"),
            )
        ]
    )
    t = leases_table

    async def split() -> bool:
        now = datetime.now(UTC)
        async with db.read() as session:
            rows = (
                await session.execute(select(t.c.owner, t.c.expire_time).where(t.c.name.like(f"{GROUP}/p%")))
            ).all()
        owners = [o for o, until in rows if aware(until) > now]
        return len(owners) == events.PARTITIONS and sorted(owners.count(o) for o in set(owners)) == [8, 8]

    try:
        await _until(split, 60, "the two replicas hold eight partitions each")
        processed = (
            select(func.count())
            .select_from(processed_events_table)
            .where(processed_events_table.c.consumer == GROUP)
        )
        nc = await nats.connect(kam.nats_url)
        js = nc.jetstream()
        half = len(traffic) // 2
        killed = _held(kam.log_text("alert"))
        assert len(killed) == 8
        partitions = await _publish(js, traffic[:half], start)
        of_killed = [event_id for event_id, partition in partitions.items() if partition in killed]
        applied = processed.where(processed_events_table.c.event_id.in_(of_killed))

        async def some_applied() -> bool:  # by the replica about to be killed, of its own partitions
            return await _count(db, applied) >= len(of_killed) // 4

        await _until(some_applied, 60, "the replica to be killed applies events of its partitions")
        await asyncio.to_thread(kam.kill, "alert")  # SIGKILL: in the middle of its fetches
        await _publish(js, traffic[half:], start)

        async def all_applied() -> bool:
            return await _count(db, processed) >= len(traffic)

        # its leases run out, the survivor claims its partitions, and its unacknowledged events come back
        await _until(all_applied, 150, f"all {len(traffic)} events applied")
        await nc.close()
        assert await _count(db, processed) == len(traffic)
        assert _held(kam.log_text("alert-b")) == set(range(events.PARTITIONS))  # it took the others over
        got = await _alerts(db)
        assert set(got) == set(expected), {
            "missing": sorted(set(expected) - set(got))[:5],
            "extra": sorted(set(got) - set(expected))[:5],
        }
        assert got == expected
    finally:
        await db.dispose()
