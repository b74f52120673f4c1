"""Shared helpers of the end-to-end tests: gRPC clients with a service token, creating customers, polling."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable

import grpc
from kam.alert.v1 import alert_service_pb2, alert_service_pb2_grpc
from kam.customer.v1 import customer_pb2, customer_service_pb2, customer_service_pb2_grpc
from kam.report.v1 import report_service_pb2, report_service_pb2_grpc
from kam_customer.domain.identifiers import resident_id_check_char
from kam_kit import auth

Customer = customer_pb2.Customer


def service_metadata(secret: str) -> tuple[tuple[str, str], ...]:
    return (
        (
            auth.METADATA_KEY,
            auth.bearer(auth.issue_service_token("e2e-tests", secret)),
        ),
    )


def resident_id(n: int) -> str:
    first17 = f"110105{1950 + n % 50:04d}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def new_customer(n: int) -> Customer:
    return Customer(
        type=Customer.TYPE_INDIVIDUAL,
        display_name=f"测试客户{n}",
        id_number=resident_id(n),
        phone=f"138{random.randrange(10**8):08d}",
    )


async def create_customers(
    address: str, secret: str, numbers: range, *, concurrency: int = 20, request_prefix: str = ""
) -> int:
    """Create customers over gRPC with idempotent request ids, retrying while the service is unreachable."""
    metadata = service_metadata(secret)
    created = 0
    async with grpc.aio.insecure_channel(address) as channel:
        stub = customer_service_pb2_grpc.CustomerServiceStub(channel)
        queue: asyncio.Queue[int] = asyncio.Queue()
        for n in numbers:
            queue.put_nowait(n)

        async def worker() -> None:
            nonlocal created
            while not queue.empty():
                n = queue.get_nowait()
                request = customer_service_pb2.CreateCustomerRequest(
                    customer=new_customer(n),
                    request_id=f"{request_prefix}{n:08d}-0000-4000-8000-000000000000",
                )
                for _ in range(200):
                    try:
                        await stub.CreateCustomer(request, metadata=metadata, timeout=5, wait_for_ready=True)
                        created += 1
                        break
                    except grpc.aio.AioRpcError as exc:
                        if exc.code() not in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
                            raise
                        await asyncio.sleep(0.1)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return created


async def report_count(address: str, secret: str) -> int:
    async with grpc.aio.insecure_channel(address) as channel:
        reply = await report_service_pb2_grpc.ReportServiceStub(channel).GetCustomerStats(
            report_service_pb2.GetCustomerStatsRequest(),
            metadata=service_metadata(secret),
            timeout=5,
            wait_for_ready=True,
        )
    return reply.stats.customer_count


async def watched_count(address: str, secret: str) -> int:
    async with grpc.aio.insecure_channel(address) as channel:
        reply = await alert_service_pb2_grpc.AlertServiceStub(channel).GetMonitoringStats(
            alert_service_pb2.GetMonitoringStatsRequest(),
            metadata=service_metadata(secret),
            timeout=5,
            wait_for_ready=True,
        )
    return reply.stats.watched_customer_count


async def eventually(read: Callable[[], Awaitable[int]], expected: int, timeout: float = 60.0) -> int:
    """Poll ``read`` until it returns ``expected`` (then check it stays there briefly); return the last value."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    value = -1
    while loop.time() < deadline:
        try:
            value = await read()
        except grpc.aio.AioRpcError:
            value = -1
        if value == expected:
            await asyncio.sleep(1.0)  # nothing applied twice arrives late
            return await read()
        await asyncio.sleep(0.2)
    return value
