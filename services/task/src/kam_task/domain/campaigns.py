"""The rules of a campaign, without storage: who is held out, how a target is split into quotas, how a target
customer moves along the funnel, and what counts as progress in the campaign's measure."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

DRAFT, ACTIVE, COMPLETED, CANCELLED = "STATE_DRAFT", "STATE_ACTIVE", "STATE_COMPLETED", "STATE_CANCELLED"
AMOUNT, ACCOUNTS, REACHED = "MEASURE_AMOUNT", "MEASURE_ACCOUNTS", "MEASURE_CUSTOMERS_REACHED"
#: the states each change starts from
FROM = {
    "update": {DRAFT, ACTIVE},
    "launch": {DRAFT},
    "complete": {ACTIVE},
    "cancel": {DRAFT, ACTIVE},
}
VERBS = {"update": "修改", "launch": "启动", "complete": "结束", "cancel": "取消"}
STATE_NAMES = {DRAFT: "草稿", ACTIVE: "进行中", COMPLETED: "已结束", CANCELLED: "已取消"}
#: kam.task.v1.CampaignTarget.Stage
NOT_CONTACTED, CONTACTED, INTERESTED, DECLINED, CONVERTED = 1, 2, 3, 4, 5
#: kam.task.v1.CampaignActivity.Outcome → the stage it puts a customer in
OUTCOME_STAGE = {1: CONTACTED, 2: INTERESTED, 3: DECLINED, 4: CONVERTED}
MAX_HOLDOUT = 50
#: fields UpdateCampaign may change once the campaign is active
ACTIVE_WRITABLE = frozenset(
    {"display_name", "description", "script", "end_date", "target_amount", "target_count", "quotas"}
)
CENT = Decimal("0.01")


def held_out(campaign_id: str, customer: str, percent: int) -> bool:
    """Whether a customer is in the campaign's hold-out: a stable draw from the campaign and the customer, so a
    preview and the launch agree and nobody can pick who is held out."""
    if percent <= 0:
        return False
    digest = hashlib.sha256(f"{campaign_id}|{customer}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 10_000 < percent * 100


def next_stage(current: int, outcome_stage: int) -> int:
    """A customer's stage after an activity: converted stays converted; otherwise the latest answer (interested or
    declined) counts, and a plain contact never moves anyone back."""
    if current == CONVERTED or outcome_stage == CONVERTED:
        return CONVERTED
    if outcome_stage in (INTERESTED, DECLINED):
        return outcome_stage
    return max(current, outcome_stage) if current in (NOT_CONTACTED, CONTACTED) else current


def split(
    total: Decimal | int, weights: Mapping[str, int], *, unit: Decimal | int
) -> dict[str, Decimal | int]:
    """``total`` split over ``weights`` in proportion, in steps of ``unit`` (a cent, or 1), the remainders going
    to the largest fractions (largest-remainder method): the parts always sum to ``total`` exactly. With no
    weight at all the parts are equal."""
    keys = sorted(weights)
    if not keys:
        return {}
    basis = {k: weights[k] for k in keys} if any(weights[k] for k in keys) else dict.fromkeys(keys, 1)
    whole = sum(basis.values())
    steps = int(Decimal(total) / Decimal(unit))
    raw = {k: Decimal(steps) * basis[k] / whole for k in keys}
    floor = {k: int(raw[k]) for k in keys}
    left = steps - sum(floor.values())
    for k in sorted(keys, key=lambda k: (-(raw[k] - floor[k]), k))[:left]:
        floor[k] += 1
    if isinstance(unit, int):
        return {k: floor[k] * unit for k in keys}
    return {k: (Decimal(floor[k]) * unit).quantize(CENT) for k in keys}


@dataclass
class Tally:
    """A group's figures (an executing unit, a relationship manager, the total)."""

    targets: int = 0
    reached: int = 0
    interested: int = 0
    declined: int = 0
    converted: int = 0
    converted_amount: Decimal = Decimal(0)
    attributed_accounts: int = 0
    activities: int = 0

    def add(
        self, *, stage: int, converted_amount: Decimal, attributed_count: int, attributed_amount: Decimal
    ) -> None:
        self.targets += 1
        self.reached += stage >= CONTACTED
        self.interested += stage == INTERESTED
        self.declined += stage == DECLINED
        converted = stage == CONVERTED or attributed_count > 0
        self.converted += converted
        self.converted_amount += converted_amount if converted_amount > 0 else attributed_amount
        self.attributed_accounts += attributed_count

    def achieved(self, measure: str) -> float:
        if measure == ACCOUNTS:
            return float(self.attributed_accounts)
        if measure == REACHED:
            return float(self.reached)
        return float(self.converted_amount)


def ratio(achieved: float, target: float) -> float:
    return achieved / target if target > 0 else 0.0
