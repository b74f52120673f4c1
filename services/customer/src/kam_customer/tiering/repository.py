"""Reading rule sets (seeding the defaults when a type has none)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_customer.tiering import rules
from kam_customer.tiering.defaults import DEFAULT_RULE_SETS
from kam_customer.tiering.orm import TierRuleSetRow

ACTIVE, DRAFT, RETIRED = "ACTIVE", "DRAFT", "RETIRED"


def rule_set_of(row: TierRuleSetRow) -> rules.RuleSet:
    return rules.parse(row.definition, version=row.version)


async def active_rule_set(
    session: AsyncSession,
    customer_type: str,
    now: datetime | None = None,
) -> tuple[TierRuleSetRow, rules.RuleSet]:
    """The ACTIVE rule set of a customer type. When the type has no rule set at all (a database created without
    the migration's seed) and ``now`` is given, the default is inserted as version 1."""
    row = await session.scalar(
        select(TierRuleSetRow).where(
            TierRuleSetRow.customer_type == customer_type, TierRuleSetRow.state == ACTIVE
        )
    )
    if row is None:
        if now is None:
            raise LookupError(f"no active rule set for {customer_type}")
        rule_set_id, display_name, document = DEFAULT_RULE_SETS[customer_type]
        row = TierRuleSetRow(
            id=rule_set_id,
            customer_type=customer_type,
            version=1,
            state=ACTIVE,
            display_name=display_name,
            definition=document,
            creator="system",
            revision=1,
            create_time=now,
            update_time=now,
            activate_time=now,
        )
        session.add(row)
        await session.flush()
    return row, rule_set_of(row)


async def active_rule_sets(
    session: AsyncSession,
    now: datetime | None = None,
) -> dict[str, tuple[TierRuleSetRow, rules.RuleSet]]:
    return {t: await active_rule_set(session, t, now) for t in rules.CUSTOMER_TYPES}
