"""The gateway's ASGI application: REST/JSON under ``/v1/…`` transcoded to gRPC, plus probes and OpenAPI.

Every ``/v1`` route comes from a ``google.api.http`` annotation (see :mod:`kam_gateway.routes`); there is no
hand-written handler per method. Server-streaming methods answer with a JSON array of every message.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import grpc
import orjson
from google.protobuf.descriptor import ServiceDescriptor
from google.protobuf.message import Message
from kam_kit import auth, telemetry
from kam_kit.authz import declared_rule
from kam_kit.clock import SYSTEM_CLOCK, Clock
from kam_kit.errors import Unauthenticated
from kam_kit.revocation import Revocations
from opentelemetry import propagate
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount
from starlette.routing import Route as StarletteRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.types import Message as AsgiMessage
from swagger_ui_bundle import swagger_ui_path

from kam_gateway import errors, sessions, webconsole
from kam_gateway.backends import Backend, Channels
from kam_gateway.openapi import openapi_document
from kam_gateway.push import HEARTBEAT_SECONDS, PushHub, sse_event
from kam_gateway.ratelimit import RateLimiter
from kam_gateway.routes import Route, Router, build_routes
from kam_gateway.transcode import TranscodeError, build_request, json_depth, message_class, render_response

log = logging.getLogger(__name__)
#: One line per HTTP request (method, route template, status, duration, request id). The route *template* is
#: logged, not the path or query: paths carry account numbers and queries carry search terms (personal data).
access_log = logging.getLogger("kam_gateway.access")
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
#: The limit for a request carrying a file (an announcement's attachment: 10 MiB, a third more as base64).
DEFAULT_MAX_UPLOAD_BYTES = 14 * 1024 * 1024
#: Deepest JSON body accepted (objects and arrays); deeper is a 400 before any parsing (Python's JSON parser
#: and protobuf's recurse, and a few thousand levels would exhaust the stack).
DEFAULT_MAX_JSON_DEPTH = 64
#: Longest path variable or query parameter value (characters, after percent-decoding); longer is a 400 naming it.
DEFAULT_MAX_PARAM_CHARS = 1024
#: Longest request target (path and query string, as sent); longer is a 414.
DEFAULT_MAX_URL_CHARS = 8192

REQUEST_ID_HEADER = "x-request-id"
#: The API page (/docs): our page and its start script; Swagger UI's own files from the swagger-ui-bundle package.
API_DOCS = Path(__file__).parent / "apidocs"
_REQUEST_ID_OK = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
_NOT_PRINTABLE = re.compile(r"[^ -~]")  # what gRPC metadata may carry, replaced
_ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


class Gateway:
    """Routes HTTP requests to backend gRPC methods by their http rules."""

    def __init__(
        self,
        services: Iterable[ServiceDescriptor],
        backends: dict[str, Backend],
        *,
        token_secret: str,
        clock: Clock = SYSTEM_CLOCK,
        deadline_seconds: float = 10.0,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
        max_json_depth: int = DEFAULT_MAX_JSON_DEPTH,
        max_param_chars: int = DEFAULT_MAX_PARAM_CHARS,
        max_url_chars: int = DEFAULT_MAX_URL_CHARS,
        public_methods: Iterable[str] = (),
    ) -> None:
        services = list(services)
        self.channels = Channels(backends)
        served = [s for s in services if _serves(self.channels, s)]
        self.routes: list[Route] = build_routes(served)
        self.router = Router(self.routes)
        self.deadline_seconds = deadline_seconds
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max(max_upload_bytes, max_body_bytes)
        self.max_json_depth = max_json_depth
        self.max_param_chars = max_param_chars
        self.max_url_chars = max_url_chars
        self.token_secret = token_secret
        self.clock = clock
        self.tokens = auth.VerifiedTokens(secret=token_secret, clock=clock)
        #: gRPC paths callable without a token: the rpcs whose proto declares ``public`` (sign-in), plus any listed.
        self.public_methods = set(public_methods) | {
            r.grpc_path for r in self.routes if (rule := declared_rule(r.method)) is not None and rule.public
        }
        self._openapi: dict[str, Any] | None = None
        self.rate_limiter = RateLimiter(clock=clock)
        #: Set by the gateway process: the push hub (real-time push) and the revocation list it checks.
        self.push: PushHub | None = None
        self.revocations: Revocations | None = None

    @property
    def openapi(self) -> dict[str, Any]:
        if self._openapi is None:
            self._openapi = openapi_document(self.routes)
        return self._openapi

    async def handle(self, request: Request) -> Response:
        raw_path = _raw_path(request)
        if len(raw_path) + len(request.scope.get("query_string", b"")) > self.max_url_chars:
            return _json(
                *errors.gateway_error(
                    414,
                    grpc.StatusCode.INVALID_ARGUMENT,
                    f"请求地址过长 (request URL longer than {self.max_url_chars} characters)",
                )
            )
        match, allowed = self.router.match(request.method, raw_path)
        if match is None:
            if allowed:
                status, body = errors.gateway_error(
                    405,
                    grpc.StatusCode.UNIMPLEMENTED,
                    f"不支持的 HTTP 方法 (method {request.method} not allowed; allowed: {', '.join(sorted(allowed))})",
                )
                return _json(status, body, headers={"allow": ", ".join(sorted(allowed))})
            body = errors.error_body(
                grpc.StatusCode.NOT_FOUND, f"没有此路径 (no route for {request.url.path})"
            )
            return _json(404, body)

        route = match.route
        request.state.route = route.template.template
        # Authenticate first: a caller without a valid token learns nothing about what the request should be.
        token, via_cookie = sessions.bearer_or_cookie(request)
        caller = None
        if route.grpc_path not in self.public_methods:
            try:
                caller = self.tokens.verify(token)
            except Unauthenticated as exc:
                return _json(*errors.unauthenticated(exc.message, exc.reason))
        public = route.grpc_path in self.public_methods
        if sessions.needs_csrf(request, route.grpc_path, via_cookie, public) and not sessions.csrf_ok(
            request
        ):
            return _json(
                *errors.forbidden(
                    f"缺少或错误的 CSRF 令牌 (send the {sessions.CSRF_COOKIE} cookie's value in {sessions.CSRF_HEADER})",
                    "CSRF_TOKEN_MISSING",
                )
            )
        for name, value in [*match.variables.items(), *request.query_params.multi_items()]:
            if len(value) > self.max_param_chars:
                return _json(
                    *errors.bad_request(
                        f"参数过长 (value of {name} longer than {self.max_param_chars} characters)", name
                    )
                )
        try:
            limit = self.max_upload_bytes if route.uploads_file else self.max_body_bytes
            body = await self._read_body(request, limit)
        except ClientDisconnect:  # nobody left to answer; not an error of ours
            return _json(*errors.bad_request("客户端已断开 (client disconnected)"))
        if body is None:
            message = f"请求体过大 (request body larger than {limit} bytes)"
            return _json(*errors.gateway_error(413, grpc.StatusCode.INVALID_ARGUMENT, message))
        if route.grpc_path == sessions.REFRESH:
            body = sessions.refresh_from_cookie(request, body)
        if route.body and json_depth(body) > self.max_json_depth:
            return _json(
                *errors.bad_request(
                    f"请求体嵌套过深 (request body nested deeper than {self.max_json_depth} levels)"
                )
            )
        try:
            grpc_request = build_request(route, match.variables, request.query_params.multi_items(), body)
        except TranscodeError as exc:
            return _json(*errors.bad_request(exc.message, *exc.fields, description=exc.description))

        # expensive calls: a valid request takes from the caller's budget (an invalid one is refused above)
        if caller is not None:
            wait = self.rate_limiter.retry_after(route.grpc_path, caller.subject)
            if wait is not None:
                status, body = errors.rate_limited(
                    f"操作过于频繁，请 {wait} 秒后重试 (too many of these calls, retry in {wait} s)", wait
                )
                return _json(status, body, headers={"retry-after": str(wait)})
        conditional = _apply_conditional_headers(request, route, grpc_request)
        if conditional is not None:
            return _json(*errors.bad_request(*conditional))
        metadata = self._outgoing_metadata(request, token if via_cookie else None)
        channel = self.channels.for_service(route.method.containing_service.full_name)
        deserialize = message_class(route.method.output_type).FromString
        try:
            if route.server_streaming:
                stream = channel.unary_stream(
                    route.grpc_path, request_serializer=_serialize, response_deserializer=deserialize
                )
                call = stream(grpc_request, timeout=self.deadline_seconds, metadata=metadata)
                payload: Any = [render_response(route, m) async for m in call]
            else:
                unary = channel.unary_unary(
                    route.grpc_path, request_serializer=_serialize, response_deserializer=deserialize
                )
                reply = await unary(grpc_request, timeout=self.deadline_seconds, metadata=metadata)
                payload = render_response(route, reply)
        except grpc.aio.AioRpcError as exc:
            status, body = errors.from_rpc_error(exc)
            if status >= 500:
                log.warning("backend call %s failed: %s %s", route.grpc_path, exc.code().name, exc.details())
            retry = errors.retry_after_seconds(body)
            return _json(status, body, headers={"retry-after": str(retry)} if retry is not None else None)
        return self._answer(request, route.grpc_path, payload)

    def _answer(self, request: Request, grpc_path: str, payload: Any) -> Response:
        response = self._answer_body(request, grpc_path, payload)
        etag = payload.get("etag") if isinstance(payload, dict) else None
        if isinstance(etag, str) and etag:
            response.headers["etag"] = f'"{etag}"'
        return response

    def _answer_body(self, request: Request, grpc_path: str, payload: Any) -> Response:
        """The JSON answer; sign-in routes of a browser session move tokens into cookies (sessions.py)."""
        cookie_refresh = grpc_path == sessions.REFRESH and sessions.REFRESH_COOKIE in request.cookies
        if grpc_path in (sessions.LOGIN, sessions.REFRESH) and (
            sessions.wants_cookies(request) or cookie_refresh
        ):
            kept = dict(payload)
            response = _json(200, {})
            sessions.set_session_cookies(request, response, kept, self.clock.now())
            response.body = response.render(kept)
            response.headers["content-length"] = str(len(response.body))
            return response
        response = _json(200, payload)
        if grpc_path == sessions.LOGOUT:
            sessions.clear_session_cookies(response)
        return response

    async def push_stream(self, request: Request) -> Response:
        """``GET /v1/push``: the caller's pushed messages as Server-Sent Events (push.py)."""
        token, _ = sessions.bearer_or_cookie(request)
        try:
            caller = self.tokens.verify(token)
        except Unauthenticated as exc:
            return _json(*errors.unauthenticated(exc.message, exc.reason))
        if self.revocations is not None and self.revocations.is_revoked(caller):
            return _json(*errors.unauthenticated("登录会话已结束 (the session was revoked)", "TOKEN_REVOKED"))
        if caller.kind != "user":
            return _json(*errors.forbidden("只有用户可以接收推送 (only people receive pushes)", "NOT_A_USER"))
        last = request.headers.get("last-event-id") or request.query_params.get("lastEventId") or ""
        if last and not last.isdigit():
            return _json(*errors.bad_request("Last-Event-ID 应为数字 (must be a number)", "Last-Event-ID"))
        if self.push is None or self.push._js() is None:
            return _json(
                503, errors.error_body(grpc.StatusCode.UNAVAILABLE, "推送暂不可用 (push is unavailable)")
            )
        messages = self.push.messages(caller.subject.removeprefix("users/"), int(last) if last else None)
        until = caller.expires_at

        async def body() -> AsyncIterator[bytes]:
            pending: asyncio.Task | None = None
            try:
                while self.clock.now().timestamp() < until and not await request.is_disconnected():
                    pending = pending or asyncio.ensure_future(anext(messages))
                    done, _ = await asyncio.wait({pending}, timeout=HEARTBEAT_SECONDS)
                    if not done:
                        yield b": keepalive\n\n"
                        continue
                    sequence, message = pending.result()
                    pending = None
                    yield b": connected\n\n" if message is None else sse_event(sequence, message)
            finally:
                if pending is not None:
                    pending.cancel()
                await messages.aclose()

        return StreamingResponse(
            body(),
            media_type="text/event-stream",
            headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
        )

    async def _read_body(self, request: Request, limit: int) -> bytes | None:
        """The request body, or None when it exceeds ``limit`` (declared length or bytes actually sent)."""
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return None
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
        return b"".join(chunks)

    @staticmethod
    def _outgoing_metadata(request: Request, cookie_token: str | None = None) -> grpc.aio.Metadata:
        metadata = grpc.aio.Metadata()
        authorization = request.headers.get("authorization") or (
            auth.bearer(cookie_token) if cookie_token else ""
        )
        if authorization:
            metadata["authorization"] = authorization
        metadata[REQUEST_ID_HEADER] = request.state.request_id
        # where the call comes from, for the services' audit trail (believed from the gateway only: grpcserver.origin)
        if request.client is not None:
            metadata["x-forwarded-for"] = request.client.host
        if user_agent := request.headers.get("user-agent", ""):  # metadata is printable ASCII
            metadata["x-forwarded-user-agent"] = _NOT_PRINTABLE.sub("?", user_agent[:255])
        # W3C trace context from the current span (the ASGI middleware's, continuing the caller's trace).
        # When gRPC client instrumentation is on it re-injects the same keys, replacing these values.
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        for key, value in carrier.items():
            metadata[key.lower()] = value
        return metadata

    async def readiness(self) -> tuple[bool, dict[str, str]]:
        statuses = await self.channels.health()
        return all(s == "SERVING" for s in statuses.values()), statuses


