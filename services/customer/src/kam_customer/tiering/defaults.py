"""The default rule sets (version 1, ACTIVE; seeded by migration tier_0001 and, if missing, on first use)."""

from __future__ import annotations

from typing import Any

from kam_customer.tiering.rules import CORPORATE, INDIVIDUAL


def _ge(metric: str, value: str) -> dict[str, str]:
    return {"metric": metric, "op": ">=", "value": value}


def _any(*conditions: dict[str, Any]) -> dict[str, Any]:
    return {"match": "any", "conditions": list(conditions)}


def _tier(tier_id: str, zh: str, en: str, condition: dict[str, Any]) -> dict[str, Any]:
    return {"id": tier_id, "display_name": {"zh-CN": zh, "en-US": en}, "condition": condition}


# KAM grades *large* customers: the lowest individual tier starts at 500,000 CNY of assets, which in the demo
# bank (and typically) is a few per cent of individuals; candidates (within 80% of a threshold) add about as
# many again.
INDIVIDUAL_DEFAULT: dict[str, Any] = {
    "customer_type": INDIVIDUAL,
    "downgrade_after_scans": 2,
    "tiers": [
        _tier(
            "private-banking",
            "私人银行",
            "Private Banking",
            _any(_ge("aum", "6000000"), _ge("adb_90", "6000000")),
        ),
        _tier("diamond", "钻石", "Diamond", _any(_ge("aum", "2000000"), _ge("adb_90", "2000000"))),
        _tier("platinum", "白金", "Platinum", _any(_ge("aum", "1000000"), _ge("adb_90", "1000000"))),
        _tier(
            "gold",
            "金卡",
            "Gold",
            _any(_ge("aum", "500000"), _ge("adb_90", "500000"), _ge("contribution", "10000")),
        ),
    ],
}

CORPORATE_DEFAULT: dict[str, Any] = {
    "customer_type": CORPORATE,
    "downgrade_after_scans": 2,
    "tiers": [
        _tier(
            "strategic",
            "战略",
            "Strategic",
            _any(
                _ge("consolidated_aum", "100000000"),
                _ge("consolidated_loan_balance", "200000000"),
                _ge("contribution", "2000000"),
            ),
        ),
        _tier(
            "core",
            "核心",
            "Core",
            _any(
                _ge("consolidated_aum", "30000000"),
                _ge("consolidated_loan_balance", "50000000"),
                _ge("contribution", "500000"),
            ),
        ),
        _tier(
            "important",
            "重点",
            "Important",
            _any(
                _ge("consolidated_aum", "10000000"),
                _ge("consolidated_loan_balance", "20000000"),
                _ge("contribution", "200000"),
            ),
        ),
    ],
}

#: customer type → (rule-set id, display name, document)
DEFAULT_RULE_SETS: dict[str, tuple[str, str, dict[str, Any]]] = {
    INDIVIDUAL: ("individual-v1", "个人客户默认定级规则", INDIVIDUAL_DEFAULT),
    CORPORATE: ("corporate-v1", "对公客户默认定级规则", CORPORATE_DEFAULT),
}
