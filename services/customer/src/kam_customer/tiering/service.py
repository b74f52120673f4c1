"""Tiering use cases: rule sets (draft → active → retired), simulation, activation with re-grading, a customer's
tier and history, manual overrides. Each write runs in one unit of work with its outbox events."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kam.customer.v1 import events_pb2
from kam_kit import etags, outbox
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.db import Database, earlier_request
from kam_kit.errors import FailedPrecondition, InvalidArgument, NotFound, Validator
from kam_kit.timeconv import aware
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_customer.adapters.orm import CustomerMetricsRow, CustomerRow
from kam_customer.adapters.scope import customer_condition, customer_for, scope_for
from kam_customer.adapters.trail import trail, values
from kam_customer.context import SERVICE
from kam_customer.tiering import catalogue, engine, rules
from kam_customer.tiering.orm import CustomerTierStateRow, TierHistoryRow, TierOverrideRow, TierRuleSetRow
from kam_customer.tiering.protomap import rule_set_to_proto
from kam_customer.tiering.repository import (
    ACTIVE,
    DRAFT,
    RETIRED,
    active_rule_set,
    active_rule_sets,
    rule_set_of,
)


@dataclass
class Simulation:
    evaluated: int = 0
    changed: int = 0
    tier_counts: dict[str, int] = field(default_factory=dict)  # simulated tier → customers
    matrix: dict[tuple[str, str], int] = field(default_factory=dict)  # (current, simulated) → customers
    samples: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # changed pairs → customer ids


@dataclass
class CustomerTierView:
    customer: CustomerRow
    state: CustomerTierStateRow | None
    override: TierOverrideRow | None
    rule_set: rules.RuleSet


class TieringService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.events = outbox.Recorder(SERVICE, clock)
        self.audit = trail(clock)

    # --- rule sets --------------------------------------------------------------------------------------------

    async def create_rule_set(
        self,
        document: dict[str, Any],
        *,
        display_name: str,
        creator: str,
        request_id: str = "",
        prefix: str = "tier_rule_set",
        identity: Identity | None = None,
    ) -> TierRuleSetRow:
        now = self.clock.now()
        async with self.db.transaction() as session:
            rule_set = await catalogue.parse_rule_set(session, document, prefix)
            existing = await earlier_request(session, TierRuleSetRow, request_id)
            if existing is not None:
                return existing
            await self._check_tier_ids(session, rule_set, prefix)
            row = TierRuleSetRow(
                id=uuid.uuid4().hex,
                customer_type=rule_set.customer_type,
                version=0,
                state=DRAFT,
                display_name=display_name.strip() or f"{rule_set.customer_type} 草稿",
                definition=rules.to_document(rule_set),
                creator=creator,
                revision=1,
                request_id=request_id or None,
                create_time=now,
                update_time=now,
            )
            session.add(row)
            await session.flush()
            self.audit.change(
                session,
                actor=identity,
                action="tierRuleSets.create",
                resource=f"tierRuleSets/{row.id}",
                after=values(row),
            )
        return row

    async def _check_tier_ids(self, session: AsyncSession, rule_set: rules.RuleSet, prefix: str) -> None:
        """Tier names (``tiers/<id>``) are shared by both customer types, so they must not clash."""
        other = next(t for t in rules.CUSTOMER_TYPES if t != rule_set.customer_type)
        _, other_set = await active_rule_set(session, other, self.clock.now())
        taken = {t.id for t in other_set.tiers}
        validator = Validator()
        for index, tier in enumerate(rule_set.tiers):
            validator.check(
                tier.id not in taken,
                f"{prefix}.tiers[{index}].id",
                f"等级 {tier.id} 已用于{other}客户 (tier id used by the other customer type)",
            )
        validator.raise_if_any("定级规则无效 (invalid rule set)")

    async def update_rule_set(
        self,
        rule_set_id: str,
        *,
        etag: str,
        document: dict[str, Any] | None,
        display_name: str | None,
        prefix: str = "tier_rule_set",
        identity: Identity | None = None,
    ) -> TierRuleSetRow:
        async with self.db.transaction() as session:
            rule_set = (
                await catalogue.parse_rule_set(session, document, prefix) if document is not None else None
            )
            row = await self._rule_set_row(session, rule_set_id)
            if row.state != DRAFT:
                raise FailedPrecondition(
                    "只能修改草稿规则 (only drafts can be changed)", reason="RULE_SET_NOT_DRAFT"
                )
            self._check_etag(row, etag)
            before = values(row)
            if rule_set is not None:
                if rule_set.customer_type != row.customer_type:
                    raise InvalidArgument.for_field(
                        f"{prefix}.customer_type", "不能修改客户类型 (cannot change type)"
                    )
                await self._check_tier_ids(session, rule_set, prefix)
                row.definition = rules.to_document(rule_set)
            if display_name is not None and display_name.strip():
                row.display_name = display_name.strip()
            row.revision += 1
            row.update_time = self.clock.now()
            await session.flush()
            self.audit.change(
                session,
                actor=identity,
                action="tierRuleSets.update",
                resource=f"tierRuleSets/{row.id}",
                before=before,
                after=values(row),
            )
        return row

    @staticmethod
    def _check_etag(row: TierRuleSetRow, etag: str) -> None:
        etags.check(etag, row.revision, "定级规则")

    @staticmethod
    async def _rule_set_row(session: AsyncSession, rule_set_id: str) -> TierRuleSetRow:
        row = await session.get(TierRuleSetRow, rule_set_id)
        if row is None:
            raise NotFound(
                f"定级规则 tierRuleSets/{rule_set_id} 不存在 (not found)",
                metadata={"name": f"tierRuleSets/{rule_set_id}"},
            )
        return row

    async def get_rule_set(self, rule_set_id: str) -> TierRuleSetRow:
        async with self.db.transaction() as session:
            await active_rule_sets(session, self.clock.now())  # seeds the defaults on a fresh database
            return await self._rule_set_row(session, rule_set_id)

    async def list_rule_sets(
        self,
        *,
        state: str | None,
        customer_type: str | None,
        offset: int,
        limit: int,
    ) -> tuple[list[TierRuleSetRow], int]:
        async with self.db.transaction() as session:
            await active_rule_sets(session, self.clock.now())
            conditions = []
            if state:
                conditions.append(TierRuleSetRow.state == state)
            if customer_type:
                conditions.append(TierRuleSetRow.customer_type == customer_type)
            rows = (
                await session.scalars(
                    select(TierRuleSetRow)
                    .where(*conditions)
                    .order_by(TierRuleSetRow.create_time.desc(), TierRuleSetRow.id)
                    .offset(offset)
                    .limit(limit)
                )
            ).all()
            total = await session.scalar(select(func.count()).select_from(TierRuleSetRow).where(*conditions))
        return list(rows), int(total or 0)

    async def activate(
        self, rule_set_id: str, *, etag: str, identity: Identity | None = None
    ) -> tuple[TierRuleSetRow, engine.GradeSummary]:
        """Make a draft the ACTIVE rule set of its type (the previous one RETIRED, version = previous + 1) and
        re-grade every customer of that type at once (no hysteresis: a rule change is deliberate)."""
        async with self.db.transaction() as session:
            row = await self._rule_set_row(session, rule_set_id)
            if row.state != DRAFT:
                raise FailedPrecondition(
                    "只能启用草稿规则 (only drafts can be activated)", reason="RULE_SET_NOT_DRAFT"
                )
            self._check_etag(row, etag)
            previous, _ = await active_rule_set(session, row.customer_type, self.clock.now())
            before = values(row, exclude=("definition",))
            latest = await session.scalar(
                select(func.max(TierRuleSetRow.version)).where(
                    TierRuleSetRow.customer_type == row.customer_type
                )
            )
            now = self.clock.now()
            previous.state, previous.update_time, previous.revision = RETIRED, now, previous.revision + 1
            await session.flush()
            row.state, row.version, row.activate_time, row.update_time = (
                ACTIVE,
                int(latest or 0) + 1,
                now,
                now,
            )
            row.revision += 1
            await session.flush()
            await catalogue.register(session, rule_set_of(row), now)  # tiers new to the catalogue join it
            self.events.record(
                session,
                events_pb2.TierRuleSetActivated(
                    rule_set=rule_set_to_proto(row), previous_rule_set=f"tierRuleSets/{previous.id}"
                ),
                resource=f"tierRuleSets/{row.id}",
            )
            summary = await engine.grade(
                session,
                customer_ids=None,
                scan_id="",
                clock=self.clock,
                reason=engine.ACTIVATION,
                customer_type=row.customer_type,
            )
            self.audit.change(
                session,
                actor=identity,
                action="tierRuleSets.activate",
                resource=f"tierRuleSets/{row.id}",
                before=before,
                after=values(row, exclude=("definition",)),
                details={"previous_rule_set": f"tierRuleSets/{previous.id}"},
            )
        return row, summary

    async def simulate(
        self,
        *,
        rule_set_id: str | None = None,
        document: dict[str, Any] | None = None,
        sample_size: int = 0,
        prefix: str = "tier_rule_set",
        identity: Identity | None = None,
    ) -> tuple[rules.RuleSet, Simulation]:
        """Evaluate a rule set (stored, or a document not stored) against every customer of its type with metrics
        in the caller's data scope, changing nothing: the rules' verdict (no hysteresis, no overrides) against the
        tier in force today."""
        result = Simulation()
        async with self.db.read() as session:
            restrict = customer_condition(await scope_for(session, identity))
            if rule_set_id is not None:
                rule_set = rules.parse((await self._rule_set_row(session, rule_set_id)).definition)
            else:
                rule_set = await catalogue.parse_rule_set(session, document or {}, prefix)
            for tier in rule_set.tiers:
                result.tier_counts[tier.name] = 0
            result.tier_counts[""] = 0
            query = (
                select(
                    CustomerRow.id,
                    CustomerRow.tier,
                    *[getattr(CustomerMetricsRow, m) for m in engine.METRIC_COLUMNS],
                )
                .join(CustomerMetricsRow, CustomerMetricsRow.customer_id == CustomerRow.id)
                .where(CustomerRow.type == rule_set.customer_type)
                .order_by(CustomerRow.id)
                .limit(engine.BATCH * 4)
            )
            if restrict is not None:
                query = query.where(restrict)
            last = ""
            while True:
                rows = (await session.execute(query.where(CustomerRow.id > last))).all()
                if not rows:
                    break
                last = rows[-1].id
                for row in rows:
                    verdict = rules.evaluate(rule_set, {m: getattr(row, m) for m in engine.METRIC_COLUMNS})
                    pair = (row.tier or "", verdict.tier)
                    result.evaluated += 1
                    result.tier_counts[verdict.tier] += 1
                    result.matrix[pair] = result.matrix.get(pair, 0) + 1
                    if pair[0] != pair[1]:
                        result.changed += 1
                        samples = result.samples.setdefault(pair, [])
                        if len(samples) < sample_size:
                            samples.append(row.id)
        return rule_set, result

    # --- a customer's tier ------------------------------------------------------------------------------------

    async def customer_tier(self, identity: Identity | None, customer_id: str) -> CustomerTierView:
        async with self.db.transaction() as session:
            customer = await customer_for(session, identity, customer_id)
            _, rule_set = await active_rule_set(session, customer.type, self.clock.now())
            state = await session.get(CustomerTierStateRow, customer_id)
            override = await _open_override(session, customer_id)
        return CustomerTierView(customer, state, override, rule_set)

    async def history(
        self, identity: Identity | None, customer_id: str, *, before: int | None, limit: int
    ) -> list[TierHistoryRow]:
        async with self.db.read() as session:
            await customer_for(session, identity, customer_id)
            query = select(TierHistoryRow).where(TierHistoryRow.customer_id == customer_id)
            if before is not None:
                query = query.where(TierHistoryRow.seq < before)
            return list((await session.scalars(query.order_by(TierHistoryRow.seq.desc()).limit(limit))).all())

    async def create_override(
        self,
        identity: Identity | None,
        customer_id: str,
        *,
        tier: str,
        reason: str,
        expire_time: datetime | None,
    ) -> TierOverrideRow:
        """A manual tier for a customer in the caller's scope (NOT_FOUND otherwise, as for a read)."""
        actor = identity.subject if identity is not None else ""
        now = self.clock.now()
        validator = Validator()
        validator.require(reason, "tier_override.reason", "请填写调整原因 (reason required)")
        if expire_time is None:
            validator.add("tier_override.expire_time", "请填写到期时间 (expire_time required)")
        elif aware(expire_time) <= now:
            validator.add("tier_override.expire_time", "到期时间应晚于当前时间 (must be in the future)")
        async with self.db.transaction() as session:
            customer = await customer_for(session, identity, customer_id)
            _, rule_set = await active_rule_set(session, customer.type, now)
            validator.check(
                rule_set.tier(tier) is not None,
                "tier_override.tier",
                "应为当前规则中的等级，如 " + "、".join(t.name for t in rule_set.tiers),
            )
            validator.raise_if_any()
            previous = await _open_override(session, customer_id)
            if previous is not None:
                previous.end_time, previous.end_reason, previous.open_key = now, "REPLACED", None
                await session.flush()
            row = TierOverrideRow(
                id=uuid.uuid4().hex,
                customer_id=customer_id,
                tier=tier,
                reason=reason.strip(),
                actor=actor,
                create_time=now,
                expire_time=expire_time,
                open_key="open",
            )
            session.add(row)
            await session.flush()
            self.audit.change(
                session,
                actor=identity,
                action="tierOverrides.create",
                resource=f"customers/{customer_id}/tierOverrides/{row.id}",
                after=values(row),
                details={"replaced": f"customers/{customer_id}/tierOverrides/{previous.id}"}
                if previous is not None
                else None,
            )
            label = rule_set.tier(tier).label  # type: ignore[union-attr]
            await engine.set_tier_in_force(
                session,
                customer=customer,
                tier=tier,
                clock=self.clock,
                entry={
                    "reason": "OVERRIDE",
                    "actor": actor,
                    "explanation": f"人工调整为 {label}（原因：{row.reason}；到期：{aware(expire_time).isoformat()}）",
                },
            )
        return row

    async def delete_override(self, identity: Identity | None, customer_id: str, override_id: str) -> None:
        actor = identity.subject if identity is not None else ""
        async with self.db.transaction() as session:
            customer = await customer_for(session, identity, customer_id)
            row = await session.get(TierOverrideRow, override_id)
            if row is None or row.customer_id != customer_id or row.end_time is not None:
                raise NotFound(
                    f"人工等级 customers/{customer_id}/tierOverrides/{override_id} 不存在或已结束 (not found)"
                )
            before = values(row)
            row.end_time, row.end_reason, row.open_key = self.clock.now(), "REMOVED", None
            await session.flush()
            self.audit.change(
                session,
                actor=identity,
                action="tierOverrides.delete",
                resource=f"customers/{customer_id}/tierOverrides/{override_id}",
                before=before,
                after=values(row),
            )
            state = await session.get(CustomerTierStateRow, customer_id)
            graded = state.graded_tier if state is not None else ""
            await engine.set_tier_in_force(
                session,
                customer=customer,
                tier=graded,
                clock=self.clock,
                entry={
                    "reason": "OVERRIDE_REMOVED",
                    "actor": actor,
                    "explanation": "撤销人工调整，恢复规则等级"
                    + (f"：{state.matched}" if state is not None else ""),
                    "matched": state.matched if state is not None else "",
                    "rule_set_id": state.rule_set_id if state is not None else "",
                    "rule_set_version": state.rule_set_version if state is not None else 0,
                },
            )


async def _open_override(session: AsyncSession, customer_id: str) -> TierOverrideRow | None:
    return await session.scalar(
        select(TierOverrideRow).where(
            TierOverrideRow.customer_id == customer_id, TierOverrideRow.end_time.is_(None)
        )
    )
