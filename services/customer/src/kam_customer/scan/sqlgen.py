"""SQL generated from a mapping, per dialect (SQLite, PostgreSQL): the pushed-down metrics query, watermark
queries, audit queries for unreadable rows, and the detail queries for the customers copied into KAM.

Everything heavy runs in the source's own engine as one set-based statement; Python only sees the selected
customers. Dates are compared as integer *day numbers* (``daynum``) so window arithmetic is the same on every
engine; the "as of" date and the window starts are bound as day numbers computed in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from kam_customer.scan.mapping import BASE_CURRENCY, DATE, LOGICAL_MODEL, TIMESTAMP, Entity, Mapping

AUM_KINDS = ("DEMAND_DEPOSIT", "TIME_DEPOSIT", "WEALTH", "FUND")
KINDS = ("DEMAND_DEPOSIT", "TIME_DEPOSIT", "WEALTH", "FUND", "LOAN", "CREDIT_CARD")
WINDOWS = (30, 90, 365)
#: Metrics computed from transactions: a full scan leaves them out of its chunked statement unless a candidate
#: floor names one, and computes them for the kept customers only (:meth:`SqlBuilder.txn_metrics_sql`).
TXN_METRICS = ("txn_count_90", "txn_volume_90")
DETAIL_DAYS = 90
#: The problem of an account whose currency has no exchange rate (a bad row).
NO_RATE = "没有汇率的币种 (currency without an exchange rate)"

#: Estimated annual contribution (CNY), a documented proxy (docs/mapping.md): deposit spread + wealth/fund fee +
#: loan margin + card fee, each a rate on the current balance.
CONTRIBUTION_RATES = {"deposit": "0.015", "wealth": "0.008", "fund": "0.008", "loan": "0.02", "card": "0.01"}

#: Metric columns the query returns (and ``customer_metrics`` stores), in order.
METRIC_COLUMNS = (
    "aum",
    "adb_30",
    "adb_90",
    "adb_365",
    "deposit_balance",
    "wealth_balance",
    "fund_balance",
    "loan_balance",
    "credit_limit",
    "credit_used",
    "product_count",
    "txn_count_90",
    "txn_volume_90",
    "contribution",
    "tenure_months",
)


@dataclass(frozen=True)
class Dialect:
    name: str  # "sqlite" | "postgresql"

    @property
    def pg(self) -> bool:
        return self.name == "postgresql"

    # -- values -------------------------------------------------------------------------------------------
    def num(self, expr: str) -> str:
        return f"CAST({expr} AS NUMERIC)"

    def least(self, *args: str) -> str:
        return f"{'LEAST' if self.pg else 'MIN'}({', '.join(args)})"

    def greatest(self, *args: str) -> str:
        return f"{'GREATEST' if self.pg else 'MAX'}({', '.join(args)})"

    def date(self, expr: str, fmt: str = "iso", *, timestamp: bool = False) -> str:
        """A normalised date (SQLite: 'YYYY-MM-DD' text; PostgreSQL: DATE); NULL when unreadable."""
        if fmt in ("yymmdd", "yyyymmdd"):
            digits = 6 if fmt == "yymmdd" else 8
            source = f"SUBSTR(CAST({expr} AS TEXT), 1, {digits})" if timestamp else expr
            x = f"CAST({source} AS INTEGER)"
            century = "1900 + " if fmt == "yymmdd" else ""
            y, m, d = f"({century}{x} / 10000)", f"({x} / 100 % 100)", f"({x} % 100)"
            ok = f"{m} BETWEEN 1 AND 12 AND {d} BETWEEN 1 AND 31"
            if self.pg:
                return f"(CASE WHEN {ok} THEN make_date({y}, {m}, 1) + ({d} - 1) END)"
            return f"(CASE WHEN {ok} THEN date(printf('%04d-%02d-%02d', {y}, {m}, 1), '+' || ({d} - 1) || ' days') END)"
        return f"CAST({expr} AS DATE)" if self.pg else f"date({expr})"

    def timestamp(self, expr: str, fmt: str = "iso") -> str:
        if fmt != "iso":
            d = self.date(expr, fmt, timestamp=True)
            return f"CAST({d} AS TIMESTAMP)" if self.pg else f"datetime({d})"
        return f"CAST({expr} AS TIMESTAMP)" if self.pg else f"datetime({expr})"

    def daynum(self, date_sql: str) -> str:
        """Integer day number of a normalised date (see :meth:`daynum_of`)."""
        if self.pg:
            return f"({date_sql} - DATE '1970-01-01')"
        return f"CAST(julianday({date_sql}) AS INTEGER)"

    def daynum_of(self, value: date) -> int:
        # SQLite: julianday() of a date is ordinal + 1721424.5 (truncated by the CAST); PostgreSQL: days since 1970.
        return value.toordinal() - date(1970, 1, 1).toordinal() if self.pg else value.toordinal() + 1721424

    def date_of(self, daynum: int | None) -> date | None:
        if daynum is None:
            return None
        offset = date(1970, 1, 1).toordinal() if self.pg else -1721424
        return date.fromordinal(int(daynum) + offset)

    def number_param(self, value):
        """A bound number: SQLite's driver takes no Decimal (its NUMERIC values are REAL anyway)."""
        return value if self.pg else float(value)

    def part(self, what: str, date_sql: str) -> str:
        if self.pg:
            return f"CAST(EXTRACT({what.upper()} FROM {date_sql}) AS INTEGER)"
        return f"CAST(strftime('%{ {'year': 'Y', 'month': 'm', 'day': 'd'}[what] }', {date_sql}) AS INTEGER)"

    def date_param(self, name: str) -> str:
        return f"CAST(:{name} AS DATE)" if self.pg else f"date(:{name})"


