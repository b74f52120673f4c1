"""Decision support mining (kam_report.domain.mining): RFM segments, churn risk and its backtest, next best product.

Every expected answer is worked out by hand in the test (the comments show the arithmetic) or counted by an
independent brute force, never copied from the code's output.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from itertools import combinations
from typing import Any

import pytest
from kam_report.domain.mining import (
    CHURN_WEIGHTS,
    PRODUCT_NAMES,
    PRODUCTS,
    SEGMENTS,
    AssociationRule,
    CustomerProfile,
    Maturity,
    RiskLevel,
    Trend,
    aum_trend,
    backtest,
    churned_between,
    maturities_not_renewed,
    mine_rules,
    next_best_product,
    next_best_products,
    quintile_scores,
    risk_level,
    score_churn_risk,
    score_churn_risks,
    segment_customers,
)
from kam_report.service_layer.insights import _scored

AS_OF = date(2026, 6, 30)
DD, TD, WM, FD, LN, CC = "DEMAND_DEPOSIT", "TIME_DEPOSIT", "WEALTH", "FUND", "LOAN", "CREDIT_CARD"
TIERS = {"tiers/diamond": "钻石", "tiers/gold": "金卡", "tiers/platinum": "白金"}

_UNSET = object()


def profile(
    customer: str,
    *,
    aum: int | str = 100_000,
    aum_90d_ago: Any = _UNSET,
    aum_180d_ago: Any = _UNSET,
    peak: Any = _UNSET,
    days_ago: int | None = 10,
    tx: int = 10,
    inflow: int | str = 0,
    outflow: int | str = 0,
    products: frozenset[str] | set[str] = frozenset({DD, TD}),
    products_90d_ago: Any = _UNSET,
    maturities: tuple[Maturity, ...] = (),
    openings: tuple[date, ...] = (),
    tenure: int = 1000,
    tier: str = "",
) -> CustomerProfile:
    """A profile with no churn signal unless told otherwise (AUM steady, active, two products, long tenure)."""
    now = Decimal(aum)
    return CustomerProfile(
        customer=f"customers/{customer}",
        tier=tier,
        customer_type="INDIVIDUAL",
        aum_now=now,
        aum_90d_ago=now if aum_90d_ago is _UNSET else Decimal(str(aum_90d_ago)),
        aum_180d_ago=now if aum_180d_ago is _UNSET else Decimal(str(aum_180d_ago)),
        peak_aum_12m=now if peak is _UNSET else Decimal(str(peak)),
        last_transaction=None if days_ago is None else AS_OF - timedelta(days=days_ago),
        transactions_90d=tx,
        inflow_90d=Decimal(inflow),
        outflow_90d=Decimal(outflow),
        products=frozenset(products),
        products_90d_ago=frozenset(products if products_90d_ago is _UNSET else products_90d_ago),
        tenure_days=tenure,
        maturities=maturities,
        renewal_openings=openings,
    )


def matured(
    on: date,
    before: int | str,
    *,
    now: int | str = 0,
    closed: bool = False,
    kind: str = "TIME_DEPOSIT",
    product: str = "TD-1Y",
    account: str = "customers/x/accounts/td",
) -> Maturity:
    """A time deposit (or wealth product) that matured on ``on`` holding ``before``; ``now`` left in it on the
    scoring day."""
    return Maturity(
        account=account,
        product_type=kind,
        product=product,
        maturity_date=on,
        balance_before=Decimal(before),
        balance_now=Decimal(now),
        closed=closed,
    )


# ---------------------------------------------------------------------------------------------------------------
# Products and profile validation
# ---------------------------------------------------------------------------------------------------------------


def test_product_names_cover_the_catalogue() -> None:
    assert set(PRODUCTS) == {DD, TD, WM, FD, LN, CC}
    assert PRODUCT_NAMES == {DD: "活期存款", TD: "定期存款", LN: "贷款", WM: "理财", CC: "信用卡", FD: "基金"}


def test_profile_rejects_unknown_products_and_impossible_counts() -> None:
    with pytest.raises(ValueError, match="unknown product"):
        profile("x", products={"GOLD_BAR"})
    with pytest.raises(ValueError, match="no time deposit or wealth product"):
        profile("x", maturities=(matured(AS_OF, 1, kind=LN),))
    with pytest.raises(ValueError, match="negative balance"):
        profile("x", maturities=(matured(AS_OF, -1),))
    with pytest.raises(ValueError, match="negative"):
        profile("x", tx=-1)


# ---------------------------------------------------------------------------------------------------------------
# 1. Segmentation
# ---------------------------------------------------------------------------------------------------------------


def test_quintile_scores_by_mid_percentile_rank() -> None:
    # five distinct values: positions 0.1, 0.3, 0.5, 0.7, 0.9 → 1..5 whatever the input order
    assert quintile_scores({"e": 50, "a": 10, "c": 30, "b": 20, "d": 40}) == {
        "a": 1,
        "b": 2,
        "c": 3,
        "d": 4,
        "e": 5,
    }
    # ten distinct values: positions 0.05, 0.15, …, 0.95 → two per score
    ten = quintile_scores({f"c{i}": i for i in range(10)})
    assert [ten[f"c{i}"] for i in range(10)] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    # three: 1/6, 1/2, 5/6 → 1, 3, 5
    assert quintile_scores({"a": 1, "b": 2, "c": 3}) == {"a": 1, "b": 3, "c": 5}
    # ties share a score: 10 → (0 + ½)/4 = 0.125 → 1; 20, 20 → (1 + 1)/4 = 0.5 → 3; 30 → 3.5/4 → 5
    assert quintile_scores({"a": 10, "b": 20, "c": 20, "d": 30}) == {"a": 1, "b": 3, "c": 3, "d": 5}
    # all equal, and a single customer: the middle
    assert quintile_scores({"a": 7, "b": 7, "c": 7}) == {"a": 3, "b": 3, "c": 3}
    assert quintile_scores({"a": Decimal(0)}) == {"a": 3}
    assert quintile_scores({}) == {}


def _ten_customers() -> list[CustomerProfile]:
    """One customer per RFM pattern (a–h) and two more all-low (i, j); with ten customers the top four of each
    dimension score 4 or 5 (positions 0.65, 0.75, 0.85, 0.95), the rest 1–3.

    R high: a b e f   F high: a c e g   M high: a b c d
    """
    m = 1_000_000
    return [
        profile("a", days_ago=1, tx=50, aum=9 * m),
        profile("b", days_ago=2, tx=5, aum=8 * m),
        profile("c", days_ago=40, tx=40, aum=7 * m),
        profile("d", days_ago=50, tx=4, aum=6 * m),
        profile("e", days_ago=3, tx=30, aum=500_000),
        profile("f", days_ago=4, tx=3, aum=400_000),
        profile("g", days_ago=60, tx=20, aum=300_000),
        profile("h", days_ago=70, tx=2, aum=200_000),
        profile("i", days_ago=80, tx=1, aum=100_000),
        profile("j", days_ago=None, tx=0, aum=0),
    ]


def test_segments_of_the_eight_patterns() -> None:
    result = segment_customers(_ten_customers(), AS_OF)
    got = {s.customer.removeprefix("customers/"): (s.segment.code, s.scores) for s in result.customers}
    # recency ascending: j(none) i h g d c f e b a → 1 1 2 2 3 3 4 4 5 5
    # frequency ascending: j0 i1 h2 f3 d4 b5 g20 e30 c40 a50 → 1 1 2 2 3 3 4 4 5 5
    # monetary ascending: j i h g f e d c b a → 1 1 2 2 3 3 4 4 5 5
    assert got == {
        "a": ("IMPORTANT_VALUE", "555"),
        "b": ("IMPORTANT_DEVELOP", "535"),
        "c": ("IMPORTANT_KEEP", "354"),
        "d": ("IMPORTANT_RETAIN", "334"),
        "e": ("GENERAL_VALUE", "443"),
        "f": ("GENERAL_DEVELOP", "423"),
        "g": ("GENERAL_KEEP", "242"),
        "h": ("GENERAL_RETAIN", "222"),
        "i": ("GENERAL_RETAIN", "111"),
        "j": ("GENERAL_RETAIN", "111"),
    }
    assert [s.customer for s in result.customers] == [f"customers/{c}" for c in "abcdefghij"]
    names = {s.segment.code: s.segment.name for s in result.customers}
    assert names["IMPORTANT_VALUE"] == "重要价值客户" and names["IMPORTANT_RETAIN"] == "重要挽留客户"
    assert names["IMPORTANT_DEVELOP"] == "重要发展客户" and names["IMPORTANT_KEEP"] == "重要保持客户"

    summary = {s.segment.code: s for s in result.summary}
    assert [s.segment.code for s in result.summary] == [s.code for s in SEGMENTS]  # all eight, in order
    assert summary["IMPORTANT_VALUE"].customers == 1
    assert summary["IMPORTANT_VALUE"].share == Decimal("0.1")
    assert summary["IMPORTANT_VALUE"].mean_aum == Decimal("9000000.00")
    assert summary["GENERAL_RETAIN"].customers == 3
    assert summary["GENERAL_RETAIN"].share == Decimal("0.3")
    assert summary["GENERAL_RETAIN"].mean_aum == Decimal("100000.00")  # (200 000 + 100 000 + 0) / 3
    assert sum(s.customers for s in result.summary) == 10


def test_segmentation_does_not_depend_on_input_order() -> None:
    population = _ten_customers()
    shuffled = population[:]
    random.Random(7).shuffle(shuffled)
    assert segment_customers(shuffled, AS_OF) == segment_customers(population, AS_OF)


def test_explanation_of_a_customer() -> None:
    # c1 is the wealthiest of five, last transaction 20 days ago, 28 transactions; AUM 400k → 300k: −25%
    population = [
        profile("c1", days_ago=20, tx=28, aum=300_000, aum_90d_ago=400_000),
        profile("c2", days_ago=5, tx=3, aum=200_000),
        profile("c3", days_ago=120, tx=0, aum=10_000),
        profile("c4", days_ago=None, tx=0, aum=0, aum_90d_ago=0),
        profile("c5", days_ago=0, tx=1, aum=112_000, aum_90d_ago=100_000),
    ]
    result = {s.customer: s for s in segment_customers(population, AS_OF).customers}
    c1 = result["customers/c1"]
    assert c1.explanation == "近30天有交易，90天交易28笔，金融资产居前20%，较90天前下降25%"
    assert c1.trend is Trend.DOWN and c1.aum_change_90d == Decimal("-0.25")
    assert c1.days_since_last_transaction == 20
    assert result["customers/c2"].explanation == "近7天有交易，90天交易3笔，金融资产居前40%，较90天前基本持平"
    assert (
        result["customers/c3"].explanation == "已120天无交易，90天交易0笔，金融资产居后40%，较90天前基本持平"
    )
    # no transaction and nothing ever held: no trend phrase
    assert result["customers/c4"].explanation == "无交易记录，90天交易0笔，金融资产居后20%"
    assert result["customers/c4"].days_since_last_transaction is None
    assert result["customers/c5"].explanation == "近7天有交易，90天交易1笔，金融资产居中，较90天前上升12%"
    # recency: c4(none) c3(120) c1(20) c2(5) c5(0) → 1..5; transactions: c3 and c4 tie at 0, position
    # (0 + 2/2)/5 = 0.2 → 2 both; c5 (2 + ½)/5 → 3; c2 → 4; c1 → 5
    assert (result["customers/c4"].recency, result["customers/c3"].recency) == (1, 2)
    assert [result[f"customers/c{i}"].frequency for i in range(1, 6)] == [5, 4, 2, 2, 3]


def test_aum_trend() -> None:
    assert aum_trend(profile("x", aum=300_000, aum_90d_ago=400_000)) == (Trend.DOWN, Decimal("-0.25"))
    assert aum_trend(profile("x", aum=90_000, aum_90d_ago=100_000)) == (
        Trend.DOWN,
        Decimal("-0.1"),
    )  # exactly −10%
    assert aum_trend(profile("x", aum=90_001, aum_90d_ago=100_000))[0] is Trend.FLAT
    assert aum_trend(profile("x", aum=110_000, aum_90d_ago=100_000))[0] is Trend.UP
    assert aum_trend(profile("x", aum=5_000, aum_90d_ago=0)) == (Trend.UP, None)
    assert aum_trend(profile("x", aum=0, aum_90d_ago=0)) == (Trend.FLAT, None)
    assert aum_trend(profile("x", aum=0, aum_90d_ago=1)) == (Trend.DOWN, Decimal(-1))


def test_summary_counts_declining_customers() -> None:
    population = [profile(c, aum=50, aum_90d_ago=100) for c in "ab"] + [profile("c")]
    summary = segment_customers(population, AS_OF).summary
    assert sum(s.declining for s in summary) == 2


def test_segmentation_edge_cases() -> None:
    empty = segment_customers([], AS_OF)
    assert empty.customers == ()
    assert [(s.customers, s.share, s.mean_aum) for s in empty.summary] == [(0, Decimal(0), None)] * 8

    # one customer sits in the middle of everything (3, 3, 3): nothing is above the middle
    (alone,) = segment_customers([profile("x", aum=0, days_ago=None, tx=0)], AS_OF).customers
    assert (alone.scores, alone.segment.code, alone.aum) == ("333", "GENERAL_RETAIN", Decimal(0))

    # all ties: everyone scores the same and lands in the same segment, listed by customer id
    tied = segment_customers([profile(c) for c in "dcba"], AS_OF)
    assert [s.customer for s in tied.customers] == [f"customers/{c}" for c in "abcd"]
    assert {(s.scores, s.segment.code) for s in tied.customers} == {("333", "GENERAL_RETAIN")}
    assert [s.share for s in tied.summary if s.customers] == [Decimal(1)]

    with pytest.raises(ValueError, match="twice"):
        segment_customers([profile("x"), profile("x")], AS_OF)
    with pytest.raises(ValueError, match="after"):
        segment_customers([profile("x", days_ago=-1)], AS_OF)


# ---------------------------------------------------------------------------------------------------------------
# 2. Churn risk
# ---------------------------------------------------------------------------------------------------------------


def test_weights_add_up_to_100() -> None:
    assert sum(CHURN_WEIGHTS.values()) == 100


def test_a_steady_customer_has_no_risk() -> None:
    risk = score_churn_risk(profile("x"), AS_OF)
    assert (risk.score, risk.level, risk.factors) == (0, RiskLevel.LOW, ())
    assert risk.explanation == "无明显流失迹象"


def _leaving() -> CustomerProfile:
    return profile(
        "leaving",
        aum=400_000,
        aum_90d_ago=800_000,
        aum_180d_ago=1_000_000,
        peak=1_000_000,
        days_ago=100,
        outflow=400_000,
        products={DD},
        products_90d_ago={DD, WM, FD},
        maturities=(matured(date(2026, 5, 1), 300_000, closed=True),),
        tenure=200,
    )


def test_a_leaving_customer_and_the_factors_explaining_it() -> None:
    risk = score_churn_risk(_leaving(), AS_OF)
    # 90d: (800k − 400k)/800k = 50% → 20; 180d: 60% → 10; peak: 60% → 10; 100 days idle → 15;
    # net outflow 400k / 800k = 50% → 10; a 300k time deposit not renewed, 300k / 800k = 37% → 10; WEALTH,
    # FUND closed → 10;
    # one product → 5; 200 days a customer → 5: 95
    assert risk.score == 95 and risk.level is RiskLevel.HIGH and risk.level.display_name == "高"
    assert [(f.code, f.points) for f in risk.factors] == [
        ("AUM_DECLINE_90D", 20),
        ("DORMANT", 15),
        ("AUM_DECLINE_180D", 10),
        ("PEAK_DRAWDOWN", 10),
        ("NET_OUTFLOW", 10),
        ("MATURITIES_NOT_RENEWED", 10),
        ("PRODUCTS_CLOSED", 10),
        ("SINGLE_PRODUCT", 5),
        ("SHORT_TENURE", 5),
    ]
    texts = {f.code: f.text for f in risk.factors}
    assert texts["AUM_DECLINE_90D"] == "金融资产较90天前下降50%"
    assert texts["AUM_DECLINE_180D"] == "金融资产较180天前下降60%"
    assert texts["PEAK_DRAWDOWN"] == "金融资产较近12个月峰值回落60%"
    assert texts["DORMANT"] == "已100天无交易"
    assert texts["PRODUCTS_CLOSED"] == "近90天不再持有理财、基金"
    assert (
        texts["MATURITIES_NOT_RENEWED"] == "定期存款 TD-1Y 于 2026-05-01 到期未续存（到期前余额 ¥300,000.00）"
    )
    assert texts["SINGLE_PRODUCT"] == "仅持有1类产品"
    assert risk.explanation.startswith("金融资产较90天前下降50%（+20）；已100天无交易（+15）；")


def test_every_factor_at_its_maximum_scores_100() -> None:
    gone = profile(
        "gone",
        aum=0,
        aum_90d_ago=1000,
        aum_180d_ago=1000,
        peak=1000,
        days_ago=None,
        outflow=1000,
        products=set(),
        products_90d_ago={DD, TD},
        maturities=(matured(date(2026, 6, 1), 1000, closed=True),),
        tenure=0,
    )
    risk = score_churn_risk(gone, AS_OF)
    assert risk.score == 100
    assert {f.code: f.points for f in risk.factors} == CHURN_WEIGHTS
    texts = {f.code: f.text for f in risk.factors}
    assert texts["DORMANT"] == "无交易记录" and texts["SINGLE_PRODUCT"] == "未持有任何产品"
    assert texts["AUM_DECLINE_90D"] == "金融资产较90天前下降100%"


@pytest.mark.parametrize(
    ("aum_90d_ago", "points", "shown"),
    [
        ("100000", 5, "10%"),  # 90 000 of 100 000: exactly 10%
        ("99999", 0, None),  # 9.999%: nothing
        ("112499", 5, "19%"),  # 20.0% minus a hair: the 10% band, shown rounded down
        ("112500", 10, "20%"),
        ("137000", 10, "34%"),  # 47 000 / 137 000 = 34.3%
        ("138462", 15, "35%"),  # 48 462 / 138 462 = 35.0001%
        ("180000", 20, "50%"),
    ],
)
def test_aum_decline_bands(aum_90d_ago: str, points: int, shown: str | None) -> None:
    x = profile("x", aum=90_000, aum_90d_ago=aum_90d_ago, aum_180d_ago=90_000, peak=90_000)
    factors = {f.code: f for f in score_churn_risk(x, AS_OF).factors}
    if shown is None:
        assert "AUM_DECLINE_90D" not in factors
    else:
        assert factors["AUM_DECLINE_90D"].points == points
        assert factors["AUM_DECLINE_90D"].text == f"金融资产较90天前下降{shown}"


@pytest.mark.parametrize(
    ("days", "points"),
    [(0, 0), (29, 0), (30, 5), (59, 5), (60, 10), (89, 10), (90, 15), (179, 15), (180, 20)],
)
def test_dormancy_bands(days: int, points: int) -> None:
    assert score_churn_risk(profile("x", days_ago=days), AS_OF).score == points


def test_smaller_factors() -> None:
    # net outflow 15 000 of 100 000 held 90 days ago: 15% → 5
    x = score_churn_risk(profile("x", inflow=5_000, outflow=20_000), AS_OF)
    assert [(f.code, f.points) for f in x.factors] == [("NET_OUTFLOW", 5)]
    # inflow above outflow: no factor
    assert score_churn_risk(profile("x", inflow=20_000, outflow=5_000), AS_OF).factors == ()
    # a 10 000 time deposit not renewed, 10% of the 100 000 held 90 days ago: below 20% → 5
    x = score_churn_risk(profile("x", maturities=(matured(date(2026, 6, 1), 10_000),)), AS_OF)
    assert [(f.code, f.points) for f in x.factors] == [("MATURITIES_NOT_RENEWED", 5)]
    # one product closed → 5 (and now a single product → 5)
    x = score_churn_risk(profile("x", products={DD}, products_90d_ago={DD, TD}), AS_OF)
    assert [(f.code, f.points) for f in x.factors] == [("PRODUCTS_CLOSED", 5), ("SINGLE_PRODUCT", 5)]
    # a product opened is no risk
    assert score_churn_risk(profile("x", products={DD, TD, FD}, products_90d_ago={DD}), AS_OF).score == 0
    # tenure 364 days → 5, 365 → 0
    assert score_churn_risk(profile("x", tenure=364), AS_OF).score == 5
    assert score_churn_risk(profile("x", tenure=365), AS_OF).score == 0
    # AUM above its recorded peak (a data quirk) and zero AUM throughout: no AUM factor
    assert (
        score_churn_risk(profile("x", aum=200, peak=100, aum_90d_ago=200, aum_180d_ago=200), AS_OF).score == 0
    )
    assert score_churn_risk(profile("x", aum=0), AS_OF).score == 0


# Maturities not renewed (MATURITIES_NOT_RENEWED). AS_OF is 2026-06-30: the window is 2026-04-01 (excluded) to
# 2026-06-30; a renewal is a time deposit or wealth product opened on the maturity day or within 30 days after.
MAY_FIRST = date(2026, 5, 1)  # matured two months before the scoring day


def _maturity_factor(p: CustomerProfile, as_of: date = AS_OF) -> tuple[int, str] | None:
    factors = {f.code: (f.points, f.text) for f in score_churn_risk(p, as_of).factors}
    return factors.get("MATURITIES_NOT_RENEWED")


def test_a_maturity_not_renewed_is_a_factor_with_its_points_and_text() -> None:
    # 500 000 of a 1 000 000 AUM 90 days before matured on 05-01 and left: 50% ≥ 20% → 10
    lapsed = matured(MAY_FIRST, 500_000, closed=True)
    x = profile("x", aum=1_000_000, maturities=(lapsed,))
    risk = score_churn_risk(x, AS_OF)
    assert [(f.code, f.points, f.text) for f in risk.factors] == [
        ("MATURITIES_NOT_RENEWED", 10, "定期存款 TD-1Y 于 2026-05-01 到期未续存（到期前余额 ¥500,000.00）")
    ]
    assert risk.score == 10 and maturities_not_renewed(x, AS_OF) == (lapsed,)
    # not closed but emptied down to exactly 10%: still not renewed
    assert _maturity_factor(
        profile("x", aum=1_000_000, maturities=(matured(MAY_FIRST, 500_000, now=50_000),))
    )
    # 100 000 of 1 000 000: 10% → 5; 199 999 → 5; 200 000 → 10
    for before, points in ((100_000, 5), (199_999, 5), (200_000, 10)):
        got = _maturity_factor(profile("x", aum=1_000_000, maturities=(matured(MAY_FIRST, before),)))
        assert got is not None and got[0] == points, before
    # nothing held 90 days before (a new customer): the share is of the maturity itself → 10
    new = profile("x", aum=0, aum_90d_ago=0, maturities=(matured(MAY_FIRST, 80_000),))
    assert _maturity_factor(new) == (10, "定期存款 TD-1Y 于 2026-05-01 到期未续存（到期前余额 ¥80,000.00）")


def test_a_renewed_maturity_is_no_factor() -> None:
    lapsed = matured(MAY_FIRST, 500_000, closed=True)
    # a new time deposit (or wealth product) on the maturity day, or 30 days after it: renewed
    for opened in (MAY_FIRST, MAY_FIRST + timedelta(days=30)):
        assert _maturity_factor(profile("x", maturities=(lapsed,), openings=(opened,))) is None
    # one day before the maturity, or 31 days after: not a renewal of it
    for opened in (MAY_FIRST - timedelta(days=1), MAY_FIRST + timedelta(days=31)):
        assert _maturity_factor(profile("x", maturities=(lapsed,), openings=(opened,))) is not None
    # rolled over in place or mostly left in the account (more than 10% of 500 000 still there): no factor
    assert _maturity_factor(profile("x", maturities=(matured(MAY_FIRST, 500_000, now=500_000),))) is None
    assert _maturity_factor(profile("x", maturities=(matured(MAY_FIRST, 500_000, now=50_001),))) is None


def test_a_partial_withdrawal_above_ten_percent_is_no_factor() -> None:
    # 300 000 of 500 000 taken out, 200 000 (40%) still in the matured deposit
    partial = matured(MAY_FIRST, 500_000, now=200_000)
    assert _maturity_factor(profile("x", aum=1_000_000, maturities=(partial,))) is None
    assert maturities_not_renewed(profile("x", maturities=(partial,)), AS_OF) == ()


def test_only_maturities_and_openings_known_on_the_scoring_day_count() -> None:
    # matured after the scoring day (the backtest's t0): nothing yet
    later = matured(AS_OF + timedelta(days=1), 500_000, closed=True)
    assert _maturity_factor(profile("x", maturities=(later,))) is None
    # the window: 90 days before AS_OF (04-01) is out, 04-02 and AS_OF itself are in
    for on, counted in ((date(2026, 4, 1), False), (date(2026, 4, 2), True), (AS_OF, True)):
        got = _maturity_factor(profile("x", maturities=(matured(on, 500_000, closed=True),)))
        assert (got is not None) == counted, on
    # matured ten days before the scoring day and emptied, the new deposit opened five days after the scoring
    # day: on the scoring day it is not renewed (so far); scored a week later, it is
    recent = matured(AS_OF - timedelta(days=10), 500_000, closed=True)
    x = profile("x", maturities=(recent,), openings=(AS_OF + timedelta(days=5),))
    assert _maturity_factor(x) is not None
    assert _maturity_factor(x, AS_OF + timedelta(days=7)) is None


def test_several_maturities_not_renewed_and_wealth_products() -> None:
    wm = matured(
        date(2026, 6, 10), 300_000, closed=True, kind=WM, product="WM01", account="customers/x/accounts/wm"
    )
    td = matured(MAY_FIRST, 500_000, now=1_000, account="customers/x/accounts/td")
    kept = matured(date(2026, 5, 20), 900_000, now=900_000, account="customers/x/accounts/kept")
    unknown = matured(date(2026, 5, 21), 0, closed=True, account="customers/x/accounts/unknown")
    x = profile("x", aum=1_000_000, maturities=(wm, kept, unknown, td))
    # the largest first; the kept one and the one with no balance known before maturity are left out;
    # 800 000 / 1 000 000 = 80% → 10
    assert maturities_not_renewed(x, AS_OF) == (td, wm)
    assert _maturity_factor(x) == (
        10,
        "定期存款 TD-1Y 于 2026-05-01 到期未续存（到期前余额 ¥500,000.00）等2笔，合计 ¥800,000.00",
    )
    alone = profile("x", aum=1_000_000, maturities=(replace(wm, product=""),))
    assert _maturity_factor(alone) == (10, "理财 于 2026-06-10 到期未续存（到期前余额 ¥300,000.00）")
    # an opening renews every maturity it follows within 30 days: 06-15 renews the 06-10 one, not the 05-01 one
    renewed_wm = profile("x", aum=1_000_000, maturities=(wm, td), openings=(date(2026, 6, 15),))
    assert maturities_not_renewed(renewed_wm, AS_OF) == (td,)


def test_several_maturities_give_at_most_the_factors_maximum() -> None:
    gone = replace(
        _leaving(),
        aum_now=Decimal(0),
        last_transaction=None,
        products=frozenset(),
        tenure_days=0,
        maturities=tuple(matured(MAY_FIRST, 400_000, closed=True, account=f"a{i}") for i in range(3)),
    )
    risk = score_churn_risk(gone, AS_OF)
    assert risk.score == 100 and sum(f.points for f in risk.factors) == 100
    assert {f.code: f.points for f in risk.factors}["MATURITIES_NOT_RENEWED"] == 10


def test_levels() -> None:
    assert [risk_level(s) for s in (100, 50, 49.9, 25, 24)] == [
        RiskLevel.HIGH,
        RiskLevel.HIGH,
        RiskLevel.MEDIUM,
        RiskLevel.MEDIUM,
        RiskLevel.LOW,
    ]
    assert [level.display_name for level in RiskLevel] == ["高", "中", "低"]


def test_risks_riskiest_first_ties_by_id() -> None:
    population = [profile("b", days_ago=30), profile("c"), profile("a", days_ago=30), _leaving()]
    assert [(r.customer, r.score) for r in score_churn_risks(population, AS_OF)] == [
        ("customers/leaving", 95),
        ("customers/a", 5),
        ("customers/b", 5),
        ("customers/c", 0),
    ]
    assert score_churn_risks([], AS_OF) == ()


def test_a_populations_equal_factors_are_one_object() -> None:
    """A population's risks share each distinct factor (at a million customers a text per customer and factor was
    most of the risks' memory): equal factors are the same object, the scores unchanged."""
    population = [profile(f"d{n}", days_ago=40, products={DD}) for n in range(5)] + [
        profile("e", days_ago=70)
    ]
    risks = {r.customer: r for r in score_churn_risks(population, AS_OF)}
    dormant = {c: next(f for f in r.factors if f.code == "DORMANT") for c, r in risks.items()}
    assert len({id(f) for c, f in dormant.items() if c != "customers/e"}) == 1
    assert dormant["customers/d0"].text == "已40天无交易" and dormant["customers/e"].text == "已70天无交易"
    for p in population:  # each one alone gets the same
        assert risks[p.customer] == score_churn_risk(p, AS_OF)


