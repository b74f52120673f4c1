"""The reports over the analytical store: each a function ``(session, Query) → Table``, registered by kind.

Every figure is over the customers the caller may see (``Query.scope``) and the conditions asked for (org
subtrees, tiers, relationship managers, customer types, products). Money is summed from the daily balance facts:
an account's balance on a day is the one of its latest balance fact on or before it — before the first one the
store knows, the earliest known (the store learns 90 days of history from the first scan, then every change);
accounts opened after the day, or closed on or before it, hold nothing. Assets under management (金融资产) are
deposits, wealth products and funds, as the customer service counts them; loans are counted apart.

Rows that have a next level carry it in ``drill_down``; the totals row's figures are the sums of the rows, so a
drill-down adds up level by level.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from kam_kit.errors import InvalidArgument
from kam_kit.masking import mask_name
from kam_kit.scope import ORG_PREFIX
from sqlalchemy import Select, String, and_, case, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from kam_report.adapters.orm import (
    AccountFact,
    BalanceDay,
    CustomerFact,
    OrgUnitCopy,
    StaffFact,
    TierLabel,
    TierSpan,
    TransactionDay,
    UserCopy,
)
from kam_report.domain.tables import Column, ColumnType, Query, Row, Table
from kam_report.service_layer import activity
from kam_report.service_layer.store import BANK_TZ

ReportFunction = Callable[[AsyncSession, Query], Awaitable[Table]]

DEPOSIT_TYPES = ("DEMAND_DEPOSIT", "TIME_DEPOSIT")
ASSET_TYPES = (*DEPOSIT_TYPES, "WEALTH", "FUND")
PRODUCT_TYPES = ("DEMAND_DEPOSIT", "TIME_DEPOSIT", "LOAN", "WEALTH", "CREDIT_CARD", "FUND")
PRODUCT_NAMES = {
    "DEMAND_DEPOSIT": "活期存款",
    "TIME_DEPOSIT": "定期存款",
    "LOAN": "贷款",
    "WEALTH": "理财",
    "CREDIT_CARD": "信用卡",
    "FUND": "基金",
}
#: The default rule sets' tiers (the customer service seeds them without an event); an activated rule set's own
#: names and order (``tier_labels``) take precedence.
DEFAULT_TIERS = {
    "tiers/private-banking": "私人银行",
    "tiers/diamond": "钻石",
    "tiers/platinum": "白金",
    "tiers/gold": "金卡",
    "tiers/strategic": "战略",
    "tiers/core": "核心",
    "tiers/important": "重点",
}
NO_TIER = "无等级"
UNASSIGNED = "（未分配客户经理）"
STAFF_PREFIX = "staff/"
ZERO = Decimal(0)
CENT = Decimal("0.01")

DIMENSIONS = {
    "REGIONAL_SALES": ("org_unit", "relationship_manager", "customer"),
    "DEPOSIT_ANALYSIS": ("org_unit", "relationship_manager", "customer"),
    "TOP_CUSTOMERS": ("assets", "growth", "contribution"),
    "TOP_RELATIONSHIP_MANAGERS": ("growth", "assets", "new_accounts"),
    "CUSTOMER_SALES": ("net_inflow",),
    "CROSS_SELLING": ("matrix", "holdings"),
    "SALES_SUMMARY": ("product", "month"),
    "TIER_DISTRIBUTION": ("tier", "org_unit"),
    "CHURN_RISK": ("score", "backtest"),
}


# --- the org tree --------------------------------------------------------------------------------------------


@dataclass
class OrgTree:
    """The org tree as the store holds it (unit ids without ``orgUnits/``)."""

    parents: dict[str, str | None]
    names: dict[str, str]
    children: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    async def load(cls, session: AsyncSession) -> OrgTree:
        rows = (
            await session.execute(select(OrgUnitCopy.id, OrgUnitCopy.parent_id, OrgUnitCopy.display_name))
        ).all()
        tree = cls(parents={r.id: r.parent_id for r in rows}, names={r.id: r.display_name for r in rows})
        for unit, parent in sorted(tree.parents.items()):
            if parent is not None and parent in tree.parents:
                tree.children.setdefault(parent, []).append(unit)
        return tree

    def roots(self) -> list[str]:
        return sorted(u for u, p in self.parents.items() if p is None or p not in self.parents)

    def subtree(self, unit: str) -> set[str]:
        out, stack = set(), [unit]
        while stack:
            current = stack.pop()
            if current not in out:
                out.add(current)
                stack.extend(self.children.get(current, ()))
        return out

    def ancestors(self, unit: str) -> list[str]:
        """``unit`` and the units above it, nearest first."""
        path: list[str] = []
        while unit and unit not in path:
            path.append(unit)
            unit = self.parents.get(unit) or ""
        return path

    def label(self, unit: str) -> str:
        return self.names.get(unit, unit)


def unit_id(name: str) -> str:
    return name.removeprefix(ORG_PREFIX)


# --- which customers -----------------------------------------------------------------------------------------


def _customer_filters(query: Query, tree: OrgTree) -> list[Any]:
    conditions: list[Any] = []
    scoped = query.scope.condition(CustomerFact.branch, CustomerFact.relationship_manager)
    if scoped is not None:
        conditions.append(scoped)
    if query.org_units:
        branches = {ORG_PREFIX + u for name in query.org_units for u in tree.subtree(unit_id(name))}
        conditions.append(CustomerFact.branch.in_(sorted(branches)))
    if query.tiers:
        conditions.append(CustomerFact.tier.in_(query.tiers))
    if query.relationship_managers:
        conditions.append(CustomerFact.relationship_manager.in_(query.relationship_managers))
    if query.customer_types:
        conditions.append(CustomerFact.type.in_(query.customer_types))
    return conditions


def _account_filters(query: Query) -> list[Any]:
    """``products`` names product types (``WEALTH`` …) or the core's product codes (``TD-3Y`` …), or both."""
    if not query.products:
        return []
    kinds = [p for p in query.products if p in PRODUCT_TYPES]
    codes = [p for p in query.products if p not in PRODUCT_TYPES]
    terms = ([AccountFact.type.in_(kinds)] if kinds else []) + (
        [AccountFact.product.in_(codes)] if codes else []
    )
    return [or_(*terms)]


