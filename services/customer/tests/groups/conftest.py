"""A real customer service (gRPC) over a migrated database: an org tree, scanned corporates with a source
shareholding link, a scanned individual with an account and a scanned transaction."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from groups_testlib import ACCOUNT, OTHER_ACCOUNT, SCANNED, T0
from kam_customer.adapters.orm import AccountRow, CustomerRow, GroupLinkRow, OrgUnitRow, TransactionRow
from kam_customer.search.index import reindex
from kam_kit.clock import ManualClock


async def seed(db) -> None:
    async with db.transaction() as session:
        session.add_all(
            [
                OrgUnitRow(id="head", display_name="总行", parent_id=None, level="HEAD_OFFICE"),
                OrgUnitRow(id="sh", display_name="上海分行", parent_id="head", level="BRANCH"),
                OrgUnitRow(id="bj", display_name="北京分行", parent_id="head", level="BRANCH"),
            ]
        )
        for cid, kind, name, number, branch in SCANNED:
            session.add(
                CustomerRow(
                    id=cid,
                    type=kind,
                    display_name=name,
                    id_number=number,
                    phone="13812345678",
                    branch=f"orgUnits/{branch}",
                    relationship_manager="staff/rm1",
                    tier="",
                    key_customer=True,
                    source="CORE_BANKING",
                    source_id=cid.upper(),
                    version=1,
                    create_time=T0,
                    update_time=T0,
                )
            )
        session.add_all(
            [
                AccountRow(
                    id=ACCOUNT,
                    customer_id="c1",
                    type="DEMAND_DEPOSIT",
                    balance=Decimal(1000),
                    org_unit_id="sh",
                ),
                AccountRow(
                    id=OTHER_ACCOUNT,
                    customer_id="c1",
                    type="DEMAND_DEPOSIT",
                    balance=Decimal(5),
                    org_unit_id="sh",
                ),
                TransactionRow(
                    id="scanned-1",
                    account_id=ACCOUNT,
                    customer_id="c1",
                    direction="CREDIT",
                    amount=Decimal(80000),
                    channel="COUNTER",
                    counterparty="赵六",
                    summary="存入",
                    post_time=T0,
                    receive_time=T0,
                    origin="SCAN",
                ),
                GroupLinkRow(parent_id="g1", child_id="g2", shareholding_percent=Decimal("51.5")),
            ]
        )
        await reindex(session, [row[0] for row in SCANNED])


@pytest.fixture
async def api(start_customer_service):
    api = await start_customer_service(ManualClock(T0 + timedelta(days=30)))
    await seed(api.service.db)
    return api