def test_churned_between() -> None:
    before = profile("x", aum=100_000)
    assert churned_between(before, replace(before, aum_now=Decimal(50_000)))  # exactly half gone
    assert not churned_between(before, replace(before, aum_now=Decimal(50_001)))
    assert churned_between(before, replace(before, products=frozenset()))  # every account closed
    nothing = profile("y", aum=0, products=set())
    assert not churned_between(nothing, nothing)  # held nothing, lost nothing
    zero_aum_with_a_loan = profile("z", aum=0, products={LN})
    assert not churned_between(zero_aum_with_a_loan, zero_aum_with_a_loan)
    with pytest.raises(ValueError, match="different customers"):
        churned_between(before, profile("other"))


def test_backtest_on_a_synthetic_history() -> None:
    """Ten customers at t0: four look like they are leaving (r1–r4), six are steady (s1–s6). Ninety days later
    r1–r3 have lost 60% of their AUM, r4 recovered, s1 closed every account and the others stayed."""
    risky = [replace(_leaving(), customer=f"customers/r{i}") for i in range(1, 5)]
    steady = [profile(f"s{i}") for i in range(1, 7)]
    at_t0 = {p.customer: p for p in risky + steady}
    after = dict(at_t0)
    for c in ("customers/r1", "customers/r2", "customers/r3"):
        after[c] = replace(at_t0[c], aum_now=at_t0[c].aum_now * Decimal("0.4"))
    after["customers/r4"] = replace(at_t0["customers/r4"], aum_now=Decimal(800_000))
    after["customers/s1"] = replace(at_t0["customers/s1"], aum_now=Decimal(0), products=frozenset())
    churned = {c for c in at_t0 if churned_between(at_t0[c], after[c])}
    assert churned == {"customers/r1", "customers/r2", "customers/r3", "customers/s1"}

    scores = {r.customer: float(r.score) for r in score_churn_risks(at_t0.values(), AS_OF)}
    assert scores == {**{p.customer: 95.0 for p in risky}, **{p.customer: 0.0 for p in steady}}

    result = backtest(scores, churned, threshold=50, top_k=(3, 5, 100))
    # flagged r1–r4: TP 3 (r1–r3), FP 1 (r4), FN 1 (s1), TN 5 (s2–s6)
    assert (result.population, result.churned, result.flagged) == (10, 4, 4)
    assert (result.true_positives, result.false_positives, result.false_negatives, result.true_negatives) == (
        3,
        1,
        1,
        5,
    )
    assert result.precision == pytest.approx(3 / 4)
    assert result.recall == pytest.approx(3 / 4)
    assert result.base_rate == pytest.approx(4 / 10)
    assert result.lift == pytest.approx((3 / 4) / (4 / 10))  # 1.875
    # top 3: r1 r2 r3 (ties by id) all churned; top 5 adds r4 (no) and s1 (yes, first of the zeros): 4/5;
    # top 100: the whole population, 4/10
    assert [(p.k, p.customers, p.churned) for p in result.precision_at_k] == [
        (3, 3, 3),
        (5, 5, 4),
        (100, 10, 4),
    ]
    assert [p.precision for p in result.precision_at_k] == pytest.approx([1.0, 0.8, 0.4])


