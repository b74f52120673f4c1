"""``Customer.metrics`` (the scan's latest ``customer_metrics`` row) in the answers of GetCustomer, ListCustomers,
SearchCustomers and UpdateCustomer on a real gRPC server, on SQLite and PostgreSQL: filled for a customer with
metrics (masked or not), absent for one without, and read for a whole page in one query — a page costs the same
number of SQL statements whatever its size."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from google.protobuf import field_mask_pb2
from kam.customer.v1 import customer_pb2
from kam.customer.v1 import customer_service_pb2 as pb
from kam_customer.adapters.orm import CustomerMetricsRow, CustomerRow, OrgUnitRow, StaffRow
from kam_customer.search.index import reindex
from kam_kit.clock import ManualClock
from sqlalchemy import event

Customer = customer_pb2.Customer
T0 = datetime(2026, 1, 1, tzinfo=UTC)
AS_OF = date(2025, 12, 31)
GIVEN = "一二三四五六七八九十百千"
#: m01 … m12, all named 王…; the even ones have metrics.
IDS = [f"m{n:02d}" for n in range(1, len(GIVEN) + 1)]
WITH_METRICS = {cid for n, cid in enumerate(IDS, start=1) if n % 2 == 0}
LEADER = ("roles/head_office_leader",)  # sees personal data masked
PHONE = "13812345678"  # every customer's: a whole phone number is searchable by masked callers too


def _metrics(cid: str) -> CustomerMetricsRow:
    n = int(cid[1:])
    return CustomerMetricsRow(
        customer_id=cid,
        as_of=AS_OF,
        aum=Decimal("4500000.50") + n,
        adb_30=Decimal(1),  # not shown: average_daily_balance is the 90-day one
        adb_90=Decimal("3000000.25"),
        adb_365=Decimal(2),
        loan_balance=Decimal(120000),
        product_count=5,
        contribution=Decimal("23456.78"),
        tenure_months=68,
    )


@pytest.fixture
async def api(start_customer_service):
    api = await start_customer_service(ManualClock())
    async with api.service.db.transaction() as session:
        session.add_all(
            [
                OrgUnitRow(id="sh", display_name="上海分行", parent_id=None, level="BRANCH"),
                StaffRow(id="rm1", display_name="张经理", org_unit_id="sh", position="RM"),
            ]
        )
        for cid, given in zip(IDS, GIVEN, strict=True):
            session.add(
                CustomerRow(
                    id=cid,
                    type="INDIVIDUAL",
                    display_name=f"王{given}",
                    id_number="11010519491231002X",
                    phone=PHONE,
                    branch="orgUnits/sh",
                    relationship_manager="staff/rm1",
                    key_customer=True,
                    source="CORE_BANKING",
                    version=1,
                    create_time=T0,
                    update_time=T0,
                )
            )
            if cid in WITH_METRICS:
                session.add(_metrics(cid))
        await reindex(session, IDS)
    return api


def _assert_metrics(customer: Customer) -> None:
    cid = customer.name.removeprefix("customers/")
    if cid not in WITH_METRICS:
        assert not customer.HasField("metrics"), cid
        return
    m = customer.metrics
    n = int(cid[1:])
    assert (m.assets_under_management.currency_code, m.assets_under_management.units) == ("CNY", 4500000 + n)
    assert m.assets_under_management.nanos == 500_000_000
    assert (m.average_daily_balance.units, m.average_daily_balance.nanos) == (3000000, 250_000_000)
    assert (m.loan_balance.currency_code, m.loan_balance.units, m.loan_balance.nanos) == ("CNY", 120000, 0)
    assert (m.contribution.units, m.contribution.nanos) == (23456, 780_000_000)
    assert (m.product_count, m.tenure_months, m.window_days) == (5, 68, 90)
    assert (m.as_of_date.year, m.as_of_date.month, m.as_of_date.day) == (2025, 12, 31)


async def test_get_shows_metrics_masked_or_not(client, md) -> None:
    for roles in ((), LEADER):
        with_metrics = (
            await client.GetCustomer(pb.GetCustomerRequest(name="customers/m02"), metadata=md(*roles))
        ).customer
        assert with_metrics.masked == bool(roles)
        _assert_metrics(with_metrics)
        without = (
            await client.GetCustomer(pb.GetCustomerRequest(name="customers/m01"), metadata=md(*roles))
        ).customer
        assert not without.HasField("metrics")


async def test_list_and_search_show_each_customers_metrics(client, md) -> None:
    for roles in ((), LEADER):
        listed = await client.ListCustomers(pb.ListCustomersRequest(page_size=100), metadata=md(*roles))
        assert sorted(c.name for c in listed.customers) == [f"customers/{cid}" for cid in IDS]
        for customer in listed.customers:
            assert customer.masked == bool(roles)
            _assert_metrics(customer)
        by_aum = await client.ListCustomers(
            pb.ListCustomersRequest(order_by="metrics.assets_under_management desc", page_size=3),
            metadata=md(*roles),
        )
        assert [c.name for c in by_aum.customers] == ["customers/m12", "customers/m10", "customers/m08"]
        for customer in by_aum.customers:
            _assert_metrics(customer)
        found = await client.SearchCustomers(
            pb.SearchCustomersRequest(query=PHONE, page_size=100), metadata=md(*roles)
        )
        assert sorted(r.customer.name for r in found.results) == [f"customers/{cid}" for cid in IDS]
        for result in found.results:
            _assert_metrics(result.customer)


async def test_update_answers_with_the_metrics(client, md) -> None:
    got = (await client.GetCustomer(pb.GetCustomerRequest(name="customers/m04"), metadata=md())).customer
    updated = (
        await client.UpdateCustomer(
            pb.UpdateCustomerRequest(
                customer=Customer(name=got.name, email="wang@example.com", etag=got.etag),
                update_mask=field_mask_pb2.FieldMask(paths=["email"]),
            ),
            metadata=md(),
        )
    ).customer
    assert updated.email == "wang@example.com"
    _assert_metrics(updated)
    assert updated.metrics == got.metrics


def _indexing(statement: str) -> bool:
    """A statement of the background task that indexes access records by customer (after a commit, whenever)."""
    return "NOT customers_indexed" in statement or statement.startswith(
        ("INSERT INTO access_record_customers", "UPDATE access_records")
    )


@contextlib.contextmanager
def _statements(db) -> Iterator[list[str]]:
    """The SQL statements run on any of the service's engines inside the block (but the background indexing of
    access records)."""
    seen: list[str] = []

    def note(connection, cursor, statement, parameters, context, executemany) -> None:
        if not _indexing(statement):
            seen.append(statement)

    engines = {id(e): e.sync_engine for e in (db.engine, db.read_engine, db.inline_engine) if e is not None}
    for engine in engines.values():
        event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        for engine in engines.values():
            event.remove(engine, "before_cursor_execute", note)


async def test_a_page_costs_the_same_statements_whatever_its_size(app, client, md) -> None:
    """A page of 1 and one of all 12 customers cost the same number of statements, for listing (in any order) and
    for rendering search results: a listed page and the customers of search results are read with their metrics
    (joined, one statement); so is the customer of a get."""
    for roles in ((), LEADER):
        for order_by in ("", "metrics.assets_under_management desc"):
            counts = []
            for size in (
                1,
                12,
                1,
            ):  # the first call of a size warms the connection pools up, the second counts
                request = pb.ListCustomersRequest(order_by=order_by, page_size=size)
                await client.ListCustomers(request, metadata=md(*roles))
                with _statements(app.db) as seen:
                    page = await client.ListCustomers(request, metadata=md(*roles))
                assert len(page.customers) == size
                (joined,) = [s for s in seen if "customer_metrics" in s]
                assert "JOIN customer_metrics" in joined and "FROM customers" in joined, seen
                counts.append(len(seen))
            assert len(set(counts)) == 1, (order_by, counts)
        counts = []
        for size in (1, 12, 1):
            request = pb.SearchCustomersRequest(query=PHONE, page_size=size)
            await client.SearchCustomers(request, metadata=md(*roles))
            with _statements(app.db) as seen:
                found = await client.SearchCustomers(request, metadata=md(*roles))
            assert len(found.results) == size
            (joined,) = [s for s in seen if "customer_metrics" in s]
            assert "JOIN customer_metrics" in joined and "FROM customers" in joined, seen
            # the index's own lookups run stage by stage (exact, prefix …) until the page and one more are found:
            # their number follows how many matches a page needs, not the rendering of the customers found
            counts.append(len([s for s in seen if "search_terms" not in s]))
        assert len(set(counts)) == 1, counts
    with _statements(app.db) as seen:
        await client.GetCustomer(pb.GetCustomerRequest(name="customers/m02"), metadata=md())
    (joined,) = [s for s in seen if "customer_metrics" in s]
    assert "JOIN customer_metrics" in joined and "FROM customers" in joined, seen
