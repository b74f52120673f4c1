"""Benchmark: one announcement to 10,000 people (issue 16: the fan-out into inboxes, inbox items/s).

Publishes an announcement to everyone with ``--users`` active users in the notice service's copy of the identity
service's users, as ``CreateAnnouncement`` does it (``AnnouncementService.create``: the audience matched against
the copy, one inbox item per person written with the announcement and its events, one live push for all of them),
on SQLite and, when it answers, PostgreSQL — beside the raw engine in the same run: the same number of inbox rows
inserted by one executemany of SQLAlchemy Core in one transaction, nothing else. Three rounds each; the best.

    uv run python tests/bench/bench_notice_fanout.py [--users 10000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import uuid
from datetime import UTC, datetime, timedelta

import scratch
from kam.notice.v1 import notice_pb2
from kam_kit import bulk, migrations
from kam_kit.auth import Identity
from kam_kit.clock import SYSTEM_CLOCK
from kam_kit.db import Database
from kam_kit.timeconv import to_timestamp
from kam_notice.adapters.orm import Base, NotificationRow, UserCopy
from kam_notice.bootstrap import MIGRATIONS
from kam_notice.service_layer.announcements import AnnouncementService
from kam_notice.service_layer.inbox import Inbox
from sqlalchemy import delete, func, select

PUBLISHER = Identity(
    subject="users/admin", roles=("roles/admin",), org_unit="orgUnits/0000", display_name="管理员"
)


async def _database(url: str, users: int) -> Database:
    await migrations.upgrade_async(url, MIGRATIONS, Base.metadata)
    db = Database(url)
    now = datetime.now(UTC)
    async with db.transaction() as session:
        await bulk.insert_rows(
            session,
            UserCopy.__table__,
            [
                {
                    "name": f"users/u{i:05d}",
                    "display_name": f"员工{i}",
                    "org_unit": f"orgUnits/{i % 50:04d}",
                    "roles": "roles/relationship_manager",
                    "staff_code": "",
                    "active": True,
                    "update_time": now,
                }
                for i in range(users)
            ],
        )
    return db


async def _publish(service: AnnouncementService) -> tuple[float, int]:
    announcement = notice_pb2.Announcement(
        title="全行年终决算通知",
        content="<p>请各网点做好年终决算准备。</p>",
        audience=notice_pb2.Audience(all_users=True),
        expire_time=to_timestamp(datetime.now(UTC) + timedelta(days=7)),
    )
    started = time.perf_counter()
    created = await service.create(PUBLISHER, announcement)
    return time.perf_counter() - started, int(created.audience_count)


async def _raw(db: Database, users: int) -> float:
    """The same rows by the engine alone: one executemany in one transaction."""
    now = datetime.now(UTC)
    source = uuid.uuid4().hex
    rows = [
        {
            "id": uuid.uuid4().hex,
            "user": f"users/u{i:05d}",
            "category": 3,
            "title": "公告：全行年终决算通知",
            "body": "",
            "subject": f"announcements/{source}",
            "importance": 1,
            "source_event": f"announcements/{source}",
            "create_time": now,
            "read_time": None,
        }
        for i in range(users)
    ]
    started = time.perf_counter()
    async with db.transaction() as session:
        await session.execute(NotificationRow.__table__.insert(), rows)
    return time.perf_counter() - started


async def measure(url: str, users: int, rounds: int) -> tuple[float, float]:
    """Inbox items/s of a publication to everyone, and of the raw engine (the best of ``rounds``)."""
    db = await _database(url, users)
    service = AnnouncementService(db, SYSTEM_CLOCK, b"p" * 32, Inbox(db, SYSTEM_CLOCK, b"p" * 32))
    best, raw_best = float("inf"), float("inf")
    for _ in range(rounds):
        seconds, audience = await _publish(service)
        assert audience == users, audience
        async with db.read() as session:
            assert await session.scalar(select(func.count()).select_from(NotificationRow)) == users
        best = min(best, seconds)
        async with db.transaction() as session:
            await session.execute(delete(NotificationRow))
        raw_best = min(raw_best, await _raw(db, users))
        async with db.transaction() as session:
            await session.execute(delete(NotificationRow))
    await db.dispose()
    return users / best, users / raw_best


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(
        f"# announcement fan-out benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {os.cpu_count()} cores, "
        f"{args.users:,} people in the audience, best of {args.rounds}"
    )
    print("| database | publish to everyone (inbox items/s) | raw engine insert (rows/s) | ratio |")
    print("|---|---|---|---|")
    async with scratch.sqlite("notice") as url:
        rate, raw = await measure(url, args.users, args.rounds)
        print(f"| SQLite | {rate:,.0f} | {raw:,.0f} | {rate / raw:.0%} |")
    missing = await scratch.postgres_available()
    if missing:
        print(f"| PostgreSQL | not measured: {missing} | | |")
        return
    async with scratch.postgres() as url:
        rate, raw = await measure(url, args.users, args.rounds)
        print(f"| PostgreSQL | {rate:,.0f} | {raw:,.0f} | {rate / raw:.0%} |")


if __name__ == "__main__":
    asyncio.run(main())
