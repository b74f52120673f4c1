"""The web console's files as the gateway serves them: the built app (``make run``/``make test`` build it from
gateway/console) at ``/`` and at every page's own address, its hashed bundles cached for good, the service worker
revalidated, nothing inline or from elsewhere, and the API untouched by the page fallback."""

from __future__ import annotations

import re

import httpx
import pytest
from kam_gateway import webconsole

HTML = {"accept": "text/html,application/xhtml+xml"}


@pytest.fixture(autouse=True)
def built() -> None:
    if not (webconsole.DIST / "index.html").is_file():
        pytest.fail(
            f"{webconsole.DIST} has no build: `make test` builds it (npm --prefix gateway/console run build)",
            pytrace=False,
        )


async def test_the_console_is_served_at_the_root_in_chinese_from_its_own_files(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/", headers=HTML)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<html lang="zh-CN">' in page.text and page.headers["cache-control"] == "no-cache"
    policy = page.headers["content-security-policy"]
    assert (
        "script-src 'self';" in policy
        and "frame-ancestors 'none'" in policy
        and "worker-src 'self'" in policy
    )
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', page.text)
    assert scripts and all(s.startswith("/assets/") for s in scripts)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text)  # no inline script
    assert "http://" not in page.text and "https://" not in page.text  # no CDN, nothing from outside


async def test_a_page_address_gets_the_app_and_the_api_stays_the_api(client: httpx.AsyncClient) -> None:
    root = (await client.get("/", headers=HTML)).text
    for path in ("/customers/42", "/login?next=%2Fcustomers", "/control/users"):
        deep = await client.get(path, headers=HTML)
        assert deep.status_code == 200 and deep.text == root, path
    api = await client.get("/v1/no-such-route", headers=HTML)
    assert api.status_code == 404 and api.json()["error"]["status"] == "NOT_FOUND"
    # a client that does not ask for HTML by name (JSON, */*, no header) gets the API's answer, not the page
    for accept in ({"accept": "application/json"}, {"accept": "*/*"}, {}):
        not_page = await client.get("/customers/42", headers=accept)
        assert not_page.status_code == 404 and not_page.json()["error"]["status"] == "NOT_FOUND", accept


async def test_bundles_are_cached_for_good_and_the_service_worker_is_revalidated(
    client: httpx.AsyncClient,
) -> None:
    page = (await client.get("/", headers=HTML)).text
    bundle = re.findall(r'src="(/assets/[^"]+\.js)"', page)[0]
    got = await client.get(bundle)
    assert got.status_code == 200 and "immutable" in got.headers["cache-control"]
    assert got.headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert (await client.get("/assets/no-such-bundle.js")).status_code == 404
    worker = await client.get("/sw.js")
    assert worker.status_code == 200 and worker.headers["cache-control"] == "no-cache"
    assert "kam-data" in worker.text  # the cache the console clears at sign-out
    manifest = await client.get("/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest.json()["start_url"] == "/"
