"""The web console in a real browser: Debian's chromium driven by Playwright over the real gateway, customer and
report services and NATS (nothing mocked), the customer service scanning a tiny demo core-banking source.

Journeys per role: each demo role signs in and sees its own home page and exactly its scope; a relationship
manager finds a customer by pinyin initials and opens the 360; a head-office leader simulates a rule set and sees
the migration matrix; the phone layout (390×844) has the bottom navigation and customer cards; a visited 360 stays
readable offline; signing out or losing the session leaves no customer data and returns to the same page after
signing in again; no zh-CN page shows a raw enum or an English status word; axe-core finds no serious
accessibility violation on the main pages; an administrator creates a user who signs in; a branch manager sets a
manual tier (reason, end date) on a customer and revokes it, a relationship manager sees no such action; the rule
editor shows the API's message beside an invalid threshold, then saves a new draft, saves it in place and simulates
it; a large cash withdrawal from a relationship manager's customer (through the core's change feed) appears in
their 预警中心 with a badge, and they acknowledge it and comment on it.

The browser is Debian's chromium (the ``browser`` fixture in ``conftest.py``).
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from kam_devkit import procs
from kam_devkit.testing import KamProcesses
from kam_kit import auth
from playwright.async_api import Page, expect
from pypinyin import Style, lazy_pinyin

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "gateway" / "console"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SHANGHAI = ZoneInfo("Asia/Shanghai")
PASSWORD = os.environ.get("KAM_DEMO_PASSWORD", "kam-demo-2026")
#: how the console reads personal data: names as the user may see them, identifiers masked (Pii's 显示 reads one
#: resource unmasked, audited) — the pages are compared with the API's answers in the same view
MASKED = "PII_VIEW_BASIC"
#: role → the scope label its home page shows
SCOPES = {
    "admin": "全行客户",
    "hq_leader": "全行客户",
    "compliance": "全行客户",
    "branch_manager": "本机构客户",
    "rm_zhang": "我的客户",
}


@pytest.fixture(scope="module")
def core_banking(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A demo core-banking source large enough that rm_zhang (the core's E000010) has key customers (10,000
    customers; read-only to the service, so shared by the tests)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('core') / 'core-banking.db'}"
    subprocess.run(
        [
            str(procs.console_script("kam-demobank")),
            "generate",
            "--url",
            url,
            "--customers",
            "10000",
            "--transactions",
            "10000",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return url


@pytest.fixture(scope="module")
def stack(
    core_banking: str, token_secret: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KamProcesses]:
    """Customer + report + alert + task + notice + gateway for the whole module (the journeys read; the one that writes adds its own
    records), the customer service scanning the demo source at start."""
    kam = KamProcesses(
        tmp_path_factory.mktemp("kam"),
        token_secret,
        {
            "KAM_CUSTOMER_SOURCE_URL": core_banking,
            "KAM_CUSTOMER_SCAN_ON_START": "true",
            # the key-date sweep every minute, so a date a journey adds is announced while it waits
            "KAM_CUSTOMER_KEY_DATE_CRON": "* * * * *",
        },
        None,
    )
    try:
        kam.start("customer", "report", "alert", "task", "notice", "gateway")
        yield kam
    finally:
        kam.close()


@pytest.fixture(scope="module")
async def gateway_url(browser, stack: KamProcesses) -> str:
    """The stack once its first scan has reached every service."""
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=10) as client:
        admin = await _bearer(client, "admin")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 60
        while loop.time() < deadline:
            stats = (await client.get("/v1/customerStats", headers=admin)).json()
            # the relationship manager's own customers: the core's staff reached the identity service (a token
            # carries the staff code from sign-in on, hence a new sign-in), and the report service's copy agrees
            rm = await _bearer(client, "rm_zhang")
            own = (await client.get("/v1/customers", headers=rm, params={"pageSize": 1})).json()
            own_stats = (await client.get("/v1/customerStats", headers=rm)).json()
            # and the report service has caught up with the customer service (its figures stop moving)
            key = (
                await client.get(
                    "/v1/customers", headers=admin, params={"pageSize": 1, "filter": "key_customer = true"}
                )
            ).json()
            if (
                any(c["tier"] == "tiers/gold" for c in stats.get("tierCounts", []))
                and int(stats.get("keyCustomerCount", 0)) == key.get("totalSize")
                and own.get("totalSize")
                and int(own_stats.get("customerCount", 0)) == own["totalSize"]
            ):
                return stack.gateway_url
            await asyncio.sleep(0.5)
    pytest.fail(f"the startup scan's customers never reached every service: {stats} {own} {own_stats}")


async def _bearer(client: httpx.AsyncClient, user: str) -> dict[str, str]:
    reply = await client.post("/v1/auth:login", json={"username": user, "password": PASSWORD})
    assert reply.status_code == 200, reply.text
    return {"authorization": f"Bearer {reply.json()['accessToken']}"}


async def _as(base: str, user: str, path: str, **params: str) -> dict:
    """What the API answers ``user`` (bearer token), to compare with what the page shows."""
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        reply = await client.get(path, headers=await _bearer(client, user), params=params)
        assert reply.status_code == 200, reply.text
        return reply.json()


async def _new_page(browser, viewport=DESKTOP, **options) -> Page:
    context = await browser.new_context(viewport=viewport, locale="zh-CN", **options)
    return await context.new_page()


async def _sign_in(page: Page, base: str, user: str, *, start: str = "/") -> None:
    await page.goto(base + start)
    await page.wait_for_url(re.compile(r"/login"))
    await page.get_by_label("用户名").fill(user)
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name=re.compile(r"登\s*录")).click()
    await page.wait_for_url(lambda url: "/login" not in url)


def _count(value: int | str) -> str:
    return f"{int(value):,}"


async def test_each_role_sees_its_own_home_page_and_exactly_its_scope(browser, gateway_url: str) -> None:
    for user, scope in SCOPES.items():
        stats = await _as(gateway_url, user, "/v1/customerStats")
        listed = await _as(gateway_url, user, "/v1/customers", pageSize="1")
        page = await _new_page(browser)
        await _sign_in(page, gateway_url, user)
        await expect(page.get_by_test_id("home-scope")).to_have_text(scope)
        await expect(page.get_by_test_id("stat-customers")).to_contain_text(
            _count(stats.get("customerCount", 0))
        )
        await expect(page.get_by_test_id("stat-keyCustomers")).to_contain_text(
            _count(stats.get("keyCustomerCount", 0))
        )
        await page.get_by_role("menuitem", name=re.compile(r"客户$")).click()
        await expect(page.get_by_test_id("customer-total")).to_have_text(
            f"共 {_count(listed.get('totalSize', 0))} 条"
        )
        menu = await page.get_by_role("menu").inner_text()
        assert ("扫描任务" in menu) == (user in ("admin", "hq_leader")), f"{user}: {menu}"
        assert ("控制中心" in menu) == (user in ("admin", "compliance")), f"{user}: {menu}"
        await page.context.close()
    own = await _as(gateway_url, "rm_zhang", "/v1/customers", pageSize="1")
    everyone = await _as(gateway_url, "admin", "/v1/customers", pageSize="1")
    assert (
        0 < own["totalSize"] < everyone["totalSize"]
    )  # the scopes differ, so the page above told them apart


async def test_a_relationship_manager_finds_a_customer_by_pinyin_initials_and_opens_the_360(
    browser, gateway_url: str
) -> None:
    own = (await _as(gateway_url, "rm_zhang", "/v1/customers", pageSize="50"))["customers"]
    # a customer among the box's first ten matches for their initials (short initials match many people)
    for customer in (c for c in own if c["type"] == "TYPE_INDIVIDUAL"):
        initials = "".join(lazy_pinyin(customer["displayName"], style=Style.FIRST_LETTER))
        found = await _as(gateway_url, "rm_zhang", "/v1/customers:search", query=initials, pageSize="10")
        ranked = [r["customer"]["name"] for r in found.get("results", [])]
        if customer["name"] in ranked:
            break
    else:
        pytest.fail(f"no own customer is found by their initials: {[c['displayName'] for c in own]}")
    shown = await _as(
        gateway_url, "rm_zhang", f"/v1/{customer['name']}", piiView=MASKED
    )  # as the console reads
    page = await _new_page(browser)
    await _sign_in(page, gateway_url, "rm_zhang")
    await expect(page.get_by_test_id("home")).to_be_visible()
    await page.keyboard.press("Control+k")  # the header's search box takes the focus
    await expect(page.get_by_test_id("search-input")).to_be_focused()
    await page.keyboard.type(initials, delay=30)
    # (masked names may repeat: the option at the customer's rank, which must show their masked name)
    option = page.get_by_test_id("search-option").nth(ranked.index(customer["name"]))
    await expect(option).to_contain_text(shown["displayName"])
    await option.click()
    await expect(page).to_have_url(re.compile(f"/{customer['name']}$"))
    await expect(page.get_by_test_id("customer-name")).to_have_text(shown["displayName"])
    await expect(page.get_by_test_id("tier-panel")).to_be_visible()
    # the phone number shows masked; shown (显示, recorded), one's own customer's phone can be tapped
    await page.get_by_role("button", name=f"显示 {shown['phone']}").click()
    await expect(page.locator(f'a[href="tel:{customer["phone"]}"]')).to_be_visible()
    await page.context.close()


async def test_a_head_office_leader_simulates_a_rule_set_and_sees_the_migration_matrix(
    browser, gateway_url: str
) -> None:
    page = await _new_page(browser)
    await _sign_in(page, gateway_url, "hq_leader")
    await page.get_by_role("menuitem", name="分级规则").click()
    await page.get_by_test_id("rule-set").first.click()
    await page.get_by_role("button", name=re.compile(r"模\s*拟")).click()
    simulation = page.get_by_test_id("simulation")
    await expect(simulation).to_contain_text("参与模拟")
    # the per-tier counts and the heat map, each drawn
    for chart in ("模拟后的等级分布", "等级迁移矩阵"):
        drawn = simulation.get_by_role("img", name=re.compile(chart))
        await expect(drawn).to_be_visible()
        await expect(drawn.locator("canvas").first).to_be_visible()
    await page.context.close()


async def test_the_phone_layout_has_bottom_navigation_and_customer_cards(browser, gateway_url: str) -> None:
    page = await _new_page(browser, PHONE)
    await _sign_in(page, gateway_url, "rm_zhang")
    nav = page.get_by_test_id("bottom-nav")
    await expect(nav).to_be_visible()
    # 预警中心 and 消息 carry the number of open alerts and unread items; 营销 is reached from the home page (no room)
    await expect(nav.get_by_role("link")).to_have_text(
        ["工作台", "客户", "搜索", re.compile(r"^预警中心\s*\d*$"), "任务", re.compile(r"^消息\s*\d*$")]
    )
    assert await page.locator(".ant-layout-sider").count() == 0  # no side menu squeezing the page
    await nav.get_by_role("link", name="客户").click()
    card = page.get_by_test_id("customer-card").first
    await expect(card).to_be_visible()
    box = await card.bounding_box()
    assert box and box["width"] > 300, f"the card is squeezed: {box}"
    await card.click()
    await expect(page.get_by_test_id("customer-name")).to_be_visible()
    await page.context.close()


async def test_a_visited_360_is_readable_offline_until_sign_out(browser, gateway_url: str) -> None:
    page = await _new_page(browser)
    await _sign_in(page, gateway_url, "rm_zhang")
    own = (await _as(gateway_url, "rm_zhang", "/v1/customers", pageSize="1", piiView=MASKED))["customers"][0]
    await page.goto(f"{gateway_url}/{own['name']}")
    await page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20000)
    await page.reload()  # now through the service worker, which keeps what the page reads
    await expect(page.get_by_test_id("customer-name")).to_have_text(own["displayName"])
    await expect(page.get_by_test_id("tier-panel")).to_be_visible()

    await page.context.set_offline(True)
    await page.reload()
    await expect(page.get_by_test_id("customer-name")).to_have_text(own["displayName"])
    await expect(page.get_by_test_id("offline-banner")).to_be_visible()

    await page.context.set_offline(False)
    await page.reload()
    await expect(page.get_by_test_id("customer-name")).to_be_visible()
    await page.get_by_test_id("user-menu").click()  # a phone's menu opens on a tap
    await page.get_by_text("退出").click()
    await page.wait_for_url(re.compile(r"/login"))
    kept = await page.evaluate("async () => (await caches.keys()).filter((k) => k.startsWith('kam-data'))")
    assert kept == [], f"offline copies left after signing out: {kept}"
    await page.context.close()


async def test_signing_out_or_losing_the_session_leaves_no_data_and_comes_back_to_the_page(
    browser, gateway_url: str
) -> None:
    page = await _new_page(browser, service_workers="block")
    await _sign_in(page, gateway_url, "admin")
    first = (await _as(gateway_url, "admin", "/v1/customers", pageSize="1", piiView=MASKED))["customers"][0]
    await page.goto(f"{gateway_url}/{first['name']}")
    await expect(page.get_by_test_id("customer-name")).to_have_text(first["displayName"])
    secrets = [first["displayName"], first["idNumber"]]  # as the page shows them (masked)

    # 退出: the login page, no customer data in the page, no session cookie
    await page.get_by_test_id("user-menu").hover()
    await page.get_by_text("退出").click()
    await page.wait_for_url(re.compile(r"/login"))
    await expect(page.get_by_label("用户名")).to_be_visible()
    html = await page.content()
    assert not [s for s in secrets if s and s in html], "customer data left in the page after signing out"
    cookies = {c["name"] for c in await page.context.cookies()}
    assert "kam_access" not in cookies and "kam_refresh" not in cookies, cookies
    await page.goto(f"{gateway_url}/{first['name']}")
    await page.wait_for_url(re.compile(r"/login\?next="))  # no way back in without signing in

    # the session is lost (both cookies gone, as when it ends): the next read returns to the login page, and
    # signing in again lands on the page the user was on
    await page.get_by_label("用户名").fill("admin")
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name=re.compile(r"登\s*录")).click()
    await expect(page.get_by_test_id("customer-name")).to_have_text(first["displayName"])
    await page.context.clear_cookies()
    await page.get_by_role("tab", name="账户").click()
    await page.wait_for_url(re.compile(r"/login\?next=.*expired=1"))
    await expect(page.get_by_role("alert")).to_contain_text("登录已过期")
    html = await page.content()
    assert first["idNumber"] not in html
    await page.get_by_label("用户名").fill("admin")
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name=re.compile(r"登\s*录")).click()
    await expect(page).to_have_url(re.compile(f"/{first['name']}$"))
    await page.context.close()


def _english_words() -> set[str]:
    """Every English label of the en-US locale's enums (Active, Draft, Succeeded, Individual…)."""
    source = (CONSOLE / "src" / "locales" / "en-US.ts").read_text(encoding="utf-8")
    enums = source[source.index("enums: {") :]
    return {w for w in re.findall(r':\s*"([A-Za-z][A-Za-z ,()-]{3,})"', enums) if w not in ("ATM", "POS")}


