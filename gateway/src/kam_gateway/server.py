"""The gateway process: its own gRPC server (identity) and the HTTP server, in one asyncio loop."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

import uvicorn
from google.protobuf.descriptor import ServiceDescriptor
from kam_kit import registry, telemetry
from kam_kit.auth import MIN_SECRET_LENGTH
from kam_kit.clock import SYSTEM_CLOCK, Clock
from kam_kit.grpcserver import GrpcServer
from kam_kit.runtime import serve_until_signalled
from kam_kit.settings import (
    DEFAULT_GRPC_PORTS,
    DEFAULT_NATS_URL,
    Secret,
    ServiceSettings,
    env_float,
    env_int,
    env_secret,
    env_str,
)
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from kam_gateway import errors
from kam_gateway.app import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_JSON_DEPTH,
    DEFAULT_MAX_PARAM_CHARS,
    DEFAULT_MAX_UPLOAD_BYTES,
    DEFAULT_MAX_URL_CHARS,
    Gateway,
    create_app,
)
from kam_gateway.backends import address_from_env, backends_from_env
from kam_gateway.identity.bootstrap import IdentityService
from kam_gateway.identity.bootstrap import build as build_identity
from kam_gateway.identity.demo_users import DemoDirectory
from kam_gateway.identity.domain.passwords import PasswordHashing
from kam_gateway.identity.throttle import LoginThrottle, ThrottleSettings
from kam_gateway.routes import discover_services

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GatewaySettings:
    http_host: str
    http_port: int
    grpc_host: str
    grpc_port: int
    token_secret: Secret
    deadline_seconds: float
    shutdown_grace_seconds: float
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    max_json_depth: int = DEFAULT_MAX_JSON_DEPTH
    max_param_chars: int = DEFAULT_MAX_PARAM_CHARS
    max_url_chars: int = DEFAULT_MAX_URL_CHARS
    login_throttle: ThrottleSettings = field(default_factory=ThrottleSettings)
    #: The identity store; empty: a private temporary SQLite file (embedded use and tests).
    database_url: str = ""
    #: NATS for the identity events and the customer service's; empty: none (events wait in the outbox).
    nats_url: str = ""
    #: Other origins whose pages may call the API (CORS, with the session cookies); none by default.
    cors_origins: tuple[str, ...] = ()
    #: Where the identity database's backups go (kam_kit.backup); empty: beside a temporary database, else none.
    backup_dir: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> GatewaySettings:
        default = ThrottleSettings()
        throttle = ThrottleSettings(
            account_free=env_int(
                "KAM_GATEWAY_LOGIN_FREE_FAILURES", default.account_free, minimum=1, environ=environ
            ),
            base_delay=timedelta(
                seconds=env_float(
                    "KAM_GATEWAY_LOGIN_BASE_DELAY_SECONDS",
                    default.base_delay.total_seconds(),
                    environ=environ,
                )
            ),
            max_delay=timedelta(
                seconds=env_float(
                    "KAM_GATEWAY_LOGIN_MAX_DELAY_SECONDS", default.max_delay.total_seconds(), environ=environ
                )
            ),
            address_max=env_int(
                "KAM_GATEWAY_LOGIN_ADDRESS_MAX_FAILURES", default.address_max, minimum=1, environ=environ
            ),
            window=timedelta(
                seconds=env_float(
                    "KAM_GATEWAY_LOGIN_WINDOW_SECONDS", default.window.total_seconds(), environ=environ
                )
            ),
        )
        return cls(
            http_host=env_str("KAM_GATEWAY_HOST", "127.0.0.1", environ=environ),
            http_port=env_int("KAM_GATEWAY_PORT", 8080, minimum=0, maximum=65535, environ=environ),
            grpc_host=env_str("KAM_GATEWAY_GRPC_HOST", "127.0.0.1", environ=environ),
            grpc_port=env_int(
                "KAM_GATEWAY_GRPC_PORT",
                DEFAULT_GRPC_PORTS["gateway"],
                minimum=0,
                maximum=65535,
                environ=environ,
            ),
            token_secret=env_secret("KAM_TOKEN_SECRET", min_length=MIN_SECRET_LENGTH, environ=environ),
            deadline_seconds=env_float("KAM_GATEWAY_DEADLINE_SECONDS", 10.0, environ=environ),
            shutdown_grace_seconds=env_float("KAM_SHUTDOWN_GRACE_SECONDS", 5.0, environ=environ),
            max_body_bytes=env_int(
                "KAM_GATEWAY_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES, minimum=1, environ=environ
            ),
            max_upload_bytes=env_int(
                "KAM_GATEWAY_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES, minimum=1, environ=environ
            ),
            max_json_depth=env_int(
                "KAM_GATEWAY_MAX_JSON_DEPTH", DEFAULT_MAX_JSON_DEPTH, minimum=1, maximum=500, environ=environ
            ),
            max_param_chars=env_int(
                "KAM_GATEWAY_MAX_PARAM_CHARS", DEFAULT_MAX_PARAM_CHARS, minimum=1, environ=environ
            ),
            max_url_chars=env_int(
                "KAM_GATEWAY_MAX_URL_CHARS", DEFAULT_MAX_URL_CHARS, minimum=64, environ=environ
            ),
            login_throttle=throttle,
            database_url=env_str(
                "KAM_GATEWAY_DATABASE_URL", "sqlite+aiosqlite:///var/gateway.db", environ=environ
            ),
            nats_url=env_str("KAM_NATS_URL", DEFAULT_NATS_URL, environ=environ),
            backup_dir=env_str("KAM_GATEWAY_BACKUP_DIR", "var/backups/gateway", environ=environ),
            cors_origins=tuple(
                o.strip()
                for o in env_str("KAM_GATEWAY_CORS_ORIGINS", "", environ=environ).split(",")
                if o.strip()
            ),
        )


class JsonErrorHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol on httptools (llhttp, in C: about a tenth of the gateway's CPU per call less
    than the pure-Python h11, docs/performance.md), answering a request it cannot parse with the JSON error body
    (uvicorn's own is ``text/plain``) — every error the gateway returns has the documented shape."""

    def send_400_response(self, msg: str) -> None:
        _, body = errors.bad_request(f"无效的 HTTP 请求 ({msg})")
        content = json.dumps(body, ensure_ascii=False).encode()
        head = [b"HTTP/1.1 400 Bad Request\r\n"]
        for name, value in self.server_state.default_headers:
            head.append(name + b": " + value + b"\r\n")
        head.append(
            b"content-type: application/json\r\ncontent-length: %d\r\nconnection: close\r\n\r\n"
            % len(content)
        )
        self.transport.write(b"".join(head) + content)
        self.transport.close()


