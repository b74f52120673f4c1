"""CROSS_SELLING and TIER_DISTRIBUTION count in SQL — customers per set of held product types, per pair of tiers (and
per branch) — instead of reading a row per customer into Python; what they show must be what the plain computation
over every customer gives, on SQLite and PostgreSQL, for each dimension and filter and for a branch manager's scope.

The reference reads the facts plainly: a customer holds a product type when one of their accounts of that type is
open at the end of the period (opened on or before it or without a date, not closed by it, not CLOSED); a
customer's tier on a day is their latest tier span starting before that day's end in bank time, none without one.
"""

from __future__ import annotations

import contextlib
import random
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
from kam_devkit.testing import migrated_database
from kam_kit.db import Database
from kam_kit.scope import EVERYTHING, DataScope
from kam_report.adapters.orm import AccountFact, Base, CustomerFact, OrgUnitCopy, TierSpan
from kam_report.bootstrap import MIGRATIONS
from kam_report.domain.tables import Query
from kam_report.service_layer import reports
from kam_report.service_layer.store import BANK_TZ

END = date(2026, 11, 30)
START = END - timedelta(days=89)
NOW = datetime(2026, 12, 1, tzinfo=UTC)
#: 总行 → two branches → two sub-branches each
UNITS = [("HQ", None), ("B1", "HQ"), ("B2", "HQ"), ("B11", "B1"), ("B12", "B1"), ("B21", "B2"), ("B22", "B2")]
TIERS = ("tiers/private-banking", "tiers/diamond", "tiers/gold", "")
#: the six product types and one the reports do not know
KINDS = (*reports.PRODUCT_TYPES, "SAFE_DEPOSIT_BOX")


def _bank(seed: int) -> tuple[list[dict], list[dict], list[dict]]:
    rng = random.Random(seed)
    customers, accounts, spans = [], [], []
    for n in range(80):
        name = f"customers/c{n:03d}"
        customers.append(
            {
                "customer": name,
                "type": rng.choice(["INDIVIDUAL", "CORPORATE"]),
                "create_time": NOW,
                "update_time": NOW,
                # some outside the tree, some on no branch at all
                "branch": rng.choice(["orgUnits/" + u for u, _ in UNITS] + ["orgUnits/ELSEWHERE", ""]),
                "relationship_manager": rng.choice(["staff/E1", "staff/E2", ""]),
            }
        )
        for k in range(rng.randint(0, 4)):  # some hold nothing at all
            accounts.append(
                {
                    "account": f"{name}/accounts/{k}",
                    "customer": name,
                    "type": rng.choice(KINDS),
                    "product": "P",
                    "state": rng.choice(["ACTIVE", "ACTIVE", "ACTIVE", "DORMANT", "CLOSED"]),
                    "open_date": None if rng.random() < 0.1 else END + timedelta(days=rng.randint(-300, 5)),
                    "close_date": END + timedelta(days=rng.randint(-30, 30)) if rng.random() < 0.2 else None,
                    "update_time": NOW,
                }
            )
        for _ in range(rng.randint(0, 3)):  # moves before, inside and after the period, back to none too
            moment = datetime.combine(END + timedelta(days=rng.randint(-200, 3)), time(rng.randint(0, 23)))
            spans.append(
                {"customer": name, "valid_from": moment.replace(tzinfo=BANK_TZ), "tier": rng.choice(TIERS)}
            )
    unique = {(s["customer"], s["valid_from"]): s for s in spans}
    return customers, accounts, list(unique.values())


@contextlib.asynccontextmanager
async def _store(database_url: str, customers, accounts, spans) -> AsyncIterator[Database]:
    async with migrated_database(database_url, MIGRATIONS, Base.metadata) as db:
        async with db.transaction() as session:
            session.add_all(OrgUnitCopy(id=u, parent_id=p, display_name=f"机构{u}") for u, p in UNITS)
            session.add_all([CustomerFact(**c) for c in customers] + [AccountFact(**a) for a in accounts])
            session.add_all(TierSpan(**s) for s in spans)
        yield db


BRANCH_MANAGER = DataScope(
    everything=False, branches=frozenset({"orgUnits/B1", "orgUnits/B11", "orgUnits/B12"})
)


def _below(unit: str) -> set[str]:
    """``unit`` and the units under it, as resource names."""
    return {"orgUnits/" + unit} | {b for u, p in UNITS if p == unit for b in _below(u)}


def _selected(customers: list[dict], scope: DataScope, org_units: tuple[str, ...] = ()) -> list[dict]:
    chosen = set().union(*(_below(u.removeprefix("orgUnits/")) for u in org_units)) if org_units else None
    return [
        c
        for c in customers
        if (scope.everything or c["branch"] in scope.branches) and (chosen is None or c["branch"] in chosen)
    ]


def _held(customers: list[dict], accounts: list[dict]) -> dict[str, set[str]]:
    chosen = {c["customer"] for c in customers}
    held: dict[str, set[str]] = defaultdict(set)
    for a in accounts:
        open_ = (a["open_date"] is None or a["open_date"] <= END) and (
            a["close_date"] is None or a["close_date"] > END
        )
        if a["customer"] in chosen and open_ and a["state"] != "CLOSED":
            held[a["customer"]].add(a["type"])
    return held


def _tier_on(spans: list[dict], customer: str, day: date) -> str:
    moment = datetime.combine(day + timedelta(days=1), time(0), tzinfo=BANK_TZ)
    before = [s for s in spans if s["customer"] == customer and s["valid_from"] < moment]
    return max(before, key=lambda s: s["valid_from"])["tier"] if before else ""


