"""The demo console in a real browser: Debian's chromium driven by Playwright over the real gateway, customer and
report services and NATS (nothing mocked), the customer service scanning a tiny demo core-banking source.

Signing out (退出) — or any 401 — must leave no customer data in the page, show the login form without the app
shell, stop every poll and in-flight read, and forget the token. The console's poll timer is driven with
Playwright's fake clock, so several poll intervals pass in no time.

The browser is ``/usr/bin/chromium`` (``apt-get install chromium``; ``.ci/run`` installs it), never one that
``playwright install`` would download. Without it these tests are skipped, or fail when ``CI=true``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
from pathlib import Path

import httpx
import pytest
from kam_devkit import procs
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import async_playwright, expect

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
# headless, and nothing that phones home: without the background-networking flags chromium's own connections
# are refused by a closed network
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
POLL_MS = 5000  # the console's refresh interval (setInterval(overview, 5000) in index.html)
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PASSWORD = os.environ.get("KAM_DEMO_PASSWORD", "kam-demo-2026")


@pytest.fixture(scope="module")
async def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not found: `apt-get install chromium` (.ci/run installs it)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI=true: the console's browser tests are required)", pytrace=False)
        pytest.skip(reason)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        await browser.close()


@pytest.fixture(scope="module")
def core_banking(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A tiny demo core-banking source (300 customers, read-only to the service, so shared by the tests)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('core') / 'core-banking.db'}"
    subprocess.run(
        [str(procs.console_script("kam-demobank")), "generate", "--url", url, "--size", "tiny"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return url


@pytest.fixture
async def gateway_url(browser, core_banking: str, kam_processes) -> str:
    """Customer + report + gateway, the startup scan done and its key customers counted by the report service."""
    kam = kam_processes(
        "customer",
        "report",
        "gateway",
        env={"KAM_CUSTOMER_SOURCE_URL": core_banking, "KAM_CUSTOMER_SCAN_ON_START": "true"},
    )
    async with httpx.AsyncClient(base_url=kam.gateway_url, timeout=10) as client:
        headers = {"Authorization": f"Bearer {await _token(client)}"}
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 60
        while loop.time() < deadline:
            stats = (await client.get("/v1/customerStats", headers=headers)).json()
            if any(c["tier"] == "tiers/gold" for c in stats.get("tierCounts", [])):
                return kam.gateway_url
            await asyncio.sleep(0.2)
    pytest.fail(f"the startup scan's gold customers never reached the report service: {stats}")


async def _token(client: httpx.AsyncClient) -> str:
    reply = await client.post("/v1/auth:login", json={"username": "admin", "password": PASSWORD})
    assert reply.status_code == 200, reply.text
    return reply.json()["accessToken"]


class Console:
    """One browser tab on the console, with a fake clock and a log of the API requests it sends."""

    def __init__(self, page, base_url: str) -> None:
        self.page, self.base_url = page, base_url
        self.requests: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url) if "/v1/" in r.url else None)

    @classmethod
    async def open(cls, browser, base_url: str, viewport: dict[str, int]) -> Console:
        context = await browser.new_context(viewport=viewport, locale="zh-CN")
        page = await context.new_page()
        await page.clock.install()  # time flows as usual until the test fast-forwards it
        console = cls(page, base_url)
        await page.goto(base_url + "/")
        return console

    async def sign_in(self) -> None:
        await self.page.fill("#u", "admin")
        await self.page.fill("#p", PASSWORD)
        await self.page.click("#go")
        # the first tier's list (zh-CN by default) is in before another tier is picked: the page shows whichever
        # list answers last
        await expect(self.page.locator("#listNote")).to_contain_text("位客户")
        await self.page.locator('.card[data-tier="tiers/gold"]').click()
        await self.page.locator("#list tr.pick").first.wait_for()

    async def open_360(self, row: int = 0) -> dict[str, str]:
        """Click a customer of the list; returns the name and PII the 360 shows (read over REST too)."""
        picked = self.page.locator("#list tr.pick").nth(row)
        name = await picked.get_attribute("data-name")
        await picked.click()
        async with httpx.AsyncClient(base_url=self.base_url, timeout=10) as client:
            headers = {"Authorization": f"Bearer {await _token(client)}"}
            customer = (await client.get(f"/v1/{name}", headers=headers)).json()
            accounts = (await client.get(f"/v1/{name}/accounts?pageSize=20", headers=headers)).json()
        shown = {"name": customer["displayName"], "id": customer["idNumber"], "phone": customer["phone"]}
        shown.update({f"account {i}": a["accountNumber"] for i, a in enumerate(accounts.get("accounts", []))})
        return shown

    async def list_names(self) -> list[str]:
        return await self.page.locator("#list tr.pick td:first-child").all_inner_texts()

    async def requests_during(self, ms: int) -> list[str]:
        """The API requests sent while the page's clock moves ``ms`` ahead (timers fire) and shortly after."""
        self.requests.clear()
        await self.page.clock.run_for(ms)
        await self.page.wait_for_timeout(500)  # requests started by the timers reach the log
        return list(self.requests)

    async def stored(self) -> str:
        return await self.page.evaluate(
            "() => JSON.stringify({...sessionStorage}) + JSON.stringify({...localStorage}) + document.cookie"
        )

    async def screenshot(self, path: Path) -> None:
        await self.page.screenshot(path=str(path), full_page=True)


