"""A small bank for the data-scope and bad-input tests (issue 11): two branches, a customer of each with every
kind of sub-resource, and the demo roles (a uniquely named module: every test dir has its own conftest).

Org tree: 0000 总行 → 0100 北京分行 → 0101 北京东城支行; 0000 → 0200 上海分行. ``rm_zhang`` works in 0101 and
the branch manager in 0100, so the ``IN`` customers (branch 0101) are in their scope and the ``OUT`` ones (branch
0200, another manager) are not. Head office, compliance and administrators see both.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from customer_testlib import call_metadata
from kam_customer.adapters.orm import (
    AccountRow,
    ContactRow,
    CreditProfileRow,
    CustomerGroupMemberRow,
    CustomerGroupRow,
    CustomerMetricsRow,
    CustomerRow,
    GroupLinkRow,
    InteractionRow,
    OrgUnitRow,
    StaffRow,
    TransactionRow,
)
from kam_customer.search.index import reindex
from kam_customer.tiering import engine
from kam_customer.tiering.orm import TierOverrideRow
from kam_kit.clock import ManualClock

T0 = datetime(2026, 6, 1, tzinfo=UTC)


class Side:
    """Ids and personal data of one side (IN or OUT) of the bank."""

    def __init__(
        self,
        tag: str,
        branch: str,
        manager: str,
        person: str,
        person_id: str,
        phone: str,
        company: str,
        legal_rep: str,
        account: str,
        contact: str,
        contact_phone: str,
    ) -> None:
        self.tag, self.branch, self.manager = tag, branch, manager
        self.customer, self.corporate = f"c-{tag}", f"g-{tag}"
        self.person, self.person_id, self.phone = person, person_id, phone
        self.company, self.legal_rep = company, legal_rep
        self.account, self.contact, self.contact_phone = account, f"k-{tag}", contact_phone
        self.contact_name = contact
        self.override = f"o-{tag}"
        self.group = f"grp-{tag}"

    @property
    def customer_name(self) -> str:
        return f"customers/{self.customer}"

    def secrets(self, account_names) -> list[str]:
        """Values that must never appear in an answer to a caller who may not see this side."""
        return [
            self.customer,
            self.corporate,
            self.person,
            self.person_id,
            self.phone,
            self.company,
            self.legal_rep,
            self.account,
            account_names.key(self.account),
            self.contact_name,
            self.contact_phone,
        ]


IN = Side(
    "in",
    "orgUnits/0101",
    "staff/rm_zhang",
    "张伟",
    "11010519491231002X",
    "13812345678",
    "北京某某科技有限公司",
    "赵六",
    "6222020200001234",
    "李强",
    "13900002222",
)
OUT = Side(
    "out",
    "orgUnits/0200",
    "staff/rm_li",
    "王芳",
    "310101198001011237",
    "13911113333",
    "上海某某控股集团有限公司",
    "钱七",
    "6222020200009876",
    "孙丽",
    "13700004444",
)
#: Nothing: ids of the same shapes that exist nowhere (an out-of-scope target must answer exactly like these).
NONE = Side(
    "none",
    "orgUnits/9999",
    "staff/nobody",
    "无此人",
    "110101199001010012",
    "13600000000",
    "无此公司",
    "无",
    "6222020200000000",
    "无",
    "13600000001",
)

#: The demo roles (README) and the internal systems, as the gateway's demo users and service tokens carry them.
CALLERS = {
    "admin": {"roles": ("roles/admin",), "org_unit": "orgUnits/0000"},
    "hq_leader": {"roles": ("roles/head_office_leader",), "org_unit": "orgUnits/0000"},
    "compliance": {"roles": ("roles/compliance",), "org_unit": "orgUnits/0000"},
    "branch_manager": {"roles": ("roles/branch_manager",), "org_unit": "orgUnits/0100"},
    "rm_zhang": {"roles": ("roles/relationship_manager",), "org_unit": "orgUnits/0101"},
    "service": {"kind": "service", "roles": ("roles/service",)},
    "core_banking": {"kind": "service", "permissions": ("transactions.ingest",)},
}
SCOPED = ("branch_manager", "rm_zhang")


def metadata(caller: str, secret: str, clock: ManualClock) -> tuple:
    spec = dict(CALLERS[caller])
    roles = spec.pop("roles", ())
    subject = f"{'services' if spec.get('kind') == 'service' else 'users'}/{caller}"
    return call_metadata(secret, clock, *roles, subject=subject, request_id=f"req-{caller}", **spec)


async def seed(db, clock) -> None:
    """The bank: org tree, staff, customers with accounts, transactions, contacts, timeline, credit, metrics and
    tiers (graded by the real engine), a group link across the branches and a manual tier on the OUT customer."""
    async with db.transaction() as session:
        session.add_all(
            [
                OrgUnitRow(id="0000", display_name="总行", parent_id=None, level="HEAD_OFFICE"),
                OrgUnitRow(id="0100", display_name="北京分行", parent_id="0000", level="BRANCH"),
                OrgUnitRow(id="0101", display_name="北京东城支行", parent_id="0100", level="SUB_BRANCH"),
                OrgUnitRow(id="0200", display_name="上海分行", parent_id="0000", level="BRANCH"),
                StaffRow(id="rm_zhang", display_name="张经理", org_unit_id="0101", position="客户经理"),
                StaffRow(id="rm_li", display_name="李经理", org_unit_id="0200", position="客户经理"),
            ]
        )
        for side, aum, corporate_aum in ((IN, "3000000", "40000000"), (OUT, "7000000", "150000000")):
            session.add_all(
                [
                    CustomerRow(
                        id=side.customer,
                        type="INDIVIDUAL",
                        display_name=side.person,
                        id_number=side.person_id,
                        phone=side.phone,
                        email=f"{side.tag}@example.com",
                        address="上海市浦东新区世纪大道100号",
                        branch=side.branch,
                        relationship_manager=side.manager,
                        key_customer=True,
                        source="CORE_BANKING",
                        version=1,
                        create_time=T0,
                        update_time=T0,
                        birth_date=date(1980, 1, 1),
                    ),
                    CustomerRow(
                        id=side.corporate,
                        type="CORPORATE",
                        display_name=side.company,
                        id_number="91350100M000100Y43" if side is IN else "91310000MA1FL0XX3K",
                        phone="021-12345678",
                        legal_representative=side.legal_rep,
                        branch=side.branch,
                        relationship_manager=side.manager,
                        key_customer=True,
                        source="CORE_BANKING",
                        version=1,
                        create_time=T0,
                        update_time=T0,
                    ),
                    AccountRow(
                        id=side.account,
                        customer_id=side.customer,
                        type="DEMAND_DEPOSIT",
                        product="DMD01",
                        product_display_name="活期储蓄",
                        balance=Decimal(aum),
                        org_unit_id=side.branch[-4:],
                        open_date=date(2020, 5, 1),
                        balance_update_time=T0,
                    ),
                    TransactionRow(
                        id=f"t-{side.tag}",
                        account_id=side.account,
                        customer_id=side.customer,
                        direction="DEBIT",
                        amount=Decimal(500),
                        channel="ATM",
                        counterparty=side.contact_name,
                        summary="取现",
                        post_time=T0,
                        receive_time=T0,
                        origin="SCAN",
                    ),
                    ContactRow(
                        id=side.contact,
                        customer_id=side.customer,
                        display_name=side.contact_name,
                        title="配偶",
                        phone=side.contact_phone,
                        email=f"k-{side.tag}@example.com",
                        id_number=side.person_id,
                        birth_date=date(1982, 2, 2),
                        origin="MANUAL",
                        version=1,
                        create_time=T0,
                        update_time=T0,
                    ),
                    InteractionRow(
                        id=f"i-{side.tag}",
                        customer_id=side.customer,
                        type="VISIT",
                        summary="上门拜访",
                        occur_time=T0,
                        author="users/rm",
                        create_time=T0,
                    ),
                    CreditProfileRow(
                        customer_id=side.customer,
                        rating="AA",
                        credit_limit=Decimal(1000000),
                        credit_used=Decimal(100000),
                        assess_time=T0,
                        factors="[]",
                    ),
                    CustomerMetricsRow(customer_id=side.customer, as_of=date(2026, 5, 31), aum=Decimal(aum)),
                    CustomerMetricsRow(
                        customer_id=side.corporate,
                        as_of=date(2026, 5, 31),
                        aum=Decimal(corporate_aum),
                        consolidated_aum=Decimal(corporate_aum),
                    ),
                ]
            )
        session.add(
            GroupLinkRow(parent_id=OUT.corporate, child_id=IN.corporate, shareholding_percent=Decimal(51))
        )
        for side in (IN, OUT):  # a KAM corporate group of each side's company alone
            session.add_all(
                [
                    CustomerGroupRow(
                        id=side.group,
                        display_name=f"{side.company}集团",
                        relationship_manager=side.manager,
                        version=1,
                        create_time=T0,
                        update_time=T0,
                    ),
                    CustomerGroupMemberRow(
                        customer_id=side.corporate, group_id=side.group, position=0, role="PARENT"
                    ),
                ]
            )
        await session.flush()
        await engine.grade_customers(session, customer_ids=None, scan_id="seed", clock=clock)
        for side in (IN, OUT):
            session.add(
                TierOverrideRow(
                    id=side.override,
                    customer_id=side.customer,
                    tier="tiers/private-banking",
                    reason="总行特批",
                    actor="users/admin",
                    create_time=T0,
                    expire_time=T0 + timedelta(days=90),
                    open_key="open",
                )
            )
        await reindex(session, [side.customer for side in (IN, OUT)] + [side.corporate for side in (IN, OUT)])
