"""The console's 报表中心 in a real browser (Debian's chromium through Playwright) over the real gateway, the
customer and report services and NATS, the customer service scanning the demo core-banking source (the fixtures
of ``test_console_browser.py``; a stack of this module's own).

A head-office leader opens 报表中心, asks for 地区销售额统计 and sees the table the API stored — the figures of the
demo bank — under a chart; clicks a branch and gets that branch's report, whose totals are the row clicked; exports
it as Excel and the workbook holds the same numbers. A branch manager's report of the same kind covers only their
subtree: its totals are head office's row for that branch. On a 390 px phone a relationship manager reads his
最重要的客户 without the page overflowing.
"""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Iterator

import httpx
import pytest
from kam_devkit.testing import KamProcesses
from openpyxl import load_workbook
from playwright.async_api import expect

from tests.e2e.test_console_browser import PHONE, _bearer, _new_page, _sign_in, core_banking, gateway_url

pytestmark = pytest.mark.e2e
__all__ = ["core_banking", "gateway_url"]


@pytest.fixture(scope="module")
def stack(
    core_banking: str, token_secret: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KamProcesses]:
    kam = KamProcesses(
        tmp_path_factory.mktemp("kam"),
        token_secret,
        {"KAM_CUSTOMER_SOURCE_URL": core_banking, "KAM_CUSTOMER_SCAN_ON_START": "true"},
        None,
    )
    try:
        kam.start("customer", "report", "alert", "notice", "task", "gateway")
        yield kam
    finally:
        kam.close()


async def _api(base: str, user: str, method: str, path: str, **kwargs) -> dict:
    """One call as a well-behaved client makes it: a 429 is waited out for its ``Retry-After`` (a few times)."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        headers = await _bearer(client, user)
        for _ in range(5):
            reply = await client.request(method, path, headers=headers, **kwargs)
            if reply.status_code != 429:
                break
            await asyncio.sleep(float(reply.headers.get("retry-after", "1")))
        assert reply.status_code == 200, reply.text
        return reply.json()


def _figures(report: dict) -> tuple[dict[str, dict], dict]:
    keys = [c["key"] for c in report["columns"]]
    rows = {r.get("drillDown", ""): dict(zip(keys, r["values"], strict=True)) for r in report.get("rows", [])}
    return rows, dict(zip(keys, report["totals"]["values"], strict=True))


async def _regional(base: str, user: str, **parameters) -> dict:
    body = {
        "kind": "REPORT_KIND_REGIONAL_SALES",
        "parameters": {
            "startDate": {"year": 2026, "month": 1, "day": 1},
            "endDate": {"year": 2026, "month": 12, "day": 31},
            **parameters,
        },
    }
    return await _api(base, user, "POST", "/v1/reports", json=body)


@pytest.fixture(scope="module")
async def ready(gateway_url: str) -> str:
    """The stack once the report store has taken in the scan: the bank's AUM stops changing."""
    loop = asyncio.get_running_loop()
    deadline, last, stable = loop.time() + 180, None, 0
    while loop.time() < deadline:
        _, totals = _figures(await _regional(gateway_url, "hq_leader"))
        aum = totals.get("assets_under_management")
        stable = stable + 1 if aum and aum != "0.00" and aum == last else 0
        last = aum
        if stable >= 3:
            return gateway_url
        await asyncio.sleep(3)
    pytest.fail(f"the report store never settled (AUM {last})")


def _id_of(url: str) -> str:
    """The report a page shows (its address also carries the drill trail, with the earlier reports' ids)."""
    return url.split("/reports/")[1].split("?")[0] if "/reports/" in url else ""