# --- the measures ----------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Measures:
    """What a group of customers holds and opened: balances by product type at the end and the start of the period,
    accounts opened in it (and what they hold at the end). One per customer of a REGIONAL_SALES customer level (TOP_CUSTOMERS and CUSTOMER_SALES rank in SQL instead), so kept small (slots, plain dicts: 1,637
    → 1,186 bytes for a customer with three products)."""

    customers: int = 0
    end: dict[str, Decimal] = field(default_factory=dict)
    start: dict[str, Decimal] = field(default_factory=dict)
    new_accounts: int = 0
    new_amount: Decimal = ZERO

    def add(self, other: Measures) -> None:
        self.customers += other.customers
        for kind, amount in other.end.items():
            self.end[kind] = self.end.get(kind, ZERO) + amount
        for kind, amount in other.start.items():
            self.start[kind] = self.start.get(kind, ZERO) + amount
        self.new_accounts += other.new_accounts
        self.new_amount += other.new_amount

    def total(self, kinds: Iterable[str], *, at_start: bool = False) -> Decimal:
        held = self.start if at_start else self.end
        return sum((held.get(kind, ZERO) for kind in kinds), ZERO)

    @property
    def aum(self) -> Decimal:
        return self.total(ASSET_TYPES)

    @property
    def aum_start(self) -> Decimal:
        return self.total(ASSET_TYPES, at_start=True)


def _bank_end(day: date) -> datetime:
    """The last moment of ``day`` in bank time."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=BANK_TZ)


def balances_on(
    day: date | Sequence[date],
    *columns: Any,
    customers: Sequence[Any] | None = (),
    accounts: Sequence[Any] = (),
) -> Select:
    """``SELECT columns`` over the balance that holds on ``day`` for each account open on it — the latest balance
    fact on or before the day, else the earliest (nothing before its opening or after its closing) — the one reading
    of balances every report and the mining model share, so figures agree and totals add up. Given several days,
    the facts that hold on any of them, in one pass: the columns tell the days apart with :func:`held_on`
    (``sum(case((held_on(d), balance), else_=0))``).

    Each fact carries where it holds (``BalanceDay.until`` and ``earliest``) and its account's opening and closing
    days (kept by the writers), so the facts that hold on ``day`` are found by a filter, one row per account,
    instead of a group-by over every account's days or a join to the accounts (an account whose opening was not
    seen has no dates: it counts).

    ``account_facts`` is joined (outer) only when a column or condition names it (a product code). Given ``customers``
    (conditions on ``customer_facts``: scope, org units, tiers …; possibly none) ``customer_facts`` is joined too,
    and when there are conditions the facts are limited to those customers' first (a branch manager's report reads
    its customers' facts by their index, not the whole bank's); given None, it is not joined (the facts of every
    customer key count). ``accounts`` are conditions on the balance or account facts."""
    statement = select(*columns).select_from(BalanceDay)
    if any(AccountFact.__table__ in _clause(element)._from_objects for element in (*columns, *accounts)):
        statement = statement.outerjoin(AccountFact, AccountFact.account == BalanceDay.account)
    if customers is not None:  # facts first, then their customer by key (below)
        statement = statement.join(CustomerFact, CustomerFact.customer == not_indexed(BalanceDay.customer))
    if customers:
        statement = statement.where(BalanceDay.customer.in_(select(CustomerFact.customer).where(*customers)))
    days = [day] if isinstance(day, date) else list(day)
    return statement.where(*(customers or ()), *accounts, or_(*(held_on(d) for d in days)))


def _clause(element: Any) -> Any:
    """An ORM attribute's SQL column (whose ``_from_objects`` name the tables it reads)."""
    return element.__clause_element__() if hasattr(element, "__clause_element__") else element


def _opened_fact(query: Query) -> Any:
    """A balance fact of an account opened in the period (its copy of the account's opening day)."""
    return and_(BalanceDay.open_date >= query.start, BalanceDay.open_date <= query.end)


def held_on(day: date) -> Any:
    """A balance fact of :func:`balances_on` counts on ``day``: it holds on the day, in an account open on it."""
    return and_(
        holds_on(day),
        or_(BalanceDay.open_date.is_(None), BalanceDay.open_date <= day),
        or_(BalanceDay.close_date.is_(None), BalanceDay.close_date > day),
    )


class _PerEngine(ColumnElement):
    """A column written differently for some engines: :attr:`forms` maps a dialect's name to a format of the
    column's SQL (``{}``); other engines get the column as it is. The column is part of the statement's cache key."""

    inherit_cache = True
    _traverse_internals: ClassVar = [("column", InternalTraversal.dp_clauseelement)]
    forms: ClassVar[Mapping[str, str]] = {}

    def __init__(self, column: Any) -> None:
        self.column = column
        self.type = column.type


@compiles(_PerEngine)
def _per_engine(element: _PerEngine, compiler: Any, **kw: Any) -> str:
    return element.forms.get(compiler.dialect.name, "{}").format(compiler.process(element.column, **kw))


class NotIndexed(_PerEngine):
    """A column that SQLite must not reach through an index in a join (``+column``, its documented way; as it is
    elsewhere). SQLite's planner, not knowing how few balance facts hold on a day, otherwise walks head office's
    customers by branch and each one's facts by the customer index — twice the time of one scan of the facts
    looking each customer up by key (20k customers: 300 → 150 ms); PostgreSQL hashes either way."""

    inherit_cache = True
    forms: ClassVar[Mapping[str, str]] = {"sqlite": "+{}"}


class InCodeOrder(_PerEngine):
    """A text column ordered by its characters' code points, as Python orders strings (ties between equal figures
    break the same way on every engine): ``COLLATE "C"`` on PostgreSQL, whose default collation is the locale's;
    SQLite already compares text so."""

    inherit_cache = True
    forms: ClassVar[Mapping[str, str]] = {"postgresql": '{} COLLATE "C"'}


def not_indexed(column: Any) -> NotIndexed:
    return NotIndexed(column)


def in_code_order(column: Any) -> InCodeOrder:
    return InCodeOrder(column)


def holds_on(day: date) -> Any:
    """The balance facts that hold on ``day``: one per account (its latest on or before the day, else its
    earliest)."""
    return and_(
        or_(BalanceDay.day <= day, BalanceDay.earliest.is_(True)),
        or_(BalanceDay.until.is_(None), BalanceDay.until > day),
    )


