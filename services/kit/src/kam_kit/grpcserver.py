"""grpc.aio server bootstrap shared by every KAM service.

:class:`GrpcServer` serves the registered services plus the standard health service (with a working ``Watch``)
and server reflection, behind one interceptor that, for every call:

- takes or makes a request id (``x-request-id``; a made-up one is ``<process>-<n>``, for the logs);
- applies a default deadline when the client sent none, and refuses calls whose deadline already passed;
- verifies the caller's signed token (``authorization: Bearer …``) unless the method is public, makes the
  caller available as :func:`current_identity`, and enforces the method's declared authorization (a permission
  or any signed-in caller, :mod:`kam_kit.authz`) before the handler runs;
- maps :class:`kam_kit.errors.KamError` to its canonical status with ``google.rpc`` details, and anything else
  to ``INTERNAL`` without leaking internals;
- records request counts and latencies.

On :meth:`GrpcServer.stop` health goes ``NOT_SERVING`` first, then in-flight calls get the grace period to end.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
import ipaddress
import itertools
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterable, Mapping

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from kam_kit import auth, authz, telemetry
from kam_kit.clock import SYSTEM_CLOCK, Clock
from kam_kit.errors import (
    KamError,
    Unauthenticated,
    Unavailable,
    concurrent_conflict,
    internal_status,
    to_rpc_status,
)
from kam_kit.revocation import Revocations
from kam_kit.settings import SettingsError

log = logging.getLogger(__name__)

REQUEST_ID_KEY = "x-request-id"
DEFAULT_DEADLINE_SECONDS = 30.0
ALWAYS_PUBLIC_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")
#: Served even while the service is paused (a restore): health, reflection, status and backup.
PAUSE_EXEMPT_PREFIXES = (*ALWAYS_PUBLIC_PREFIXES, "/kam.api.v1.")

#: Peers whose ``x-forwarded-for`` / ``x-forwarded-user-agent`` are believed (the gateway, which sets them from the
#: HTTP request): loopback and the private networks unless ``KAM_TRUSTED_FORWARDERS`` names others (comma-separated
#: networks, e.g. the gateway pods' range). Any other caller's forwarded origin is ignored: its own address counts.
DEFAULT_TRUSTED_FORWARDERS = "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7"
Networks = tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]

#: Request ids made up for calls that bring none: unique per process start, cheap (no uuid per call).
_PROCESS_PREFIX = uuid.uuid4().hex[:12]
_call_numbers = itertools.count(1)

_identity: contextvars.ContextVar[auth.Identity | None] = contextvars.ContextVar("kam_identity", default=None)
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("kam_request_id", default="")
_origin: contextvars.ContextVar[tuple[str, str]] = contextvars.ContextVar("kam_origin", default=("", ""))


#: Unary calls (with a deadline: not streams) being served by this process now.
_in_flight = 0


def calls_in_flight() -> int:
    """How many unary calls this process is serving now — a batching writer (:mod:`kam_kit.groupcommit`) waits
    for more writes only while other calls are under way."""
    return _in_flight


def current_identity() -> auth.Identity | None:
    """The authenticated caller of the RPC being served (None for public methods)."""
    return _identity.get()


def current_request_id() -> str:
    return _request_id.get()


def current_origin() -> tuple[str, str]:
    """Where the RPC being served comes from: (address, client) — the first ``x-forwarded-for`` hop (set by the
    gateway) or else the gRPC peer's address, and the ``x-forwarded-user-agent`` or ``user-agent``; for the audit
    trail. Forwarded values count only from a trusted forwarder (:func:`trusted_forwarders`)."""
    return _origin.get()


def trusted_forwarders(environ: Mapping[str, str] | None = None) -> Networks:
    """The networks of ``KAM_TRUSTED_FORWARDERS`` (default :data:`DEFAULT_TRUSTED_FORWARDERS`; empty: none)."""
    env = os.environ if environ is None else environ
    raw = env.get("KAM_TRUSTED_FORWARDERS", DEFAULT_TRUSTED_FORWARDERS)
    try:
        return tuple(ipaddress.ip_network(part.strip()) for part in raw.split(",") if part.strip())
    except ValueError as exc:
        raise SettingsError(
            f"KAM_TRUSTED_FORWARDERS: 应为逗号分隔的网段 (comma-separated networks, e.g. 10.0.0.0/8): {exc}"
        ) from None


@functools.lru_cache(maxsize=4096)
def _peer(peer: str, trusted: Networks) -> tuple[str, bool]:
    """A gRPC peer (``ipv4:10.0.0.5:41234``, ``ipv6:[::1]:41234``, ``unix:…``) → (its address, whether it is a
    trusted forwarder). A local socket is trusted; cached: a service sees few distinct peers."""
    kind, _, rest = peer.partition(":")
    if kind not in ("ipv4", "ipv6"):
        return peer, kind.startswith("unix")
    host = rest.rsplit(":", 1)[0].strip("[]")
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return host, False
    return host, any(address in network for network in trusted)


def origin(metadata: Mapping[str, str], peer: str, trusted: Networks) -> tuple[str, str]:
    """(address, client) of a call: see :func:`current_origin`."""
    address, believed = _peer(peer or "", trusted)
    forwarded = metadata.get("x-forwarded-for", "").split(",")[0].strip() if believed else ""
    client = (metadata.get("x-forwarded-user-agent") if believed else None) or metadata.get("user-agent", "")
    return (forwarded or address)[:64], client[:255]


def status_trailer(
    error: KamError, domain: str
) -> tuple[grpc.StatusCode, str, tuple[tuple[str, bytes], ...]]:
    status = to_rpc_status(error, domain)
    return error.code, status.message, (("grpc-status-details-bin", status.SerializeToString()),)


class KamServerInterceptor(grpc.aio.ServerInterceptor):
    """Request ids, deadlines, authentication, error mapping and metrics for every unary and streaming call."""

    def __init__(
        self,
        *,
        domain: str,
        token_secret: str,
        clock: Clock,
        public_methods: Iterable[str] = (),
        default_deadline: float = DEFAULT_DEADLINE_SECONDS,
        revocations: Revocations | None = None,
        forwarders: Networks | None = None,
    ) -> None:
        self.domain = domain
        self.forwarders = trusted_forwarders() if forwarders is None else forwarders
        self.revocations = revocations
        self.token_secret = token_secret
        self.clock = clock
        self.public_methods = set(public_methods)
        self.default_deadline = default_deadline
        self._tokens = auth.VerifiedTokens(secret=token_secret, clock=clock)
        #: Why the service does not serve its APIs now (a restore in progress), or "".
        self.paused = ""
        meter = telemetry.meter()
        self._count = meter.create_counter("kam.rpc.server.requests", unit="{request}")
        self._duration = meter.create_histogram("kam.rpc.server.duration", unit="s")

    def _is_public(self, method: str) -> bool:
        return method in self.public_methods or method.startswith(ALWAYS_PUBLIC_PREFIXES)

    async def intercept_service(self, continuation, handler_call_details):
        handler = await continuation(handler_call_details)
        if handler is None:
            return None
        method = handler_call_details.method
        if handler.unary_unary:
            return grpc.unary_unary_rpc_method_handler(
                self._wrap_unary(handler.unary_unary, method),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        if handler.unary_stream:
            return grpc.unary_stream_rpc_method_handler(
                self._wrap_stream(handler.unary_stream, method),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        if handler.stream_unary:
            return grpc.stream_unary_rpc_method_handler(
                self._wrap_unary(handler.stream_unary, method),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        return grpc.stream_stream_rpc_method_handler(
            self._wrap_stream(handler.stream_stream, method),
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )

    async def _enter(self, context: grpc.aio.ServicerContext, method: str) -> None:
        metadata = dict(context.invocation_metadata() or ())
        if not telemetry.instrumented():  # the call's own task: the context ends with it
            telemetry.continue_trace(metadata, method)
        # A caller that wants to find its call in the logs and the audit trail sends its own id (the gateway does);
        # otherwise one is made up for this process's logs (no extra metadata sent: it cost a send per call).
        request_id = metadata.get(REQUEST_ID_KEY) or f"{_PROCESS_PREFIX}-{next(_call_numbers):x}"
        _request_id.set(request_id)
        _origin.set(origin(metadata, context.peer(), self.forwarders))
        remaining = context.time_remaining()
        if remaining is not None and remaining <= 0:
            await context.abort(grpc.StatusCode.DEADLINE_EXCEEDED, "deadline already exceeded")
        if self.paused and not method.startswith(PAUSE_EXEMPT_PREFIXES):
            raise Unavailable(self.paused, reason="SERVICE_PAUSED")
        rule = authz.rule_for(method)
        if self._is_public(method) or (rule is not None and rule.public):
            _identity.set(None)
            return
        token = auth.token_from_metadata(metadata.items())
        if not token:
            raise Unauthenticated("缺少身份令牌 (missing bearer token)", reason="TOKEN_MISSING")
        identity = self._verify(token)
        authz.require(rule, identity)
        _identity.set(identity)

    def _verify(self, token: str) -> auth.Identity:
        """Verify a token (good ones are remembered until they expire), then check it was not revoked."""
        identity = self._tokens.verify(token)
        if self.revocations is not None and self.revocations.is_revoked(identity):
            raise Unauthenticated(
                "登录会话已结束，请重新登录 (the session or key was revoked; sign in again)",
                reason="TOKEN_REVOKED",
            )
        return identity

    def _budget(self, context: grpc.aio.ServicerContext) -> float:
        remaining = context.time_remaining()
        return self.default_deadline if remaining is None else min(remaining, self.default_deadline * 10)

    async def _fail(self, context: grpc.aio.ServicerContext, method: str, exc: BaseException) -> None:
        exc = concurrent_conflict(exc) or exc
        if isinstance(exc, KamError):
            code, message, trailer = status_trailer(exc, self.domain)
            if code in (grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED):
                log.info("call refused", extra={"method": method, "code": code.name, "reason": exc.reason})
            await context.abort(code, message, trailing_metadata=trailer)
        if isinstance(exc, NotImplementedError):  # a declared method not built yet (generated base servicer)
            await context.abort(grpc.StatusCode.UNIMPLEMENTED, "方法尚未实现 (method not implemented)")
        if isinstance(exc, TimeoutError):
            await context.abort(grpc.StatusCode.DEADLINE_EXCEEDED, "处理超时 (deadline exceeded)")
        log.exception("unhandled error in %s", method, exc_info=exc)
        status = internal_status(self.domain)
        await context.abort(
            grpc.StatusCode.INTERNAL,
            status.message,
            trailing_metadata=(("grpc-status-details-bin", status.SerializeToString()),),
        )

    def _record(self, method: str, started: float, code: str) -> None:
        attrs = {"rpc.method": method, "rpc.grpc.status_code": code}
        self._count.add(1, attrs)
        self._duration.record(time.perf_counter() - started, attrs)

    def _wrap_unary(self, behaviour: Callable, method: str, *, bounded: bool = True):
        counted = 1 if bounded else 0  # a stream written as a coroutine may last for hours: not "under way"

        async def wrapper(request, context):
            global _in_flight
            started = time.perf_counter()
            code = "OK"
            _in_flight += counted
            try:
                await self._enter(context, method)
                async with asyncio.timeout(self._budget(context) if bounded else None):
                    return await behaviour(request, context)
            except asyncio.CancelledError:
                code = "CANCELLED"
                raise
            except Exception as exc:
                if _is_abort(exc):
                    code = "ABORTED_BY_HANDLER"
                    raise
                code = getattr(getattr(exc, "code", None), "name", None) or "ERROR"
                await self._fail(context, method, exc)
            finally:
                _in_flight -= counted
                self._record(method, started, code)

        return wrapper

    def _wrap_stream(self, behaviour: Callable, method: str):
        if not inspect.isasyncgenfunction(behaviour):
            # Streaming handlers written with ``context.write`` (like the health Watch) are plain coroutines.
            return self._wrap_unary(behaviour, method, bounded=False)

        async def wrapper(request, context):
            started = time.perf_counter()
            code = "OK"
            try:
                await self._enter(context, method)
                async for item in behaviour(request, context):
                    yield item
            except asyncio.CancelledError:
                code = "CANCELLED"
                raise
            except Exception as exc:
                if _is_abort(exc):
                    raise
                code = "ERROR"
                await self._fail(context, method, exc)
            finally:
                self._record(method, started, code)

        return wrapper


def _is_abort(exc: BaseException) -> bool:
    # grpc.aio raises AbortError from context.abort(); let it propagate untouched.
    return type(exc).__name__ == "AbortError"


#: What a connection asked to reconnect (``max_connection_age``) lets its calls under way finish in
CONNECTION_AGE_GRACE_SECONDS = 30


def _connection_age(seconds: float) -> list[tuple[str, int]]:
    """Server options that ask a client to reconnect (HTTP/2 GOAWAY) once its connection is ``seconds`` old
    (± 10 %, spread by gRPC), letting calls under way finish within :data:`CONNECTION_AGE_GRACE_SECONDS`; the client
    resolves the service's name again and so reaches replicas started since. 0: never."""
    if seconds <= 0:
        return []
    return [
        ("grpc.max_connection_age_ms", int(seconds * 1000)),
        ("grpc.max_connection_age_grace_ms", CONNECTION_AGE_GRACE_SECONDS * 1000),
    ]


