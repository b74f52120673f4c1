"""The report center fed by real events from a real scan (issue 18): a generated bank → the customer service's
scan → NATS → the report service's analytical store. The reports equal an independent SQL computation over the
customer service's copy of the source (its accounts as scanned), per org subtree and per scope, on the service
database and on the columnar copy; the store rebuilt from the streams (``kam-report rebuild``) equals the one built
incrementally, and reports read the same after it.
On SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
from datetime import date, timedelta
from decimal import Decimal

import grpc
import pytest
from google.type import date_pb2
from kam.report.v1 import report_pb2
from kam.report.v1 import report_service_pb2 as pb
from kam.report.v1 import report_service_pb2_grpc as pb_grpc
from kam_devkit import procs
from kam_kit import auth
from kam_kit.clock import SYSTEM_CLOCK
from kam_kit.permissions import BRANCH_MANAGER, HEAD_OFFICE_LEADER
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

pytestmark = pytest.mark.e2e
ASSETS = ("DEMAND_DEPOSIT", "TIME_DEPOSIT", "WEALTH", "FUND")
#: the store's tables compared before and after a rebuild: (table, what identifies a row, what is summed)
STORE = {
    "customer_facts": "count(*), count(distinct tier), count(distinct branch)",
    "account_facts": "count(*), sum(balance)",
    "balance_days": "count(*), sum(balance)",
    "transaction_days": "count(*), sum(credit_amount), sum(debit_amount), sum(credit_count + debit_count)",
    "tier_spans": "count(*)",
    "staff_facts": "count(*)",
    "org_units": "count(*)",
}


@pytest.fixture(scope="module")
def core_banking(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('core') / 'core-banking.db'}"
    subprocess.run(
        [
            str(procs.console_script("kam-demobank")),
            "generate",
            "--url",
            url,
            "--customers",
            "2000",
            "--transactions",
            "20000",
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return url


async def _rows(url: str, sql: str) -> list:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return list((await conn.execute(text(sql))).all())
    finally:
        await engine.dispose()


async def _store(url: str) -> dict[str, tuple]:
    out = {}
    for table, figures in STORE.items():
        (row,) = await _rows(url, f"SELECT {figures} FROM {table}")
        out[table] = tuple(str(Decimal(v).normalize()) if v is not None else None for v in row)
    return out


async def _settled(kam) -> dict[str, tuple]:
    """Wait until the scan has finished and the store has taken in every account it published, then settles."""
    customer, report = kam.database_url("customer"), kam.database_url("report")
    loop = asyncio.get_running_loop()
    deadline, last, same = loop.time() + 240, None, 0
    while loop.time() < deadline:
        scans = await _rows(customer, "SELECT count(*) FROM scan_jobs WHERE state = 'SUCCEEDED'")
        accounts = (await _rows(customer, "SELECT count(*) FROM accounts"))[0][0]
        if scans[0][0] >= 1 and accounts:
            snapshot = await _store(report)
            if snapshot["account_facts"][0] == str(accounts) and snapshot == last:
                same += 1
                if same >= 2:
                    return snapshot
            else:
                same = 0
            last = snapshot
        await asyncio.sleep(1.0)
    raise AssertionError(f"the store did not settle: {last}")


def _metadata(secret: str, *roles: str, org_unit: str = "") -> tuple:
    token = auth.issue_token(
        auth.Identity(subject="users/e2e", roles=roles, org_unit=org_unit),
        secret=secret,
        clock=SYSTEM_CLOCK,
        ttl=timedelta(hours=1),
    )
    return ((auth.METADATA_KEY, auth.bearer(token)),)


def _yuan(value) -> Decimal:
    """A stored amount (SQLite hands NUMERIC back as a float) to the cent."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _d(day: date) -> date_pb2.Date:
    return date_pb2.Date(year=day.year, month=day.month, day=day.day)


async def _regional(address: str, metadata, start: date, end: date, **parameters) -> dict[str, dict]:
    async with grpc.aio.insecure_channel(address) as channel:
        reply = await pb_grpc.ReportServiceStub(channel).CreateReport(
            pb.CreateReportRequest(
                report=report_pb2.Report(
                    kind=report_pb2.REPORT_KIND_REGIONAL_SALES,
                    parameters=report_pb2.ReportParameters(
                        start_date=_d(start), end_date=_d(end), **parameters
                    ),
                )
            ),
            metadata=metadata,
            timeout=60,
        )
    report = reply.report
    assert report.state == report_pb2.Report.STATE_SUCCEEDED, report.error_message
    keys = [c.key for c in report.columns]

    def cells(values) -> dict:
        return {
            k: v.WhichOneof("kind") and getattr(v, v.WhichOneof("kind"))
            for k, v in zip(keys, values, strict=True)
        }

    rows = {row.drill_down: cells(row.values) for row in report.rows}
    rows["合计"] = cells(report.totals.values)
    return rows


