"""First sign-in outside demo mode, in a real browser: an installation's first administrator (``kam-gateway
create-admin``) and a user that administrator creates in the console must both change their initial password
before they can open any page; the identity service's password policy shows under the field; afterwards the old
password no longer signs in and the new one does.

The stack runs with ``KAM_DEMO_MODE=0`` (no demo users, no demo passwords): gateway, customer and report services
and NATS as real processes; the browser is Debian's chromium (``conftest.py``).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator

import pytest
from kam_devkit import procs
from kam_devkit.testing import KamProcesses
from playwright.async_api import Page, expect

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 800}
ADMIN, ADMIN_START = "root_admin", "Install-Start-2026!"
USER, USER_START = "rm_first", "Given-By-Admin-2026!"


@pytest.fixture(scope="module")
def gateway_url(token_secret: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    kam = KamProcesses(tmp_path_factory.mktemp("kam"), token_secret, {"KAM_DEMO_MODE": "0"}, None)
    try:
        created = subprocess.run(
            [str(procs.console_script("kam-gateway")), "create-admin", ADMIN],
            check=False,
            env={**os.environ, **kam.env, "KAM_ADMIN_PASSWORD": ADMIN_START},
            cwd=kam.root,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert created.returncode == 0, created.stderr
        kam.start("customer", "report", "gateway")
        yield kam.gateway_url
    finally:
        kam.close()


async def _sign_in(page: Page, base: str, username: str, password: str) -> None:
    await page.goto(base + "/login")
    await page.get_by_label("用户名").fill(username)
    await page.get_by_label("密码").fill(password)
    await page.get_by_role("button", name=re.compile(r"登\s*录")).click()


async def _change_password(page: Page, old: str, new: str) -> None:
    await page.get_by_label("当前密码").fill(old)
    await page.get_by_label("新密码", exact=True).fill(new)
    await page.get_by_label("确认新密码").fill(new)
    await page.get_by_role("button", name=re.compile(r"保\s*存")).click()


async def _must_change_first(page: Page, base: str, username: str, start: str, new: str) -> None:
    """Signed in with an initial password: every page leads to 修改密码 until a policy-conforming one is set,
    then the user is where they wanted to go and may do what their roles allow."""
    await page.wait_for_url(re.compile(r"/password"))
    await expect(page.get_by_text("首次登录请先修改初始密码。")).to_be_visible()
    await page.goto(base + "/customers")
    await page.wait_for_url(re.compile(r"/password"))
    # the identity service's policy, shown under the field (nothing changed)
    await _change_password(page, start, "short1")
    await expect(page.get_by_text(re.compile("至少10个字符"))).to_be_visible()
    assert "/password" in page.url
    await _change_password(page, start, new)
    # on to the page asked for, with the session's permissions (its token renewed after the change)
    await page.wait_for_url(re.compile(r"/customers$"))
    await expect(page.get_by_test_id("customer-total")).to_be_visible()
    await page.goto(base + "/")
    await expect(page.get_by_text(re.compile("您好"))).to_be_visible()
    await expect(page.get_by_role("alert")).to_have_count(0)


async def test_the_first_administrator_and_a_user_they_create_must_change_initial_passwords(
    browser, gateway_url: str
) -> None:
    admin_new, user_new = "Admin-Chosen-2026#", "Rm-Chosen-Pass-2026#"
    context = await browser.new_context(viewport=DESKTOP, locale="zh-CN", service_workers="block")
    admin = await context.new_page()
    await _sign_in(admin, gateway_url, ADMIN, ADMIN_START)
    await _must_change_first(admin, gateway_url, ADMIN, ADMIN_START, admin_new)

    # the administrator creates a relationship manager with an initial password
    await admin.goto(gateway_url + "/control?tab=users")
    await admin.get_by_role("button", name=re.compile("新建用户")).click()
    dialog = admin.get_by_role("dialog")
    await dialog.get_by_label("用户名").fill(USER)
    await dialog.get_by_label("姓名").fill("首登经理")
    await dialog.get_by_label("所属机构").fill("总行")
    await expect(admin.locator(".ant-select-item-option-active", has_text="总行")).to_be_visible()
    await admin.keyboard.press("Enter")
    await dialog.get_by_label("角色").fill("客户经理")
    await expect(admin.locator(".ant-select-item-option-active", has_text="客户经理")).to_be_visible()
    await admin.keyboard.press("Enter")
    await admin.keyboard.press("Escape")
    await dialog.get_by_label("初始密码").fill(USER_START)
    await dialog.get_by_role("button", name=re.compile(r"保\s*存")).click()
    await expect(dialog).to_be_hidden()
    await context.close()

    context = await browser.new_context(viewport=DESKTOP, locale="zh-CN", service_workers="block")
    page = await context.new_page()
    await _sign_in(page, gateway_url, USER, USER_START)
    await _must_change_first(page, gateway_url, USER, USER_START, user_new)
    await expect(page.get_by_test_id("home-scope")).to_have_text("我的客户")
    await context.close()

    # the initial password is spent; the chosen one signs in straight to the home page
    context = await browser.new_context(viewport=DESKTOP, locale="zh-CN", service_workers="block")
    page = await context.new_page()
    await _sign_in(page, gateway_url, USER, USER_START)
    await expect(page.get_by_role("alert")).to_be_visible()
    assert "/login" in page.url
    await _sign_in(page, gateway_url, USER, user_new)
    await page.wait_for_url(lambda url: "/login" not in url)
    assert "/password" not in page.url
    await expect(page.get_by_test_id("home-scope")).to_have_text("我的客户")
    await context.close()
