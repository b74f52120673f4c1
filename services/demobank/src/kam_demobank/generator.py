"""A deterministic generator of a realistic core-banking database (the demo "source" KAM scans).

``generate(url, GenParams(customers=20_000, transactions=2_000_000, seed=42, as_of=...))`` fills any SQLite or
PostgreSQL URL with the schema of :mod:`kam_demobank.schema`:

* an org tree: 总行 → 10 city branches (分行, with regions) → 3-8 sub-branches (支行) each; managers, tellers and
  relationship managers (RMs) per sub-branch and branch;
* individuals (≈90%): weighted Chinese surnames, valid 18-digit resident IDs (local or other area codes, birth
  date inside), mobiles, spouses for some; corporates (≈10%): company names, valid 统一社会信用代码, industry,
  founding date, legal representative, finance contact, actual controller, corporate groups (集团 parents with
  subsidiaries and shareholdings);
* wealth is lognormal (heavy-tailed): ≈0.2-0.4% of individuals hold ≥ 6,000,000 CNY, a few % ≥ 500,000;
* accounts across products: demand deposits, time deposits (with maturity), wealth management, funds, loans
  (maturity, equal-principal monthly repayments, some overdue, some settled) and credit cards (limits);
* one year of transactions ending on the as-of day, simulated day by day in time order (``txn_id`` increases
  with ``txn_ts``): salaries, loan repayments, account openings and random activity with channel, cash flag,
  direction and counterparty; every ``bal_after`` follows from the previous balance, ``acct.cur_bal`` is the
  last one, and ``acct_bal_hist`` holds the end-of-day balance of each day a balance changed, plus an opening
  snapshot on the day before the window for accounts opened before it.

All randomness comes from ``random.Random`` instances seeded from ``seed`` (one per phase), so the same
parameters give byte-identical data on every run and on every engine.

``append(url, transactions=N, customers=M, seed=S)`` adds exactly N transactions and M new customers (each with
one demand account, opened by one of the N transactions when N ≥ M) to an existing source, deterministically
from its current state (see :mod:`kam_demobank.posting`).
"""

from __future__ import annotations

import math
import random
import time
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate

from sqlalchemy import Table
from sqlalchemy.engine import URL

from kam_demobank import bulk, people, schema

Progress = Callable[[str], None]

#: Default as-of day of generated data when none is given (the CLI passes yesterday by the clock instead).
DEFAULT_AS_OF = date(2025, 12, 31)
BATCH = 50_000

# Product catalogue: (prod_cd, prod_name, prod_type).
PRODUCTS: tuple[tuple[str, str, str], ...] = (
    ("DMD001", "个人活期储蓄", "DMD"),
    ("DMD002", "个人结算账户(一类户)", "DMD"),
    ("DMD101", "单位基本存款账户", "DMD"),
    ("DMD102", "单位一般存款账户", "DMD"),
    ("TD003", "整存整取三个月", "TD"),
    ("TD006", "整存整取六个月", "TD"),
    ("TD012", "整存整取一年", "TD"),
    ("TD024", "整存整取二年", "TD"),
    ("TD036", "整存整取三年", "TD"),
    ("TD060", "整存整取五年", "TD"),
    ("TD112", "单位定期存款一年", "TD"),
    ("WM001", "稳健添利30天理财", "WM"),
    ("WM002", "季季盈90天理财", "WM"),
    ("WM003", "年年丰一年期理财", "WM"),
    ("WM101", "对公结构性存款", "WM"),
    ("FD001", "天天利货币基金", "FUND"),
    ("FD002", "沪深300指数基金", "FUND"),
    ("FD003", "稳健债券基金", "FUND"),
    ("LN001", "个人住房贷款", "LOAN"),
    ("LN002", "个人消费贷款", "LOAN"),
    ("LN003", "个人经营贷款", "LOAN"),
    ("LN101", "流动资金贷款", "LOAN"),
    ("LN102", "固定资产贷款", "LOAN"),
    ("CC001", "金卡信用卡", "CARD"),
    ("CC002", "白金信用卡", "CARD"),
    ("CC003", "无限卡", "CARD"),
)
_ACCT_PREFIX = {"DMD": "62", "TD": "63", "WM": "64", "FUND": "65", "LOAN": "80", "CARD": "52"}
_TD_TERMS = (("TD003", 3), ("TD006", 6), ("TD012", 12), ("TD024", 24), ("TD036", 36), ("TD060", 60))

# Account kinds in the simulation.
DMD, TD, WM, FUND, LOAN, CARD = range(6)
_KIND = {"DMD": DMD, "TD": TD, "WM": WM, "FUND": FUND, "LOAN": LOAN, "CARD": CARD}
# Scheduled event kinds (low 3 bits of an event code).
EV_RANDOM, EV_OPEN, EV_SALARY, EV_REPAY = range(4)


@dataclass(frozen=True)
class GenParams:
    customers: int = 20_000
    transactions: int = 2_000_000
    seed: int = 42
    as_of: date = DEFAULT_AS_OF
    #: Length of the transaction window ending on ``as_of`` (inclusive).
    days: int = 365
    corporate_share: float = 0.10

    @property
    def start(self) -> date:
        return self.as_of - timedelta(days=self.days - 1)


