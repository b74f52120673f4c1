"""Nothing lost, nothing applied twice: crashes and broker outages with the real processes."""

from __future__ import annotations

import asyncio

import pytest

from tests.e2e.helpers import create_customers, eventually, report_count, watched_count

pytestmark = pytest.mark.e2e


async def test_consumer_killed_while_1000_customers_are_created(
    kam_processes, token_secret, service_databases
) -> None:
    kam = kam_processes("customer", "report", "alert", database_urls=service_databases)
    creating = asyncio.create_task(create_customers(kam.grpc_addr("customer"), token_secret, range(1000)))
    # Let part of the stream be consumed, then crash the consumer mid-way.
    for _ in range(300):
        if await report_count(kam.grpc_addr("report"), token_secret) >= 100:
            break
        await asyncio.sleep(0.05)
    await asyncio.to_thread(kam.kill, "report")
    assert await creating == 1000
    await asyncio.to_thread(kam.restart, "report")
    assert await eventually(lambda: report_count(kam.grpc_addr("report"), token_secret), 1000) == 1000
    assert await eventually(lambda: watched_count(kam.grpc_addr("alert"), token_secret), 1000) == 1000


async def test_producer_killed_between_commit_and_publish(
    kam_processes, token_secret, service_databases
) -> None:
    kam = kam_processes("customer", "report", database_urls=service_databases)
    # With the broker away, committed events wait in the outbox; then the producer crashes.
    await asyncio.to_thread(kam.stop_nats)
    assert await create_customers(kam.grpc_addr("customer"), token_secret, range(50)) == 50
    await asyncio.to_thread(kam.kill, "customer")
    await asyncio.to_thread(kam.start_nats)
    await asyncio.to_thread(kam.restart, "customer")
    assert await eventually(lambda: report_count(kam.grpc_addr("report"), token_secret), 50) == 50


async def test_broker_down_for_10_seconds_loses_nothing(
    kam_processes, token_secret, service_databases
) -> None:
    kam = kam_processes("customer", "report", database_urls=service_databases)
    assert await create_customers(kam.grpc_addr("customer"), token_secret, range(100)) == 100
    assert await eventually(lambda: report_count(kam.grpc_addr("report"), token_secret), 100) == 100
    await asyncio.to_thread(kam.stop_nats)
    during = asyncio.create_task(create_customers(kam.grpc_addr("customer"), token_secret, range(100, 300)))
    await asyncio.sleep(10)
    await asyncio.to_thread(kam.start_nats)
    assert await during == 200
    assert await eventually(lambda: report_count(kam.grpc_addr("report"), token_secret), 300) == 300