async def _copied(directory) -> None:
    """Wait until the report service's columnar copy has been made (its file, no export in progress)."""
    for _ in range(600):
        names = [p.name for p in directory.iterdir()] if directory.exists() else []
        if any(re.fullmatch(r"report\.\d+\.duckdb", n) for n in names) and not any(
            "-csv-" in n for n in names
        ):
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"no columnar copy in {directory}")


async def test_reports_equal_the_scanned_accounts_and_a_rebuild_changes_nothing(
    kam_processes, core_banking, token_secret, service_databases, tmp_path
) -> None:
    columnar = tmp_path / "columnar"
    kam = kam_processes(
        "customer",
        "report",
        env={
            "KAM_CUSTOMER_SOURCE_URL": core_banking,
            "KAM_CUSTOMER_SCAN_ON_START": "true",
            "KAM_REPORT_COLUMNAR_PATH": str(columnar / "report.duckdb"),
            "KAM_REPORT_COLUMNAR_QUICK": "0",  # a made copy answers (as for a large store), changed or not
        },
        database_urls=service_databases,
    )
    built = await _settled(kam)
    customer_db = kam.database_url("customer")
    today = (await _rows(customer_db, "SELECT max(as_of) FROM scan_jobs"))[0][0]
    end = today if isinstance(today, date) else date.fromisoformat(str(today)[:10])
    end = min(end, date.today())
    start = end - timedelta(days=30)

    # The independent computation: the customer service's accounts as scanned, summed per subtree of the units
    # below the root (a unit's customers and its sub-units').
    units = {uid: parent for uid, parent in await _rows(customer_db, "SELECT id, parent_id FROM org_units")}
    root = next(u for u, p in units.items() if not p)

    def top_of(unit: str) -> str:
        while units.get(unit) and units[unit] != root:
            unit = units[unit]
        return unit

    held = await _rows(
        customer_db,
        "SELECT c.branch, a.type, a.balance, a.state, a.open_date FROM accounts a "
        "JOIN customers c ON c.id = a.customer_id",
    )
    expected: dict[str, dict[str, Decimal]] = {}
    for branch, kind, balance, state, opened in held:
        if state == "CLOSED" or (opened is not None and str(opened)[:10] > end.isoformat()):
            continue
        unit = top_of(branch.removeprefix("orgUnits/"))
        sums = expected.setdefault(f"orgUnits/{unit}", {"aum": Decimal(0), "loans": Decimal(0)})
        if kind in ASSETS:
            sums["aum"] += _yuan(balance)
        elif kind == "LOAN":
            sums["loans"] += _yuan(balance)
    counts = dict(await _rows(customer_db, "SELECT branch, count(*) FROM customers GROUP BY branch"))
    customers_per_unit: dict[str, int] = {}
    for branch, n in counts.items():
        unit = f"orgUnits/{top_of(branch.removeprefix('orgUnits/'))}"
        customers_per_unit[unit] = customers_per_unit.get(unit, 0) + n

    address = kam.grpc_addr("report")
    hq = await _regional(address, _metadata(token_secret, HEAD_OFFICE_LEADER), start, end)
    for unit, sums in expected.items():
        assert Decimal(hq[unit]["assets_under_management"]) == sums["aum"], unit
        assert Decimal(hq[unit]["loans"]) == sums["loans"], unit
        assert hq[unit]["customer_count"] == customers_per_unit[unit], unit
    assert Decimal(hq["合计"]["assets_under_management"]) == sum(s["aum"] for s in expected.values())
    # The first report asked for the columnar copy; once made, the same report is read there.
    await _copied(columnar)
    assert await _regional(address, _metadata(token_secret, HEAD_OFFICE_LEADER), start, end) == hq

    # A branch manager sees their branch's figures: the head office's row for it, drilled down, adds up.
    branch = max(expected, key=lambda u: expected[u]["aum"])
    theirs = await _regional(address, _metadata(token_secret, BRANCH_MANAGER, org_unit=branch), start, end)
    for key in (
        "customer_count",
        "deposits",
        "assets_under_management",
        "loans",
        "new_accounts",
        "aum_growth",
    ):
        assert str(theirs["合计"][key]) == str(hq[branch][key]), key

    # Rebuild from the streams: the same store, the same report.
    kam.stop("report")
    result = await asyncio.to_thread(
        subprocess.run,
        [str(procs.console_script("kam-report")), "rebuild", "--timeout", "180"],
        check=False,
        env={**os.environ, **kam.env},
        cwd=kam.root,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    applied = [int(n) for n in re.findall(r"applied (\d+)", result.stdout)]
    assert "完成" in result.stdout and max(applied) >= int(built["account_facts"][0])  # every event again
    assert await _store(kam.database_url("report")) == built
    kam.restart("report")
    again = await _regional(address, _metadata(token_secret, HEAD_OFFICE_LEADER), start, end)
    assert again == hq