def _not_chinese(text: str, english: set[str]) -> list[str]:
    """Raw enum values (``STATE_OPEN``) and English enum labels in a zh-CN page's text."""
    raw = re.findall(r"\b[A-Z]{2,}_[A-Z0-9_]+\b", text)
    return raw + [w for w in english if re.search(rf"(?<![A-Za-z]){re.escape(w)}(?![A-Za-z])", text)]


async def test_zh_cn_pages_show_no_raw_enum_or_english_status_word(browser, gateway_url: str) -> None:
    english = _english_words()
    assert {"Active", "Draft", "Succeeded", "Individual", "Corporate"} <= english
    page = await _new_page(browser, service_workers="block")
    await _sign_in(page, gateway_url, "admin")
    corporate = (
        await _as(gateway_url, "admin", "/v1/customers", filter="type = TYPE_CORPORATE", pageSize="1")
    )["customers"][0]
    seen: dict[str, str] = {}

    async def read(label: str) -> None:
        await page.wait_for_load_state("networkidle")
        seen[label] = await page.locator("body").inner_text()

    await read("工作台")
    await page.goto(gateway_url + "/customers")
    await expect(page.get_by_test_id("customer-total")).to_be_visible()
    await read("客户")
    await page.goto(f"{gateway_url}/{corporate['name']}")
    for tab in ("概览", "账户", "交易", "联系人", "组织架构", "资信", "时间线"):
        await page.get_by_role("tab", name=tab).click()
        await read(f"360 {tab}")
    await page.goto(gateway_url + "/tiers")
    await page.get_by_test_id("rule-set").first.click()
    await read("分级规则")
    await page.goto(gateway_url + "/scans")
    await read("扫描任务")
    await page.goto(gateway_url + "/alerts")
    await expect(page.get_by_test_id("alerts-total")).to_be_visible()
    await read("预警中心")
    await page.goto(gateway_url + "/control")
    for tab in await page.get_by_role("tab").all_inner_texts():
        await page.get_by_role("tab", name=tab).click()
        await read(f"控制中心 {tab}")
    problems = {label: found for label, text in seen.items() if (found := _not_chinese(text, english))}
    assert not problems, f"English on zh-CN pages: {problems}"


