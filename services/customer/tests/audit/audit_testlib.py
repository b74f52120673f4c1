"""The audit tests' small bank (a uniquely named module: every test dir has its own conftest)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from kam_customer.adapters.orm import AccountRow, ContactRow, CustomerRow, OrgUnitRow, TransactionRow
from kam_customer.search.index import reindex

T0 = datetime(2026, 1, 1, tzinfo=UTC)
ACCOUNT = "6222020200001234"
PERSON_ID = "11010519491231002X"


async def seed(db) -> None:
    async with db.transaction() as session:
        session.add_all(
            [
                OrgUnitRow(id="head", display_name="总行", parent_id=None, level="HEAD_OFFICE"),
                OrgUnitRow(id="sh", display_name="上海分行", parent_id="head", level="BRANCH"),
            ]
        )
        for cid, kind, name, number, phone in [
            ("c1", "INDIVIDUAL", "王芳", PERSON_ID, "13812345678"),
            ("c2", "INDIVIDUAL", "王芳芳", "110105198001011234", "13900001111"),
            ("g1", "CORPORATE", "某某控股集团有限公司", "91350100M000100Y43", ""),
        ]:
            session.add(
                CustomerRow(
                    id=cid,
                    type=kind,
                    display_name=name,
                    id_number=number,
                    phone=phone,
                    branch="orgUnits/sh",
                    relationship_manager="staff/rm1",
                    tier="",
                    key_customer=True,
                    source="CORE_BANKING",
                    version=1,
                    create_time=T0,
                    update_time=T0,
                    address="上海市浦东新区世纪大道100号" if cid == "c1" else "",
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
                ContactRow(
                    id="k1",
                    customer_id="g1",
                    display_name="李强",
                    title="财务负责人",
                    phone="13900002222",
                    email="li@example.com",
                    origin="SCAN",
                    version=1,
                    create_time=T0,
                    update_time=T0,
                ),
                TransactionRow(
                    id="t1",
                    account_id=ACCOUNT,
                    customer_id="c1",
                    direction="DEBIT",
                    amount=Decimal(500),
                    channel="ATM",
                    counterparty="赵六",
                    summary="取现",
                    post_time=T0,
                    receive_time=T0,
                    origin="SCAN",
                ),
            ]
        )
        await reindex(session, ["c1", "c2", "g1"])
