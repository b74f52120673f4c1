"""The customer service's gRPC API on a real server, on SQLite and PostgreSQL."""

from __future__ import annotations

import grpc
import pytest
from customer_testlib import call_metadata
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from kam.customer.v1 import customer_pb2
from kam.customer.v1 import customer_service_pb2 as pb
from kam_kit import events
from kam_kit.clock import ManualClock
from kam_kit.db import outbox_table
from sqlalchemy import select

Customer = customer_pb2.Customer
VALID_ID = "11010519491231002X"
VALID_USCC = "91350100M000100Y43"


@pytest.fixture
async def api(start_customer_service):
    return await start_customer_service(ManualClock())


@pytest.fixture
def app(api):
    return api.service


@pytest.fixture
def stub(api):
    return api.client, api.md("roles/admin")


def _violations(error: grpc.aio.AioRpcError) -> dict[str, str]:
    status = rpc_status.from_call(error)
    out = {}
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            request = error_details_pb2.BadRequest()
            detail.Unpack(request)
            out.update({v.field: v.description for v in request.field_violations})
    return out


async def test_create_then_get_and_event_in_outbox(app, stub) -> None:
    client, token = stub
    created = await client.CreateCustomer(
        pb.CreateCustomerRequest(
            customer=Customer(
                type=Customer.TYPE_INDIVIDUAL, display_name="张伟", id_number=VALID_ID, phone="13812345678"
            )
        ),
        metadata=token,
        timeout=5,
    )
    assert created.customer.name.startswith("customers/")
    assert created.customer.etag == "v1"
    got = await client.GetCustomer(
        pb.GetCustomerRequest(name=created.customer.name), metadata=token, timeout=5
    )
    assert got.customer.display_name == "张伟" and got.customer.id_number == VALID_ID
    async with app.db.read() as session:
        rows = (await session.execute(select(outbox_table.c.event_type, outbox_table.c.subject))).all()
    partition = events.partition_token(events.partition_for(created.customer.name) or 0)
    assert [
        (r.event_type, r.subject) for r in rows
    ] == [  # the trail's records (AuditRecorded) come when sealed
        ("kam.customer.v1.CustomerCreated", f"kam.customer.v1.CustomerCreated.{partition}")  # its partition
    ]


async def test_bad_input_names_every_field(stub) -> None:
    client, token = stub
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await client.CreateCustomer(
            pb.CreateCustomerRequest(
                customer=Customer(
                    type=Customer.TYPE_INDIVIDUAL, display_name="  ", id_number="110105194912310021"
                )
            ),
            metadata=token,
            timeout=5,
        )
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    violations = _violations(caught.value)
    assert set(violations) == {"customer.display_name", "customer.id_number"}
    assert "校验码" in violations["customer.id_number"]


async def test_corporate_credit_code_is_checked(stub) -> None:
    client, token = stub
    ok = await client.CreateCustomer(
        pb.CreateCustomerRequest(
            customer=Customer(
                type=Customer.TYPE_CORPORATE, display_name="福建某某科技有限公司", id_number=VALID_USCC
            )
        ),
        metadata=token,
        timeout=5,
    )
    assert ok.customer.type == Customer.TYPE_CORPORATE
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await client.CreateCustomer(
            pb.CreateCustomerRequest(
                customer=Customer(
                    type=Customer.TYPE_CORPORATE, display_name="某公司", id_number=VALID_USCC[:-1] + "0"
                )
            ),
            metadata=token,
            timeout=5,
        )
    assert set(_violations(caught.value)) == {"customer.id_number"}


async def test_missing_or_forged_token_is_unauthenticated(stub) -> None:
    client, _ = stub
    request = pb.GetCustomerRequest(name="customers/x")
    with pytest.raises(grpc.aio.AioRpcError) as missing:
        await client.GetCustomer(request, timeout=5)
    assert missing.value.code() == grpc.StatusCode.UNAUTHENTICATED
    forged = call_metadata("f" * 40, ManualClock(), "roles/admin")  # signed with another secret
    with pytest.raises(grpc.aio.AioRpcError) as bad:
        await client.GetCustomer(request, metadata=forged, timeout=5)
    assert bad.value.code() == grpc.StatusCode.UNAUTHENTICATED


