"""Rule sets, assignments and overrides ↔ protobuf messages."""

from __future__ import annotations

from typing import Any

from kam.customer.v1 import customer_pb2, tier_pb2
from kam_kit import etags
from kam_kit.timeconv import to_timestamp

from kam_customer.tiering import rules
from kam_customer.tiering.orm import CustomerTierStateRow, TierOverrideRow, TierRow, TierRuleSetRow

Metric = tier_pb2.Metric
Operator = tier_pb2.MetricCondition.Operator
Match = tier_pb2.TierCondition.Match
Reason = tier_pb2.TierAssignment.Reason
Customer = customer_pb2.Customer

METRIC_TO_PROTO: dict[str, int] = {
    "aum": Metric.METRIC_ASSETS_UNDER_MANAGEMENT,
    "adb_30": Metric.METRIC_AVERAGE_DAILY_BALANCE_30,
    "adb_90": Metric.METRIC_AVERAGE_DAILY_BALANCE,
    "adb_365": Metric.METRIC_AVERAGE_DAILY_BALANCE_365,
    "loan_balance": Metric.METRIC_LOAN_BALANCE,
    "credit_limit": Metric.METRIC_CREDIT_LIMIT,
    "credit_used": Metric.METRIC_CREDIT_USED,
    "product_count": Metric.METRIC_PRODUCT_COUNT,
    "txn_count_90": Metric.METRIC_TRANSACTION_COUNT_90,
    "txn_volume_90": Metric.METRIC_TRANSACTION_VOLUME_90,
    "contribution": Metric.METRIC_CONTRIBUTION,
    "tenure_months": Metric.METRIC_TENURE_MONTHS,
    "consolidated_aum": Metric.METRIC_CONSOLIDATED_AUM,
    "consolidated_loan_balance": Metric.METRIC_CONSOLIDATED_LOAN_BALANCE,
}
METRIC_FROM_PROTO = {v: k for k, v in METRIC_TO_PROTO.items()}
OPERATOR_TO_PROTO = {
    ">=": Operator.OPERATOR_GREATER_THAN_OR_EQUAL,
    ">": Operator.OPERATOR_GREATER_THAN,
    "<=": Operator.OPERATOR_LESS_THAN_OR_EQUAL,
    "<": Operator.OPERATOR_LESS_THAN,
    "==": Operator.OPERATOR_EQUAL,
}
OPERATOR_FROM_PROTO = {v: k for k, v in OPERATOR_TO_PROTO.items()}
MATCH_TO_PROTO = {"all": Match.MATCH_ALL, "any": Match.MATCH_ANY}
MATCH_FROM_PROTO = {v: k for k, v in MATCH_TO_PROTO.items()}
TYPE_TO_PROTO = {rules.INDIVIDUAL: Customer.TYPE_INDIVIDUAL, rules.CORPORATE: Customer.TYPE_CORPORATE}
TYPE_FROM_PROTO = {v: k for k, v in TYPE_TO_PROTO.items()}
STATE_TO_PROTO = {
    "DRAFT": tier_pb2.TierRuleSet.STATE_DRAFT,
    "ACTIVE": tier_pb2.TierRuleSet.STATE_ACTIVE,
    "RETIRED": tier_pb2.TierRuleSet.STATE_ARCHIVED,
}
STATE_FROM_PROTO = {v: k for k, v in STATE_TO_PROTO.items()}
REASONS = (
    "SCAN",
    "HYSTERESIS_HOLD",
    "RULE_SET_ACTIVATED",
    "OVERRIDE",
    "OVERRIDE_REMOVED",
    "OVERRIDE_EXPIRED",
)


etag_for = etags.etag_for


# --- rule sets ------------------------------------------------------------------------------------------------


def _condition_to_proto(doc: dict[str, Any]) -> tier_pb2.TierCondition:
    if "conditions" in doc:
        return tier_pb2.TierCondition(
            match=MATCH_TO_PROTO.get(doc.get("match"), 0),
            conditions=[_condition_to_proto(c) for c in doc["conditions"]],
        )
    return tier_pb2.TierCondition(
        metric=METRIC_TO_PROTO.get(doc.get("metric"), 0),
        operator=OPERATOR_TO_PROTO.get(doc.get("op"), 0),
        value=str(doc.get("value", "")),
    )


def rule_set_to_proto(row: TierRuleSetRow) -> tier_pb2.TierRuleSet:
    doc = row.definition
    message = tier_pb2.TierRuleSet(
        name=f"tierRuleSets/{row.id}",
        display_name=row.display_name,
        state=STATE_TO_PROTO[row.state],
        creator=row.creator,
        create_time=to_timestamp(row.create_time),
        update_time=to_timestamp(row.update_time),
        etag=etag_for(row.revision),
        customer_type=TYPE_TO_PROTO.get(row.customer_type, 0),
        version=row.version,
        downgrade_after_scans=doc.get("downgrade_after_scans", rules.DEFAULT_DOWNGRADE_AFTER_SCANS),
    )
    if row.activate_time is not None:
        message.activate_time.CopyFrom(to_timestamp(row.activate_time))
    for tier in doc.get("tiers", []):
        names = tier.get("display_name", {})
        message.rules.append(
            tier_pb2.TierRule(
                tier=f"tiers/{tier['id']}",
                condition=_condition_to_proto(tier["condition"]),
                tier_display_name=names.get("zh-CN", ""),
                tier_display_name_en=names.get("en-US", ""),
                customer_type=TYPE_TO_PROTO.get(row.customer_type, 0),
            )
        )
    return message


