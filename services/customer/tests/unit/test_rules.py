"""The tier rules' domain: validation paths, evaluation, explanations, hysteresis, candidate floors."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from kam_customer.tiering import rules
from kam_customer.tiering.defaults import CORPORATE_DEFAULT, INDIVIDUAL_DEFAULT
from kam_kit.errors import InvalidArgument

D = Decimal
INDIVIDUAL = rules.parse(INDIVIDUAL_DEFAULT)
CORPORATE = rules.parse(CORPORATE_DEFAULT)


def test_first_matching_tier_wins_with_explanation() -> None:
    verdict = rules.evaluate(INDIVIDUAL, {"aum": D("7345210.55"), "adb_90": D("10")})
    assert verdict.tier == "tiers/private-banking" and verdict.tier_index == 0
    assert verdict.matched == "私人银行：资产管理规模 ≥ 6,000,000.00 (实际 7,345,210.55)"
    assert verdict.metrics["aum"] == "7345210.55"
    assert rules.evaluate(INDIVIDUAL, {"adb_90": D("2000000")}).tier == "tiers/diamond"
    assert rules.evaluate(INDIVIDUAL, {"contribution": D("10000")}).tier == "tiers/gold"
    nothing = rules.evaluate(INDIVIDUAL, {"aum": D("99999.99")})
    assert nothing.tier == "" and nothing.tier_index == -1 and "最低等级 金卡" in nothing.matched


def test_explanations_are_all_chinese() -> None:
    """The zh-CN texts name metrics by their Chinese names, never by their keys (``contribution``, ``aum`` …)."""
    strategic = rules.evaluate(CORPORATE, {"contribution": D("2363386.32")})
    assert strategic.matched == "战略：综合贡献 ≥ 2,000,000.00 (实际 2,363,386.32)"
    for customer_type, metrics in rules.METRICS_FOR_TYPE.items():
        rule_set = rules.parse(
            {
                "customer_type": customer_type,
                "tiers": [
                    {
                        "id": "top",
                        "display_name": {"zh-CN": "顶级", "en-US": "Top"},
                        "condition": {
                            "match": "all",
                            "conditions": [{"metric": m, "op": ">=", "value": "1"} for m in metrics],
                        },
                    }
                ],
            }
        )
        for values in ({m: D(2) for m in metrics}, {}):  # matched, and why nothing matched
            text = rules.evaluate(rule_set, values).matched
            assert not re.search("[A-Za-z]", text), text
            assert all(rules.METRIC_LABELS[m] in text for m in metrics)


def test_consolidated_metric_falls_back_to_own_figure() -> None:
    assert (
        rules.evaluate(CORPORATE, {"aum": D("150000000"), "consolidated_aum": None}).tier == "tiers/strategic"
    )
    assert rules.evaluate(CORPORATE, {"aum": D("1"), "consolidated_aum": D("35000000")}).tier == "tiers/core"


def test_nested_groups_and_operators() -> None:
    rule_set = rules.parse(
        {
            "customer_type": "INDIVIDUAL",
            "tiers": [
                {
                    "id": "vip",
                    "display_name": {"zh-CN": "贵宾"},
                    "condition": {
                        "match": "all",
                        "conditions": [
                            {"metric": "tenure_months", "op": ">", "value": "12"},
                            {
                                "match": "any",
                                "conditions": [
                                    {"metric": "aum", "op": ">=", "value": "100"},
                                    {"metric": "product_count", "op": "==", "value": "3"},
                                ],
                            },
                        ],
                    },
                }
            ],
        }
    )
    assert rules.evaluate(rule_set, {"tenure_months": D(13), "product_count": D(3)}).tier == "tiers/vip"
    assert rules.evaluate(rule_set, {"tenure_months": D(12), "aum": D(1000)}).tier == ""
    text = rules.evaluate(rule_set, {"tenure_months": D(13), "product_count": D(3)}).matched
    assert text == "贵宾：客户关系月数 > 12 (实际 13) 且 持有产品数 = 3 (实际 3)"


def _violations(document: dict) -> dict[str, str]:
    with pytest.raises(InvalidArgument) as caught:
        rules.parse(document)
    return {v.field: v.description for v in caught.value.violations}


def test_validation_names_the_condition() -> None:
    document = {
        "customer_type": "INDIVIDUAL",
        "tiers": [
            {
                "id": "a1",
                "display_name": {"zh-CN": "甲"},
                "condition": {"metric": "aum", "op": ">=", "value": "1"},
            },
            {
                "id": "b1",
                "display_name": {"zh-CN": "乙"},
                "condition": {
                    "match": "any",
                    "conditions": [
                        {"metric": "wealth", "op": ">=", "value": "1"},
                        {"metric": "aum", "op": "=>", "value": "x"},
                        {"metric": "consolidated_aum", "op": ">=", "value": "1"},
                    ],
                },
            },
        ],
    }
    assert set(_violations(document)) == {
        "rule_set.tiers[1].condition.conditions[0].metric",
        "rule_set.tiers[1].condition.conditions[1].op",
        "rule_set.tiers[1].condition.conditions[1].value",
        "rule_set.tiers[1].condition.conditions[2].metric",  # corporate-only metric in an individual rule set
    }


def test_validation_of_rule_set_shape() -> None:
    assert set(_violations({"customer_type": "X", "tiers": []})) == {
        "rule_set.customer_type",
        "rule_set.tiers",
    }
    violations = _violations(
        {
            "customer_type": "CORPORATE",
            "downgrade_after_scans": 0,
            "tiers": [
                {"id": "Bad", "display_name": {}, "condition": {"match": "some", "conditions": []}},
                {
                    "id": "ok",
                    "display_name": {"zh-CN": "好"},
                    "condition": {"match": "all", "conditions": []},
                },
                {
                    "id": "ok",
                    "display_name": {"zh-CN": "好"},
                    "condition": {"metric": "aum", "op": ">", "value": "1"},
                },
            ],
        }
    )
    assert set(violations) == {
        "rule_set.downgrade_after_scans",
        "rule_set.tiers[0].id",
        "rule_set.tiers[0].display_name",
        "rule_set.tiers[0].condition.match",
        "rule_set.tiers[0].condition.conditions",
        "rule_set.tiers[1].condition.conditions",
        "rule_set.tiers[2].id",
    }


def test_document_round_trip() -> None:
    assert rules.to_document(INDIVIDUAL) == INDIVIDUAL_DEFAULT
    assert rules.parse(rules.to_document(CORPORATE)) == CORPORATE


def test_hysteresis_downgrades_after_n_scans_and_upgrades_at_once() -> None:
    diamond, gold = "tiers/diamond", "tiers/gold"
    first = rules.apply_hysteresis(INDIVIDUAL, diamond, gold, 0)
    assert first == rules.Decision(diamond, 1, "HOLD")
    assert rules.apply_hysteresis(INDIVIDUAL, diamond, gold, first.below_count) == rules.Decision(
        gold, 0, "DOWNGRADE"
    )
    assert rules.apply_hysteresis(INDIVIDUAL, diamond, diamond, 1) == rules.Decision(diamond, 0, "SAME")
    assert rules.apply_hysteresis(INDIVIDUAL, gold, "tiers/private-banking", 0).change == "UPGRADE"
    assert rules.apply_hysteresis(INDIVIDUAL, None, gold, 0) == rules.Decision(gold, 0, "UPGRADE")
    assert rules.apply_hysteresis(INDIVIDUAL, diamond, "", 1) == rules.Decision("", 0, "DOWNGRADE")


def test_candidate_floor_is_lowest_lower_bound_times_ratio() -> None:
    assert rules.candidate_floor(INDIVIDUAL, D("0.8")) == {
        "aum": D("400000.00"),
        "adb_90": D("400000.00"),
        "contribution": D("8000.00"),
    }
    floors = rules.candidate_floor(CORPORATE, D("0.8"))
    assert floors["consolidated_aum"] == floors["aum"] == D("8000000.00")
    assert floors["contribution"] == D("160000.00")
