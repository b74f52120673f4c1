"""The events timeline of a customer: interactions logged by staff (visits, calls, notes …) merged with the
system's tier decisions (the tiering part's ``tier_history``), newest first, in one SQL ``UNION ALL`` so that
filters, ordering and pages apply to both. Tier entries are read-only entries of type SYSTEM named
``customers/{c}/interactions/tier-{seq}``.

Staff log interactions through CreateInteraction (:meth:`TimelineService.create`); a task completed with an
interaction type (the task service's ``TaskCompleted``) is logged through the same write
(:meth:`TimelineService.log_completed_task`) on its main customer and each related one, once per task and customer."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.errors import InvalidArgument, Validator
from kam_kit.filtering import timestamp
from sqlalchemy import String, cast, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from kam_customer.adapters.orm import CustomerRow, InteractionRow
from kam_customer.adapters.scope import customer_for
from kam_customer.adapters.trail import trail, values
from kam_customer.domain import names
from kam_customer.service_layer import filters

try:  # the tiering part's history; the timeline shows interactions only without it
    from kam_customer.tiering.catalogue import tier_display_names
    from kam_customer.tiering.orm import TierHistoryRow
except ImportError:  # pragma: no cover - the tiering part is always installed in this package
    TierHistoryRow = None

STAFF_TYPES = ("VISIT", "CALL", "MEETING", "MESSAGE", "REQUEST", "NOTE")
SYSTEM = "SYSTEM"
#: The longest summary (the column's length).
SUMMARY_MAX = 400
#: The summary of a completed task's entry starts with this, then the task's title.
TASK_SUMMARY_PREFIX = "任务："
TIER_REASONS = {
    "SCAN": "扫描评级",
    "RULE_SET_ACTIVATED": "规则集启用",
    "HYSTERESIS_HOLD": "降级观察期（暂缓降级）",
    "OVERRIDE": "人工调整",
    "OVERRIDE_REMOVED": "取消人工调整",
    "OVERRIDE_EXPIRED": "人工调整到期",
}


@dataclass
class InteractionDraft:
    type: str
    summary: str
    details: str = ""
    occur_time: datetime | None = None
    contact: str = ""
    related_resource: str = ""


@dataclass(frozen=True)
class CompletedTask:
    """A task done for a customer, to be logged on the customer's timeline (from ``kam.task.v1.TaskCompleted``).
    ``type``: the interaction type the assignee chose (``VISIT`` …; anything else is not logged)."""

    task: str  # tasks/{task}
    customer_id: str
    type: str
    title: str
    handling: str  # 处理方式
    content: str  # 工作内容
    complete_time: datetime | None  # None: now
    assignee: str  # users/{user}
    related_customer_ids: tuple[str, ...] = ()  # further customers it concerns


@dataclass
class TimelineEntry:
    """One entry of the timeline, an interaction row or a tier decision rendered as one."""

    id: str
    customer_id: str
    type: str
    summary: str
    details: str
    occur_time: datetime
    author: str
    contact_id: str
    related_resource: str
    create_time: datetime


def tier_label(tier: str, names: Mapping[str, str] | None = None) -> str:
    """A tier as staff read it: its display name (``names``: ``tiers/<id>`` → zh-CN name), else its id."""
    if not tier:
        return "无等级"
    return (names or {}).get(tier) or tier.removeprefix("tiers/")


def _is_tier_entry(row) -> bool:
    return row.type == SYSTEM and row.id.startswith("tier-")


class TimelineService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.audit = trail(clock)

    async def create(
        self, identity: Identity | None, parent: str, draft: InteractionDraft, *, request_id: str = ""
    ) -> InteractionRow:
        (customer_id,) = names.parse(parent, ("customers",), "parent")
        validator = Validator()
        validator.check(
            draft.type in STAFF_TYPES,
            "interaction.type",
            "类型应为拜访、电话、会面、消息、需求或备注 (TYPE_SYSTEM cannot be created)",
        )
        if validator.require(
            draft.summary.strip(), "interaction.summary", "摘要不能为空 (must not be empty)"
        ):
            validator.check(
                len(draft.summary) <= SUMMARY_MAX, "interaction.summary", "最长400个字符 (at most 400)"
            )
        validator.require(draft.occur_time, "interaction.occur_time")
        contact_id = ""
        if draft.contact:
            try:
                contact_customer, contact_id = names.parse(
                    draft.contact, ("customers", "contacts"), "contact"
                )
                validator.check(
                    contact_customer == customer_id,
                    "interaction.contact",
                    "联系人不属于该客户 (the contact belongs to another customer)",
                )
            except InvalidArgument:
                validator.add("interaction.contact", "应为 customers/{customer}/contacts/{contact}")
        validator.raise_if_any()
        async with self.db.transaction() as session:
            await customer_for(session, identity, customer_id)
            interaction_id = (
                "r" + hashlib.sha256(f"{customer_id}\n{request_id}".encode()).hexdigest()[:31]
                if request_id
                else uuid.uuid4().hex
            )
            return await self._store(
                session,
                interaction_id,
                customer_id,
                draft,
                author=identity.subject if identity else "",
                contact_id=contact_id,
                actor=identity,
            )

    async def log_completed_task(
        self, session: AsyncSession, done: CompletedTask, *, details: Mapping[str, Any] | None = None
    ) -> list[InteractionRow]:
        """Log ``done`` on its main customer's timeline and each related customer's in the caller's transaction
        (an event consumer's), as CreateInteraction would have with the assignee as author: summary
        ``任务：<title>``, details ``处理方式：<handling>`` and the work done, at the completion time, related to the
        task. Once per task and customer (the interaction's id follows from the task's name, and the customer's
        for a related one), whatever the number of deliveries. Nothing written for a type that is not a staff
        interaction, nor on a customer that does not exist (any more); ``details`` go to the audit record."""
        if done.type not in STAFF_TYPES or not done.customer_id:
            return []
        logged = []
        for customer_id in dict.fromkeys((done.customer_id, *done.related_customer_ids)):
            if await session.get(CustomerRow, customer_id) is None:
                continue
            draft = InteractionDraft(
                type=done.type,
                summary=(TASK_SUMMARY_PREFIX + done.title.strip())[:SUMMARY_MAX],
                details=f"处理方式：{done.handling}\n{done.content}",
                occur_time=done.complete_time or self.clock.now(),
                related_resource=done.task,
            )
            key = done.task if customer_id == done.customer_id else f"{done.task} customers/{customer_id}"
            interaction_id = "t" + hashlib.sha256(key.encode()).hexdigest()[:31]
            logged.append(
                await self._store(
                    session,
                    interaction_id,
                    customer_id,
                    draft,
                    author=done.assignee,
                    actor=None,  # the service, applying the task service's event
                    audit_details=details,
                )
            )
        return logged

    async def _store(
        self,
        session: AsyncSession,
        interaction_id: str,
        customer_id: str,
        draft: InteractionDraft,
        *,
        author: str,
        actor: Identity | None,
        contact_id: str = "",
        audit_details: Mapping[str, Any] | None = None,
    ) -> InteractionRow:
        """The one write of an interaction (with its audit record): the stored row when ``interaction_id``
        exists already (a repeated request or event)."""
        existing = await session.get(InteractionRow, interaction_id)
        if existing is not None:
            return existing
        row = InteractionRow(
            id=interaction_id,
            customer_id=customer_id,
            type=draft.type,
            summary=draft.summary.strip(),
            details=draft.details,
            occur_time=draft.occur_time,
            author=author,
            contact_id=contact_id,
            related_resource=draft.related_resource,
            create_time=self.clock.now(),
        )
        session.add(row)
        await session.flush()
        self.audit.change(
            session,
            actor=actor,
            action="interactions.create",
            resource=f"customers/{customer_id}/interactions/{row.id}",
            after=values(row),
            details=audit_details,
        )
        return row

    async def list(
        self, identity: Identity | None, parent: str, *, filter_text: str, offset: int, limit: int
    ) -> list[TimelineEntry]:
        (customer_id,) = names.parse(parent, ("customers",), "parent")
        i = InteractionRow
        parts = [
            select(
                i.id.label("id"),
                i.type.label("type"),
                i.summary.label("summary"),
                i.details.label("details"),
                i.occur_time.label("occur_time"),
                i.author.label("author"),
                i.contact_id.label("contact_id"),
                i.related_resource.label("related_resource"),
                i.create_time.label("create_time"),
                literal("").label("from_tier"),
                literal("").label("to_tier"),
                literal("").label("reason"),
            ).where(i.customer_id == customer_id)
        ]
        if TierHistoryRow is not None:
            t = TierHistoryRow
            parts.append(
                select(
                    (literal("tier-") + cast(t.seq, String)).label("id"),
                    literal(SYSTEM).label("type"),
                    literal("").label("summary"),
                    t.explanation.label("details"),
                    t.create_time.label("occur_time"),
                    t.actor.label("author"),
                    literal("").label("contact_id"),
                    literal("").label("related_resource"),
                    t.create_time.label("create_time"),
                    t.from_tier.label("from_tier"),
                    t.to_tier.label("to_tier"),
                    t.reason.label("reason"),
                ).where(t.customer_id == customer_id)
            )
        merged = union_all(*parts).subquery("timeline")
        c = merged.c
        conditions = filters.parse(
            filter_text,
            {
                "type": filters.Field(
                    c.type, filters.enum_value({f"TYPE_{name}": name for name in (*STAFF_TYPES, SYSTEM)})
                ),
                "occur_time": filters.Field(c.occur_time, timestamp, filters.ORDERING),
                "author": filters.Field(c.author, str),
            },
        )
        async with self.db.read() as session:
            await customer_for(session, identity, customer_id)
            rows = (
                await session.execute(
                    select(merged)
                    .where(*conditions)
                    .order_by(c.occur_time.desc(), c.id.desc())
                    .offset(offset)
                    .limit(limit)
                )
            ).all()
            tiers = {t for row in rows if _is_tier_entry(row) for t in (row.from_tier, row.to_tier)}
            tier_names = await tier_display_names(session, tiers) if tiers else {}
        return [self._entry(customer_id, row, tier_names) for row in rows]

    @staticmethod
    def _entry(customer_id: str, row, tier_names: Mapping[str, str]) -> TimelineEntry:
        summary = row.summary
        if _is_tier_entry(row):
            summary = (
                f"客户等级{TIER_REASONS.get(row.reason, row.reason)}：{tier_label(row.from_tier, tier_names)} → "
                f"{tier_label(row.to_tier, tier_names)}"
            )
        return TimelineEntry(
            id=row.id,
            customer_id=customer_id,
            type=row.type,
            summary=summary,
            details=row.details or "",
            occur_time=row.occur_time,
            author=row.author or "",
            contact_id=row.contact_id or "",
            related_resource=row.related_resource or "",
            create_time=row.create_time,
        )
