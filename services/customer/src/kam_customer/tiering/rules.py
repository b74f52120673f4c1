"""Tier rule sets (定级规则): the pure domain — parsing, validation with field paths, evaluation, explanations.

A rule set is a JSON document (stored as is; see :data:`DEFAULT_RULE_SETS` for the two defaults)::

    {
      "customer_type": "INDIVIDUAL",            # or "CORPORATE"
      "downgrade_after_scans": 2,               # hysteresis N (optional, default 2)
      "tiers": [                                # highest first; the first tier whose condition holds wins
        {"id": "private-banking",
         "display_name": {"zh-CN": "私人银行", "en-US": "Private Banking"},
         "condition": {"match": "any", "conditions": [
             {"metric": "aum", "op": ">=", "value": "6000000"},
             {"metric": "adb_90", "op": ">=", "value": "6000000"}]}}
      ]
    }

A condition is either a comparison ``{"metric", "op", "value"}`` or a group ``{"match": "all"|"any",
"conditions": [...]}`` (groups nest). Metric names are the columns of ``customer_metrics``. A corporate's
``consolidated_*`` metric falls back to its own figure when the customer heads no group (NULL in the table).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from kam_kit.errors import Validator

INDIVIDUAL = "INDIVIDUAL"
CORPORATE = "CORPORATE"
CUSTOMER_TYPES = (INDIVIDUAL, CORPORATE)
DEFAULT_DOWNGRADE_AFTER_SCANS = 2
MAX_DOWNGRADE_AFTER_SCANS = 100
TIER_ID = re.compile(r"^[a-z][a-z0-9-]{1,62}$")
MAX_DEPTH = 5

#: metric → zh-CN label. Integer metrics are printed without decimals.
METRIC_LABELS: dict[str, str] = {
    "aum": "资产管理规模",
    "adb_30": "近30日日均资产",
    "adb_90": "近90日日均资产",
    "adb_365": "近365日日均资产",
    "loan_balance": "贷款余额",
    "credit_limit": "授信额度",
    "credit_used": "已用额度",
    "product_count": "持有产品数",
    "txn_count_90": "近90日交易笔数",
    "txn_volume_90": "近90日交易金额",
    "contribution": "综合贡献",
    "tenure_months": "客户关系月数",
    "consolidated_aum": "集团合并资产",
    "consolidated_loan_balance": "集团合并贷款",
}
INTEGER_METRICS = frozenset({"product_count", "txn_count_90", "tenure_months"})
CORPORATE_ONLY = {"consolidated_aum": "aum", "consolidated_loan_balance": "loan_balance"}
METRICS_FOR_TYPE = {
    INDIVIDUAL: tuple(m for m in METRIC_LABELS if m not in CORPORATE_ONLY),
    CORPORATE: tuple(METRIC_LABELS),
}
OPERATORS = {
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
    "==": lambda a, b: a == b,
}
OPERATOR_SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}
LOWER_BOUNDS = (">=", ">", "==")


# --------------------------------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    metric: str
    op: str
    value: Decimal


@dataclass(frozen=True)
class Group:
    match: str  # "all" | "any"
    conditions: tuple[Condition, ...]


Condition = Comparison | Group


@dataclass(frozen=True)
class TierDef:
    id: str
    display_name: dict[str, str]  # locale → name; "zh-CN" always present
    condition: Condition

    @property
    def name(self) -> str:
        return f"tiers/{self.id}"

    @property
    def label(self) -> str:
        return self.display_name.get("zh-CN") or self.id


@dataclass(frozen=True)
class RuleSet:
    customer_type: str
    tiers: tuple[TierDef, ...]
    downgrade_after_scans: int = DEFAULT_DOWNGRADE_AFTER_SCANS
    version: int = 0

    def rank(self, tier: str) -> int:
        """0 for the highest tier; ``len(tiers)`` for no tier (``""``) or a tier this rule set does not know."""
        for index, tier_def in enumerate(self.tiers):
            if tier_def.name == tier:
                return index
        return len(self.tiers)

    def tier(self, name: str) -> TierDef | None:
        return next((t for t in self.tiers if t.name == name), None)


# --------------------------------------------------------------------------------------------------------------
# Parsing and validation
# --------------------------------------------------------------------------------------------------------------


def parse(document: dict[str, Any], *, prefix: str = "rule_set", version: int = 0) -> RuleSet:
    """Validate a rule-set document and build it; ``InvalidArgument`` lists every problem with its field path."""
    validator = Validator()
    rule_set = _parse(document, prefix, validator, version)
    validator.raise_if_any("定级规则无效 (invalid rule set)")
    assert rule_set is not None
    return rule_set


def _parse(document: Any, prefix: str, v: Validator, version: int) -> RuleSet | None:
    if not isinstance(document, dict):
        v.add(prefix, "应为对象 (must be an object)")
        return None
    customer_type = document.get("customer_type")
    v.check(customer_type in CUSTOMER_TYPES, f"{prefix}.customer_type", "应为 INDIVIDUAL 或 CORPORATE")
    downgrade = document.get("downgrade_after_scans", DEFAULT_DOWNGRADE_AFTER_SCANS)
    v.check(
        isinstance(downgrade, int)
        and not isinstance(downgrade, bool)
        and 1 <= downgrade <= MAX_DOWNGRADE_AFTER_SCANS,
        f"{prefix}.downgrade_after_scans",
        f"应为 1 到 {MAX_DOWNGRADE_AFTER_SCANS} 之间的整数 (must be an integer from 1 to {MAX_DOWNGRADE_AFTER_SCANS})",
    )
    tiers_doc = document.get("tiers")
    if not isinstance(tiers_doc, list) or not tiers_doc:
        v.add(f"{prefix}.tiers", "至少需要一个等级 (at least one tier)")
        return None
    metrics = METRICS_FOR_TYPE.get(customer_type, tuple(METRIC_LABELS))
    tiers: list[TierDef] = []
    seen: set[str] = set()
    for index, tier_doc in enumerate(tiers_doc):
        path = f"{prefix}.tiers[{index}]"
        if not isinstance(tier_doc, dict):
            v.add(path, "应为对象 (must be an object)")
            continue
        tier_id = tier_doc.get("id")
        if not (isinstance(tier_id, str) and TIER_ID.match(tier_id)):
            v.add(f"{path}.id", "应匹配 [a-z][a-z0-9-]{1,62} (must match [a-z][a-z0-9-]{1,62})")
        elif tier_id in seen:
            v.add(f"{path}.id", f"等级 {tier_id} 重复 (duplicate tier id)")
        else:
            seen.add(tier_id)
        names = tier_doc.get("display_name")
        if not (
            isinstance(names, dict)
            and isinstance(names.get("zh-CN"), str)
            and names["zh-CN"].strip()
            and all(isinstance(k, str) and isinstance(n, str) for k, n in names.items())
        ):
            v.add(f"{path}.display_name", "需要中文名称 zh-CN (a zh-CN display name is required)")
            names = {}
        condition = _condition(tier_doc.get("condition"), f"{path}.condition", v, metrics, 1)
        if condition is not None and isinstance(tier_id, str):
            tiers.append(TierDef(tier_id, {k: n.strip() for k, n in names.items()}, condition))
    if v.violations:
        return None
    return RuleSet(customer_type, tuple(tiers), downgrade, version)


def _condition(doc: Any, path: str, v: Validator, metrics: tuple[str, ...], depth: int) -> Condition | None:
    if not isinstance(doc, dict):
        v.add(path, "应为条件对象 (must be a condition object)")
        return None
    if "match" in doc or "conditions" in doc:
        match = doc.get("match")
        ok = v.check(match in ("all", "any"), f"{path}.match", "应为 all 或 any (must be all or any)")
        children = doc.get("conditions")
        if depth >= MAX_DEPTH:
            v.add(f"{path}.conditions", f"嵌套不能超过 {MAX_DEPTH} 层 (nesting too deep)")
            return None
        if not isinstance(children, list) or not children:
            v.add(f"{path}.conditions", "至少需要一个条件 (at least one condition)")
            return None
        parsed = [
            _condition(child, f"{path}.conditions[{i}]", v, metrics, depth + 1)
            for i, child in enumerate(children)
        ]
        if not ok or any(c is None for c in parsed):
            return None
        return Group(match, tuple(c for c in parsed if c is not None))
    metric, op, raw = doc.get("metric"), doc.get("op"), doc.get("value")
    ok = v.check(
        metric in metrics,
        f"{path}.metric",
        f"未知指标 {metric!r}，可用：{', '.join(metrics)} (unknown metric)",
    )
    ok &= v.check(op in OPERATORS, f"{path}.op", "应为 >=、>、<=、< 或 == (must be one of >=, >, <=, <, ==)")
    value = _decimal(raw)
    ok &= v.check(value is not None, f"{path}.value", "应为十进制数字字符串 (must be a decimal number)")
    if not ok:
        return None
    assert value is not None
    return Comparison(metric, op, value)


def _decimal(raw: Any) -> Decimal | None:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def to_document(rule_set: RuleSet) -> dict[str, Any]:
    """The JSON document of a rule set (inverse of :func:`parse`; the version is stored beside it)."""
    return {
        "customer_type": rule_set.customer_type,
        "downgrade_after_scans": rule_set.downgrade_after_scans,
        "tiers": [
            {"id": t.id, "display_name": dict(t.display_name), "condition": _condition_doc(t.condition)}
            for t in rule_set.tiers
        ],
    }


def _condition_doc(condition: Condition) -> dict[str, Any]:
    if isinstance(condition, Comparison):
        return {"metric": condition.metric, "op": condition.op, "value": str(condition.value)}
    return {"match": condition.match, "conditions": [_condition_doc(c) for c in condition.conditions]}


# --------------------------------------------------------------------------------------------------------------
# Evaluation and explanation
# --------------------------------------------------------------------------------------------------------------

Metrics = dict[str, Decimal]


def metric_value(metrics: Metrics, metric: str) -> Decimal:
    """A metric's value; a missing consolidated figure is the customer's own (a company heading no group)."""
    value = metrics.get(metric)
    if value is None and metric in CORPORATE_ONLY:
        value = metrics.get(CORPORATE_ONLY[metric])
    return Decimal(value) if value is not None else Decimal(0)


def holds(condition: Condition, metrics: Metrics) -> bool:
    if isinstance(condition, Comparison):
        return OPERATORS[condition.op](metric_value(metrics, condition.metric), condition.value)
    results = (holds(c, metrics) for c in condition.conditions)
    return all(results) if condition.match == "all" else any(results)


def _number(metric: str, value: Decimal) -> str:
    if metric in INTEGER_METRICS:
        return f"{value.to_integral_value():,}" if value == value.to_integral_value() else f"{value:,}"
    return f"{value.quantize(Decimal('0.01')):,}"


def describe(condition: Condition, metrics: Metrics | None = None) -> str:
    """Human-readable zh-CN text of a condition, with actual values when ``metrics`` are given, e.g.
    ``资产管理规模 ≥ 6,000,000.00 (实际 7,345,210.55)``: metrics by their Chinese names (:data:`METRIC_LABELS`),
    not their keys, as the text is shown to staff as is."""
    if isinstance(condition, Comparison):
        text = (
            f"{METRIC_LABELS[condition.metric]} {OPERATOR_SYMBOLS[condition.op]} "
            f"{_number(condition.metric, condition.value)}"
        )
        if metrics is not None:
            text += f" (实际 {_number(condition.metric, metric_value(metrics, condition.metric))})"
        return text
    joiner = " 且 " if condition.match == "all" else " 或 "
    parts = [describe(c, metrics) for c in condition.conditions]
    text = joiner.join(f"({p})" if isinstance(c, Group) else p for p, c in zip(parts, condition.conditions))
    return text


def matched_text(condition: Condition, metrics: Metrics) -> str:
    """The part of a condition that made it hold: every clause of an ``all`` group, the satisfied clauses of an
    ``any`` group."""
    if isinstance(condition, Comparison):
        return describe(condition, metrics)
    if condition.match == "all":
        return " 且 ".join(matched_text(c, metrics) for c in condition.conditions)
    return "；".join(matched_text(c, metrics) for c in condition.conditions if holds(c, metrics))


def metrics_used(condition: Condition) -> list[str]:
    if isinstance(condition, Comparison):
        return [condition.metric]
    out: list[str] = []
    for child in condition.conditions:
        out.extend(m for m in metrics_used(child) if m not in out)
    return out


@dataclass(frozen=True)
class Evaluation:
    """The rules' verdict for one customer (before hysteresis and overrides)."""

    tier: str  # "tiers/<id>" or "" when no tier's condition holds
    tier_index: int  # -1 when no tier matched
    matched: str  # the matched condition with actual values, or why nothing matched
    metrics: dict[str, str]  # metric → value used (decimal strings)