def test_backtest_edge_cases() -> None:
    scores = {"a": 80.0, "b": 60.0, "c": 10.0}
    # nothing at or above 90: precision and lift undefined; a churner not scored at t0 ("z") is left out
    nothing_flagged = backtest(scores, {"a", "z"}, threshold=90, top_k=(1,))
    assert (nothing_flagged.flagged, nothing_flagged.churned, nothing_flagged.false_negatives) == (0, 1, 1)
    assert nothing_flagged.precision is None and nothing_flagged.lift is None
    assert nothing_flagged.recall == 0.0
    assert nothing_flagged.precision_at_k[0].precision == 1.0  # "a" is the riskiest
    # nobody churned: recall undefined, lift undefined (base rate 0)
    calm = backtest(scores, set(), threshold=50)
    assert (calm.precision, calm.recall, calm.lift, calm.base_rate) == (0.0, None, None, 0.0)
    # threshold inclusive: 60 is flagged at 60
    assert backtest(scores, {"b"}, threshold=60).flagged == 2
    empty = backtest({}, {"a"}, threshold=50, top_k=(5,))
    assert (empty.population, empty.churned, empty.base_rate, empty.precision, empty.recall) == (
        0,
        0,
        None,
        None,
        None,
    )
    assert empty.precision_at_k[0].customers == 0 and empty.precision_at_k[0].precision is None
    with pytest.raises(ValueError):
        backtest(scores, set(), threshold=50, top_k=(0,))