async def measures(
    session: AsyncSession, query: Query, tree: OrgTree, group, *, balances: bool = True
) -> dict[str, Measures]:
    """The :class:`Measures` of the selected customers grouped by ``group`` (a column of ``CustomerFact``); without
    ``balances``, only the customers and the accounts opened (see :func:`assets_by` for the assets alone). (The
    money in and out of a group is not among them: no report of groups shows it, and its statement over the
    transaction facts was a fifth to a quarter of a regional report; CUSTOMER_SALES sums it per customer.)"""
    where = _customer_filters(query, tree)
    out: dict[str, Measures] = defaultdict(Measures)
    for key, count in await session.execute(select(group, func.count()).where(*where).group_by(group)):
        out[key or ""].customers = int(count)
    opened = and_(AccountFact.open_date >= query.start, AccountFact.open_date <= query.end)
    if balances:
        await _balances_by_type(session, query, where, group, out)
    statement = (
        select(group, func.count())
        .select_from(AccountFact)
        .join(CustomerFact, CustomerFact.customer == AccountFact.customer)
        .where(*where, *_account_filters(query), opened)
        .group_by(group)
    )
    for key, count in await session.execute(statement):
        out[key or ""].new_accounts = int(count)
    return out


async def _balances_by_type(
    session: AsyncSession, query: Query, where: list[Any], group, out: dict[str, Measures]
) -> None:
    new = case((_opened_fact(query), 1), else_=0).label("opened_in_period")
    end, start = query.end, query.start - timedelta(days=1)
    statement = balances_on(  # the period's end and the eve of its start in one pass over the facts
        (end, start),
        group,
        BalanceDay.type,
        new,
        func.sum(case((held_on(end), BalanceDay.balance), else_=0)),
        func.sum(case((held_on(start), BalanceDay.balance), else_=0)),
        customers=where,
        accounts=_account_filters(query),
    ).group_by(group, BalanceDay.type, new)
    for key, kind, new_, at_end, at_start in await session.execute(statement):
        m = out[key or ""]
        if at_end:
            m.end[kind] = m.end.get(kind, ZERO) + Decimal(at_end)
            if new_ and kind in ASSET_TYPES:
                m.new_amount += Decimal(at_end)
        if at_start:
            m.start[kind] = m.start.get(kind, ZERO) + Decimal(at_start)


async def assets_by(
    session: AsyncSession, query: Query, tree: OrgTree, group
) -> dict[str, tuple[Decimal, Decimal]]:
    """The selected customers' assets at the period's end and on the eve of its start, per ``group`` (a column of
    ``CustomerFact``), without the product types: summed per customer first (:func:`_assets_by_customer`, by the
    facts' own key), then joined to the customers and summed per group — one probe per customer instead of one
    per balance fact (at 1,000,000 customers and their 4.5 M facts holding on the two days: 0.95–1.2 → 0.42–0.46 s
    for the relationship managers' grouping on the columnar copy)."""
    where = _customer_filters(query, tree)
    held = _assets_by_customer(query, where)
    statement = (
        select(group, func.sum(held.c.aum), func.sum(held.c.aum_start))
        .select_from(held)
        .join(CustomerFact, CustomerFact.customer == held.c.customer)
        .where(*where)
        .group_by(group)
    )
    return {
        key or "": (Decimal(aum or 0), Decimal(aum_start or 0))
        for key, aum, aum_start in await session.execute(statement)
    }


# --- labels ----------------------------------------------------------------------------------------------------


async def staff_labels(session: AsyncSession, names: Iterable[str]) -> dict[str, str]:
    wanted = sorted({n for n in names if n})
    if not wanted:
        return {}
    rows = await session.execute(
        select(StaffFact.staff, StaffFact.display_name).where(StaffFact.staff.in_(wanted))
    )
    found = {staff: display for staff, display in rows if display}
    return {n: found.get(n, n.split("/", 1)[-1]) for n in wanted}


def _customer_label(display_name: str, customer_type: str, customer: str) -> str:
    name = display_name or customer.removeprefix("customers/")
    return name if customer_type == "CORPORATE" else mask_name(name)


async def customer_labels(session: AsyncSession, names: Iterable[str]) -> dict[str, CustomerFact]:
    wanted = sorted({n for n in names if n})
    rows = await session.scalars(select(CustomerFact).where(CustomerFact.customer.in_(wanted)))
    return {row.customer: row for row in rows}


async def tier_labels(session: AsyncSession) -> dict[str, tuple[int, str]]:
    """tier → (order, name): the activated rule sets' names first, the default tiers' otherwise."""
    labels = {tier: (100 + i, name) for i, (tier, name) in enumerate(DEFAULT_TIERS.items())}
    for row in await session.scalars(select(TierLabel)):
        labels[row.tier] = (row.rank, row.display_name)
    return labels


def tier_label(labels: dict[str, tuple[int, str]], tier: str) -> str:
    if not tier:
        return NO_TIER
    return labels.get(tier, (0, tier.removeprefix("tiers/")))[1]


async def data_time(session: AsyncSession) -> datetime | None:
    latest = [
        await session.scalar(select(func.max(CustomerFact.update_time))),
        await session.scalar(select(func.max(AccountFact.update_time))),
    ]
    known = [moment for moment in latest if moment is not None]
    return max(known) if known else None


# --- helpers for the tables ------------------------------------------------------------------------------------


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT)