def _apply_conditional_headers(request: Request, route: Route, message: Message) -> tuple[str, str] | None:
    """``If-Match`` → the resource's ``etag`` (the request's own, or the body resource's: a stale one is the
    service's ``ABORTED``, HTTP 409); ``Idempotency-Key`` → ``request_id`` (a retried create returns the first
    result). A value in the body wins over the header; a header the method has no field for is a 400 naming it
    (so a client never believes a condition was checked when it was not)."""
    if_match = request.headers.get("if-match", "").strip()
    if if_match and if_match != "*":
        if_match = if_match.removeprefix("W/").strip('"')
        target = _etag_holder(message, route)
        if target is None:
            return "此方法不支持 If-Match (this method has no etag to check)", "If-Match"
        if not target.etag:
            target.etag = if_match
    key = request.headers.get("idempotency-key", "").strip()
    if key:
        field_name = "request_id"
        if field_name not in message.DESCRIPTOR.fields_by_name:
            return "此方法不支持 Idempotency-Key (this method creates nothing)", "Idempotency-Key"
        if len(key) > 64:
            return "Idempotency-Key 最长64个字符 (at most 64 characters)", "Idempotency-Key"
        if not getattr(message, field_name):
            setattr(message, field_name, key)
    return None


def _etag_holder(message: Message, route: Route) -> Any:
    if "etag" in message.DESCRIPTOR.fields_by_name:
        return message
    if route.body and route.body != "*":
        field = message.DESCRIPTOR.fields_by_name.get(route.body.split(".")[0])
        if (
            field is not None
            and field.message_type is not None
            and "etag" in field.message_type.fields_by_name
        ):
            return getattr(message, field.name)
    return None