# ---------------------------------------------------------------------------------------------------------------
# 3. Next best product
# ---------------------------------------------------------------------------------------------------------------


def _five() -> list[CustomerProfile]:
    return [
        profile("c1", tier="tiers/diamond", products={DD, TD, WM}),
        profile("c2", tier="tiers/diamond", products={DD, TD, WM, FD}),
        profile("c3", tier="tiers/diamond", products={DD, TD}),
        profile("c4", tier="tiers/gold", products={DD, WM}),
        profile("c5", tier="tiers/gold", products={DD}),
    ]


def _rule(
    rules: tuple[AssociationRule, ...], antecedent: tuple[str, ...], consequent: str
) -> AssociationRule:
    (rule,) = [r for r in rules if r.antecedent == antecedent and r.consequent == consequent]
    return rule


def test_rules_of_a_small_population() -> None:
    rules = mine_rules(_five(), min_support=0.3, min_confidence=0.5)
    # TIME_DEPOSIT: c1 c2 c3; with WEALTH: c1 c2; WEALTH: c1 c2 c4 → support 2/5, confidence 2/3, lift (2/3)/(3/5)
    td_wm = _rule(rules, (TD,), WM)
    assert (td_wm.antecedent_count, td_wm.rule_count, td_wm.consequent_count, td_wm.population) == (
        3,
        2,
        3,
        5,
    )
    assert td_wm.support == pytest.approx(0.4)
    assert td_wm.confidence == pytest.approx(2 / 3)
    assert td_wm.lift == pytest.approx(10 / 9)
    diamond = _rule(rules, ("tier=tiers/diamond", TD), WM)
    assert diamond.tier == "tiers/diamond" and diamond.antecedent_products == (TD,)
    assert (diamond.antecedent_count, diamond.rule_count) == (3, 2)
    # DEMAND_DEPOSIT is held by all: DEMAND_DEPOSIT → TIME_DEPOSIT is 3/5 with lift exactly 1 (kept at min_lift 1)
    assert _rule(rules, (DD,), TD).lift == pytest.approx(1.0)
    # tier=gold → WEALTH: 1 of 2 customers, support 1/5 below 0.3 (and lift 5/6 below 1); tier=gold →
    # DEMAND_DEPOSIT: 2 of 2, support 2/5, lift 1
    assert not [r for r in rules if "tier=tiers/gold" in r.antecedent and r.consequent == WM]
    assert _rule(rules, ("tier=tiers/gold",), DD).confidence == 1
    # FUND is held by c2 only: support 1/5
    assert not [r for r in rules if r.consequent == FD]
    # best first: confidence never increases along the list
    confidences = [Fraction(r.rule_count, r.antecedent_count) for r in rules]
    assert confidences == sorted(confidences, reverse=True)


