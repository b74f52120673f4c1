"""No unmasked data without its committed access record, under concurrency and a crash (issue 20).

1,000 concurrent unmasked reads (an administrator's GetCustomer, each with its own request id) while the
customer service — and with it the group-commit writer of access records — is killed with SIGKILL mid-way. After
a restart, every response that reached the client has exactly one committed access record, and no request id has
two.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import grpc
import pytest
from kam.customer.v1 import audit_service_pb2, audit_service_pb2_grpc
from kam.customer.v1 import customer_service_pb2 as pb
from kam.customer.v1 import customer_service_pb2_grpc as pb_grpc
from kam_kit import auth
from kam_kit.clock import SYSTEM_CLOCK

from tests.e2e.helpers import create_customers

pytestmark = pytest.mark.e2e

READS = 1000


def _metadata(secret: str, subject: str, role: str) -> tuple[tuple[str, str], ...]:
    identity = auth.Identity(subject=subject, roles=(role,), display_name=subject)
    token = auth.issue_token(identity, secret=secret, clock=SYSTEM_CLOCK, ttl=timedelta(minutes=30))
    return ((auth.METADATA_KEY, auth.bearer(token)),)


async def _names(address: str, secret: str) -> list[str]:
    async with grpc.aio.insecure_channel(address) as channel:
        reply = await pb_grpc.CustomerServiceStub(channel).ListCustomers(
            pb.ListCustomersRequest(page_size=100),
            metadata=_metadata(secret, "users/admin", "roles/admin"),
            timeout=10,
        )
    return [c.name for c in reply.customers]


async def _recorded_request_ids(address: str, secret: str) -> Counter[str]:
    seen: Counter[str] = Counter()
    metadata = _metadata(secret, "users/compliance", "roles/compliance")
    async with grpc.aio.insecure_channel(address) as channel:
        stub = audit_service_pb2_grpc.AccessAuditServiceStub(channel)
        token = ""
        while True:
            reply = await stub.ListAccessRecords(
                audit_service_pb2.ListAccessRecordsRequest(page_size=500, page_token=token),
                metadata=metadata,
                timeout=30,
                wait_for_ready=True,
            )
            seen.update(r.request_id for r in reply.access_records)
            token = reply.next_page_token
            if not token:
                return seen


async def test_every_unmasked_response_has_exactly_one_committed_record_across_a_crash(
    kam_processes, token_secret, service_databases
) -> None:
    kam = kam_processes("customer", database_urls=service_databases)
    address = kam.grpc_addr("customer")
    assert await create_customers(address, token_secret, range(20)) == 20
    names = await _names(address, token_secret)
    admin = _metadata(token_secret, "users/admin", "roles/admin")
    answered: list[str] = []
    refused = Counter[str]()

    async def read(n: int, stub: pb_grpc.CustomerServiceStub) -> None:
        request_id = f"audit-{n:05d}"
        try:
            reply = await stub.GetCustomer(
                pb.GetCustomerRequest(name=names[n % len(names)]),
                metadata=(*admin, ("x-request-id", request_id)),
                timeout=20,
            )
        except grpc.aio.AioRpcError as error:
            refused[error.code().name] += 1
            return
        assert not reply.customer.masked and reply.customer.id_number  # unmasked: it must have its record
        answered.append(request_id)

    async with grpc.aio.insecure_channel(address) as channel:
        stub = pb_grpc.CustomerServiceStub(channel)
        calls = [asyncio.create_task(read(n, stub)) for n in range(READS)]
        while len(answered) < READS // 4 and not all(c.done() for c in calls):
            await asyncio.sleep(0.01)
        await asyncio.to_thread(kam.kill, "customer")  # the writer dies with whatever it was batching
        await asyncio.gather(*calls)

    assert 0 < len(answered) < READS, (len(answered), refused)  # the crash did land mid-way
    await asyncio.to_thread(kam.restart, "customer")
    recorded = await _recorded_request_ids(address, token_secret)
    missing = [r for r in answered if recorded[r] != 1]
    doubled = [r for r, n in recorded.items() if n > 1]
    assert missing == [] and doubled == [], (missing[:10], doubled[:10])