def _condition_from_proto(message: tier_pb2.TierCondition) -> dict[str, Any]:
    if message.match or message.conditions:
        return {
            "match": MATCH_FROM_PROTO.get(message.match, ""),
            "conditions": [_condition_from_proto(c) for c in message.conditions],
        }
    return _comparison(message.metric, message.operator, message.value)


def _comparison(metric: int, operator: int, value: str) -> dict[str, Any]:
    return {
        "metric": METRIC_FROM_PROTO.get(metric, ""),
        "op": OPERATOR_FROM_PROTO.get(operator, ""),
        "value": value,
    }


def document_from_proto(message: tier_pb2.TierRuleSet) -> dict[str, Any]:
    """The rule-set document of a request (validated afterwards by :func:`rules.parse`)."""
    tiers = []
    for rule in message.rules:
        if rule.HasField("condition"):
            condition = _condition_from_proto(rule.condition)
        else:  # the original AND-only form
            condition = {
                "match": "all",
                "conditions": [_comparison(c.metric, c.operator, c.value) for c in rule.conditions],
            }
        names = {"zh-CN": rule.tier_display_name or rule.description}
        if rule.tier_display_name_en:
            names["en-US"] = rule.tier_display_name_en
        tier_id = rule.tier.removeprefix("tiers/") if rule.tier.startswith("tiers/") else ""
        tiers.append({"id": tier_id, "display_name": names, "condition": condition})
    return {
        "customer_type": TYPE_FROM_PROTO.get(message.customer_type, ""),
        "downgrade_after_scans": message.downgrade_after_scans or rules.DEFAULT_DOWNGRADE_AFTER_SCANS,
        "tiers": tiers,
    }


def proto_field_path(path: str) -> str:
    """A rule-set document's field path in the request's terms:
    ``tier_rule_set.tiers[1].condition.conditions[0].op`` → ``tier_rule_set.rules[1].condition.conditions[0].operator``."""
    path = path.replace(".tiers[", ".rules[").replace(".tiers", ".rules")
    if path.endswith(".op"):
        path = path[:-3] + ".operator"
    if path.endswith("].id"):
        path = path[:-3] + ".tier"
    return path.replace("].display_name", "].tier_display_name")


# --- assignments and overrides --------------------------------------------------------------------------------


def metric_values(values: dict[str, str]) -> list[tier_pb2.MetricValue]:
    return [
        tier_pb2.MetricValue(metric=METRIC_TO_PROTO[m], value=v)
        for m, v in values.items()
        if m in METRIC_TO_PROTO
    ]


def assignment_to_proto(entry: dict[str, Any] | Any, *, seq: int | None = None) -> tier_pb2.TierAssignment:
    """A history entry (a ``TierHistoryRow`` or the dict inserted for one) as a TierAssignment."""
    get = entry.get if isinstance(entry, dict) else (lambda key, default=None: getattr(entry, key, default))
    seq = seq if seq is not None else get("seq")
    reason = get("reason")
    return tier_pb2.TierAssignment(
        name=f"customers/{get('customer_id')}/tierAssignments/{seq}",
        tier=get("to_tier") or "",
        previous_tier=get("from_tier") or "",
        rule_set=f"tierRuleSets/{get('rule_set_id')}" if get("rule_set_id") else "",
        rule_index=get("rule_index", -1) if get("rule_index", None) is not None else -1,
        metric_values=metric_values(get("metrics") or {}),
        explanation=get("explanation") or "",
        assign_time=to_timestamp(get("create_time")),
        reason=Reason.Value(f"REASON_{reason}"),
        scan=get("scan_id") or "",
        rule_set_version=get("rule_set_version") or 0,
        matched_condition=get("matched") or "",
        actor=get("actor") or "",
    )


def state_assignment(state: CustomerTierStateRow) -> tier_pb2.TierAssignment:
    """Why the customer holds its graded tier."""
    return tier_pb2.TierAssignment(
        tier=state.graded_tier,
        rule_set=f"tierRuleSets/{state.rule_set_id}" if state.rule_set_id else "",
        metric_values=metric_values(state.metrics or {}),
        explanation=state.matched,
        matched_condition=state.matched,
        assign_time=to_timestamp(state.assign_time),
        scan=state.scan_id,
        rule_set_version=state.rule_set_version,
        reason=Reason.REASON_SCAN,
        rule_index=-1,
    )


def override_to_proto(row: TierOverrideRow) -> tier_pb2.TierOverride:
    return tier_pb2.TierOverride(
        name=f"customers/{row.customer_id}/tierOverrides/{row.id}",
        tier=row.tier,
        reason=row.reason,
        expire_time=to_timestamp(row.expire_time),
        creator=row.actor,
        create_time=to_timestamp(row.create_time),
    )


# --- the tier catalogue ---------------------------------------------------------------------------------------


def tier_to_proto(row: TierRow, customer_count: int) -> tier_pb2.Tier:
    return tier_pb2.Tier(
        name=f"tiers/{row.id}",
        display_name=row.display_name,
        rank=row.rank,
        description=row.description,
        customer_count=customer_count,
        create_time=to_timestamp(row.create_time),
        update_time=to_timestamp(row.update_time),
        etag=etag_for(row.version),
    )