def rate(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """``part`` as a percentage of ``whole`` (one decimal); None when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def growth_rate(now: Decimal, before: Decimal) -> Decimal | None:
    return rate(now - before, before) if before > 0 else None


def _label_column(title: str) -> Column:
    return Column("label", title, ColumnType.STRING)


def _totals(columns: tuple[Column, ...], rows: list[Row], overrides: dict[str, Any] | None = None) -> Row:
    """合计: sums of the integer and money columns; the rates recomputed by the caller (``overrides``)."""
    values: list[Any] = []
    for index, column in enumerate(columns):
        if overrides and column.key in overrides:
            values.append(overrides[column.key])
        elif index == 0:
            values.append("合计")
        elif column.type in (ColumnType.INTEGER, ColumnType.MONEY) and column.key not in (
            "rank",
            "rank_change",
        ):
            cells = [row.values[index] for row in rows if row.values[index] is not None]
            values.append(sum(cells, ZERO if column.type == ColumnType.MONEY else 0))
        else:
            values.append(None)
    return Row(tuple(values))


# --- regional sales and deposits -------------------------------------------------------------------------------


@dataclass
class Group:
    key: str
    label: str
    drill_down: str
    measures: Measures = field(default_factory=Measures)


def _unit_level(query: Query, tree: OrgTree) -> tuple[list[str], str | None]:
    """The units a regional level lists — those given, or the ones below the selected unit (or below the caller's
    top unit, or the roots) — and that unit (None when there is no single one)."""
    if len(query.org_units) > 1:
        return [unit_id(u) for u in query.org_units], None
    if query.org_units:
        parent: str | None = unit_id(query.org_units[0])
    elif query.scope.everything:
        roots = tree.roots()
        parent = roots[0] if len(roots) == 1 else None
    else:
        tops = [
            unit_id(b)
            for b in query.scope.branches
            if not any(ORG_PREFIX + a in query.scope.branches for a in tree.ancestors(unit_id(b))[1:])
        ]
        parent = tops[0] if len(tops) == 1 else None
    if parent is None:
        return (
            tree.roots() if query.scope.everything else sorted(unit_id(b) for b in query.scope.branches)
        ), None
    return tree.children.get(parent, []), parent


def _unit_groups(units: list[str], tree: OrgTree) -> dict[str, Group]:
    """A group per unit of a regional level, by unit id, its measures still empty."""
    return {u: Group(u, tree.label(u), ORG_PREFIX + u) for u in units}


async def _groups(session: AsyncSession, query: Query, tree: OrgTree) -> tuple[list[Group], str]:
    """The rows of a regional report: one per unit below the selected one, per relationship manager or per
    customer; returns them with the dimension actually used (a unit without sub-units answers by manager)."""
    dimension = query.dimension or "org_unit"
    if dimension == "org_unit":
        units, parent = _unit_level(query, tree)
        if parent is not None and not units:
            dimension = "relationship_manager"
        if dimension == "org_unit":
            by_branch = await measures(session, query, tree, CustomerFact.branch)
            groups = _unit_groups(units, tree)
            own = Group(parent or "", f"{tree.label(parent)}（本级）" if parent else "（未知机构）", "")
            for branch, m in by_branch.items():
                path = tree.ancestors(unit_id(branch))
                target = next((groups[u] for u in path if u in groups), None)
                (target or own).measures.add(m)
            out = [g for g in groups.values()]
            if own.measures.customers:
                out.append(own)
            return out, dimension
    if dimension == "relationship_manager":
        by_manager = await measures(session, query, tree, CustomerFact.relationship_manager)
        names = await staff_labels(session, by_manager)
        return [
            Group(key, names.get(key, UNASSIGNED) if key else UNASSIGNED, key, m)
            for key, m in by_manager.items()
        ], dimension
    by_customer = await measures(session, query, tree, CustomerFact.customer)
    facts = await customer_labels(session, by_customer)
    groups_out = []
    for key, m in by_customer.items():
        fact = facts.get(key)
        label = _customer_label(fact.display_name, fact.type, key) if fact else key
        groups_out.append(Group(key, label, key, m))
    return groups_out, "customer"


LEVEL_TITLES = {"org_unit": "机构", "relationship_manager": "客户经理", "customer": "客户"}


async def regional_sales(session: AsyncSession, query: Query) -> Table:
    tree = await OrgTree.load(session)
    groups, dimension = await _groups(session, query, tree)
    groups.sort(
        key=lambda g: (-g.measures.aum, g.label, g.key)
    )  # the key: ties in the same order on every engine
    if dimension == "customer":
        groups = groups[: max(query.top_n, 1) * 25 if query.top_n else 500][:500]
    columns = (
        _label_column(LEVEL_TITLES[dimension]),
        Column("customer_count", "客户数", ColumnType.INTEGER),
        Column("deposits", "存款余额(元)", ColumnType.MONEY),
        Column("assets_under_management", "金融资产(元)", ColumnType.MONEY),
        Column("loans", "贷款余额(元)", ColumnType.MONEY),
        Column("new_accounts", "新开账户数", ColumnType.INTEGER),
        Column("aum_growth", "金融资产增长(元)", ColumnType.MONEY),
        Column("aum_growth_rate", "增长率", ColumnType.PERCENT),
    )
    rows = []
    whole = Measures()
    for g in groups:
        m = g.measures
        whole.add(m)
        rows.append(
            Row(
                (
                    g.label,
                    m.customers,
                    money(m.total(DEPOSIT_TYPES)),
                    money(m.aum),
                    money(m.total(("LOAN",))),
                    m.new_accounts,
                    money(m.aum - m.aum_start),
                    growth_rate(m.aum, m.aum_start),
                ),
                g.drill_down,
            )
        )
    totals = _totals(columns, rows, {"aum_growth_rate": growth_rate(whole.aum, whole.aum_start)})
    return Table(columns, tuple(rows), totals, await data_time(session))


async def deposit_analysis(session: AsyncSession, query: Query) -> Table:
    tree = await OrgTree.load(session)
    groups, dimension = await _groups(session, query, tree)
    groups.sort(key=lambda g: (-g.measures.total(DEPOSIT_TYPES), g.label, g.key))
    columns = (
        _label_column(LEVEL_TITLES[dimension]),
        Column("customer_count", "客户数", ColumnType.INTEGER),
        Column("demand_deposits", "活期存款(元)", ColumnType.MONEY),
        Column("time_deposits", "定期存款(元)", ColumnType.MONEY),
        Column("deposits", "存款合计(元)", ColumnType.MONEY),
        Column("deposits_start", "期初存款(元)", ColumnType.MONEY),
        Column("deposit_growth", "存款增长(元)", ColumnType.MONEY),
        Column("deposit_growth_rate", "增长率", ColumnType.PERCENT),
    )
    rows, whole = [], Measures()
    for g in groups[:500]:
        m = g.measures
        whole.add(m)
        now, before = m.total(DEPOSIT_TYPES), m.total(DEPOSIT_TYPES, at_start=True)
        rows.append(
            Row(
                (
                    g.label,
                    m.customers,
                    money(m.end.get("DEMAND_DEPOSIT", ZERO)),
                    money(m.end.get("TIME_DEPOSIT", ZERO)),
                    money(now),
                    money(before),
                    money(now - before),
                    growth_rate(now, before),
                ),
                g.drill_down,
            )
        )
    now, before = whole.total(DEPOSIT_TYPES), whole.total(DEPOSIT_TYPES, at_start=True)
    totals = _totals(columns, rows, {"deposit_growth_rate": growth_rate(now, before)})
    return Table(columns, tuple(rows), totals, await data_time(session))


# --- hot spots -------------------------------------------------------------------------------------------------


def _assets_by_customer(query: Query, where: Sequence[Any], *more: Any, keys: Sequence[str] = ()) -> Any:
    """Per customer with assets in scope: ``aum`` at the period's end, ``aum_start`` on the eve of its start (one
    pass over the balance facts), and ``more`` columns over the same facts. Grouped by the facts' own customer
    key, without joining ``customer_facts`` (the callers join the result to it): the customers in scope limit the
    facts by key only when there are conditions — head office's report reads the facts alone (at 200,000 customers
    the join was a third of the statement on the columnar copy). Given ``keys``, only those customers' facts (by
    the key itself: a few chosen customers)."""
    end, start = query.end, query.start - timedelta(days=1)
    in_scope = [BalanceDay.customer.in_(select(CustomerFact.customer).where(*where))] if where else []
    if keys:
        in_scope.append(BalanceDay.customer.in_(keys))
    return (
        balances_on(
            (end, start),
            BalanceDay.customer.label("customer"),
            func.sum(case((held_on(end), BalanceDay.balance), else_=0)).label("aum"),
            func.sum(case((held_on(start), BalanceDay.balance), else_=0)).label("aum_start"),
            *more,
            customers=None,
            accounts=[*in_scope, *_account_filters(query), BalanceDay.type.in_(ASSET_TYPES)],
        )
        .group_by(BalanceDay.customer)
        .subquery()
    )


async def top_customers(session: AsyncSession, query: Query) -> Table:
    """The customers in scope ranked by assets (or their growth) in SQL — the top ``top_n`` come back, not one
    row per customer: with their assets at the end and the eve of the start, their rank at each (by assets,
    ties by name; at the start only those holding something), and the scope's total for their share."""
    tree = await OrgTree.load(session)
    where = _customer_filters(query, tree)
    held = _assets_by_customer(query, where)
    everyone = (
        select(
            CustomerFact.customer.label("customer"),
            func.coalesce(held.c.aum, 0).label("aum"),
            func.coalesce(held.c.aum_start, 0).label("aum_start"),
        )
        .select_from(CustomerFact)
        .outerjoin(held, held.c.customer == CustomerFact.customer)
        .where(*where)
        .cte("everyone")
        .prefix_with("MATERIALIZED")
    )
    sort = query.dimension or "assets"

    def first(of: Any) -> Any:  # contribution: as assets
        return (of.c.aum - of.c.aum_start) if sort == "growth" else of.c.aum

    top = (
        select(everyone)
        .order_by(first(everyone).desc(), in_code_order(everyone.c.customer))
        .limit(query.top_n)
        .subquery("top")
    )
    other = everyone.alias("other")

    def rank(key: str) -> Any:
        """A chosen customer's place among everyone in scope by ``key`` (descending, ties by name), as
        ``row_number()`` numbers them: counted for the few chosen, instead of numbering (sorting) every customer
        twice — the two window sorts were 40 % of the report at 200,000 customers."""
        ahead = or_(
            other.c[key] > top.c[key],
            and_(other.c[key] == top.c[key], in_code_order(other.c.customer) < in_code_order(top.c.customer)),
        )
        return select(func.count()).select_from(other).where(ahead).scalar_subquery() + 1

    found = (
        await session.execute(
            select(
                top.c.customer,
                top.c.aum,
                top.c.aum_start,
                rank("aum").label("rank_end"),
                # at the start only those holding something are ranked (ahead of one, only such)
                case((top.c.aum_start > 0, rank("aum_start")), else_=None).label("rank_start"),
                select(func.sum(everyone.c.aum)).scalar_subquery().label("total"),
            ).order_by(first(top).desc(), in_code_order(top.c.customer))
        )
    ).all()
    chosen = [row.customer for row in found]
    total_aum = Decimal(found[0].total) if found else ZERO
    facts = await customer_labels(session, chosen)
    tiers = await tier_labels(session)
    staff = await staff_labels(session, [f.relationship_manager for f in facts.values()])
    columns = (
        Column("rank", "排名", ColumnType.INTEGER),
        _label_column("客户"),
        Column("tier", "等级", ColumnType.STRING),
        Column("customer_type", "客户类型", ColumnType.STRING),
        Column("org_unit", "所属机构", ColumnType.STRING),
        Column("relationship_manager", "客户经理", ColumnType.STRING),
        Column("assets_under_management", "金融资产(元)", ColumnType.MONEY),
        Column("aum_start", "期初金融资产(元)", ColumnType.MONEY),
        Column("aum_growth", "增长(元)", ColumnType.MONEY),
        Column("contribution", "贡献占比", ColumnType.PERCENT),
        Column("rank_change", "排名变化", ColumnType.INTEGER),
    )
    rows = []
    for position, ranking in enumerate(found, start=1):
        key, fact = ranking.customer, facts.get(ranking.customer)
        aum, aum_start, before = Decimal(ranking.aum), Decimal(ranking.aum_start), ranking.rank_start
        rows.append(
            Row(
                (
                    position,
                    _customer_label(fact.display_name, fact.type, key) if fact else key,
                    tier_label(tiers, fact.tier) if fact else NO_TIER,
                    ("对公" if fact.type == "CORPORATE" else "个人") if fact else "",
                    tree.label(unit_id(fact.branch)) if fact and fact.branch else "",
                    staff.get(fact.relationship_manager, UNASSIGNED)
                    if fact and fact.relationship_manager
                    else "",
                    money(aum),
                    money(aum_start),
                    money(aum - aum_start),
                    rate(aum, total_aum),
                    None if before is None else before - ranking.rank_end,
                ),
                key,
            )
        )
    return Table(columns, tuple(rows), _totals(columns, rows, {"rank": None}), await data_time(session))


