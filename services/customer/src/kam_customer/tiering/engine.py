"""Grading (定级): the rules' verdict, hysteresis and overrides applied to many customers in set-based batches.

Used by the scan (:func:`grade_customers`, :func:`candidate_floor`) and by rule-set activation. Everything runs
in the caller's transaction: ``customers.tier``, the tier state, the history and the ``TierChanged`` events
(outbox) commit together.

Semantics (documented in the report / docs):

- the *verdict* is the first tier (highest first) of the ACTIVE rule set of the customer's type whose condition
  holds over ``customer_metrics``;
- the *graded tier* follows the verdict through hysteresis (:func:`rules.apply_hysteresis`): upgrades at once,
  downgrades only after ``downgrade_after_scans`` consecutive scans below; a rule-set activation re-grades at
  once in both directions and resets the counters;
- the tier in force (``customers.tier``) is an open, unexpired override's tier, else the graded tier; an override
  found expired is ended by the grading (history ``OVERRIDE_EXPIRED``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from google.protobuf import struct_pb2
from kam.customer.v1 import events_pb2
from kam.push.v1 import push_pb2
from kam_kit import bulk, outbox
from kam_kit.clock import Clock
from kam_kit.timeconv import aware, to_timestamp
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kam_customer.adapters.orm import CustomerMetricsRow, CustomerRow
from kam_customer.context import SERVICE
from kam_customer.tiering import rules
from kam_customer.tiering.orm import CustomerTierStateRow, TierHistoryRow, TierOverrideRow, TierRuleSetRow
from kam_customer.tiering.protomap import assignment_to_proto
from kam_customer.tiering.repository import active_rule_set, active_rule_sets

CANDIDATE_RATIO = Decimal("0.8")
BATCH = 500
METRIC_COLUMNS = tuple(rules.METRIC_LABELS)
SCAN, ACTIVATION = "SCAN", "RULE_SET_ACTIVATED"


@dataclass
class GradeSummary:
    """What one grading run did."""

    evaluated: int = 0
    changed: int = 0  # customers whose tier in force changed
    held: int = 0  # downgrades deferred by hysteresis
    overrides_expired: int = 0
    tier_counts: dict[str, int] = field(
        default_factory=dict
    )  # tier in force ("tiers/<id>", "" = none) → customers


async def candidate_floor(session: AsyncSession, customer_type: str) -> dict[str, Decimal]:
    """Per metric (a ``customer_metrics`` column), the lowest value that could put a customer of this type into a
    tier of the ACTIVE rule set, × :data:`CANDIDATE_RATIO` (0.8). A customer is a key customer or a candidate
    only if at least one ``metric >= floor`` holds. Falls back to the default rule set when none is stored."""
    row = await session.scalar(
        select(TierRuleSetRow).where(
            TierRuleSetRow.customer_type == customer_type, TierRuleSetRow.state == "ACTIVE"
        )
    )
    if row is None:
        from kam_customer.tiering.defaults import DEFAULT_RULE_SETS

        rule_set = rules.parse(DEFAULT_RULE_SETS[customer_type][2])
    else:
        rule_set = rules.parse(row.definition)
    return rules.candidate_floor(rule_set, CANDIDATE_RATIO)


async def grade_customers(
    session: AsyncSession, *, customer_ids: list[str] | None, scan_id: str, clock: Clock
) -> GradeSummary:
    """Grade the given customers (None = every customer with metrics) in the caller's transaction."""
    return await grade(session, customer_ids=customer_ids, scan_id=scan_id, clock=clock, reason=SCAN)


async def grade(
    session: AsyncSession,
    *,
    customer_ids: Sequence[str] | None,
    scan_id: str,
    clock: Clock,
    reason: str = SCAN,
    customer_type: str | None = None,
) -> GradeSummary:
    now = clock.now()
    active = await active_rule_sets(session, now)
    if customer_type is not None:
        active = {customer_type: active[customer_type]}
    summary = GradeSummary()
    async for batch in _customer_batches(session, customer_ids, tuple(active)):
        await _grade_batch(
            session, batch, active, scan_id=scan_id, clock=clock, now=now, reason=reason, summary=summary
        )
    return summary


