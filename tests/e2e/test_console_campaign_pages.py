"""The console's 营销 pages in a real browser: Debian's chromium driven by Playwright over the real gateway and the
customer, report, alert, notice and task services and NATS (nothing mocked), the customer service scanning the demo
core-banking source, with the fixtures of ``test_console_browser.py`` (a stack of this module's own, with the task
service).

A head-office leader builds a campaign for 北京东城支行 in the builder — the live target count follows the executing
unit and a segment condition, and equals the API's own preview — and launches it after a confirmation that states
the count. On a 390 px phone 张经理 (rm_zhang) opens 营销执行 for it, sees his target customers as cards and logs a
contact; the card moves along the funnel at once. Meanwhile the leader's 营销成果 page, open since before, shows the
contact — figures and activities — without a reload (the task service's ``campaign.progress`` push). And on the
phone 张经理 reaches 任务 from the bottom navigation, with his demo tasks, and 营销 from the home page.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Iterator

import httpx
import pytest
from kam_devkit.testing import KamProcesses
from playwright.async_api import Page, expect

from tests.e2e.test_console_browser import (
    PHONE,
    _as,
    _bearer,
    _english_words,
    _new_page,
    _not_chinese,
    _sign_in,
    core_banking,
    gateway_url,
)

pytestmark = pytest.mark.e2e
#: the fixtures of test_console_browser.py, used here by name (``stack`` is this module's own)
__all__ = ["core_banking", "gateway_url"]

EAST = "orgUnits/0101"  # 北京东城支行, 张经理's branch
DEMO_CAMPAIGN = "2026年末理财冲刺"


@pytest.fixture(scope="module")
def stack(
    core_banking: str, token_secret: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KamProcesses]:
    """Every service and the gateway (the task service included), the customer service scanning the demo source at
    start."""
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


async def _call(base: str, user: str, method: str, path: str, **kwargs) -> httpx.Response:
    async with httpx.AsyncClient(base_url=base, timeout=20) as client:
        return await client.request(method, path, headers=await _bearer(client, user), **kwargs)


async def _preview(base: str, segment: dict) -> dict:
    """The API's own live count for 东城 with no hold-out and ``segment``."""
    body = {
        "campaign": {
            "displayName": "",
            "productType": "TYPE_WEALTH",
            "orgUnits": [EAST],
            "startDate": {},
            "endDate": {},
            "segment": segment,
            "holdoutPercent": 0,
        },
        "sampleSize": 10,
    }
    reply = await _call(base, "hq_leader", "POST", "/v1/campaigns:previewTargets", json=body)
    assert reply.status_code == 200, reply.text
    return reply.json()