async def test_the_main_pages_have_no_serious_accessibility_violations(browser, gateway_url: str) -> None:
    axe = (CONSOLE / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
    # the page's policy forbids inline scripts (rightly): bypass it for the checker only
    page = await _new_page(browser, bypass_csp=True, service_workers="block")
    await _sign_in(page, gateway_url, "admin")
    first = (await _as(gateway_url, "admin", "/v1/customers", pageSize="1"))["customers"][0]
    found = {}
    for path, ready in (
        ("/", "home"),
        ("/customers", "customer-total"),
        (f"/{first['name']}", "tier-panel"),
        ("/alerts", "alerts-total"),
        ("/reports", "report-catalogue"),
        ("/reports/schedules", "schedules"),
    ):
        await page.goto(gateway_url + path)
        await expect(page.get_by_test_id(ready)).to_be_visible()
        await page.wait_for_load_state("networkidle")  # every part of the page in, nothing still loading
        await page.add_script_tag(content=axe)
        violations = await page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
                .filter((v) => v.impact === "serious" || v.impact === "critical")
                .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`)"""
        )
        if violations:
            found[path] = violations
    assert not found, f"axe-core: {found}"


async def test_an_administrator_creates_a_user_who_then_signs_in_and_sees_their_scope(
    browser, gateway_url: str
) -> None:
    admin = await _new_page(browser, service_workers="block")
    await _sign_in(admin, gateway_url, "admin")
    await admin.goto(gateway_url + "/control?tab=users")
    await admin.get_by_role("button", name=re.compile("新建用户")).click()
    dialog = admin.get_by_role("dialog")
    await dialog.get_by_label("用户名").fill("rm_console")
    await dialog.get_by_label("姓名").fill("控制台经理")
    # the selects search as one types; Enter takes the highlighted match
    await dialog.get_by_label("所属机构").fill("北京东城支行")
    await expect(admin.locator(".ant-select-item-option-active", has_text="北京东城支行")).to_be_visible()
    await admin.keyboard.press("Enter")
    await dialog.get_by_label("角色").fill("客户经理")
    await expect(admin.locator(".ant-select-item-option-active", has_text="客户经理")).to_be_visible()
    await admin.keyboard.press("Enter")
    await admin.keyboard.press("Escape")
    await dialog.get_by_label("初始密码").fill("Console-Start-2026!")
    await dialog.get_by_role("button", name=re.compile(r"保\s*存")).click()
    await expect(dialog).to_be_hidden()
    await admin.context.close()

    page = await _new_page(browser, service_workers="block")
    await page.goto(gateway_url + "/login")
    await page.get_by_label("用户名").fill("rm_console")
    await page.get_by_label("密码").fill("Console-Start-2026!")
    await page.get_by_role("button", name=re.compile(r"登\s*录")).click()
    # a relationship manager without a staff code in the core: their own (empty) scope, not the bank's
    await expect(page.get_by_test_id("home-scope")).to_have_text("我的客户")
    await expect(page.get_by_test_id("stat-customers")).to_contain_text("0")
    await page.context.close()


def _first_comparison(rule: dict) -> str:
    """The editor's field path of a rule's first comparison (a lone comparison and the older ``conditions`` list
    become a group of their own in the form)."""
    condition = rule.get("condition") or {"conditions": rule.get("conditions", [])}
    path = "rules[0].condition"
    if not condition.get("conditions"):
        return f"{path}.conditions[0]"
    while condition.get("conditions"):
        condition, path = condition["conditions"][0], f"{path}.conditions[0]"
    return path


async def test_tier_override_set_with_reason_and_expiry_shows_on_the_360_and_is_revoked(
    browser, gateway_url: str
) -> None:
    # a key customer of the branch manager's (who holds tier_overrides.manage), and a tier other than theirs
    customer = (
        await _as(gateway_url, "branch_manager", "/v1/customers", pageSize="1", filter="key_customer = true")
    )["customers"][0]
    active = await _as(gateway_url, "branch_manager", "/v1/tierRuleSets", filter="state = STATE_ACTIVE")
    rules = next(s for s in active["tierRuleSets"] if s["customerType"] == customer["type"])["rules"]
    target = next(r for r in rules if r["tier"] != customer.get("tier"))
    graded = next((r["tierDisplayName"] for r in rules if r["tier"] == customer.get("tier")), "未定级")

    # a relationship manager (no tier_overrides.manage) sees no action
    rm = await _new_page(browser, service_workers="block")
    await _sign_in(rm, gateway_url, "rm_zhang")
    own = (await _as(gateway_url, "rm_zhang", "/v1/customers", pageSize="1"))["customers"][0]
    await rm.goto(f"{gateway_url}/{own['name']}")
    await expect(rm.get_by_test_id("tier-panel")).to_be_visible()
    await expect(rm.get_by_role("button", name=re.compile("调整等级"))).to_have_count(0)
    await rm.context.close()

    page = await _new_page(browser, service_workers="block")
    await _sign_in(page, gateway_url, "branch_manager", start=f"/{customer['name']}")
    await expect(page.get_by_test_id("customer-tier")).to_have_text(graded)
    await page.get_by_role("button", name=re.compile("调整等级")).click()
    dialog = page.get_by_role("dialog")
    # the end date defaults to 90 days ahead (China Standard Time)
    cst_today = await page.evaluate("new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10)")
    expected_end = await page.evaluate(
        f"(() => {{ const d = new Date('{cst_today}T00:00:00Z'); d.setUTCDate(d.getUTCDate() + 90); "
        "return d.toISOString().slice(0, 10); })()"
    )
    await expect(dialog.get_by_label("有效期至")).to_have_value(expected_end)
    # a reason is required: the form says so and sends nothing
    await dialog.get_by_label("调整为").click()
    await page.locator(".ant-select-item-option", has_text=target["tierDisplayName"]).first.click()
    await dialog.get_by_role("button", name=re.compile(r"保\s*存")).click()
    await expect(dialog).to_contain_text("请输入原因")
    await dialog.get_by_label("原因").fill("总行特批（浏览器测试）")
    await dialog.get_by_role("button", name=re.compile(r"保\s*存")).click()
    await expect(dialog).to_be_hidden()

    notice = page.get_by_test_id("tier-override")
    await expect(notice).to_contain_text(target["tierDisplayName"])
    await expect(notice).to_contain_text("总行特批（浏览器测试）")
    await expect(notice).to_contain_text(expected_end)
    await expect(notice).to_contain_text(f"按规则应为 {graded}")
    await expect(page.get_by_test_id("customer-tier")).to_have_text(target["tierDisplayName"])
    await expect(page.get_by_test_id("tier-panel")).to_contain_text("人工调整")
    shown = await notice.inner_text()
    assert not re.findall(r"\b[A-Z]{2,}_[A-Z0-9_]+\b", shown), shown  # no raw enum on the zh-CN page
    tier = await _as(gateway_url, "branch_manager", f"/v1/{customer['name']}/tier")
    assert tier["tier"] == target["tier"] and tier["override"]["reason"] == "总行特批（浏览器测试）", tier

    await notice.get_by_role("button", name=re.compile(r"撤\s*销")).click()
    await page.get_by_role("button", name=re.compile(r"确\s*定")).click()
    await expect(notice.get_by_role("button", name=re.compile(r"撤\s*销"))).to_have_count(0)
    await expect(page.get_by_test_id("customer-tier")).to_have_text(graded)
    await expect(page.get_by_test_id("tier-panel")).to_contain_text("撤销人工调整")
    tier = await _as(gateway_url, "branch_manager", f"/v1/{customer['name']}/tier")
    assert "override" not in tier and tier.get("tier", "") == customer.get("tier", ""), tier
    await page.context.close()


async def test_rule_editor_shows_the_api_message_beside_an_invalid_threshold_then_saves_a_draft(
    browser, gateway_url: str
) -> None:
    sets = (await _as(gateway_url, "hq_leader", "/v1/tierRuleSets", pageSize="100"))["tierRuleSets"]
    index, active = next((i, s) for i, s in enumerate(sets) if s["state"] == "STATE_ACTIVE")
    path = _first_comparison(active["rules"][0])
    # the checker's script is inline: the page's policy is bypassed for it only
    page = await _new_page(browser, service_workers="block", bypass_csp=True)
    await _sign_in(page, gateway_url, "hq_leader", start="/tiers")
    await page.get_by_test_id("rule-set").nth(index).click()
    editor = page.get_by_test_id("rule-editor")
    await expect(editor).to_be_visible()
    await page.add_script_tag(
        content=(CONSOLE / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
    )
    violations = await page.evaluate(
        """async () => (await axe.run("[data-testid=rule-editor]", {resultTypes: ["violations"]})).violations
            .filter((v) => v.impact === "serious" || v.impact === "critical")
            .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`)"""
    )
    assert not violations, f"axe-core on the rule editor: {violations}"
    threshold = editor.get_by_test_id(f"field:{path}.value")
    # what a banker might type: the API (not the form) finds it is no decimal, and says so beside the field
    await threshold.get_by_role("textbox").fill("600万")
    await editor.get_by_role("button", name="另存为新草稿").click()
    await expect(threshold).to_contain_text("应为十进制数字字符串")
    await expect(threshold.locator(".ant-form-item-explain-error")).to_be_visible()
    shown = await editor.inner_text()
    assert not re.findall(r"\b[A-Z]{2,}_[A-Z0-9_]+\b", shown), shown  # metrics, operators, matches in words

    await threshold.get_by_role("textbox").fill("8000000")
    await threshold.get_by_role("textbox").blur()
    await expect(threshold.get_by_role("textbox")).to_have_value("8,000,000")
    await expect(threshold).not_to_contain_text("应为十进制数字字符串")
    await editor.get_by_role("button", name="另存为新草稿").click()
    # the new draft opens: its editor saves in place (with its etag), and it can be simulated
    await expect(page.get_by_role("button", name=re.compile(r"保\s*存\s*草\s*稿"))).to_be_visible()
    drafts = (
        await _as(gateway_url, "hq_leader", "/v1/tierRuleSets", filter="state = STATE_DRAFT", pageSize="100")
    )["tierRuleSets"]
    assert any(
        d["customerType"] == active["customerType"] and "8000000" in str(d["rules"][0]) for d in drafts
    ), drafts
    editor = page.get_by_test_id("rule-editor")
    await editor.get_by_label("名称", exact=True).fill("浏览器测试草稿")
    await editor.get_by_role("button", name=re.compile(r"保\s*存\s*草\s*稿")).click()
    await expect(page.get_by_test_id("rule-set").filter(has_text="浏览器测试草稿")).to_have_count(1)
    await page.get_by_role("button", name=re.compile(r"模\s*拟")).click()
    await expect(page.get_by_test_id("simulation")).to_contain_text("参与模拟")


async def test_unmask_an_administrator_shows_a_masked_id_number_on_purpose_and_the_view_is_recorded(
    browser, gateway_url: str
) -> None:
    """The console reads personal data with identifiers masked (names as the user may see them, recorded as
    names); 显示 reads the one customer unmasked, shows the value with 已记录查看, and the customer service holds exactly one access record of
    it. The service worker keeps the masked answers for offline reading, never the unmasked one."""
    c = (
        await _as(
            gateway_url,
            "admin",
            "/v1/customers",
            filter="type = TYPE_INDIVIDUAL",
            pageSize="1",
            piiView=MASKED,
        )
    )["customers"][0]
    assert c["masked"] and "*" in c["idNumber"] and "*" in c["phone"], c
    method = "kam.customer.v1.CustomerService.GetCustomer"

    async def records() -> list[dict]:
        found = await _as(
            gateway_url, "admin", "/v1/accessRecords", filter=f'customer = "{c["name"]}"', pageSize="100"
        )
        return [r for r in found.get("accessRecords", []) if r["method"] == method]

    before = len(await records())
    page = await _new_page(browser)
    await _sign_in(page, gateway_url, "admin")
    await page.goto(f"{gateway_url}/{c['name']}")
    await page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20000)
    await page.reload()  # through the service worker from here on
    overview = page.get_by_role("tabpanel")
    await expect(overview).to_contain_text(c["idNumber"])
    await expect(overview).to_contain_text(c["phone"])
    await expect(overview.get_by_text("已脱敏").first).to_be_visible()
    await page.wait_for_load_state("networkidle")
    loaded = await records()
    # the page shows names (recorded as such), every identifier masked
    assert all(
        set(r["personalDataKinds"]) <= {"PERSONAL_DATA_KIND_NAME"} for r in loaded[: len(loaded) - before]
    ), loaded

    await overview.get_by_role("button", name=f"显示 {c['idNumber']}").click()
    await expect(overview.get_by_text("已记录查看")).to_be_visible()
    after = await records()
    assert len(after) == len(loaded) + 1, after
    assert (
        after[0]["actor"].startswith("users/")
        and "PERSONAL_DATA_KIND_ID_NUMBER" in after[0]["personalDataKinds"]
    )

    real = await _as(gateway_url, "admin", f"/v1/{c['name']}", piiView="PII_VIEW_UNMASKED")
    assert real["idNumber"] != c["idNumber"] and "*" not in real["idNumber"]
    await expect(overview.get_by_test_id("pii-shown")).to_contain_text(real["idNumber"])
    await expect(overview).to_contain_text(c["phone"])  # the phone stays masked until it is shown too

    kept = await page.evaluate(
        """async (secret) => {
            const out = [];
            for (const key of await caches.keys()) {
                if (!key.startsWith('kam-data')) continue;
                const cache = await caches.open(key);
                for (const request of await cache.keys()) {
                    const body = await (await cache.match(request)).text();
                    out.push({url: request.url, secret: body.includes(secret)});
                }
            }
            return out;
        }""",
        real["idNumber"],
    )
    assert any(MASKED in k["url"] and c["name"] in k["url"] for k in kept), kept  # the masked 360 is kept
    assert not [k for k in kept if "PII_VIEW_UNMASKED" in k["url"] or k["secret"]], kept
    await page.context.close()


def _key_date_filter() -> str:
    """The 工作台's key-date window: widgets.tsx KEY_DATE_HORIZON (30) days from the bank's today."""
    today = datetime.now(SHANGHAI).date()
    return f"date >= {today} AND date <= {today + timedelta(days=30)}"


def _large_filter() -> str:
    """The 工作台's large transactions: widgets.tsx LARGE_AMOUNT (500,000 yuan) within LARGE_WINDOW_DAYS (30)."""
    since = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=30)
    return f'amount >= 500000 AND post_time >= "{since:%Y-%m-%dT%H:%M:%SZ}"'


