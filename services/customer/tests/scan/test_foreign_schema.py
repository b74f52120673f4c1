"""A foreign core-banking schema (pinyin-abbreviated tables, as many Chinese core systems have them) scanned
through a mapping written from docs/mapping.md alone, on SQLite and PostgreSQL: accounts in several currencies
converted to CNY at the source's rate table or at KAM's setting, corporates with a phone, inactive staff,
transactions with a business date and an entry time; and codes the mapping does not list as bad rows."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from kam_customer.adapters.orm import AccountRow, CustomerMetricsRow, CustomerRow, StaffRow, TransactionRow
from kam_kit.timeconv import aware
from sqlalchemy import Column, Date, DateTime, MetaData, Numeric, Table, Text, insert, select
from sqlalchemy.ext.asyncio import create_async_engine

from . import tiny_source
from .conftest import Scanner, async_url, issues_of, migrated

meta = MetaData()
jg = Table("jg", meta, Column("jgh", Text, primary_key=True), Column("jgmc", Text))
yg = Table(
    "yg",
    meta,
    Column("ygh", Text, primary_key=True),
    Column("xm", Text),
    Column("jgh", Text),
    Column("zt", Text),
)  # 0 在职 (working) | 1 离职 (left)
kh = Table(
    "kh",
    meta,
    Column("khh", Text, primary_key=True),
    Column("khmc", Text),
    Column("khlx", Text),
    Column("sjh", Text),
    Column("jgh", Text),
    Column("khjl", Text),
    Column("khrq", Date),
)  # khlx G 个人 | Q 企业
zh = Table(
    "zh",
    meta,
    Column("zh", Text, primary_key=True),
    Column("khh", Text),
    Column("zhlx", Text),
    Column("bz", Text),
    Column("ye", Numeric(20, 2)),
    Column("zt", Text),
    Column("khrq", Date),
)
hl = Table("hl", meta, Column("bz", Text), Column("rq", Date), Column("zhjg", Numeric(12, 6)))  # CNY per unit
jyls = Table(
    "jyls",
    meta,
    Column("lsh", Text, primary_key=True),
    Column("zh", Text),
    Column("zwrq", Date),
    Column("jysj", DateTime),
    Column("rzsj", DateTime),
    Column("jdbz", Text),
    Column("je", Numeric(20, 2)),
    Column("ye", Numeric(20, 2)),
)

MAPPING = """
[mapping]
name = "foreign"
timezone = "Asia/Shanghai"

[entities.org_unit]
from = "jg"
columns = { id = "jgh", display_name = "jgmc" }

[entities.staff]
from = "yg"
columns = { id = "ygh", display_name = "xm", org_unit_id = "jgh", status = "zt" }
codes.status = { "0" = "ACTIVE", "1" = "INACTIVE" }

[entities.individual]
from = "kh"
where = "khlx = 'G'"
columns = { id = "khh", display_name = "khmc", phone = "sjh", org_unit_id = "jgh", relationship_manager_id = "khjl", open_date = "khrq" }

[entities.corporate]
from = "kh"
where = "khlx = 'Q'"
columns = { id = "khh", display_name = "khmc", phone = "sjh", org_unit_id = "jgh", relationship_manager_id = "khjl", open_date = "khrq" }

[entities.account]
from = "zh"
columns = { id = "zh", customer_id = "khh", type = "zhlx", currency = "bz", balance = "ye", status = "zt", open_date = "khrq" }
codes.type = { HQ = "DEMAND_DEPOSIT", DK = "LOAN" }
codes.status = { "0" = "OPEN", "9" = "CLOSED" }

[entities.fx_rate]
from = "hl"
columns = { currency = "bz", rate = "zhjg", day = "rq" }