async def top_relationship_managers(session: AsyncSession, query: Query) -> Table:
    tree = await OrgTree.load(session)
    group = CustomerFact.relationship_manager
    by_manager = await measures(session, query, tree, group, balances=False)  # customers, accounts opened
    by_manager.pop("", None)
    assets = await assets_by(session, query, tree, group)
    held = {key: assets.get(key, (ZERO, ZERO)) for key in by_manager}  # (at the end, on the eve of the start)
    sort = query.dimension or "growth"
    metric: dict[str, Callable[[str], Any]] = {
        "growth": lambda k: held[k][0] - held[k][1],
        "assets": lambda k: held[k][0],
        "new_accounts": lambda k: by_manager[k].new_accounts,
    }
    chosen = sorted(by_manager, key=lambda k: (-metric[sort](k), k))[: query.top_n]
    names = await staff_labels(session, chosen)
    units = dict(
        (
            await session.execute(
                select(StaffFact.staff, StaffFact.org_unit).where(StaffFact.staff.in_(chosen))
            )
        ).all()
    )
    extra = await manager_activity(session, query, chosen)
    columns = (
        Column("rank", "排名", ColumnType.INTEGER),
        _label_column("客户经理"),
        Column("org_unit", "所属机构", ColumnType.STRING),
        Column("customer_count", "客户数", ColumnType.INTEGER),
        Column("assets_under_management", "管户金融资产(元)", ColumnType.MONEY),
        Column("aum_growth", "金融资产增长(元)", ColumnType.MONEY),
        Column("new_accounts", "新开账户数", ColumnType.INTEGER),
        Column("campaign_conversions", "营销转化数", ColumnType.INTEGER),
        Column("tasks_on_time_rate", "任务按时完成率", ColumnType.PERCENT),
    )
    rows = []
    for position, key in enumerate(chosen, start=1):
        m, (aum, aum_start) = by_manager[key], held[key]
        conversions, on_time = extra.get(key, (None, None))
        rows.append(
            Row(
                (
                    position,
                    names.get(key, key),
                    tree.label(unit_id(units[key])) if units.get(key) else "",
                    m.customers,
                    money(aum),
                    money(aum - aum_start),
                    m.new_accounts,
                    conversions,
                    on_time,
                ),
                key,
            )
        )
    return Table(columns, tuple(rows), _totals(columns, rows, {"rank": None}), await data_time(session))


