#!/usr/bin/env python3
"""Screenshots of the console's main pages, desktop and phone, into docs/screenshots/ (linked from the README).

Start ``make run`` first, then (workspace venv)::

    python gateway/console/screenshots.py [--url http://127.0.0.1:8080] [--user hq_leader]

Debian's chromium (``/usr/bin/chromium``) is driven by Playwright; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
from pathlib import Path

from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
PASSWORD = os.environ.get("KAM_DEMO_PASSWORD", "kam-demo-2026")
DESKTOP = {"width": 1366, "height": 860}
PHONE = {"width": 390, "height": 844}


async def sign_in(page, url: str, user: str) -> None:
    await page.goto(f"{url}/login")
    await page.get_by_label("用户名").fill(user)
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name=re.compile("登\\s*录")).click()
    await page.get_by_test_id("home").wait_for()


async def shoot(url: str, user: str) -> list[Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        for device, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            context = await browser.new_context(viewport=viewport, locale="zh-CN", service_workers="block")
            page = await context.new_page()
            await page.goto(f"{url}/login")
            written.append(OUT / f"{device}-login.png")
            await page.screenshot(path=written[-1])
            await sign_in(page, url, user)
            if await page.get_by_test_id(
                "home-leader-reports"
            ).count():  # a leader's widgets load after the page
                await page.wait_for_function(
                    "() => !document.querySelector('[data-testid^=\"home-report-loading-\"]')", timeout=60_000
                )
            await page.wait_for_timeout(800)  # charts animate in
            written.append(OUT / f"{device}-home.png")
            await page.screenshot(path=written[-1], full_page=True)
            await page.goto(f"{url}/customers?key=1")
            await page.get_by_test_id("customer-total").wait_for()
            await page.wait_for_timeout(500)  # the rows paint after the count
            written.append(OUT / f"{device}-customers.png")
            await page.screenshot(path=written[-1])
            first = (
                page.locator("a[href^='/customers/']").first
                if device == "desktop"
                else page.get_by_test_id("customer-card").first
            )
            await first.click()
            await page.get_by_test_id("tier-panel").wait_for()
            written.append(OUT / f"{device}-customer-360.png")
            await page.screenshot(path=written[-1], full_page=device == "phone")
            await context.close()
        written += await _work_pages(browser, url)
        written += await _report_pages(browser, url)
        await browser.close()
    return written


async def _work_pages(browser, url: str) -> list[Path]:
    """The 任务 and 营销 pages: head office's campaign results on a desktop; 张经理's tasks and his campaign targets
    (营销执行) on his phone."""
    written: list[Path] = []
    context = await browser.new_context(viewport=DESKTOP, locale="zh-CN", service_workers="block")
    page = await context.new_page()
    await sign_in(page, url, "hq_leader")
    await page.goto(f"{url}/campaigns")
    await page.get_by_test_id("campaign-link").first.click()
    await page.get_by_test_id("campaign-funnel").wait_for()
    await page.wait_for_timeout(800)  # charts animate in
    written.append(OUT / "desktop-campaign.png")
    await page.screenshot(path=written[-1], full_page=True)
    await page.goto(f"{url}/tasks?tab=all")
    await page.get_by_test_id("tasks-total").wait_for()
    await page.wait_for_timeout(800)
    written.append(OUT / "desktop-tasks.png")
    await page.screenshot(path=written[-1])
    await context.close()
    context = await browser.new_context(viewport=PHONE, locale="zh-CN", service_workers="block")
    page = await context.new_page()
    await sign_in(page, url, "rm_zhang")
    await page.goto(f"{url}/tasks")
    await page.get_by_test_id("task-card").first.wait_for()
    await page.wait_for_timeout(800)  # the list settles (a refetch greys it meanwhile)
    written.append(OUT / "phone-tasks.png")
    await page.screenshot(path=written[-1], full_page=True)
    await page.goto(f"{url}/campaigns")
    await page.get_by_test_id("campaign-execute").first.click()  # a card's 营销执行 on the phone
    await page.get_by_test_id("target-card").first.wait_for()
    await page.wait_for_timeout(800)
    written.append(OUT / "phone-campaign-targets.png")
    await page.screenshot(path=written[-1], full_page=True)
    await context.close()
    return written


async def _report_pages(browser, url: str) -> list[Path]:
    """报表中心: head office's catalogue, a regional sales report, its 定时发送 form and the 定时报表 list on a desktop;
    the branch manager's on a phone."""
    written: list[Path] = []
    for device, viewport, user in (("desktop", DESKTOP, "hq_leader"), ("phone", PHONE, "branch_manager")):
        context = await browser.new_context(viewport=viewport, locale="zh-CN", service_workers="block")
        page = await context.new_page()
        await sign_in(page, url, user)
        if device == "desktop":
            await page.goto(f"{url}/reports")
            await page.get_by_test_id("report-catalogue").wait_for()
            written.append(OUT / "desktop-reports.png")
            await page.screenshot(path=written[-1], full_page=True)
        await page.goto(f"{url}/reports/new?kind=REGIONAL_SALES")
        await page.get_by_test_id("report-submit").click()
        await page.get_by_test_id("report-data").wait_for()
        await page.wait_for_timeout(1200)  # charts animate in
        written.append(OUT / f"{device}-report.png")
        await page.screenshot(path=written[-1], full_page=True)
        # 定时发送: the form prefilled from the report, then the schedule list with it
        await page.get_by_test_id("report-schedule").click()
        await page.get_by_test_id("schedule-form").wait_for()
        await page.wait_for_timeout(500)  # the drawer slides in
        written.append(OUT / f"{device}-report-schedule.png")
        await page.screenshot(path=written[-1])
        await page.get_by_test_id("schedule-save").click()
        await page.get_by_test_id("schedule-form").wait_for(state="hidden")  # saved
        await page.goto(f"{url}/reports/schedules")
        await page.get_by_test_id("schedules").wait_for()
        await page.wait_for_timeout(500)
        written.append(OUT / f"{device}-schedules.png")
        await page.screenshot(path=written[-1], full_page=True)
        await context.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--user", default="hq_leader")
    args = parser.parse_args()
    for path in asyncio.run(shoot(args.url, args.user)):
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
