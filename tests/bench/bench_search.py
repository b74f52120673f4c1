"""Benchmark: customer search latency over a large index (target p99 ≤ 50 ms over 1,000,000 customers, SQLite).

Builds a fresh SQLite KAM database (migrations applied), bulk-inserts synthetic customers (Chinese names from
common surnames/given-name characters, resident ID numbers, phones, 1–2 account numbers; 5 % key customers, half
of them with a tier) straight into ``customers`` and ``search_terms`` (rows made by the same
``kam_customer.search.index.index_rows`` that ``reindex`` uses), then runs a mix of search-box queries through
the SearchService use case (scope + index lookups + loading the customers, as SearchCustomers does, without gRPC)
and prints p50/p99 per query kind and overall, plus ``os.cpu_count()``. Each ``--filter`` (SearchCustomers'
``filter`` syntax) runs the same mix once more with that filter.

    uv run python tests/bench/bench_search.py                      # 200,000 customers (quick)
    uv run python tests/bench/bench_search.py --customers 1000000  # the benchmark size
    uv run python tests/bench/bench_search.py --db /tmp/s.db --reuse   # reuse a database built before
    uv run python tests/bench/bench_search.py --filter 'tier = "tiers/gold"' --filter 'branch = "orgUnits/b07"'
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

from kam_customer.adapters.orm import Base
from kam_customer.bootstrap import MIGRATIONS
from kam_customer.entrypoints.grpc_api import LIST_FILTERS
from kam_customer.search.index import index_rows
from kam_customer.service_layer.searching import SearchService
from kam_kit import migrations
from kam_kit.auth import Identity
from kam_kit.db import Database
from kam_kit.filtering import parse_equalities

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强玉兰海燕文杰晓明丹红梅鹏飞宇浩然子涵"
    "欣怡梓轩雨桐思远博文嘉怡俊杰晨曦天佑一诺若汐佳琪志明振华永刚国华春梅秋菊冬梅"
)
AREAS = ("110101", "110105", "310101", "310115", "320102", "330106", "440103", "440305", "350102", "510104")
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 8, 4, 2, 1, 0, 6, 3)
CHECK = "10X98765432"
BRANCHES = [f"b{n:02d}" for n in range(40)]


def resident_id(rng: random.Random) -> str:
    body = (
        rng.choice(AREAS)
        + f"{rng.randint(1950, 2004)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        + f"{rng.randint(0, 999):03d}"
    )
    return body + CHECK[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def synthetic(n: int, seed: int):
    rng = random.Random(seed)
    for i in range(n):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        key = rng.random() < 0.05
        yield SimpleNamespace(
            id=f"c{i:07d}",
            type="INDIVIDUAL",
            display_name=name,
            id_number=resident_id(rng),
            phone=f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}",
            branch=f"orgUnits/{rng.choice(BRANCHES)}",
            relationship_manager=f"staff/rm{rng.randint(0, 999):03d}",
            tier="tiers/gold" if key and rng.random() < 0.5 else "",
            key_customer=key,
            accounts=[f"6222{rng.randint(0, 10**12 - 1):012d}" for _ in range(rng.choice((1, 1, 2)))],
        )


def build(path: Path, n: int, seed: int) -> float:
    url = f"sqlite+aiosqlite:///{path}"
    migrations.upgrade(url, MIGRATIONS, Base.metadata)
    started = time.perf_counter()
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-400000")
    secondary = con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name='search_terms' "
        "AND sql IS NOT NULL"
    ).fetchall()
    for name, _ in secondary:  # load first, index once
        con.execute(f"DROP INDEX {name}")
    now = datetime(2026, 1, 1, tzinfo=UTC).isoformat(" ")
    customers, terms, done = [], [], 0
    for c in synthetic(n, seed):
        customers.append(
            (
                c.id,
                c.type,
                c.display_name,
                c.id_number,
                c.phone,
                c.branch,
                c.relationship_manager,
                c.tier,
                int(c.key_customer),
                now,
                now,
            )
        )
        terms += [tuple(r.values()) for r in index_rows(c, c.accounts)]
        if len(customers) >= 50_000:
            _flush(con, customers, terms)
            done += len(customers)
            customers, terms = [], []
            print(f"  {done:,} customers ({time.perf_counter() - started:.0f} s)", flush=True)
    _flush(con, customers, terms)
    for _, sql in secondary:
        con.execute(sql)
    con.execute("ANALYZE")
    con.commit()
    con.close()
    return time.perf_counter() - started


def _flush(con: sqlite3.Connection, customers: list, terms: list) -> None:
    con.executemany(
        "INSERT INTO customers (id, type, display_name, id_number, phone, branch, relationship_manager, tier, "
        "key_customer, create_time, update_time, email, address, industry, legal_representative, state, source, "
        "version) VALUES (?,?,?,?,?,?,?,?,?,?,?,'','','','','ACTIVE','CORE_BANKING',1)",
        customers,
    )
    con.executemany(
        "INSERT INTO search_terms (kind, priority, term, customer_id, org_unit, relationship_manager) "
        "VALUES (?,?,?,?,?,?)",
        terms,
    )
    con.commit()


def _typo(text: str, rng: random.Random) -> str:
    i = rng.randrange(len(text) - 1)
    return (
        text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        if text[i] != text[i + 1]
        else text[:i] + text[i + 1 :]
    )


def queries(path: Path, per_kind: int, seed: int) -> list[tuple[str, str]]:
    from kam_customer.search.text import readings

    rng = random.Random(seed + 1)
    con = sqlite3.connect(path)
    total = con.execute("SELECT count(*) FROM customers").fetchone()[0]
    picks = [
        con.execute(
            "SELECT display_name, id_number, phone, id FROM customers WHERE rowid = ?",
            (rng.randint(1, total),),
        ).fetchone()
        for _ in range(per_kind)
    ]
    accounts = [
        row[0]
        for row in con.execute(
            "SELECT term FROM search_terms WHERE kind = 'A' AND priority = 2 AND term >= ? LIMIT ?",
            (f"6222{rng.randint(0, 10**11):012d}", per_kind),
        )
    ]
    con.close()
    out = []
    for name, id_number, phone, _ in picks:
        pinyin = "".join(readings(name, individual=True)[0])
        out += [
            ("name", name),
            ("name prefix", name[:2]),
            ("pinyin", pinyin),
            ("pinyin prefix", pinyin[:4]),
            ("initials", "".join(s[0] for s in readings(name, individual=True)[0])),
            ("id number", id_number),
            ("phone", phone),
            ("phone tail", phone[-4:]),
            ("typo pinyin", _typo(pinyin, rng)),
            ("typo id", _typo(id_number, rng)),
        ]
    out += [("account", number) for number in accounts]
    rng.shuffle(out)
    return out


async def measure(
    path: Path, mix: list[tuple[str, str]], identity: Identity, filters: dict[str, object] | None = None
) -> dict[str, list[float]]:
    db = Database(f"sqlite+aiosqlite:///{path}")
    service = SearchService(db)
    timings: dict[str, list[float]] = {}
    try:
        for _, query in mix[:20]:  # warm-up
            await service.search(identity, query, offset=0, limit=20, filters=filters)
        for kind, query in mix:
            started = time.perf_counter()
            await service.search(identity, query, offset=0, limit=20, filters=filters)
            timings.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
    finally:
        await db.dispose()
    return timings


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(title: str, timings: dict[str, list[float]]) -> None:
    print(f"\n{title}")
    print(f"  {'query kind':<16}{'n':>6}{'p50 ms':>10}{'p99 ms':>10}")
    everything = [t for values in timings.values() for t in values]
    for kind, values in sorted(timings.items()):
        print(f"  {kind:<16}{len(values):>6}{statistics.median(values):>10.2f}{_pct(values, 0.99):>10.2f}")
    print(
        f"  {'ALL':<16}{len(everything):>6}{statistics.median(everything):>10.2f}{_pct(everything, 0.99):>10.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--queries-per-kind", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", type=Path, default=None, help="database file (default: a temporary one)")
    parser.add_argument("--reuse", action="store_true", help="reuse --db as built by an earlier run")
    parser.add_argument(
        "--filter",
        action="append",
        default=[],
        help="also measure with this filter, e.g. 'tier = \"tiers/gold\"' (repeatable)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "search.db"
        if not (args.reuse and path.exists()):
            if path.exists():
                path.unlink()
            print(f"building the index for {args.customers:,} customers …")
            seconds = build(path, args.customers, args.seed)
            con = sqlite3.connect(path)
            rows = con.execute("SELECT count(*) FROM search_terms").fetchone()[0]
            con.close()
            print(
                f"built in {seconds:.1f} s: {rows:,} index rows, {rows / seconds:,.0f} rows/s, "
                f"file {path.stat().st_size / 2**20:,.0f} MiB"
            )
        mix = queries(path, args.queries_per_kind, args.seed)
        print(f"\nos.cpu_count() = {os.cpu_count()}; SQLite {sqlite3.sqlite_version}; {len(mix)} queries")
        admin = Identity(subject="users/admin", roles=("roles/admin",), org_unit="orgUnits/head")
        report("unrestricted caller (roles/admin)", asyncio.run(measure(path, mix, admin)))
        rm = Identity(subject="users/rm001", roles=("roles/relationship_manager",), org_unit="orgUnits/b07")
        report(
            "branch-scoped caller (relationship manager of one of 40 branches)",
            asyncio.run(measure(path, mix, rm)),
        )
        for text in args.filter:
            filters = parse_equalities(text, LIST_FILTERS)
            report(f"unrestricted caller, filter {text}", asyncio.run(measure(path, mix, admin, filters)))
            report(f"branch-scoped caller, filter {text}", asyncio.run(measure(path, mix, rm, filters)))


if __name__ == "__main__":
    main()