[entities.transaction]
from = "jyls"
columns = { id = "lsh", account_id = "zh", time = "jysj", business_date = "zwrq", entry_time = "rzsj", direction = "jdbz", amount = "je", balance_after = "ye" }
codes.direction = { J = "DEBIT", D = "CREDIT" }
"""

D = Decimal
ROWS = {
    jg: [{"jgh": "J1", "jgmc": "总行营业部"}],
    yg: [
        {"ygh": "Y1", "xm": "张经理", "jgh": "J1", "zt": "0"},
        {"ygh": "Y2", "xm": "李经理", "jgh": "J1", "zt": "1"},
    ],
    kh: [
        {
            "khh": "K1",
            "khmc": "王五",
            "khlx": "G",
            "sjh": "13800001111",
            "jgh": "J1",
            "khjl": "Y1",
            "khrq": date(2020, 1, 1),
        },
        {
            "khh": "K2",
            "khmc": "申城贸易有限公司",
            "khlx": "Q",
            "sjh": "021-66668888",
            "jgh": "J1",
            "khjl": "Y2",
            "khrq": date(2015, 1, 1),
        },
    ],
    zh: [
        {
            "zh": "Z1",
            "khh": "K1",
            "zhlx": "HQ",
            "bz": "CNY",
            "ye": D("100000.00"),
            "zt": "0",
            "khrq": date(2020, 1, 1),
        },
        {
            "zh": "Z2",
            "khh": "K1",
            "zhlx": "HQ",
            "bz": "USD",
            "ye": D("100000.00"),
            "zt": "0",
            "khrq": date(2021, 1, 1),
        },
        # no rate for JPY: a bad row, left out of the metrics and not copied
        {
            "zh": "Z3",
            "khh": "K1",
            "zhlx": "HQ",
            "bz": "JPY",
            "ye": D("9000000.00"),
            "zt": "0",
            "khrq": date(2021, 1, 1),
        },
        {
            "zh": "Z4",
            "khh": "K2",
            "zhlx": "HQ",
            "bz": None,
            "ye": D("30000000.00"),
            "zt": "0",
            "khrq": date(2015, 1, 1),
        },
    ],
    # the newest USD rate on or before the as-of date (2026-06-29) is 7.1; the one after it is not used
    hl: [
        {"bz": "USD", "rq": date(2026, 1, 1), "zhjg": D("7.0")},
        {"bz": "USD", "rq": date(2026, 6, 28), "zhjg": D("7.1")},
        {"bz": "USD", "rq": date(2026, 7, 15), "zhjg": D("9.9")},
    ],
    jyls: [
        # booked at 00:03 after the day it belongs to
        {
            "lsh": "L1",
            "zh": "Z2",
            "zwrq": date(2026, 6, 29),
            "jysj": datetime(2026, 6, 29, 23, 58),
            "rzsj": datetime(2026, 6, 30, 0, 3),
            "jdbz": "D",
            "je": D("1000.00"),
            "ye": D("100000.00"),
        },
        # after the cut-off of 2026-03-31: business date 2026-04-01, the first day of the 90-day window
        {
            "lsh": "L2",
            "zh": "Z2",
            "zwrq": date(2026, 4, 1),
            "jysj": datetime(2026, 3, 31, 23, 30),
            "rzsj": datetime(2026, 3, 31, 23, 31),
            "jdbz": "D",
            "je": D("500.00"),
            "ye": D("99000.00"),
        },
    ],
}


@pytest.fixture
async def foreign(database_url, tmp_path):
    """(source URL, KAM database, mapping file): the foreign schema on the parametrized engine."""
    url = (
        database_url
        if database_url.startswith("postgresql")
        else f"sqlite+aiosqlite:///{tmp_path / 'core.db'}"
    )
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(meta.create_all)
        for table, rows in ROWS.items():
            await conn.execute(insert(table), rows)
    await engine.dispose()
    mapping = tmp_path / "foreign.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    db = await migrated(f"sqlite+aiosqlite:///{tmp_path / 'kam.db'}")
    yield url.replace("+asyncpg", "").replace("+aiosqlite", ""), db, mapping
    await db.dispose()


async def test_a_foreign_schema_is_scanned_in_cny_with_business_dates(foreign, clock) -> None:
    source, kam, mapping = foreign
    job = await Scanner(kam, clock, source, mapping=mapping).run()
    assert job.state == "SUCCEEDED", job.error_message
    assert job.as_of == date(2026, 6, 29)  # the newest business date
    async with kam.read() as session:
        metrics = {r.customer_id: r for r in (await session.scalars(select(CustomerMetricsRow))).all()}
        customers = {r.id: r for r in (await session.scalars(select(CustomerRow))).all()}
        accounts = {r.id: r.balance for r in (await session.scalars(select(AccountRow))).all()}
        staff = {r.id: r.active for r in (await session.scalars(select(StaffRow))).all()}
        l1 = await session.get(TransactionRow, "L1")
    k1 = metrics["ck1"]
    # 100,000 CNY + 100,000 USD × 7.1; the JPY account has no rate (a bad row), thresholds compare CNY
    assert (k1.aum, k1.deposit_balance, k1.contribution) == (D("810000.00"), D("810000.00"), D("12150.00"))
    # both transactions are inside the window by business date (L2's time is the day before it), in CNY
    assert (k1.txn_count_90, k1.txn_volume_90, k1.last_activity) == (2, D("10650.00"), date(2026, 6, 29))
    assert metrics["ck2"].aum == D("30000000.00")  # no currency: CNY
    assert accounts == {"Z1": D("100000.00"), "Z2": D("710000.00"), "Z4": D("30000000.00")}
    assert issues_of(job)[("account", "currency")]["examples"] == ["JPY"]
    assert (customers["ck2"].phone, customers["ck1"].phone) == ("021-66668888", "13800001111")
    assert staff == {"Y1": True, "Y2": False}
    assert (l1.amount, l1.balance_after, l1.business_date) == (
        D("7100.00"),
        D("710000.00"),
        date(2026, 6, 29),
    )
    assert aware(l1.post_time) == datetime(2026, 6, 29, 15, 58, tzinfo=UTC)  # 23:58 in Shanghai
    assert aware(l1.entry_time) == datetime(2026, 6, 29, 16, 3, tzinfo=UTC)


async def test_without_a_rate_table_kams_setting_gives_the_rates(foreign, clock) -> None:
    source, kam, mapping = foreign
    mapping.write_text(
        MAPPING.split("[entities.fx_rate]")[0]
        + "[entities.transaction]"
        + MAPPING.split("[entities.transaction]")[1],
        encoding="utf-8",
    )
    job = await Scanner(
        kam, clock, source, mapping=mapping, fx_rates={"USD": D("7.2"), "JPY": D("0.05")}
    ).run()
    assert job.state == "SUCCEEDED", job.error_message
    async with kam.read() as session:
        k1 = await session.get(CustomerMetricsRow, "ck1")
    assert k1.aum == D("100000.00") + D("720000.00") + D("450000.00")
    # with neither, the foreign currencies cannot be converted: the scan does not start
    failed = await Scanner(kam, clock, source, mapping=mapping).run()
    assert failed.state == "FAILED"
    assert failed.error_message == (
        f"映射文件错误 (mapping error): {mapping}: entities.account.columns.currency: "
        "没有汇率 (no exchange rate for JPY, USD): 请映射 entities.fx_rate 或设置 "
        "KAM_CUSTOMER_FX_RATES (map entities.fx_rate or set KAM_CUSTOMER_FX_RATES)"
    )


async def test_a_code_the_mapping_does_not_list_is_a_bad_row_left_out_of_the_metrics(
    scan_source, clock
) -> None:
    """An account status or a transaction direction that demo.toml does not list: the row is reported and left
    out of the metrics (not counted as an OPEN account, nor as a transaction)."""
    source, kam = scan_source
    # P002 holds 5,000 (below every floor); an account of unknown status 'Z' would lift it to 1,005,000
    await tiny_source.add_rows(
        async_url(source), acct=[tiny_source._acct("A13", "P002", "DMD01", "1000000.00", status="Z")]
    )
    job = await Scanner(kam, clock, source).run()
    assert job.state == "SUCCEEDED", job.error_message
    async with kam.read() as session:
        metrics = {r.customer_id: r for r in (await session.scalars(select(CustomerMetricsRow))).all()}
        accounts = set((await session.scalars(select(AccountRow.id))).all())
    assert "cp002" not in metrics and "A13" not in accounts
    # P004's transaction of direction 'X' is not one of its transactions
    assert (metrics["cp004"].txn_count_90, metrics["cp004"].txn_volume_90) == (1, D("200000.00"))
    issues = issues_of(job)
    assert (issues[("account", "status")]["count"], issues[("account", "status")]["examples"]) == (1, ["Z"])
    assert issues[("transaction", "direction")]["examples"] == ["0000000008: X"]


def test_the_mapping_reads(tmp_path: Path) -> None:
    from kam_customer.scan.mapping import load_mapping

    path = tmp_path / "foreign.toml"
    path.write_text(MAPPING, encoding="utf-8")
    mapping = load_mapping(path)
    assert set(mapping.entities["transaction"].columns) >= {"business_date", "entry_time"}