def test_thresholds_are_exact() -> None:
    # DEMAND_DEPOSIT → TIME_DEPOSIT has confidence exactly 3/5 and support exactly 3/5
    assert _rule(mine_rules(_five(), min_support=0.6, min_confidence=0.6), (DD,), TD)
    assert not [r for r in mine_rules(_five(), min_support=0.6, min_confidence=0.61) if r.antecedent == (DD,)]
    assert not [r for r in mine_rules(_five(), min_support=0.61, min_confidence=0) if r.antecedent == (DD,)]
    # min_lift 0 lets tier=gold → WEALTH (1/2, lift 5/6) through once support allows it
    low = mine_rules(_five(), min_support=0.2, min_confidence=0.5, min_lift=0)
    assert _rule(low, ("tier=tiers/gold",), WM).lift == pytest.approx(5 / 6)


def test_next_best_product_of_each_customer() -> None:
    population = _five()
    rules = mine_rules(population, min_support=0.3, min_confidence=0.5)
    got = {n.customer: n for n in next_best_products(population, rules, TIERS)}
    # c3 (diamond, DD + TD) lacks WEALTH and FUND; FUND has no rule. Rules for WEALTH c3 holds the antecedent of:
    # tier→WM, TD→WM, DD+TD→WM, tier+DD→WM, tier+TD→WM, tier+DD+TD→WM: each 2 of 3 (lift 10/9); DD→WM 3/5.
    # The simplest of the best, one item, the tier before a product: 钻石客户中，2/3 = 67% 持有理财 (lift 1.1)
    c3 = got["customers/c3"]
    assert (c3.product, c3.product_name, c3.rule.antecedent) == (WM, "理财", ("tier=tiers/diamond",))
    assert c3.explanation == "钻石客户中，67% 持有理财（提升度 1.1）"
    # c5 (gold, DD) lacks TD, WM, …; DD→TD and DD→WM are both 3/5, lift 1, 3 customers: catalogue order, TD first
    c5 = got["customers/c5"]
    assert (c5.product, c5.rule.antecedent) == (TD, (DD,))
    assert c5.explanation == "持有活期存款的客户中，60% 持有定期存款（提升度 1.0）"
    # c4 (gold, DD + WM) lacks TD (FUND has no rule): DD→TD is 3/5, WM→TD and DD+WM→TD 2/3 (c1 c2 of c1 c2 c4,
    # lift 10/9); the simpler of the best is WM→TD
    c4 = got["customers/c4"]
    assert (c4.product, c4.rule.antecedent, c4.rule.rule_count, c4.rule.antecedent_count) == (TD, (WM,), 2, 3)
    assert c4.explanation == "持有理财的客户中，67% 持有定期存款（提升度 1.1）"
    # c1 lacks FUND, LOAN, CREDIT_CARD, none of which has a rule; c2 likewise (LOAN, CREDIT_CARD)
    assert set(got) == {"customers/c3", "customers/c4", "customers/c5"}
    assert [n.customer for n in next_best_products(population, rules, TIERS)] == sorted(got)


