"""The gateway process: its own gRPC server (identity) and the HTTP server, in one asyncio loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import uvicorn
from google.protobuf.descriptor import ServiceDescriptor
from kam_kit.auth import MIN_SECRET_LENGTH
from kam_kit.clock import SYSTEM_CLOCK, Clock
from kam_kit.grpcserver import GrpcServer
from kam_kit.settings import DEFAULT_GRPC_PORTS, Secret, env_float, env_int, env_secret, env_str

from kam_gateway.app import DEFAULT_MAX_BODY_BYTES, Gateway, create_app
from kam_gateway.backends import backends_from_env
from kam_gateway.identity.demo_users import DemoDirectory
from kam_gateway.identity.servicer import PUBLIC_METHODS, IdentityServicer, register
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

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> GatewaySettings:
        return cls(
            http_host=env_str("KAM_GATEWAY_HOST", "127.0.0.1", environ=environ),
            http_port=env_int("KAM_GATEWAY_PORT", 8080, minimum=0, maximum=65535, environ=environ),
            grpc_host=env_str("KAM_GATEWAY_GRPC_HOST", "127.0.0.1", environ=environ),
            grpc_port=env_int("KAM_GATEWAY_GRPC_PORT", DEFAULT_GRPC_PORTS["gateway"], minimum=0, maximum=65535,
                              environ=environ),
            token_secret=env_secret("KAM_TOKEN_SECRET", min_length=MIN_SECRET_LENGTH, environ=environ),
            deadline_seconds=env_float("KAM_GATEWAY_DEADLINE_SECONDS", 10.0, environ=environ),
            shutdown_grace_seconds=env_float("KAM_SHUTDOWN_GRACE_SECONDS", 5.0, environ=environ),
            max_body_bytes=env_int("KAM_GATEWAY_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES, minimum=1, environ=environ),
        )


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
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.services = list(services) if services is not None else discover_services()
        self.environ = environ
        self.directory = directory or DemoDirectory.from_env()
        self.instrument = instrument
        self.grpc: GrpcServer | None = None
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
        self.grpc = GrpcServer(
            "gateway", self.settings.grpc_port, token_secret=secret, clock=self.clock,
            public_methods=PUBLIC_METHODS, host=self.settings.grpc_host,
        )
        register(self.grpc, IdentityServicer(self.directory, token_secret=secret, clock=self.clock))
        await self.grpc.start()

        environ = dict(self.environ) if self.environ is not None else None
        if _get(environ, "KAM_GATEWAY_GRPC_ADDR") is None:
            environ = dict(environ if environ is not None else _os_environ())
            environ["KAM_GATEWAY_GRPC_ADDR"] = f"127.0.0.1:{self.grpc.port}"
        backends = backends_from_env((s.full_name for s in self.services), environ)
        self.gateway = Gateway(self.services, backends, deadline_seconds=self.settings.deadline_seconds,
                               max_body_bytes=self.settings.max_body_bytes)

        config = uvicorn.Config(
            create_app(self.gateway, instrument=self.instrument),
            host=self.settings.http_host, port=self.settings.http_port, lifespan="on", log_config=None,
            access_log=False, timeout_graceful_shutdown=int(self.settings.shutdown_grace_seconds) or None,
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
            extra={"http_port": self.http_port, "grpc_port": self.grpc.port, "routes": len(self.gateway.routes),
                   "backends": {b.name: b.address for b in backends.values()}},
        )

    async def stop(self) -> None:
        if self.grpc is not None:
            await self.grpc.health.enter_graceful_shutdown()  # readiness drops first
        if self.http is not None and self._http_task is not None:
            self.http.should_exit = True
            with contextlib.suppress(asyncio.CancelledError):
                await self._http_task
        if self.grpc is not None:
            await self.grpc.stop(self.settings.shutdown_grace_seconds)

    async def serve_until_signalled(self) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await self.start()
        try:
            await stop.wait()
        finally:
            log.info("gateway shutting down")
            await self.stop()


def _os_environ() -> Mapping[str, str]:
    import os

    return os.environ


def _get(environ: Mapping[str, str] | None, key: str) -> str | None:
    value = (environ if environ is not None else _os_environ()).get(key)
    return value or None
