"""Browser sessions over HTTP against the real gateway: tokens in HTTP-only cookies (never in the page's JSON),
double-submit CSRF on changes, refresh by cookie with rotation, logout clears the cookies and ends the session
at once; API clients keep bearer tokens."""

from __future__ import annotations

import httpx
from kam_gateway.server import GatewayServer

BROWSER = {"x-kam-session": "cookie"}


async def test_a_browser_session_lives_in_http_only_cookies_with_csrf(gateway: GatewayServer) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{gateway.http_port}", timeout=10) as browser:
        login = await browser.post(
            "/v1/auth:login", headers=BROWSER, json={"username": "compliance", "password": "demo-pass"}
        )
        assert login.status_code == 200, login.text
        body = login.json()
        assert (
            "accessToken" not in body
            and "refreshToken" not in body
            and body["user"]["username"] == "compliance"
        )
        set_cookies = login.headers.get_list("set-cookie")
        access = next(c for c in set_cookies if c.startswith("kam_access="))
        refresh = next(c for c in set_cookies if c.startswith("kam_refresh="))
        csrf_cookie = next(c for c in set_cookies if c.startswith("kam_csrf="))
        for cookie in (access, refresh):
            assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
        assert "path=/v1/auth:refresh" in refresh.lower() and "httponly" not in csrf_cookie.lower()
        csrf = browser.cookies["kam_csrf"]

        me = await browser.get("/v1/users/me")  # a read by cookie needs no CSRF token
        assert me.status_code == 200 and me.json()["username"] == "compliance"

        change = {"oldPassword": "wrong-one", "newPassword": "Another-Strong-7"}
        forged = await browser.post("/v1/users/me:changePassword", json=change)
        assert forged.status_code == 403 and "CSRF_TOKEN_MISSING" in forged.text
        wrong = await browser.post(
            "/v1/users/me:changePassword", json=change, headers={"x-csrf-token": "nope"}
        )
        assert wrong.status_code == 403
        allowed = await browser.post(
            "/v1/users/me:changePassword", json=change, headers={"x-csrf-token": csrf}
        )
        assert (
            allowed.status_code == 400 and "old_password" in allowed.text
        )  # past CSRF: the service answered

        old_refresh = browser.cookies.get("kam_refresh", path="/v1/auth:refresh")
        assert (
            await browser.post("/v1/auth:refresh", json={})
        ).status_code == 403  # cookie refresh needs CSRF
        refreshed = await browser.post("/v1/auth:refresh", json={}, headers={"x-csrf-token": csrf})
        assert refreshed.status_code == 200, refreshed.text
        assert "accessToken" not in refreshed.json()
        assert browser.cookies.get("kam_refresh", path="/v1/auth:refresh") != old_refresh
        stale = await httpx.AsyncClient(base_url=browser.base_url).post(
            "/v1/auth:refresh", json={"refreshToken": old_refresh}
        )
        assert stale.status_code == 401  # rotated: the old one is a replay, which ends the session …

        again = await browser.post(
            "/v1/auth:login", headers=BROWSER, json={"username": "compliance", "password": "demo-pass"}
        )
        assert again.status_code == 200
        csrf = browser.cookies["kam_csrf"]
        access_token = browser.cookies["kam_access"]
        out = await browser.post("/v1/auth:logout", json={}, headers={"x-csrf-token": csrf})
        assert out.status_code == 200
        assert all(
            "max-age=0" in c.lower() or "expires=" in c.lower() for c in out.headers.get_list("set-cookie")
        )
        after = await browser.get("/v1/users/me", headers={"authorization": f"Bearer {access_token}"})
        assert after.status_code == 401 and "TOKEN_REVOKED" in after.text  # … and logout ends it at once


async def test_api_clients_keep_bearer_tokens_and_need_no_csrf(client: httpx.AsyncClient) -> None:
    login = await client.post("/v1/auth:login", json={"username": "hq_leader", "password": "demo-pass"})
    assert login.status_code == 200
    body = login.json()
    assert body["accessToken"] and body["refreshToken"] and not login.headers.get_list("set-cookie")
    headers = {"authorization": f"Bearer {body['accessToken']}"}
    r = await client.post(
        "/v1/users/me:changePassword",
        headers=headers,
        json={"oldPassword": "wrong-one", "newPassword": "Another-Strong-7"},
    )
    assert r.status_code == 400  # no CSRF for a bearer token: a site cannot make a browser send one
    refreshed = await client.post("/v1/auth:refresh", json={"refreshToken": body["refreshToken"]})
    assert refreshed.status_code == 200 and refreshed.json()["refreshToken"] != body["refreshToken"]


async def test_every_answer_carries_the_security_headers(client: httpx.AsyncClient) -> None:
    for path in ("/healthz", "/openapi.json", "/v1/no-such-route"):
        r = await client.get(path)
        assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"
        assert r.headers["content-security-policy"].startswith("default-src 'none'")
        assert "strict-transport-security" not in r.headers  # plain HTTP here
    page = await client.get("/")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    behind_tls = await client.get("/healthz", headers={"x-forwarded-proto": "https"})
    assert behind_tls.headers["strict-transport-security"].startswith("max-age=")