async def manager_activity(
    session: AsyncSession, query: Query, managers: list[str]
) -> dict[str, tuple[int | None, Decimal | None]]:
    """Per relationship manager (``staff/{code}``), their own work in the period from the task service's facts
    (:mod:`kam_report.service_layer.activity`), which know people as users (``users/…``): a manager's users are
    those the identity service gives the manager's staff code (:class:`UserCopy`; several are summed).

    - 营销转化数: the marketing activities they recorded with a converted outcome (:func:`activity.conversions`);
    - 任务按时完成率: 工作效率's on-time rate of the tasks assigned to them — on time / completed, over the tasks
      completed in the period (:func:`activity.assignee_figures`); None when none was.

    Both None for a manager no user has the code of (missing from the answer)."""
    codes = sorted({m.removeprefix(STAFF_PREFIX) for m in managers if m.startswith(STAFF_PREFIX)} - {""})
    if not codes:
        return {}
    users = {
        user: STAFF_PREFIX + code
        for user, code in await session.execute(
            select(UserCopy.name, UserCopy.staff_code).where(UserCopy.staff_code.in_(codes))
        )
    }
    converted = await activity.conversions(session, query, users)
    tasks = await activity.assignee_figures(session, query, users)
    out: dict[str, tuple[int | None, Decimal | None]] = {}
    for manager in set(users.values()):
        figures = tasks.get(manager)
        on_time = (
            Decimal(repr(figures.on_time_rate)).quantize(Decimal("0.1"))
            if figures is not None and figures.completed
            else None
        )
        out[manager] = (converted.get(manager, 0), on_time)
    return out


# --- sales analysis --------------------------------------------------------------------------------------------


async def customer_sales(session: AsyncSession, query: Query) -> Table:
    """The customers in scope who opened accounts or moved money in the period, the top ``top_n`` by net inflow
    (ties by name), chosen in SQL: accounts opened and what those hold at the end, money in and out, assets'
    growth."""
    tree = await OrgTree.load(session)
    where = _customer_filters(query, tree)
    opened = and_(AccountFact.open_date >= query.start, AccountFact.open_date <= query.end)
    new = (
        select(AccountFact.customer.label("customer"), func.count().label("new_accounts"))
        .where(*_account_filters(query), opened)
        .where(*([AccountFact.customer.in_(select(CustomerFact.customer).where(*where))] if where else []))
        .group_by(AccountFact.customer)
        .subquery()
    )
    product = (
        [TransactionDay.account.in_(select(AccountFact.account).where(*_account_filters(query)))]
        if query.products
        else []
    )
    flows = (
        select(
            TransactionDay.customer.label("customer"),
            func.sum(TransactionDay.credit_amount).label("inflow"),
            func.sum(TransactionDay.debit_amount).label("outflow"),
        )
        .where(TransactionDay.day >= query.start, TransactionDay.day <= query.end, *product)
        .where(*([TransactionDay.customer.in_(select(CustomerFact.customer).where(*where))] if where else []))
        .group_by(TransactionDay.customer)
        .subquery()
    )
    inflow, outflow = func.coalesce(flows.c.inflow, 0), func.coalesce(flows.c.outflow, 0)
    new_accounts = func.coalesce(new.c.new_accounts, 0)
    # the top by net inflow are chosen from the openings and the flows alone; the balances (the costly pass over
    # every balance fact) are then read for those customers only
    found = (
        await session.execute(
            select(
                CustomerFact.customer,
                new_accounts.label("new_accounts"),
                inflow.label("inflow"),
                outflow.label("outflow"),
            )
            .select_from(CustomerFact)
            .outerjoin(new, new.c.customer == CustomerFact.customer)
            .outerjoin(flows, flows.c.customer == CustomerFact.customer)
            .where(*where, or_(new_accounts != 0, inflow != 0, outflow != 0))
            .order_by((inflow - outflow).desc(), in_code_order(CustomerFact.customer))
            .limit(query.top_n)
        )
    ).all()
    chosen = [row.customer for row in found]
    held = _assets_by_customer(
        query,
        (),  # the chosen are in scope
        func.sum(case((and_(held_on(query.end), _opened_fact(query)), BalanceDay.balance), else_=0)).label(
            "new_amount"
        ),
        keys=chosen,
    )
    amounts = {
        customer: (new_amount, aum, aum_start)
        for customer, new_amount, aum, aum_start in (
            await session.execute(select(held.c.customer, held.c.new_amount, held.c.aum, held.c.aum_start))
            if chosen
            else ()
        )
    }
    facts = await customer_labels(session, chosen)
    tiers = await tier_labels(session)
    columns = (
        _label_column("客户"),
        Column("tier", "等级", ColumnType.STRING),
        Column("new_accounts", "新开账户数", ColumnType.INTEGER),
        Column("new_account_amount", "新开账户金额(元)", ColumnType.MONEY),
        Column("inflow", "资金流入(元)", ColumnType.MONEY),
        Column("outflow", "资金流出(元)", ColumnType.MONEY),
        Column("net_inflow", "净流入(元)", ColumnType.MONEY),
        Column("aum_growth", "金融资产增长(元)", ColumnType.MONEY),
    )
    rows = []
    for m in found:
        key, fact = m.customer, facts.get(m.customer)
        inflow_, outflow_ = Decimal(m.inflow), Decimal(m.outflow)
        new_amount, aum, aum_start = (Decimal(v or 0) for v in amounts.get(key, (0, 0, 0)))
        rows.append(
            Row(
                (
                    _customer_label(fact.display_name, fact.type, key) if fact else key,
                    tier_label(tiers, fact.tier) if fact else NO_TIER,
                    int(m.new_accounts),
                    money(new_amount),
                    money(inflow_),
                    money(outflow_),
                    money(inflow_ - outflow_),
                    money(aum - aum_start),
                ),
                key,
            )
        )
    return Table(columns, tuple(rows), _totals(columns, rows), await data_time(session))