def _customer_query(types: tuple[str, ...]):
    columns = [getattr(CustomerMetricsRow, m) for m in METRIC_COLUMNS]
    return (
        select(
            CustomerRow.id,
            CustomerRow.type,
            CustomerRow.tier,
            CustomerRow.branch,
            CustomerRow.relationship_manager,
            *columns,
        )
        .join(CustomerMetricsRow, CustomerMetricsRow.customer_id == CustomerRow.id)
        .where(CustomerRow.type.in_(types))
    )


async def _customer_batches(
    session: AsyncSession,
    customer_ids: Sequence[str] | None,
    types: tuple[str, ...],
) -> AsyncIterator[list[Any]]:
    query = _customer_query(types)
    if customer_ids is not None:
        unique = list(dict.fromkeys(customer_ids))
        for start in range(0, len(unique), BATCH):
            rows = (
                await session.execute(query.where(CustomerRow.id.in_(unique[start : start + BATCH])))
            ).all()
            if rows:
                yield list(rows)
        return
    last = ""
    while True:  # keyset pagination over every customer with metrics
        rows = (
            await session.execute(query.where(CustomerRow.id > last).order_by(CustomerRow.id).limit(BATCH))
        ).all()
        if not rows:
            return
        yield list(rows)
        last = rows[-1].id


def _label(rule_set: rules.RuleSet, tier: str) -> str:
    if not tier:
        return "未定级"
    tier_def = rule_set.tier(tier)
    return tier_def.label if tier_def else tier.removeprefix("tiers/")


async def _grade_batch(
    session: AsyncSession,
    batch: list[Any],
    active: dict[str, tuple[TierRuleSetRow, rules.RuleSet]],
    *,
    scan_id: str,
    clock: Clock,
    now: datetime,
    reason: str,
    summary: GradeSummary,
) -> None:
    ids = [row.id for row in batch]
    state_table = CustomerTierStateRow.__table__
    states = {
        s.customer_id: s
        for s in (await session.execute(select(state_table).where(state_table.c.customer_id.in_(ids)))).all()
    }  # plain rows: no unit of work
    overrides = {
        o.customer_id: o
        for o in (
            await session.execute(
                select(TierOverrideRow).where(
                    TierOverrideRow.customer_id.in_(ids), TierOverrideRow.end_time.is_(None)
                )
            )
        ).scalars()
    }
    new_states: list[dict[str, Any]] = []
    state_updates: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    changes: list[tuple[Any, dict[str, Any]]] = []  # (customer row, history entry) for tier-in-force changes
    for customer in batch:
        rs_row, rule_set = active[customer.type]
        metrics = {m: getattr(customer, m) for m in METRIC_COLUMNS}
        verdict = rules.evaluate(rule_set, metrics)
        state = states.get(customer.id)
        if reason == ACTIVATION or state is None:
            decision = rules.Decision(verdict.tier, 0, "SET")
        else:
            decision = rules.apply_hysteresis(rule_set, state.graded_tier, verdict.tier, state.below_count)
        graded_changed = state is None or state.graded_tier != decision.tier
        if decision.change == "HOLD":
            assert state is not None
            matched, used = state.matched, state.metrics
        else:
            matched, used = verdict.matched, verdict.metrics
        values = {
            "customer_type": customer.type,
            "graded_tier": decision.tier,
            "below_count": decision.below_count,
            "rule_set_id": rs_row.id,
            "rule_set_version": rs_row.version,
            "matched": matched,
            "verdict_tier": verdict.tier,
            "metrics": used,
            "scan_id": scan_id,
            "grade_time": now,
            "assign_time": now if graded_changed else state.assign_time,
        }
        if state is None:
            new_states.append({"customer_id": customer.id, **values})
        else:
            state_updates.append({"customer_id": customer.id, **values})

        override = overrides.get(customer.id)
        expired = override is not None and aware(override.expire_time) <= now
        effective = override.tier if override is not None and not expired else decision.tier
        old = customer.tier or ""
        entry = {
            "customer_id": customer.id,
            "from_tier": old,
            "to_tier": effective,
            "matched": verdict.matched,
            "metrics": verdict.metrics,
            "rule_set_id": rs_row.id,
            "rule_set_version": rs_row.version,
            "rule_index": verdict.tier_index,
            "scan_id": scan_id,
            "actor": "",
            "create_time": now,
        }
        if expired:
            assert override is not None
            override.end_time, override.end_reason, override.open_key = now, "EXPIRED", None
            summary.overrides_expired += 1
            entry.update(
                reason="OVERRIDE_EXPIRED",
                explanation=(
                    f"人工调整等级 {_label(rule_set, override.tier)}（原因：{override.reason}）已到期，"
                    f"恢复规则等级 {_label(rule_set, effective)}：{matched}"
                ),
            )
        elif effective != old:
            if override is not None:  # an override in force whose tier differs (set outside this path)
                entry.update(reason="OVERRIDE", explanation=f"人工调整等级生效中（原因：{override.reason}）")
            elif decision.change == "DOWNGRADE":
                entry.update(
                    reason=reason,
                    explanation=(
                        f"连续 {rule_set.downgrade_after_scans} 次扫描低于 {_label(rule_set, old)}，"
                        f"降级为 {_label(rule_set, effective)}。{verdict.matched}"
                    ),
                )
            else:
                entry.update(reason=reason, explanation=verdict.matched)
        elif decision.change == "HOLD" and override is None:
            entry.update(
                reason="HYSTERESIS_HOLD",
                explanation=(
                    f"本次规则结果 {_label(rule_set, verdict.tier)} 低于当前等级 {_label(rule_set, old)}"
                    f"（连续第 {decision.below_count}/{rule_set.downgrade_after_scans} 次），暂缓降级。{verdict.matched}"
                ),
            )
            summary.held += 1
        else:
            entry = {}
        if entry:
            history.append(entry)
            if effective != old:
                changes.append((customer, entry))
        summary.evaluated += 1
        summary.tier_counts[effective] = summary.tier_counts.get(effective, 0) + 1

    await bulk.insert_rows(session, state_table, new_states)
    if state_updates:
        await session.execute(update(CustomerTierStateRow), state_updates)  # bulk UPDATE by primary key
    if history:
        # One entry per customer here, so RETURNING is matched by customer (SQLite would insert row by row to
        # return seqs in parameter order).
        table = TierHistoryRow.__table__
        seqs = dict(
            (await session.execute(insert(table).returning(table.c.customer_id, table.c.seq), history)).all()
        )
        for entry in history:
            entry["seq"] = seqs[entry["customer_id"]]
    if changes:
        await session.execute(update(CustomerRow), [{"id": c.id, "tier": e["to_tier"]} for c, e in changes])
        summary.changed += len(changes)
        for customer, entry in changes:
            _tier_changed(session, customer, entry, entry["to_tier"], clock)
    await session.flush()