async def test_cross_origin_calls_are_allowed_only_for_configured_origins(
    echo_pb, echo_backend, token_secret
) -> None:
    import dataclasses

    from gw_testlib import gateway_settings
    from kam_gateway.server import GatewayServer

    settings = dataclasses.replace(
        gateway_settings(token_secret), cors_origins=("https://console.bank.example",)
    )
    server = GatewayServer(
        settings,
        services=[echo_pb.service],
        instrument=False,
        environ={"KAM_ECHOTEST_ADDR": f"127.0.0.1:{echo_backend.port}"},
    )
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.http_port}", timeout=10) as c:
            allowed = await c.options(
                "/healthz",
                headers={"origin": "https://console.bank.example", "access-control-request-method": "GET"},
            )
            assert allowed.headers["access-control-allow-origin"] == "https://console.bank.example"
            assert allowed.headers["access-control-allow-credentials"] == "true"
            other = await c.get("/healthz", headers={"origin": "https://evil.example"})
            assert "access-control-allow-origin" not in other.headers
    finally:
        await server.stop()


async def test_etag_header_and_if_match_guard_updates(client: httpx.AsyncClient) -> None:
    login = await client.post("/v1/auth:login", json={"username": "admin", "password": "demo-pass"})
    admin = {"authorization": f"Bearer {login.json()['accessToken']}"}
    made = await client.post(
        "/v1/users",
        headers=admin,
        json={
            "username": "etag_test",
            "displayName": "测试",
            "orgUnit": "orgUnits/0101",
            "roles": ["roles/relationship_manager"],
        },
        params={"initialPassword": "Kam-Strong-42"},
    )
    assert made.status_code == 200, made.text
    got = await client.get("/v1/users/etag_test", headers=admin)
    assert got.headers["etag"] == '"v1"'
    stale = await client.patch(
        "/v1/users/etag_test",
        headers={**admin, "if-match": '"v0"'},
        json={"displayName": "改名"},
        params={"updateMask": "display_name"},
    )
    assert stale.status_code == 409 and "ABORTED" in stale.text
    fresh = await client.patch(
        "/v1/users/etag_test",
        headers={**admin, "if-match": got.headers["etag"]},
        json={"displayName": "改名"},
        params={"updateMask": "display_name"},
    )
    assert (
        fresh.status_code == 200 and fresh.json()["displayName"] == "改名" and fresh.headers["etag"] == '"v2"'
    )


async def test_the_api_page_is_served_from_packaged_files(client: httpx.AsyncClient) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200 and "/docs/static/swagger-ui-bundle.js" in page.text
    assert (
        "script-src 'self';" in page.headers["content-security-policy"]
    )  # no inline script, nothing external
    assert "http" not in page.text.replace("http-equiv", "")  # no CDN: every resource from this gateway
    script = await client.get("/docs/static/swagger-ui-bundle.js")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.text
    start = await client.get("/docs/init.js")
    assert start.status_code == 200 and '"/openapi.json"' in start.text
    assert (await client.get("/docs/static/no-such-file.js")).status_code == 404


async def test_expensive_calls_are_rate_limited_per_caller(gateway, client: httpx.AsyncClient) -> None:
    from datetime import timedelta

    from kam_gateway.ratelimit import LIMITS, Limit, RateLimiter
    from kam_kit.clock import ManualClock

    assert {
        "/kam.customer.v1.ScanService/CreateScanJob",
        "/kam.customer.v1.CustomerService/SearchCustomers",
        "/kam.customer.v1.TierService/SimulateTierRuleSet",
    } <= set(LIMITS)
    clock = ManualClock()
    original = gateway.gateway.rate_limiter
    gateway.gateway.rate_limiter = RateLimiter(
        {"/kam.identity.v1.IdentityService/ListRoles": Limit("roles", rate=1 / 10, burst=2)}, clock=clock
    )
    try:
        tokens = {}
        for username in ("admin", "hq_leader"):
            login = await client.post("/v1/auth:login", json={"username": username, "password": "demo-pass"})
            tokens[username] = {"authorization": f"Bearer {login.json()['accessToken']}"}
        assert [(await client.get("/v1/roles", headers=tokens["admin"])).status_code for _ in range(2)] == [
            200,
            200,
        ]
        limited = await client.get("/v1/roles", headers=tokens["admin"])
        assert limited.status_code == 429 and limited.headers["retry-after"] == "10"
        details = limited.json()["error"]["details"]
        assert any(d.get("reason") == "RATE_LIMITED" for d in details)
        assert any(d.get("retryDelay") == "10s" for d in details)
        assert (await client.get("/v1/roles", headers=tokens["hq_leader"])).status_code == 200  # per caller
        assert (await client.get("/v1/permissions", headers=tokens["admin"])).status_code == 200  # per method
        clock.advance(timedelta(seconds=10))
        assert (await client.get("/v1/roles", headers=tokens["admin"])).status_code == 200
    finally:
        gateway.gateway.rate_limiter = original


async def test_a_session_names_the_client_that_signed_in(gateway: GatewayServer) -> None:
    """Where and with what a user signed in (the sessions list, 登录设备): the HTTP client's, as the gateway forwards."""
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{gateway.http_port}", timeout=10) as phone:
        phone.headers["user-agent"] = "KAM-Mobile/2.1 (iPhone)"
        login = await phone.post(
            "/v1/auth:login",
            headers={"x-forwarded-for": "198.51.100.23"},  # behind a proxy the gateway trusts (loopback)
            json={"username": "hq_leader", "password": "demo-pass"},
        )
        assert login.status_code == 200, login.text
        bearer = {"authorization": f"Bearer {login.json()['accessToken']}"}
        listed = await phone.get("/v1/users/me/sessions", headers=bearer)
        assert listed.status_code == 200, listed.text
        current = [s for s in listed.json()["sessions"] if s.get("current")]
        assert [(s["clientAddress"], s["userAgent"]) for s in current] == [
            ("198.51.100.23", "KAM-Mobile/2.1 (iPhone)")
        ]