def _serves(channels: Channels, service: ServiceDescriptor) -> bool:
    try:
        channels.for_service(service.full_name)
    except KeyError:
        return False
    return True


def _raw_path(request: Request) -> str:
    """The still percent-encoded path (some ASGI clients put the query string in ``raw_path``)."""
    raw = request.scope.get("raw_path")
    if not raw:
        return request.url.path
    return raw.decode("latin-1").split("?", 1)[0]


def _serialize(message: Message) -> bytes:
    return message.SerializeToString()


class JsonAnswer(JSONResponse):
    """An ``application/json`` answer encoded by orjson (≈ 5× ``json.dumps`` for a page of customers,
    docs/performance.md round 6): compact UTF-8, as Starlette's own. What orjson refuses (an integer beyond 64 bits)
    is encoded as Starlette would."""

    def render(self, content: Any) -> bytes:
        try:
            return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)
        except TypeError:
            return super().render(content)


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> JSONResponse:
    return JsonAnswer(body, status_code=status, headers=headers)


#: What every answer carries: no MIME sniffing, no framing (clickjacking), no referrer to other sites, and a
#: content policy — nothing at all for API answers; the console's pages may load only their own files
#: (webconsole.CSP).
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
#: Swagger UI sets inline styles; its scripts are files of its own.
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"