async def set_tier_in_force(
    session: AsyncSession, *, customer: CustomerRow, tier: str, entry: dict[str, Any], clock: Clock
) -> None:
    """Record a manual change of the tier in force (override set/removed): history always, and when the tier
    changes ``customers.tier`` and a TierChanged event."""
    entry = {
        "customer_id": customer.id,
        "from_tier": customer.tier or "",
        "to_tier": tier,
        "create_time": clock.now(),
        **entry,
    }
    seq = (await session.execute(insert(TierHistoryRow).returning(TierHistoryRow.seq), [entry])).scalar_one()
    entry["seq"] = seq
    if (customer.tier or "") != tier:
        customer.tier = tier
        _tier_changed(session, customer, entry, tier, clock)
    await session.flush()


def _tier_changed(
    session: AsyncSession, customer: CustomerRow, entry: dict[str, Any], tier: str, clock: Clock
) -> None:
    """TierChanged, and — for a key customer's change, not a first grading — a push to the relationship manager's
    console (``staff/{code}`` of a scanned customer reaches the user with that staff code): a shown 360 or list
    refreshes without a reload. The push names the customer and the tiers, no personal data."""
    name = f"customers/{customer.id}"
    outbox.record(
        session,
        events_pb2.TierChanged(
            customer=name,
            previous_tier=entry["from_tier"],
            tier=tier,
            assignment=assignment_to_proto(entry),
            branch=customer.branch or "",
            relationship_manager=customer.relationship_manager or "",
        ),
        service=SERVICE,
        clock=clock,
        resource=name,
    )
    if entry["from_tier"] and customer.relationship_manager:
        data = struct_pb2.Struct()
        data.update({"previous_tier": entry["from_tier"], "tier": tier})
        outbox.record(
            session,
            push_pb2.PushRequested(
                recipients=[customer.relationship_manager],
                kind="customer.tierChanged",
                resource=name,
                title="客户等级已变更",
                data=data,
                time=to_timestamp(clock.now()),
            ),
            service=SERVICE,
            clock=clock,
            resource=name,
        )


__all__ = ["GradeSummary", "active_rule_set", "candidate_floor", "grade", "grade_customers"]