def dialect_for(url_or_name: str) -> Dialect:
    name = url_or_name.split("+")[0].split(":")[0]
    if name.startswith("postgres"):
        return Dialect("postgresql")
    if name == "sqlite":
        return Dialect("sqlite")
    raise ValueError(f"unsupported source engine {name!r} (SQLite or PostgreSQL)")


def sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class KeyRange:
    """The customers of one chunk of a full scan: ids in (``:after``, ``:upto``] (``last``: > ``:after``) and,
    unless ``extra=False``, the ids bound as ``:extra`` (a PostgreSQL text array). Compared as text, as the chunk
    bounds were computed."""

    last: bool

    def condition(self, column: str, *, extra: bool = True) -> str:
        within = f"{column} > :after" + ("" if self.last else f" AND {column} <= :upto")
        return f"(({within}) OR {column} = ANY(CAST(:extra AS TEXT[])))" if extra else within


class SqlBuilder:
    """Builds the statements for one mapping and dialect."""

    def __init__(self, mapping: Mapping, dialect: Dialect, rates: dict[str, Decimal] | None = None) -> None:
        self.m = mapping
        self.d = dialect
        #: Currency → CNY per unit (:data:`BASE_CURRENCY` is 1): what converts accounts' amounts when the mapping
        #: names their currency.
        self.rates = rates or {}

    # -- per-field expressions --------------------------------------------------------------------------------
    def raw(self, entity: Entity, field: str) -> str:
        return f"({entity.expr(field, self.d.name)})" if entity.has(field) else "NULL"

    def coded(self, entity: Entity, field: str) -> str:
        """The logical code value of a field (NULL for unknown source values unless ``"*"`` is mapped)."""
        if not entity.has(field):
            return "NULL"
        raw = self.raw(entity, field)
        table = entity.codes.get(field)
        if not table:
            return raw
        whens = " ".join(f"WHEN {sql_literal(k)} THEN {sql_literal(v)}" for k, v in table.items() if k != "*")
        other = sql_literal(table["*"]) if "*" in table else "NULL"
        return f"(CASE CAST({raw} AS TEXT) {whens} ELSE {other} END)"

    def known(self, entity: Entity, field: str) -> str | None:
        """A condition true unless the field holds a source code its ``codes`` table does not list (a bad row,
        left out of the metrics); None when every value is readable (no table, or a ``"*"`` fallback)."""
        if not entity.has(field) or field not in entity.codes or "*" in entity.codes[field]:
            return None
        raw, listed = self.raw(entity, field), ", ".join(sql_literal(code) for code in entity.codes[field])
        return f"({raw} IS NULL OR CAST({raw} AS TEXT) IN ({listed}))"

    def rate(self) -> str | None:
        """CNY per unit of an account's currency (NULL for a currency without a rate: a bad row); None when the
        mapping names no currency (every amount is CNY)."""
        acct = self.m.entities["account"]
        if not acct.has("currency"):
            return None
        whens = " ".join(
            f"WHEN {sql_literal(code)} THEN {rate:f}"
            for code, rate in sorted(self.rates.items())
            if code != BASE_CURRENCY
        )
        return (
            f"(CASE COALESCE(CAST({self.raw(acct, 'currency')} AS TEXT), '{BASE_CURRENCY}') "
            f"WHEN '{BASE_CURRENCY}' THEN 1 {whens} END)"
        )

    def rated(self, expr: str, rate: str) -> str:
        """``expr`` (an amount in the account's currency) in CNY, ``rate`` naming the account's rate column."""
        return expr if self.rate() is None else f"{expr} * {rate}"

    def txn_day_field(self) -> str:
        """The transaction field whose day counts in the metrics: the business date (账务日期) when mapped."""
        return "business_date" if self.m.entities["transaction"].has("business_date") else "time"

    def rates_sql(self) -> str | None:
        """The source's exchange rates (``entities.fx_rate``): currency, rate, day."""
        fx = self.m.entity("fx_rate")
        if fx is None:
            return None
        return (
            f"SELECT CAST({self.raw(fx, 'currency')} AS TEXT) AS currency, {self.d.num(self.raw(fx, 'rate'))} "
            f"AS rate, {self.date(fx, 'day')} AS day {self.from_where(fx)}"
        )

    def date(self, entity: Entity, field: str) -> str:
        if not entity.has(field):
            return "NULL"
        fmt = entity.formats.get(field, "iso")
        if LOGICAL_MODEL[entity.name][field].type == TIMESTAMP:
            return self.d.date(self.raw(entity, field), fmt, timestamp=True)
        return self.d.date(self.raw(entity, field), fmt)

    def value(self, entity: Entity, field: str) -> str:
        """Field as selected for detail rows: codes mapped, dates normalised, the rest raw."""
        spec = LOGICAL_MODEL[entity.name][field]
        if spec.codes:
            return self.coded(entity, field)
        if spec.type == DATE:
            return self.date(entity, field)
        if spec.type == TIMESTAMP:
            if not entity.has(field):
                return "NULL"
            return self.d.timestamp(self.raw(entity, field), entity.formats.get(field, "iso"))
        return self.raw(entity, field)

    def key(self, entity: Entity, field: str) -> str:
        """A key field for membership tests (``… IN (…)``). SQLite compares the column itself (its affinity
        converts the text ids, and its index stays usable); PostgreSQL needs both sides as text."""
        return f"CAST({self.raw(entity, field)} AS TEXT)" if self.d.pg else self.raw(entity, field)

    def in_ids(self, expr: str, param: str = "ids") -> str:
        """``expr`` among the ids bound as ``:ids`` (or ``param``): an expanding list on SQLite, one text array on
        PostgreSQL (a single parameter, not a statement of thousands of placeholders to render, parse and plan each
        time)."""
        return f"{expr} = ANY(CAST(:{param} AS TEXT[]))" if self.d.pg else f"{expr} IN :{param}"

    def from_where(self, entity: Entity, *conditions: str) -> str:
        where = [c for c in (entity.where_sql(self.d.name), *conditions) if c]
        return f"FROM {entity.from_}" + (f" WHERE {' AND '.join(f'({c})' for c in where)}" if where else "")

    # -- the pushed-down metrics query ---------------------------------------------------------------------
    def customer_union(self) -> str:
        parts = []
        for entity_name, ctype in (("individual", "INDIVIDUAL"), ("corporate", "CORPORATE")):
            e = self.m.entity(entity_name)
            if e is None:
                continue
            parts.append(
                f"SELECT CAST({self.raw(e, 'id')} AS TEXT) AS cust_id, '{ctype}' AS ctype, "
                f"{self.date(e, 'open_date')} AS open_d {self.from_where(e)}"
            )
        return " UNION ALL ".join(parts)

    def seed_ctes(self, seed: str | None) -> tuple[list[str], str | None]:
        """CTEs restricting the computation to ``seed`` (a SELECT of cust_id) expanded to whole corporate
        groups (so consolidated figures stay complete). Returns (ctes, name of the restricting CTE)."""
        if seed is None:
            return [], None
        ctes = [f"k_seed(cust_id) AS ({seed})"]
        link = self.m.entity("group_link")
        if link is None:
            return ctes, "k_seed"
        ctes.append(
            f"k_links(parent_id, child_id) AS (SELECT CAST({self.raw(link, 'parent_id')} AS TEXT), "
            f"CAST({self.raw(link, 'child_id')} AS TEXT) {self.from_where(link)})"
        )
        ctes.append(
            "k_anc(cust_id) AS (SELECT cust_id FROM k_seed UNION "
            "SELECT l.parent_id FROM k_links l JOIN k_anc a ON l.child_id = a.cust_id)"
        )
        ctes.append(
            "k_scope(cust_id) AS (SELECT cust_id FROM k_anc UNION "
            "SELECT l.child_id FROM k_links l JOIN k_scope s ON l.parent_id = s.cust_id)"
        )
        return ctes, "k_scope"

    def metrics_sql(
        self,
        *,
        seed: str | None = None,
        floors: dict[str, dict[str, object]] | None = None,
        after: bool = False,
        seed_only: bool = False,
        transactions: bool = True,
        key_range: KeyRange | None = None,
    ) -> str:
        """One statement computing every metric per customer.

        Binds: ``asof`` (daynum), ``asof1`` (asof + 1), ``w30``/``w90``/``w365`` (first day of each window),
        ``asof_y``/``asof_m``/``asof_d``, ``after`` (resume key, when ``after``), one ``f_<type>_<metric>`` per
        floor. ``seed`` restricts the customers (a SELECT of ``cust_id``), expanded to whole groups (so that
        consolidated figures are complete); ``seed_only`` returns the seed's customers only. ``key_range``
        (PostgreSQL) restricts them instead to a range of ids plus the ids bound as ``extra`` — a chunk and the
        members of its groups outside it (:meth:`chunk_members_sql`) — and returns the range's customers only;
        unlike a seed it reaches them through the id indexes. Without
        ``transactions`` the transaction metrics (:data:`TXN_METRICS` and ``last_dn``) come out as 0 / NULL:
        :meth:`txn_metrics_sql` computes them afterwards for the customers that are kept.
        """
        d = self.d
        acct_e = self.m.entities["account"]
        ctes, scope = self.seed_ctes(seed)
        if key_range is not None:
            in_scope, acct_cond = (
                key_range.condition("cust_id"),
                key_range.condition(self.key(acct_e, "customer_id")),
            )
        else:
            in_scope = f"cust_id IN (SELECT cust_id FROM {scope})" if scope else None
            acct_cond = (
                f"{self.key(acct_e, 'customer_id')} IN (SELECT cust_id FROM {scope})" if scope else None
            )
        ctes.append(f"k_cust_all AS ({self.customer_union()})")
        ctes.append("k_cust AS (SELECT * FROM k_cust_all" + (f" WHERE {in_scope})" if in_scope else ")"))
        ctes.append(self._acct_cte(acct_cond))
        if transactions:
            ctes.append(self._tx_cte(scoped=acct_cond is not None))
        else:
            ctes.append("k_tx AS (SELECT NULL AS acct_id, 0 AS n90, 0 AS v90, NULL AS last_dn WHERE 1 = 0)")
        kinds_sql = ", ".join(f"'{k}'" for k in AUM_KINDS)
        bh = self.m.entity("balance_history")
        if bh is not None:
            bh_acct = f"CAST({self.raw(bh, 'account_id')} AS TEXT)"
            bh_cond = (
                f"{self.key(bh, 'account_id')} IN (SELECT acct_id FROM k_acct WHERE kind IN ({kinds_sql}))"
            )
            ctes.append(
                f"k_bal AS (SELECT acct_id, dn, bal, LEAD(dn) OVER (PARTITION BY acct_id ORDER BY dn) AS next_dn FROM ("
                f"SELECT {bh_acct} AS acct_id, {d.daynum(self.date(bh, 'day'))} AS dn, "
                f"{d.num(self.raw(bh, 'balance'))} AS bal {self.from_where(bh, bh_cond)}) h WHERE dn <= :asof)"
            )
            held = {
                w: d.greatest(
                    "0",
                    d.least("COALESCE(b.next_dn, :asof1)", ":asof1") + " - " + d.greatest("b.dn", f":w{w}"),
                )
                for w in WINDOWS
            }
            sums = ", ".join(f"SUM({self.rated('b.bal', 'a.rate')} * {held[w]}) AS s{w}" for w in WINDOWS)
            ctes.append(
                f"k_adb AS (SELECT a.cust_id, {sums} FROM k_bal b JOIN k_acct a ON a.acct_id = b.acct_id "
                f"WHERE b.next_dn IS NULL OR b.next_dn > :w365 GROUP BY a.cust_id)"
            )
        else:
            ctes.append("k_adb AS (SELECT NULL AS cust_id, 0 AS s30, 0 AS s90, 0 AS s365 WHERE 1 = 0)")

        def live_sum(kinds: tuple[str, ...], col: str = "a.bal") -> str:
            ks = ", ".join(f"'{k}'" for k in kinds)
            return f"SUM(CASE WHEN a.live = 1 AND a.kind IN ({ks}) THEN {col} ELSE 0 END)"

        kind_flags = ", ".join(
            f"MAX(CASE WHEN a.live = 1 AND a.kind = '{k}' THEN 1 ELSE 0 END) AS k_{k.lower()}" for k in KINDS
        )
        ctes.append(
            "k_pos AS (SELECT a.cust_id, "
            f"{live_sum(('DEMAND_DEPOSIT', 'TIME_DEPOSIT'))} AS dep, {live_sum(('WEALTH',))} AS wealth, "
            f"{live_sum(('FUND',))} AS fund, {live_sum(('LOAN',))} AS loan, {live_sum(('CREDIT_CARD',))} AS card, "
            f"{live_sum(('LOAN', 'CREDIT_CARD'), 'a.lim')} AS lim, SUM(a.live) AS nprod, {kind_flags}, "
            f"SUM(COALESCE(t.n90, 0)) AS n90, SUM({self.rated('COALESCE(t.v90, 0)', 'a.rate')}) AS v90, "
            "MAX(t.last_dn) AS last_dn, MIN(a.open_d) AS first_open "
            "FROM (SELECT k_acct.*, CASE WHEN status IS NULL OR status <> 'CLOSED' THEN 1 ELSE 0 END AS live FROM k_acct) a "
            "LEFT JOIN k_tx t ON t.acct_id = a.acct_id GROUP BY a.cust_id)"
        )
        r = CONTRIBUTION_RATES
        open_d = "COALESCE(c.open_d, p.first_open)"
        tenure = (
            f"(:asof_y - {d.part('year', open_d)}) * 12 + (:asof_m - {d.part('month', open_d)}) "
            f"- CASE WHEN :asof_d < {d.part('day', open_d)} THEN 1 ELSE 0 END"
        )
        z = lambda col: f"COALESCE({col}, 0)"
        ctes.append(
            "k_m AS (SELECT c.cust_id, c.ctype, "
            f"ROUND({z('p.dep')} + {z('p.wealth')} + {z('p.fund')}, 2) AS aum, "
            + ", ".join(f"ROUND({z(f'adb.s{w}')} / {w}.0, 2) AS adb_{w}" for w in WINDOWS)
            + ", "
            f"ROUND({z('p.dep')}, 2) AS deposit_balance, ROUND({z('p.wealth')}, 2) AS wealth_balance, "
            f"ROUND({z('p.fund')}, 2) AS fund_balance, ROUND({z('p.loan')}, 2) AS loan_balance, "
            f"ROUND({z('p.lim')}, 2) AS credit_limit, ROUND({z('p.loan')} + {z('p.card')}, 2) AS credit_used, "
            f"{z('p.nprod')} AS product_count, {z('p.n90')} AS txn_count_90, ROUND({z('p.v90')}, 2) AS txn_volume_90, "
            f"ROUND({r['deposit']} * {z('p.dep')} + {r['wealth']} * {z('p.wealth')} + {r['fund']} * {z('p.fund')} "
            f"+ {r['loan']} * {z('p.loan')} + {r['card']} * {z('p.card')}, 2) AS contribution, "
            f"CASE WHEN {open_d} IS NULL THEN 0 ELSE {d.greatest('0', tenure)} END AS tenure_months, "
            "p.last_dn AS last_dn, "
            + ", ".join(f"{z(f'p.k_{k.lower()}')} AS k_{k.lower()}" for k in KINDS)
            + " FROM k_cust c LEFT JOIN k_pos p ON p.cust_id = c.cust_id LEFT JOIN k_adb adb ON adb.cust_id = c.cust_id)"
        )
        link = self.m.entity("group_link")
        if link is not None:
            if not scope:
                ctes.append(
                    f"k_links(parent_id, child_id) AS (SELECT CAST({self.raw(link, 'parent_id')} AS TEXT), "
                    f"CAST({self.raw(link, 'child_id')} AS TEXT) {self.from_where(link)})"
                )
            ctes.append(
                "k_tree(root, member) AS (SELECT parent_id, child_id FROM k_links UNION "
                "SELECT t.root, l.child_id FROM k_tree t JOIN k_links l ON l.parent_id = t.member)"
            )
            ctes.append(
                "k_grp AS (SELECT r.root AS cust_id, SUM(k_m.aum) AS cons_aum, SUM(k_m.loan_balance) AS cons_loan FROM "
                "(SELECT DISTINCT root, member FROM k_tree UNION SELECT DISTINCT root, root FROM k_tree) r "
                "JOIN k_m ON k_m.cust_id = r.member GROUP BY r.root)"
            )
            cons = (
                "ROUND(g.cons_aum, 2) AS consolidated_aum, ROUND(g.cons_loan, 2) AS consolidated_loan_balance"
            )
            join = " LEFT JOIN k_grp g ON g.cust_id = m.cust_id"
        else:
            cons, join = "NULL AS consolidated_aum, NULL AS consolidated_loan_balance", ""
        conditions = []
        if seed_only and seed is not None:
            conditions.append("m.cust_id IN (SELECT cust_id FROM k_seed)")
        if key_range is not None:
            conditions.append(key_range.condition("m.cust_id", extra=False))
        if after:
            conditions.append("m.cust_id > :after")
        if floors is not None:
            conditions.append(self._floor_condition(floors))
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        recursive = "RECURSIVE " if link is not None else ""
        return (
            f"WITH {recursive}{', '.join(ctes)} SELECT m.*, {cons} FROM k_m m{join}{where} ORDER BY m.cust_id"
        )

    def _acct_cte(self, condition: str | None) -> str:
        """Accounts with their amounts in CNY; accounts with a type or status code the mapping does not list, or
        a currency without a rate, are bad rows and left out."""
        acct_e, d = self.m.entities["account"], self.d
        rate = self.rate()
        bad = [
            self.known(acct_e, "type"),
            self.known(acct_e, "status"),
            f"{rate} IS NOT NULL" if rate else None,
        ]
        conditions = [c for c in (condition, *bad) if c]
        bal, lim = (f"COALESCE({d.num(self.raw(acct_e, f))}, 0)" for f in ("balance", "credit_limit"))
        return (
            "k_acct AS (SELECT "
            f"CAST({self.raw(acct_e, 'id')} AS TEXT) AS acct_id, CAST({self.raw(acct_e, 'customer_id')} AS TEXT) AS cust_id, "
            f"{self.coded(acct_e, 'type')} AS kind, {self.rated(bal, rate)} AS bal, {self.rated(lim, rate)} AS lim, "
            f"{self.coded(acct_e, 'status')} AS status, {self.date(acct_e, 'open_date')} AS open_d"
            f"{f', {rate} AS rate' if rate else ''} {self.from_where(acct_e, *conditions)})"
        )

    def _tx_cte(self, *, scoped: bool) -> str:
        """Per account: transactions and volume in the 90-day window, last transaction day (``scoped``: only
        the accounts of ``k_acct``)."""
        txn_e, d = self.m.entities["transaction"], self.d
        txn_acct = f"CAST({self.raw(txn_e, 'account_id')} AS TEXT)"
        txn_cond = f"{self.key(txn_e, 'account_id')} IN (SELECT acct_id FROM k_acct)" if scoped else None
        txn_day = d.daynum(self.date(txn_e, self.txn_day_field()))
        conditions = [
            c for c in (txn_cond, self.known(txn_e, "direction")) if c
        ]  # unknown direction: a bad row
        return (
            f"k_tx AS (SELECT acct_id, SUM(CASE WHEN dn >= :w90 THEN 1 ELSE 0 END) AS n90, "
            f"SUM(CASE WHEN dn >= :w90 THEN amt ELSE 0 END) AS v90, MAX(dn) AS last_dn FROM ("
            f"SELECT {txn_acct} AS acct_id, {txn_day} AS dn, {d.num(self.raw(txn_e, 'amount'))} AS amt "
            f"{self.from_where(txn_e, *conditions)}) t "
            f"WHERE dn <= :asof GROUP BY acct_id)"
        )

    def txn_metrics_sql(self) -> str:
        """The transaction metrics (:data:`TXN_METRICS`, ``last_dn``) of the customers bound as ``:ids``
        (:meth:`in_ids`), computed exactly as :meth:`metrics_sql` computes them; customers without accounts are left
        out (their metrics are 0 / NULL). Binds: ``w90``, ``asof``."""
        acct_e = self.m.entities["account"]
        ctes = [self._acct_cte(self.in_ids(self.key(acct_e, "customer_id"))), self._tx_cte(scoped=True)]
        return (
            f"WITH {', '.join(ctes)} SELECT a.cust_id, COALESCE(SUM(COALESCE(t.n90, 0)), 0) AS txn_count_90, "
            f"ROUND(COALESCE(SUM({self.rated('COALESCE(t.v90, 0)', 'a.rate')}), 0), 2) AS txn_volume_90, "
            "MAX(t.last_dn) AS last_dn "
            "FROM k_acct a LEFT JOIN k_tx t ON t.acct_id = a.acct_id GROUP BY a.cust_id"
        )

    def chunk_bounds_sql(self) -> str:
        """Every ``:size``-th customer id after ``:after``, in order: where the chunks of a full scan end."""
        return (
            f"SELECT cust_id FROM (SELECT cust_id, ROW_NUMBER() OVER (ORDER BY cust_id) AS n FROM "
            f"({self.customer_union()}) u WHERE cust_id > :after) c WHERE n % :size = 0 ORDER BY cust_id"
        )

    def chunk_seed_sql(self, *, last: bool) -> str:
        """SELECT of the customers of one chunk: ids in (``:after``, ``:upto``], or > ``:after`` for the last."""
        return f"SELECT cust_id FROM ({self.customer_union()}) u WHERE {KeyRange(last).condition('cust_id', extra=False)}"

    def chunk_members_sql(self, *, last: bool) -> str | None:
        """The customers outside one chunk (binds as :meth:`chunk_seed_sql`) in the corporate groups of those
        inside it: what a :class:`KeyRange` statement binds as ``extra`` so that its consolidated figures are
        complete. None when the mapping has no groups (nothing to add)."""
        if self.m.entity("group_link") is None:
            return None
        ctes, scope = self.seed_ctes(self.chunk_seed_sql(last=last))
        outside = KeyRange(last).condition("cust_id", extra=False)
        return f"WITH RECURSIVE {', '.join(ctes)} SELECT DISTINCT cust_id FROM {scope} WHERE NOT ({outside})"

    @staticmethod
    def floor_param(ctype: str, metric: str) -> str:
        return f"f_{ctype.lower()}_{metric}"

    def _floor_condition(self, floors: dict[str, dict[str, object]]) -> str:
        per_type = []
        for ctype, metrics in sorted(floors.items()):
            terms = [
                f"{'g.cons_aum' if metric == 'consolidated_aum' else 'g.cons_loan' if metric == 'consolidated_loan_balance' else 'm.' + metric}"
                f" >= :{self.floor_param(ctype, metric)}"
                for metric in sorted(metrics)
                if self.m.entity("group_link") is not None or not metric.startswith("consolidated_")
            ]
            if terms:
                per_type.append(f"(m.ctype = '{ctype}' AND ({' OR '.join(terms)}))")
        return "(" + (" OR ".join(per_type) or "1 = 0") + ")"

    # -- incremental -----------------------------------------------------------------------------------------
    def watermark_sql(self, entity: Entity) -> str:
        return f"SELECT MAX({entity.watermark_sql(self.d.name)}) {self.from_where(entity)}"

    def changed_customers_sql(self, marks: dict[str, str], pushed: str = "") -> str:
        """SELECT of cust_id touched since the given watermarks (entity name → bind parameter name), and — with
        ``pushed``, a bind parameter of account numbers — the owners of those accounts (accounts whose balance
        was pushed since the last scan, so that the source's balance replaces the pushed one)."""
        dialect = self.d.name
        parts = []
        for name in ("individual", "corporate"):
            e = self.m.entity(name)
            if e is not None and name in marks:
                cond = f"{e.watermark_sql(dialect)} > :{marks[name]}"
                parts.append(f"SELECT CAST({self.raw(e, 'id')} AS TEXT) {self.from_where(e, cond)}")
        acct = self.m.entities["account"]
        acct_cust = f"CAST({self.raw(acct, 'customer_id')} AS TEXT)"
        if "account" in marks:
            cond = f"{acct.watermark_sql(dialect)} > :{marks['account']}"
            parts.append(f"SELECT {acct_cust} {self.from_where(acct, cond)}")
        for name in ("transaction", "balance_history"):
            e = self.m.entity(name)
            if e is not None and name in marks:
                cond = f"{e.watermark_sql(dialect)} > :{marks[name]}"
                ids = f"SELECT CAST({self.raw(e, 'account_id')} AS TEXT) {self.from_where(e, cond)}"
                in_ids = f"CAST({self.raw(acct, 'id')} AS TEXT) IN ({ids})"
                parts.append(f"SELECT {acct_cust} {self.from_where(acct, in_ids)}")
        if pushed:
            condition = self.in_ids(f"CAST({self.raw(acct, 'id')} AS TEXT)", pushed)
            parts.append(f"SELECT {acct_cust} {self.from_where(acct, condition)}")
        return " UNION ".join(parts) if parts else "SELECT NULL WHERE 1 = 0"

    # -- detail rows for selected customers ------------------------------------------------------------------
    def select_fields(self, entity: Entity, fields: list[str]) -> str:
        return ", ".join(f"{self.value(entity, f)} AS {f}" for f in fields)

    def detail_sql(
        self,
        entity: Entity,
        key_field: str,
        *,
        extra: str | None = None,
        raw_dates: bool = True,
        columns: tuple[str, ...] = (),
    ) -> str:
        """All mapped fields of ``entity`` where ``key_field`` is among ``:ids`` (:meth:`in_ids`), with the raw
        value of each date and coded field beside it (``<field>__raw``) so unreadable values can be reported, and
        ``columns`` (further ``<expression> AS <name>``)."""
        spec = LOGICAL_MODEL[entity.name]
        fields = [f for f in spec if entity.has(f)]
        cols = [f"{self.value(entity, f)} AS {f}" for f in fields] + list(columns)
        if raw_dates:
            cols += [
                f"{self.raw(entity, f)} AS {f}__raw"
                for f in fields
                if spec[f].codes or spec[f].type in (DATE, TIMESTAMP)
            ]
        cond = self.in_ids(self.key(entity, key_field))
        return f"SELECT {', '.join(cols)} {self.from_where(entity, cond, extra)} ORDER BY 1"

    def newer_condition(self, entity: Entity, param: str) -> str:
        return f"{entity.watermark_sql(self.d.name)} > :{param}"

    def announce_column(self, entity: Entity, param: str | None) -> str:
        """``announce``: 1 for rows past the watermark bound as ``param`` (rows the previous successful scan did
        not see), 0 for the rest; with no ``param`` (nothing seen before: a backfill) 0 for every row."""
        if param is None:
            return "0 AS announce"
        return f"CASE WHEN {self.newer_condition(entity, param)} THEN 1 ELSE 0 END AS announce"

    def recent_condition(self, entity: Entity, field: str) -> str:
        """Rows of the detail window — and rows whose date cannot be read, so they are reported."""
        day = self.date(entity, field)
        return f"({self.d.daynum(day)} >= :since OR {day} IS NULL)"

    def all_rows_sql(self, entity: Entity) -> str:
        spec = LOGICAL_MODEL[entity.name]
        fields = [f for f in spec if entity.has(f)]
        cols = [f"{self.value(entity, f)} AS {f}" for f in fields]
        cols += [
            f"{self.raw(entity, f)} AS {f}__raw"
            for f in fields
            if spec[f].codes or spec[f].type in (DATE, TIMESTAMP)
        ]
        return f"SELECT {', '.join(cols)} {self.from_where(entity)}"

    def as_of_sql(self) -> str:
        if self.m.as_of:
            as_of = self.m.as_of.get(self.d.name) or self.m.as_of["*"]
            return as_of if as_of.lstrip()[:6].upper() == "SELECT" else f"SELECT {as_of}"
        txn = self.m.entities["transaction"]
        return f"SELECT MAX({self.date(txn, self.txn_day_field())}) {self.from_where(txn)}"

    def audit_sql(self, entity: Entity) -> list[tuple[str, str, str]]:
        """(field, problem, SQL) audits over a whole entity: unknown codes and unreadable dates. Each SQL
        returns (raw value, count) groups."""
        spec = LOGICAL_MODEL[entity.name]
        out = []
        for f in spec:
            if not entity.has(f):
                continue
            raw = self.raw(entity, f)
            if spec[f].codes and f in entity.codes and "*" not in entity.codes[f]:
                out.append(
                    (
                        f,
                        "未知代码 (unknown code)",
                        f"SELECT CAST({raw} AS TEXT) AS v, COUNT(*) AS n {self.from_where(entity, f'{raw} IS NOT NULL', f'{self.coded(entity, f)} IS NULL')} GROUP BY CAST({raw} AS TEXT) ORDER BY 2 DESC",
                    )
                )
            elif spec[f].type in (DATE, TIMESTAMP):
                out.append(
                    (
                        f,
                        "无法解析的日期 (unreadable date)",
                        f"SELECT CAST({raw} AS TEXT) AS v, COUNT(*) AS n {self.from_where(entity, f'{raw} IS NOT NULL', f'{self.date(entity, f)} IS NULL')} GROUP BY CAST({raw} AS TEXT) ORDER BY 2 DESC",
                    )
                )
        rate = self.rate()
        if entity.name == "account" and rate is not None:
            raw = f"CAST({self.raw(entity, 'currency')} AS TEXT)"
            where = self.from_where(entity, f"{rate} IS NULL")
            out.append(
                (
                    "currency",
                    NO_RATE,
                    f"SELECT {raw} AS v, COUNT(*) AS n {where} GROUP BY {raw} ORDER BY 2 DESC",
                )
            )
        key = "id" if "id" in spec else spec and next(iter(spec))
        if entity.has(key):
            out.append(
                (
                    key,
                    "缺少标识 (missing id)",
                    f"SELECT 'NULL' AS v, COUNT(*) AS n {self.from_where(entity, f'{self.raw(entity, key)} IS NULL')} HAVING COUNT(*) > 0",
                )
            )
        return out


def window_binds(dialect: Dialect, as_of: date) -> dict[str, int]:
    asof = dialect.daynum_of(as_of)
    binds = {
        "asof": asof,
        "asof1": asof + 1,
        "asof_y": as_of.year,
        "asof_m": as_of.month,
        "asof_d": as_of.day,
    }
    for w in WINDOWS:
        binds[f"w{w}"] = asof - w + 1
    binds["since"] = dialect.daynum_of(as_of - timedelta(days=DETAIL_DAYS - 1))
    return binds