def _policy(path: str) -> str:
    if path == "/docs" or path.startswith("/docs/"):
        return DOCS_CSP
    return webconsole.CSP if webconsole.is_page(path) else API_CSP


class RequestIdMiddleware:
    """Takes ``x-request-id`` from the request (or makes one), exposes it, echoes it in the response, adds the
    security headers (``Strict-Transport-Security`` when the request came over HTTPS) and writes the access-log
    line when the response has started. With ``trace`` (OpenTelemetry's HTTP instrumentation not installed: spans
    are not recorded), it continues the caller's trace context itself, so the backends' logs and audit records
    carry its trace id (:func:`kam_kit.telemetry.continue_trace`)."""

    def __init__(self, app: ASGIApp, *, trace: bool = False) -> None:
        self.app = app
        self.trace = trace

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = ""
        for key, value in scope.get("headers", []):
            if key == REQUEST_ID_HEADER.encode():
                incoming = value.decode("latin-1")
                break
        request_id = incoming if _REQUEST_ID_OK.fullmatch(incoming) else uuid.uuid4().hex
        forwarded = dict(scope.get("headers", [])).get(b"x-forwarded-proto", b"")
        security = [
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"same-origin"),
            (b"content-security-policy", _policy(scope["path"]).encode()),
        ]
        if scope.get("scheme") == "https" or forwarded == b"https":
            security.append((b"strict-transport-security", HSTS.encode()))
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        started = time.monotonic()

        async def send_with_id(message: AsgiMessage) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k != REQUEST_ID_HEADER.encode()]
                headers.append((REQUEST_ID_HEADER.encode(), request_id.encode()))
                message = {**message, "headers": headers + security}
                if scope["path"] not in _QUIET_PATHS:
                    access_log.info(
                        "http request",
                        extra={
                            "http_method": scope["method"],
                            "route": state.get("route", _route_label(scope["path"])),
                            "status": message["status"],
                            "duration_ms": round((time.monotonic() - started) * 1000, 1),
                            "request_id": request_id,
                        },
                    )
            await send(message)

        if not self.trace:
            await self.app(scope, receive, send_with_id)
            return
        carrier = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
        token = telemetry.continue_trace(carrier, scope["method"])
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            telemetry.end_trace(token)


