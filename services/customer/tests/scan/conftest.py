"""Fixtures of the scan tests: a tiny demo-schema source, a migrated KAM database, a scan helper."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from kam_customer.adapters.orm import (
    AccountRow,
    BalanceHistoryRow,
    Base,
    ContactRow,
    CreditProfileRow,
    CustomerMetricsRow,
    CustomerRow,
    GroupLinkRow,
    OrgUnitRow,
    StaffRow,
    TransactionRow,
)
from kam_customer.context import MIGRATIONS
from kam_customer.domain.names import AccountNames
from kam_customer.scan.jobs import ScanManager
from kam_customer.scan.mapping import load_mapping
from kam_customer.scan.runner import ScanRunner
from kam_customer.settings import DEFAULT_MAPPING
from kam_kit.clock import ManualClock
from kam_kit.db import Database, outbox_table
from kam_kit.migrations import upgrade_async
from kam_kit.timeconv import aware
from sqlalchemy import func, select, update

from . import tiny_source

FLOORS = {
    "INDIVIDUAL": {"aum": Decimal(80000)},
    "CORPORATE": {"aum": Decimal(20000000), "consolidated_aum": Decimal(20000000)},
}
BERKA_MAPPING = Path(DEFAULT_MAPPING).parent / "berka.toml"


async def gold_if_million(session, *, customer_ids, scan_id, clock):
    """A grading stand-in (keeps these tests independent of the tier rules): AUM ≥ 1,000,000 → gold."""
    rows = (
        await session.execute(
            select(CustomerMetricsRow.customer_id, CustomerMetricsRow.aum).where(
                CustomerMetricsRow.customer_id.in_(customer_ids)
            )
        )
    ).all()
    for customer_id, aum in rows:
        await session.execute(
            update(CustomerRow)
            .where(CustomerRow.id == customer_id)
            .values(tier="tiers/gold" if aum >= 1000000 else "")
        )

    class Summary:
        changed = 0

    return Summary()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 7, 1, 0, 0, tzinfo=UTC))


@pytest.fixture
async def source(tmp_path) -> str:
    """A SQLite file with the tiny source; returns the scan's (plain) URL."""
    path = tmp_path / "core.db"
    await tiny_source.write_source(f"sqlite+aiosqlite:///{path}", tiny_source.tiny())
    return f"sqlite:///{path}"


@pytest.fixture
async def scan_source(database_url, tmp_path):
    """(source URL, KAM database): the tiny demo source on the parametrized engine, KAM in SQLite beside it."""
    if database_url.startswith("postgresql"):
        await tiny_source.write_source(database_url, tiny_source.tiny(), bad_date=False)
        source = database_url.replace("+asyncpg", "")
    else:
        path = tmp_path / "core.db"
        await tiny_source.write_source(f"sqlite+aiosqlite:///{path}", tiny_source.tiny())
        source = f"sqlite:///{path}"
    db = await migrated(f"sqlite+aiosqlite:///{tmp_path / 'kam.db'}")
    yield source, db
    await db.dispose()


def async_url(source: str) -> str:
    """The async driver's URL of a (plain) source URL, to write into the source."""
    return source.replace("sqlite://", "sqlite+aiosqlite://").replace(
        "postgresql://", "postgresql+asyncpg://"
    )


async def migrated(url: str) -> Database:
    db = Database(url)
    await upgrade_async(url, MIGRATIONS, Base.metadata)
    return db


@pytest.fixture
async def kam(database_url):
    db = await migrated(database_url)
    yield db
    await db.dispose()


#: How these tests' scans name accounts (a service derives its secret from KAM_TOKEN_SECRET).
ACCOUNT_NAMES = AccountNames(b"scan-tests")


class Scanner:
    """Runs scans of one source into one KAM database and waits for them."""

    def __init__(
        self,
        db: Database,
        clock,
        source_url: str,
        mapping=DEFAULT_MAPPING,
        *,
        batch_size=2,
        floors=FLOORS,
        grade=gold_if_million,
        after_batch=None,
        key_date_lead_days=30,
        fx_rates=None,
    ) -> None:
        self.db, self.clock, self.source_url = db, clock, source_url
        self.fx_rates = fx_rates
        self.key_date_lead_days = key_date_lead_days
        self.mapping, self.batch_size, self.floors, self.grade = mapping, batch_size, floors, grade
        self.after_batch = after_batch

    def manager(self) -> ScanManager:
        def runner(mapping):
            return ScanRunner(
                self.db,
                self.clock,
                mapping,
                self.source_url,
                account_names=ACCOUNT_NAMES,
                batch_size=self.batch_size,
                floors=self.floors,
                grade=self.grade,
                after_batch=self.after_batch,
                key_date_lead_days=self.key_date_lead_days,
                fx_rates=self.fx_rates,
            )

        return ScanManager(
            self.db,
            self.clock,
            source_url=self.source_url,
            mapping_path=self.mapping,
            account_names=ACCOUNT_NAMES,
            runner_factory=runner,
        )

    async def run(self, mode: str | None = "FULL"):
        return await self.manager().run_to_end(mode=mode)


async def outbox_counts(db: Database) -> dict[str, int]:
    async with db.read() as session:
        rows = (
            await session.execute(
                select(outbox_table.c.event_type, func.count()).group_by(outbox_table.c.event_type)
            )
        ).all()
    return {t.rsplit(".", 1)[-1]: n for t, n in rows}


def issues_of(job) -> dict[tuple[str, str], dict]:
    return {(i["entity"], i["field"]): i for i in json.loads(job.issues)}


async def snapshot(db) -> dict:
    """KAM's scanned data and events (but ScanCompleted), comparable between two databases."""

    def norm(rows, drop=()):
        out = []
        for row in rows:
            values = {c.name: getattr(row, c.name) for c in row.__table__.columns if c.name not in drop}
            values = {k: aware(v) if isinstance(v, datetime) else v for k, v in values.items()}
            out.append(tuple(sorted((k, str(v)) for k, v in values.items())))
        return sorted(out)

    async with db.read() as session:
        snap = {
            "customers": norm(
                (await session.scalars(select(CustomerRow))).all(), ("create_time", "update_time")
            ),
            "metrics": norm((await session.scalars(select(CustomerMetricsRow))).all(), ("scan_id",)),
            "accounts": norm((await session.scalars(select(AccountRow))).all()),
            "history": norm((await session.scalars(select(BalanceHistoryRow))).all()),
            "transactions": norm((await session.scalars(select(TransactionRow))).all(), ("receive_time",)),
            "contacts": norm(
                (await session.scalars(select(ContactRow))).all(), ("create_time", "update_time")
            ),
            "links": norm((await session.scalars(select(GroupLinkRow))).all()),
            "credit": norm((await session.scalars(select(CreditProfileRow))).all(), ("assess_time",)),
            "org_units": norm((await session.scalars(select(OrgUnitRow))).all()),
            "staff": norm((await session.scalars(select(StaffRow))).all()),
        }
        events = (await session.execute(select(outbox_table.c.event_type, outbox_table.c.headers))).all()
    snap["events"] = sorted(
        (t, h.get("ce-subject", "")) for t, h in events if not t.endswith("ScanCompleted")
    )
    return snap


assert load_mapping(BERKA_MAPPING)  # the shipped mappings are valid
