"""``kam.identity.v1.SystemService``: the control center's view of the running system (系统状态).

For every process of :mod:`kam_kit.registry` (the services and the gateway's identity service) it asks, in parallel
and with a short deadline, the standard gRPC health check and ``kam.api.v1.StatusService`` (version, start time,
outbox backlog, unsealed audit records, the service's own facts such as the last scan) — with the caller's own
token, so each service checks ``system.read`` itself — and reads the backlog of every durable consumer from
JetStream. A process that does not answer is ``UNREACHABLE`` with the reason; the call never fails because one
service is down: that is what it is for.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from kam.api.v1 import status_pb2, status_pb2_grpc
from kam.identity.v1 import system_service_pb2, system_service_pb2_grpc
from kam_kit import registry
from kam_kit.clock import Clock
from kam_kit.errors import bounded
from kam_kit.timeconv import to_timestamp
from nats.aio.client import Client as NATS

from kam_gateway.backends import Backend, Channels
from kam_gateway.backups import Backups, caller_metadata

pb = system_service_pb2
TIMEOUT_SECONDS = 3.0


class SystemServicer(system_service_pb2_grpc.SystemServiceServicer):
    def __init__(self, *, clock: Clock, nats: Callable[[], NATS | None], page_secret: bytes) -> None:
        self.clock = clock
        self.nats = nats
        self._addresses: Mapping[str, str] = {}
        #: One channel per process, opened on first use and kept (not one per call).
        self.channels = Channels({})
        self.backups = Backups(clock=clock, page_secret=page_secret, channels=self.channels)

    @property
    def addresses(self) -> Mapping[str, str]:
        """Process name → gRPC address, set by the gateway once the addresses are known."""
        return self._addresses

    @addresses.setter
    def addresses(self, value: Mapping[str, str]) -> None:
        self._addresses = self.backups.addresses = value
        self.channels.backends = {name: Backend(name, address) for name, address in value.items()}

    async def close(self) -> None:
        await self.channels.close()

    async def ListBackups(self, request, context) -> pb.ListBackupsResponse:
        return await self.backups.list(request, caller_metadata(context.invocation_metadata()))

    async def GetBackup(self, request, context) -> pb.GetBackupResponse:
        return await self.backups.get(request.name, caller_metadata(context.invocation_metadata()))

    async def CreateBackup(self, request, context) -> pb.CreateBackupResponse:
        return await self.backups.create(request, caller_metadata(context.invocation_metadata()))

    async def RestoreBackup(self, request, context) -> pb.RestoreBackupResponse:
        return await self.backups.restore(request, caller_metadata(context.invocation_metadata()))

    async def DeleteBackup(self, request, context) -> pb.DeleteBackupResponse:
        await self.backups.delete(request.name, caller_metadata(context.invocation_metadata()))
        return pb.DeleteBackupResponse()

    async def GetSystemHealth(self, request, context) -> pb.GetSystemHealthResponse:
        metadata = caller_metadata(context.invocation_metadata())
        names = [entry.name for entry in registry.processes() if entry.name in self.addresses]
        services = await asyncio.gather(*(self._service(name, metadata) for name in names))
        consumers, connected = await self._consumers()
        health = pb.SystemHealth(
            name="systemHealth",
            services=services,
            consumers=consumers,
            broker_connected=connected,
            healthy=connected and all(s.state == "SERVING" for s in services),
            check_time=to_timestamp(self.clock.now()),
        )
        return pb.GetSystemHealthResponse(system_health=health)

    async def _service(self, name: str, metadata: tuple) -> pb.ServiceHealth:
        health = pb.ServiceHealth(service=name)
        channel = self.channels.channel(name)
        try:
            reply = await health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service=""), timeout=TIMEOUT_SECONDS
            )
            health.state = health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)
        except grpc.aio.AioRpcError as error:
            health.state, health.error = (
                "UNREACHABLE",
                bounded(f"{error.code().name}: {error.details()}", 200),
            )
            return health
        try:
            status = (
                await status_pb2_grpc.StatusServiceStub(channel).GetServiceStatus(
                    status_pb2.GetServiceStatusRequest(), metadata=metadata, timeout=TIMEOUT_SECONDS
                )
            ).status
        except grpc.aio.AioRpcError as error:
            health.error = bounded(f"{error.code().name}: {error.details()}", 200)
            return health
        health.version, health.outbox_pending, health.audit_unsealed = (
            status.version,
            status.outbox_pending,
            status.audit_unsealed,
        )
        health.start_time.CopyFrom(status.start_time)
        if status.HasField("oldest_pending_time"):
            health.oldest_pending_time.CopyFrom(status.oldest_pending_time)
        health.details.update(status.details)
        return health

    async def _consumers(self) -> tuple[list[pb.ConsumerLag], bool]:
        nc = self.nats()
        if nc is None or not nc.is_connected:
            return [], False
        js = nc.jetstream()
        lags: list[pb.ConsumerLag] = []
        try:
            for stream in await asyncio.wait_for(js.streams_info(), TIMEOUT_SECONDS):
                for consumer in await asyncio.wait_for(
                    js.consumers_info(stream.config.name), TIMEOUT_SECONDS
                ):
                    if not consumer.config.durable_name:
                        continue  # ordered (ephemeral) readers: the revocation lists, push streams
                    lags.append(
                        pb.ConsumerLag(
                            stream=stream.config.name,
                            consumer=consumer.config.durable_name,
                            pending=consumer.num_pending or 0,
                            ack_pending=consumer.num_ack_pending or 0,
                            redelivered=consumer.num_redelivered or 0,
                        )
                    )
        except (TimeoutError, Exception):  # noqa: BLE001 - the broker's trouble is reported, not raised
            return lags, False
        return sorted(lags, key=lambda lag: (lag.stream, lag.consumer)), True
