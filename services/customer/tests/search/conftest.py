"""A small bank for search tests: org tree, customers, accounts, indexed through ``reindex``; ``bank`` is the
database alone, ``api`` a real customer service (gRPC) over it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from kam_customer.adapters.orm import AccountRow, Base, CustomerRow, OrgUnitRow
from kam_customer.context import MIGRATIONS
from kam_customer.search.index import reindex
from kam_devkit.testing import migrated_database
from kam_kit.clock import ManualClock

NOW = datetime(2026, 1, 1, tzinfo=UTC)

ORG = [("head", None), ("sh", "head"), ("sh-pd", "sh"), ("bj", "head")]

#: id, type, name, id number, phone, branch, rm, tier, key, accounts
CUSTOMERS = [
    (
        "c-zhang",
        "INDIVIDUAL",
        "张伟",
        "11010519491231002X",
        "13812345678",
        "sh-pd",
        "staff/rm1",
        "tiers/diamond",
        True,
        ["6222020200001234"],
    ),
    (
        "c-zhang3",
        "INDIVIDUAL",
        "张伟",
        "110105198001011234",
        "13900001111",
        "bj",
        "staff/rm2",
        "",
        False,
        ["6222020200009999"],
    ),
    (
        "c-zhangm",
        "INDIVIDUAL",
        "张伟明",
        "320102197505055678",
        "13700002222",
        "bj",
        "staff/rm2",
        "",
        True,
        [],
    ),
    ("c-shan", "INDIVIDUAL", "单伟", "440103199002023456", "13600003333", "bj", "staff/rm2", "", False, []),
    (
        "c-corp",
        "CORPORATE",
        "福建某某科技有限公司",
        "91350100M000100Y43",
        "",
        "bj",
        "staff/rm2",
        "tiers/core",
        True,
        ["3501000012345678901"],
    ),
]


async def seed(db) -> None:
    async with db.transaction() as session:
        session.add_all(
            OrgUnitRow(id=unit, display_name=unit, parent_id=parent, level="BRANCH") for unit, parent in ORG
        )
        for cid, kind, name, id_number, phone, branch, rm, tier, key, accounts in CUSTOMERS:
            session.add(
                CustomerRow(
                    id=cid,
                    type=kind,
                    display_name=name,
                    id_number=id_number,
                    phone=phone,
                    branch=f"orgUnits/{branch}",
                    relationship_manager=rm,
                    tier=tier,
                    key_customer=key,
                    source="CORE_BANKING",
                    version=1,
                    create_time=NOW,
                    update_time=NOW,
                )
            )
            session.add_all(
                AccountRow(id=number, customer_id=cid, type="DEMAND_DEPOSIT") for number in accounts
            )
        await reindex(session, [c[0] for c in CUSTOMERS])


@pytest.fixture
async def bank(database_url):
    async with migrated_database(database_url, MIGRATIONS, Base.metadata) as db:
        await seed(db)
        yield db


@pytest.fixture
async def api(start_customer_service):
    """The customer service (gRPC) over the small bank: ``api.client``, ``api.md(*roles, …)``."""
    api = await start_customer_service(ManualClock(NOW))
    await seed(api.service.db)
    return api
