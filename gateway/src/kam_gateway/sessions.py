"""Browser sessions over HTTP: the tokens in HTTP-only cookies, with double-submit CSRF protection.

API and mobile clients send ``authorization: Bearer <token>`` and keep the refresh token themselves. A browser
asks for cookies instead by sending ``x-kam-session: cookie`` to ``POST /v1/auth:login`` (and ``:refresh``): the
gateway then sets

- ``kam_access`` — the access token; ``HttpOnly``, ``SameSite=Strict``, ``Path=/``, until the token expires;
- ``kam_refresh`` — the refresh token; ``HttpOnly``, ``SameSite=Strict``, ``Path=/v1/auth:refresh`` (sent only to the
  refresh route), until the session ends;
- ``kam_csrf`` — a random value readable by the page's script (not ``HttpOnly``);

all ``Secure`` when the request came over HTTPS, and leaves both tokens out of the JSON body, so the page's
script never holds them. A request authenticated by the cookie that changes anything (any method but
GET/HEAD/OPTIONS, and the cookie-based refresh and logout) must echo ``kam_csrf`` in the ``x-csrf-token``
header, or it is refused 403 ``CSRF_TOKEN_MISSING`` — another site can make the browser send the cookies, but it
cannot read ``kam_csrf``. ``POST /v1/auth:logout`` clears the cookies.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import UTC, datetime
from typing import Any

from kam_kit import auth
from starlette.requests import Request
from starlette.responses import Response

ACCESS_COOKIE = "kam_access"
REFRESH_COOKIE = "kam_refresh"
CSRF_COOKIE = "kam_csrf"
CSRF_HEADER = "x-csrf-token"
MODE_HEADER = "x-kam-session"
#: The refresh cookie goes to the refresh route only (a cookie path matches whole segments, so "/v1/auth" would
#: not cover "/v1/auth:refresh").
REFRESH_PATH = "/v1/auth:refresh"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOGIN = "/kam.identity.v1.IdentityService/Login"
REFRESH = "/kam.identity.v1.IdentityService/RefreshSession"
LOGOUT = "/kam.identity.v1.IdentityService/Logout"


def bearer_or_cookie(request: Request) -> tuple[str | None, bool]:
    """The caller's access token and whether it came from the cookie (a header wins over the cookie)."""
    if "authorization" in request.headers:
        return auth.token_from_metadata(request.headers.items()), False
    cookie = request.cookies.get(ACCESS_COOKIE)
    return (cookie or None), bool(cookie)


def csrf_ok(request: Request) -> bool:
    expected = request.cookies.get(CSRF_COOKIE, "")
    sent = request.headers.get(CSRF_HEADER, "")
    return bool(expected) and hmac.compare_digest(expected.encode(), sent.encode())


def needs_csrf(request: Request, grpc_path: str, via_cookie: bool, public: bool) -> bool:
    """A cookie-authenticated change, or a cookie-based refresh (public routes use no cookie otherwise)."""
    if grpc_path == REFRESH:
        return REFRESH_COOKIE in request.cookies and "authorization" not in request.headers
    return via_cookie and not public and request.method not in SAFE_METHODS


def wants_cookies(request: Request) -> bool:
    return request.headers.get(MODE_HEADER, "").lower() == "cookie"


def refresh_from_cookie(request: Request, body: bytes) -> bytes:
    """A cookie-mode refresh with an empty body: the refresh token from its cookie."""
    token = request.cookies.get(REFRESH_COOKIE)
    if not token or body.strip() not in (b"", b"{}"):
        return body
    import json

    return json.dumps({"refreshToken": token}).encode()


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "") == "https"


def _seconds_until(rfc3339: str, now: datetime) -> int:
    try:
        end = datetime.fromisoformat(rfc3339)
    except ValueError:
        return 0
    return max(0, int((end - now.astimezone(UTC)).total_seconds()))


def set_session_cookies(request: Request, response: Response, payload: dict[str, Any], now: datetime) -> None:
    """Move the tokens of a Login/RefreshSession answer into cookies (and out of ``payload``)."""
    secure = _secure(request)
    access, refresh = payload.pop("accessToken", ""), payload.pop("refreshToken", "")
    if access:
        response.set_cookie(
            ACCESS_COOKIE,
            access,
            max_age=_seconds_until(payload.get("expireTime", ""), now),
            path="/",
            httponly=True,
            samesite="strict",
            secure=secure,
        )
    if refresh:
        response.set_cookie(
            REFRESH_COOKIE,
            refresh,
            path=REFRESH_PATH,
            httponly=True,
            samesite="strict",
            secure=secure,
            max_age=_seconds_until(payload.get("refreshExpireTime", ""), now),
        )
    response.set_cookie(
        CSRF_COOKIE,
        request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24),
        path="/",
        samesite="strict",
        secure=secure,
        max_age=_seconds_until(payload.get("refreshExpireTime", ""), now) or None,
    )


def clear_session_cookies(response: Response) -> None:
    for name, path in ((ACCESS_COOKIE, "/"), (REFRESH_COOKIE, REFRESH_PATH), (CSRF_COOKIE, "/")):
        response.delete_cookie(name, path=path)
