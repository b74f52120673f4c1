"""Revoked sessions and service tokens: a real NATS JetStream identity stream, a real gRPC server whose
interceptor follows it. A revocation published after the server started, and one published before (read from
the stream's history), both make the token's next call UNAUTHENTICATED; other tokens keep working."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import grpc
from kam.identity.v1 import events_pb2
from kam.report.v1 import report_pb2
from kam.report.v1 import report_service_pb2 as pb
from kam.report.v1 import report_service_pb2_grpc as pb_grpc
from kam_kit import auth, events
from kam_kit.clock import ManualClock
from kam_kit.grpcserver import GrpcServer
from kam_kit.revocation import Revocations
from kam_kit.timeconv import to_timestamp


class Servicer(pb_grpc.ReportServiceServicer):
    async def GetCustomerStats(self, request, context):
        return pb.GetCustomerStatsResponse(stats=report_pb2.CustomerStats(customer_count=1))


async def test_revoked_sessions_and_service_tokens_are_refused_by_every_service(
    nats_url, token_secret, free_port
) -> None:
    clock = ManualClock()
    nc = await events.connect(nats_url, name="identity-test")
    js = nc.jetstream()
    await events.ensure_stream(js, "identity")

    async def publish(message) -> None:
        await js.publish(events.subject_for("identity", message), message.SerializeToString())

    def token(identity: auth.Identity) -> tuple:
        issued = auth.issue_token(identity, secret=token_secret, clock=clock, ttl=timedelta(minutes=15))
        return ((auth.METADATA_KEY, auth.bearer(issued)),)

    person = {"subject": "users/li", "roles": ("roles/relationship_manager",)}
    early = token(auth.Identity(**person, session_id="s-early"))
    later = token(auth.Identity(**person, session_id="s-later"))
    other = token(auth.Identity(**person, session_id="s-other"))
    feed = token(auth.Identity(subject="services/core-feed", kind="service", permissions=("reports.read",)))
    expire = to_timestamp(clock.now() + timedelta(hours=12))
    await publish(
        events_pb2.SessionRevoked(
            session="users/li/sessions/s-early", session_id="s-early", expire_time=expire
        )
    )

    revocations = Revocations(clock)
    follower = asyncio.create_task(revocations.follow(js))
    server = GrpcServer(
        "report", free_port(), token_secret=token_secret, clock=clock, revocations=revocations
    )
    server.add(pb_grpc.add_ReportServiceServicer_to_server, Servicer(), "kam.report.v1.ReportService")
    await server.start()
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{server.port}")
    stub = pb_grpc.ReportServiceStub(channel)

    async def refused(metadata) -> bool:
        try:
            await stub.GetCustomerStats(pb.GetCustomerStatsRequest(), metadata=metadata, timeout=5)
            return False
        except grpc.aio.AioRpcError as error:
            assert error.code() == grpc.StatusCode.UNAUTHENTICATED and "revoked" in (error.details() or "")
            return True

    async def eventually_refused(metadata) -> bool:
        for _ in range(200):
            if await refused(metadata):
                return True
            await asyncio.sleep(0.01)
        return False

    try:
        await asyncio.wait_for(revocations.caught_up.wait(), 10)
        assert await refused(early)  # revoked before the server started: from the history
        assert not await refused(later)  # a token is cached by the interceptor …
        await publish(
            events_pb2.SessionRevoked(
                session="users/li/sessions/s-later", session_id="s-later", expire_time=expire
            )
        )
        assert await eventually_refused(later)  # … and refused as soon as its session is revoked
        assert not await refused(other) and not await refused(feed)

        clock.advance(timedelta(seconds=30))
        await publish(
            events_pb2.ServiceAccountRevoked(
                service_account="serviceAccounts/core-feed", revoke_time=to_timestamp(clock.now())
            )
        )
        assert await eventually_refused(feed)  # issued before the revocation
        clock.advance(timedelta(seconds=1))
        fresh = token(
            auth.Identity(subject="services/core-feed", kind="service", permissions=("reports.read",))
        )
        assert not await refused(fresh)  # a token got afterwards (new secret) works
    finally:
        follower.cancel()
        await channel.close()
        await server.stop(0)
        await nc.close()


def test_entries_are_dropped_once_their_tokens_have_expired() -> None:
    clock = ManualClock()
    revocations = Revocations(clock)
    revocations.revoke_session("s1", (clock.now() + timedelta(hours=1)).timestamp())
    person = auth.Identity(subject="users/li", session_id="s1")
    assert revocations.is_revoked(person)
    clock.advance(timedelta(hours=1, seconds=1))
    revocations.prune()
    assert not revocations.is_revoked(person)