async def test_a_leader_reads_drills_and_exports_and_a_branch_manager_sees_their_subtree(
    browser, ready: str
) -> None:
    base = ready
    page = await _new_page(browser, accept_downloads=True, service_workers="block")
    await _sign_in(page, base, "hq_leader", start="/reports")
    await expect(page.get_by_test_id("report-catalogue")).to_be_visible()
    await page.get_by_test_id("report-new-REGIONAL_SALES").click()
    await expect(page.get_by_test_id("report-form")).to_be_visible()
    await page.get_by_test_id("report-submit").click()
    await page.wait_for_url(re.compile(r"/reports/[0-9a-f]{32}"))
    report_id = _id_of(page.url)
    stored = await _api(base, "hq_leader", "GET", f"/v1/reports/{report_id}")
    rows, totals = _figures(stored)
    assert rows and float(totals["assets_under_management"]) > 0
    # The page shows the stored table: each row's AUM, and the totals.
    table = page.get_by_test_id("report-data")
    await expect(table).to_be_visible()
    await expect(page.get_by_test_id("report-data-time")).to_be_visible()
    summary = await page.get_by_test_id("report-totals").inner_text()
    assert f"{float(totals['assets_under_management']):,.2f}" in summary
    for row in rows.values():
        await expect(table).to_contain_text(f"{float(row['assets_under_management']):,.2f}")

    # Drill into the largest branch: a new report whose totals are the row clicked.
    unit, row = max(rows.items(), key=lambda item: float(item[1]["assets_under_management"]))
    await page.get_by_test_id("report-drill").filter(has_text=row["label"]).first.click()
    await page.wait_for_url(lambda url: _id_of(url) != report_id)
    await expect(page.get_by_test_id("report-breadcrumb")).to_contain_text(row["label"])
    drilled_id = _id_of(page.url)
    drilled = await _api(base, "hq_leader", "GET", f"/v1/reports/{drilled_id}")
    assert drilled["parameters"]["orgUnits"] == [unit]
    _, drilled_totals = _figures(drilled)
    for key in ("customer_count", "assets_under_management", "deposits", "loans"):
        assert str(drilled_totals[key]) == str(row[key]), key

    # Excel: the same numbers.
    async with page.expect_download() as download_info:
        await page.get_by_test_id("report-export-xlsx").click()
    download = await download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO((await download.path()).read_bytes())).active
    cells = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(cells) if r and "金融资产(元)" in r)
    column = cells[header].index("金融资产(元)")
    total_row = next(r for r in cells[header + 1 :] if r and r[0] == "合计")
    assert total_row[column] == pytest.approx(float(drilled_totals["assets_under_management"]))

    # The branch manager (北京分行, orgUnits/0100): their report covers their subtree only — its totals are head
    # office's row for the branch, asked with the same conditions.
    bm_page = await _new_page(browser, service_workers="block")
    await _sign_in(bm_page, base, "branch_manager", start="/reports/new?kind=REGIONAL_SALES")
    await bm_page.get_by_test_id("report-submit").click()
    await bm_page.wait_for_url(re.compile(r"/reports/[0-9a-f]{32}"))
    bm_id = _id_of(bm_page.url)
    theirs = await _api(base, "branch_manager", "GET", f"/v1/reports/{bm_id}")
    _, bm_totals = _figures(theirs)
    hq_rows, hq_totals = _figures(
        await _api(
            base,
            "hq_leader",
            "POST",
            "/v1/reports",
            json={"kind": "REPORT_KIND_REGIONAL_SALES", "parameters": theirs["parameters"]},
        )
    )
    assert float(bm_totals["assets_under_management"]) < float(hq_totals["assets_under_management"])
    for key in ("customer_count", "assets_under_management", "deposits", "loans"):
        assert str(bm_totals[key]) == str(hq_rows["orgUnits/0100"][key]), key
    await expect(bm_page.get_by_test_id("report-totals")).to_contain_text(
        f"{float(bm_totals['assets_under_management']):,.2f}"
    )


async def test_a_relationship_manager_reads_his_top_customers_on_a_phone(browser, ready: str) -> None:
    page = await _new_page(browser, PHONE, service_workers="block")
    await _sign_in(page, ready, "rm_zhang")
    # the bottom navigation has no room for 报表中心: the user menu lists the other pages
    # (each step waited for: on a loaded machine the menu's animation and the page's chunk take their time)
    await page.get_by_test_id("user-menu").click()
    item = page.get_by_role("menuitem", name="报表中心")
    await expect(item).to_be_visible()
    await item.click()
    await page.wait_for_url(re.compile(r"/reports$"))
    await expect(page.get_by_test_id("report-catalogue")).to_be_visible(timeout=30_000)
    await page.goto(ready + "/reports/new?kind=TOP_CUSTOMERS")
    await page.get_by_test_id("report-submit").click()
    await page.wait_for_url(re.compile(r"/reports/[0-9a-f]{32}"))
    await expect(page.get_by_test_id("report-data")).to_be_visible()
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page overflows a phone: {width}px"
    report_id = _id_of(page.url)
    rows, _ = _figures(await _api(ready, "rm_zhang", "GET", f"/v1/reports/{report_id}"))
    assert rows, "张经理 has no customers in his report"
    assert all(name.startswith("customers/") for name in rows)
    first = next(iter(rows.values()))
    await expect(page.get_by_test_id("report-data")).to_contain_text(first["label"])