async def _post_as_core(
    client: httpx.AsyncClient, token_secret: str, customer: str, transaction_id: str, body: dict
) -> httpx.Response:
    """A transaction on the customer's first account, posted by the core system (a service token)."""
    admin = await _bearer(client, "admin")
    account = (await client.get(f"/v1/{customer}/accounts", headers=admin)).json()["accounts"][0]
    core = auth.bearer(
        auth.issue_service_token("core-banking", token_secret, permissions=("transactions.ingest",))
    )
    return await client.post(
        f"/v1/{account['name']}/transactions",
        headers={"authorization": core},
        params={"transactionId": transaction_id},
        json=body,
    )


async def _give_rm_zhang_a_key_date_and_a_large_transaction(base: str, token_secret: str) -> dict:
    """One of rm_zhang's customers made a key customer (a manual tier), with a contact whose birthday is tomorrow
    and a large credit pushed by the core system an hour ago; returns that customer once the sweep has announced
    the birthday."""
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        admin, rm = await _bearer(client, "admin"), await _bearer(client, "rm_zhang")
        customer = (await client.get("/v1/customers", headers=rm, params={"pageSize": 1})).json()[
            "customers"
        ][0]
        now = datetime.now(UTC)
        tomorrow = datetime.now(SHANGHAI).date() + timedelta(days=1)
        for path, body in (
            (
                "tierOverrides",
                {
                    "tier": "tiers/gold",
                    "reason": "工作台测试",
                    "expireTime": f"{now + timedelta(days=30):%Y-%m-%dT%H:%M:%SZ}",
                },
            ),
            (
                "contacts",
                {
                    "displayName": "周建国",
                    "title": "法定代表人",
                    "birthDate": {"year": 1975, "month": tomorrow.month, "day": tomorrow.day},
                },
            ),
        ):
            reply = await client.post(f"/v1/{customer['name']}/{path}", headers=admin, json=body)
            assert reply.status_code == 200, reply.text
        reply = await _post_as_core(
            client,
            token_secret,
            customer["name"],
            "E2E-HOME-LARGE-1",
            {
                "direction": "DIRECTION_CREDIT",
                "amount": {"currencyCode": "CNY", "units": "880000"},
                "postTime": f"{now - timedelta(hours=1):%Y-%m-%dT%H:%M:%SZ}",
                "channel": "CHANNEL_COUNTER",
                "counterparty": "某某贸易有限公司",
                "summary": "货款",
            },
        )
        assert reply.status_code == 200, reply.text
        deadline = asyncio.get_running_loop().time() + 90
        while asyncio.get_running_loop().time() < deadline:  # the sweep runs every minute
            dates = (
                await client.get(
                    "/v1/customers/-/keyDates", headers=rm, params={"filter": _key_date_filter()}
                )
            ).json()
            if any(k["kind"] == "KEY_DATE_KIND_CONTACT_BIRTHDAY" for k in dates.get("keyDates", [])):
                return customer
            await asyncio.sleep(2)
    pytest.fail(f"the contact's birthday was never announced: {dates}")