def evaluate(rule_set: RuleSet, metrics: Metrics) -> Evaluation:
    """The first tier (highest first) whose condition holds, with the explanation."""
    used: list[str] = []
    for tier in rule_set.tiers:
        used.extend(m for m in metrics_used(tier.condition) if m not in used)
    values = {m: str(metric_value(metrics, m)) for m in used}
    for index, tier in enumerate(rule_set.tiers):
        if holds(tier.condition, metrics):
            return Evaluation(
                tier.name, index, f"{tier.label}：{matched_text(tier.condition, metrics)}", values
            )
    lowest = rule_set.tiers[-1]
    return Evaluation(
        "", -1, f"未达到任何等级；最低等级 {lowest.label} 需要：{describe(lowest.condition, metrics)}", values
    )


def candidate_floor(rule_set: RuleSet, ratio: Decimal) -> dict[str, Decimal]:
    """Per metric, the lowest threshold of any lower-bound comparison (>=, >, ==) in the rule set × ``ratio``.

    A customer can only reach a tier when at least one lower-bound comparison holds, so selecting customers with
    *any* ``metric >= floor`` finds every key customer plus those within (1 − ratio) of a threshold. Metrics only
    bounded from above never qualify a customer by themselves and are left out. A consolidated metric's floor is
    also given for its own-figure fallback (``aum`` for ``consolidated_aum``)."""
    floors: dict[str, Decimal] = {}

    def visit(condition: Condition) -> None:
        if isinstance(condition, Group):
            for child in condition.conditions:
                visit(child)
        elif condition.op in LOWER_BOUNDS:
            for metric in (condition.metric, CORPORATE_ONLY.get(condition.metric)):
                if metric is not None:
                    floor = (condition.value * ratio).quantize(Decimal("0.01"))
                    floors[metric] = min(floors.get(metric, floor), floor)

    for tier in rule_set.tiers:
        visit(tier.condition)
    return floors


# --------------------------------------------------------------------------------------------------------------
# Hysteresis
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    tier: str  # the graded tier after this scan
    below_count: int  # consecutive scans whose rule verdict was below ``tier``
    change: str  # "UPGRADE" | "DOWNGRADE" | "HOLD" (downgrade deferred) | "SAME"


def apply_hysteresis(rule_set: RuleSet, current: str | None, verdict: str, below_count: int) -> Decision:
    """Upgrades (and a first grading) apply at once; a downgrade only after ``downgrade_after_scans``
    consecutive scans whose verdict is below the current tier. A scan at or above the current tier resets the
    counter. The tier a downgrade lands on is the verdict of the scan that completes the run."""
    if current is None:
        return Decision(verdict, 0, "UPGRADE" if verdict else "SAME")
    new_rank, current_rank = rule_set.rank(verdict), rule_set.rank(current)
    if new_rank < current_rank:
        return Decision(verdict, 0, "UPGRADE")
    if new_rank == current_rank:
        return Decision(current, 0, "SAME")
    below = below_count + 1
    if below >= rule_set.downgrade_after_scans:
        return Decision(verdict, 0, "DOWNGRADE")
    return Decision(current, below, "HOLD")
