"""The gRPC bootstrap: health (with Watch), reflection, errors with details, deadlines, graceful shutdown."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from grpc_status import rpc_status
from kam.report.v1 import report_pb2
from kam.report.v1 import report_service_pb2 as pb
from kam.report.v1 import report_service_pb2_grpc as pb_grpc
from kam_kit import auth, grpcserver, telemetry
from kam_kit.clock import ManualClock
from kam_kit.errors import NotFound
from kam_kit.grpcserver import GrpcServer, current_identity
from opentelemetry import trace

SERVICE = "kam.report.v1.ReportService"
PRIME = 1_000_000_007


class Servicer(pb_grpc.ReportServiceServicer):
    """Behaves according to the caller: shows how identity, errors and slowness surface."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.peers: list[str] = []  # the client address of each call

    async def GetCustomerStats(self, request, context):
        self.peers.append(context.peer())
        who = current_identity()
        if who.subject == "users/missing":
            raise NotFound("没有数据 (nothing here)", reason="NO_DATA")
        if who.subject == "users/crash":
            raise RuntimeError("secret internals: password=hunter2")
        if who.subject == "users/traced":  # the trace id the handler runs in, folded into the count
            trace_id = trace.get_current_span().get_span_context().trace_id
            return pb.GetCustomerStatsResponse(
                stats=report_pb2.CustomerStats(customer_count=trace_id % PRIME)
            )
        if who.subject == "users/slow":
            self.started.set()
            await self.release.wait()
        return pb.GetCustomerStatsResponse(stats=report_pb2.CustomerStats(customer_count=len(who.subject)))


@pytest.fixture
async def served(token_secret, free_port):
    clock = ManualClock()
    server = GrpcServer("report", free_port(), token_secret=token_secret, clock=clock)
    servicer = Servicer()
    server.add(pb_grpc.add_ReportServiceServicer_to_server, servicer, SERVICE)
    await server.start()
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{server.port}")

    def md(subject: str) -> tuple:
        token = auth.issue_token(
            auth.Identity(subject=subject, roles=("roles/relationship_manager",)),
            secret=token_secret,
            clock=clock,
            ttl=timedelta(minutes=5),
        )
        return ((auth.METADATA_KEY, auth.bearer(token)),)

    yield server, servicer, channel, md
    await channel.close()
    await server.stop(0)


async def test_identity_reaches_the_handler(served) -> None:
    _, _, channel, md = served
    reply = await pb_grpc.ReportServiceStub(channel).GetCustomerStats(
        pb.GetCustomerStatsRequest(), metadata=md("users/abc"), timeout=5
    )
    assert reply.stats.customer_count == len("users/abc")


async def test_the_caller_s_trace_continues_in_the_handler_without_opentelemetry_s_instrumentation(
    served,
) -> None:
    _, _, channel, md = served
    assert (
        not telemetry.instrumented()
    )  # spans are not recorded here: the kit's interceptor carries the context
    trace_id = 0x4BF92F3577B34DA6A3CE929D0E0E4736
    reply = await pb_grpc.ReportServiceStub(channel).GetCustomerStats(
        pb.GetCustomerStatsRequest(),
        metadata=(*md("users/traced"), ("traceparent", f"00-{trace_id:032x}-00f067aa0ba902b7-01")),
        timeout=5,
    )
    assert reply.stats.customer_count == trace_id % PRIME


async def test_domain_error_carries_error_info_and_internal_errors_leak_nothing(served) -> None:
    _, _, channel, md = served
    stub = pb_grpc.ReportServiceStub(channel)
    with pytest.raises(grpc.aio.AioRpcError) as missing:
        await stub.GetCustomerStats(pb.GetCustomerStatsRequest(), metadata=md("users/missing"), timeout=5)
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND
    info = error_details_pb2.ErrorInfo()
    rpc_status.from_call(missing.value).details[0].Unpack(info)
    assert (info.reason, info.domain) == ("NO_DATA", "report.kam")

    with pytest.raises(grpc.aio.AioRpcError) as crash:
        await stub.GetCustomerStats(pb.GetCustomerStatsRequest(), metadata=md("users/crash"), timeout=5)
    assert crash.value.code() == grpc.StatusCode.INTERNAL
    assert "hunter2" not in crash.value.details()


async def test_health_check_watch_and_reflection(served) -> None:
    server, _, channel, _ = served
    health = health_pb2_grpc.HealthStub(channel)
    reply = await health.Check(health_pb2.HealthCheckRequest(service=SERVICE), timeout=5)
    assert reply.status == health_pb2.HealthCheckResponse.SERVING

    watch = health.Watch(health_pb2.HealthCheckRequest(service=SERVICE))
    first = await watch.read()
    assert first.status == health_pb2.HealthCheckResponse.SERVING
    await server.health.set(SERVICE, health_pb2.HealthCheckResponse.NOT_SERVING)
    second = await watch.read()
    assert second.status == health_pb2.HealthCheckResponse.NOT_SERVING
    watch.cancel()

    refl = reflection_pb2_grpc.ServerReflectionStub(channel)
    responses = refl.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(list_services="")]))
    async for response in responses:
        names = {s.name for s in response.list_services_response.service}
        break
    assert {SERVICE, "grpc.health.v1.Health"} <= names