async def _assert_signed_out(
    console: Console, secrets: dict[str, str], token: str, *, by_401: bool = False
) -> None:
    """The login form alone, no customer data, no token, no requests: ``console.requests`` was cleared when the
    sign-out began; while three poll intervals pass it may get nothing (退出) or only the poll that got the 401."""
    page = console.page
    await page.locator("#login").wait_for(state="visible", timeout=5000)
    await page.clock.run_for(3 * POLL_MS)
    await page.wait_for_timeout(500)
    sent = [url.removeprefix(console.base_url) for url in console.requests]
    assert sent == (["/v1/customerStats"] if by_401 else []), f"API calls after signing out: {sent}"
    html = await page.content()
    left = {what: value for what, value in secrets.items() if value and value in html}
    assert not left, f"customer data still in the DOM after signing out: {left}"
    assert await page.locator("#list tr").count() == 0
    assert await page.locator("#app").is_hidden(), "the app shell is shown with the login form"
    assert await page.locator("#logout").is_hidden()
    assert token not in await console.stored(), "the token is still stored"
    reason = await page.locator("#loginError").inner_text()
    assert bool(reason) == by_401, f"reason shown on the login form: {reason!r}"


async def _signed_in(console: Console) -> tuple[dict[str, str], str]:
    """Sign in, open a 360; the customer data on screen (checked to be there) and the token."""
    await console.sign_in()
    shown = await console.open_360()
    await console.page.get_by_text(shown["id"]).wait_for()
    secrets = {**shown, **{f"listed {n}": n for n in await console.list_names()}}
    html = await console.page.content()
    assert all(value in html for value in secrets.values())
    token = await console.page.evaluate("() => sessionStorage.getItem('kam.token')")
    assert token
    return secrets, token


async def test_sign_out_clears_customer_data_stops_polling_and_forgets_the_token(
    browser, gateway_url: str, tmp_path: Path
) -> None:
    for label, viewport in (("desktop", DESKTOP), ("390px", PHONE)):
        console = await Console.open(browser, gateway_url, viewport)
        page = console.page
        # the login form alone: no empty app shell under it
        assert await page.locator("#login").is_visible()
        assert await page.locator("#app").is_hidden(), f"{label}: empty app shell under the login form"
        assert await page.locator("#logout").is_hidden()

        secrets, token = await _signed_in(console)
        assert await page.locator("#login").is_hidden()
        polled = await console.requests_during(2 * POLL_MS)
        assert any("/v1/customerStats" in url for url in polled), f"no poll seen while signed in: {polled}"
        await console.screenshot(tmp_path / f"signed-in-{label}.png")

        console.requests.clear()
        await page.click("#logout")
        await _assert_signed_out(console, secrets, token)
        await console.screenshot(tmp_path / f"signed-out-{label}.png")

        await page.reload()  # the token is gone for good, not just from the screen
        assert await page.locator("#login").is_visible() and await page.locator("#app").is_hidden()
        assert await page.locator("#who").inner_text() == ""
        await page.context.close()


async def test_a_response_arriving_after_sign_out_is_not_shown(browser, gateway_url: str) -> None:
    console = await Console.open(browser, gateway_url, DESKTOP)
    page = console.page
    secrets, token = await _signed_in(console)
    # open another customer's 360 while one of its reads is held back, and sign out before it returns
    held, cancelled, release = [], [], asyncio.Event()
    page.on("requestfailed", lambda r: cancelled.append(r.url))

    async def hold(route) -> None:
        held.append(route.request.url)
        await release.wait()
        with contextlib.suppress(PlaywrightError):  # the page may have cancelled the request meanwhile
            await route.continue_()

    await page.route("**/v1/customers/*/creditStanding", hold)
    secrets.update({f"second {k}": v for k, v in (await console.open_360(row=1)).items()})
    for _ in range(100):
        if held:
            break
        await asyncio.sleep(0.05)
    assert held, "the 360 never asked for the credit standing"
    console.requests.clear()
    await page.click("#logout")
    release.set()
    await page.wait_for_timeout(1000)  # the held read and whatever the 360 would do next
    assert held[0] in cancelled, "the read in flight was not cancelled at sign-out"
    await _assert_signed_out(console, secrets, token)
    await page.context.close()


async def test_a_401_from_any_call_signs_out_the_same_way(browser, gateway_url: str, tmp_path: Path) -> None:
    console = await Console.open(browser, gateway_url, DESKTOP)
    page = console.page
    secrets, token = await _signed_in(console)

    # the token stops being accepted (as when it expires): the real services answer 401 to the next poll
    async def expired(route) -> None:
        await route.continue_(headers={**route.request.headers, "authorization": "Bearer expired.token.x"})

    await page.route("**/v1/**", expired)
    console.requests.clear()
    await page.clock.run_for(POLL_MS)
    await page.locator("#login").wait_for(state="visible", timeout=10000)
    await page.unroute("**/v1/**")
    await _assert_signed_out(console, secrets, token, by_401=True)
    await console.screenshot(tmp_path / "after-401.png")
    await page.context.close()
