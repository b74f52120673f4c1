"""Credit standing (资信) score: 0–100 with human-readable zh-CN factors, from a credit profile and metrics.

Formula (five parts, summed, clamped to 0–100, rounded to an integer):

===========  ======  ==========================================================================================
part         max     points
===========  ======  ==========================================================================================
rating       40      AAA 40, AA+ 38, AA 36, AA- 34, A+ 32, A 30, A- 28, BBB 24, BB 16, B 10, CCC 6, CC 3, C 0
                     (+/- of BBB and below: ±1); no rating: 20 (neutral)
usage        20      used / limit ≤ 50 %: 20; 50–80 %: 20 → 12 linearly; 80–100 %: 12 → 4; over 100 %: 0;
                     no credit line: 20 (10 when something is used anyway)
overdue      25      25 − 5 × overdue count (24 months), then − 10 if an amount is overdue now; not below 0
coverage     10      AUM ÷ loan balance ≥ 1: 10, else 10 × ratio; no loan: 10; no metrics: 5
tenure        5      1 per full year of relationship, at most 5; no metrics: 0
===========  ======  ==========================================================================================

Factors list every part as ``<说明>（<得分>/<满分>）``, the parts that lost most points first.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

RATING_POINTS = {
    "AAA": 40,
    "AA+": 38,
    "AA": 36,
    "AA-": 34,
    "A+": 32,
    "A": 30,
    "A-": 28,
    "BBB": 24,
    "BB": 16,
    "B": 10,
    "CCC": 6,
    "CC": 3,
    "C": 0,
}
NO_RATING_POINTS = 20


def _dec(value: Any) -> Decimal:
    return Decimal(str(value)) if value is not None else Decimal(0)


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}元"


def rating_points(rating: str) -> int | None:
    rating = (rating or "").strip().upper()
    if rating in RATING_POINTS:
        return RATING_POINTS[rating]
    base = rating.rstrip("+-")
    if base in RATING_POINTS and rating[len(base) :] in ("+", "-"):
        return max(0, min(40, RATING_POINTS[base] + (1 if rating.endswith("+") else -1)))
    return None


def assess(profile_row: Any, metrics_row: Any | None) -> tuple[int, list[str]]:
    """Score 0–100 and factors (zh-CN, most important first). ``profile_row`` has CreditProfileRow's attributes
    (rating, credit_limit, credit_used, overdue_count, overdue_amount); ``metrics_row`` CustomerMetricsRow's
    (aum, loan_balance, tenure_months) or None."""
    parts: list[tuple[int, int, str]] = []  # (points, max, text)

    rating = (getattr(profile_row, "rating", "") or "").strip().upper()
    points = rating_points(rating)
    if points is None:
        parts.append((NO_RATING_POINTS, 40, "无内部评级，按中性计分"))
    else:
        parts.append((points, 40, f"内部评级 {rating}"))

    limit, used = _dec(getattr(profile_row, "credit_limit", 0)), _dec(getattr(profile_row, "credit_used", 0))
    if limit <= 0:
        parts.append((20, 20, "无授信额度") if used <= 0 else (10, 20, f"无授信额度但有用信 {_yuan(used)}"))
    else:
        usage = used / limit
        if usage <= Decimal("0.5"):
            points = 20
        elif usage <= Decimal("0.8"):
            points = round(20 - float((usage - Decimal("0.5")) / Decimal("0.3")) * 8)
        elif usage <= 1:
            points = round(12 - float((usage - Decimal("0.8")) / Decimal("0.2")) * 8)
        else:
            points = 0
        parts.append(
            (points, 20, f"授信使用率 {usage * 100:.1f}%（已用 {_yuan(used)} / 额度 {_yuan(limit)}）")
        )

    count = int(getattr(profile_row, "overdue_count", 0) or 0)
    amount = _dec(getattr(profile_row, "overdue_amount", 0))
    points = max(0, 25 - 5 * count - (10 if amount > 0 else 0))
    if count == 0 and amount <= 0:
        parts.append((points, 25, "近24个月无逾期"))
    else:
        text = f"近24个月逾期 {count} 次"
        if amount > 0:
            text += f"，当前逾期金额 {_yuan(amount)}"
        parts.append((points, 25, text))

    if metrics_row is None:
        parts.append((5, 10, "暂无资产数据，资产覆盖按中性计分"))
        parts.append((0, 5, "暂无往来年限数据"))
    else:
        aum, loans = _dec(getattr(metrics_row, "aum", 0)), _dec(getattr(metrics_row, "loan_balance", 0))
        if loans <= 0:
            parts.append((10, 10, f"无贷款余额，金融资产 {_yuan(aum)}"))
        else:
            ratio = aum / loans
            points = 10 if ratio >= 1 else round(float(ratio) * 10)
            parts.append(
                (
                    points,
                    10,
                    f"金融资产覆盖贷款 {ratio * 100:.0f}%（资产 {_yuan(aum)} / 贷款 {_yuan(loans)}）",
                )
            )
        months = int(getattr(metrics_row, "tenure_months", 0) or 0)
        parts.append((min(5, months // 12), 5, f"合作年限 {months // 12} 年 {months % 12} 个月"))

    score = max(0, min(100, sum(p for p, _, _ in parts)))
    ordered = sorted(enumerate(parts), key=lambda item: (-(item[1][1] - item[1][0]), item[0]))
    return score, [f"{text}（{points}/{maximum}）" for _, (points, maximum, text) in ordered]
