"""Decision support (决策支持): the report center's data mining over key customers, pure and deterministic.

Three analyses over a population of :class:`CustomerProfile` (one per customer, computed by the caller from
accounts, daily balances and transactions in the analytical store; every date is passed in, nothing reads a
clock or does I/O):

1. **Segmentation** (:func:`segment_customers`), RFM-style: recency of the last transaction, frequency of
   transactions in 90 days and monetary value (AUM, 金融资产) scored 1–5 by quintiles *within the population
   given*, mapped to the classic eight RFM segments (:data:`SEGMENTS`), with the 90-day AUM trend and a
   per-customer reason.
2. **Churn risk** (:func:`score_churn_risk`): a 0–100 weighted score explained by its contributing factors
   (:data:`CHURN_WEIGHTS` documents the points), levels 高/中/低; :func:`churned_between` says what "churned"
   means afterwards and :func:`backtest` measures a set of scores against what actually happened.
3. **Next best product** (:func:`mine_rules`, :func:`next_best_product`): association rules over the
   cross-holding of product categories (:data:`PRODUCTS`), the customer's tier an optional antecedent item,
   and per customer the best product they do not hold with the rule that recommends it.

Ordering is deterministic everywhere: ties are broken by customer id (plain string order) and, for rules, by
the catalogue order of :data:`PRODUCTS`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction
from itertools import combinations, pairwise
from typing import Protocol, TypeVar

_Ranked = TypeVar("_Ranked", int, float, Decimal)
_Banded = TypeVar("_Banded", int, Decimal)

# --------------------------------------------------------------------------------------------------------------
# Products and the profile
# --------------------------------------------------------------------------------------------------------------

#: Product categories (account types of the core system), in catalogue order.
PRODUCTS: tuple[str, ...] = ("DEMAND_DEPOSIT", "TIME_DEPOSIT", "WEALTH", "FUND", "LOAN", "CREDIT_CARD")

#: zh-CN names of the product categories.
PRODUCT_NAMES: dict[str, str] = {
    "DEMAND_DEPOSIT": "活期存款",
    "TIME_DEPOSIT": "定期存款",
    "WEALTH": "理财",
    "FUND": "基金",
    "LOAN": "贷款",
    "CREDIT_CARD": "信用卡",
}

#: en-US names of the product categories.
PRODUCT_NAMES_EN: dict[str, str] = {
    "DEMAND_DEPOSIT": "Demand deposit",
    "TIME_DEPOSIT": "Time deposit",
    "WEALTH": "Wealth management",
    "FUND": "Fund",
    "LOAN": "Loan",
    "CREDIT_CARD": "Credit card",
}

_PRODUCT_ORDER = {product: index for index, product in enumerate(PRODUCTS)}


#: The products whose maturity may be renewed (a loan's maturity is not: repaying it is no sign of leaving).
MATURING_PRODUCTS: tuple[str, ...] = ("TIME_DEPOSIT", "WEALTH")


@dataclass(frozen=True, slots=True)
class Maturity:
    """A time deposit or wealth product with a maturity date, as the store knows it on the profile's ``as_of``.

    ``balance_before`` is the account's balance at the end of the day before it matured (0 when unknown),
    ``balance_now`` its balance at the end of ``as_of`` and ``closed`` whether it was closed by then.
    """

    account: str  # "customers/42/accounts/7"
    product_type: str  # one of MATURING_PRODUCTS
    product: str  # the product code, e.g. "TD-1Y" ("" when unknown)
    maturity_date: date
    balance_before: Decimal
    balance_now: Decimal
    closed: bool


@dataclass(frozen=True, slots=True)
class CustomerProfile:
    """One key customer as the mining sees them, at one date (the caller's ``as_of``).

    Amounts are CNY. ``aum_*`` is the customer's financial assets (demand and time deposits, wealth, funds) at
    the end of the day ``as_of``, 90 and 180 days before; ``peak_aum_12m`` the highest daily AUM in the last
    12 months. ``products`` are the categories of the customer's open accounts (:data:`PRODUCTS`) today and
    ``products_90d_ago`` 90 days before. Flows cover the 90 days up to ``as_of``: inflow and outflow are the
    credits and debits of the AUM accounts from and to outside the bank. ``maturities`` are the customer's time
    deposits and wealth products with a maturity date (:class:`Maturity`, as known on ``as_of``) and
    ``renewal_openings`` the days the customer opened a time deposit or wealth product; the churn score picks
    from them the maturities of the 90 days up to ``as_of`` that were not renewed (:func:`maturities_not_renewed`)
    and ignores anything dated after ``as_of``.
    """

    customer: str  # "customers/42"
    tier: str  # "tiers/diamond"; "" when the customer holds no tier
    customer_type: str  # "INDIVIDUAL" | "CORPORATE"
    aum_now: Decimal
    aum_90d_ago: Decimal
    aum_180d_ago: Decimal
    peak_aum_12m: Decimal
    last_transaction: date | None  # None: no transaction on record
    transactions_90d: int
    inflow_90d: Decimal
    outflow_90d: Decimal
    products: frozenset[str]
    products_90d_ago: frozenset[str]
    tenure_days: int  # days since the customer's first account was opened
    maturities: tuple[Maturity, ...] = ()
    renewal_openings: tuple[date, ...] = ()  # open dates of the customer's time deposits and wealth products

    def __post_init__(self) -> None:
        unknown = (self.products | self.products_90d_ago) - _PRODUCT_ORDER.keys()
        if unknown:
            raise ValueError(f"{self.customer}: unknown product categories {sorted(unknown)}")
        if min(self.transactions_90d, self.tenure_days) < 0:
            raise ValueError(f"{self.customer}: counts and tenure may not be negative")
        for maturity in self.maturities:
            if maturity.product_type not in MATURING_PRODUCTS:
                raise ValueError(f"{self.customer}: {maturity.account} is no time deposit or wealth product")
            if maturity.balance_before < 0 or maturity.balance_now < 0:
                raise ValueError(f"{self.customer}: {maturity.account} has a negative balance")


def _days_since(profile: CustomerProfile, as_of: date) -> int | None:
    if profile.last_transaction is None:
        return None
    days = (as_of - profile.last_transaction).days
    if days < 0:
        raise ValueError(f"{profile.customer}: last transaction {profile.last_transaction} is after {as_of}")
    return days


def _unique(profiles: Iterable[CustomerProfile]) -> list[CustomerProfile]:
    """The profiles ordered by customer id; a customer given twice is the caller's mistake."""
    ordered = sorted(profiles, key=lambda p: p.customer)
    for before, after in pairwise(ordered):
        if before.customer == after.customer:
            raise ValueError(f"{after.customer} is given twice")
    return ordered


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal:
    return numerator / denominator


def _floor_percent(ratio: Decimal) -> int:
    """A ratio as whole per cent, rounded down (so a shown 19% never earned a 20% band's points)."""
    return int((ratio * 100).to_integral_value(rounding=ROUND_FLOOR))


# --------------------------------------------------------------------------------------------------------------
# 1. Segmentation (RFM)
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Segment:
    """A named pattern of high (score ≥ :data:`HIGH_SCORE`) and low R, F and M scores."""

    code: str
    name: str  # zh-CN
    name_en: str
    description: str  # zh-CN, one sentence
    description_en: str
    recency_high: bool
    frequency_high: bool
    monetary_high: bool


#: A score at or above this is "high": the top two quintiles, i.e. above the population's middle.
HIGH_SCORE = 4

#: The classic eight RFM segments (R, F, M each high or low), in report order.
SEGMENTS: tuple[Segment, ...] = (
    Segment(
        "IMPORTANT_VALUE",
        "重要价值客户",
        "Champions",
        "近期活跃、交易频繁、资产居前，是核心价值客户，应重点维护并提供专属服务。",
        "Recent, frequent and wealthy: the core customers to keep delighted with premium service.",
        True,
        True,
        True,
    ),
    Segment(
        "IMPORTANT_DEVELOP",
        "重要发展客户",
        "High value to develop",
        "资产居前且近期有交易，但交易不多，宜加深往来、交叉销售以提高活跃度。",
        "Wealthy and recently active but transacting little: deepen the relationship and cross-sell.",
        True,
        False,
        True,
    ),
    Segment(
        "IMPORTANT_KEEP",
        "重要保持客户",
        "High value to keep in touch",
        "资产居前、交易频繁，但近期没有交易，应主动联系、保持往来。",
        "Wealthy and frequent but not seen lately: get back in touch before the relationship cools.",
        False,
        True,
        True,
    ),
    Segment(
        "IMPORTANT_RETAIN",
        "重要挽留客户",
        "High value at risk",
        "资产居前，但近期无交易且交易稀少，有流失风险，应尽快挽留。",
        "Wealthy but neither recent nor frequent: at risk of leaving, to be won back first.",
        False,
        False,
        True,
    ),
    Segment(
        "GENERAL_VALUE",
        "一般价值客户",
        "Loyal, lower assets",
        "近期活跃、交易频繁，但资产不高，宜引导资产提升。",
        "Recent and frequent but with lower assets: grow their assets with the bank.",
        True,
        True,
        False,
    ),
    Segment(
        "GENERAL_DEVELOP",
        "一般发展客户",
        "New or occasional",
        "近期有交易，但交易不多、资产不高，可作为潜力客户培育。",
        "Recently active but infrequent and with lower assets: potential to nurture.",
        True,
        False,
        False,
    ),
    Segment(
        "GENERAL_KEEP",
        "一般保持客户",
        "Cooling, lower assets",
        "曾经交易频繁，但近期无交易、资产不高，宜适度关怀以保持往来。",
        "Frequent once but not lately, with lower assets: keep in touch at low cost.",
        False,
        True,
        False,
    ),
    Segment(
        "GENERAL_RETAIN",
        "一般挽留客户",
        "Dormant, lower assets",
        "近期无交易、交易稀少、资产不高，价值较低，以低成本方式维系。",
        "Neither recent, frequent nor wealthy: maintain through low-cost channels.",
        False,
        False,
        False,
    ),
)

_SEGMENT_BY_PATTERN = {(s.recency_high, s.frequency_high, s.monetary_high): s for s in SEGMENTS}


class Trend(StrEnum):
    """The 90-day AUM trend: a change of ±10% or more is a rise or a fall."""

    UP = "UP"
    FLAT = "FLAT"
    DOWN = "DOWN"

    @property
    def display_name(self) -> str:
        return {"UP": "上升", "FLAT": "平稳", "DOWN": "下降"}[self.value]


#: A 90-day AUM change of at least this much (either way) is a trend.
TREND_THRESHOLD = Decimal("0.10")


@dataclass(frozen=True, slots=True)
class CustomerSegment:
    """One customer's RFM scores and segment. The trend, the relative change and the explanation are derived from
    the figures kept (not stored: a model holds one of these per customer of the bank — a million of them)."""

    customer: str
    segment: Segment
    recency: int  # 1–5; 5 = the most recent fifth of the population
    frequency: int  # 1–5; 5 = the most frequent fifth
    monetary: int  # 1–5; 5 = the wealthiest fifth
    days_since_last_transaction: int | None  # None: no transaction on record
    transactions_90d: int
    aum: Decimal
    aum_90d_ago: Decimal

    @property
    def scores(self) -> str:
        """The RFM pattern, e.g. "545"."""
        return f"{self.recency}{self.frequency}{self.monetary}"

    @property
    def trend(self) -> Trend:
        return _trend(self.aum_90d_ago, self.aum)[0]

    @property
    def aum_change_90d(self) -> Decimal | None:
        """(now − 90 days ago) / 90 days ago; None when there was nothing 90 days ago."""
        return _trend(self.aum_90d_ago, self.aum)[1]

    @property
    def explanation(self) -> str:
        """zh-CN, e.g. "近30天有交易，90天交易28笔，金融资产居前20%，较90天前下降25%"."""
        phrases = (
            _recency_phrase(self.days_since_last_transaction),
            f"90天交易{self.transactions_90d}笔",
            _MONETARY_PHRASES[self.monetary],
            _trend_phrase(*_trend(self.aum_90d_ago, self.aum)),
        )
        return "，".join(phrase for phrase in phrases if phrase)


@dataclass(frozen=True, slots=True)
class SegmentSummary:
    segment: Segment
    customers: int
    share: Decimal  # of the population, 0–1 (0 for an empty population)
    mean_aum: Decimal | None  # to the fen; None when the segment is empty
    declining: int  # customers whose AUM trend is DOWN


@dataclass(frozen=True, slots=True)
class Segmentation:
    customers: tuple[CustomerSegment, ...]  # by customer id
    summary: tuple[SegmentSummary, ...]  # every segment of SEGMENTS, in that order, empty ones included


def quintile_scores(values: Mapping[str, _Ranked]) -> dict[str, int]:
    """Scores 1–5 by quintiles of the population: 5 for the highest fifth of the values.

    A value's position is its mid-percentile rank ``(below + equal / 2) / n`` and its score
    ``1 + floor(5 × position)``: n distinct values spread evenly over 1–5 (five customers score 1, 2, 3, 4, 5), a
    lone customer and a population of equal values sit in the middle (3), and equal values always share a score —
    two customers with the same figures never land in different segments because of their ids.
    """
    return dict(zip(values, _quintiles(list(values.values())), strict=True))


def _quintiles(values: Sequence[_Ranked]) -> list[int]:
    """:func:`quintile_scores` of a list of values, in its order."""
    n = len(values)
    ordered = sorted(values)
    # below + upto = 2·below + equal
    return [min(5, 1 + (5 * (bisect_left(ordered, v) + bisect_right(ordered, v))) // (2 * n)) for v in values]


#: The recency of a customer without any transaction: below every date's (``-days``).
_NEVER = float("-inf")


def aum_trend(profile: CustomerProfile) -> tuple[Trend, Decimal | None]:
    """The 90-day AUM trend and relative change (None when the customer held nothing 90 days ago)."""
    return _trend(profile.aum_90d_ago, profile.aum_now)


def _trend(before: Decimal, now: Decimal) -> tuple[Trend, Decimal | None]:
    if before <= 0:
        return (Trend.UP if now > 0 else Trend.FLAT), None
    change = _ratio(now - before, before)
    if change >= TREND_THRESHOLD:
        return Trend.UP, change
    if change <= -TREND_THRESHOLD:
        return Trend.DOWN, change
    return Trend.FLAT, change


_MONETARY_PHRASES = {
    5: "金融资产居前20%",
    4: "金融资产居前40%",
    3: "金融资产居中",
    2: "金融资产居后40%",
    1: "金融资产居后20%",
}


def _recency_phrase(days: int | None) -> str:
    if days is None:
        return "无交易记录"
    for window in (7, 30, 90):
        if days <= window:
            return f"近{window}天有交易"
    return f"已{days}天无交易"


def _trend_phrase(trend: Trend, change: Decimal | None) -> str:
    if change is None:
        return "90天内新增金融资产" if trend is Trend.UP else ""
    if trend is Trend.UP:
        return f"较90天前上升{_floor_percent(change)}%"
    if trend is Trend.DOWN:
        return f"较90天前下降{_floor_percent(-change)}%"
    return "较90天前基本持平"


def segment_customers(profiles: Iterable[CustomerProfile], as_of: date) -> Segmentation:
    """RFM segmentation of the population given, as of a date.

    Recency is the days from the last transaction to ``as_of`` (no transaction ranks below every date),
    frequency the transactions in 90 days, monetary the AUM now; each is scored by :func:`quintile_scores`
    within the population and is *high* at :data:`HIGH_SCORE` or more (the top two fifths). The pattern of
    highs picks one of :data:`SEGMENTS`. Scores are relative: the same customer may move segment when the
    population changes.
    """
    population = _unique(profiles)
    # lists in the population's order, not dictionaries by customer: a million customers' scores are transient
    days = [_days_since(p, as_of) for p in population]
    r = _quintiles([_NEVER if d is None else -d for d in days])
    f = _quintiles([p.transactions_90d for p in population])
    m = _quintiles([p.aum_now for p in population])
    results = []
    counts, sums, declining = Counter[Segment](), defaultdict[Segment, Decimal](Decimal), Counter[Segment]()
    for i, p in enumerate(population):
        segment = _SEGMENT_BY_PATTERN[(r[i] >= HIGH_SCORE, f[i] >= HIGH_SCORE, m[i] >= HIGH_SCORE)]
        result = CustomerSegment(
            customer=p.customer,
            segment=segment,
            recency=r[i],
            frequency=f[i],
            monetary=m[i],
            days_since_last_transaction=days[i],
            transactions_90d=p.transactions_90d,
            aum=p.aum_now,
            aum_90d_ago=p.aum_90d_ago,
        )
        results.append(result)
        counts[segment] += 1
        sums[segment] += p.aum_now
        declining[segment] += result.trend is Trend.DOWN
    summary = [
        SegmentSummary(
            segment=segment,
            customers=counts[segment],
            share=Decimal(counts[segment]) / len(results) if results else Decimal(0),
            mean_aum=(sums[segment] / counts[segment]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            if counts[segment]
            else None,
            declining=declining[segment],
        )
        for segment in SEGMENTS
    ]
    return Segmentation(customers=tuple(results), summary=tuple(summary))


# --------------------------------------------------------------------------------------------------------------
# 2. Churn risk
# --------------------------------------------------------------------------------------------------------------


class RiskLevel(StrEnum):
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"

    @property
    def display_name(self) -> str:
        return {"HIGH": "高", "MEDIUM": "中", "LOW": "低"}[self.value]


#: Score thresholds of the levels: 高 at 50 or more, 中 at 25 or more, 低 below.
HIGH_RISK = 50
MEDIUM_RISK = 25

#: Bands of the churn factors: (at least this, points), the first that holds counts. See :func:`score_churn_risk`.
AUM_DECLINE_90D_BANDS: tuple[tuple[Decimal, int], ...] = (
    (Decimal("0.50"), 20),
    (Decimal("0.35"), 15),
    (Decimal("0.20"), 10),
    (Decimal("0.10"), 5),
)
AUM_DECLINE_180D_BANDS: tuple[tuple[Decimal, int], ...] = ((Decimal("0.40"), 10), (Decimal("0.20"), 5))
PEAK_DRAWDOWN_BANDS: tuple[tuple[Decimal, int], ...] = ((Decimal("0.40"), 10), (Decimal("0.20"), 5))
DORMANCY_BANDS: tuple[tuple[int, int], ...] = ((180, 20), (90, 15), (60, 10), (30, 5))
NET_OUTFLOW_BANDS: tuple[tuple[Decimal, int], ...] = ((Decimal("0.30"), 10), (Decimal("0.10"), 5))
#: Maturities not renewed, their balances before maturity as a share of the AUM 90 days before (or of those
#: balances when larger): any 5, 20% or more 10.
MATURITY_NOT_RENEWED_BANDS: tuple[tuple[Decimal, int], ...] = ((Decimal("0.20"), 10), (Decimal(0), 5))
SHORT_TENURE_DAYS = 365
#: The maturities the churn score looks at: those of the last 90 days, ``as_of`` included.
MATURITY_WINDOW_DAYS = 90
#: A maturity is renewed when the customer opened a time deposit or wealth product within this many days after it
#: (the maturity day included) …
RENEWAL_DAYS = 30
#: … or when the matured account still holds more than this share of its balance before maturity.
RENEWAL_KEPT_SHARE = Decimal("0.10")

#: The most points each factor can give; they add up to 100.
CHURN_WEIGHTS: dict[str, int] = {
    "AUM_DECLINE_90D": 20,
    "AUM_DECLINE_180D": 10,
    "PEAK_DRAWDOWN": 10,
    "DORMANT": 20,
    "NET_OUTFLOW": 10,
    "MATURITIES_NOT_RENEWED": 10,
    "PRODUCTS_CLOSED": 10,
    "SINGLE_PRODUCT": 5,
    "SHORT_TENURE": 5,
}


@dataclass(frozen=True, slots=True)
class ChurnFactor:
    code: str  # a key of CHURN_WEIGHTS
    points: int
    text: str  # zh-CN, e.g. "金融资产较90天前下降35%"


@dataclass(frozen=True, slots=True)
class ChurnRisk:
    customer: str
    score: int  # 0–100
    level: RiskLevel
    factors: tuple[
        ChurnFactor, ...
    ]  # the contributing factors, most points first (CHURN_WEIGHTS order on ties)

    @property
    def explanation(self) -> str:
        """The factors in one zh-CN line, e.g. "金融资产较90天前下降35%（+15）；已120天无交易（+15）"."""
        return "；".join(f"{f.text}（+{f.points}）" for f in self.factors) or "无明显流失迹象"


def _band(value: _Banded, bands: Sequence[tuple[_Banded, int]]) -> int:
    for at_least, points in bands:
        if value >= at_least:
            return points
    return 0


def _decline(before: Decimal, now: Decimal) -> Decimal | None:
    return _ratio(before - now, before) if before > 0 and now < before else None


def maturities_not_renewed(profile: CustomerProfile, as_of: date) -> tuple[Maturity, ...]:
    """The customer's maturities of the :data:`MATURITY_WINDOW_DAYS` (90) days up to ``as_of`` that were not
    renewed, the largest balance first (then by date and account).

    A maturity counts when it fell in the window, something was held before it (``balance_before`` > 0) and,
    as known on ``as_of`` (nothing later is looked at, so a backtest scores with what was known then):

    - the customer opened no time deposit or wealth product from the maturity day to :data:`RENEWAL_DAYS` (30)
      days after it — while those days are still running, none so far; and
    - the matured account is closed, or holds at most :data:`RENEWAL_KEPT_SHARE` (10%) of its balance before
      maturity (a deposit rolled over in place, or mostly left where it was, is no sign of leaving).
    """
    start = as_of - timedelta(days=MATURITY_WINDOW_DAYS)
    opened = sorted(day for day in profile.renewal_openings if day <= as_of)
    lapsed = []
    for m in profile.maturities:
        if not start < m.maturity_date <= as_of or m.balance_before <= 0:
            continue
        last = min(m.maturity_date + timedelta(days=RENEWAL_DAYS), as_of)
        if bisect_left(opened, m.maturity_date) < bisect_right(opened, last):
            continue  # renewed by a new time deposit or wealth product
        if not m.closed and m.balance_now > m.balance_before * RENEWAL_KEPT_SHARE:
            continue  # the money stayed
        lapsed.append(m)
    return tuple(sorted(lapsed, key=lambda m: (-m.balance_before, m.maturity_date, m.account)))


def _yuan(amount: Decimal) -> str:
    """¥500,000.00"""
    return f"¥{amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def _maturity_phrase(m: Maturity) -> str:
    """e.g. 定期存款 TD-1Y 于 2026-03-01 到期未续存（到期前余额 ¥500,000.00）"""
    name = " ".join(part for part in (PRODUCT_NAMES[m.product_type], m.product) if part)
    return f"{name} 于 {m.maturity_date.isoformat()} 到期未续存（到期前余额 {_yuan(m.balance_before)}）"


def risk_level(score: float) -> RiskLevel:
    if score >= HIGH_RISK:
        return RiskLevel.HIGH
    if score >= MEDIUM_RISK:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW


def score_churn_risk(
    profile: CustomerProfile, as_of: date, shared: dict[ChurnFactor, ChurnFactor] | None = None
) -> ChurnRisk:
    """The churn-risk score 0–100 of one customer, the sum of these factors' points (:data:`CHURN_WEIGHTS`):

    ==========================  ======  ===================================================================
    factor                      max     points
    ==========================  ======  ===================================================================
    AUM_DECLINE_90D             20      AUM down vs 90 days ago by ≥10% 5, ≥20% 10, ≥35% 15, ≥50% 20
    AUM_DECLINE_180D            10      AUM down vs 180 days ago by ≥20% 5, ≥40% 10
    PEAK_DRAWDOWN               10      AUM below the 12-month peak by ≥20% 5, ≥40% 10
    DORMANT                     20      days since the last transaction ≥30 5, ≥60 10, ≥90 15, ≥180 (or
                                        none on record) 20
    NET_OUTFLOW                 10      outflow − inflow in 90 days, as a share of the AUM 90 days ago (or
                                        of the outflow when larger), ≥10% 5, ≥30% 10
    MATURITIES_NOT_RENEWED      10      time deposits and wealth products matured in the 90 days up to
                                        ``as_of`` and not renewed (:func:`maturities_not_renewed`): their
                                        balances before maturity as a share of the AUM 90 days ago (or of
                                        those balances when larger), any 5, ≥20% 10
    PRODUCTS_CLOSED             10      product categories held 90 days ago and no longer: one 5, two or
                                        more 10
    SINGLE_PRODUCT              5       at most one product category held (little to keep the customer)
    SHORT_TENURE                5       customer for less than 365 days
    ==========================  ======  ===================================================================

    The AUM factors overlap on purpose: a fall that is recent, lasting and far from the peak adds up. Levels:
    高 at :data:`HIGH_RISK` (50) or more, 中 at :data:`MEDIUM_RISK` (25) or more, 低 below — a customer
    whose AUM halved in 90 days reaches 高 on the AUM factors alone. The weights are expert-set, not fitted;
    :func:`backtest` checks them against history. ``shared`` keeps each distinct factor once for a population
    (a few hundred texts — "已37天无交易" — shared by a million customers).
    """
    p = profile
    factors: list[ChurnFactor] = []

    def add(code: str, points: int, text: str) -> None:
        if points:
            factor = ChurnFactor(code, points, text)
            factors.append(factor if shared is None else shared.setdefault(factor, factor))

    decline = _decline(p.aum_90d_ago, p.aum_now)
    if decline is not None:
        add(
            "AUM_DECLINE_90D",
            _band(decline, AUM_DECLINE_90D_BANDS),
            f"金融资产较90天前下降{_floor_percent(decline)}%",
        )
    decline = _decline(p.aum_180d_ago, p.aum_now)
    if decline is not None:
        add(
            "AUM_DECLINE_180D",
            _band(decline, AUM_DECLINE_180D_BANDS),
            f"金融资产较180天前下降{_floor_percent(decline)}%",
        )
    decline = _decline(p.peak_aum_12m, p.aum_now)
    if decline is not None:
        add(
            "PEAK_DRAWDOWN",
            _band(decline, PEAK_DRAWDOWN_BANDS),
            f"金融资产较近12个月峰值回落{_floor_percent(decline)}%",
        )
    days = _days_since(p, as_of)
    if days is None:
        add("DORMANT", CHURN_WEIGHTS["DORMANT"], "无交易记录")
    else:
        add("DORMANT", _band(days, DORMANCY_BANDS), f"已{days}天无交易")
    net = p.outflow_90d - p.inflow_90d
    if net > 0:
        share = _ratio(net, max(p.aum_90d_ago, p.outflow_90d))
        add(
            "NET_OUTFLOW",
            _band(share, NET_OUTFLOW_BANDS),
            f"近90天资金流出大于流入，净流出相当于90天前金融资产的{_floor_percent(share)}%",
        )
    lapsed = maturities_not_renewed(p, as_of)
    if lapsed:
        total = sum((m.balance_before for m in lapsed), Decimal(0))
        share = _ratio(total, max(p.aum_90d_ago, total))
        text = _maturity_phrase(lapsed[0])
        if len(lapsed) > 1:
            text += f"等{len(lapsed)}笔，合计 {_yuan(total)}"
        add("MATURITIES_NOT_RENEWED", _band(share, MATURITY_NOT_RENEWED_BANDS), text)
    closed = sorted(p.products_90d_ago - p.products, key=_PRODUCT_ORDER.__getitem__)
    if closed:
        add(
            "PRODUCTS_CLOSED",
            10 if len(closed) >= 2 else 5,
            f"近90天不再持有{'、'.join(PRODUCT_NAMES[c] for c in closed)}",
        )
    if len(p.products) <= 1:
        add("SINGLE_PRODUCT", 5, f"仅持有{len(p.products)}类产品" if p.products else "未持有任何产品")
    if p.tenure_days < SHORT_TENURE_DAYS:
        add("SHORT_TENURE", 5, f"成为本行客户仅{p.tenure_days}天")
    order = list(CHURN_WEIGHTS)
    factors.sort(key=lambda f: (-f.points, order.index(f.code)))
    score = min(100, sum(f.points for f in factors))
    return ChurnRisk(customer=p.customer, score=score, level=risk_level(score), factors=tuple(factors))


def score_churn_risks(profiles: Iterable[CustomerProfile], as_of: date) -> tuple[ChurnRisk, ...]:
    """:func:`score_churn_risk` for a population, the riskiest first (ties by customer id)."""
    shared: dict[ChurnFactor, ChurnFactor] = {}
    risks = [score_churn_risk(p, as_of, shared) for p in _unique(profiles)]
    return tuple(sorted(risks, key=lambda r: (-r.score, r.customer)))


#: A customer churned when their AUM fell by at least this share (or every account closed).
CHURN_AUM_DROP = Decimal("0.50")


class Holdings(Protocol):
    """What :func:`churned_between` compares of a customer at two dates (a :class:`CustomerProfile` has it)."""

    @property
    def customer(self) -> str: ...

    @property
    def aum_now(self) -> Decimal: ...

    @property
    def products(self) -> frozenset[str]: ...


def churned_between(before: Holdings, after: Holdings) -> bool:
    """Whether a customer churned between two profiles (typically ``as_of`` = t0 and t0 + 90 days).

    Churned: every account closed (no product category held any more, having held one), or the AUM fell by
    :data:`CHURN_AUM_DROP` (50%) or more from a positive AUM. A customer who held nothing cannot churn.
    """
    if before.customer != after.customer:
        raise ValueError(f"profiles of different customers: {before.customer}, {after.customer}")
    if before.products and not after.products:
        return True
    return before.aum_now > 0 and after.aum_now <= before.aum_now * (1 - CHURN_AUM_DROP)


@dataclass(frozen=True, slots=True)
class PrecisionAtK:
    k: int  # as asked
    customers: int  # min(k, population)
    churned: int  # churners among the k riskiest
    precision: float | None  # churned / customers; None for an empty population


@dataclass(frozen=True, slots=True)
class Backtest:
    threshold: float
    population: int  # customers scored at t0
    churned: int  # of them, churned afterwards
    flagged: int  # scored at or above the threshold
    true_positives: int
    false_positives: int
    false_negatives: int
    true_negatives: int
    base_rate: float | None  # churned / population
    precision: float | None  # true positives / flagged; None when nothing was flagged
    recall: float | None  # true positives / churned; None when nobody churned
    lift: float | None  # precision / base rate; None when either is None or the base rate is 0
    precision_at_k: tuple[PrecisionAtK, ...]


def backtest(
    scores_at_t0: Mapping[str, float],
    churned: AbstractSet[str],
    threshold: float,
    top_k: Sequence[int] = (10, 50, 100),
) -> Backtest:
    """How well scores given at t0 foretold who churned afterwards (:func:`churned_between`).

    A customer is flagged when their score is at or above ``threshold``. The population is the customers
    scored; churners who were not scored at t0 (e.g. not yet key customers) are left out. Precision at k takes
    the k highest scores, ties by customer id.
    """
    population = len(scores_at_t0)
    actual = {c for c in churned if c in scores_at_t0}
    flagged = {c for c, score in scores_at_t0.items() if score >= threshold}
    tp = len(flagged & actual)
    fp = len(flagged) - tp
    fn = len(actual) - tp
    tn = population - tp - fp - fn
    base_rate = len(actual) / population if population else None
    precision = tp / len(flagged) if flagged else None
    recall = tp / len(actual) if actual else None
    lift = precision / base_rate if precision is not None and base_rate else None
    ranked = sorted(scores_at_t0, key=lambda c: (-scores_at_t0[c], c))
    at_k = []
    for k in top_k:
        if k <= 0:
            raise ValueError(f"k must be positive, not {k}")
        top = ranked[:k]
        hits = sum(1 for c in top if c in actual)
        at_k.append(PrecisionAtK(k, len(top), hits, hits / len(top) if top else None))
    return Backtest(
        threshold=threshold,
        population=population,
        churned=len(actual),
        flagged=len(flagged),
        true_positives=tp,
        false_positives=fp,
        false_negatives=fn,
        true_negatives=tn,
        base_rate=base_rate,
        precision=precision,
        recall=recall,
        lift=lift,
        precision_at_k=tuple(at_k),
    )


# --------------------------------------------------------------------------------------------------------------
# 3. Next best product (association rules)
# --------------------------------------------------------------------------------------------------------------

TIER_ITEM_PREFIX = "tier="


def tier_item(tier: str) -> str:
    """The antecedent item of a tier, e.g. ``tier=tiers/diamond``."""
    return f"{TIER_ITEM_PREFIX}{tier}"


@dataclass(frozen=True, slots=True)
class AssociationRule:
    """``antecedent → consequent``: customers holding every antecedent item also hold the consequent product.

    The antecedent is the tier item first (if any), then products in catalogue order; counts are customers.
    """

    antecedent: tuple[str, ...]  # e.g. ("tier=tiers/diamond", "TIME_DEPOSIT", "FUND")
    consequent: str  # a product category
    population: int  # customers mined
    antecedent_count: int  # customers holding the antecedent
    consequent_count: int  # customers holding the consequent
    rule_count: int  # customers holding both

    @property
    def tier(self) -> str:
        """The tier in the antecedent ("tiers/diamond"), or "" when there is none."""
        first = self.antecedent[0]
        return first.removeprefix(TIER_ITEM_PREFIX) if first.startswith(TIER_ITEM_PREFIX) else ""

    @property
    def antecedent_products(self) -> tuple[str, ...]:
        return tuple(item for item in self.antecedent if not item.startswith(TIER_ITEM_PREFIX))

    @property
    def support(self) -> float:
        return self.rule_count / self.population

    @property
    def confidence(self) -> float:
        return self.rule_count / self.antecedent_count

    @property
    def lift(self) -> float:
        return (self.rule_count * self.population) / (self.antecedent_count * self.consequent_count)

    def explanation(self, tier_labels: Mapping[str, str] | None = None) -> str:
        """zh-CN, e.g. "同时持有定期存款和基金的钻石客户中，72% 持有理财（提升度 1.8）".

        ``tier_labels`` maps tier names (``tiers/diamond``) to display names (钻石); a tier without one is
        shown by its id.
        """
        names = [PRODUCT_NAMES[p] for p in self.antecedent_products]
        holding = ""
        if len(names) == 1:
            holding = f"持有{names[0]}的"
        elif names:
            holding = f"同时持有{'和'.join(names)}的"
        tier = self.tier
        who = (tier_labels or {}).get(tier, tier.removeprefix("tiers/")) if tier else ""
        percent = _half_up(Fraction(self.rule_count * 100, self.antecedent_count), "1")
        lift = _half_up(
            Fraction(self.rule_count * self.population, self.antecedent_count * self.consequent_count)
        )
        return f"{holding}{who}客户中，{percent}% 持有{PRODUCT_NAMES[self.consequent]}（提升度 {lift}）"


def _half_up(value: Fraction, places: str = "0.1") -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal(places), rounding=ROUND_HALF_UP
    )


def _exact(value: float | Decimal | Fraction) -> Fraction:
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


def _items(profile: CustomerProfile, use_tier: bool) -> tuple[str | None, tuple[str, ...]]:
    tier = tier_item(profile.tier) if use_tier and profile.tier else None
    return tier, tuple(sorted(profile.products, key=_PRODUCT_ORDER.__getitem__))


def _rule_order(rule: AssociationRule) -> tuple[Fraction, Fraction, int, int, tuple[int, ...], str, int]:
    """Best first: confidence, lift, support (all higher first), then the simpler antecedent, then catalogue order."""
    return (
        -Fraction(rule.rule_count, rule.antecedent_count),
        -Fraction(rule.rule_count * rule.population, rule.antecedent_count * rule.consequent_count),
        -rule.rule_count,
        len(rule.antecedent),
        tuple(_PRODUCT_ORDER[p] for p in rule.antecedent_products),
        rule.tier,
        _PRODUCT_ORDER[rule.consequent],
    )


def mine_rules(
    profiles: Iterable[CustomerProfile],
    *,
    min_support: float | Decimal | Fraction = 0.05,
    min_confidence: float | Decimal | Fraction = 0.3,
    min_lift: float | Decimal | Fraction = 1,
    max_antecedent_products: int = 2,
    use_tier: bool = True,
) -> tuple[AssociationRule, ...]:
    """Association rules ``antecedent → product`` over the population's cross-holding of product categories.

    An antecedent is 0 to ``max_antecedent_products`` (default 2) products plus, when ``use_tier``, optionally
    the customer's tier item (``tier=tiers/diamond``) — never empty; the consequent is one product. A rule is
    kept when its support (customers holding antecedent and consequent / population) reaches ``min_support``,
    its confidence (… / customers holding the antecedent) ``min_confidence`` and its lift (confidence / share
    of customers holding the consequent) ``min_lift`` (default 1: no rule whose antecedent makes the product
    *less* likely). Thresholds are compared exactly (0.3 means 3/10). Rules come best first (:func:`_rule_order`).

    Mine each customer type separately when their product ranges differ (corporates hold no credit cards).
    """
    population = _unique(profiles)
    n = len(population)
    if n == 0:
        return ()
    if max_antecedent_products < 0:
        raise ValueError("max_antecedent_products may not be negative")
    counts: Counter[tuple[str, ...]] = (
        Counter()
    )  # itemset (tier item first, products in catalogue order) → customers
    for profile in population:
        tier, products = _items(profile, use_tier)
        for size in range(min(len(products), max_antecedent_products + 1) + 1):
            for combo in combinations(products, size):
                if combo:
                    counts[combo] += 1
                if tier is not None:
                    counts[(tier, *combo)] += 1
    min_support_, min_confidence_, min_lift_ = _exact(min_support), _exact(min_confidence), _exact(min_lift)
    rules = []
    for itemset, rule_count in counts.items():
        if Fraction(rule_count, n) < min_support_:
            continue
        for consequent in itemset:
            if consequent.startswith(TIER_ITEM_PREFIX):
                continue
            antecedent = tuple(item for item in itemset if item != consequent)
            if not antecedent:
                continue
            antecedent_count, consequent_count = counts[antecedent], counts[(consequent,)]
            if Fraction(rule_count, antecedent_count) < min_confidence_:
                continue
            if Fraction(rule_count * n, antecedent_count * consequent_count) < min_lift_:
                continue
            rules.append(
                AssociationRule(antecedent, consequent, n, antecedent_count, consequent_count, rule_count)
            )
    return tuple(sorted(rules, key=_rule_order))


@dataclass(frozen=True, slots=True)
class NextBestProduct:
    customer: str
    product: str  # a product category the customer does not hold
    product_name: str  # zh-CN
    rule: AssociationRule
    explanation: str  # zh-CN, the rule's explanation with its real numbers


def next_best_product(
    profile: CustomerProfile,
    rules: Sequence[AssociationRule],
    tier_labels: Mapping[str, str] | None = None,
    explained: dict[AssociationRule, str] | None = None,
) -> NextBestProduct | None:
    """The best product the customer does not hold: the best rule (:func:`mine_rules` order) whose antecedent
    the customer holds — their products and, for a tier item, their tier — and whose consequent they do not.
    None when no rule applies (a customer holding every product gets none). ``explained`` keeps each rule's
    explanation once for a population (the same text for every customer the rule recommends to)."""
    held = set(profile.products)
    if profile.tier:
        held.add(tier_item(profile.tier))
    best = min(
        (r for r in rules if r.consequent not in profile.products and held.issuperset(r.antecedent)),
        key=_rule_order,
        default=None,
    )
    if best is None:
        return None
    if explained is None:
        explanation = best.explanation(tier_labels)
    else:
        if best not in explained:
            explained[best] = best.explanation(tier_labels)
        explanation = explained[best]
    return NextBestProduct(
        customer=profile.customer,
        product=best.consequent,
        product_name=PRODUCT_NAMES[best.consequent],
        rule=best,
        explanation=explanation,
    )


def next_best_products(
    profiles: Iterable[CustomerProfile],
    rules: Sequence[AssociationRule],
    tier_labels: Mapping[str, str] | None = None,
) -> tuple[NextBestProduct, ...]:
    """:func:`next_best_product` for a population, by customer id; customers without a recommendation left out."""
    explained: dict[AssociationRule, str] = {}
    found = (next_best_product(p, rules, tier_labels, explained) for p in _unique(profiles))
    return tuple(nbp for nbp in found if nbp is not None)
