"""The demo's campaign (``KAM_DEMO_MODE``): 「2026年末理财冲刺」, head office's wealth-product cross-selling drive in
北京分行 (every customer of the branch without a wealth product), launched once the first scan has filled the
service's copy of the branch's customers (their number stable for a while) and 张经理 is known by his staff code,
so that his customers are his targets; then two of his contacts logged, so the funnel is not empty. Made once (its
request id), whatever the restarts."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from google.type import date_pb2, money_pb2
from kam.customer.v1 import customer_pb2
from kam.task.v1 import task_pb2
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.errors import KamError
from kam_kit.timeconv import to_timestamp
from sqlalchemy import func, select

from kam_task.adapters.orm import CampaignRow, CustomerCopy, UserCopy
from kam_task.service_layer.campaigns import BANK_TZ, CampaignService

log = logging.getLogger(__name__)
REQUEST_ID = "demo-campaign-2026-year-end"
HQ = Identity(
    subject="users/hq_leader",
    display_name="总行领导",
    roles=("roles/head_office_leader",),
    org_unit="orgUnits/0000",
)
RM = Identity(
    subject="users/rm_zhang",
    display_name="张经理",
    roles=("roles/relationship_manager",),
    org_unit="orgUnits/0101",
    staff_code="E000010",
)
BRANCH = "orgUnits/0100"
#: how often the copy is looked at, and for how many looks its count must stay the same
POLL_SECONDS, STABLE_LOOKS = 5.0, 3


async def seed_demo_campaign(db: Database, campaigns: CampaignService, clock: Clock) -> None:
    async with db.read() as session:
        if await session.scalar(select(CampaignRow.id).where(CampaignRow.request_id == REQUEST_ID)):
            return
    last, stable = -1, 0
    while stable < STABLE_LOOKS:
        await asyncio.sleep(POLL_SECONDS)
        async with db.read() as session:
            count = await session.scalar(select(func.count()).select_from(CustomerCopy)) or 0
            rm = await session.get(UserCopy, RM.subject)
            mine = await session.scalar(
                select(func.count())
                .select_from(CustomerCopy)
                .where(CustomerCopy.relationship_manager == f"staff/{RM.staff_code}")
            )
        ready = count > 0 and rm is not None and rm.staff_code == RM.staff_code and bool(mine)
        stable = stable + 1 if ready and count == last else 0
        last = count
    today = clock.now().astimezone(BANK_TZ).date()
    end = today + timedelta(days=30)
    plan = task_pb2.Campaign(
        display_name="2026年末理财冲刺",
        description="年末资金到期高峰，向北京分行尚未持有理财产品的重点客户推介稳健型理财。",
        script="您好，我是您的客户经理。年末有一笔稳健型理财产品，期限灵活、风险等级 R2，想为您介绍一下……",
        product_type=customer_pb2.Account.TYPE_WEALTH,
        measure=task_pb2.Campaign.MEASURE_AMOUNT,
        target_amount=money_pb2.Money(currency_code="CNY", units=50_000_000),
        org_units=[BRANCH],
        start_date=date_pb2.Date(year=today.year, month=today.month, day=today.day),
        end_date=date_pb2.Date(year=end.year, month=end.month, day=end.day),
        segment=task_pb2.CampaignSegment(lacks=[customer_pb2.Account.TYPE_WEALTH]),
        holdout_percent=10,
    )
    try:
        draft = await campaigns.create(HQ, plan, request_id=REQUEST_ID)
        launched = await campaigns.launch(HQ, draft.name, etag=draft.etag)
        targets, _ = await campaigns.list_targets(
            RM, launched.name, {"relationship_manager": RM.subject}, offset=0, limit=2
        )
        A = task_pb2.CampaignActivity
        for target, outcome in zip(targets, (A.OUTCOME_INTERESTED, A.OUTCOME_CONTACTED), strict=False):
            activity = A(
                customer=target.customer,
                outcome=outcome,
                channel=A.CHANNEL_CALL,
                notes="电话沟通，客户愿意了解产品详情。"
                if outcome == A.OUTCOME_INTERESTED
                else "已电话联系。",
                occur_time=to_timestamp(clock.now()),
            )
            await campaigns.record(RM, launched.name, activity)
    except KamError:
        log.exception("demo campaign not made")