def test_customers_recommended_by_one_rule_share_its_explanation() -> None:
    """A population's explanations are made once per rule (at a million customers, a text per customer was a
    tenth of the model's memory): the same text object, equal to what one customer alone gets."""
    population = [profile(f"p{n}", products={DD}) for n in range(6)] + [profile("q", products={DD, TD})]
    rules = mine_rules(population, min_support=0.1, min_confidence=0.1)
    found = next_best_products(population, rules, TIERS)
    by_rule = {}
    for nbp in found:
        assert nbp.explanation == nbp.rule.explanation(TIERS)
        assert by_rule.setdefault(nbp.rule, nbp.explanation) is nbp.explanation
    assert len([n for n in found if n.customer.startswith("customers/p")]) == 6


def test_the_models_one_pass_gives_what_the_population_functions_give() -> None:
    """The service's model scores each profile once and lets it go (its peak memory at a million customers):
    the same risks and products as :func:`score_churn_risks` and :func:`next_best_products`, the list emptied."""
    rnd = random.Random(7)
    population = [
        profile(
            f"r{n}",
            aum=rnd.randint(0, 500_000),
            aum_90d_ago=rnd.randint(0, 500_000),
            days_ago=rnd.choice([None, 3, 45, 200]),
            products=set(rnd.sample(PRODUCTS, rnd.randint(0, 3))),
            tier=rnd.choice(["", *TIERS]),
            tenure=rnd.randint(0, 800),
        )
        for n in range(60)
    ]
    rules = mine_rules(population, min_support=0.05, min_confidence=0.2)
    fitted = list(population)
    risks, products = _scored(fitted, AS_OF, rules, TIERS)
    assert fitted == []
    assert risks == {r.customer: r for r in score_churn_risks(population, AS_OF)}
    assert products == {n.customer: n for n in next_best_products(population, rules, TIERS)} and products