CASES = [
    pytest.param(EVERYTHING, (), (), id="head-office"),
    pytest.param(EVERYTHING, ("WEALTH", "LOAN", "DEMAND_DEPOSIT"), (), id="products"),
    pytest.param(EVERYTHING, (), ("orgUnits/B1",), id="one-branch"),
    pytest.param(BRANCH_MANAGER, (), (), id="branch-manager"),
]


@pytest.mark.parametrize("seed", [31, 32])
@pytest.mark.parametrize(("scope", "products", "org_units"), CASES)
async def test_cross_selling_counted_per_set_of_products_is_the_plain_computation(
    database_url, seed, scope, products, org_units
) -> None:
    customers, accounts, spans = _bank(seed)
    held = _held(_selected(customers, scope, org_units), accounts)
    kinds = [k for k in reports.PRODUCT_TYPES if not products or k in products]
    query = Query(start=START, end=END, scope=scope, products=products, org_units=org_units)
    async with _store(database_url, customers, accounts, spans) as db, db.read() as session:
        matrix = await reports.cross_selling(session, query)
        holdings = await reports.cross_selling(session, replace(query, dimension="holdings"))
    expected = []
    for kind in kinds:
        holders = [types for types in held.values() if kind in types]
        shares = [reports.rate(sum(1 for t in holders if other in t), len(holders)) for other in kinds]
        expected.append((reports.PRODUCT_NAMES[kind], len(holders), *shares))
    assert [row.values for row in matrix.rows] == expected
    per_count: dict[int, int] = defaultdict(int)
    for types in held.values():
        per_count[len([t for t in types if t in kinds])] += 1
    assert {row.values[0]: row.values[1] for row in holdings.rows} == {
        f"持有{n}类产品": count for n, count in per_count.items()
    }
    assert holdings.totals.values[1] == len(held)


@pytest.mark.parametrize("seed", [41, 42])
@pytest.mark.parametrize(
    ("scope", "tiers"), [(EVERYTHING, ()), (EVERYTHING, ("tiers/gold",)), (BRANCH_MANAGER, ())]
)
async def test_tier_migration_counted_per_pair_of_tiers_is_the_plain_computation(
    database_url, seed, scope, tiers
) -> None:
    customers, accounts, spans = _bank(seed)
    before = {c["customer"]: _tier_on(spans, c["customer"], START - timedelta(days=1)) for c in customers}
    after = {c["customer"]: _tier_on(spans, c["customer"], END) for c in customers}
    chosen = [
        c["customer"]
        for c in _selected(customers, scope)
        if not tiers or before[c["customer"]] in tiers or after[c["customer"]] in tiers
    ]
    query = Query(start=START, end=END, scope=scope, tiers=tiers)
    async with _store(database_url, customers, accounts, spans) as db, db.read() as session:
        table = await reports.tier_distribution(session, query)
        by_unit = await reports.tier_distribution(session, replace(query, dimension="org_unit"))
        labels = await reports.tier_labels(session)
    keys = [column.key for column in table.columns]
    got = {row.values[0]: dict(zip(keys, row.values, strict=True)) for row in table.rows}
    label = {t: reports.tier_label(labels, t) for t in TIERS}
    seen = {t for c in chosen for t in (before[c], after[c]) if t}
    assert set(got) == {label[t] for t in seen} | {label[""]}
    for t in [*seen, ""]:
        row = got[label[t]]
        assert row["start_count"] == sum(1 for c in chosen if before[c] == t)
        assert row["end_count"] == sum(1 for c in chosen if after[c] == t)
        for other in [*seen, ""]:
            column = f"to_{other.removeprefix('tiers/')}" if other else "to_none"
            assert row[column] == sum(1 for c in chosen if before[c] == t and after[c] == other)
    # by unit: the units below the scope's top, each customer with a tier at the end under the one above its branch
    branch = {c["customer"]: c["branch"].removeprefix("orgUnits/") for c in customers}
    parent = dict(UNITS)
    top = {"B1", "B2"} if scope.everything else {"B11", "B12"}
    expected: dict[str, int] = defaultdict(int)
    for c in chosen:
        if after[c]:
            unit = branch[c]
            while unit and unit not in top:
                unit = parent.get(unit) or ""
            expected[f"机构{unit}" if unit else "（其他）"] += 1
    assert {row.values[0]: row.values[-1] for row in by_unit.rows if row.values[-1]} == dict(expected)


async def test_customers_level_with_ties_lists_them_in_the_same_order_on_every_engine(database_url) -> None:
    """Individuals' names are masked, so many rows of a customer level show the same name and amount; the rows
    (and which 500 are shown) must not depend on the order an engine groups in."""
    customers = [
        {
            "customer": f"customers/t{n:03d}",
            "display_name": "张三",
            "type": "INDIVIDUAL",
            "create_time": NOW,
            "update_time": NOW,
            "branch": "orgUnits/B11",
            "relationship_manager": "staff/E1",
        }
        for n in random.Random(5).sample(range(300), 40)
    ]
    query = Query(start=START, end=END, dimension="customer", relationship_managers=("staff/E1",))
    async with _store(database_url, customers, [], []) as db, db.read() as session:
        regional = await reports.regional_sales(session, query)
        deposits = await reports.deposit_analysis(session, query)
    ordered = sorted(c["customer"] for c in customers)
    assert [row.drill_down for row in regional.rows] == ordered
    assert [row.drill_down for row in deposits.rows] == ordered
