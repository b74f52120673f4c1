"""A real customer service (gRPC) over a migrated database seeded directly with 360 data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from kam_customer.adapters.orm import (
    AccountRow,
    BalanceHistoryRow,
    ContactRow,
    CreditProfileRow,
    CustomerMetricsRow,
    CustomerRow,
    GroupLinkRow,
    InteractionRow,
    OrgUnitRow,
    StaffRow,
    TransactionRow,
)
from kam_customer.search.index import reindex
from kam_kit.clock import ManualClock

T0 = datetime(2026, 1, 1, tzinfo=UTC)
ACCOUNT = "6222020200001234"


async def seed(db) -> None:
    async with db.transaction() as session:
        session.add_all(
            [
                OrgUnitRow(id="head", display_name="总行", parent_id=None, level="HEAD_OFFICE"),
                OrgUnitRow(id="sh", display_name="上海分行", parent_id="head", level="BRANCH"),
                OrgUnitRow(id="bj", display_name="北京分行", parent_id="head", level="BRANCH"),
                StaffRow(id="rm1", display_name="张经理", org_unit_id="sh", position="RM"),
            ]
        )
        for cid, kind, name, number, branch in [
            ("c1", "INDIVIDUAL", "王芳", "11010519491231002X", "sh"),
            ("g1", "CORPORATE", "某某控股集团有限公司", "91350100M000100Y43", "sh"),
            ("g2", "CORPORATE", "某某科技有限公司", "91110000100000000X", "bj"),
        ]:
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
                    product="DMD01",
                    product_display_name="活期储蓄",
                    balance=Decimal("1500000.50"),
                    org_unit_id="sh",
                    open_date=date(2020, 5, 1),
                ),
                AccountRow(
                    id="6222020200005555",
                    customer_id="c1",
                    type="TIME_DEPOSIT",
                    product="TD3Y",
                    product_display_name="三年期整存整取",
                    balance=Decimal(3000000),
                    org_unit_id="sh",
                    open_date=date(2023, 1, 1),
                    maturity_date=date(2026, 1, 1),
                ),
                BalanceHistoryRow(account_id=ACCOUNT, day=date(2025, 12, 30), balance=Decimal(1000000)),
                BalanceHistoryRow(account_id=ACCOUNT, day=date(2025, 12, 31), balance=Decimal("1500000.50")),
                ContactRow(
                    id="k-scan",
                    customer_id="c1",
                    display_name="李强",
                    title="配偶",
                    phone="13900001111",
                    origin="SCAN",
                    version=1,
                    create_time=T0,
                    update_time=T0,
                ),
                InteractionRow(
                    id="i-old",
                    customer_id="c1",
                    type="VISIT",
                    summary="上门拜访",
                    occur_time=T0,
                    author="users/rm1",
                    create_time=T0,
                ),
                GroupLinkRow(parent_id="g1", child_id="g2", shareholding_percent=Decimal(51)),
                CreditProfileRow(
                    customer_id="c1",
                    rating="AA",
                    credit_limit=Decimal(1000000),
                    credit_used=Decimal(200000),
                    overdue_count=0,
                    overdue_amount=Decimal(0),
                    assess_time=T0,
                ),
                CustomerMetricsRow(
                    customer_id="c1",
                    as_of=date(2025, 12, 31),
                    aum=Decimal(4500000),
                    loan_balance=Decimal(0),
                    tenure_months=68,
                ),
            ]
        )
        for n, (direction, amount, channel) in enumerate(
            [("DEBIT", "500", "ATM"), ("CREDIT", "80000", "COUNTER"), ("DEBIT", "120000", "ONLINE")]
        ):
            session.add(
                TransactionRow(
                    id=f"t{n}",
                    account_id=ACCOUNT,
                    customer_id="c1",
                    direction=direction,
                    amount=Decimal(amount),
                    channel=channel,
                    counterparty="赵六",
                    summary="摘要",
                    post_time=T0 + timedelta(days=n),
                    receive_time=T0 + timedelta(days=n),
                    origin="SCAN",
                )
            )
        await reindex(session, ["c1", "g1", "g2"])


@pytest.fixture
async def api(start_customer_service):
    api = await start_customer_service(ManualClock())
    await seed(api.service.db)
    return api
