"""Campaigns (营销计划) as head office and branches run them: planned as a draft over a customer segment, launched —
the target list fixed, the hold-out drawn, each customer to their relationship manager, quotas distributed, a task
to each relationship manager with targets — worked through activities (营销详细信息), and measured against quota
and against the hold-out from the bank's own data (accounts of the product opened inside the period).

Who sees a campaign: its creator, head office and compliance, and everyone in or above its executing units. Who
sees a target (and counts it in any figure): whoever's data scope takes in the customer (the branch), the
relationship manager it is assigned to, and the customer's own manager. Out of reach is ``NOT_FOUND`` and left out
of every list and aggregate.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from google.protobuf import json_format
from google.type import date_pb2
from kam.customer.v1 import customer_pb2
from kam.push.v1 import push_pb2
from kam.task.v1 import events_pb2, task_pb2
from kam_kit import directory, etags, orgtree, outbox
from kam_kit.audit import AuditTrail
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.db import Database, earlier_request
from kam_kit.errors import Aborted, FailedPrecondition, InvalidArgument, NotFound, PermissionDenied, Validator
from kam_kit.events import EventMeta
from kam_kit.filtering import COMPARISONS, boolean, one_of, resource_name, timestamp
from kam_kit.permissions import BRANCH_MANAGER, HEAD_OFFICE_LEADER, RELATIONSHIP_MANAGER
from kam_kit.protoconv import date_value, timestamp_value
from kam_kit.scope import ORG_PREFIX, DataScope, descendants
from kam_kit.timeconv import aware, to_timestamp
from sqlalchemy import ColumnElement, delete, exists, func, insert, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_task.adapters.campaign_map import activity_proto, cny, date_proto, target_proto
from kam_task.adapters.orm import (
    AccountCopy,
    CampaignActivityRow,
    CampaignAttributionRow,
    CampaignBaselineRow,
    CampaignRevisionRow,
    CampaignRow,
    CampaignTargetRow,
    OrgUnitCopy,
    UserCopy,
)
from kam_task.domain import campaigns as rules
from kam_task.domain import tasks as task_rules
from kam_task.service_layer.campaign_reach import (
    ancestors,
    attributed_amount,
    opened_rate,
    org_tree,
    quota_value,
    reach_quota,
    reaches,
    sees,
    tallies,
    target_reach,
    target_value,
)
from kam_task.service_layer.customers import public_name
from kam_task.service_layer.segments import (
    PRODUCT_TYPES,
    check_unit,
    checked_segment,
    manager_map,
    matching,
    money_field,
)
from kam_task.service_layer.tasks import Person, TaskService

Campaign = task_pb2.Campaign
Target = task_pb2.CampaignTarget
Activity = task_pb2.CampaignActivity
Account = customer_pb2.Account
SERVICE = "task"
BANK_TZ = ZoneInfo("Asia/Shanghai")
#: a campaign's tasks are due at the end of its last day
DUE_AT = time(18, 0)
MAX_TEXT, MAX_SCRIPT = 5000, 5000
MAX_ASSIGN = 1000
#: target rows written per transaction at launch
LAUNCH_CHUNK = 5000
#: UpdateCampaign's writable fields
WRITABLE = (
    "display_name",
    "description",
    "script",
    "products",
    "org_units",
    "start_date",
    "end_date",
    "target_amount",
    "target_count",
    "product_type",
    "measure",
    "segment",
    "holdout_percent",
    "quotas",
)
_MEASURES = {v for k, v in Campaign.Measure.items() if k != "MEASURE_UNSPECIFIED"}
_STATES = {n for n in Campaign.State.keys() if n != "STATE_UNSPECIFIED"}  # noqa: SIM118 (an enum wrapper)


def campaign_id(name: str, field: str = "name") -> str:
    prefix, _, rest = name.partition("/")
    if prefix != "campaigns" or not rest or "/" in rest or len(rest) > 32:
        raise InvalidArgument.for_field(field, "应为 campaigns/{营销活动} (campaigns/{campaign})")
    return rest


CAMPAIGN_FILTERS: dict[str, Callable[[str], object]] = {
    "state": one_of(_STATES),
    "creator": resource_name("users/"),
}
TARGET_FILTERS: dict[str, Callable[[str], object]] = {
    "relationship_manager": lambda v: v if v == "" else resource_name("users/")(v),
    "branch": resource_name(ORG_PREFIX),
    "stage": one_of(n for n in Target.Stage.keys() if n != "STAGE_UNSPECIFIED"),  # noqa: SIM118
    "holdout": boolean,
    "tier": resource_name("tiers/"),
}
ACTIVITY_FILTERS: dict[str, Callable[[str], object]] = {
    "customer": resource_name("customers/"),
    "staff": resource_name("users/"),
    "org_unit": resource_name(ORG_PREFIX),
    "outcome": one_of(n for n in Activity.Outcome.keys() if n != "OUTCOME_UNSPECIFIED"),  # noqa: SIM118
    "occur_time": timestamp,
}


class CampaignService:
    def __init__(self, db: Database, clock: Clock, tasks: TaskService) -> None:
        self.db = db
        self.clock = clock
        self.tasks = tasks
        self.events = outbox.Recorder(SERVICE, clock)
        self.audit = AuditTrail(SERVICE, clock)

    # --- planning -----------------------------------------------------------------------------------------------

    async def create(self, identity: Identity | None, message: Campaign, *, request_id: str = "") -> Campaign:
        now = self.clock.now()
        v = Validator()
        v.request_id(request_id)
        async with self.db.transaction() as session:
            earlier = await earlier_request(session, CampaignRow, request_id)
            if earlier is not None:
                return await self._to_proto(session, identity, earlier)
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            row = CampaignRow(
                id=uuid.uuid4().hex,
                state=rules.DRAFT,
                creator=_who(identity),
                creator_display_name=identity.display_name if identity else "",
                creator_org_unit=identity.org_unit if identity else "",
                target_customer_count=0,
                holdout_customer_count=0,
                revision=1,
                version=1,
                create_time=now,
                update_time=now,
                request_id=request_id or None,
            )
            await self._apply(session, v, identity, scope, row, message, list(WRITABLE))
            session.add(row)
            campaign = await self._to_proto(session, identity, row)
            self.audit.change(
                session,
                actor=identity,
                action="campaigns.create",
                resource=campaign.name,
                after=_snapshot(row),
            )
            return campaign

    async def update(
        self, identity: Identity | None, message: Campaign, paths: list[str], *, etag: str
    ) -> Campaign:
        cid = campaign_id(message.name, "campaign.name")
        v = Validator()
        for path in paths:
            v.check(path in WRITABLE, "update_mask", f"不可修改 {path} (not updatable)")
        v.raise_if_any()
        async with self.db.transaction() as session:
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            row = await self._directed(session, identity, scope, cid, "update", etag)
            if row.state == rules.ACTIVE:
                for path in paths:
                    v.check(
                        path in rules.ACTIVE_WRITABLE,
                        "update_mask",
                        f"活动已启动，不能修改 {path} (not changeable once launched)",
                    )
                v.raise_if_any()
            before = _snapshot(row)
            await self._apply(session, v, identity, scope, row, message, paths)
            after = _snapshot(row)
            changes = [(k, _shown(before[k]), _shown(after[k])) for k in after if before[k] != after[k]]
            if not changes:
                return await self._to_proto(session, identity, row)
            now = self.clock.now()
            row.update_time, row.version = now, row.version + 1
            if row.state == rules.ACTIVE:  # edits after launch are versioned
                row.revision += 1
                session.add(
                    CampaignRevisionRow(
                        campaign_id=row.id,
                        revision=row.revision,
                        editor=_who(identity),
                        time=now,
                        changes=json.dumps(changes, ensure_ascii=False),
                    )
                )
            self.audit.change(
                session,
                actor=identity,
                action="campaigns.update",
                resource=f"campaigns/{row.id}",
                before={k: b for k, b, _ in changes},
                after={k: a for k, _, a in changes},
            )
            return await self._to_proto(session, identity, row)

    async def _apply(
        self,
        session: AsyncSession,
        v: Validator,
        identity: Identity | None,
        scope: DataScope,
        row: CampaignRow,
        message: Campaign,
        paths: list[str],
    ) -> None:
        """Check and copy the fields named by ``paths`` from ``message`` to ``row``; every bad field named at once."""
        field = "campaign."
        if "display_name" in paths:
            task_rules.check_text(v, message.display_name, field + "display_name", 200, required=True)
            row.display_name = message.display_name.strip()
        if "description" in paths:
            task_rules.check_text(v, message.description, field + "description", MAX_TEXT)
            row.description = message.description.strip()
        if "script" in paths:
            task_rules.check_text(v, message.script, field + "script", MAX_SCRIPT)
            row.script = message.script.strip()
        if "products" in paths:
            v.check(
                all(0 < len(p) <= 64 for p in message.products) and len(message.products) <= 20,
                field + "products",
                "每个产品代码 1–64 字符，最多 20 个 (1–64 characters each, at most 20)",
            )
            row.products = " ".join(message.products)
        if "product_type" in paths and v.check(
            message.product_type in PRODUCT_TYPES,
            field + "product_type",
            "未知的产品：应为理财、基金、定期、信用卡、贷款或活期 (unknown product)",
        ):
            row.product_type = Account.Type.Name(message.product_type)
        if "measure" in paths:
            measure = message.measure or Campaign.MEASURE_AMOUNT
            if v.check(measure in _MEASURES, field + "measure", "未知的目标口径 (unknown measure)"):
                row.measure = Campaign.Measure.Name(measure)
        if "target_amount" in paths:
            amount = money_field(v, message, "target_amount", field + "target_amount")
            row.target_amount = amount if amount is not None else Decimal(0)
        if "target_count" in paths:
            v.check(
                0 <= message.target_count <= 100_000_000, field + "target_count", "超出范围 (out of range)"
            )
            row.target_count = message.target_count
        if "holdout_percent" in paths:
            v.check(
                0 <= message.holdout_percent <= rules.MAX_HOLDOUT,
                field + "holdout_percent",
                f"应在 0–{rules.MAX_HOLDOUT} 之间 (0 to {rules.MAX_HOLDOUT})",
            )
            row.holdout_percent = message.holdout_percent
        if "org_units" in paths:
            units = list(dict.fromkeys(message.org_units))
            if v.check(bool(units), field + "org_units", "必填：执行机构 (required)"):
                for i, unit in enumerate(units):
                    await check_unit(session, v, scope, unit, f"{field}org_units[{i}]")
            row.org_units = " ".join(units)
        if "start_date" in paths or "end_date" in paths:
            start = (
                _date(v, message.start_date, field + "start_date")
                if "start_date" in paths
                else row.start_date
            )
            end = _date(v, message.end_date, field + "end_date") if "end_date" in paths else row.end_date
            today = self.clock.now().astimezone(BANK_TZ).date()
            if start is not None and end is not None:
                v.check(end >= start, field + "end_date", "结束日期不能早于开始日期 (before the start date)")
                v.check(end >= today, field + "end_date", "结束日期已过 (already past)")
                v.check(
                    end <= start + timedelta(days=3 * 366),
                    field + "end_date",
                    "最长三年 (at most three years)",
                )
                row.start_date, row.end_date = start, end
        if "segment" in paths:
            row.segment = json.dumps(
                await checked_segment(session, v, message.segment, field + "segment"), ensure_ascii=False
            )
        if "quotas" in paths:
            row.quotas = json.dumps(_quotas(v, message.quotas, row), ensure_ascii=False)
        v.raise_if_any()
        # the whole campaign must hold together, whatever was changed
        if row.measure == rules.AMOUNT:
            v.check(
                row.target_amount > 0,
                field + "target_amount",
                "按金额考核时必填且大于 0 (required for an amount)",
            )
        else:
            v.check(
                row.target_count > 0, field + "target_count", "按户数/账户数考核时必填且大于 0 (required)"
            )
        quotas = json.loads(row.quotas or "[]")
        units = set(row.org_units.split())
        for i, quota in enumerate(quotas):
            who = quota["assignee"]
            v.check(
                who in units or (who.startswith("users/") and row.state == rules.ACTIVE),
                f"{field}quotas[{i}].assignee",
                "应为执行机构之一（客户经理的指标在启动后分配） (an executing unit; relationship managers' quotas "
                "after launch)",
            )
        unit_total = sum(quota_value(q, row.measure) for q in quotas if q["assignee"] in units)
        target = target_value(row)
        v.check(
            unit_total <= target,
            field + "quotas",
            f"各机构指标之和 {unit_total} 超过活动目标 {target} (the units' quotas exceed the target)",
        )
        if units and all(any(q["assignee"] == u for q in quotas) for u in units):
            v.check(
                unit_total == target,
                field + "quotas",
                f"各机构指标之和 {unit_total} 应等于活动目标 {target} (the units' quotas must sum to the target)",
            )
        v.raise_if_any()

    # --- reads --------------------------------------------------------------------------------------------------

    async def get(self, identity: Identity | None, name: str, *, full: bool = True) -> Campaign:
        """The campaign; without ``full`` its segment's customer names are left out (CAMPAIGN_VIEW_BASIC)."""
        async with self.db.read() as session:
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            row = await self._visible(session, identity, scope, campaign_id(name))
            return await self._to_proto(session, identity, row, full=full)

    async def list(
        self,
        identity: Identity | None,
        filters: dict[str, object],
        *,
        order_by: str,
        offset: int,
        limit: int,
        full: bool = False,
    ) -> tuple[list[Campaign], int]:
        """A page of the campaigns the caller sees; with ``full`` their segments' customer names too
        (CAMPAIGN_VIEW_FULL: up to 10,000 a campaign)."""
        conditions: list[ColumnElement[bool]] = []
        if "state" in filters:
            conditions.append(CampaignRow.state == filters["state"])
        if "creator" in filters:
            conditions.append(CampaignRow.creator == _me(identity, str(filters["creator"])))
        order = {
            "": [CampaignRow.start_date.desc()],
            "start_date": [CampaignRow.start_date],
            "start_date desc": [CampaignRow.start_date.desc()],
            "create_time": [CampaignRow.create_time],
            "create_time desc": [CampaignRow.create_time.desc()],
        }.get(" ".join(order_by.split()))
        if order is None:
            raise InvalidArgument.for_field(
                "order_by",
                "支持 start_date、create_time，可加 desc (start_date or create_time, optionally desc)",
            )
        async with self.db.read() as session:
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            tree = await org_tree(session)
            rows = await session.scalars(
                select(CampaignRow).where(*conditions).order_by(*order, CampaignRow.id)
            )
            visible = [r for r in rows if sees(identity, scope, r, tree)]
            page = visible[offset : offset + limit]
            return [await self._to_proto(session, identity, r, tree, full=full) for r in page], len(visible)

    async def preview(
        self, identity: Identity | None, message: Campaign, sample_size: int
    ) -> tuple[int, int, list[task_pb2.CampaignQuota], list[Target]]:
        v = Validator()
        size = min(max(sample_size or 20, 1), 100)
        async with self.db.read() as session:
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            units = list(dict.fromkeys(message.org_units))
            if v.check(bool(units), "campaign.org_units", "必填：执行机构 (required)"):
                for i, unit in enumerate(units):
                    await check_unit(session, v, scope, unit, f"campaign.org_units[{i}]")
            segment = await checked_segment(session, v, message.segment, "campaign.segment")
            v.check(
                0 <= message.holdout_percent <= rules.MAX_HOLDOUT,
                "campaign.holdout_percent",
                f"应在 0–{rules.MAX_HOLDOUT} 之间 (0 to {rules.MAX_HOLDOUT})",
            )
            v.raise_if_any()
            tree = await org_tree(session)
            matches = await matching(session, units, segment, tree)
            draw = message.name.removeprefix("campaigns/") or "preview"
            per_unit: dict[str, int] = defaultdict(int)
            held = 0
            for customer, unit in matches:
                per_unit[unit] += 1
                held += rules.held_out(draw, customer.customer, message.holdout_percent)
            names = await _unit_names(session, units)
            quotas = [
                task_pb2.CampaignQuota(
                    assignee=u, target_customer_count=per_unit.get(u, 0), display_name=names.get(u, "")
                )
                for u in units
            ]
            ranked = sorted(matches, key=lambda m: (-m[0].aum, m[0].customer))[:size]
            sample = [
                target_proto(
                    draw,
                    CampaignTargetRow(
                        customer=c.customer,
                        display_name=public_name(c),
                        tier=c.tier,
                        branch=c.branch,
                        relationship_manager="",
                        aum=c.aum,
                        holdout=False,
                        stage=rules.NOT_CONTACTED,
                        converted_amount=Decimal(0),
                        attributed_count=0,
                    ),
                    {},
                )
                for c, _ in ranked
            ]
            return len(matches), held, quotas, sample

    # --- launch and close ---------------------------------------------------------------------------------------

    async def launch(self, identity: Identity | None, name: str, *, etag: str) -> Campaign:
        """Launch in three steps, so that a 100,000-customer list never holds the database's writer for long (on
        SQLite, activities on other campaigns go on meanwhile): (1) read — the segment selected, managers resolved,
        the hold-out drawn, nothing locked; (2) the target rows written in chunks, each its own short transaction,
        while the campaign is still a draft (a draft's targets are read by nobody; a launch that dies here leaves
        rows the next launch replaces); (3) one transaction that checks the campaign is still the draft read in (1)
        — else ``ABORTED`` and the rows go — and makes it active with its quotas, attributions, tasks and event."""
        cid = campaign_id(name)
        async with self.db.read() as session:
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            row = await self._directed(session, identity, scope, cid, "launch", etag)
            version = row.version
            tree = await org_tree(session)
            matches = await matching(session, row.org_units.split(), json.loads(row.segment or "{}"), tree)
            if not matches:
                raise FailedPrecondition(
                    "目标客户为空：请调整客户范围或执行机构 (the segment targets nobody)",
                    reason="CAMPAIGN_NO_TARGETS",
                )
            people = {
                u.name: u for u in await session.scalars(select(UserCopy).where(UserCopy.active.is_(True)))
            }
            managers = manager_map(people)
            targets: list[dict[str, Any]] = []
            for start in range(0, len(matches), LAUNCH_CHUNK):  # other calls run between the slices
                chunk = matches[start : start + LAUNCH_CHUNK]
                targets += [self._target_row(row, customer, unit, managers) for customer, unit in chunk]
                await asyncio.sleep(0)
            quotas = self._distribute(row, targets, people)
            _check_quota_room(row, targets)
        await self._clear_targets(cid)
        for start in range(0, len(targets), LAUNCH_CHUNK):
            async with self.db.transaction() as session:
                await session.execute(
                    CampaignTargetRow.__table__.insert(), targets[start : start + LAUNCH_CHUNK]
                )
            await asyncio.sleep(0.005)  # a writer waiting (SQLite has one) goes between two chunks
        now = self.clock.now()
        try:
            async with self.db.transaction() as session:
                row = await session.get(CampaignRow, cid)
                if row is None or row.version != version or row.state != rules.DRAFT:
                    raise Aborted(
                        "营销活动在启动时被修改，请刷新后重试 (the campaign changed while launching; reload and retry)",
                        reason="CAMPAIGN_CHANGED",
                    )
                row.quotas = json.dumps(quotas, ensure_ascii=False)
                row.target_customer_count = len(targets)
                row.holdout_customer_count = sum(t["holdout"] for t in targets)
                row.state, row.launch_time, row.update_time, row.version = rules.ACTIVE, now, now, version + 1
                await self._attribute_existing(session, row)
                await self._keep_baselines(session, row)
                await self._launch_tasks(session, identity, row, targets, people)
                # the event without figures: a launch has none yet, and counting 100,000 rows would hold the writer
                campaign = await self._to_proto(session, identity, row, tree, progress=False)
                self.events.record(
                    session, events_pb2.CampaignLaunched(campaign=campaign), resource=campaign.name
                )
                self.audit.change(
                    session,
                    actor=identity,
                    action="campaigns.launch",
                    resource=campaign.name,
                    before={"state": rules.DRAFT},
                    after={"state": rules.ACTIVE, "target_customer_count": row.target_customer_count},
                )
        except Aborted:
            await self._clear_targets(cid)
            raise
        return await self.get(identity, name)  # with its figures, read after the commit

    async def _clear_targets(self, cid: str) -> None:
        """A draft's target rows (left by a launch that did not finish), in chunks."""
        while True:
            async with self.db.transaction() as session:
                found = list(
                    await session.scalars(
                        select(CampaignTargetRow.customer)
                        .where(CampaignTargetRow.campaign_id == cid)
                        .limit(LAUNCH_CHUNK)
                    )
                )
                if not found:
                    return
                await session.execute(
                    delete(CampaignTargetRow).where(
                        CampaignTargetRow.campaign_id == cid, CampaignTargetRow.customer.in_(found)
                    )
                )

    @staticmethod
    def _target_row(row: CampaignRow, customer: Any, unit: str, managers: dict[str, str]) -> dict[str, Any]:
        holdout = rules.held_out(row.id, customer.customer, row.holdout_percent)
        return {
            "campaign_id": row.id,
            "customer": customer.customer,
            "display_name": public_name(customer),
            "tier": customer.tier,
            "branch": customer.branch,
            "unit": unit,
            "customer_manager": customer.relationship_manager,
            "relationship_manager": "" if holdout else managers.get(customer.relationship_manager, ""),
            "aum": customer.aum,
            "holdout": holdout,
            "stage": rules.NOT_CONTACTED,
            "converted_amount": Decimal(0),
            "attributed_count": 0,
            "attributed_amount": Decimal(0),
            "last_activity_time": None,
        }

    def _distribute(
        self, row: CampaignRow, targets: list[dict[str, Any]], people: dict[str, Any]
    ) -> list[dict]:
        """The quotas at launch: the units' given ones kept, the rest of the target split over the other units by
        their targets (not held out); then each unit's quota split over its relationship managers the same way."""
        measure, units = row.measure, row.org_units.split()
        given = {q["assignee"]: q for q in json.loads(row.quotas or "[]") if q["assignee"] in units}
        step: Decimal | int = rules.CENT if measure == rules.AMOUNT else 1
        per_unit: dict[str, int] = dict.fromkeys(units, 0)
        per_unit_rm: dict[str, dict[str, int]] = {u: defaultdict(int) for u in units}
        for t in targets:  # one pass: the worked targets per unit, and per manager within it
            if not t["holdout"]:
                per_unit[t["unit"]] += 1
                if t["relationship_manager"]:
                    per_unit_rm[t["unit"]][t["relationship_manager"]] += 1
        left = target_value(row) - sum(quota_value(q, measure) for q in given.values())
        shares = rules.split(left, {u: n for u, n in per_unit.items() if u not in given}, unit=step)
        quotas: list[dict] = []
        for unit in units:
            value = quota_value(given[unit], measure) if unit in given else shares.get(unit, 0)
            quotas.append(_quota(unit, value, measure, per_unit[unit]))
            per_rm = per_unit_rm[unit]
            assigned = sum(per_rm.values())
            if not assigned:
                continue
            # the managers' part of the unit's quota is in proportion to the targets they were given
            part = (
                Decimal(value) * assigned / max(per_unit[unit], 1)
                if measure == rules.AMOUNT
                else (int(value) * assigned // max(per_unit[unit], 1))
            )
            for rm, value_rm in rules.split(part, per_rm, unit=step).items():
                quotas.append(_quota(rm, value_rm, measure, per_rm[rm]))
        return quotas

    async def _attribute_existing(self, session: AsyncSession, row: CampaignRow) -> None:
        """Accounts of the product the targets opened inside the period before the launch count too."""
        accounts = await session.scalars(
            select(AccountCopy).where(
                AccountCopy.type == row.product_type.removeprefix("TYPE_"),
                AccountCopy.open_date >= row.start_date,
                AccountCopy.open_date <= row.end_date,
                exists().where(
                    CampaignTargetRow.campaign_id == row.id,
                    CampaignTargetRow.customer == AccountCopy.customer,
                ),
            )
        )
        for account in list(accounts):
            await self._attribute(session, row, account)

    async def _launch_tasks(
        self,
        session: AsyncSession,
        identity: Identity | None,
        row: CampaignRow,
        targets: list[dict[str, Any]],
        people: dict[str, Any],
    ) -> None:
        """A task to each relationship manager with targets, and to each executing unit's branch managers where
        targets wait for a manager; due at the end of the campaign's last day."""
        due = datetime.combine(row.end_date, DUE_AT, BANK_TZ)
        now = self.clock.now()
        if due <= now:
            due = now + timedelta(days=1)
        per_rm: dict[str, int] = defaultdict(int)
        waiting: dict[str, int] = defaultdict(int)
        for t in targets:
            if t["holdout"]:
                continue
            if t["relationship_manager"]:
                per_rm[t["relationship_manager"]] += 1
            else:
                waiting[t["unit"]] += 1
        origin = f"campaigns/{row.id}"
        for made, (rm, count) in enumerate(sorted(per_rm.items()), 1):
            user = people[rm]
            task = task_pb2.Task(
                title=f"营销活动：{row.display_name}（{count} 户目标客户）",
                purpose="营销执行",
                description=row.script or row.description,
                priority=task_pb2.PRIORITY_HIGH,
                campaign=origin,
            )
            await self.tasks.add_in(
                session, identity, task, Person(rm, user.display_name, user.org_unit), due, origin=origin
            )
            if made % 25 == 0:  # hundreds of tasks: written a few at a time, other calls run in between
                await session.flush()
                await asyncio.sleep(0)
        for unit, count in sorted(waiting.items()):
            for manager in await directory.holders(session, UserCopy, [BRANCH_MANAGER], [unit]):
                user = people[manager]
                task = task_pb2.Task(
                    title=f"分配营销目标客户：{row.display_name}（{count} 户待分配）",
                    purpose="营销分配",
                    description="这些目标客户没有可用的客户经理，请在营销执行中分配给本机构的客户经理。",
                    priority=task_pb2.PRIORITY_HIGH,
                    campaign=origin,
                )
                await self.tasks.add_in(
                    session,
                    identity,
                    task,
                    Person(manager, user.display_name, user.org_unit),
                    due,
                    origin=origin,
                )

    async def close(self, identity: Identity | None, name: str, *, etag: str, cancel: bool) -> Campaign:
        cid = campaign_id(name)
        action = "cancel" if cancel else "complete"
        async with self.db.transaction() as session:
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            row = await self._directed(session, identity, scope, cid, action, etag)
            before, now = row.state, self.clock.now()
            row.state = rules.CANCELLED if cancel else rules.COMPLETED
            row.update_time, row.version = now, row.version + 1
            campaign = await self._to_proto(session, identity, row)
            self.events.record(session, events_pb2.CampaignClosed(campaign=campaign), resource=campaign.name)
            self.audit.change(
                session,
                actor=identity,
                action=f"campaigns.{action}",
                resource=campaign.name,
                before={"state": before},
                after={"state": row.state},
            )
            return campaign

    # --- targets ------------------------------------------------------------------------------------------------

    async def list_targets(
        self, identity: Identity | None, parent: str, filters: dict[str, object], *, offset: int, limit: int
    ) -> tuple[list[Target], int]:
        cid = campaign_id(parent, "parent")
        async with self.db.read() as session:
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            row = await self._visible(session, identity, scope, cid)
            if row.state == rules.DRAFT:
                return [], 0  # a draft has no target list yet (rows of a launch under way are nobody's)
            conditions = [CampaignTargetRow.campaign_id == cid]
            if (reach := target_reach(identity, scope)) is not None:
                conditions.append(reach)
            if "relationship_manager" in filters:
                conditions.append(
                    CampaignTargetRow.relationship_manager
                    == _me(identity, str(filters["relationship_manager"]))
                )
            if "branch" in filters:
                subtree = descendants(
                    str(filters["branch"]).removeprefix(ORG_PREFIX), await org_tree(session)
                )
                conditions.append(CampaignTargetRow.branch.in_(sorted(ORG_PREFIX + u for u in subtree)))
            if "stage" in filters:
                conditions.append(CampaignTargetRow.stage == Target.Stage.Value(str(filters["stage"])))
            if "holdout" in filters:
                conditions.append(CampaignTargetRow.holdout.is_(bool(filters["holdout"])))
            if "tier" in filters:
                conditions.append(CampaignTargetRow.tier == filters["tier"])
            total = await session.scalar(
                select(func.count()).select_from(CampaignTargetRow).where(*conditions)
            )
            rows = await session.scalars(
                select(CampaignTargetRow)
                .where(*conditions)
                .order_by(CampaignTargetRow.aum.desc(), CampaignTargetRow.customer)
                .offset(offset)
                .limit(limit)
            )
            names = await _display_names(session)
            return [target_proto(row.id, t, names) for t in rows], int(total or 0)

    async def assign_targets(
        self, identity: Identity | None, parent: str, targets: list[str], manager: str
    ) -> list[Target]:
        cid = campaign_id(parent, "parent")
        v = Validator()
        customers = []
        for i, name in enumerate(targets):
            prefix = f"campaigns/{cid}/targets/"
            if v.check(
                name.startswith(prefix) and "/" not in name[len(prefix) :] and len(name) > len(prefix),
                f"targets[{i}]",
                f"应为 {prefix}{{客户}} (a target of this campaign)",
            ):
                customers.append("customers/" + name[len(prefix) :])
        v.check(bool(targets), "targets", "必填 (required)")
        v.check(len(targets) <= MAX_ASSIGN, "targets", f"最多 {MAX_ASSIGN} 户 (at most {MAX_ASSIGN})")
        manager = _me(identity, manager)
        v.check(manager.startswith("users/"), "relationship_manager", "应为 users/… (a users/… name)")
        v.raise_if_any()
        async with self.db.transaction() as session:
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            row = await self._visible(session, identity, scope, cid)
            if row.state != rules.ACTIVE:
                raise FailedPrecondition(
                    "活动未在进行中 (the campaign is not active)", reason="CAMPAIGN_STATE"
                )
            person = await session.get(UserCopy, manager)
            if person is None or not person.active or RELATIONSHIP_MANAGER not in person.roles.split():
                raise InvalidArgument.for_field(
                    "relationship_manager", "不是在职的客户经理 (not an active relationship manager)"
                )
            if not (scope.everything or person.org_unit in scope.branches):
                raise PermissionDenied(
                    "只能分配给本机构及下级机构的客户经理 (only to relationship managers in your subtree)",
                    reason="TASK_ASSIGNEE_OUT_OF_SUBTREE",
                )
            reach = target_reach(identity, scope)
            found = list(
                await session.scalars(
                    select(CampaignTargetRow).where(
                        CampaignTargetRow.campaign_id == cid,
                        CampaignTargetRow.customer.in_(customers),
                        *([reach] if reach is not None else []),
                    )
                )
            )
            missing = set(customers) - {t.customer for t in found}
            if missing:
                raise NotFound(f"目标客户不存在：{', '.join(sorted(missing))[:200]} (no such targets)")
            if any(t.holdout for t in found):
                raise FailedPrecondition(
                    "对照组客户不分配 (held-out customers are not assigned)", reason="CAMPAIGN_HOLDOUT"
                )
            for target in found:
                target.relationship_manager = manager
            self.audit.change(
                session,
                actor=identity,
                action="campaigns.assign_targets",
                resource=f"campaigns/{cid}",
                after={"relationship_manager": manager, "targets": sorted(customers)},
            )
            names = await _display_names(session)
            return [target_proto(cid, t, names) for t in found]

    # --- activities ---------------------------------------------------------------------------------------------

    async def record(
        self, identity: Identity | None, parent: str, message: Activity, *, request_id: str = ""
    ) -> Activity:
        cid = campaign_id(parent, "parent")
        now = self.clock.now()
        v = Validator()
        v.check(
            message.customer.startswith("customers/"),
            "campaign_activity.customer",
            "必填：customers/… (required)",
        )
        v.check(
            message.outcome in (1, 2, 3, 4),
            "campaign_activity.outcome",
            "必填：联系结果 (required: the outcome)",
        )
        v.check(
            message.channel in (0, 1, 2, 3, 4),
            "campaign_activity.channel",
            "未知的联系方式 (unknown channel)",
        )
        task_rules.check_text(v, message.notes, "campaign_activity.notes", task_rules.MAX_TEXT)
        task_rules.check_text(v, message.product, "campaign_activity.product", 64)
        occurred = None
        if not message.HasField("occur_time"):
            v.add("campaign_activity.occur_time", "必填 (required)")
        else:
            occurred = _timestamp(v, message.occur_time, "campaign_activity.occur_time")
            if occurred is not None:
                v.check(
                    occurred <= now, "campaign_activity.occur_time", "不能晚于现在 (cannot be in the future)"
                )
        amount = Decimal(0)
        if message.HasField("amount"):
            value = money_field(v, message, "amount", "campaign_activity.amount")
            if value is not None:
                amount = value
                v.check(
                    message.outcome == Activity.OUTCOME_CONVERTED or amount == 0,
                    "campaign_activity.amount",
                    "只有成交才有金额 (an amount only for a conversion)",
                )
                v.check(amount >= 0, "campaign_activity.amount", "不能为负 (cannot be negative)")
        v.request_id(request_id)
        v.raise_if_any()
        assert occurred is not None
        async with self.db.transaction() as session:
            earlier = await earlier_request(session, CampaignActivityRow, request_id)
            if earlier is not None:
                known = await session.get(CampaignTargetRow, (earlier.campaign_id, earlier.customer))
                return activity_proto(earlier, known.display_name if known else "")
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            row = await self._visible(session, identity, scope, cid)
            if row.state != rules.ACTIVE:
                raise FailedPrecondition(
                    f"活动{rules.STATE_NAMES.get(row.state, row.state)}，不能记录营销活动 (the campaign is not active)",
                    reason="CAMPAIGN_STATE",
                )
            if occurred.astimezone(BANK_TZ).date() < row.start_date:
                raise InvalidArgument.for_field(
                    "campaign_activity.occur_time", "早于活动开始日期 (before the campaign)"
                )
            target = await session.get(CampaignTargetRow, (cid, message.customer))
            if target is None or not reaches(identity, scope, target):
                raise NotFound(f"{message.customer} 不是本活动的目标客户 (not a target of this campaign)")
            if target.holdout:
                raise FailedPrecondition(
                    "该客户在对照组中，请勿联系 (the customer is held out: not to be contacted)",
                    reason="CAMPAIGN_HOLDOUT",
                )
            activity = CampaignActivityRow(
                id=uuid.uuid4().hex,
                campaign_id=cid,
                customer=message.customer,
                staff=_who(identity),
                staff_display_name=identity.display_name if identity else "",
                org_unit=identity.org_unit if identity else "",
                channel=int(message.channel),
                outcome=int(message.outcome),
                product=message.product.strip(),
                amount=amount,
                notes=message.notes.strip(),
                occur_time=occurred,
                create_time=now,
                request_id=request_id or None,
            )
            session.add(activity)
            target.stage = rules.next_stage(target.stage, rules.OUTCOME_STAGE[int(message.outcome)])
            target.converted_amount += amount
            if target.last_activity_time is None or aware(target.last_activity_time) < occurred:
                target.last_activity_time = occurred
            proto = activity_proto(activity, target.display_name)
            self.events.record(
                session, events_pb2.CampaignActivityRecorded(activity=proto), resource=proto.name
            )
            await self._push(session, row, target, proto)
            self.audit.change(
                session,
                actor=identity,
                action="campaign_activities.create",
                resource=proto.name,
                after={
                    "customer": message.customer,
                    "outcome": Activity.Outcome.Name(message.outcome),
                    "amount": str(amount),
                },
            )
            return proto

    async def _push(
        self, session: AsyncSession, row: CampaignRow, target: CampaignTargetRow, activity: Activity
    ) -> None:
        """Tell the people watching the campaign's progress at once: its creator, head office, and the branch
        managers of the units above the customer (their consoles refresh the figures)."""
        tree = await org_tree(session)
        above = ancestors(target.branch.removeprefix(ORG_PREFIX), tree)
        leaders = await session.execute(
            select(UserCopy.name, UserCopy.roles).where(UserCopy.active.is_(True))
        )
        watchers = {name for name, roles in leaders if HEAD_OFFICE_LEADER in roles.split()}
        watchers |= set(
            await directory.holders(session, UserCopy, [BRANCH_MANAGER], [ORG_PREFIX + u for u in above])
        )
        if row.creator:
            watchers.add(row.creator)
        watchers.discard(activity.staff)
        if not watchers:
            return
        push = push_pb2.PushRequested(
            recipients=sorted(watchers),
            kind="campaign.progress",
            resource=f"campaigns/{row.id}",
            title=f"{row.display_name}：新的营销记录",
            time=to_timestamp(self.clock.now()),
        )
        push.data.update(
            {"campaign": f"campaigns/{row.id}", "outcome": Activity.Outcome.Name(activity.outcome)}
        )
        self.events.record(session, push, resource=push.resource)

    async def activities(
        self, identity: Identity | None, parent: str, filters: dict[str, object], *, offset: int, limit: int
    ) -> tuple[list[Activity], int]:
        cid = campaign_id(parent, "parent")
        async with self.db.read() as session:
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            await self._visible(session, identity, scope, cid)
            conditions: list[ColumnElement[bool]] = [CampaignActivityRow.campaign_id == cid]
            reach = target_reach(identity, scope)
            if reach is not None:
                conditions.append(
                    or_(
                        CampaignActivityRow.staff == _who(identity),
                        exists().where(
                            CampaignTargetRow.campaign_id == cid,
                            CampaignTargetRow.customer == CampaignActivityRow.customer,
                            reach,
                        ),
                    )
                )
            for field in ("customer", "org_unit"):
                if field in filters:
                    conditions.append(getattr(CampaignActivityRow, field) == filters[field])
            if "staff" in filters:
                conditions.append(CampaignActivityRow.staff == _me(identity, str(filters["staff"])))
            if "outcome" in filters:
                conditions.append(
                    CampaignActivityRow.outcome == Activity.Outcome.Value(str(filters["outcome"]))
                )
            for sign, compare in COMPARISONS.items():
                if (moment := filters.get(f"occur_time {sign}")) is not None:
                    conditions.append(compare(CampaignActivityRow.occur_time, moment))
            if "occur_time" in filters:
                conditions.append(CampaignActivityRow.occur_time == filters["occur_time"])
            rows = await session.scalars(
                select(CampaignActivityRow)
                .where(*conditions)
                .order_by(CampaignActivityRow.create_time.desc(), CampaignActivityRow.id)
                .offset(offset)
                .limit(limit)
            )
            total = await session.scalar(
                select(func.count()).select_from(CampaignActivityRow).where(*conditions)
            )
            found = list(rows)
            names = dict(
                (
                    await session.execute(
                        select(CampaignTargetRow.customer, CampaignTargetRow.display_name).where(
                            CampaignTargetRow.campaign_id == cid,
                            CampaignTargetRow.customer.in_({r.customer for r in found}),
                        )
                    )
                ).all()
            )
            return [activity_proto(r, names.get(r.customer, "")) for r in found], int(total or 0)

    # --- results ------------------------------------------------------------------------------------------------

    async def results(self, identity: Identity | None, name: str) -> task_pb2.CampaignResults:
        cid = campaign_id(name)
        async with self.db.read() as session:
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            row = await self._visible(session, identity, scope, cid)
            total, units, managers, holdout = await tallies(session, identity, scope, cid)
            quotas = {q["assignee"]: q for q in json.loads(row.quotas or "[]")}
            names = await _display_names(session)
            unit_names = await _unit_names(session, row.org_units.split())

            def result(
                subject: str, tally: rules.Tally, display: str, quota: float
            ) -> task_pb2.CampaignResultRow:
                achieved = tally.achieved(row.measure)
                return task_pb2.CampaignResultRow(
                    subject=subject,
                    display_name=display,
                    quota=quota,
                    achieved=achieved,
                    quota_ratio=rules.ratio(achieved, quota),
                    target_customer_count=tally.targets,
                    reached_count=tally.reached,
                    interested_count=tally.interested,
                    declined_count=tally.declined,
                    converted_count=tally.converted,
                    converted_amount=cny(tally.converted_amount),
                    attributed_account_count=tally.attributed_accounts,
                )

            def quota_of(subject: str) -> float:
                return float(quota_value(quotas[subject], row.measure)) if subject in quotas else 0.0

            results = task_pb2.CampaignResults(
                campaign=f"campaigns/{cid}",
                # the whole target for whoever sees everything; else the quotas of the units in reach
                total=result(
                    f"campaigns/{cid}",
                    total,
                    row.display_name,
                    await reach_quota(session, row, identity, scope),
                ),
                units=[result(u, t, unit_names.get(u, u), quota_of(u)) for u, t in sorted(units.items())],
                relationship_managers=[
                    result(m, t, names.get(m, m), quota_of(m)) for m, t in sorted(managers.items()) if m
                ],
                holdout_customer_count=holdout.targets,
                holdout_converted_count=holdout.converted,
                compute_time=to_timestamp(self.clock.now()),
            )
            treated = await opened_rate(session, identity, scope, cid, holdout=False)
            held = await opened_rate(session, identity, scope, cid, holdout=True)
            results.treated_conversion_rate, results.holdout_conversion_rate = treated, held
            results.lift_points = (treated - held) * 100 if holdout.targets else 0.0
            return results

    async def revisions(self, identity: Identity | None, name: str) -> list[task_pb2.CampaignRevision]:
        cid = campaign_id(name)
        async with self.db.read() as session:
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            await self._visible(session, identity, scope, cid)
            rows = await session.scalars(
                select(CampaignRevisionRow)
                .where(CampaignRevisionRow.campaign_id == cid)
                .order_by(CampaignRevisionRow.revision)
            )
            return [
                task_pb2.CampaignRevision(
                    revision=r.revision,
                    editor=r.editor,
                    time=to_timestamp(r.time),
                    changes=[
                        task_pb2.FieldChange(field=f, before=b, after=a) for f, b, a in json.loads(r.changes)
                    ],
                )
                for r in rows
            ]

    # --- the bank's own data ------------------------------------------------------------------------------------

    async def on_account(self, session: AsyncSession, account: AccountCopy | None) -> None:
        """An account event, after the account is copied: an account of an active campaign's product opened inside
        its period by one of its targets is attributed to it; the growth of a target's account of the product held
        before the start is attributed as the balance increase since the launch (once per campaign and account,
        kept current)."""
        if account is None:
            return
        today = self.clock.now().astimezone(BANK_TZ).date()
        running = await session.scalars(
            select(CampaignRow).where(
                CampaignRow.state == rules.ACTIVE,
                CampaignRow.product_type == "TYPE_" + account.type,
                exists().where(
                    CampaignTargetRow.campaign_id == CampaignRow.id,
                    CampaignTargetRow.customer == account.customer,
                ),
            )
        )
        for campaign in list(running):
            opened = account.open_date
            if opened is not None and campaign.start_date <= opened <= campaign.end_date:
                await self._attribute(session, campaign, account)
            elif campaign.start_date <= today <= campaign.end_date:
                await self._increase(session, campaign, account, today)

    async def _attribute(self, session: AsyncSession, campaign: CampaignRow, account: AccountCopy) -> None:
        if await session.get(CampaignAttributionRow, (campaign.id, account.account)) is not None:
            return
        target = await session.get(CampaignTargetRow, (campaign.id, account.customer))
        if target is None or account.open_date is None:
            return
        session.add(
            CampaignAttributionRow(
                campaign_id=campaign.id,
                account=account.account,
                customer=account.customer,
                amount=account.balance,
                open_date=account.open_date,
                holdout=target.holdout,
                kind="opened",
            )
        )
        target.attributed_count += 1
        target.attributed_amount += account.balance
        if not target.holdout:
            target.stage = rules.CONVERTED

    async def _increase(
        self, session: AsyncSession, campaign: CampaignRow, account: AccountCopy, today: date
    ) -> None:
        """The account's growth since the launch (its baseline), as one attribution row kept current."""
        baseline = await session.get(CampaignBaselineRow, (campaign.id, account.account))
        target = await session.get(CampaignTargetRow, (campaign.id, account.customer))
        if baseline is None or target is None:
            return
        grown = max(account.balance - baseline.balance, Decimal(0)) if account.open else Decimal(0)
        row = await session.get(CampaignAttributionRow, (campaign.id, account.account))
        if row is None:
            if not grown:
                return
            row = CampaignAttributionRow(
                campaign_id=campaign.id,
                account=account.account,
                customer=account.customer,
                holdout=target.holdout,
                kind="increase",
                amount=Decimal(0),
            )
            session.add(row)
        target.attributed_amount += grown - (row.amount or Decimal(0))
        row.amount, row.open_date = grown, today
        if grown and not target.holdout:
            target.stage = rules.CONVERTED

    async def _keep_baselines(self, session: AsyncSession, row: CampaignRow) -> None:
        """The balances at launch of the targets' accounts of the product held before the start: one statement."""
        held = select(literal(row.id), AccountCopy.account, AccountCopy.customer, AccountCopy.balance).where(
            AccountCopy.type == row.product_type.removeprefix("TYPE_"),
            AccountCopy.open.is_(True),
            or_(AccountCopy.open_date.is_(None), AccountCopy.open_date < row.start_date),
            AccountCopy.customer.in_(
                select(CampaignTargetRow.customer).where(CampaignTargetRow.campaign_id == row.id)
            ),
        )
        await session.execute(
            insert(CampaignBaselineRow).from_select(["campaign_id", "account", "customer", "balance"], held)
        )

    # --- helpers ------------------------------------------------------------------------------------------------

    async def _visible(
        self, session: AsyncSession, identity: Identity | None, scope: DataScope, cid: str
    ) -> CampaignRow:
        row = await session.get(CampaignRow, cid)
        if row is not None and sees(identity, scope, row, await org_tree(session)):
            return row
        raise NotFound(f"营销活动 campaigns/{cid} 不存在 (no such campaign)")

    async def _directed(
        self,
        session: AsyncSession,
        identity: Identity | None,
        scope: DataScope,
        cid: str,
        action: str,
        etag: str,
    ) -> CampaignRow:
        """The campaign, for a change by its creator or someone whose scope takes in every executing unit."""
        row = await self._visible(session, identity, scope, cid)
        if identity is not None and row.creator != identity.subject:
            units = row.org_units.split()
            if not (scope.everything or all(u in scope.branches for u in units)):
                raise PermissionDenied(
                    "只有创建人或管辖全部执行机构的人可以修改该活动 (only its creator or someone over every executing "
                    "unit)",
                    reason="CAMPAIGN_NOT_YOURS",
                )
        etags.check(etag, row.version, "营销活动")
        if row.state not in rules.FROM[action]:
            raise FailedPrecondition(
                f"活动当前为「{rules.STATE_NAMES.get(row.state, row.state)}」，不能{rules.VERBS[action]} "
                f"(cannot {action} a campaign in {row.state})",
                reason="CAMPAIGN_STATE",
            )
        return row

    async def _to_proto(
        self,
        session: AsyncSession,
        identity: Identity | None,
        row: CampaignRow,
        tree: dict[str, str | None] | None = None,
        *,
        progress: bool = True,
        full: bool = True,
    ) -> Campaign:
        """The campaign as a message; without ``full`` the segment's customer names are left out (their count
        stays: ``segment.customer_count``)."""
        campaign = Campaign(
            name=f"campaigns/{row.id}",
            display_name=row.display_name,
            description=row.description,
            script=row.script,
            products=row.products.split(),
            org_units=row.org_units.split(),
            start_date=date_proto(row.start_date),
            end_date=date_proto(row.end_date),
            target_amount=cny(row.target_amount),
            target_count=row.target_count,
            product_type=Account.Type.Value(row.product_type),
            measure=Campaign.Measure.Value(row.measure),
            holdout_percent=row.holdout_percent,
            state=Campaign.State.Value(row.state),
            creator=row.creator,
            creator_display_name=row.creator_display_name,
            target_customer_count=row.target_customer_count,
            holdout_customer_count=row.holdout_customer_count,
            revision=row.revision,
            create_time=to_timestamp(row.create_time),
            update_time=to_timestamp(row.update_time),
            etag=etags.etag_for(row.version),
        )
        segment = json.loads(row.segment or "{}")
        listed = len(segment.get("customers", ()))
        if not full:
            segment.pop("customers", None)
        json_format.ParseDict(segment, campaign.segment)
        campaign.segment.customer_count = listed
        names = await _unit_names(session, [q["assignee"] for q in json.loads(row.quotas or "[]")])
        people = await _display_names(session)
        for q in json.loads(row.quotas or "[]"):
            quota = campaign.quotas.add(
                assignee=q["assignee"],
                count=int(q.get("count", 0)),
                target_customer_count=int(q.get("targets", 0)),
                display_name=names.get(q["assignee"]) or people.get(q["assignee"], ""),
            )
            if q.get("amount"):
                quota.amount.CopyFrom(cny(Decimal(q["amount"])))
        if progress and row.state != rules.DRAFT:
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            total, _, _, _ = await tallies(session, identity, scope, row.id)
            activity_count = await session.scalar(
                select(func.count())
                .select_from(CampaignActivityRow)
                .where(CampaignActivityRow.campaign_id == row.id)
            )
            target = await reach_quota(session, row, identity, scope)
            campaign.progress.CopyFrom(
                task_pb2.CampaignProgress(
                    activity_count=int(activity_count or 0),
                    customer_count=total.reached,
                    converted_count=total.converted,
                    converted_amount=cny(total.converted_amount),
                    interested_count=total.interested,
                    declined_count=total.declined,
                    attributed_account_count=total.attributed_accounts,
                    attributed_amount=cny(await attributed_amount(session, identity, scope, row.id)),
                    target_ratio=rules.ratio(total.achieved(row.measure), target),
                )
            )
        return campaign


# --- module helpers -------------------------------------------------------------------------------------------


def _who(identity: Identity | None) -> str:
    return identity.subject if identity else ""


def _me(identity: Identity | None, name: str) -> str:
    return identity.subject if identity is not None and name == "users/me" else name


def _shown(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _snapshot(row: CampaignRow) -> dict[str, object]:
    return {
        "display_name": row.display_name,
        "description": row.description,
        "script": row.script,
        "products": row.products,
        "org_units": row.org_units,
        "start_date": row.start_date.isoformat() if row.start_date else "",
        "end_date": row.end_date.isoformat() if row.end_date else "",
        "target_amount": str(row.target_amount),
        "target_count": row.target_count,
        "product_type": row.product_type,
        "measure": row.measure,
        "segment": row.segment,
        "holdout_percent": row.holdout_percent,
        "quotas": row.quotas,
    }


def _date(v: Validator, message: date_pb2.Date, path: str) -> date | None:
    try:
        value = date_value(message, path)
    except InvalidArgument as error:
        v.violations.extend(error.violations)
        return None
    if value is None:
        v.add(path, "必填 (required)")
    return value


def _timestamp(v: Validator, message: Any, path: str) -> datetime | None:
    try:
        return timestamp_value(message, path)
    except InvalidArgument as error:
        v.violations.extend(error.violations)
        return None


def _quota(assignee: str, value: Decimal | int, measure: str, targets: int) -> dict:
    if measure == rules.AMOUNT:
        return {"assignee": assignee, "amount": str(Decimal(value).quantize(rules.CENT)), "targets": targets}
    return {"assignee": assignee, "count": int(value), "targets": targets}


def _quotas(v: Validator, quotas: Iterable[task_pb2.CampaignQuota], row: CampaignRow) -> list[dict]:
    out, seen = [], set()
    for i, quota in enumerate(quotas):
        path = f"campaign.quotas[{i}]"
        if not v.check(
            quota.assignee.startswith((ORG_PREFIX, "users/")) and quota.assignee not in seen,
            path + ".assignee",
            "应为 orgUnits/… 或 users/…，且不重复 (an org unit or a user, once)",
        ):
            continue
        seen.add(quota.assignee)
        entry: dict[str, Any] = {"assignee": quota.assignee, "count": int(quota.count)}
        v.check(quota.count >= 0, path + ".count", "不能为负 (cannot be negative)")
        if quota.HasField("amount"):
            amount = money_field(v, quota, "amount", path + ".amount")
            if amount is not None:
                v.check(amount >= 0, path + ".amount", "不能为负 (cannot be negative)")
                entry["amount"] = str(amount)
        out.append(entry)
    return out


def _check_quota_room(row: CampaignRow, targets: list[dict[str, Any]]) -> None:
    """A count quota can never exceed the customers it covers (accounts are opened by targets; reaching counts
    customers): INVALID_ARGUMENT naming the quota."""
    if row.measure != rules.REACHED:
        return
    worked: dict[str, int] = defaultdict(int)
    for t in targets:
        if not t["holdout"]:
            worked[t["unit"]] += 1
    total = sum(worked.values())
    v = Validator()
    v.check(
        row.target_count <= total,
        "campaign.target_count",
        f"目标户数 {row.target_count} 超过目标客户数 {total} (more than the target list)",
    )
    for i, quota in enumerate(json.loads(row.quotas or "[]")):  # as given, so the index names the field
        if quota["assignee"].startswith(ORG_PREFIX):
            v.check(
                int(quota.get("count", 0)) <= worked.get(quota["assignee"], 0),
                f"campaign.quotas[{i}].count",
                f"指标 {quota.get('count')} 超过该机构的目标客户数 {worked.get(quota['assignee'], 0)} (above its "
                "target list)",
            )
    v.raise_if_any()


async def _display_names(session: AsyncSession) -> dict[str, str]:
    rows = await session.execute(select(UserCopy.name, UserCopy.display_name))
    return {name: display for name, display in rows}


async def _unit_names(session: AsyncSession, units: Iterable[str]) -> dict[str, str]:
    ids = [u.removeprefix(ORG_PREFIX) for u in units if u.startswith(ORG_PREFIX)]
    if not ids:
        return {}
    rows = await session.execute(
        select(OrgUnitCopy.id, OrgUnitCopy.display_name).where(OrgUnitCopy.id.in_(ids))
    )
    return {ORG_PREFIX + unit: name for unit, name in rows}


def on_account_handler(campaigns: CampaignService, copier: Callable) -> Callable:
    """``AccountOpened`` / ``AccountUpdated``: the account copied, then attributed to the campaigns it counts for
    (in the same transaction)."""

    async def handle(session: AsyncSession, event: Any, meta: EventMeta) -> None:
        account = await copier(session, event, meta)
        await campaigns.on_account(session, account)

    return handle