def test_a_customer_holding_everything_gets_nothing() -> None:
    everything = profile("all", products=set(PRODUCTS), tier="tiers/diamond")
    population = [everything, profile("b", products={DD}), profile("c", products={DD, TD})]
    rules = mine_rules(population, min_support=0.1, min_confidence=0.1)
    assert rules  # there are rules, e.g. DEMAND_DEPOSIT → TIME_DEPOSIT
    assert next_best_product(everything, rules) is None
    assert next_best_product(profile("b", products={DD}), rules) is not None


def test_explanation_with_a_tier_and_two_products() -> None:
    # 25 diamond customers hold TIME_DEPOSIT and FUND, 18 of them WEALTH: 72%; WEALTH held by 40 of 100: lift
    # 0.72 / 0.40 = 1.8
    rule = AssociationRule(("tier=tiers/diamond", TD, FD), WM, 100, 25, 40, 18)
    assert rule.explanation(TIERS) == "同时持有定期存款和基金的钻石客户中，72% 持有理财（提升度 1.8）"
    assert rule.explanation() == "同时持有定期存款和基金的diamond客户中，72% 持有理财（提升度 1.8）"
    assert AssociationRule((TD, FD), WM, 100, 25, 40, 18).explanation() == (
        "同时持有定期存款和基金的客户中，72% 持有理财（提升度 1.8）"
    )


