"""Which address serves which gRPC service, the channels to them, and their health.

A service's full name ``kam.<pkg>.v1.X`` maps to the backend whose :mod:`kam_kit.registry` entry serves proto
package ``<pkg>`` (``kam.<svc>.v1`` → ``<svc>``), reached at ``KAM_<SVC>_ADDR`` (default
``127.0.0.1:<KAM_<SVC>_GRPC_PORT>``, the port from the registry). ``kam.identity.v1`` is served by the gateway's own
gRPC server and is reached over gRPC like any other backend, at ``KAM_GATEWAY_GRPC_ADDR``. An address may name
several replicas (``dns:///name:port``, or ``ip:port,ip:port``): the backend's channel spreads the calls over them
(:mod:`kam_kit.grpcclient`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from kam_kit import grpcclient, registry
from kam_kit.settings import SettingsError, env_int, env_str

log = logging.getLogger(__name__)

# A restarted backend is found again within ~2 s (gRPC's default back-off grows to 120 s).
CHANNEL_OPTIONS = (
    ("grpc.initial_reconnect_backoff_ms", 200),
    ("grpc.min_reconnect_backoff_ms", 200),
    ("grpc.max_reconnect_backoff_ms", 2000),
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.max_receive_message_length", 16 * 1024 * 1024),  # a downloaded attachment (10 MiB) with room
    *grpcclient.LOAD_BALANCING,
)


#: The protocol every KAM process serves to the gateway (kam.api.v1: BackupService, StatusService), asked process
#: by process (kam_gateway.backups, kam_gateway.system) — not a backend of HTTP routes.
INTERNAL_PACKAGE = "kam.api.v1."


@dataclass(frozen=True)
class Backend:
    name: str  # customer, alert, … gateway
    address: str


def backend_name(service_full_name: str) -> str | None:
    """``kam.customer.v1.CustomerService`` → ``customer``; ``kam.identity.v1.*`` → ``gateway``; None outside kam."""
    parts = service_full_name.split(".")
    if len(parts) < 4 or parts[0] != "kam":
        return None
    entry = registry.by_proto_package(parts[1])
    return entry.name if entry is not None else parts[1]


def address_from_env(backend: str, environ: Mapping[str, str] | None = None) -> str:
    """The gRPC target of ``KAM_<NAME>_ADDR`` (gateway: ``KAM_GATEWAY_GRPC_ADDR``); required for a backend without a
    default port."""
    prefix = f"KAM_{backend.upper()}_"
    key = prefix + ("GRPC_ADDR" if backend == registry.GATEWAY.name else "ADDR")
    try:
        entry = registry.get(backend, environ)
    except KeyError:
        address = env_str(key, environ=environ)
    else:
        port = env_int(entry.env("GRPC_PORT"), entry.grpc_port, minimum=1, maximum=65535, environ=environ)
        address = env_str(key, f"127.0.0.1:{port}", environ=environ)
    try:
        return grpcclient.target(address)
    except SettingsError as exc:
        raise SettingsError(f"{key}: {exc}") from None


def backends_from_env(
    service_names: Iterable[str], environ: Mapping[str, str] | None = None
) -> dict[str, Backend]:
    """Backends (by name) that serve at least one of ``service_names``; services without one are skipped."""
    out: dict[str, Backend] = {}
    for service in service_names:
        if service.startswith(INTERNAL_PACKAGE):
            continue  # served by every process to the gateway itself (backups, status), never routed over HTTP
        name = backend_name(service)
        if name is None:
            log.warning("no backend for service %s; its routes are not served", service)
            continue
        if name in out:
            continue
        try:
            out[name] = Backend(name, address_from_env(name, environ))
        except SettingsError as exc:
            log.warning("no address for backend %s (%s); routes of %s are not served", name, exc, service)
    return out


class Channels:
    """One grpc.aio channel per backend, opened on first use (in the running event loop)."""

    def __init__(self, backends: Mapping[str, Backend]) -> None:
        self.backends = dict(backends)
        self._channels: dict[str, grpc.aio.Channel] = {}

    def for_service(self, service_full_name: str) -> grpc.aio.Channel:
        name = backend_name(service_full_name)
        if name is None or name not in self.backends:
            raise KeyError(service_full_name)
        return self.channel(name)

    def channel(self, backend: str) -> grpc.aio.Channel:
        channel = self._channels.get(backend)
        if channel is None:
            channel = grpc.aio.insecure_channel(self.backends[backend].address, options=CHANNEL_OPTIONS)
            self._channels[backend] = channel
        return channel

    async def close(self) -> None:
        channels, self._channels = list(self._channels.values()), {}
        await asyncio.gather(*(c.close() for c in channels), return_exceptions=True)

    async def health(self, timeout: float = 2.0) -> dict[str, str]:
        """Each backend's overall health status name (``SERVING``, ``NOT_SERVING``, ``UNAVAILABLE``…)."""

        async def check(name: str) -> tuple[str, str]:
            stub = health_pb2_grpc.HealthStub(self.channel(name))
            try:
                reply = await stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=timeout)
            except grpc.aio.AioRpcError as exc:
                return name, exc.code().name
            return name, health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)

        results = await asyncio.gather(*(check(n) for n in sorted(self.backends)))
        return dict(results)
