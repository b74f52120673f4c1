"""A tiny core-banking source in the demo schema (kam_demobank.schema), written row by row, and a
reference computation of the metrics in plain Python (day by day — independent of the scan's SQL)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from kam_customer.domain.identifiers import resident_id_check_char, uscc_check_char
from kam_demobank import schema
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import create_async_engine

AS_OF = date(2026, 6, 30)
D = Decimal


def rid(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


def uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)


@dataclass
class SourceData:
    org: list[dict] = field(default_factory=list)
    staff: list[dict] = field(default_factory=list)
    prod: list[dict] = field(default_factory=list)
    cust_indv: list[dict] = field(default_factory=list)
    cust_corp: list[dict] = field(default_factory=list)
    corp_rel: list[dict] = field(default_factory=list)
    indv_rel: list[dict] = field(default_factory=list)
    cust_rating: list[dict] = field(default_factory=list)
    acct: list[dict] = field(default_factory=list)
    acct_bal_hist: list[dict] = field(default_factory=list)
    txn: list[dict] = field(default_factory=list)


TS = datetime(2026, 1, 1, 9, 0)


def _indv(no, name, id_no, birth, org="S011", opened=date(2020, 3, 15), status="A"):
    return {
        "cust_no": no,
        "cust_name": name,
        "id_no": id_no,
        "birth_dt": birth,
        "gender": "M",
        "mobile": "13800000000",
        "org_id": org,
        "rm_id": "R1",
        "open_dt": opened,
        "cust_status": status,
        "upd_ts": TS,
    }


def _acct(
    no,
    cust,
    prod,
    bal,
    *,
    opened=date(2021, 1, 1),
    mature=None,
    status="N",
    limit=None,
    repay=None,
    overdue=0,
):
    return {
        "acct_no": no,
        "cust_no": cust,
        "prod_cd": prod,
        "org_id": "S011",
        "open_dt": opened,
        "mature_dt": mature,
        "acct_status": status,
        "cur_bal": D(bal),
        "credit_limit": D(limit) if limit else None,
        "repay_status": repay,
        "overdue_times": overdue,
        "upd_ts": TS,
    }


def _txn(no, acct, ts, dc, amt, bal, channel="MOB"):
    return {
        "txn_id": f"{no:010d}",
        "acct_no": acct,
        "txn_ts": ts,
        "dc_flag": dc,
        "amt": D(amt),
        "bal_after": D(bal),
        "channel": channel,
        "cash_flag": "N",
        "cp_name": "对手方",
        "cp_acct": "6222000011112222",
        "memo": "转账",
    }


def tiny() -> SourceData:
    s = SourceData()
    s.org = [
        {"org_id": "H001", "org_name": "总行", "parent_org_id": None, "org_level": "H", "region": "全国"},
        {
            "org_id": "B01",
            "org_name": "上海分行",
            "parent_org_id": "H001",
            "org_level": "B",
            "region": "华东",
        },
        {
            "org_id": "S011",
            "org_name": "浦东支行",
            "parent_org_id": "B01",
            "org_level": "S",
            "region": "华东",
        },
    ]
    s.staff = [
        {"staff_id": "R1", "staff_name": "陈经理", "org_id": "S011", "post": "RM", "mobile": "13900000000"}
    ]
    s.prod = [
        {"prod_cd": "DMD01", "prod_name": "活期储蓄", "prod_type": "DMD"},
        {"prod_cd": "TD1Y", "prod_name": "一年期整存整取", "prod_type": "TD"},
        {"prod_cd": "WM01", "prod_name": "稳健理财", "prod_type": "WM"},
        {"prod_cd": "LN01", "prod_name": "流动资金贷款", "prod_type": "LOAN"},
        {"prod_cd": "CC01", "prod_name": "白金信用卡", "prod_type": "CARD"},
        {"prod_cd": "ODD", "prod_name": "未知产品", "prod_type": "ZZ"},
    ]
    s.cust_indv = [
        _indv("P001", "张伟", rid("11010519800101123"), date(1980, 1, 1)),
        _indv("P002", "李娜", rid("11010519900710234"), date(1990, 7, 10)),
        _indv("P003", "王芳", rid("31011519850203345"), date(1985, 2, 3), opened=date(2024, 9, 20)),
        _indv("P004", "赵六", "110105198001011230", date(1980, 1, 1)),  # wrong check digit
    ]
    s.cust_corp = [
        {
            "cust_no": "C001",
            "corp_name": "申城控股集团有限公司",
            "uscc": uscc("91310000MA1K00001"),
            "industry": "制造业",
            "found_dt": date(2005, 7, 8),
            "legal_rep": "周建国",
            "legal_rep_id_no": rid("31010419650505123"),
            "legal_rep_mobile": "13700000001",
            "fin_contact": "吴敏",
            "fin_contact_mobile": "13700000002",
            "controller": "周建国",
            "org_id": "B01",
            "rm_id": "R1",
            "open_dt": date(2010, 5, 1),
            "cust_status": "A",
            "upd_ts": TS,
        },
        {
            "cust_no": "C002",
            "corp_name": "申城科技有限公司",
            "uscc": uscc("91310000MA1K00002"),
            "industry": "信息技术",
            "found_dt": date(2015, 3, 3),
            "legal_rep": "周小明",
            "legal_rep_id_no": None,
            "legal_rep_mobile": None,
            "fin_contact": None,
            "fin_contact_mobile": None,
            "controller": "周建国",
            "org_id": "B01",
            "rm_id": "R1",
            "open_dt": date(2016, 1, 1),
            "cust_status": "A",
            "upd_ts": TS,
        },
    ]
    s.corp_rel = [{"parent_cust_no": "C001", "child_cust_no": "C002", "share_pct": D("60.0000")}]
    s.indv_rel = [
        {
            "cust_no": "P003",
            "rel_type": "SPOUSE",
            "rel_name": "刘强",
            "rel_id_no": rid("31011519830808123"),
            "rel_mobile": "13600000000",
        }
    ]
    s.cust_rating = [{"cust_no": "C001", "rating": "AA", "rated_dt": date(2026, 1, 1)}]
    s.acct = [
        _acct("A1", "P001", "DMD01", "600500.00"),
        _acct("A2", "P001", "TD1Y", "1000000.00", mature=date(2026, 7, 15)),
        _acct("A3", "P001", "WM01", "400000.00"),
        _acct("A10", "P001", "CC01", "2000.00", limit="50000.00", repay="N"),
        _acct("A4", "P002", "DMD01", "5000.00"),
        _acct("A5", "P003", "DMD01", "90000.00"),
        _acct("A11", "P003", "DMD01", "1000000.00", status="C"),
        _acct("A6", "P004", "DMD01", "200000.00"),
        _acct("A7", "P004", "ODD", "70000.00"),
        _acct("A8", "C001", "DMD01", "30000000.00", opened=date(2010, 5, 1)),
        _acct(
            "L1",
            "C001",
            "LN01",
            "10000000.00",
            mature=date(2026, 7, 20),
            limit="12000000.00",
            repay="O",
            overdue=2,
        ),
        _acct("A9", "C002", "DMD01", "5000000.00"),
    ]
    s.acct_bal_hist = [
        {"acct_no": "A1", "bal_dt": date(2026, 1, 1), "bal": D("300000.00")},
        {"acct_no": "A1", "bal_dt": date(2026, 6, 15), "bal": D("600000.00")},
        {"acct_no": "A1", "bal_dt": date(2026, 6, 30), "bal": D("600500.00")},
        {"acct_no": "A2", "bal_dt": date(2025, 6, 30), "bal": D("1000000.00")},
        {"acct_no": "A5", "bal_dt": date(2026, 5, 1), "bal": D("90000.00")},
        {"acct_no": "A8", "bal_dt": date(2026, 3, 1), "bal": D("20000000.00")},
        {"acct_no": "A8", "bal_dt": date(2026, 6, 1), "bal": D("30000000.00")},
        {"acct_no": "A9", "bal_dt": date(2026, 6, 20), "bal": D("5000000.00")},
        {"acct_no": "A6", "bal_dt": date(2026, 6, 1), "bal": D("200000.00")},
    ]
    s.txn = [
        _txn(1, "A1", datetime(2026, 3, 1, 10, 0), "D", "1000.00", "300000.00", "ATM"),
        _txn(2, "A1", datetime(2026, 6, 15, 10, 0), "C", "300000.00", "600000.00", "NET"),
        _txn(3, "A1", datetime(2026, 6, 30, 9, 30), "C", "500.00", "600500.00"),
        _txn(4, "A5", datetime(2026, 5, 1, 11, 0), "C", "90000.00", "90000.00", "CTR"),
        _txn(5, "A8", datetime(2026, 6, 1, 15, 0), "C", "10000000.00", "30000000.00", "NET"),
        _txn(6, "A4", datetime(2026, 6, 2, 8, 0), "C", "5000.00", "5000.00"),
        _txn(7, "A6", datetime(2026, 6, 1, 8, 0), "C", "200000.00", "200000.00"),
        _txn(8, "A6", datetime(2026, 6, 3, 8, 0), "X", "10.00", "199990.00"),  # unknown direction code
        _txn(9, "A9", datetime(2026, 6, 20, 8, 0), "C", "5000000.00", "5000000.00", "POS"),
    ]
    return s


async def write_source(url: str, data: SourceData, *, bad_date: bool = True) -> None:
    """Create the demo schema in ``url`` (async URL) and insert ``data``; optionally one unreadable date."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(schema.metadata.drop_all)
            await conn.run_sync(schema.metadata.create_all)
            for table in schema.TABLES:
                rows = getattr(data, table.name)
                if rows:
                    await conn.execute(insert(table), rows)
            if bad_date and engine.dialect.name == "sqlite":
                await conn.execute(text("UPDATE cust_indv SET open_dt = '2021-13-45' WHERE cust_no = 'P004'"))
    finally:
        await engine.dispose()


