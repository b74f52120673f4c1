"""Fixtures of the end-to-end tests in a real browser: Debian's chromium (``/usr/bin/chromium``; ``.ci/run``
installs it), driven by Playwright, never a browser that ``playwright install`` would download. Without it the
browser tests are skipped, or fail when ``CI=true``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.async_api import async_playwright

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


@pytest.fixture(scope="module")
async def browser():
    """One headless chromium per test module."""
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