async def test_graceful_shutdown_goes_not_serving_and_lets_in_flight_calls_finish(served) -> None:
    server, servicer, channel, md = served
    stub = pb_grpc.ReportServiceStub(channel)
    watch = health_pb2_grpc.HealthStub(channel).Watch(health_pb2.HealthCheckRequest(service=""))
    assert (await watch.read()).status == health_pb2.HealthCheckResponse.SERVING
    in_flight = asyncio.ensure_future(
        stub.GetCustomerStats(pb.GetCustomerStatsRequest(), metadata=md("users/slow"), timeout=10)
    )
    await servicer.started.wait()
    stopping = asyncio.create_task(server.stop(grace=5))
    assert (await watch.read()).status == health_pb2.HealthCheckResponse.NOT_SERVING
    assert not stopping.done()  # still waiting for the in-flight call
    servicer.release.set()
    reply = await in_flight
    assert reply.stats.customer_count == len("users/slow")
    await stopping


async def test_declared_but_unbuilt_method_is_unimplemented(token_secret, free_port) -> None:
    server = GrpcServer("report", free_port(), token_secret=token_secret)
    server.add(pb_grpc.add_ReportServiceServicer_to_server, pb_grpc.ReportServiceServicer(), SERVICE)
    await server.start()
    try:
        token = auth.issue_service_token("t", token_secret)
        async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as channel:
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await pb_grpc.ReportServiceStub(channel).GetCustomerStats(
                    pb.GetCustomerStatsRequest(),
                    metadata=((auth.METADATA_KEY, auth.bearer(token)),),
                    timeout=5,
                )
        assert caught.value.code() == grpc.StatusCode.UNIMPLEMENTED
    finally:
        await server.stop(0)


async def test_an_expired_token_is_refused_even_after_it_was_accepted(served, token_secret) -> None:
    server, _, channel, _ = served
    clock = server.interceptor.clock
    token = auth.issue_token(
        auth.Identity(subject="users/brief", roles=("roles/relationship_manager",)),
        secret=token_secret,
        clock=clock,
        ttl=timedelta(minutes=1),
    )
    stub = pb_grpc.ReportServiceStub(channel)
    metadata = ((auth.METADATA_KEY, auth.bearer(token)),)
    await stub.GetCustomerStats(pb.GetCustomerStatsRequest(), metadata=metadata, timeout=5)
    clock.advance(timedelta(minutes=2))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.GetCustomerStats(pb.GetCustomerStatsRequest(), metadata=metadata, timeout=5)
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED


async def test_a_connection_older_than_the_maximum_age_is_replaced_without_failing_a_call(
    token_secret, free_port
) -> None:
    """A client is asked to reconnect once its connection is old (so it looks the service's replicas up again);
    calls keep succeeding across the change of connection."""
    clock = ManualClock()
    server = GrpcServer("report", free_port(), token_secret=token_secret, clock=clock, max_connection_age=0.3)
    servicer = Servicer()
    server.add(pb_grpc.add_ReportServiceServicer_to_server, servicer, SERVICE)
    await server.start()
    token = auth.issue_token(
        auth.Identity(subject="users/abc", roles=("roles/relationship_manager",)),
        secret=token_secret,
        clock=clock,
        ttl=timedelta(minutes=5),
    )
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as channel:
            stub = pb_grpc.ReportServiceStub(channel)
            for _ in range(15):
                await stub.GetCustomerStats(
                    pb.GetCustomerStatsRequest(),
                    metadata=((auth.METADATA_KEY, auth.bearer(token)),),
                    timeout=5,
                )
                await asyncio.sleep(0.1)
    finally:
        await server.stop(0)
    assert len(servicer.peers) == 15
    assert len(set(servicer.peers)) >= 2, servicer.peers  # the client came back on new connections


async def test_calls_in_flight_counts_the_unary_calls_being_served_not_streams(served) -> None:
    """What a batching writer asks (kam_kit.groupcommit): a call under way counts until it has answered, a
    failed one too; a health Watch stream (served for as long as the client listens) does not."""
    _, servicer, channel, md = served
    stub = pb_grpc.ReportServiceStub(channel)
    watch = health_pb2_grpc.HealthStub(channel).Watch(health_pb2.HealthCheckRequest(service=""))
    assert (await watch.read()).status == health_pb2.HealthCheckResponse.SERVING
    assert grpcserver.calls_in_flight() == 0
    slow = asyncio.ensure_future(
        stub.GetCustomerStats(pb.GetCustomerStatsRequest(), metadata=md("users/slow"), timeout=10)
    )
    await servicer.started.wait()
    assert grpcserver.calls_in_flight() == 1
    with pytest.raises(grpc.aio.AioRpcError):
        await stub.GetCustomerStats(pb.GetCustomerStatsRequest(), metadata=md("users/missing"), timeout=10)
    assert grpcserver.calls_in_flight() == 1
    servicer.release.set()
    await slow
    assert grpcserver.calls_in_flight() == 0
    watch.cancel()
