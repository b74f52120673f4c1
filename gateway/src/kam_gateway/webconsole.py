"""The web console's files: the single-page app built by Vite from ``gateway/console/`` into
``kam_gateway/console/dist`` (``make run`` and ``make test`` build it when its sources change; the wheel and the
image carry the built files).

- ``/assets/*`` — content-hashed bundles: cached for a year (a new build has new names);
- ``/sw.js``, ``/manifest.webmanifest``, ``/icon.svg`` — the service worker, web-app manifest and icon, revalidated
  on every use so a new build takes over at once;
- any other ``GET`` that asks for HTML outside the API (``/``, ``/customers/42``, ``/login?next=…``) — the app's
  ``index.html``, so a deep link or a reload lands on the right page (the app's router takes it from there).

Without a build the page routes answer 503 with the JSON error body, saying how to build it.
"""

from __future__ import annotations

from pathlib import Path

import grpc
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from kam_gateway import errors

DIST = Path(__file__).parent / "console" / "dist"
ROOT_FILES = ("sw.js", "manifest.webmanifest", "icon.svg")
#: Paths that are never pages: the API, its description and documentation, the probes.
API_PREFIXES = ("/v1/", "/docs", "/openapi.json", "/healthz", "/readyz")

#: The console may load only its own files; Ant Design's CSS-in-JS writes <style> elements, hence inline styles.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'"
)
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


def is_page(path: str) -> bool:
    """Whether a path may be one of the console's pages (everything outside the API)."""
    return not path.startswith(API_PREFIXES)


def wants_page(request: Request) -> bool:
    return request.method in ("GET", "HEAD") and is_page(request.url.path) and _accepts_html(request)


def _accepts_html(request: Request) -> bool:
    """A browser opening a page asks for HTML by name; API clients (``*/*``, JSON, no header) get the API's
    answer, a JSON 404 for an unknown address."""
    return "text/html" in request.headers.get("accept", "")


def _not_built() -> Response:
    body = errors.error_body(
        grpc.StatusCode.UNAVAILABLE,
        "控制台尚未构建：运行 make run 或 npm --prefix gateway/console run build (the console is not built)",
    )
    return JSONResponse(body, status_code=503)


async def page(request: Request) -> Response:
    index = DIST / "index.html"
    if not index.is_file():
        return _not_built()
    return FileResponse(index, media_type="text/html; charset=utf-8", headers={"cache-control": REVALIDATE})


async def root_file(request: Request) -> Response:
    name = request.url.path.lstrip("/")
    file = DIST / name
    if name not in ROOT_FILES or not file.is_file():
        return _not_built()
    media = {"sw.js": "text/javascript", "manifest.webmanifest": "application/manifest+json"}.get(name)
    return FileResponse(file, media_type=media, headers={"cache-control": REVALIDATE})


class Assets(StaticFiles):
    """The hashed bundles, cached for good; a missing one is a plain 404 (``check_dir=False``: there may be no
    build yet when the gateway starts)."""

    def __init__(self) -> None:
        super().__init__(directory=str(DIST / "assets"), check_dir=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_cached(message: dict) -> None:  # type: ignore[type-arg]
            if message["type"] == "http.response.start" and message["status"] == 200:
                message = {
                    **message,
                    "headers": [*message.get("headers", []), (b"cache-control", IMMUTABLE.encode())],
                }
            await send(message)

        await super().__call__(scope, receive, send_cached)