#: Probes are polled every few seconds by Kubernetes; logging them would drown the access log.
_QUIET_PATHS = frozenset({"/healthz", "/readyz"})


def _route_label(path: str) -> str:
    """For requests no http rule matched: fixed pages by path, anything else as ``-`` (never a raw path)."""
    return (
        path if path in ("/", "/openapi.json", "/docs") else ("/docs/*" if path.startswith("/docs/") else "-")
    )


def create_app(gateway: Gateway, *, instrument: bool = True, cors_origins: Iterable[str] = ()) -> ASGIApp:
    """The ASGI app; wrapped in OpenTelemetry's ASGI middleware unless ``instrument`` is False (then it continues
    callers' traces itself, unrecorded). ``cors_origins``:
    other origins whose pages may call the API (with credentials: the session cookies); none by default."""

    async def healthz(request: Request) -> Response:
        return _json(200, {"status": "ok"})

    async def readyz(request: Request) -> Response:
        ready, statuses = await gateway.readiness()
        if ready:
            return _json(200, {"status": "ready", "backends": statuses})
        not_ready = sorted(name for name, s in statuses.items() if s != "SERVING")
        return _json(503, {"status": "not_ready", "notReady": not_ready, "backends": statuses})

    async def openapi(request: Request) -> Response:
        return _json(200, gateway.openapi)

    async def api_docs(request: Request) -> Response:
        return HTMLResponse((API_DOCS / "index.html").read_text(encoding="utf-8"))

    async def api_docs_script(request: Request) -> Response:
        return Response((API_DOCS / "init.js").read_text(encoding="utf-8"), media_type="text/javascript")

    async def push(request: Request) -> Response:
        return await gateway.push_stream(request)

    async def transcode(request: Request) -> Response:
        if webconsole.wants_page(request):  # a console page by its own address (deep link, reload)
            return await webconsole.page(request)
        return await gateway.handle(request)

    async def http_error(request: Request, exc: Exception) -> Response:
        # Starlette's own answers (405 on a fixed page, 404…): the same JSON error body as everything else.
        assert isinstance(exc, HTTPException)
        code = errors.CODE_FOR_HTTP.get(exc.status_code, grpc.StatusCode.UNKNOWN)
        status, body = errors.gateway_error(exc.status_code, code, errors.http_reason(exc.status_code))
        headers = dict(exc.headers or {})
        return _json(status, body, headers=headers or None)

    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return _json(500, errors.error_body(grpc.StatusCode.INTERNAL, "内部错误 (internal error)"))

    @asynccontextmanager
    async def lifespan(app: Starlette):  # type: ignore[no-untyped-def]
        yield
        await gateway.channels.close()

    app = Starlette(
        routes=[
            StarletteRoute("/healthz", healthz, methods=["GET"]),
            StarletteRoute("/readyz", readyz, methods=["GET"]),
            StarletteRoute("/openapi.json", openapi, methods=["GET"]),
            StarletteRoute("/", webconsole.page, methods=["GET"]),
            *(
                StarletteRoute(f"/{name}", webconsole.root_file, methods=["GET"])
                for name in webconsole.ROOT_FILES
            ),
            Mount("/assets", app=webconsole.Assets(), name="console-assets"),
            StarletteRoute("/docs", api_docs, methods=["GET"]),
            StarletteRoute("/v1/push", push, methods=["GET"]),
            StarletteRoute("/docs/init.js", api_docs_script, methods=["GET"]),
            Mount("/docs/static", app=StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui"),
            StarletteRoute("/{path:path}", transcode, methods=_ALL_METHODS),
        ],
        lifespan=lifespan,
        exception_handlers={HTTPException: http_error, Exception: unexpected},
    )
    wrapped: ASGIApp = RequestIdMiddleware(app, trace=not instrument)
    origins = [origin for origin in cors_origins if origin]
    if origins:
        from starlette.middleware.cors import CORSMiddleware

        wrapped = CORSMiddleware(
            wrapped,
            allow_origins=origins,
            allow_credentials=True,
            max_age=600,
            allow_methods=["GET", "POST", "PATCH", "PUT", "DELETE"],
            allow_headers=[
                "authorization",
                "content-type",
                "x-csrf-token",
                "x-kam-session",
                "x-request-id",
                "if-match",
                "idempotency-key",
            ],
            expose_headers=["x-request-id", "etag", "retry-after"],
        )
    if instrument:
        from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

        # One server span per request; per-chunk send/receive spans would double the tracing cost.
        wrapped = OpenTelemetryMiddleware(
            wrapped, excluded_urls="healthz,readyz", exclude_spans=["receive", "send"]
        )
    return wrapped