class GrpcServer:
    """One service's gRPC server: its APIs, health, reflection and the KAM interceptor."""

    def __init__(
        self,
        service: str,
        port: int,
        *,
        token_secret: str,
        clock: Clock = SYSTEM_CLOCK,
        public_methods: Iterable[str] = (),
        host: str = "127.0.0.1",
        max_workers_hint: int = 0,
        revocations: Revocations | None = None,
        max_connection_age: float = 0.0,
    ) -> None:
        self.service = service
        self.host = host
        self.requested_port = port
        self.port = port
        self.health = health.aio.HealthServicer()
        self.interceptor = KamServerInterceptor(
            domain=f"{service}.kam",
            token_secret=token_secret,
            clock=clock,
            public_methods=public_methods,
            revocations=revocations,
        )
        self.server = grpc.aio.server(
            interceptors=[self.interceptor],
            options=[
                ("grpc.so_reuseport", 0),
                ("grpc.max_receive_message_length", 16 * 1024 * 1024),
                ("grpc.keepalive_permit_without_calls", 1),
                *_connection_age(max_connection_age),
            ],
        )
        self.service_names: list[str] = []
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)

    def add(
        self, register: Callable[[object, grpc.aio.Server], None], servicer: object, full_name: str
    ) -> None:
        """Register a servicer, e.g. ``add(add_CustomerServiceServicer_to_server, servicer, "kam.customer.v1.CustomerService")``."""
        register(servicer, self.server)
        self.service_names.append(full_name)

    async def start(self) -> None:
        names = [*self.service_names, health.SERVICE_NAME, reflection.SERVICE_NAME]
        reflection.enable_server_reflection(names, self.server)
        self.port = self.server.add_insecure_port(f"{self.host}:{self.requested_port}")
        if self.port == 0:
            raise OSError(f"cannot bind gRPC port {self.host}:{self.requested_port}")
        await self.server.start()
        for name in ["", *self.service_names]:
            await self.health.set(name, health_pb2.HealthCheckResponse.SERVING)
        log.info("gRPC server serving", extra={"port": self.port, "services": self.service_names})

    async def stop(self, grace: float = 5.0) -> None:
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace)
        log.info("gRPC server stopped")

    async def wait(self) -> None:
        await self.server.wait_for_termination()