#: Each product type's bit in a customer's set of held types (:func:`_holding_sets`).
PRODUCT_BITS = {kind: 1 << n for n, kind in enumerate(PRODUCT_TYPES)}


async def _holding_sets(session: AsyncSession, query: Query, tree: OrgTree) -> dict[int, int]:
    """How many selected customers hold each set of product types (accounts open at the end of the period): the
    set as a bit mask of :data:`PRODUCT_BITS` (0: only types outside them), summed per customer in SQL and
    counted per mask — at most 2⁶ rows, whatever the bank's size, instead of a row per customer and type."""
    day = query.end
    bit = case(*((AccountFact.type == kind, b) for kind, b in PRODUCT_BITS.items()), else_=0)
    per_customer = (
        select(func.sum(bit.distinct()).label("mask"))
        .select_from(AccountFact)
        .join(CustomerFact, CustomerFact.customer == AccountFact.customer)
        .where(
            *_customer_filters(query, tree),
            or_(AccountFact.open_date.is_(None), AccountFact.open_date <= day),
            or_(AccountFact.close_date.is_(None), AccountFact.close_date > day),
            AccountFact.state != "CLOSED",
        )
        .group_by(CustomerFact.customer)  # not the account's column: SQLite would then walk every account
        .subquery()
    )
    statement = select(per_customer.c.mask, func.count()).group_by(per_customer.c.mask)
    return {int(mask or 0): int(count) for mask, count in await session.execute(statement)}


async def cross_selling(session: AsyncSession, query: Query) -> Table:
    tree = await OrgTree.load(session)
    held = await _holding_sets(session, query, tree)
    kinds = [k for k in PRODUCT_TYPES if not query.products or k in query.products]
    if (query.dimension or "matrix") == "holdings":
        counts: dict[int, int] = defaultdict(int)
        for mask, customers_with in held.items():
            counts[sum(1 for k in kinds if mask & PRODUCT_BITS[k])] += customers_with
        customers = sum(counts.values())
        columns = (
            _label_column("持有产品类数"),
            Column("customer_count", "客户数", ColumnType.INTEGER),
            Column("share", "占比", ColumnType.PERCENT),
        )
        rows = [
            Row((f"持有{n}类产品", counts[n], rate(counts[n], customers)))
            for n in range(len(kinds) + 1)
            if counts.get(n)
        ]
        return Table(columns, tuple(rows), _totals(columns, rows, {"share": rate(customers, customers)}))
    columns = (
        _label_column("产品"),
        Column("holders", "持有客户数", ColumnType.INTEGER),
        *(Column(kind, PRODUCT_NAMES[kind], ColumnType.PERCENT) for kind in kinds),
    )
    rows = []
    for kind in kinds:
        holders = {mask: n for mask, n in held.items() if mask & PRODUCT_BITS[kind]}
        total = sum(holders.values())
        rows.append(
            Row(
                (
                    PRODUCT_NAMES[kind],
                    total,
                    *(
                        rate(sum(n for mask, n in holders.items() if mask & PRODUCT_BITS[other]), total)
                        for other in kinds
                    ),
                )
            )
        )
    return Table(columns, tuple(rows), None, await data_time(session))