class _EmbeddedUvicorn(uvicorn.Server):
    """uvicorn without its own signal handling: the gateway process owns SIGTERM/SIGINT."""

    def capture_signals(self):  # type: ignore[override]
        return contextlib.nullcontext()


class GatewayServer:
    """Starts and stops the gateway's gRPC server and HTTP server together."""

    def __init__(
        self,
        settings: GatewaySettings,
        *,
        clock: Clock = SYSTEM_CLOCK,
        services: Iterable[ServiceDescriptor] | None = None,
        environ: Mapping[str, str] | None = None,
        directory: DemoDirectory | None = None,
        instrument: bool = True,
        public_methods: Iterable[str] = (),
        hashing: PasswordHashing | None = None,
    ) -> None:
        self.settings = settings
        #: Extra gRPC paths the transcoder lets through without a token (test services; KAM's own declare it).
        self.public_methods = tuple(public_methods)
        self.clock = clock
        self.services = list(services) if services is not None else discover_services()
        self.environ = environ
        #: Demo mode: the demo users to create (``KAM_DEMO_MODE``); None outside demo mode.
        self.directory = directory if directory is not None else DemoDirectory.from_env(environ)
        self.hashing = hashing
        self.identity: IdentityService | None = None
        self._tmp: tempfile.TemporaryDirectory | None = None
        self.instrument = instrument
        self.grpc: GrpcServer | None = None
        self.throttle: LoginThrottle | None = None
        self.gateway: Gateway | None = None
        self.http: _EmbeddedUvicorn | None = None
        self._http_task: asyncio.Task[None] | None = None

    @property
    def http_port(self) -> int:
        """The bound HTTP port (useful when configured as 0)."""
        assert self.http is not None and self.http.servers, "not started"
        return self.http.servers[0].sockets[0].getsockname()[1]

    async def start(self) -> None:
        secret = self.settings.token_secret.reveal()
        database_url, backup_dir = self.settings.database_url, self.settings.backup_dir
        if not database_url:
            self._tmp = tempfile.TemporaryDirectory(prefix="kam-gateway-")
            database_url = f"sqlite+aiosqlite:///{self._tmp.name}/gateway.db"
            backup_dir = backup_dir or f"{self._tmp.name}/backups"
        identity_settings = ServiceSettings(
            service="gateway",
            grpc_host=self.settings.grpc_host,
            grpc_port=self.settings.grpc_port,
            database_url=database_url,
            nats_url=self.settings.nats_url,
            token_secret=self.settings.token_secret,
            shutdown_grace_seconds=self.settings.shutdown_grace_seconds,
            outbox_poll_seconds=0.5,
            outbox_batch_size=1000,
            consumer_max_deliver=5,
            backup_dir=backup_dir,
        )
        self.throttle = LoginThrottle(self.settings.login_throttle, clock=self.clock)
        self.identity = build_identity(
            identity_settings, self.clock, demo=self.directory, throttle=self.throttle, hashing=self.hashing
        )
        await self.identity.start()
        self.grpc = self.identity.app.grpc
        assert self.grpc is not None

        environ = dict(self.environ) if self.environ is not None else None
        if _get(environ, "KAM_GATEWAY_GRPC_ADDR") is None:
            environ = dict(environ if environ is not None else _os_environ())
            environ["KAM_GATEWAY_GRPC_ADDR"] = f"127.0.0.1:{self.grpc.port}"
        backends = backends_from_env((s.full_name for s in self.services), environ)
        self.identity.system.addresses = _addresses(environ)
        self.gateway = Gateway(
            self.services,
            backends,
            token_secret=secret,
            clock=self.clock,
            deadline_seconds=self.settings.deadline_seconds,
            max_body_bytes=self.settings.max_body_bytes,
            max_upload_bytes=self.settings.max_upload_bytes,
            max_json_depth=self.settings.max_json_depth,
            max_param_chars=self.settings.max_param_chars,
            max_url_chars=self.settings.max_url_chars,
            public_methods=self.public_methods,
        )
        self.gateway.push = self.identity.push
        self.gateway.revocations = self.identity.app.revocations

        config = uvicorn.Config(
            create_app(
                self.gateway,
                instrument=self.instrument and telemetry.instrumented(),
                cors_origins=self.settings.cors_origins,
            ),
            host=self.settings.http_host,
            port=self.settings.http_port,
            lifespan="on",
            log_config=None,
            http=JsonErrorHttpToolsProtocol,
            access_log=False,
            timeout_graceful_shutdown=int(self.settings.shutdown_grace_seconds) or None,
        )
        self.http = _EmbeddedUvicorn(config)
        self._http_task = asyncio.create_task(self.http.serve(), name="gateway-http")
        while not self.http.started:
            if self._http_task.done():
                await self._http_task  # raises the bind error
                raise RuntimeError("HTTP server stopped during start-up")
            await asyncio.sleep(0.01)
        log.info(
            "gateway serving",
            extra={
                "http_port": self.http_port,
                "grpc_port": self.grpc.port,
                "routes": len(self.gateway.routes),
                "backends": {b.name: b.address for b in backends.values()},
            },
        )

    async def stop(self) -> None:
        if self.grpc is not None:
            await self.grpc.health.enter_graceful_shutdown()  # readiness drops first
        if self.http is not None and self._http_task is not None:
            self.http.should_exit = True
            with contextlib.suppress(asyncio.CancelledError):
                await self._http_task
        if self.identity is not None:
            await self.identity.system.close()
            await self.identity.app.stop()
        if self._tmp is not None:
            self._tmp.cleanup()

    async def serve_until_signalled(self) -> None:
        """Serve until SIGTERM/SIGINT, then stop gracefully — the kit's one way of serving."""
        await serve_until_signalled(self.start, self.stop)


def _addresses(environ: Mapping[str, str] | None) -> dict[str, str]:
    """Every registry process's gRPC address (the control center asks each for its health and status)."""
    return {entry.name: address_from_env(entry.name, environ) for entry in registry.processes(environ)}


def _os_environ() -> Mapping[str, str]:
    import os

    return os.environ


def _get(environ: Mapping[str, str] | None, key: str) -> str | None:
    value = (environ if environ is not None else _os_environ()).get(key)
    return value or None