async def _managers(base: str, customers: set[str]) -> set[str]:
    """The relationship managers of ``customers`` (ids), as an administrator reads them."""
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        admin = await _bearer(client, "admin")
        return {
            (await client.get(f"/v1/customers/{customer}", headers=admin)).json()["relationshipManager"]
            for customer in customers
        }


async def _links(card) -> set[str]:
    hrefs = await card.locator('a[href^="/customers/"]').evaluate_all(
        "(a) => a.map((x) => x.getAttribute('href'))"
    )
    return {href.rsplit("/", 1)[1] for href in hrefs}


async def test_home_widgets_show_a_relationship_manager_only_own_key_dates_and_large_transactions(
    browser, gateway_url: str, token_secret: str
) -> None:
    customer = await _give_rm_zhang_a_key_date_and_a_large_transaction(gateway_url, token_secret)
    own_dates = await _as(
        gateway_url, "rm_zhang", "/v1/customers/-/keyDates", filter=_key_date_filter(), pageSize="20"
    )
    all_dates = await _as(
        gateway_url, "admin", "/v1/customers/-/keyDates", filter=_key_date_filter(), pageSize="500"
    )
    path = "/v1/customers/-/accounts/-/transactions"
    own_large = await _as(gateway_url, "rm_zhang", path, filter=_large_filter(), pageSize="10")
    page = await _new_page(browser)
    await _sign_in(page, gateway_url, "rm_zhang")
    await expect(
        page.get_by_test_id("stat-customers")
    ).to_be_visible()  # the figures first, the widgets after
    dates = page.get_by_test_id("widget-key-dates")
    shown = dates.get_by_test_id("key-date")
    await expect(shown).to_have_count(len(own_dates["keyDates"]))
    birthday = shown.filter(has_text="联系人生日")
    await expect(birthday).to_contain_text("周建国（法定代表人）")
    await expect(birthday).to_contain_text("明天")
    await expect(birthday.get_by_role("link", name=customer["displayName"])).to_be_visible()
    links = await _links(dates)
    assert links == {k["customer"].split("/")[1] for k in own_dates["keyDates"]}
    assert await _managers(gateway_url, links) == {"staff/E000010"}  # only the relationship manager's own
    assert {k["customer"] for k in all_dates["keyDates"]} - {k["customer"] for k in own_dates["keyDates"]}

    large = page.get_by_test_id("widget-large-transactions").get_by_test_id("large-transaction")
    await expect(large).to_have_count(len(own_large["transactions"]))
    pushed = large.filter(has_text="+¥880,000.00")
    await expect(pushed).to_contain_text("收入")
    await expect(pushed.get_by_role("link")).to_have_attribute("href", f"/{customer['name']}")
    assert await _managers(gateway_url, await _links(page.get_by_test_id("widget-large-transactions"))) == {
        "staff/E000010"
    }
    await expect(page.get_by_test_id("widget-relationship-managers")).to_have_count(0)  # not for one's own
    await page.context.close()