async def add_rows(url: str, **tables: list[dict]) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            for name, rows in tables.items():
                await conn.execute(insert(getattr(schema, name)), rows)
    finally:
        await engine.dispose()


# ------------------------------------------------------------------------------------ reference metrics
AUM_TYPES = {"DMD": "dep", "TD": "dep", "WM": "wealth", "FUND": "fund"}
#: The codes demo.toml lists (account type and status).
KNOWN_TYPES = {"DMD", "TD", "WM", "FUND", "LOAN", "CARD"}
KNOWN_STATES = {"N", "F", "C"}
CENT = Decimal("0.01")


def _months(opened: date, as_of: date) -> int:
    months = (
        (as_of.year - opened.year) * 12 + as_of.month - opened.month - (1 if as_of.day < opened.day else 0)
    )
    return max(0, months)


def reference_metrics(data: SourceData, as_of: date = AS_OF) -> dict[str, dict]:
    prod_type = {p["prod_cd"]: p["prod_type"] for p in data.prod}
    customers = [(c["cust_no"], c.get("open_dt")) for c in data.cust_indv + data.cust_corp]
    out: dict[str, dict] = {}
    for cust_no, opened in customers:
        # An account whose type or status the mapping does not list is a bad row: left out, as are
        # transactions of an unknown direction.
        accts = [
            a
            for a in data.acct
            if a["cust_no"] == cust_no
            and prod_type.get(a["prod_cd"]) in KNOWN_TYPES
            and a["acct_status"] in KNOWN_STATES
        ]
        live = [a for a in accts if a["acct_status"] != "C"]
        sums = {"dep": D(0), "wealth": D(0), "fund": D(0), "loan": D(0), "card": D(0)}
        limit = D(0)
        for a in live:
            kind = prod_type.get(a["prod_cd"])
            if kind in AUM_TYPES:
                sums[AUM_TYPES[kind]] += a["cur_bal"]
            elif kind == "LOAN":
                sums["loan"] += a["cur_bal"]
                limit += a["credit_limit"] or 0
            elif kind == "CARD":
                sums["card"] += a["cur_bal"]
                limit += a["credit_limit"] or 0
        adb = {}
        aum_accts = [a["acct_no"] for a in accts if prod_type.get(a["prod_cd"]) in AUM_TYPES]
        for window in (30, 90, 365):
            total = D(0)
            for day_offset in range(window):
                day = as_of - timedelta(days=day_offset)
                for acct_no in aum_accts:
                    hist = sorted(
                        (h["bal_dt"], h["bal"])
                        for h in data.acct_bal_hist
                        if h["acct_no"] == acct_no and h["bal_dt"] <= day
                    )
                    if hist:
                        total += hist[-1][1]
            adb[window] = (total / window).quantize(CENT)
        acct_nos = {a["acct_no"] for a in accts}
        txns = [t for t in data.txn if t["acct_no"] in acct_nos and t["dc_flag"] in ("D", "C")]
        recent = [t for t in txns if as_of - timedelta(days=89) <= t["txn_ts"].date() <= as_of]
        first_open = opened or min((a["open_dt"] for a in accts), default=None)
        aum = sums["dep"] + sums["wealth"] + sums["fund"]
        contribution = (
            D("0.015") * sums["dep"]
            + D("0.008") * (sums["wealth"] + sums["fund"])
            + D("0.02") * sums["loan"]
            + D("0.01") * sums["card"]
        ).quantize(CENT)
        out[cust_no] = {
            "aum": aum.quantize(CENT),
            "adb_30": adb[30],
            "adb_90": adb[90],
            "adb_365": adb[365],
            "deposit_balance": sums["dep"].quantize(CENT),
            "wealth_balance": sums["wealth"].quantize(CENT),
            "fund_balance": sums["fund"].quantize(CENT),
            "loan_balance": sums["loan"].quantize(CENT),
            "credit_limit": limit.quantize(CENT),
            "credit_used": (sums["loan"] + sums["card"]).quantize(CENT),
            "product_count": len(live),
            "txn_count_90": len(recent),
            "txn_volume_90": sum((t["amt"] for t in recent), D(0)).quantize(CENT),
            "contribution": contribution,
            "tenure_months": _months(first_open, as_of) if first_open else 0,
            "last_activity": max((t["txn_ts"].date() for t in txns), default=None),
        }
    for link in data.corp_rel:
        parent = link["parent_cust_no"]
        members = {parent} | {r["child_cust_no"] for r in data.corp_rel if r["parent_cust_no"] == parent}
        out[parent]["consolidated_aum"] = sum((out[m]["aum"] for m in members), D(0))
        out[parent]["consolidated_loan_balance"] = sum((out[m]["loan_balance"] for m in members), D(0))
    return out
