"""The tier catalogue (客户等级目录): the tiers that rule sets reference, with display name, rank and service level.

- Rank 1 is the highest; ranks are unique across tiers (both customer types share one catalogue, as they share
  the ``tiers/<id>`` names). A rule set's rule order decides grading; rank orders the catalogue for people.
- ``customer_count`` is the number of customers holding the tier now (``customers.tier``, overrides included)
  among those in the caller's data scope (a relationship manager sees their own counts, not the bank's).
- A rule naming a catalogue tier may leave its display name empty: the catalogue's is used. A rule naming a tier
  that is not in the catalogue must give a display name (else ``INVALID_ARGUMENT`` on ``rules[i].tier``); such a
  tier is added to the catalogue when the rule set is activated (next free ranks, in rule order), so every tier
  of an active rule set is always in the catalogue.
- DeleteTier refuses (``FAILED_PRECONDITION``) while a rule of an active rule set uses the tier or a customer
  holds it (in force, graded, or through an open override).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kam_kit import etags
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound, Validator
from sqlalchemy import case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_customer.adapters.orm import CustomerRow
from kam_customer.adapters.scope import customer_condition, scope_for
from kam_customer.adapters.trail import trail, values
from kam_customer.tiering import rules
from kam_customer.tiering.orm import CustomerTierStateRow, TierOverrideRow, TierRow, TierRuleSetRow
from kam_customer.tiering.repository import ACTIVE, active_rule_sets

WRITABLE = ("display_name", "rank", "description")
MAX_NAME, MAX_DESCRIPTION, MAX_RANK = 100, 2000, 10_000


@dataclass
class TierDraft:
    display_name: str = ""
    rank: int = 0
    description: str = ""


@dataclass
class TierView:
    row: TierRow
    customer_count: int


def _not_found(tier_id: str) -> NotFound:
    return NotFound(f"等级 tiers/{tier_id} 不存在 (not found)", metadata={"name": f"tiers/{tier_id}"})


async def _rank_taken(session: AsyncSession, rank: int, tier_id: str) -> str | None:
    other = await session.scalar(select(TierRow.id).where(TierRow.rank == rank, TierRow.id != tier_id))
    return f"tiers/{other}" if other else None


async def _counts(
    session: AsyncSession, identity: Identity | None, tier_ids: list[str] | None = None
) -> dict[str, int]:
    query = select(CustomerRow.tier, func.count()).where(CustomerRow.tier != "").group_by(CustomerRow.tier)
    restrict = customer_condition(await scope_for(session, identity))
    if restrict is not None:
        query = query.where(restrict)
    if tier_ids is not None:
        query = query.where(CustomerRow.tier.in_([f"tiers/{t}" for t in tier_ids]))
    return {tier.removeprefix("tiers/"): int(n) for tier, n in (await session.execute(query)).all()}


async def tier_display_names(session: AsyncSession, tiers: Iterable[str]) -> dict[str, str]:
    """``tiers/<id>`` → zh-CN display name, for those of ``tiers`` KAM can name: the catalogue's name (what
    GetCustomerTier shows), else the one given by the rule sets naming the tier — the active ones first, then the
    newest — for a tier no longer in the catalogue. A tier nobody names is left out."""
    wanted = {tier for tier in tiers if tier.startswith("tiers/")}
    if not wanted:
        return {}
    names = {
        f"tiers/{tier_id}": name
        for tier_id, name in (
            await session.execute(
                select(TierRow.id, TierRow.display_name).where(
                    TierRow.id.in_({tier.removeprefix("tiers/") for tier in wanted})
                )
            )
        ).all()
        if name
    }
    missing = wanted - names.keys()
    if missing:
        definitions = (
            await session.scalars(
                select(TierRuleSetRow.definition).order_by(
                    case((TierRuleSetRow.state == ACTIVE, 0), else_=1),
                    TierRuleSetRow.version.desc(),
                    TierRuleSetRow.update_time.desc(),
                )
            )
        ).all()
        for definition in definitions:
            for tier in (definition or {}).get("tiers") or ():
                name = f"tiers/{tier.get('id')}" if isinstance(tier, dict) else ""
                label = (tier.get("display_name") or {}).get("zh-CN") if name in missing else None
                if isinstance(label, str) and label.strip():
                    names[name] = label.strip()
                    missing.discard(name)
            if not missing:
                break
    return names


class TierCatalogue:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.audit = trail(clock)

    @staticmethod
    async def _view(session: AsyncSession, row: TierRow, identity: Identity | None) -> TierView:
        return TierView(row, (await _counts(session, identity, [row.id])).get(row.id, 0))

    async def _validate(
        self, session: AsyncSession, tier_id: str, draft: TierDraft, paths: tuple[str, ...]
    ) -> None:
        v = Validator()
        if "display_name" in paths and v.require(
            draft.display_name, "tier.display_name", "请填写等级名称 (required)"
        ):
            v.check(
                len(draft.display_name) <= MAX_NAME,
                "tier.display_name",
                f"最长{MAX_NAME}个字符 (at most {MAX_NAME})",
            )
        if "rank" in paths and v.check(
            1 <= draft.rank <= MAX_RANK,
            "tier.rank",
            f"应为 1 到 {MAX_RANK} 之间的整数，1 为最高 (1 is the highest)",
        ):
            taken = await _rank_taken(session, draft.rank, tier_id)
            v.check(
                taken is None, "tier.rank", f"等级顺序 {draft.rank} 已被 {taken} 使用 (rank must be unique)"
            )
        if "description" in paths:
            v.check(
                len(draft.description) <= MAX_DESCRIPTION,
                "tier.description",
                f"最长{MAX_DESCRIPTION}个字符 (at most {MAX_DESCRIPTION})",
            )
        v.raise_if_any()

    async def create(self, tier_id: str, draft: TierDraft, identity: Identity | None = None) -> TierView:
        if not rules.TIER_ID.match(tier_id):
            raise InvalidArgument.for_field(
                "tier_id", "应匹配 [a-z][a-z0-9-]{1,62} (must match [a-z][a-z0-9-]{1,62})"
            )
        async with self.db.transaction() as session:
            if await session.get(TierRow, tier_id) is not None:
                raise AlreadyExists(
                    f"等级 tiers/{tier_id} 已存在 (already exists)", metadata={"name": f"tiers/{tier_id}"}
                )
            await self._validate(session, tier_id, draft, WRITABLE)
            now = self.clock.now()
            row = TierRow(
                id=tier_id,
                display_name=draft.display_name.strip(),
                rank=draft.rank,
                description=draft.description.strip(),
                version=1,
                create_time=now,
                update_time=now,
            )
            session.add(row)
            await session.flush()
            self.audit.change(
                session, actor=identity, action="tiers.create", resource=f"tiers/{row.id}", after=values(row)
            )
            return await self._view(session, row, identity)

    async def get(self, tier_id: str, identity: Identity | None = None) -> TierView:
        async with self.db.read() as session:
            row = await session.get(TierRow, tier_id)
            if row is None:
                raise _not_found(tier_id)
            return await self._view(session, row, identity)

    async def list(self, identity: Identity | None = None) -> list[TierView]:
        async with self.db.read() as session:
            rows = (await session.scalars(select(TierRow).order_by(TierRow.rank))).all()
            counts = await _counts(session, identity)
        return [TierView(row, counts.get(row.id, 0)) for row in rows]

    async def display_names(self) -> dict[str, str]:
        """``tiers/<id>`` → display name, for every catalogue tier."""
        async with self.db.read() as session:
            return {
                f"tiers/{tier_id}": name
                for tier_id, name in (await session.execute(select(TierRow.id, TierRow.display_name))).all()
            }

    async def update(
        self, tier_id: str, draft: TierDraft, *, etag: str, paths: list[str], identity: Identity | None = None
    ) -> TierView:
        unknown = [p for p in paths if p not in WRITABLE]
        if unknown:
            raise InvalidArgument.for_field(
                "update_mask", f"不可修改的字段 (cannot update): {', '.join(unknown)}"
            )
        async with self.db.transaction() as session:
            row = await session.get(TierRow, tier_id)
            if row is None:
                raise _not_found(tier_id)
            etags.check(etag, row.version, "等级")
            if not paths:  # nothing to change (AIP-134: no mask and no populated field)
                return await self._view(session, row, identity)
            await self._validate(session, tier_id, draft, tuple(paths))
            before = values(row)
            if "display_name" in paths:
                row.display_name = draft.display_name.strip()
            if "rank" in paths:
                row.rank = draft.rank
            if "description" in paths:
                row.description = draft.description.strip()
            row.version += 1
            row.update_time = self.clock.now()
            await session.flush()
            self.audit.change(
                session,
                actor=identity,
                action="tiers.update",
                resource=f"tiers/{row.id}",
                before=before,
                after=values(row),
            )
            return await self._view(session, row, identity)

    async def delete(self, tier_id: str, identity: Identity | None = None) -> None:
        name = f"tiers/{tier_id}"
        async with self.db.transaction() as session:
            row = await session.get(TierRow, tier_id)
            if row is None:
                raise _not_found(tier_id)
            for rule_set_row, rule_set in (await active_rule_sets(session, self.clock.now())).values():
                if rule_set.tier(name) is not None:
                    raise FailedPrecondition(
                        f"启用中的定级规则 tierRuleSets/{rule_set_row.id} 使用该等级，不能删除 (a rule of the active rule "
                        "set uses the tier)",
                        reason="TIER_IN_USE",
                        metadata={"rule_set": f"tierRuleSets/{rule_set_row.id}"},
                    )
            holders = await session.scalar(
                select(func.count())
                .select_from(CustomerRow)
                .where(
                    or_(
                        CustomerRow.tier == name,
                        CustomerRow.id.in_(
                            select(CustomerTierStateRow.customer_id).where(
                                CustomerTierStateRow.graded_tier == name
                            )
                        ),
                        CustomerRow.id.in_(
                            select(TierOverrideRow.customer_id).where(
                                TierOverrideRow.tier == name, TierOverrideRow.end_time.is_(None)
                            )
                        ),
                    )
                )
            )
            if holders:
                raise FailedPrecondition(
                    f"仍有 {holders} 位客户持有该等级，不能删除 (customers hold the tier)",
                    reason="TIER_HELD",
                    metadata={"customer_count": str(holders)},
                )
            await session.delete(row)
            self.audit.change(
                session, actor=identity, action="tiers.delete", resource=name, before=values(row)
            )


# --- what rule sets need from the catalogue -------------------------------------------------------------------


async def parse_rule_set(session: AsyncSession, document: dict[str, Any], prefix: str) -> rules.RuleSet:
    """:func:`rules.parse` with the catalogue's display names filled in for rules that leave them empty; a rule
    naming a tier the catalogue does not know needs its own display name (the violation names ``tiers[i].id``)."""
    filled = copy.deepcopy(document)
    tiers = filled.get("tiers") if isinstance(filled, dict) else None
    known = {row.id: row for row in (await session.scalars(select(TierRow))).all()}
    v = Validator()
    unnamed: set[str] = set()
    for index, tier in enumerate(tiers if isinstance(tiers, list) else []):
        if not isinstance(tier, dict) or not isinstance(tier.get("id"), str):
            continue
        names = tier.get("display_name") if isinstance(tier.get("display_name"), dict) else {}
        if str(names.get("zh-CN") or "").strip():
            continue
        if tier["id"] in known:
            tier["display_name"] = {**names, "zh-CN": known[tier["id"]].display_name}
        elif rules.TIER_ID.match(tier["id"]):
            v.add(
                f"{prefix}.tiers[{index}].id",
                f"等级 tiers/{tier['id']} 不在等级目录中：请先创建该等级，或填写等级名称 "
                "(not in the tier catalogue: create it with CreateTier or give the "
                "rule's tier_display_name)",
            )
            unnamed.add(f"{prefix}.tiers[{index}].display_name")
    try:
        rule_set = rules.parse(filled, prefix=prefix)
    except InvalidArgument as error:
        v.violations.extend(x for x in error.violations if x.field not in unnamed)
        v.raise_if_any("定级规则无效 (invalid rule set)")
        raise
    v.raise_if_any("定级规则无效 (invalid rule set)")
    return rule_set


async def register(session: AsyncSession, rule_set: rules.RuleSet, now: datetime) -> list[TierRow]:
    """Add the tiers of a rule set being activated that the catalogue lacks (next free ranks, in rule order)."""
    known = set((await session.scalars(select(TierRow.id))).all())
    rank = int(await session.scalar(select(func.max(TierRow.rank))) or 0)
    added = []
    for tier in rule_set.tiers:
        if tier.id not in known:
            rank += 1
            added.append(
                TierRow(
                    id=tier.id,
                    display_name=tier.label,
                    rank=rank,
                    description="",
                    version=1,
                    create_time=now,
                    update_time=now,
                )
            )
    session.add_all(added)
    await session.flush()
    return added