async def test_home_widgets_show_a_branch_manager_the_relationship_managers_table(
    browser, gateway_url: str
) -> None:
    summaries = (await _as(gateway_url, "branch_manager", "/v1/customers:summarize"))["summaries"]
    assert summaries and all(s["group"].startswith("staff/") or not s["group"] for s in summaries)
    page = await _new_page(browser)
    await _sign_in(page, gateway_url, "branch_manager")
    table = page.get_by_test_id("widget-relationship-managers")
    rows = table.locator("tbody tr.ant-table-row")
    await expect(rows).to_have_count(min(len(summaries), 10))
    largest = summaries[0]  # the service's order: largest AUM first, as the table's default sort
    await expect(rows.first).to_contain_text(largest["displayName"] or largest["group"].split("/")[-1])
    await expect(rows.first).to_contain_text(f"{int(largest['customerCount']):,}")
    # sort by the number of customers, largest first
    header = table.get_by_role("columnheader", name="客户数", exact=True)
    await header.click()
    await header.click()
    most = max(int(s["customerCount"]) for s in summaries)
    await expect(rows.first.locator("td").nth(1)).to_have_text(f"{most:,}")
    await expect(page.get_by_test_id("widget-branches")).to_have_count(0)  # the bank's chart is head office's
    await page.context.close()


async def test_home_widgets_show_head_office_the_branches_and_stack_on_a_phone(
    browser, gateway_url: str
) -> None:
    branches = (await _as(gateway_url, "hq_leader", "/v1/customers:summarize", groupBy="org_unit"))[
        "summaries"
    ]
    assert len(branches) > 1 and all(s["displayName"].endswith("分行") for s in branches if s["group"])
    page = await _new_page(browser)
    await _sign_in(page, gateway_url, "hq_leader")
    chart = page.get_by_test_id("widget-branches").get_by_role("img", name="各机构管理资产")
    await expect(chart.locator("canvas").first).to_be_visible()
    await expect(
        page.get_by_test_id("widget-relationship-managers").locator("tbody tr.ant-table-row")
    ).to_have_count(10)
    await page.context.close()

    phone = await _new_page(browser, PHONE)
    await _sign_in(phone, gateway_url, "branch_manager")
    cards = [
        phone.get_by_test_id(f"widget-{name}")
        for name in ("key-dates", "large-transactions", "relationship-managers")
    ]
    boxes = []
    for card in cards:
        await expect(card).to_be_visible()
        boxes.append(await card.bounding_box())
    assert all(box and box["width"] > 340 for box in boxes), boxes  # full width, one under another
    assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"], boxes
    await phone.context.close()


async def test_aum_filter_narrows_the_list_to_the_range(browser, gateway_url: str) -> None:
    """The 资产规模 range (万元) narrows the list to what the API counts for the same range."""
    low, high = 1_000, 5_000  # 万元: 10,000,000–50,000,000 CNY
    expected = await _as(
        gateway_url,
        "admin",
        "/v1/customers",
        pageSize="1",
        filter=f"metrics.assets_under_management >= {low * 10_000} AND metrics.assets_under_management <= {high * 10_000}",
    )
    everyone = await _as(gateway_url, "admin", "/v1/customers", pageSize="1")
    assert 0 < expected["totalSize"] < everyone["totalSize"]
    page = await _new_page(browser, service_workers="block")
    await _sign_in(page, gateway_url, "admin", start="/customers")
    await page.get_by_label("资产规模不低于").fill(str(low))
    await page.get_by_label("资产规模不高于").fill(str(high))
    await page.get_by_label("资产规模不高于").press("Enter")
    await expect(page.get_by_test_id("customer-total")).to_contain_text(_count(expected["totalSize"]))
    assert "aumMin=1000" in page.url and "aumMax=5000" in page.url
    await page.context.close()


async def _post_large_cash(base: str, token_secret: str) -> str:
    """One of rm_zhang's customers made a key customer (a manual tier) and an 80,000 CNY cash withdrawal at the
    counter posted for it by the core system, now; returns the customer's name."""
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        admin, rm = await _bearer(client, "admin"), await _bearer(client, "rm_zhang")
        mine = (await client.get("/v1/customers", headers=rm, params={"pageSize": 3})).json()["customers"]
        customer = mine[-1]  # not the one the home-widget journey grades
        now = datetime.now(UTC)
        if not customer.get("tier"):
            active = (
                await client.get("/v1/tierRuleSets", headers=admin, params={"filter": "state = STATE_ACTIVE"})
            ).json()
            rules = next(r for r in active["tierRuleSets"] if r["customerType"] == customer["type"])["rules"]
            reply = await client.post(
                f"/v1/{customer['name']}/tierOverrides",
                headers=admin,
                json={
                    "tier": rules[-1]["tier"],
                    "reason": "预警中心测试",
                    "expireTime": f"{now + timedelta(days=30):%Y-%m-%dT%H:%M:%SZ}",
                },
            )
            assert reply.status_code == 200, reply.text
        reply = await _post_as_core(
            client,
            token_secret,
            customer["name"],
            f"E2E-ALERT-{now:%H%M%S%f}",
            {
                "direction": "DIRECTION_DEBIT",
                "amount": {"currencyCode": "CNY", "units": "80000"},
                "postTime": f"{now:%Y-%m-%dT%H:%M:%SZ}",
                "channel": "CHANNEL_COUNTER",
                "cash": True,
                "summary": "柜面取现",
            },
        )
        assert reply.status_code == 200, reply.text
        return customer["name"]


