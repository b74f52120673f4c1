"""ListCustomers ``order_by`` (AIP-132) on a real gRPC server, on SQLite and PostgreSQL: single and multiple keys,
``desc``, ties broken by id (in the last key's direction), pages across the whole order, bad input naming the field."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import grpc
import pytest
from customer_testlib import call_metadata
from kam.customer.v1 import customer_pb2
from kam.customer.v1 import customer_service_pb2 as pb
from kam_customer.adapters.orm import CustomerMetricsRow, CustomerRow
from kam_kit.clock import ManualClock
from sqlalchemy import update

Customer = customer_pb2.Customer
VALID_ID = "11010519491231002X"
VALID_USCC = "91350100M000100Y43"
#: id, name, type, tier, AUM (None: no metrics), branch — created in this order, one minute apart.
CUSTOMERS = [
    ("k1", "delta", "INDIVIDUAL", "tiers/gold", Decimal(600_000), "orgUnits/bj"),
    ("k2", "alpha", "INDIVIDUAL", "tiers/private-banking", Decimal(9_000_000), "orgUnits/sh"),
    ("k3", "charlie", "CORPORATE", "tiers/core", Decimal(40_000_000), "orgUnits/sh"),
    ("k4", "bravo", "INDIVIDUAL", "", None, "orgUnits/bj"),
    ("k5", "bravo", "INDIVIDUAL", "tiers/gold", Decimal(600_000), "orgUnits/sh"),
    ("k6", "echo", "CORPORATE", "", Decimal(0), "orgUnits/bj"),
]
LEVEL = {"tiers/private-banking": 4, "tiers/gold": 1, "tiers/core": 2, "": 0}


@pytest.fixture
async def api(start_customer_service):
    started = await start_customer_service(ManualClock())
    service, client, clock, md = started.service, started.client, started.clock, started.md()
    for cid, name, kind, _, _, branch in CUSTOMERS:
        individual = kind == "INDIVIDUAL"
        await client.CreateCustomer(
            pb.CreateCustomerRequest(
                customer_id=cid,
                customer=Customer(
                    type=Customer.TYPE_INDIVIDUAL if individual else Customer.TYPE_CORPORATE,
                    display_name=name,
                    id_number=VALID_ID if individual else VALID_USCC,
                    branch=branch,
                ),
            ),
            metadata=md,
            timeout=5,
        )
        clock.advance(timedelta(minutes=1))
    async with service.db.transaction() as session:  # tiers and metrics come from scans
        for cid, _, _, tier, aum, _ in CUSTOMERS:
            await session.execute(update(CustomerRow).where(CustomerRow.id == cid).values(tier=tier))
            if aum is not None:
                session.add(CustomerMetricsRow(customer_id=cid, as_of=clock.now().date(), aum=aum))
    return client, md


async def _all(client, md, order_by: str, filter_: str = "", page_size: int = 2) -> list[str]:
    """Every customer id in order, page by page."""
    ids, token = [], ""
    while True:
        page = await client.ListCustomers(
            pb.ListCustomersRequest(order_by=order_by, filter=filter_, page_size=page_size, page_token=token),
            metadata=md,
            timeout=5,
        )
        ids += [c.name.removeprefix("customers/") for c in page.customers]
        assert page.total_size == len(ids) or page.next_page_token
        token = page.next_page_token
        if not token:
            return ids


def _expected(key, descending: bool = False) -> list[str]:
    """Ids sorted by ``key``, ties by id in the same direction."""
    return [c[0] for c in sorted(CUSTOMERS, key=lambda c: (key(c), c[0]), reverse=descending)]


async def test_single_keys_ascending_and_descending_across_pages(api) -> None:
    client, md = api
    assert await _all(client, md, "") == ["k1", "k2", "k3", "k4", "k5", "k6"]  # default: create_time
    assert await _all(client, md, "display_name") == _expected(lambda c: c[1])  # bravo k4 before bravo k5
    assert await _all(client, md, "display_name desc") == [
        "k6",
        "k1",
        "k3",
        "k5",
        "k4",
        "k2",
    ]  # ties: id desc
    assert await _all(client, md, "create_time desc") == ["k6", "k5", "k4", "k3", "k2", "k1"]
    assert await _all(client, md, "metrics.assets_under_management desc") == _expected(
        lambda c: c[4] or 0, True
    )
    assert await _all(client, md, "tier desc") == _expected(lambda c: LEVEL[c[3]], True)
    assert await _all(client, md, "tier") == _expected(lambda c: LEVEL[c[3]])


async def test_multiple_keys_with_filter(api) -> None:
    client, md = api
    assert await _all(client, md, "tier desc, display_name desc") == ["k2", "k3", "k1", "k5", "k6", "k4"]
    assert await _all(client, md, " display_name asc ,  assets_under_management desc") == [
        "k2",
        "k5",
        "k4",
        "k3",
        "k1",
        "k6",
    ]
    assert await _all(client, md, "tier desc", filter_="type = TYPE_INDIVIDUAL", page_size=1) == [
        "k2",
        "k5",
        "k1",
        "k4",
    ]


async def test_update_time_follows_updates(api) -> None:
    client, md = api
    await client.UpdateCustomer(
        pb.UpdateCustomerRequest(
            customer=Customer(name="customers/k1", display_name="foxtrot"),
            update_mask={"paths": ["display_name"]},
        ),
        metadata=md,
        timeout=5,
    )
    assert (await _all(client, md, "update_time desc"))[0] == "k1"
    assert (await _all(client, md, "display_name desc"))[0] == "k1"


@pytest.mark.parametrize(
    "order_by",
    ["colour", "display_name sideways", "display_name desc desc", "display_name,", "tier, tier desc", "id"],
)
async def test_bad_order_by_is_invalid_argument_naming_it(api, order_by) -> None:
    client, md = api
    with pytest.raises(grpc.aio.AioRpcError) as bad:
        await client.ListCustomers(pb.ListCustomersRequest(order_by=order_by), metadata=md, timeout=5)
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert bad.value.details().startswith("order_by: ")


async def test_page_tokens_are_bound_to_filter_and_order(api) -> None:
    client, md = api
    first = await client.ListCustomers(
        pb.ListCustomersRequest(order_by="display_name", page_size=2), metadata=md, timeout=5
    )
    for changed in (
        pb.ListCustomersRequest(order_by="display_name desc", page_token=first.next_page_token),
        pb.ListCustomersRequest(
            order_by="display_name", filter="type = TYPE_CORPORATE", page_token=first.next_page_token
        ),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as bad:
            await client.ListCustomers(changed, metadata=md, timeout=5)
        assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert bad.value.details().startswith("page_token: ")


async def test_filter_implements_the_documented_aip160_subset(api) -> None:
    """Every field the proto comment names, with its operators; anything else names ``filter``."""
    client, md = api
    # k1..k6 were created at 2026-01-01 00:00, 00:01 … (ManualClock starts at 2026-01-01T00:00:00Z)
    assert await _all(client, md, "", filter_='create_time >= "2026-01-01T00:03:00Z"') == ["k4", "k5", "k6"]
    assert await _all(client, md, "", filter_='create_time < "2026-01-01T08:02:00+08:00"') == ["k1", "k2"]
    assert await _all(
        client, md, "", filter_='type != TYPE_INDIVIDUAL AND update_time > "2026-01-01T00:02:30Z"'
    ) == ["k6"]
    assert await _all(
        client, md, "", filter_='state = STATE_ACTIVE AND source = SOURCE_MANUAL AND tier != "tiers/gold"'
    ) == ["k2", "k3", "k4", "k6"]
    assert await _all(client, md, "", filter_='branch = "orgUnits/bj" AND tier = ""') == ["k4", "k6"]
    assert await _all(client, md, "", filter_="key_customer = false AND source = SOURCE_CORE_BANKING") == []
    for bad in (
        "colour = red",
        "tier < gold",
        "state = STATE_SLEEPING",
        'create_time > "yesterday"',
        "type = TYPE_INDIVIDUAL OR tier = x",
    ):
        with pytest.raises(grpc.aio.AioRpcError) as error:
            await client.ListCustomers(pb.ListCustomersRequest(filter=bad), metadata=md, timeout=5)
        assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT, bad
        assert "filter" in error.value.details(), bad


async def test_an_aum_range_filter_with_the_order_and_the_count(api) -> None:
    client, md = api
    aum = {c[0]: c[4] or Decimal(0) for c in CUSTOMERS}
    ranged = await _all(
        client,
        md,
        "metrics.assets_under_management desc",
        "metrics.assets_under_management >= 600000 AND metrics.assets_under_management < 40000000",
    )
    assert ranged == ["k2", "k5", "k1"]  # 9,000,000 then the two 600,000 (ties by id, descending)
    assert all(Decimal(600_000) <= aum[c] < Decimal(40_000_000) for c in ranged)
    page = await client.ListCustomers(
        pb.ListCustomersRequest(filter="assets_under_management <= 0", page_size=10), metadata=md, timeout=5
    )
    assert sorted(c.name for c in page.customers) == ["customers/k4", "customers/k6"] and page.total_size == 2
    with pytest.raises(grpc.aio.AioRpcError) as bad:
        await client.ListCustomers(
            pb.ListCustomersRequest(filter="metrics.assets_under_management >= lots"), metadata=md, timeout=5
        )
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT


@pytest.mark.parametrize("order_by", ["", "display_name", "assets_under_management desc"])
async def test_unfiltered_pages_of_callers_of_one_scope_shape(api, token_secret, order_by: str) -> None:
    """A page with no filter runs a statement built once per order and scope shape, with the scope's values as
    parameters: an administrator and two branch managers in turn (same shape, different branches) each get
    exactly their customers, in order, page by page."""
    client, admin = api
    aum = {c[0]: c[4] or 0 for c in CUSTOMERS}
    everyone = {
        "": [c[0] for c in CUSTOMERS],  # created in this order
        "display_name": _expected(lambda c: c[1]),
        "assets_under_management desc": _expected(lambda c: aum[c[0]], descending=True),
    }[order_by]
    branch_of = {c[0]: c[5] for c in CUSTOMERS}
    for _ in range(2):
        assert await _all(client, admin, order_by) == everyone  # everything: no condition at all
        for branch in ("orgUnits/bj", "orgUnits/sh"):
            md = call_metadata(
                token_secret,
                ManualClock(),
                "roles/branch_manager",
                subject=f"users/m-{branch}",
                org_unit=branch,
            )
            assert await _all(client, md, order_by) == [i for i in everyone if branch_of[i] == branch]