def _same_period_last_year(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


async def sales_summary(session: AsyncSession, query: Query) -> Table:
    tree = await OrgTree.load(session)
    where = [*_customer_filters(query, tree), *_account_filters(query)]
    last_start, last_end = _same_period_last_year(query.start), _same_period_last_year(query.end)
    if (query.dimension or "product") == "month":
        group = func.substr(func.cast(AccountFact.open_date, String()), 1, 7)
    else:
        group = AccountFact.product

    async def opened(start: date, end: date) -> dict[str, tuple[int, Decimal]]:
        statement = (
            select(group, func.count(), func.sum(AccountFact.balance))
            .join(CustomerFact, CustomerFact.customer == AccountFact.customer)
            .where(*where, AccountFact.open_date >= start, AccountFact.open_date <= end)
            .group_by(group)
        )
        return {k: (int(n), Decimal(s or 0)) for k, n, s in await session.execute(statement)}

    now, before = await opened(query.start, query.end), await opened(last_start, last_end)
    if (query.dimension or "product") == "month":
        months = _months(query.start, query.end)
        keys = [(m, m, _shift_month(m)) for m in months]
        balances: dict[str, Decimal] = {}
        title = "月份"
    else:
        names = dict(
            (
                await session.execute(
                    select(AccountFact.product, func.max(AccountFact.product_display_name)).group_by(
                        AccountFact.product
                    )
                )
            ).all()
        )
        by_product = await _product_balances(session, query, tree)
        products = sorted(
            set(now) | set(before) | set(by_product), key=lambda p: (-now.get(p, (0, ZERO))[0], p)
        )
        keys = [
            (p, f"{names.get(p) or p}（{p}）" if names.get(p) and names.get(p) != p else p, p)
            for p in products
        ]
        balances = by_product
        title = "产品"
    columns = (
        _label_column(title),
        Column("new_accounts", "新开户数", ColumnType.INTEGER),
        Column("new_account_amount", "新开户余额(元)", ColumnType.MONEY),
        Column("balance", "期末余额(元)", ColumnType.MONEY),
        Column("new_accounts_last_year", "去年同期新开户数", ColumnType.INTEGER),
        Column("yoy", "同比", ColumnType.PERCENT),
    )
    rows = []
    for key, label, last_key in keys:
        count, amount = now.get(key, (0, ZERO))
        last = before.get(last_key, (0, ZERO))[0]
        rows.append(
            Row(
                (
                    label,
                    count,
                    money(amount),
                    money(balances[key]) if key in balances else None,
                    last,
                    rate(count - last, last),
                )
            )
        )
    total_now = sum(r.values[1] for r in rows)
    total_last = sum(r.values[4] for r in rows)
    totals = _totals(columns, rows, {"yoy": rate(total_now - total_last, total_last)})
    return Table(columns, tuple(rows), totals, await data_time(session))


def _months(start: date, end: date) -> list[str]:
    out, current = [], date(start.year, start.month, 1)
    while current <= end:
        out.append(current.strftime("%Y-%m"))
        current = date(current.year + (current.month == 12), current.month % 12 + 1, 1)
    return out


def _shift_month(month: str) -> str:
    return f"{int(month[:4]) - 1:04d}{month[4:]}"


async def _product_balances(session: AsyncSession, query: Query, tree: OrgTree) -> dict[str, Decimal]:
    statement = balances_on(
        query.end,
        AccountFact.product,
        func.sum(BalanceDay.balance),
        customers=_customer_filters(query, tree),
        accounts=[AccountFact.account.is_not(None), *_account_filters(query)],
    ).group_by(AccountFact.product)
    return {product: Decimal(total or 0) for product, total in await session.execute(statement)}


# --- tiers ------------------------------------------------------------------------------------------------------


def _tier_on(statement: Select, day: date) -> tuple[Select, ColumnElement[str]]:
    """``statement`` (over ``CustomerFact``) joined to each customer's tier span holding at the end of ``day``, and
    the tier ("" for customers without one). Written as the latest start per customer, then the span by its
    primary key: SQLite plans a join to a grouped subquery holding a join of its own as a scan per customer."""
    latest = (
        select(TierSpan.customer.label("customer"), func.max(TierSpan.valid_from).label("valid_from"))
        .where(TierSpan.valid_from < _bank_end(day))
        .group_by(TierSpan.customer)
        .subquery()
    )
    span = aliased(TierSpan)
    joined = statement.outerjoin(latest, latest.c.customer == CustomerFact.customer).outerjoin(
        span, and_(span.customer == latest.c.customer, span.valid_from == latest.c.valid_from)
    )
    return joined, func.coalesce(span.tier, literal(""))


async def tier_moves(
    session: AsyncSession, query: Query, tree: OrgTree, *, by_branch: bool = False
) -> list[Any]:
    """The selected customers counted per (tier at the start of the period, tier at its end) — "" for none; with
    a tiers filter, those in one of them at either end — and per branch first when ``by_branch``: a few rows per
    tier pair, computed in SQL rather than a dictionary per customer."""
    statement, start = _tier_on(select().select_from(CustomerFact), query.start - timedelta(days=1))
    statement, end = _tier_on(statement, query.end)
    keys = [func.coalesce(CustomerFact.branch, literal("")), start, end] if by_branch else [start, end]
    statement = (
        statement.add_columns(*keys, func.count())
        .where(*_customer_filters(replace(query, tiers=()), tree))
        .group_by(*keys)
    )
    if query.tiers:  # customers in one of them at the start or at the end
        statement = statement.where(or_(start.in_(query.tiers), end.in_(query.tiers)))
    return list(await session.execute(statement))


async def tier_distribution(session: AsyncSession, query: Query) -> Table:
    tree = await OrgTree.load(session)
    labels = await tier_labels(session)
    by_unit = (query.dimension or "tier") == "org_unit"
    counted = await tier_moves(session, query, tree, by_branch=by_unit)
    seen = {t for *_, before, after, _n in counted for t in (before, after) if t}
    order = sorted(seen, key=lambda t: (labels.get(t, (999, t))[0], t))
    if by_unit:
        level, parent = _unit_level(query, tree)
        if level or parent is None:  # the units only: their measures are not needed
            units = _unit_groups(level, tree)
        else:  # a unit without sub-units: the regional level is its managers
            groups, _ = await _groups(session, replace(query, dimension="org_unit"), tree)
            units = {g.key: g for g in groups if g.drill_down}
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for branch, _before, tier, n in counted:
            if not tier:
                continue
            path = tree.ancestors(unit_id(branch))
            unit = next((u for u in path if u in units), "")
            counts[unit][tier] += n
        columns = (
            _label_column("机构"),
            *(
                Column(f"tier_{t.removeprefix('tiers/')}", tier_label(labels, t), ColumnType.INTEGER)
                for t in order
            ),
            Column("key_customers", "重点客户合计", ColumnType.INTEGER),
        )
        rows = [
            Row(
                (units[u].label, *(counts[u][t] for t in order), sum(counts[u].values())),
                units[u].drill_down,
            )
            for u in units
        ]
        if counts.get(""):
            rows.append(Row(("（其他）", *(counts[""][t] for t in order), sum(counts[""].values()))))
        return Table(columns, tuple(rows), _totals(columns, rows), await data_time(session))
    states = [*order, ""]
    columns = (
        _label_column("期初等级"),
        Column("start_count", "期初客户数", ColumnType.INTEGER),
        Column("end_count", "期末客户数", ColumnType.INTEGER),
        Column("change", "增减", ColumnType.INTEGER),
        *(
            Column(
                f"to_{t.removeprefix('tiers/')}" if t else "to_none",
                f"→ {tier_label(labels, t)}",
                ColumnType.INTEGER,
            )
            for t in states
        ),
    )
    moves: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for before, after, n in counted:
        moves[before][after] += n
    start_counts = {t: sum(moves[t].values()) for t in states}
    end_counts = {t: sum(moves[b][t] for b in states) for t in states}
    rows = [
        Row(
            (
                tier_label(labels, t),
                start_counts[t],
                end_counts[t],
                end_counts[t] - start_counts[t],
                *(moves[t][other] for other in states),
            )
        )
        for t in states
    ]
    return Table(columns, tuple(rows), _totals(columns, rows), await data_time(session))


# --- the registry ----------------------------------------------------------------------------------------------

REPORTS: dict[str, ReportFunction] = {
    "REGIONAL_SALES": regional_sales,
    "DEPOSIT_ANALYSIS": deposit_analysis,
    "TOP_CUSTOMERS": top_customers,
    "TOP_RELATIONSHIP_MANAGERS": top_relationship_managers,
    "CUSTOMER_SALES": customer_sales,
    "CROSS_SELLING": cross_selling,
    "SALES_SUMMARY": sales_summary,
    "TIER_DISTRIBUTION": tier_distribution,
}


def check_dimension(kind: str, dimension: str) -> None:
    allowed = DIMENSIONS.get(kind, ())
    if dimension and dimension not in allowed:
        choices = "、".join(allowed) if allowed else "（此报表不分维度 none for this report）"
        raise InvalidArgument.for_field(
            "report.parameters.dimension", f"未知维度 {dimension!r}，可选：{choices} (unknown dimension)"
        )