@dataclass
class GenSummary:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    skipped: bool = False

    def add(self, table: str, n: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + n


# ------------------------------------------------------------------------------------------------ helpers


def _lognormal_table(sigma: float, n: int = 4096) -> list[float]:
    """Quantiles of a lognormal(0, sigma): ``table[int(random()*n)]`` is a fast lognormal draw."""
    nd = _NormalQuantile()
    return [math.exp(sigma * nd((i + 0.5) / n)) for i in range(n)]


class _NormalQuantile:
    """Inverse of the standard normal CDF (Acklam's rational approximation; plenty for simulation)."""

    a = (
        -3.969683028665376e01,
        2.209460984245205e02,
        -2.759285104469687e02,
        1.383577518672690e02,
        -3.066479806614716e01,
        2.506628277459239e00,
    )
    b = (
        -5.447609879822406e01,
        1.615858368580409e02,
        -1.556989798598866e02,
        6.680131188771972e01,
        -1.328068155288572e01,
    )
    c = (
        -7.784894002430293e-03,
        -3.223964580411365e-01,
        -2.400758277161838e00,
        -2.549732539343734e00,
        4.374664141464968e00,
        2.938163982698783e00,
    )
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)

    def __call__(self, p: float) -> float:
        a, b, c, d = self.a, self.b, self.c, self.d
        if p < 0.02425:
            q = math.sqrt(-2 * math.log(p))
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / (
                (((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1
            )
        if p > 1 - 0.02425:
            return -self(1 - p)
        q = p - 0.5
        r = q * q
        return (
            (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5])
            * q
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        )


LOGN_1 = _lognormal_table(1.0)
_TOD = [f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.000000" for s in range(86_400)]
# Hour-of-day profile of transactions (share per hour).
_HOURS = (1, 1, 1, 1, 1, 2, 4, 10, 30, 60, 70, 75, 55, 50, 65, 70, 65, 55, 45, 50, 55, 45, 25, 8)
_HOUR_TABLE = [h * 3600 for h, w in enumerate(_HOURS) for _ in range(w)]


def tod(seconds: int) -> str:
    """`` HH:MM:SS.000000`` for a second of the day (with the leading space)."""
    return _TOD[seconds]


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, 28))


def money(cents: int) -> float:
    return cents / 100


def business_second(rnd: Callable[[], float]) -> int:
    return _HOUR_TABLE[int(rnd() * len(_HOUR_TABLE))] + int(rnd() * 3600)


def _allocate(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` into integer parts proportional to ``weights`` (largest remainder; exact sum)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    parts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (parts[i] - raw[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


# ---------------------------------------------------------------------------------------------- the bank


@dataclass
class _Accounts:
    """Column-wise state of every account (index = account number in the simulation)."""

    no: list[str] = field(default_factory=list)
    kind: list[int] = field(default_factory=list)
    bal: list[int] = field(default_factory=list)  # cents; balance at the window start (then running)
    target: list[int] = field(default_factory=list)  # cents the balance gravitates to / amount at opening
    weight: list[float] = field(default_factory=list)  # activity weight for random transactions
    open_day: list[int] = field(default_factory=list)  # day index of opening in the window, -1 before it
    limit: list[int] = field(default_factory=list)  # cards: credit limit (cents)
    peer: list[str | None] = field(default_factory=list)  # the customer's main demand account (counterparty)
    last_ts: list[str | None] = field(default_factory=list)
    static: list[tuple] = field(default_factory=list)  # acct row without cur_bal/upd_ts


class _Builder:
    def __init__(self, p: GenParams) -> None:
        self.p = p
        self.start = p.start
        self.snapshot_day = (self.start - timedelta(days=1)).isoformat()
        self.acc = _Accounts()
        self.ids: set[str] = set()
        self.corp_names: set[str] = set()
        self.subs: list[tuple[str, str, str, str]] = []  # (org_id, city, district area code, branch org_id)
        self.sub_cum: list[float] = []
        self.rms: dict[str, list[str]] = {}
        # scheduled events per day: code = acct << 3 | kind; amounts by (acct) for salary/repay
        self.sched: list[list[int]] = [[] for _ in range(p.days)]
        self.salary: dict[int, int] = {}
        self.installment: dict[int, int] = {}
        self.final_due: dict[int, int] = {}
        self.seq = 0

    # ------------------------------------------------------------------ org and staff
    def orgs(self) -> Iterator[tuple[Table, list[tuple]]]:
        rng = random.Random(f"{self.p.seed}:org")
        orgs: list[tuple] = [("0000", "总行", None, "H", "总部")]
        staff: list[tuple] = []
        n_subs = sum(len(b.districts) for b in people.BRANCHES)
        rms_per_sub = max(3, min(60, round(self.p.customers / n_subs / 350)))
        staff_seq = 0

        def hire(org_id: str, post: str) -> str:
            nonlocal staff_seq
            staff_seq += 1
            staff_id = f"E{staff_seq:06d}"
            gender = "M" if rng.random() < 0.5 else "F"
            staff.append((staff_id, people.person_name(rng, gender), org_id, post, people.mobile(rng)))
            return staff_id

        hire("0000", "MGR")
        hire("0000", "MGR")
        cum = 0.0
        for b_no, branch in enumerate(people.BRANCHES, start=1):
            b_id = f"{b_no:02d}00"
            orgs.append((b_id, f"{branch.city}分行", "0000", "B", branch.region))
            hire(b_id, "MGR")
            branch_rms = [hire(b_id, "RM") for _ in range(3)]
            for s_no, (district, area) in enumerate(branch.districts, start=1):
                s_id = f"{b_no:02d}{s_no:02d}"
                orgs.append((s_id, f"{branch.city}{district}支行", b_id, "S", branch.region))
                hire(s_id, "MGR")
                for _ in range(2):
                    hire(s_id, "TELLER")
                self.rms[s_id] = [hire(s_id, "RM") for _ in range(rms_per_sub)]
                self.rms[b_id] = branch_rms
                self.subs.append((s_id, branch.city, area, b_id))
                cum += branch.weight / len(branch.districts)
                self.sub_cum.append(cum)
        yield schema.org, orgs
        yield schema.staff, staff
        yield schema.prod, list(PRODUCTS)

    def _sub(self, rnd: Callable[[], float]) -> tuple[str, str, str, str]:
        return self.subs[bisect_right(self.sub_cum, rnd() * self.sub_cum[-1])]

    # ------------------------------------------------------------------ accounts
    def _open_account(
        self,
        prod_cd: str,
        ptype: str,
        cust_no: str,
        org_id: str,
        open_dt: date,
        *,
        target: int,
        weight: float,
        mature_dt: date | None = None,
        status: str = "N",
        limit: int | None = None,
        repay_status: str | None = None,
        overdue_times: int = 0,
        start_bal: int | None = None,
        peer: str | None = None,
    ) -> int:
        """Register an account; returns its index. Opening in the window → starts at 0 with an opening event."""
        self.seq += 1
        acc = self.acc
        index = len(acc.no)
        no = f"{_ACCT_PREFIX[ptype]}{self.seq:014d}"
        open_day = (open_dt - self.start).days
        kind = _KIND[ptype]
        if open_day >= 0:
            bal = 0
            if status == "N" and (kind != CARD):
                self.sched[open_day].append(index << 3 | EV_OPEN)
        else:
            open_day = -1
            bal = target if start_bal is None else start_bal
        if status == "C":
            bal, weight = 0, 0.0
        acc.no.append(no)
        acc.kind.append(kind)
        acc.bal.append(bal)
        acc.target.append(target)
        acc.weight.append(weight if status == "N" else 0.0)
        acc.open_day.append(open_day)
        acc.limit.append(limit or 0)
        acc.peer.append(peer)
        acc.last_ts.append(None)
        acc.static.append(
            (
                no,
                cust_no,
                prod_cd,
                org_id,
                open_dt.isoformat(),
                mature_dt.isoformat() if mature_dt else None,
                status,
                money(limit) if limit is not None else None,
                repay_status,
                overdue_times,
            )
        )
        return index

    def _open_date(self, rnd: Callable[[], float], since: date, in_window: float) -> date:
        """An opening date after ``since``: within the window with probability ``in_window``."""
        as_of = self.p.as_of
        if since >= self.start or rnd() < in_window:
            lo = max(since, self.start)
        else:
            lo, as_of = since, self.start - timedelta(days=1)
        span = (as_of - lo).days
        return lo + timedelta(days=int(rnd() * (span + 1))) if span > 0 else min(lo, self.p.as_of)

    def _loan(
        self,
        rng: random.Random,
        cust_no: str,
        org_id: str,
        since: date,
        prod_cd: str,
        principal: int,
        months: int,
        peer: str,
    ) -> int:
        rnd = rng.random
        as_of, start = self.p.as_of, self.start
        # Loans alive during the window: opened before its start (most) or inside it.
        if rnd() < 0.15 or since >= start:
            open_dt = self._open_date(rnd, max(since, start), 1.0)
        else:
            earliest = max(since, add_months(start, -months + 1))
            span = (start - earliest).days
            open_dt = earliest + timedelta(days=int(rnd() * max(span, 1)))
        mature_dt = add_months(open_dt, months)
        installment = principal // months
        due = [add_months(open_dt, k) for k in range(1, months + 1)]
        paid_before = sum(1 for d in due if d < start)
        outstanding = principal - installment * paid_before
        in_window = [(k, d) for k, d in enumerate(due, start=1) if start <= d <= as_of]
        r = rnd()
        repay_status, overdue_times, missed = "N", 0, 0
        if mature_dt <= as_of:
            repay_status = "S"
        elif r < 0.05 and in_window:
            missed = min(len(in_window), 1 + int(rnd() * 3))
            repay_status, overdue_times = "O", missed + int(rnd() * 3)
        elif r < 0.15:
            overdue_times = 1 + int(rnd() * 2)
        status = "C" if repay_status == "S" else "N"
        index = self._open_account(
            prod_cd,
            "LOAN",
            cust_no,
            org_id,
            open_dt,
            target=principal,
            weight=0.0,
            mature_dt=mature_dt,
            limit=principal,
            repay_status=repay_status,
            overdue_times=overdue_times,
            start_bal=outstanding,
            peer=peer,
        )
        if status == "C":  # settled inside the window: balance runs down to zero through its repayments
            self.acc.static[index] = self.acc.static[index][:6] + ("C",) + self.acc.static[index][7:]
        self.installment[index] = installment
        self.final_due[index] = (due[-1] - start).days
        for k, d in in_window[: len(in_window) - missed]:
            self.sched[(d - start).days].append(index << 3 | EV_REPAY)
        return index

    # ------------------------------------------------------------------ customers
    def customers(self) -> Iterator[tuple[Table, list[tuple]]]:
        p = self.p
        n_corp = round(p.customers * p.corporate_share)
        n_indv = p.customers - n_corp
        density = p.transactions / max(p.customers, 1)
        self.p_salary = min(0.55, 0.15 * density / 12 / max(1 - p.corporate_share, 0.01))
        yield from self._individuals(n_indv)
        yield from self._corporates(n_corp)

    def _person(
        self,
        rng: random.Random,
        area: str,
        age_lo: int,
        age_hi: int,
        gender: str | None = None,
    ) -> tuple[str, str, date, str]:
        rnd = rng.random
        gender = gender or ("M" if rnd() < 0.5 else "F")
        age_days = int((age_lo + (age_hi - age_lo) * rnd()) * 365.25)
        birth = self.p.as_of - timedelta(days=age_days)
        while True:
            id_no = people.resident_id(rng, area, birth, gender)
            if id_no not in self.ids:
                self.ids.add(id_no)
                return people.person_name(rng, gender), id_no, birth, gender

    def _ts_between(self, rnd: Callable[[], float], lo: date) -> str:
        lo = max(lo, self.p.as_of - timedelta(days=730))
        day = lo + timedelta(days=int(rnd() * ((self.p.as_of - lo).days + 1)))
        return day.isoformat() + tod(business_second(rnd))

    def _individuals(self, n: int) -> Iterator[tuple[Table, list[tuple]]]:
        rng = random.Random(f"{self.p.seed}:indv")
        rnd = rng.random
        as_of, _start = self.p.as_of, self.start
        rows: list[tuple] = []
        rels: list[tuple] = []
        ratings: list[tuple] = []
        ln_median = math.log(15_000)
        for i in range(n):
            cust_no = f"10{i + 1:08d}"
            org_id, _city, area, _ = self._sub(rnd)
            home = area if rnd() < 0.75 else people.OTHER_AREAS[int(rnd() * len(people.OTHER_AREAS))]
            age = 18 + 64 * rnd() ** 1.2
            name, id_no, birth, gender = self._person(rng, home, age, age)
            aum = min(int(math.exp(ln_median + 2.0 * rng.gauss(0.0, 1.0)) * 100), 500_000_000_00)
            r = rnd()
            status = "C" if r < 0.02 else "D" if r < 0.07 else "A"
            adult = birth + timedelta(days=int(18 * 365.25) + 1)
            open_dt = self._open_date(rnd, max(adult, date(2003, 1, 1)), 0.06)
            rm_id = None
            if aum >= 5_000_000 or rnd() < 0.05:
                rm_list = self.rms[org_id]
                rm_id = rm_list[int(rnd() * len(rm_list))]
            rows.append(
                (
                    cust_no,
                    name,
                    id_no,
                    birth.isoformat(),
                    gender,
                    people.mobile(rng),
                    org_id,
                    rm_id,
                    open_dt.isoformat(),
                    status,
                    self._ts_between(rnd, open_dt),
                )
            )
            age = (as_of - birth).days / 365.25
            if age >= 25 and rnd() < 0.35:
                s_gender = "F" if gender == "M" else "M"
                s_age = max(20.0, age + (rnd() - 0.5) * 10)
                s_home = home if rnd() < 0.6 else people.OTHER_AREAS[int(rnd() * len(people.OTHER_AREAS))]
                s_name, s_id, _, _ = self._person(rng, s_home, s_age, s_age, s_gender)
                rels.append((cust_no, "SPOUSE", s_name, s_id, people.mobile(rng)))
            has_credit = self._individual_accounts(rng, cust_no, org_id, open_dt, aum, status)
            if has_credit or aum >= 50_000_000:
                ratings.append((cust_no, self._rating(rnd, has_credit == "O"), self._recent_day(rnd)))
            if len(rows) >= BATCH:
                yield schema.cust_indv, rows
                rows = []
        yield schema.cust_indv, rows
        yield schema.indv_rel, rels
        yield schema.cust_rating, ratings

    def _recent_day(self, rnd: Callable[[], float]) -> str:
        return (self.p.as_of - timedelta(days=int(rnd() * 365))).isoformat()

    @staticmethod
    def _rating(rnd: Callable[[], float], overdue: bool) -> str:
        if overdue:
            return ("BB", "B", "CCC", "CC", "C")[int(rnd() * 5)]
        r = rnd()
        for bound, rating in ((0.05, "AAA"), (0.20, "AA"), (0.50, "A"), (0.80, "BBB"), (0.92, "BB")):
            if r < bound:
                return rating
        return "B"

    def _activity(self, rng: random.Random, aum: int, status: str) -> float:
        a = LOGN_1[int(rng.random() * len(LOGN_1))] * (
            1.0 + 0.25 * math.log10(max(aum, 1_000_000) / 1_000_000)
        )
        return 0.0 if status == "C" else a * 0.03 if status == "D" else a

    def _individual_accounts(
        self, rng: random.Random, cust_no: str, org_id: str, open_dt: date, aum: int, status: str
    ) -> str | None:
        """Open the individual's accounts; returns 'O' if a credit product is overdue, 'Y' if any, else None."""
        rnd = rng.random
        act = self._activity(rng, aum, status)
        acct_status = "C" if status == "C" else "N"
        rich = aum >= 50_000_000
        shares = {"DMD": 0.25 + 0.75 * rnd()}
        if aum >= 1_000_000 and rnd() < (0.7 if rich else 0.3):
            shares["TD"] = rnd()
        if aum >= 3_000_000 and rnd() < (0.85 if rich else 0.3):
            shares["WM"] = rnd()
        if aum >= 1_000_000 and rnd() < (0.6 if rich else 0.2):
            shares["FUND"] = rnd() * 0.6
        total = sum(shares.values())
        dmd = self._open_account(
            "DMD001" if rnd() < 0.5 else "DMD002",
            "DMD",
            cust_no,
            org_id,
            open_dt,
            target=max(int(aum * shares["DMD"] / total), 100),
            weight=act,
            status=acct_status,
        )
        peer = self.acc.no[dmd]
        self.acc.peer[dmd] = peer
        if act > 0 and rnd() < self.p_salary:
            self._schedule_salary(rng, dmd, aum)
        for ptype, share in shares.items():
            if ptype == "DMD":
                continue
            target = max(int(aum * share / total) // 100_000 * 100_000, 100_000)
            since = open_dt
            if ptype == "TD":
                prod_cd, months = _TD_TERMS[int(rnd() * len(_TD_TERMS))]
                mature = self.p.as_of + timedelta(days=1 + int(rnd() * months * 30.4))
                o = min(max(add_months(mature, -months), since), self.p.as_of)
                self._open_account(
                    prod_cd,
                    "TD",
                    cust_no,
                    org_id,
                    o,
                    target=target,
                    weight=0.0,
                    mature_dt=add_months(o, months),
                    status=acct_status,
                    peer=peer,
                )
            elif ptype == "WM":
                prod_cd = ("WM001", "WM002", "WM003")[int(rnd() * 3)]
                o = self._open_date(rnd, since, 0.2)
                mature = self.p.as_of + timedelta(days=1 + int(rnd() * 365)) if prod_cd == "WM003" else None
                self._open_account(
                    prod_cd,
                    "WM",
                    cust_no,
                    org_id,
                    o,
                    target=target,
                    weight=act * 0.05,
                    mature_dt=mature,
                    status=acct_status,
                    peer=peer,
                )
            else:
                prod_cd = ("FD001", "FD002", "FD003")[int(rnd() * 3)]
                o = self._open_date(rnd, since, 0.2)
                self._open_account(
                    prod_cd,
                    "FUND",
                    cust_no,
                    org_id,
                    o,
                    target=target,
                    weight=act * 0.05,
                    status=acct_status,
                    peer=peer,
                )
        credit: str | None = None
        if status != "C" and rnd() < 0.07:
            age_ok = rnd() < 0.6
            if age_ok:
                principal = (
                    int(min(max(300_000, 1_000_000 * LOGN_1[int(rnd() * 4096)] ** 0.6), 8_000_000)) * 100
                )
                loan = self._loan(
                    rng,
                    cust_no,
                    org_id,
                    open_dt,
                    "LN001",
                    principal // 10_000 * 10_000,
                    (120, 240, 360)[int(rnd() * 3)],
                    peer,
                )
            else:
                principal = int(min(max(20_000, 80_000 * LOGN_1[int(rnd() * 4096)] ** 0.6), 500_000)) * 100
                loan = self._loan(
                    rng,
                    cust_no,
                    org_id,
                    open_dt,
                    ("LN002", "LN003")[int(rnd() * 2)],
                    principal // 10_000 * 10_000,
                    (12, 24, 36)[int(rnd() * 3)],
                    peer,
                )
            credit = "O" if self.acc.static[loan][8] == "O" else "Y"
        if status != "C" and rnd() < (0.6 if rich else 0.25):
            limit = 10_000_00
            for bound, lim in ((50_000_000, 500_000_00), (10_000_000, 100_000_00), (2_000_000, 50_000_00)):
                if aum >= bound:
                    limit = lim
                    break
            if aum >= 600_000_000:
                limit = 1_000_000_00
            overdue = rnd() < 0.03
            prod_cd = "CC003" if limit >= 500_000_00 else "CC002" if limit >= 50_000_00 else "CC001"
            o = self._open_date(rnd, open_dt, 0.08)
            self._open_account(
                prod_cd,
                "CARD",
                cust_no,
                org_id,
                o,
                target=limit // 5,
                weight=act * 0.6,
                limit=limit,
                repay_status="O" if overdue else "N",
                overdue_times=1 + int(rnd() * 3) if overdue else 0,
                start_bal=int(limit * rnd() * 0.4),
                peer=peer,
            )
            credit = "O" if overdue or credit == "O" else "Y"
        return credit

    def _schedule_salary(self, rng: random.Random, dmd: int, aum: int) -> None:
        rnd = rng.random
        monthly = min(
            max(3_000.0, 7_000 * (max(aum, 100) / 1_500_000) ** 0.25 * LOGN_1[int(rnd() * 4096)] ** 0.4),
            300_000.0,
        )
        self.salary[dmd] = int(monthly) * 100
        pay_day = (5, 10, 15, 20, 25)[int(rnd() * 5)]
        open_day = self.acc.open_day[dmd]
        d = date(self.start.year, self.start.month, pay_day)
        while d <= self.p.as_of:
            index = (d - self.start).days
            if index > open_day and index >= 0:
                self.sched[index].append(dmd << 3 | EV_SALARY)
            d = add_months(d, 1).replace(day=pay_day)

    def _corporates(self, n: int) -> Iterator[tuple[Table, list[tuple]]]:
        rng = random.Random(f"{self.p.seed}:corp")
        rnd = rng.random
        as_of = self.p.as_of
        rows: list[tuple] = []
        links: list[tuple] = []
        ratings: list[tuple] = []
        ln_median = math.log(300_000)
        group: tuple[str, str, int] | None = None  # (parent cust_no, brand, members left)
        for i in range(n):
            cust_no = f"20{i + 1:08d}"
            org_id, city, area, _ = self._sub(rnd)
            industry, stems = people.INDUSTRIES[int(rnd() * len(people.INDUSTRIES))]
            stem = stems[int(rnd() * len(stems))]
            aum = min(int(math.exp(ln_median + 2.2 * rng.gauss(0.0, 1.0)) * 100), 20_000_000_000_00)
            if group is not None and group[2] > 0:
                parent, brand_name, left = group
                group = (parent, brand_name, left - 1)
                name = people.company_name(rng, city, brand_name, stem)
                pct = 100.0 if rnd() < 0.3 else round(30 + rnd() * 70, 4)
                links.append((parent, cust_no, pct))
            elif rnd() < 0.06 and i < n - 1:
                brand_name = people.brand(rng)
                name = f"{city}{brand_name}{'集团' if rnd() < 0.6 else '控股'}有限公司"
                group = (cust_no, brand_name, 1 + int(rnd() * 5))
                aum *= 3
            else:
                group = None
                name = people.company_name(rng, city, people.brand(rng), stem)
            while name in self.corp_names:
                name = name.replace("有限公司", "") + people.brand(rng)[0] + "有限公司"
            self.corp_names.add(name)
            found = as_of - timedelta(days=int(365 * (1 + 30 * rnd() ** 1.5)))
            rep_name, rep_id, _, _ = self._person(rng, area, 30, 65)
            fin_name = people.person_name(rng, "F" if rnd() < 0.6 else "M")
            controller = rep_name if rnd() < 0.7 else people.person_name(rng, "M" if rnd() < 0.7 else "F")
            r = rnd()
            status = "C" if r < 0.02 else "D" if r < 0.06 else "A"
            open_dt = self._open_date(rnd, max(found, date(2003, 1, 1)), 0.06)
            rm_list = self.rms[org_id] if rnd() < 0.8 else self.rms[org_id[:2] + "00"]
            rows.append(
                (
                    cust_no,
                    name,
                    people.uscc(rng, area),
                    industry,
                    found.isoformat(),
                    rep_name,
                    rep_id,
                    people.mobile(rng),
                    fin_name,
                    people.mobile(rng),
                    controller,
                    org_id,
                    rm_list[int(rnd() * len(rm_list))],
                    open_dt.isoformat(),
                    status,
                    self._ts_between(rnd, open_dt),
                )
            )
            overdue = self._corporate_accounts(rng, cust_no, org_id, open_dt, aum, status)
            ratings.append((cust_no, self._rating(rnd, overdue), self._recent_day(rnd)))
            if len(rows) >= BATCH:
                yield schema.cust_corp, rows
                rows = []
        yield schema.cust_corp, rows
        yield schema.corp_rel, links
        yield schema.cust_rating, ratings

    def _corporate_accounts(
        self, rng: random.Random, cust_no: str, org_id: str, open_dt: date, aum: int, status: str
    ) -> bool:
        rnd = rng.random
        act = self._activity(rng, aum, status) * 3
        acct_status = "C" if status == "C" else "F" if rnd() < 0.005 else "N"
        shares = [0.3 + 0.7 * rnd()]
        if rnd() < 0.25:
            shares.append(0.3 * rnd())  # a general account (一般户) at another level of activity
        td_share = rnd() if aum >= 10_000_000 and rnd() < 0.4 else 0.0
        wm_share = rnd() if aum >= 50_000_000 and rnd() < 0.3 else 0.0
        total = sum(shares) + td_share + wm_share
        peer = None
        for k, share in enumerate(shares):
            index = self._open_account(
                "DMD101" if k == 0 else "DMD102",
                "DMD",
                cust_no,
                org_id,
                open_dt if k == 0 else self._open_date(rnd, open_dt, 0.1),
                target=max(int(aum * share / total), 1_000),
                weight=act * (1.0 if k == 0 else 0.3),
                status=acct_status,
            )
            peer = peer or self.acc.no[index]
            self.acc.peer[index] = peer
        if td_share:
            target = max(int(aum * td_share / total) // 1_000_000 * 1_000_000, 1_000_000)
            mature = self.p.as_of + timedelta(days=1 + int(rnd() * 365))
            self._open_account(
                "TD112",
                "TD",
                cust_no,
                org_id,
                max(add_months(mature, -12), open_dt),
                target=target,
                weight=0.0,
                mature_dt=mature,
                status=acct_status,
                peer=peer,
            )
        if wm_share:
            target = max(int(aum * wm_share / total) // 1_000_000 * 1_000_000, 1_000_000)
            self._open_account(
                "WM101",
                "WM",
                cust_no,
                org_id,
                self._open_date(rnd, open_dt, 0.2),
                target=target,
                weight=act * 0.05,
                status=acct_status,
                peer=peer,
            )
        overdue = False
        if status != "C" and rnd() < 0.4:
            principal = max(int(aum * (0.5 + 2.5 * rnd())) // 1_000_000 * 1_000_000, 50_000_000)
            prod_cd, months = (
                ("LN101", (12, 24, 36)[int(rnd() * 3)])
                if rnd() < 0.7
                else ("LN102", (36, 60)[int(rnd() * 2)])
            )
            loan = self._loan(rng, cust_no, org_id, open_dt, prod_cd, principal, months, peer)
            overdue = self.acc.static[loan][8] == "O"
        return overdue

    # ------------------------------------------------------------------ transactions
    def transactions(self, progress: Progress) -> Iterator[tuple[Table, list[tuple]]]:
        p = self.p
        acc = self.acc
        rng = random.Random(f"{p.seed}:txn")
        rnd = rng.random
        scheduled = sum(len(day) for day in self.sched)
        if scheduled > p.transactions:  # tiny sizes: keep the earliest scheduled events only
            keep = p.transactions
            for day in self.sched:
                del day[max(keep, 0) :]
                keep -= len(day)
            scheduled = p.transactions
        weights = []
        for d in range(p.days):
            day = self.start + timedelta(days=d)
            weights.append((0.65 if day.weekday() >= 5 else 1.0) * (1.1 if day.day >= 25 else 1.0))
        random_per_day = _allocate(p.transactions - scheduled, weights)
        cum = list(accumulate(acc.weight))
        if cum and cum[-1] <= 0 and sum(random_per_day):
            raise ValueError("no active account to post transactions to")
        n_acct = len(acc.no)
        no, kind, bal, target, open_day, limit, peer, last_ts = (
            acc.no,
            acc.kind,
            acc.bal,
            acc.target,
            acc.open_day,
            acc.limit,
            acc.peer,
            acc.last_ts,
        )
        logn = LOGN_1
        nl = len(logn)
        merchants = people.MERCHANTS
        cps = _counterparties(random.Random(f"{p.seed}:cp"))
        ncp = len(cps)
        salary, installment, final_due = self.salary, self.installment, self.final_due
        txns: list[tuple] = []
        hist: list[tuple] = [
            (no[a], self.snapshot_day, money(bal[a])) for a in range(n_acct) if open_day[a] < 0
        ]
        txn_no = 0
        for d in range(p.days):
            ds = (self.start + timedelta(days=d)).isoformat()
            codes = []
            for code in self.sched[d]:
                codes.append(
                    (business_second(rnd) if code & 7 != EV_REPAY else 3600 + int(rnd() * 3600)) << 32 | code
                )
            n_random = random_per_day[d]
            if n_random:
                picks = rng.choices(range(n_acct), cum_weights=cum, k=n_random)
                for a in picks:
                    tries = 0
                    while open_day[a] >= d and tries < 50:  # not open yet (or opens today): pick again
                        a = rng.choices(range(n_acct), cum_weights=cum)[0]
                        tries += 1
                    codes.append(business_second(rnd) << 32 | a << 3 | EV_RANDOM)
            codes.sort()
            touched: dict[int, None] = {}
            for code in codes:
                sec = code >> 32
                a = (code & 0xFFFFFFFF) >> 3
                ev = code & 7
                k = kind[a]
                b = bal[a]
                cash = "N"
                cp_name = cp_acct = None
                if ev == EV_RANDOM:
                    t = target[a]
                    if k == DMD:
                        credit_p = 0.64 if b < t * 0.6 else 0.34 if b > t * 1.6 else 0.49
                        amt = int(max(t * 0.05, 5_000) * logn[int(rnd() * nl)])
                        r = rnd()
                        if rnd() < credit_p or b < 1_000:
                            dc = "C"
                            if r < 0.12 and amt <= 5_000_000:
                                ch, cash, memo = ("ATM" if r < 0.07 else "CTR"), "Y", "现金存入"
                                amt = max(amt // 10_000 * 10_000, 10_000)
                            else:
                                ch = "MOB" if r < 0.6 else "NET" if r < 0.85 else "CTR"
                                cp = cps[int(rnd() * ncp)]
                                cp_name, cp_acct, memo = cp[0], cp[1], cp[2]
                        else:
                            dc = "D"
                            if amt > b:
                                amt = int(b * (0.2 + 0.7 * rnd()))
                            if r < 0.3 and amt <= 500_000:
                                ch, memo = "POS", "消费"
                                cp_name, cp_acct = merchants[int(rnd() * len(merchants))], None
                            elif r < 0.42 and 10_000 <= amt <= 2_000_000:
                                ch, cash, memo = "ATM", "Y", "ATM取款"
                                amt = amt // 10_000 * 10_000
                            elif r < 0.48 and amt >= 10_000:
                                ch, cash, memo = "CTR", "Y", "柜面取现"
                                amt = amt // 10_000 * 10_000
                            else:
                                ch = "MOB" if r < 0.8 else "NET" if r < 0.93 else "CTR"
                                cp = cps[int(rnd() * ncp)]
                                cp_name, cp_acct, memo = cp[0], cp[1], cp[3]
                            if amt <= 0:
                                amt = 1
                                if b < 1:
                                    dc, ch, cash, memo, cp_name, cp_acct = "C", "MOB", "N", "利息", None, None
                    elif k == CARD:
                        if b > 0 and rnd() < 0.2:
                            dc, ch, memo = "C", ("MOB" if rnd() < 0.7 else "NET"), "信用卡还款"
                            amt = b if rnd() < 0.6 else max(int(b * (0.1 + 0.4 * rnd())), 1)
                            cp_name, cp_acct = "本人还款", peer[a]
                        else:
                            room = limit[a] - b
                            amt = int(max(t * 0.03, 2_000) * logn[int(rnd() * nl)])
                            if amt > room:
                                amt = int(room * rnd())
                            if amt < 100:
                                dc, ch, memo, amt = "C", "MOB", "信用卡还款", max(b, 1) if b > 0 else 1
                                cp_name, cp_acct = "本人还款", peer[a]
                                if b <= 0:
                                    dc, memo, cp_name, cp_acct = "D", "年费", None, None
                            else:
                                dc, memo = "D", "消费"
                                ch = "POS" if rnd() < 0.7 else "NET"
                                cp_name = merchants[int(rnd() * len(merchants))]
                    else:  # WM / FUND: purchases and redemptions against the customer's demand account
                        credit_p = 0.7 if b < t * 0.7 else 0.3 if b > t * 1.3 else 0.5
                        amt = max(int(t * (0.05 + 0.25 * rnd())) // 100_000 * 100_000, 100_000)
                        buy = "理财申购" if k == WM else "基金申购"
                        if rnd() < credit_p or b <= 0:
                            dc, memo = "C", buy
                        else:
                            dc, memo = "D", "理财赎回" if k == WM else "基金赎回"
                            amt = min(amt, b)
                        ch = "MOB" if rnd() < 0.6 else "NET" if rnd() < 0.7 else "CTR"
                        cp_name, cp_acct = "本人账户", peer[a]
                elif ev == EV_OPEN:
                    ch = "CTR"
                    if k == LOAN:
                        dc, amt, memo = "D", target[a], "贷款发放"
                        cp_name, cp_acct = "贷款入账", peer[a]
                    else:
                        dc, amt = "C", target[a]
                        memo = {DMD: "开户存入", TD: "定期存入", WM: "理财申购", FUND: "基金申购"}[k]
                        if k == DMD:
                            cash = "Y" if amt <= 5_000_000 else "N"
                        else:
                            cp_name, cp_acct = "本人账户", peer[a]
                elif ev == EV_SALARY:
                    dc, ch, memo, amt = "C", "NET", "代发工资", salary[a]
                    cp = cps[(a * 7919) % ncp]
                    cp_name, cp_acct = cp[4], cp[5]
                else:  # EV_REPAY
                    dc, ch, memo = "C", "NET", "贷款自动还款"
                    amt = b if d == final_due[a] else min(installment[a], b)
                    if amt <= 0:
                        continue
                    cp_name, cp_acct = "本人账户", peer[a]
                if k >= LOAN:
                    b = b + amt if dc == "D" else b - amt
                else:
                    b = b + amt if dc == "C" else b - amt
                bal[a] = b
                txn_no += 1
                ts = ds + _TOD[sec]
                last_ts[a] = ts
                touched[a] = None
                txns.append(
                    (f"{txn_no:014d}", no[a], ts, dc, amt / 100, b / 100, ch, cash, cp_name, cp_acct, memo)
                )
            for a in touched:
                hist.append((no[a], ds, bal[a] / 100))
            if len(txns) >= BATCH:
                yield schema.txn, txns
                txns = []
            if len(hist) >= BATCH:
                yield schema.acct_bal_hist, hist
                hist = []
            if d % 30 == 29:
                progress(f"交易模拟 transactions: day {d + 1}/{p.days}, {txn_no:,} rows")
        yield schema.txn, txns
        yield schema.acct_bal_hist, hist
        self.txn_count = txn_no

    def accounts(self) -> Iterator[tuple[Table, list[tuple]]]:
        acc = self.acc
        rows: list[tuple] = []
        for a, static in enumerate(acc.static):
            upd = acc.last_ts[a] or static[4] + " 10:00:00.000000"
            rows.append(static[:7] + (acc.bal[a] / 100,) + static[7:] + (upd,))
            if len(rows) >= BATCH:
                yield schema.acct, rows
                rows = []
        yield schema.acct, rows


def _counterparties(rng: random.Random, n: int = 4_000) -> list[tuple[str, str, str, str, str, str]]:
    """(name, account, credit memo, debit memo, employer, employer account) pool for transfers."""
    out = []
    cities = [b.city for b in people.BRANCHES]
    credit_memos = ("转账", "转账", "货款", "退款", "还款", "红包", "租金收入")
    debit_memos = ("转账", "转账", "房租", "还款", "货款", "缴费", "学费", "保险费")
    for _ in range(n):
        rnd = rng.random
        if rnd() < 0.6:
            name = people.person_name(rng, "M" if rnd() < 0.5 else "F")
        else:
            _, stems = people.INDUSTRIES[int(rnd() * len(people.INDUSTRIES))]
            name = people.company_name(
                rng, cities[int(rnd() * len(cities))], people.brand(rng), stems[int(rnd() * len(stems))]
            )
        _, stems = people.INDUSTRIES[int(rnd() * len(people.INDUSTRIES))]
        employer = people.company_name(
            rng, cities[int(rnd() * len(cities))], people.brand(rng), stems[int(rnd() * len(stems))]
        )
        out.append(
            (
                name,
                f"6{int(rnd() * 10**18):018d}",
                credit_memos[int(rnd() * len(credit_memos))],
                debit_memos[int(rnd() * len(debit_memos))],
                employer,
                f"4{int(rnd() * 10**15):015d}",
            )
        )
    return out


# ------------------------------------------------------------------------------------------------ driver


def _noop(_: str) -> None:
    pass


async def generate(
    url: str | URL, params: GenParams, *, force: bool = False, progress: Progress = _noop
) -> GenSummary:
    """Fill ``url`` with a generated bank. Without ``force`` an already generated source is left alone."""
    started = time.perf_counter()
    summary = GenSummary()
    if not force and await bulk.has_data(url):
        summary.skipped = True
        return summary
    builder = _Builder(params)
    writer = bulk.writer_for(url)
    await writer.begin(force)
    try:
        phases = (
            ("机构与员工 org/staff/products", builder.orgs()),
            ("客户与账户 customers/accounts", builder.customers()),
            ("交易 transactions", builder.transactions(progress)),
            ("账户 accounts", builder.accounts()),
        )
        for label, batches in phases:
            progress(f"{label} …")
            for table, rows in batches:
                await writer.write(table, rows)
                summary.add(table.name, len(rows))
        progress("建立索引 building indexes …")
        await writer.finish()
    except BaseException:
        await writer.abort()
        raise
    summary.seconds = time.perf_counter() - started
    return summary


# ------------------------------------------------------------------------------------------------ append


@dataclass
class AppendSummary:
    transactions: int
    customers: int
    first_txn_id: str | None
    last_txn_id: str | None


def branch_area(org_id: str) -> tuple[str, str]:
    """(city, area code) of a generated sub-branch id ``BBSS``."""
    branch = people.BRANCHES[int(org_id[:2]) - 1]
    return branch.city, branch.districts[max(int(org_id[2:]), 1) - 1][1]


async def append(
    url: str | URL, *, transactions: int, customers: int = 0, seed: int = 0, at: datetime | None = None
) -> AppendSummary:
    """Add exactly ``transactions`` txn rows and ``customers`` new customers (one demand account each).

    Deterministic from ``seed`` and the source's current state. Times start at ``at`` (naive business time) or
    one minute after the newest transaction and advance 1-90 s per transaction. When ``transactions`` ≥
    ``customers`` the first transactions are the new accounts' opening deposits (lognormal, so some newcomers
    are key customers); the rest are everyday transactions on existing accounts.
    """
    from sqlalchemy import func, insert, select

    from kam_demobank import posting as post

    engine = bulk.async_engine(url)
    try:
        async with engine.begin() as conn:
            seq = await post.next_txn_seq(conn)
            rng = random.Random(f"{seed}:append:{seq}")
            rnd = rng.random
            last = await post.last_txn_ts(conn)
            ts = at or (last + timedelta(minutes=1) if last else datetime(2026, 1, 1, 9))
            existing = await post.postable_accounts(conn, types=("DMD", "CARD"))
            postings: list[post.Posting] = []
            if customers:
                subs = [
                    r.org_id
                    for r in await conn.execute(
                        select(schema.org.c.org_id)
                        .where(schema.org.c.org_level == "S")
                        .order_by(schema.org.c.org_id)
                    )
                ]
                rms = {}
                for r in await conn.execute(
                    select(schema.staff.c.staff_id, schema.staff.c.org_id)
                    .where(schema.staff.c.post == "RM")
                    .order_by(schema.staff.c.staff_id)
                ):
                    rms.setdefault(r.org_id, []).append(r.staff_id)
                max_indv = (
                    await conn.execute(select(func.max(schema.cust_indv.c.cust_no)))
                ).scalar() or "1000000000"
                max_corp = (
                    await conn.execute(select(func.max(schema.cust_corp.c.cust_no)))
                ).scalar() or "2000000000"
                acct_seq = int(
                    (await conn.execute(select(func.max(func.substr(schema.acct.c.acct_no, 3))))).scalar()
                    or 0
                )
                indv_no, corp_no = int(max_indv), int(max_corp)
                day = ts.date()
                for k in range(customers):
                    org_id = subs[int(rnd() * len(subs))]
                    city, area = branch_area(org_id)
                    rm_list = rms.get(org_id) or [None]
                    rm_id = rm_list[int(rnd() * len(rm_list))]
                    stamp = ts
                    if rnd() < 0.9:
                        indv_no += 1
                        cust_no = str(indv_no)
                        gender = "M" if rnd() < 0.5 else "F"
                        birth = day - timedelta(days=int((20 + 45 * rnd()) * 365.25))
                        await conn.execute(
                            insert(schema.cust_indv).values(
                                cust_no=cust_no,
                                cust_name=people.person_name(rng, gender),
                                id_no=people.resident_id(rng, area, birth, gender),
                                birth_dt=birth,
                                gender=gender,
                                mobile=people.mobile(rng),
                                org_id=org_id,
                                rm_id=rm_id,
                                open_dt=day,
                                cust_status="A",
                                upd_ts=stamp,
                            )
                        )
                        prod_cd, deposit = (
                            "DMD002",
                            int(math.exp(math.log(20_000) + 2.0 * rng.gauss(0, 1)) * 100),
                        )
                    else:
                        corp_no += 1
                        cust_no = str(corp_no)
                        industry, stems = people.INDUSTRIES[int(rnd() * len(people.INDUSTRIES))]
                        rep_gender = "M" if rnd() < 0.7 else "F"
                        rep_birth = day - timedelta(days=int((30 + 30 * rnd()) * 365.25))
                        rep = people.person_name(rng, rep_gender)
                        await conn.execute(
                            insert(schema.cust_corp).values(
                                cust_no=cust_no,
                                corp_name=people.company_name(
                                    rng, city, people.brand(rng), stems[int(rnd() * len(stems))]
                                ),
                                uscc=people.uscc(rng, area),
                                industry=industry,
                                found_dt=day - timedelta(days=int(365 * (1 + 20 * rnd()))),
                                legal_rep=rep,
                                legal_rep_id_no=people.resident_id(rng, area, rep_birth, rep_gender),
                                legal_rep_mobile=people.mobile(rng),
                                fin_contact=people.person_name(rng, "F"),
                                fin_contact_mobile=people.mobile(rng),
                                controller=rep,
                                org_id=org_id,
                                rm_id=rm_id,
                                open_dt=day,
                                cust_status="A",
                                upd_ts=stamp,
                            )
                        )
                        prod_cd, deposit = (
                            "DMD101",
                            int(math.exp(math.log(300_000) + 2.2 * rng.gauss(0, 1)) * 100),
                        )
                    acct_seq += 1
                    acct_no = f"62{acct_seq:014d}"
                    await conn.execute(
                        insert(schema.acct).values(
                            acct_no=acct_no,
                            cust_no=cust_no,
                            prod_cd=prod_cd,
                            org_id=org_id,
                            open_dt=day,
                            acct_status="N",
                            cur_bal=0,
                            overdue_times=0,
                            upd_ts=stamp,
                        )
                    )
                    if len(postings) < transactions:
                        ts += timedelta(seconds=1 + int(rnd() * 90))
                        postings.append(
                            post.Posting(
                                acct_no,
                                ts,
                                "C",
                                max(deposit, 100),
                                "CTR",
                                cash="Y" if deposit <= 5_000_000 else "N",
                                memo="开户存入",
                            )
                        )
            while len(postings) < transactions:
                if not existing:
                    raise ValueError("the source has no account to post to")
                ts += timedelta(seconds=1 + int(rnd() * 90))
                account = existing[int(rnd() * len(existing))]
                postings.append(post.everyday_posting(rng, account, ts))
                # later postings see this one's effect on the balance
                sign = 1 if (postings[-1].dc == "C") != account.liability else -1
                account.bal += sign * postings[-1].amt
            # apply() starts again from the stored balances (the look-ahead above only kept amounts valid)
            rows = (
                await post.apply(
                    conn, await post.load_accounts(conn, list({p.acct_no for p in postings})), postings
                )
                if postings
                else []
            )
    finally:
        await engine.dispose()
    return AppendSummary(
        len(rows), customers, rows[0]["txn_id"] if rows else None, rows[-1]["txn_id"] if rows else None
    )