@pytest.fixture(scope="module")
async def ready(gateway_url: str) -> str:
    """The stack once the task service's copies know 张经理's customers and his staff code: the demo campaign (made
    at that moment) is launched, or — without it — 东城's targets stop changing."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 120
    last, stable = -1, 0
    while loop.time() < deadline:
        listed = await _as(gateway_url, "hq_leader", "/v1/campaigns", pageSize="50")
        if any(
            c["displayName"] == DEMO_CAMPAIGN and c.get("state") == "STATE_ACTIVE"
            for c in listed.get("campaigns", [])
        ):
            return gateway_url
        count = int((await _preview(gateway_url, {})).get("targetCustomerCount", 0))
        stable = stable + 1 if count and count == last else 0
        last = count
        if stable >= 12:
            return gateway_url
        await asyncio.sleep(2)
    pytest.fail("the task service never had 北京东城支行's customers")


async def _pick_unit(page: Page, test_id: str, name: str) -> None:
    await page.get_by_test_id(test_id).click()
    await page.keyboard.type(name[2:4])
    await page.locator(".ant-select-tree-node-content-wrapper", has_text=name).click()
    await page.keyboard.press("Escape")


async def _count_shows(page: Page, count: int) -> None:
    await expect(page.get_by_test_id("preview-count")).to_contain_text(f"{count:,}")
    await expect(page.get_by_test_id("preview-count-inline")).to_have_text(f"目标客户 {count:,} 户")


async def test_a_leader_builds_and_launches_a_campaign_an_rm_logs_a_contact_on_the_phone_and_the_results_change_live(
    browser, ready: str
) -> None:
    base = ready
    name = f"东城支行理财推介 {uuid.uuid4().hex[:6]}"
    english = _english_words()

    # --- the builder, as head office: the live count follows the plan and equals the API's
    leader = await _new_page(browser, service_workers="block")
    await _sign_in(leader, base, "hq_leader", start="/campaigns")
    await leader.get_by_test_id("campaign-new").click()
    await expect(leader.get_by_test_id("campaign-builder")).to_be_visible()
    await leader.get_by_label("活动名称").fill(name)
    await leader.get_by_label("营销话术").fill("您好，我行年末推出稳健型理财，期限灵活……")
    await leader.get_by_label("目标金额").fill("5000000")
    await leader.get_by_label("对照组比例").fill("0")
    await expect(leader.get_by_text("选择执行机构后，这里实时显示目标客户数")).to_be_visible()
    await _pick_unit(leader, "campaign-org-units", "北京东城支行")
    everyone = int((await _preview(base, {})).get("targetCustomerCount", 0))
    assert everyone > 0
    await _count_shows(leader, everyone)
    await expect(leader.get_by_test_id("preview-unit")).to_have_text(
        [re.compile(rf"^北京东城支行\s*{everyone:,}$")]
    )
    await expect(leader.get_by_test_id("preview-sample").first).to_be_visible()
    # a segment condition: the count follows it
    await leader.get_by_role("checkbox", name="个人").check()
    individuals = int(
        (await _preview(base, {"customerTypes": ["TYPE_INDIVIDUAL"]})).get("targetCustomerCount", 0)
    )
    await _count_shows(leader, individuals)
    await leader.get_by_role("checkbox", name="个人").uncheck()
    await _count_shows(leader, everyone)
    assert _not_chinese(await leader.locator("main").inner_text(), english) == []

    # 启动: the confirmation states the count; the campaign's page follows
    await leader.get_by_test_id("campaign-launch").click()
    await expect(leader.get_by_test_id("launch-confirm")).to_contain_text(
        f"确定 {everyone:,} 户目标客户，其中对照组 0 户"
    )
    await leader.locator(".ant-modal-confirm").get_by_role("button", name=re.compile(r"启\s*动")).click()
    await leader.wait_for_url(re.compile(r"/campaigns/[0-9a-f]+$"))
    campaign_id = leader.url.rsplit("/", 1)[-1]
    await expect(leader.get_by_test_id("campaign-state")).to_have_text("进行中")
    await expect(leader.get_by_test_id("campaign-title")).to_have_text(name)
    stored = await _as(base, "hq_leader", f"/v1/campaigns/{campaign_id}")
    assert stored["state"] == "STATE_ACTIVE" and stored["orgUnits"] == [EAST]
    assert int(stored["targetCustomerCount"]) == everyone and int(stored.get("holdoutCustomerCount", 0)) == 0
    await expect(leader.get_by_test_id("figure-reached")).to_contain_text("0")
    await expect(leader.get_by_test_id("no-holdout")).to_have_text("无对照组")
    await expect(leader.get_by_test_id("campaign-activities")).to_contain_text("暂无数据")
    assert _not_chinese(await leader.locator("main").inner_text(), english) == []

    # --- 营销执行 on a phone, as 张经理: his targets as cards; a contact logged moves the card at once
    mine = await _as(
        base, "rm_zhang", f"/v1/campaigns/{campaign_id}/targets", filter='relationship_manager = "users/me"'
    )
    assert mine.get("totalSize", 0) > 0, f"张经理 has no targets in {stored}"
    rm = await _new_page(browser, PHONE, service_workers="block")
    await _sign_in(rm, base, "rm_zhang", start=f"/campaigns/{campaign_id}/targets")
    cards = rm.get_by_test_id("target-card")
    await expect(cards).to_have_count(mine["totalSize"])
    box = await cards.first.bounding_box()
    assert box and box["width"] > 340, f"the card is squeezed: {box}"
    first = mine["campaignTargets"][0]  # the page asks the same list, in the same order
    card = cards.first
    await expect(card).to_contain_text(first["customerDisplayName"])
    await expect(card.get_by_test_id("target-stage")).to_have_text("未联系")
    record = card.get_by_test_id("target-record")
    button = await record.bounding_box()
    assert button and button["height"] >= 44, f"the button is too small to tap: {button}"
    await record.click()
    drawer = rm.get_by_role("dialog")
    await expect(drawer).to_contain_text(f"记录营销：{first['customerDisplayName']}")
    await drawer.locator(".ant-radio-button-wrapper", has_text="拜访").click()
    await drawer.locator(".ant-radio-button-wrapper", has_text="有意向").click()
    await drawer.get_by_label("备注").fill("上门拜访，客户有意向，下周面谈。")
    await drawer.get_by_test_id("activity-save").click()
    await expect(rm.get_by_text("已记录")).to_be_visible()
    await expect(card.get_by_test_id("target-stage")).to_have_text("有意向")
    await expect(card.get_by_test_id("target-last")).not_to_have_text("未联系")
    assert _not_chinese(await rm.locator("main").inner_text(), english) == []
    logged = await _as(base, "rm_zhang", f"/v1/campaigns/{campaign_id}/activities")
    assert [a["outcome"] for a in logged["campaignActivities"]] == ["OUTCOME_INTERESTED"]
    assert logged["campaignActivities"][0]["channel"] == "CHANNEL_VISIT"

    # --- the leader's page, never reloaded: the push brings the contact (well before the 30 s fallback)
    await expect(leader.get_by_test_id("figure-reached")).to_contain_text("1", timeout=15_000)
    await expect(leader.get_by_test_id("figure-interested")).to_contain_text("1", timeout=15_000)
    await expect(leader.get_by_test_id("campaign-activity")).to_have_count(1, timeout=15_000)
    await expect(leader.get_by_test_id("campaign-activity").first).to_contain_text("有意向")
    await expect(leader.get_by_test_id("campaign-activity").first).to_contain_text("拜访")
    await expect(leader.get_by_test_id("funnel-reached")).to_have_text("已触达：1")
    results = await _as(base, "hq_leader", f"/v1/campaigns/{campaign_id}/results")
    assert results["total"]["reachedCount"] == "1" and results["total"]["interestedCount"] == "1"
    await rm.context.close()
    await leader.context.close()


async def test_an_rm_reaches_tasks_and_campaigns_on_the_phone(browser, ready: str) -> None:
    base = ready
    tasks = await _as(base, "rm_zhang", "/v1/tasks", filter='assignee = "users/me"', pageSize="100")
    open_ = [t for t in tasks.get("tasks", []) if t["state"] in ("STATE_OPEN", "STATE_IN_PROGRESS")]
    assert open_, "张经理 has no demo tasks"
    page = await _new_page(browser, PHONE, service_workers="block")
    await _sign_in(page, base, "rm_zhang")
    nav = page.get_by_test_id("bottom-nav")
    await expect(nav.get_by_role("link")).to_have_text(
        ["工作台", "客户", "搜索", re.compile(r"^预警中心\s*\d*$"), "任务", re.compile(r"^消息\s*\d*$")]
    )
    # 营销 from the home page: the campaigns under way lead to 营销执行
    widget = page.get_by_test_id("widget-campaigns")
    await expect(widget).to_contain_text("我的营销任务")
    active = await _as(base, "rm_zhang", "/v1/campaigns", filter="state = STATE_ACTIVE")
    if active.get("totalSize"):
        first = widget.get_by_test_id("widget-campaign").first
        await first.get_by_role("link").click()
        await page.wait_for_url(re.compile(r"/campaigns/[0-9a-f]+/targets$"))
        await expect(page.get_by_test_id("campaign-targets-page")).to_be_visible()
        await page.go_back()
    await nav.get_by_role("link", name="任务").click()
    await page.wait_for_url(re.compile(r"/tasks$"))
    cards = page.get_by_test_id("task-card")
    await expect(cards).to_have_count(len(open_))
    for task in open_:
        await expect(cards.filter(has_text=task["title"])).to_have_count(1)
    # a campaign's task leads to its 营销执行
    campaign_task = next((t for t in open_ if t.get("campaign")), None)
    if campaign_task:
        await cards.filter(has_text=campaign_task["title"]).first.click()
        await page.get_by_test_id("task-campaign").click()
        await page.wait_for_url(re.compile(rf"/{campaign_task['campaign']}/targets$"))
        await expect(page.get_by_test_id("campaign-targets-page")).to_be_visible()
    await page.context.close()