async def test_a_relationship_managers_alert_arrives_live_and_is_acknowledged_and_commented(
    browser, gateway_url: str, token_secret: str
) -> None:
    before = await _as(gateway_url, "rm_zhang", "/v1/alerts")
    page = await _new_page(browser)
    await _sign_in(page, gateway_url, "rm_zhang", start="/alerts")
    await expect(page.get_by_test_id("alerts-total")).to_contain_text(f"共 {before.get('totalSize', 0)} 条")

    customer = await _post_large_cash(gateway_url, token_secret)

    # it reaches the page without a reload (the push stream), with the badge
    link = page.get_by_test_id("alert-link").filter(has_text="¥80,000.00")
    await expect(link.first).to_be_visible(timeout=30_000)
    await expect(page.get_by_test_id("alerts-badge").first).not_to_have_text("0")
    listed = await _as(gateway_url, "rm_zhang", "/v1/alerts", filter=f'customer = "{customer}"')
    assert listed["totalSize"] >= 1 and all(a["customer"] == customer for a in listed["alerts"])
    # the list is exactly the API's answer for the same user: the same total, the same alerts in the same order
    everything = await _as(gateway_url, "rm_zhang", "/v1/alerts", pageSize="50")
    await expect(page.get_by_test_id("alerts-total")).to_contain_text(f"共 {everything['totalSize']} 条")
    await expect(page.get_by_test_id("alert-link")).to_have_count(min(50, everything["totalSize"]))
    shown = [
        href.rsplit("/", 1)[1]
        for href in await page.get_by_test_id("alert-link").evaluate_all("ls => ls.map(l => l.href)")
    ]
    assert shown == [a["name"].split("/", 1)[1] for a in everything["alerts"]]
    # and every one of them is about one of their own customers (a task reminder concerns a task: a customer only
    # when the task does)
    customers = await _as(gateway_url, "rm_zhang", "/v1/customers", pageSize="500")
    assert customers["totalSize"] <= 500
    concerned = {a["customer"] for a in everything["alerts"] if a["customer"]}
    assert concerned <= {c["name"] for c in customers["customers"]}
    assert _not_chinese(await page.locator("body").inner_text(), _english_words()) == []

    await link.first.click()
    await page.wait_for_url(re.compile(r"/alerts/[^/]+$"))
    detail = page.get_by_test_id("alert-detail")
    await expect(detail.get_by_test_id("alert-state")).to_have_text("待处理")
    await expect(page.get_by_test_id("alert-evidence")).to_contain_text("¥80,000.00")
    # the transaction with its amount (the customer service's listing)
    await expect(page.get_by_test_id("alert-transactions")).to_contain_text("80,000.00")
    await expect(page.get_by_test_id("alert-customer")).to_have_attribute("href", f"/{customer}")
    await page.get_by_test_id("alert-acknowledge").click()
    await expect(detail.get_by_test_id("alert-state")).to_have_text("已确认")
    await page.get_by_test_id("alert-comment-input").fill("已电话联系客户，确认为本人取现")
    await page.get_by_test_id("alert-comment-add").click()
    await expect(page.get_by_test_id("alert-comment")).to_contain_text("已电话联系客户")
    await expect(page.get_by_test_id("alert-history")).to_contain_text("已确认")
    assert _not_chinese(await page.locator("body").inner_text(), _english_words()) == []
    alert_id = page.url.rsplit("/", 1)[1]
    stored = await _as(gateway_url, "rm_zhang", f"/v1/alerts/{alert_id}")
    assert stored["state"] == "STATE_ACKNOWLEDGED" and stored["acknowledger"] == "users/rm_zhang"

    # someone else snoozes it meanwhile: resolving what the page read is refused as stale, and says so
    async with httpx.AsyncClient(base_url=gateway_url, timeout=10) as client:
        reply = await client.post(
            f"/v1/alerts/{alert_id}:snooze",
            headers=await _bearer(client, "rm_zhang"),
            json={"snoozeDuration": "3600s", "etag": stored["etag"]},
        )
        assert reply.status_code == 200, reply.text
    await page.get_by_test_id("alert-resolve").click()
    await page.get_by_test_id("alert-note").fill("已核实")
    await page.get_by_role("dialog").get_by_role("button", name=re.compile(r"解\s*决")).click()
    await expect(page.get_by_text("已被他人修改，请刷新")).to_be_visible()
    await page.reload()
    await expect(page.get_by_test_id("alert-state")).to_have_text("暂停提醒中")
    await page.context.close()


async def _backtest(base: str, rule: dict, days: int = 30) -> dict:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        reply = await client.post(
            "/v1/alertRules:backtest",
            headers=await _bearer(client, "admin"),
            json={"alertRule": rule, "days": days},
        )
        assert reply.status_code == 200, reply.text
        return reply.json()