async def test_request_id_makes_create_idempotent_and_etag_guards_updates(stub) -> None:
    client, token = stub
    request = pb.CreateCustomerRequest(
        customer=Customer(type=Customer.TYPE_INDIVIDUAL, display_name="李娜", id_number=VALID_ID),
        request_id="6f1c7c1e-6f0a-4c39-9a4f-7d1b2f0e5a11",
    )
    first = await client.CreateCustomer(request, metadata=token, timeout=5)
    again = await client.CreateCustomer(request, metadata=token, timeout=5)
    assert first.customer.name == again.customer.name

    update = pb.UpdateCustomerRequest(
        customer=Customer(name=first.customer.name, phone="13900001111", etag="v1")
    )
    update.update_mask.paths.append("phone")
    updated = await client.UpdateCustomer(update, metadata=token, timeout=5)
    assert updated.customer.phone == "13900001111" and updated.customer.etag == "v2"
    with pytest.raises(grpc.aio.AioRpcError) as stale:
        await client.UpdateCustomer(update, metadata=token, timeout=5)
    assert stale.value.code() == grpc.StatusCode.ABORTED


async def test_pii_is_masked_for_callers_without_the_right_role(api, stub) -> None:
    client, token = stub
    created = await client.CreateCustomer(
        pb.CreateCustomerRequest(
            customer=Customer(
                type=Customer.TYPE_INDIVIDUAL,
                display_name="王芳",
                id_number=VALID_ID,
                phone="13812345678",
                email="wangfang@example.com",
                address="上海市浦东新区世纪大道100号",
            )
        ),
        metadata=token,
        timeout=5,
    )
    assert created.customer.email == "wangfang@example.com"  # the admin may see it
    seen = await client.GetCustomer(
        pb.GetCustomerRequest(name=created.customer.name),
        metadata=api.md("roles/head_office_leader"),
        timeout=5,
    )
    assert seen.customer.masked
    assert seen.customer.id_number == "1101**********002X"
    assert seen.customer.phone == "138****5678"
    assert seen.customer.display_name == "王*"
    assert seen.customer.email == "w***@example.com"
    assert seen.customer.address == "上海市浦东新****"


async def test_list_paginates_and_filters(stub) -> None:
    client, token = stub
    for i in range(5):
        await client.CreateCustomer(
            pb.CreateCustomerRequest(
                customer=Customer(
                    type=Customer.TYPE_INDIVIDUAL if i % 2 else Customer.TYPE_CORPORATE,
                    display_name=f"客户{i}",
                    id_number=VALID_ID if i % 2 else VALID_USCC,
                )
            ),
            metadata=token,
            timeout=5,
        )
    page = await client.ListCustomers(pb.ListCustomersRequest(page_size=2), metadata=token, timeout=5)
    seen = [c.name for c in page.customers]
    while page.next_page_token:
        page = await client.ListCustomers(
            pb.ListCustomersRequest(page_size=2, page_token=page.next_page_token), metadata=token, timeout=5
        )
        seen += [c.name for c in page.customers]
    assert len(seen) == len(set(seen)) == 5 and page.total_size == 5
    individuals = await client.ListCustomers(
        pb.ListCustomersRequest(filter="type = TYPE_INDIVIDUAL"), metadata=token, timeout=5
    )
    assert individuals.total_size == 2
    with pytest.raises(grpc.aio.AioRpcError) as bad:
        await client.ListCustomers(pb.ListCustomersRequest(filter="colour = red"), metadata=token, timeout=5)
    assert set(_violations(bad.value)) == {"filter"}
