"""Benchmark: detection quality of the alert service's shipped rules on a generated, labelled stream (issue 15).

Generates 30 days of ordinary traffic for ``--customers`` key customers (individuals and corporates: salaries,
card spending, transfers, small cash; balances moving a few per cent a day), then injects labelled cases —
single large cash withdrawals, large cash split within one day, individuals' and corporates' large transfers
(single and same-day totals), structuring runs (several withdrawals below 10,000 within hours) and sudden AUM
drops — and replays everything in time order through the same detectors and rule parameters the service uses
(``kam_alert.domain``: the shipped rules turned into detectors). Per rule type: injected cases found (recall) and
alerts that match no injected case (precision), target: every case found, nothing on clean traffic. Also the
detectors' own rate (transactions per second in one process, no database: an upper bound for the service).

    uv run python tests/bench/bench_alert_detection.py [--customers 2000] [--seed 7]
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from kam_alert.domain import detection
from kam_alert.domain import rules as domain

START = datetime(2026, 11, 1, tzinfo=UTC)
DAYS = 30
D = detection.Direction
Individual, Corporate = detection.CustomerType.INDIVIDUAL, detection.CustomerType.CORPORATE


@dataclass
class Case:
    kind: str  # the rule family it should trip
    customer: str
    key_hint: str  # what identifies the case in a hit's key (the day, or the run)


def money(low: float, high: float, rng: random.Random) -> Decimal:
    return Decimal(str(round(rng.uniform(low, high), 2)))


def ordinary(
    customers: list[tuple[str, detection.CustomerType]], rng: random.Random
) -> list[detection.Transaction]:
    """Clean traffic: nothing in it meets a shipped rule (cash ≤ 8,000 and at most two a day, transfers below the
    large-value limits, small debits too few or too small to be structuring)."""
    out = []
    n = 0
    for customer, kind in customers:
        for day in range(DAYS):
            base = START + timedelta(days=day, hours=1)
            for _ in range(rng.randint(0, 4)):
                n += 1
                at = base + timedelta(minutes=rng.randint(0, 14 * 60))
                r = rng.random()
                if r < 0.15:  # cash at the counter or an ATM
                    out.append(
                        detection.Transaction(
                            f"n{n}",
                            customer,
                            f"{customer}/a1",
                            money(100, 4_000, rng),
                            D.DEBIT,
                            at,
                            True,
                            "CHANNEL_ATM",
                            kind,
                        )
                    )
                elif r < 0.55:  # card spending and bills: small debits, at most three a day here
                    out.append(
                        detection.Transaction(
                            f"n{n}",
                            customer,
                            f"{customer}/a1",
                            money(20, 1_500, rng),
                            D.DEBIT,
                            at,
                            False,
                            "CHANNEL_POS",
                            kind,
                        )
                    )
                else:  # transfers in and out below the large-value limits
                    limit = 150_000 if kind == Individual else 600_000
                    direction = D.CREDIT if rng.random() < 0.5 else D.DEBIT
                    amount = money(10_000, limit, rng)
                    out.append(
                        detection.Transaction(
                            f"n{n}",
                            customer,
                            f"{customer}/a2",
                            amount,
                            direction,
                            at,
                            False,
                            "CHANNEL_ONLINE",
                            kind,
                        )
                    )
    return out


def injected(
    customers: list[tuple[str, detection.CustomerType]], rng: random.Random, per_kind: int
) -> tuple[list[detection.Transaction], list[Case]]:
    txns: list[detection.Transaction] = []
    cases: list[Case] = []
    pool = list(customers)
    rng.shuffle(pool)
    people = [c for c in pool if c[1] == Individual]
    firms = [c for c in pool if c[1] == Corporate]

    def at(day: int, hour: int, minute: int = 0) -> datetime:
        return START + timedelta(days=day, hours=hour, minutes=minute)  # 08:00+ Beijing is 00:00+ UTC

    n = 0
    for i in range(per_kind):
        day = rng.randint(1, DAYS - 2)
        c, kind = people[i % len(people)]
        n += 1
        txns.append(
            detection.Transaction(
                f"x{n}",
                c,
                f"{c}/a1",
                money(50_000, 200_000, rng),
                D.DEBIT,
                at(day, 2),
                True,
                "CHANNEL_COUNTER",
                kind,
            )
        )
        cases.append(Case("large-cash", c, (START + timedelta(days=day)).date().isoformat()))

        c, kind = people[(i + per_kind) % len(people)]
        day = rng.randint(1, DAYS - 2)
        for part in (30_000, 25_000):  # split over one day: 55,000 cash
            n += 1
            txns.append(
                detection.Transaction(
                    f"x{n}",
                    c,
                    f"{c}/a1",
                    Decimal(part),
                    D.DEBIT,
                    at(day, 1 + part // 10_000),
                    True,
                    "CHANNEL_ATM",
                    kind,
                )
            )
        cases.append(Case("large-cash", c, (START + timedelta(days=day)).date().isoformat()))

        c, kind = people[(i + 2 * per_kind) % len(people)]
        day = rng.randint(1, DAYS - 2)
        for part in (300_000, 250_000):  # an individual's transfers: 550,000 in a day
            n += 1
            txns.append(
                detection.Transaction(
                    f"x{n}",
                    c,
                    f"{c}/a2",
                    Decimal(part),
                    D.DEBIT,
                    at(day, 3, part // 100_000),
                    False,
                    "CHANNEL_ONLINE",
                    kind,
                )
            )
        cases.append(Case("large-transfer-individual", c, (START + timedelta(days=day)).date().isoformat()))

        c, kind = firms[i % len(firms)]
        day = rng.randint(1, DAYS - 2)
        n += 1
        txns.append(
            detection.Transaction(
                f"x{n}",
                c,
                f"{c}/a2",
                money(2_000_000, 9_000_000, rng),
                D.CREDIT,
                at(day, 4),
                False,
                "CHANNEL_ONLINE",
                kind,
            )
        )
        cases.append(Case("large-transfer-corporate", c, (START + timedelta(days=day)).date().isoformat()))

        c, kind = people[(i + 3 * per_kind) % len(people)]
        day = rng.randint(1, DAYS - 2)
        for k in range(6):  # structuring: six withdrawals of 8,000–9,900 within ten hours
            n += 1
            txns.append(
                detection.Transaction(
                    f"x{n}",
                    c,
                    f"{c}/a1",
                    money(8_000, 9_900, rng),
                    D.DEBIT,
                    at(day, 1 + 2 * k),
                    True,
                    "CHANNEL_ATM",
                    kind,
                )
            )
        cases.append(Case("structuring", c, ""))
    return txns, cases


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cases", type=int, default=50, help="injected cases per rule type")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    customers = [
        (f"customers/k{i}", Corporate if rng.random() < 0.3 else Individual) for i in range(args.customers)
    ]
    clean = ordinary(customers, rng)
    dirty, cases = injected(customers, rng, args.cases)
    stream = sorted(clean + dirty, key=lambda t: t.post_time)

    rules = {domain.kind(r) + ":" + r.display_name: r for r in domain.shipped_rules()}
    detectors = {}
    for name, rule in rules.items():
        d = domain.transaction_detector(name, rule)
        if d is not None:
            detectors[name] = (rule, d)
    family = {}
    for name, (rule, _) in detectors.items():
        if rule.WhichOneof("condition") == "frequent_withdrawals":
            family[name] = "structuring"
        elif rule.large_transaction.cash == 1:
            family[name] = "large-cash"
        elif rule.large_transaction.customer_type == 1:
            family[name] = "large-transfer-individual"
        else:
            family[name] = "large-transfer-corporate"

    hits: dict[str, set[tuple[str, str]]] = defaultdict(set)  # family → {(customer, alert key)}
    started = time.perf_counter()
    for t in stream:
        for name, (rule, detector) in detectors.items():
            if not domain.applies_to(
                rule, customer_type=t.customer_type.value, tier="tiers/gold", branch_and_ancestors=set()
            ):
                continue
            for hit in detector.observe(t):
                hits[family[name]].add((hit.customer, hit.key))
    elapsed = time.perf_counter() - started

    drop_rule = next(r for r in domain.shipped_rules() if domain.kind(r) == "balance_drop")
    drop = domain.drop_detector("drop", drop_rule)
    assert drop is not None
    drop_cases = set()
    drop_hits: set[str] = set()
    dropping = {c for c, _ in rng.sample(customers, args.cases)}
    for customer, _ in customers:
        level = Decimal(rng.randint(2_000_000, 20_000_000))
        for day in range(DAYS):
            if customer in dropping and day == 15:
                level = level * Decimal("0.55")  # a 45 % drop in a day
                drop_cases.add(customer)
            else:
                level = level * Decimal(str(1 + rng.uniform(-0.03, 0.03)))
            for hit in drop.observe(customer, level.quantize(Decimal("0.01")), START + timedelta(days=day)):
                drop_hits.add(hit.customer)

    print(
        f"# alert detection benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {os.cpu_count()} cores; "
        f"{args.customers:,} customers × {DAYS} days, {len(clean):,} clean and {len(dirty):,} injected transactions"
    )
    injected_customers = {c.customer for c in cases}
    print(
        "\n| rule type | injected cases | found (recall) | alerts | on clean customers (precision) |\n|---|---|---|---|---|"
    )
    for fam in ("large-cash", "large-transfer-individual", "large-transfer-corporate", "structuring"):
        wanted = [c for c in cases if c.kind == fam]
        found = sum(
            1 for c in wanted if any(cust == c.customer and (c.key_hint in key) for cust, key in hits[fam])
        )
        false = sum(1 for cust, _ in hits[fam] if cust not in injected_customers)
        total = len(hits[fam])
        print(
            f"| {fam} | {len(wanted)} | {found} ({found / len(wanted):.0%}) | {total} | {false} false "
            f"({(total - false) / total if total else 1:.0%}) |"
        )
    false_drops = len(drop_hits - drop_cases)
    print(
        f"| sudden drop (AUM −45 % in a day; clean ±3 %/day) | {len(drop_cases)} | "
        f"{len(drop_hits & drop_cases)} ({len(drop_hits & drop_cases) / len(drop_cases):.0%}) | {len(drop_hits)} | "
        f"{false_drops} false |"
    )
    rate = len(stream) / elapsed
    print(
        f"\ndetectors alone (4 transaction rules, one process, no database): {len(stream):,} transactions in "
        f"{elapsed:.2f} s = {rate:,.0f} transactions/s"
    )


if __name__ == "__main__":
    main()