async def test_an_administrator_tunes_an_alert_rule_backtests_it_and_saves_a_new_version(
    browser, gateway_url: str, token_secret: str
) -> None:
    rules = (await _as(gateway_url, "admin", "/v1/alertRules", pageSize="500"))["alertRules"]
    cash = next(r for r in rules if r.get("largeTransaction", {}).get("cash") == "CASH_FILTER_CASH")
    rule_id = cash["name"].split("/", 1)[1]
    customer = await _post_large_cash(gateway_url, token_secret)
    candidate = {
        **cash,
        "largeTransaction": {
            **cash["largeTransaction"],
            "threshold": {"currencyCode": "CNY", "units": "60000"},
        },
    }
    for _ in range(100):  # the withdrawal is kept for backtests once the monitor has evaluated it
        expected = await _backtest(gateway_url, candidate)
        if any(c["customer"] == customer for c in expected["candidate"].get("customers", [])):
            break
        await asyncio.sleep(0.2)
    else:
        raise AssertionError(f"the posted withdrawal never reached the backtest: {expected}")

    page = await _new_page(browser)
    await _sign_in(page, gateway_url, "admin", start="/alert-rules")
    enabled = sum(1 for r in rules if r.get("enabled"))
    await expect(page.get_by_test_id("alert-rule-total")).to_have_text(
        f"共 {len(rules)} 条，启用 {enabled} 条"
    )
    assert _not_chinese(await page.locator("main").inner_text(), _english_words()) == []
    await page.get_by_role("link", name=cash["displayName"]).click()
    await page.wait_for_url(re.compile(rf"/alert-rules/{rule_id}$"))
    editor = page.get_by_test_id("alert-rule-editor")
    threshold = editor.get_by_test_id("field:large_transaction.threshold")
    await expect(threshold.get_by_role("textbox")).to_have_value("50,000")

    # a negative threshold: the API refuses it, and says so beside the field; nothing is saved
    await threshold.get_by_role("textbox").fill("-1")
    await editor.get_by_role("button", name=re.compile(r"保\s*存")).click()
    await expect(threshold.locator(".ant-form-item-explain-error")).to_be_visible()
    assert (await _as(gateway_url, "admin", f"/v1/alertRules/{rule_id}"))["version"] == cash["version"]

    # 60,000: the backtest shows what the API answers for the same candidate, beside the rule as stored
    await threshold.get_by_role("textbox").fill("60000")
    await threshold.get_by_role("textbox").blur()
    await expect(threshold.get_by_role("textbox")).to_have_value("60,000")
    await expect(threshold.locator(".ant-form-item-explain-error")).to_have_count(0)
    panel = page.get_by_test_id("backtest")
    await panel.get_by_role("button", name=re.compile(r"开始回测")).click()
    await expect(panel.get_by_test_id("backtest-candidate-alerts")).to_contain_text(
        _count(expected["candidate"]["alertCount"])
    )
    await expect(panel.get_by_test_id("backtest-current-alerts")).to_contain_text(
        _count(expected["current"]["alertCount"])
    )
    await expect(panel.get_by_role("img", name="每日预警数")).to_be_visible()
    names = {c["customer"]: c["displayName"] for c in expected["candidate"]["customers"]}
    await expect(
        panel.get_by_test_id("backtest-customers").get_by_role("link", name=names[customer])
    ).to_be_visible()
    assert _not_chinese(await page.locator("main").inner_text(), _english_words()) == []

    # saved: a new version with the new threshold, everything else as it was
    await editor.get_by_role("button", name=re.compile(r"保\s*存")).click()
    await expect(page.get_by_test_id("alert-rule-version")).to_contain_text(f"第 {cash['version'] + 1} 版")
    stored = await _as(gateway_url, "admin", f"/v1/alertRules/{rule_id}")
    assert stored["largeTransaction"]["threshold"]["units"] == "60000"
    assert stored["version"] == cash["version"] + 1
    for field in ("recipients", "repeatInterval", "maxNotifyCount", "escalation", "severity", "enabled"):
        assert stored.get(field) == cash.get(field), field

    # switched off from the list and on again, each a new version
    await page.get_by_role("button", name="返回预警规则").click()
    switch = page.get_by_role("switch", name=f"启用 {cash['displayName']}")
    await switch.click()
    await expect(switch).not_to_be_checked()
    assert (await _as(gateway_url, "admin", f"/v1/alertRules/{rule_id}"))["enabled"] is False
    await switch.click()
    await expect(switch).to_be_checked()
    restored = await _as(gateway_url, "admin", f"/v1/alertRules/{rule_id}")
    assert restored["enabled"] is True and restored["version"] == cash["version"] + 3
    async with httpx.AsyncClient(
        base_url=gateway_url, timeout=10
    ) as client:  # as the other journeys expect it
        reply = await client.patch(
            f"/v1/alertRules/{rule_id}",
            headers=await _bearer(client, "admin"),
            params={"updateMask": "large_transaction"},
            json={**restored, "largeTransaction": cash["largeTransaction"]},
        )
        assert reply.status_code == 200, reply.text
    await page.context.close()


async def test_an_announcement_reaches_the_inbox_live_is_read_and_its_publisher_sees_who_read_it(
    browser, gateway_url: str
) -> None:
    title = f"年终决算安排 {uuid.uuid4().hex[:6]}"
    rm = await _new_page(browser)
    await _sign_in(rm, gateway_url, "rm_zhang", start="/messages")
    await expect(rm.get_by_text("消息中心", exact=True)).to_be_visible()

    manager = await _new_page(browser)
    await _sign_in(manager, gateway_url, "branch_manager", start="/announcements")
    await manager.get_by_role("button", name="发布公告").click()
    dialog = manager.get_by_role("dialog")
    await dialog.get_by_label("标题").fill(title)
    await dialog.get_by_label("内容").fill(
        "各网点请于12月31日前完成盘点。\n\n<script>window.hacked = 1</script>注意安全"
    )
    await dialog.get_by_role("button", name=re.compile(r"保\s*存")).click()
    await expect(manager.get_by_test_id("announcement-item").filter(has_text=title)).to_be_visible()

    # it reaches the relationship manager's inbox without a reload, with the unread badge
    item = rm.get_by_test_id("inbox-item").filter(has_text=f"公告：{title}")
    await expect(item).to_be_visible(timeout=30_000)
    await expect(rm.get_by_test_id("messages-badge").first).not_to_have_text("0")
    await item.click()
    await rm.wait_for_url(re.compile(r"/announcements/[0-9a-f]+$"))
    content = rm.get_by_test_id("announcement-content")
    await expect(content).to_contain_text("各网点请于12月31日前完成盘点。")
    await expect(content).to_contain_text(
        "<script>window.hacked = 1</script>注意安全"
    )  # typed text stays text
    assert await rm.evaluate("window.hacked") is None
    announcement = rm.url.rsplit("/", 1)[1]
    stored = await _as(gateway_url, "rm_zhang", f"/v1/announcements/{announcement}")
    assert stored["title"] == title and stored["read"] is True
    assert _not_chinese(await rm.locator("body").inner_text(), _english_words()) == []

    # its publisher sees who has read it
    await manager.get_by_test_id("announcement-item").filter(has_text=title).get_by_role("link").click()
    await expect(manager.get_by_test_id("read-ratio")).to_contain_text("已读 1 /")
    await manager.get_by_role("tab", name=re.compile("已读")).click()
    await expect(manager.get_by_test_id("reader").filter(has_text="张经理")).to_be_visible()
    reads = await _as(gateway_url, "branch_manager", f"/v1/announcements/{announcement}/reads")
    assert [r["user"] for r in reads["reads"]] == ["users/rm_zhang"]

    # a second one, published through the API, arrives unread; then everything is marked read at once
    await rm.goto(gateway_url + "/messages")
    async with httpx.AsyncClient(base_url=gateway_url, timeout=10) as client:
        second = {
            "title": f"{title}（补充）",
            "content": "<p>补充说明</p>",
            "audience": {"orgUnits": ["orgUnits/0100"]},
            "expireTime": (datetime.now(UTC) + timedelta(days=3)).isoformat(),
        }
        reply = await client.post(
            "/v1/announcements", headers=await _bearer(client, "branch_manager"), json=second
        )
        assert reply.status_code == 200, reply.text
    await expect(rm.get_by_test_id("inbox-item").filter(has_text="（补充）")).to_be_visible(timeout=30_000)
    # (other tests give him tasks meanwhile, whose notifications may arrive after the click: what counts is that
    # everything that had arrived by then is read)
    clicked = datetime.now(UTC).isoformat()
    await rm.get_by_role("button", name="全部标为已读").click()
    await expect(rm.get_by_test_id("inbox-item").filter(has_text="（补充）").locator("strong")).to_have_count(
        0
    )
    unread = await _as(
        gateway_url,
        "rm_zhang",
        "/v1/users/me/notifications",
        filter=f'read = false AND create_time <= "{clicked}"',
    )
    assert unread.get("totalSize", 0) == 0

    # 通知设置: e-mail on, kept by the service
    await rm.get_by_role("button", name="通知设置").click()
    drawer = rm.get_by_role("dialog")
    await drawer.get_by_label("邮件", exact=True).check()
    await drawer.get_by_role("button", name=re.compile(r"保\s*存")).click()
    await expect(rm.get_by_text("通知设置已保存")).to_be_visible()
    settings = await _as(gateway_url, "rm_zhang", "/v1/users/me/notificationSettings")
    assert settings["channels"] == ["CHANNEL_EMAIL"] and not settings.get("hasWebhookSecret")
    await rm.context.close()
    await manager.context.close()