def test_rule_mining_edge_cases() -> None:
    assert mine_rules([]) == ()
    lone = [profile("x", products={DD, TD}, tier="tiers/gold")]
    # one customer: every rule has confidence 1 and lift 1
    rules = mine_rules(lone)
    assert {(r.antecedent, r.consequent) for r in rules} == {
        ((DD,), TD),
        ((TD,), DD),
        (("tier=tiers/gold",), DD),
        (("tier=tiers/gold",), TD),
        (("tier=tiers/gold", DD), TD),
        (("tier=tiers/gold", TD), DD),
    }
    assert all(r.confidence == 1 and r.lift == 1 for r in rules)
    assert not [r for r in mine_rules(lone, use_tier=False) if r.tier]
    # nobody holds anything: no rules, no recommendation
    assert mine_rules([profile("x", products=set()), profile("y", products=set())]) == ()
    with pytest.raises(ValueError, match="twice"):
        mine_rules([profile("x"), profile("x")])


def test_rules_against_brute_force() -> None:
    rng = random.Random(2026)
    tiers = ["tiers/diamond", "tiers/platinum", "tiers/gold", ""]
    # correlated holdings so that rules exist: wealth customers often hold funds, time deposits often wealth
    population = []
    for i in range(80):
        held = {DD} if rng.random() < 0.9 else set()
        if rng.random() < 0.5:
            held.add(TD)
        if rng.random() < (0.7 if TD in held else 0.2):
            held.add(WM)
        if rng.random() < (0.6 if WM in held else 0.1):
            held.add(FD)
        for product in (LN, CC):
            if rng.random() < 0.25:
                held.add(product)
        population.append(profile(f"p{i:02d}", products=held, tier=rng.choice(tiers)))

    min_support, min_confidence = Fraction(1, 20), Fraction(3, 10)
    n = len(population)

    def holds(p: CustomerProfile, items: tuple[str, ...]) -> bool:
        return all(p.tier == item[5:] if item.startswith("tier=") else item in p.products for item in items)

    expected = {}
    for size in (0, 1, 2):
        for products in combinations(PRODUCTS, size):
            for tier in [None, *[t for t in tiers if t]]:
                antecedent = ((f"tier={tier}",) if tier else ()) + products
                if not antecedent:
                    continue
                for consequent in PRODUCTS:
                    if consequent in products:
                        continue
                    a = sum(1 for p in population if holds(p, antecedent))
                    both = sum(1 for p in population if holds(p, antecedent) and consequent in p.products)
                    c = sum(1 for p in population if consequent in p.products)
                    if both == 0 or Fraction(both, n) < min_support or Fraction(both, a) < min_confidence:
                        continue
                    if Fraction(both * n, a * c) < 1:
                        continue
                    expected[(antecedent, consequent)] = (a, both, c)

    rules = mine_rules(population, min_support=0.05, min_confidence=0.3)
    got = {
        (r.antecedent, r.consequent): (r.antecedent_count, r.rule_count, r.consequent_count) for r in rules
    }
    assert len(expected) > 20  # the population has something to find
    assert got == expected
    for r in rules:
        a, both, c = expected[(r.antecedent, r.consequent)]
        assert r.support == pytest.approx(both / n)
        assert r.confidence == pytest.approx(both / a)
        assert r.lift == pytest.approx((both / a) / (c / n))
    # deterministic: another order of the same population mines the same rules in the same order
    shuffled = population[:]
    rng.shuffle(shuffled)
    assert mine_rules(shuffled, min_support=0.05, min_confidence=0.3) == rules

    # each customer's recommendation is, by brute force, a product they lack with the highest confidence among
    # the rules that apply to them
    for p in population:
        applicable = [r for r in rules if r.consequent not in p.products and holds(p, r.antecedent)]
        nbp = next_best_product(p, rules)
        if not applicable:
            assert nbp is None
            continue
        assert nbp is not None and nbp.product not in p.products
        assert nbp.rule.confidence == max(r.confidence for r in applicable)
