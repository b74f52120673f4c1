"""Data mining over the analytical store (决策支持): each customer's profile on a day, and from the population of
profiles the RFM segments, the churn-risk scores and the next-best-product rules (:mod:`kam_report.domain.mining`).

The model is built over every customer the store holds (quintiles and rules need the population) and cached per
day for :data:`MODEL_SECONDS`, kept warm in the background (:meth:`Insights.keep_warm`); what a caller sees of it
is limited to their scope like every report.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_report.adapters.orm import AccountFact, BalanceDay, CustomerFact, TransactionDay
from kam_report.domain import mining
from kam_report.domain.tables import Column, ColumnType, Query, Row, Table
from kam_report.service_layer import reports
from kam_report.service_layer.reports import ASSET_TYPES, OrgTree

ZERO = Decimal(0)
log = logging.getLogger(__name__)
#: A model serves this long (seconds) before it is fitted again on the store as it is then (mining moves slowly; a
#: live feed moves the data time every second).
MODEL_SECONDS = 300.0


#: The monthly samples of a customer's assets the model reads (:func:`_assets_history`): today, 30 … 330 days back.
SAMPLES = 12
#: Rows of a statement over every customer read at a time.
STREAMED_ROWS = 10_000


#: A customer key read from the store → the profiled customer's own key object (one string per customer, whatever
#: statement it came from), None for a customer not profiled.
Keys = Callable[[str], str | None]


async def _assets_history(
    session: AsyncSession, day: date, key: Keys
) -> dict[str, tuple[Decimal, Decimal, Decimal, Decimal]]:
    """Each customer's assets under management at the end of ``day``, 90 and 180 days before, and the highest of
    twelve monthly samples (``day`` and every 30 days back) — customers holding nothing on all of them are absent.
    One pass over the balance facts (a conditional sum per day, the reports' reading of balances); kept as one
    tuple per customer, not a dictionary per day: the model's peak memory at a million customers."""
    days = [day - timedelta(days=30 * k) for k in range(SAMPLES)]
    statement = reports.balances_on(
        days,
        BalanceDay.customer,
        *(func.sum(case((reports.held_on(d), BalanceDay.balance), else_=0)) for d in days),
        customers=None,  # by the facts' own key: the profiles are made for the customers the store knows
        accounts=[BalanceDay.type.in_(ASSET_TYPES)],
    ).group_by(BalanceDay.customer)
    out: dict[str, tuple[Decimal, Decimal, Decimal, Decimal]] = {}
    async for customer, *totals in _streamed(session, statement):
        if any(totals) and (customer := key(customer)) is not None:
            # 90 and 180 days back are the fourth and seventh samples
            amounts = [_amount(t) for t in totals]
            # the peak is one of the twelve objects (often one of the three kept): no copy of it
            out[customer] = (amounts[0], amounts[3], amounts[6], max(amounts))
    return out


def _amount(value: Any) -> Decimal:
    """A sum read as a Decimal, the shared zero for nothing (most customers' flows or past assets, a million times)."""
    if not value:
        return ZERO
    return value if type(value) is Decimal else Decimal(value)


async def _by_customer(
    session: AsyncSession, statement: Any, key: Keys, value: Callable[..., Any] = lambda v: v
) -> dict[str, Any]:
    """``{customer: value(*the other columns)}`` of a statement whose first column is a customer, streamed, under
    the profiled customers' own keys (the others dropped)."""
    return {
        k: value(*rest)
        async for customer, *rest in _streamed(session, statement)
        if (k := key(customer)) is not None
    }


async def _streamed(session: AsyncSession, statement: Any) -> AsyncIterator[Any]:
    """The rows of a statement over every customer (or account), fetched :data:`STREAMED_ROWS` at a time — never
    all held at once beside what is built from them (the model's peak memory at a million customers)."""
    result = await session.stream(statement.execution_options(yield_per=STREAMED_ROWS))
    async for batch in result.partitions():
        for row in batch:
            yield row


async def _held_on(session: AsyncSession, day: date, key: Keys) -> dict[str, frozenset[str]]:
    statement = (
        select(AccountFact.customer, AccountFact.type)
        .where(
            or_(AccountFact.open_date.is_(None), AccountFact.open_date <= day),
            or_(AccountFact.close_date.is_(None), AccountFact.close_date > day),
            AccountFact.type.in_(mining.PRODUCTS),
        )
        .distinct()
    )
    # one bit per product category (small ints, shared), not a set per customer (216 bytes each, a million times)
    held: dict[str, int] = {}
    async for customer, kind in _streamed(session, statement):
        if (customer := key(customer)) is not None:
            held[customer] = held.get(customer, 0) | _BITS[kind]
    return {customer: _HELD[mask] for customer, mask in held.items()}


#: Each product category's bit, and every combination of them as one frozenset (64 sets shared by every customer).
_BITS = {kind: 1 << i for i, kind in enumerate(mining.PRODUCTS)}
_HELD = [frozenset(k for k, bit in _BITS.items() if mask & bit) for mask in range(1 << len(_BITS))]


def _latest_balances(accounts, condition):
    """Per account of ``accounts`` (a subquery with an ``account`` column), its balance on the latest day of its
    balance facts that meets ``condition`` (over ``BalanceDay`` and ``accounts``)."""
    latest = (
        select(BalanceDay.account.label("account"), func.max(BalanceDay.day).label("day"))
        .join(accounts, accounts.c.account == BalanceDay.account)
        .where(condition)
        .group_by(BalanceDay.account)
        .subquery()
    )
    return select(BalanceDay.account, BalanceDay.balance).join(
        latest, and_(latest.c.account == BalanceDay.account, latest.c.day == BalanceDay.day)
    )


async def _maturities_on(
    session: AsyncSession, day: date
) -> tuple[dict[str, list[mining.Maturity]], dict[str, list[date]]]:
    """Per customer, the time deposits and wealth products that matured in the 90 days up to ``day`` (with their
    balance the day before maturity and at the end of ``day``, and whether they were closed by then), and the
    days in that window on which they opened a time deposit or wealth product — only what was so on ``day``."""
    start = day - timedelta(days=mining.MATURITY_WINDOW_DAYS)
    due = (
        select(AccountFact.account, AccountFact.maturity_date)
        .where(
            AccountFact.type.in_(mining.MATURING_PRODUCTS),
            AccountFact.maturity_date > start,
            AccountFact.maturity_date <= day,
        )
        .subquery()
    )
    before = dict(
        (await session.execute(_latest_balances(due, BalanceDay.day < due.c.maturity_date))).tuples().all()
    )
    now = dict((await session.execute(_latest_balances(due, BalanceDay.day <= day))).tuples().all())
    maturities: dict[str, list[mining.Maturity]] = defaultdict(list)
    for fact in await session.scalars(select(AccountFact).join(due, due.c.account == AccountFact.account)):
        if fact.maturity_date is None:  # selected by it: never, but the column may be NULL
            continue
        maturities[fact.customer].append(
            mining.Maturity(
                account=fact.account,
                product_type=fact.type,
                product=fact.product,
                maturity_date=fact.maturity_date,
                balance_before=Decimal(before.get(fact.account) or 0),
                balance_now=Decimal(now.get(fact.account) or 0),
                closed=fact.close_date is not None and fact.close_date <= day,
            )
        )
    openings: dict[str, list[date]] = defaultdict(list)
    for customer, opened in await session.execute(
        select(AccountFact.customer, AccountFact.open_date).where(
            AccountFact.type.in_(mining.MATURING_PRODUCTS),
            AccountFact.open_date > start,
            AccountFact.open_date <= day,
        )
    ):
        openings[customer].append(opened)
    return maturities, openings


async def profiles_on(session: AsyncSession, day: date) -> dict[str, mining.CustomerProfile]:
    """Every customer's profile at the end of ``day``, from the store. The customers are read first: every figure
    read after is filed under the customer's own key object (a million customers' keys once, not once per
    statement), and a figure of a customer not profiled is dropped as it is read."""
    customers = select(CustomerFact.customer, CustomerFact.tier, CustomerFact.type).where(
        CustomerFact.type != "PENDING"
    )
    texts: dict[str, str] = {}  # the few tiers and types: one string each, not one per customer
    known: dict[str, tuple[str, str, str]] = {}  # key → (the key, tier, type)
    async for c, tier, customer_type in _streamed(session, customers):
        known[c] = (c, texts.setdefault(tier, tier), texts.setdefault(customer_type, customer_type))

    def key(customer: str) -> str | None:
        entry = known.get(customer)
        return None if entry is None else entry[0]

    assets = await _assets_history(session, day, key)
    nothing = (ZERO, ZERO, ZERO, ZERO)
    held, held_90 = await _held_on(session, day, key), await _held_on(session, day - timedelta(days=90), key)
    window = (TransactionDay.day > day - timedelta(days=90), TransactionDay.day <= day)
    flows = await _by_customer(
        session,
        select(
            TransactionDay.customer,
            func.sum(TransactionDay.credit_count + TransactionDay.debit_count),
            func.sum(TransactionDay.credit_amount),
            func.sum(TransactionDay.debit_amount),
        )
        .where(*window)
        .group_by(TransactionDay.customer),
        key,
        lambda count, credit, debit: (int(count or 0), _amount(credit), _amount(debit)),
    )
    last = await _by_customer(
        session,
        select(TransactionDay.customer, func.max(TransactionDay.day))
        .where(TransactionDay.day <= day)
        .group_by(TransactionDay.customer),
        key,
    )
    first_open = await _by_customer(
        session,
        select(AccountFact.customer, func.min(AccountFact.open_date)).group_by(AccountFact.customer),
        key,
    )
    maturities, openings = await _maturities_on(session, day)
    out = {}
    for c, tier, customer_type in known.values():
        # popped: each customer's tuples freed as their profile is made (memory the next profiles reuse)
        count, inflow, outflow = flows.pop(c, (0, ZERO, ZERO))
        opened = first_open.get(c)
        aum_now, aum_90d_ago, aum_180d_ago, peak = assets.pop(c, nothing)
        out[c] = mining.CustomerProfile(
            customer=c,
            tier=tier,
            customer_type=customer_type,
            aum_now=aum_now,
            aum_90d_ago=aum_90d_ago,
            aum_180d_ago=aum_180d_ago,
            peak_aum_12m=peak,
            last_transaction=last.get(c),
            transactions_90d=count,
            inflow_90d=inflow,
            outflow_90d=outflow,
            products=held.get(c, frozenset()),
            products_90d_ago=held_90.get(c, frozenset()),
            tenure_days=max((day - opened).days, 0) if opened else 0,
            maturities=tuple(sorted(maturities.get(c, ()), key=lambda m: m.account)),
            renewal_openings=tuple(sorted(openings.get(c, ()))),
        )
    return out


@dataclass
class Model:
    day: date
    data_time: datetime | None
    built: float
    #: the customers fitted (their profiles are not kept: each one's segment, risk and product are, and the
    #: segment holds their assets — at a million customers the profiles were a third of the model's memory)
    population: int
    segments: dict[str, mining.CustomerSegment]
    summary: tuple[mining.SegmentSummary, ...]
    risks: dict[str, mining.ChurnRisk]
    products: dict[str, mining.NextBestProduct]


def _scored(
    fitted: list[mining.CustomerProfile],
    day: date,
    rules: tuple[mining.AssociationRule, ...],
    names: dict[str, str],
) -> tuple[dict[str, mining.ChurnRisk], dict[str, mining.NextBestProduct]]:
    """Each customer's churn risk and next best product (what :func:`mining.score_churn_risks` and
    :func:`mining.next_best_products` give), in one pass that releases each profile once scored: the profiles'
    own figures are gone before the last risk is made (the model's peak memory at a million customers). Empties
    ``fitted``."""
    risks: dict[str, mining.ChurnRisk] = {}
    products: dict[str, mining.NextBestProduct] = {}
    shared: dict[mining.ChurnFactor, mining.ChurnFactor] = {}
    explained: dict[mining.AssociationRule, str] = {}
    while fitted:
        profile = fitted.pop()
        risks[profile.customer] = mining.score_churn_risk(profile, day, shared)
        if (product := mining.next_best_product(profile, rules, names, explained)) is not None:
            products[profile.customer] = product
    return risks, products


class Insights:
    """The mining model, built on demand and cached (one per day asked for)."""

    def __init__(self) -> None:
        self._models: dict[date, Model] = {}
        self._lock = asyncio.Lock()

    async def model(self, session: AsyncSession, day: date) -> Model:
        async with self._lock:
            cached = self._models.get(day)
            population = int(
                await session.scalar(select(func.count()).where(CustomerFact.type != "PENDING")) or 0
            )
            if cached and cached.population == population and time.monotonic() - cached.built < MODEL_SECONDS:
                return cached  # the same customers, fitted recently: new customers (a scan) fit it again
            data_time = await reports.data_time(session)
            fitted = list((await profiles_on(session, day)).values())
            population = len(fitted)
            segmentation = mining.segment_customers(fitted, day)
            segments = {s.customer: s for s in segmentation.customers}
            summary = segmentation.summary
            del segmentation  # its tuple of every customer's segment: the dictionary holds them
            names = {t: name for t, (_, name) in (await reports.tier_labels(session)).items()}
            rules = mining.mine_rules(fitted)
            risks, products = _scored(fitted, day, rules, names)
            model = Model(
                day=day,
                data_time=data_time,
                built=time.monotonic(),
                population=population,
                segments=segments,
                summary=summary,
                risks=risks,
                products=products,
            )
            self._models = {day: model}
            return model

    async def keep_warm(self, db, clock) -> None:
        """Fit today's model now and again before it expires, so that the 360 page never waits for it."""
        while True:
            try:
                async with db.read() as session:
                    await self.model(session, clock.now().astimezone(reports.BANK_TZ).date())
            except Exception:
                log.warning("mining model warm-up failed; retrying", exc_info=True)
            await asyncio.sleep(MODEL_SECONDS * 0.9)


async def _in_scope(session: AsyncSession, query: Query) -> set[str]:
    tree = await OrgTree.load(session)
    rows = await session.scalars(select(CustomerFact.customer).where(*reports._customer_filters(query, tree)))
    return set(rows)


async def customer_segments(session: AsyncSession, query: Query, insights: Insights) -> Table:
    model = await insights.model(session, query.end)
    mine = await _in_scope(session, query)
    groups: dict[str, list[mining.CustomerSegment]] = defaultdict(list)
    for customer in mine:
        if customer in model.segments:
            groups[model.segments[customer].segment.code].append(model.segments[customer])
    total = sum(len(v) for v in groups.values())
    columns = (
        Column("label", "客户细分", ColumnType.STRING),
        Column("customer_count", "客户数", ColumnType.INTEGER),
        Column("share", "占比", ColumnType.PERCENT),
        Column("mean_aum", "户均金融资产(元)", ColumnType.MONEY),
        Column("declining", "资产下降客户数", ColumnType.INTEGER),
        Column("description", "特征", ColumnType.STRING),
    )
    rows = []
    for summary in model.summary:
        members = groups.get(summary.segment.code, [])
        aum = sum((m.aum for m in members), ZERO)
        rows.append(
            Row(
                (
                    summary.segment.name,
                    len(members),
                    reports.rate(len(members), total),
                    reports.money(aum / len(members)) if members else None,
                    sum(1 for m in members if m.trend == mining.Trend.DOWN),
                    summary.segment.description,
                )
            )
        )
    totals = reports._totals(columns, rows, {"share": reports.rate(total, total), "mean_aum": None})
    return Table(columns, tuple(rows), totals, model.data_time)


async def _labels(session: AsyncSession, customers: list[str]) -> dict[str, tuple[str, str]]:
    facts = await reports.customer_labels(session, customers)
    tiers = await reports.tier_labels(session)
    return {
        c: (reports._customer_label(f.display_name, f.type, c), reports.tier_label(tiers, f.tier))
        for c, f in facts.items()
    }


async def churn_risk(session: AsyncSession, query: Query, insights: Insights) -> Table:
    if query.dimension == "backtest":
        return await churn_backtest(session, query, insights)
    model = await insights.model(session, query.end)
    mine = await _in_scope(session, query)
    ranked = sorted((model.risks[c] for c in mine if c in model.risks), key=lambda r: (-r.score, r.customer))
    chosen = ranked[: query.top_n]
    labels = await _labels(session, [r.customer for r in chosen])
    columns = (
        Column("label", "客户", ColumnType.STRING),
        Column("tier", "等级", ColumnType.STRING),
        Column("score", "流失风险分", ColumnType.INTEGER),
        Column("level", "风险等级", ColumnType.STRING),
        Column("assets_under_management", "金融资产(元)", ColumnType.MONEY),
        Column("reasons", "主要原因", ColumnType.STRING),
    )
    rows = [
        Row(
            (
                labels.get(r.customer, (r.customer, ""))[0],
                labels.get(r.customer, ("", ""))[1],
                int(r.score),
                r.level.display_name,
                reports.money(model.segments[r.customer].aum),
                "；".join(f.text for f in r.factors[:3]),
            ),
            r.customer,
        )
        for r in chosen
    ]
    return Table(columns, tuple(rows), None, model.data_time)


class _Held(NamedTuple):
    """A customer's assets and held products on a day (:class:`mining.Holdings`): the backtest's reading of t0 and
    of the end."""

    customer: str
    aum_now: Decimal
    products: frozenset[str]


async def _holdings_on(session: AsyncSession, day: date, customers: list[str]) -> dict[str, _Held]:
    """What the churn test reads of ``customers`` at the end of ``day`` — their assets and held products, as
    :func:`profiles_on` reads them, for those it profiles — not a whole profile (flows, history, maturities)."""
    keys = {c: c for c in customers}  # the caller's key objects
    known: dict[str, str] = {}
    profiled = select(CustomerFact.customer).where(CustomerFact.type != "PENDING")
    async for (customer,) in _streamed(session, profiled):
        if (k := keys.get(customer)) is not None:
            known[k] = k
    assets = await _by_customer(
        session,
        reports.balances_on(
            day,
            BalanceDay.customer,
            func.sum(BalanceDay.balance),
            customers=None,
            accounts=[BalanceDay.type.in_(ASSET_TYPES)],
        ).group_by(BalanceDay.customer),
        known.get,
        _amount,
    )
    held = await _held_on(session, day, known.get)
    return {c: _Held(c, assets.get(c, ZERO), held.get(c, _HELD[0])) for c in known}


async def churn_backtest(session: AsyncSession, query: Query, insights: Insights) -> Table:
    """The score given 90 days before the period's end, against what happened by the end (流失: assets down by
    half or every account closed), over the customers in scope."""
    t0 = query.end - timedelta(days=90)
    mine = await _in_scope(session, query)
    scored = [p for p in (await profiles_on(session, t0)).values() if p.customer in mine and p.aum_now > 0]
    scores = {r.customer: float(r.score) for r in mining.score_churn_risks(scored, t0)}
    # what the churn test needs of t0 kept, the profiles let go before the end's are made: one population of
    # profiles in memory at a time, not two (a million customers)
    before = [_Held(p.customer, p.aum_now, p.products) for p in scored]
    del scored
    after = await _holdings_on(session, query.end, [b.customer for b in before])
    churned = {
        b.customer for b in before if b.customer in after and mining.churned_between(b, after[b.customer])
    }
    columns = (
        Column("label", "预警阈值", ColumnType.STRING),
        Column("population", "评分客户数", ColumnType.INTEGER),
        Column("churned", "实际流失数", ColumnType.INTEGER),
        Column("flagged", "预警客户数", ColumnType.INTEGER),
        Column("true_positives", "预警且流失", ColumnType.INTEGER),
        Column("precision", "精确率", ColumnType.PERCENT),
        Column("recall", "召回率", ColumnType.PERCENT),
        Column("lift", "提升度", ColumnType.DECIMAL),
    )
    rows = []
    for threshold, name in ((50, "高风险（≥50分）"), (25, "中高风险（≥25分）")):
        result = mining.backtest(scores, churned, threshold)
        rows.append(
            Row(
                (
                    name,
                    result.population,
                    result.churned,
                    result.flagged,
                    result.true_positives,
                    _percent(result.precision),
                    _percent(result.recall),
                    None if result.lift is None else Decimal(str(round(float(result.lift), 2))),
                )
            )
        )
    return Table(columns, tuple(rows), None, await reports.data_time(session))


def _percent(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(round(float(value) * 100, 1)))


async def next_best_product(session: AsyncSession, query: Query, insights: Insights) -> Table:
    model = await insights.model(session, query.end)
    mine = await _in_scope(session, query)
    found = [model.products[c] for c in mine if c in model.products]
    if query.products:
        found = [p for p in found if p.product in query.products]
    found.sort(key=lambda p: (-p.rule.confidence, -p.rule.lift, p.customer))
    chosen = found[: query.top_n]
    labels = await _labels(session, [p.customer for p in chosen])
    columns = (
        Column("label", "客户", ColumnType.STRING),
        Column("tier", "等级", ColumnType.STRING),
        Column("product", "推荐产品", ColumnType.STRING),
        Column("confidence", "置信度", ColumnType.PERCENT),
        Column("lift", "提升度", ColumnType.DECIMAL),
        Column("explanation", "推荐理由", ColumnType.STRING),
    )
    rows = [
        Row(
            (
                labels.get(p.customer, (p.customer, ""))[0],
                labels.get(p.customer, ("", ""))[1],
                p.product_name,
                Decimal(str(round(p.rule.confidence * 100, 1))),
                Decimal(str(round(p.rule.lift, 2))),
                p.explanation,
            ),
            p.customer,
        )
        for p in chosen
    ]
    return Table(columns, tuple(rows), None, model.data_time)
