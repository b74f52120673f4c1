"""The audit trail of personal-data views on a real server, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import grpc
import pytest
from audit_testlib import ACCOUNT, PERSON_ID, T0, seed
from customer_testlib import gateway_client
from google.protobuf import json_format
from kam.audit.v1 import audit_pb2 as kam_audit_pb2
from kam.customer.v1 import audit_pb2, audit_service_pb2_grpc
from kam.customer.v1 import audit_service_pb2 as apb
from kam.customer.v1 import customer_service_pb2 as pb
from kam_customer.adapters.orm import AccessRecordCustomerRow, AccessRecordRow
from kam_customer.context import SERVICE
from kam_customer.service_layer.audit import AccessAudit
from kam_kit import audit
from kam_kit.clock import ManualClock
from kam_kit.db import outbox_table
from sqlalchemy import func, select, text

Kind = audit_pb2.AccessRecord.PersonalDataKind
GET_CUSTOMER = "kam.customer.v1.CustomerService.GetCustomer"


async def _records(trail, md, filter_: str = "") -> list[audit_pb2.AccessRecord]:
    response = await trail.ListAccessRecords(
        apb.ListAccessRecordsRequest(filter=filter_, page_size=500),
        metadata=md("roles/compliance", subject="users/auditor"),
        timeout=5,
    )
    return list(response.access_records)


async def _count(app) -> int:
    async with app.db.read() as session:
        return await session.scalar(select(func.count()).select_from(AccessRecordRow))


@pytest.mark.parametrize("role", ["roles/admin", "roles/compliance", "roles/relationship_manager"])
async def test_an_unmasked_read_writes_exactly_one_record(app, customers, trail, md, role) -> None:
    app.test_clock.advance(timedelta(minutes=5))
    got = await customers.GetCustomer(
        pb.GetCustomerRequest(name="customers/c1"),
        timeout=5,
        metadata=md(
            role, subject="users/zhang", org_unit="orgUnits/sh", display_name="张经理", staff_code="rm1"
        ),
    )
    assert got.customer.id_number == PERSON_ID and not got.customer.masked

    (record,) = await _records(trail, md)
    assert record.name.startswith("accessRecords/")
    assert (
        record.actor,
        record.actor_kind,
        record.actor_display_name,
        list(record.actor_roles),
        record.actor_org_unit,
    ) == ("users/zhang", audit_pb2.AccessRecord.ACTOR_KIND_USER, "张经理", [role], "orgUnits/sh")
    assert record.method == GET_CUSTOMER
    assert list(record.customers) == ["customers/c1"] and record.customer_count == 1
    assert list(record.personal_data_kinds) == [
        Kind.PERSONAL_DATA_KIND_NAME,
        Kind.PERSONAL_DATA_KIND_ID_NUMBER,
        Kind.PERSONAL_DATA_KIND_PHONE,
        Kind.PERSONAL_DATA_KIND_ADDRESS,
    ]
    assert record.access_time.ToDatetime().replace(tzinfo=T0.tzinfo) == T0 + timedelta(days=30, minutes=5)
    assert record.request_id == "req-users/zhang"
    assert record.search_query == ""
    # reading the trail is not itself recorded
    assert await _count(app) == 1


async def test_masked_callers_write_nothing(app, customers, md) -> None:
    leader = md("roles/head_office_leader")  # sees every customer, but masked (no PII role)
    got = await customers.GetCustomer(pb.GetCustomerRequest(name="customers/c1"), metadata=leader, timeout=5)
    assert got.customer.masked and got.customer.id_number != PERSON_ID
    listed = await customers.ListCustomers(pb.ListCustomersRequest(), metadata=leader, timeout=5)
    assert listed.customers and all(c.masked for c in listed.customers)
    # (a masked caller's search by a company's name; a person's whole name or an ID number is a lookup of personal
    # data, audited for every caller: test_item5_lookups_of_personal_data_are_audited_for_every_role)
    await customers.SearchCustomers(pb.SearchCustomersRequest(query="某某控股"), metadata=leader, timeout=5)
    await customers.ListContacts(pb.ListContactsRequest(parent="customers/g1"), metadata=leader, timeout=5)
    await customers.ListAccounts(pb.ListAccountsRequest(parent="customers/c1"), metadata=leader, timeout=5)
    assert await _count(app) == 0


async def test_a_corporate_without_personal_fields_shows_no_name(app, customers, trail, md) -> None:
    await customers.GetCustomer(
        pb.GetCustomerRequest(name="customers/g1"), metadata=md("roles/admin"), timeout=5
    )
    (record,) = await _records(trail, md)
    assert list(record.personal_data_kinds) == [Kind.PERSONAL_DATA_KIND_ID_NUMBER]  # no phone, public name


async def test_search_records_the_query_and_every_customer_shown(app, customers, trail, md) -> None:
    found = await customers.SearchCustomers(
        pb.SearchCustomersRequest(query="13812345678"),
        metadata=md("roles/relationship_manager", staff_code="rm1"),
        timeout=5,
    )
    assert [r.customer.name for r in found.results] == ["customers/c1"]
    assert found.results[0].matched_value == "13812345678"
    (record,) = await _records(trail, md)
    assert record.method == "kam.customer.v1.CustomerService.SearchCustomers"
    assert record.search_query == "13812345678"
    assert list(record.customers) == ["customers/c1"]
    assert Kind.PERSONAL_DATA_KIND_PHONE in record.personal_data_kinds

    names = await customers.SearchCustomers(
        pb.SearchCustomersRequest(query="王芳"), metadata=md("roles/admin"), timeout=5
    )
    shown = [r.customer.name for r in names.results]
    assert set(shown) == {"customers/c1", "customers/c2"}
    latest = (await _records(trail, md))[0]  # newest first
    assert latest.search_query == "王芳" and list(latest.customers) == shown and latest.customer_count == 2


async def test_contacts_accounts_and_transactions_are_recorded_with_their_kinds(
    app, customers, trail, md
) -> None:
    admin = md("roles/admin")
    contacts = await customers.ListContacts(
        pb.ListContactsRequest(parent="customers/g1"), metadata=admin, timeout=5
    )
    assert contacts.contacts[0].email == "li@example.com"
    accounts = await customers.ListAccounts(
        pb.ListAccountsRequest(parent="customers/c1"), metadata=admin, timeout=5
    )
    assert accounts.accounts[0].account_number == ACCOUNT
    await customers.ListTransactions(
        pb.ListTransactionsRequest(parent=accounts.accounts[0].name), metadata=admin, timeout=5
    )
    await customers.ListInteractions(
        pb.ListInteractionsRequest(parent="customers/c1"), metadata=admin, timeout=5
    )

    by_method = {r.method.rsplit(".", 1)[-1]: r for r in await _records(trail, md)}
    assert set(by_method) == {"ListContacts", "ListAccounts", "ListTransactions"}  # the timeline shows no PII
    assert list(by_method["ListContacts"].customers) == ["customers/g1"]
    assert list(by_method["ListContacts"].personal_data_kinds) == [
        Kind.PERSONAL_DATA_KIND_NAME,
        Kind.PERSONAL_DATA_KIND_PHONE,
        Kind.PERSONAL_DATA_KIND_EMAIL,
    ]
    assert list(by_method["ListAccounts"].personal_data_kinds) == [Kind.PERSONAL_DATA_KIND_ACCOUNT_NUMBER]
    assert list(by_method["ListTransactions"].personal_data_kinds) == [
        Kind.PERSONAL_DATA_KIND_COUNTERPARTY_NAME
    ]


async def test_the_views_one_event_is_its_sealed_trail_record(app, customers, trail, md) -> None:
    """An unmasked read publishes one event: its trail record (``AuditRecorded``, a view), which names the access
    record and says what it says — no ``PersonalDataAccessed`` beside it."""
    await customers.GetCustomer(
        pb.GetCustomerRequest(name="customers/c1"), metadata=md("roles/admin"), timeout=5
    )
    (record,) = await _records(trail, md)
    await audit.AuditSealer(app.db, service=SERVICE, clock=app.clock).seal()
    async with app.db.read() as session:
        rows = (await session.execute(select(outbox_table.c.event_type, outbox_table.c.payload))).all()
    assert [row.event_type for row in rows] == ["kam.audit.v1.AuditRecorded"]
    sealed = kam_audit_pb2.AuditRecorded.FromString(rows[0].payload).record
    assert sealed.kind == kam_audit_pb2.AuditRecord.KIND_VIEW and sealed.action == "personal_data.view"
    assert (sealed.actor, sealed.request_id) == (record.actor, record.request_id)
    details = json_format.MessageToDict(sealed.details)
    assert details["access_record"] == record.name and details["method"] == record.method
    assert details["resources"] == list(record.customers) and details["resource_count"] == 1
    kinds = {audit_pb2.AccessRecord.PersonalDataKind.Name(k) for k in record.personal_data_kinds}
    assert {f"PERSONAL_DATA_KIND_{kind}" for kind in details["kinds"]} == kinds


async def test_each_views_trail_record_names_its_own_callers_address_and_client(app, customers, md) -> None:
    """Concurrent views share the group commit's transaction, whose writer task outlives the call that started
    it: each record still says where its own call came from."""
    origins = [(f"10.0.0.{n}", f"kam-console/{n}") for n in range(1, 6)]
    for round_ in range(2):  # the first call starts the writer; later ones join it, alone and together
        calls = origins if round_ else origins[:1]
        await asyncio.gather(
            *(
                customers.GetCustomer(
                    pb.GetCustomerRequest(name="customers/c1"),
                    metadata=(
                        *md("roles/admin"),
                        ("x-forwarded-for", address),
                        ("x-forwarded-user-agent", client),
                    ),
                    timeout=5,
                )
                for address, client in calls
            )
        )
    async with app.db.read() as session:
        t = audit.audit_table
        seen = (await session.execute(select(t.c.address, t.c.client).where(t.c.kind == audit.VIEW))).all()
    assert sorted(map(tuple, seen)) == sorted([origins[0], *origins])


@pytest.mark.parametrize("in_commit", [True, False])
async def test_a_views_trail_record_is_sealed_in_its_commit_or_by_the_sealer(
    app, customers, md, in_commit
) -> None:
    """SQLite's way (sealed as the group commit commits, its event written with it) or PostgreSQL's (the sealer's
    next pass): either way one sealed record, one event, an intact chain."""
    app.access_audit.seal_in_commit = in_commit
    await customers.GetCustomer(
        pb.GetCustomerRequest(name="customers/c1"), metadata=md("roles/admin"), timeout=5
    )
    assert await audit.chain_length(app.db, service=SERVICE) == ((1, 0) if in_commit else (0, 1))
    assert await audit.AuditSealer(app.db, service=SERVICE, clock=app.clock).seal() == (0 if in_commit else 1)
    async with app.db.read() as session:
        events = (await session.scalars(select(outbox_table.c.event_type))).all()
    assert events == ["kam.audit.v1.AuditRecorded"]
    assert await audit.verify_chain(app.db) is None


async def test_list_filters_and_pages(app, customers, trail, md) -> None:
    for n, (subject, name) in enumerate(
        [
            ("users/a", "customers/c1"),
            ("users/b", "customers/c2"),
            ("users/a", "customers/g1"),
            ("users/a", "customers/c2"),
        ]
    ):
        app.test_clock.advance(timedelta(hours=1))
        await customers.GetCustomer(
            pb.GetCustomerRequest(name=name), metadata=md("roles/admin", subject=subject), timeout=5
        )
    await customers.ListContacts(
        pb.ListContactsRequest(parent="customers/g1"), metadata=md("roles/admin"), timeout=5
    )

    def actors_and_customers(records):
        return [(r.actor, list(r.customers)) for r in records]

    assert actors_and_customers(await _records(trail, md, 'actor = "users/a"')) == [
        ("users/a", ["customers/c2"]),
        ("users/a", ["customers/g1"]),
        ("users/a", ["customers/c1"]),
    ]
    assert actors_and_customers(await _records(trail, md, 'customer = "customers/c2"')) == [
        ("users/a", ["customers/c2"]),
        ("users/b", ["customers/c2"]),
    ]
    assert actors_and_customers(
        await _records(trail, md, f'method = "{GET_CUSTOMER}" AND customer = "customers/g1"')
    ) == [("users/a", ["customers/g1"])]
    since = (T0 + timedelta(days=30, hours=2)).isoformat()
    assert (
        len(await _records(trail, md, f'access_time >= "{since}"')) == 4
    )  # 3 reads at +2h..+4h, contacts at +4h
    assert len(await _records(trail, md, f'access_time < "{since}"')) == 1

    seen, token = [], ""
    while True:
        page = await trail.ListAccessRecords(
            apb.ListAccessRecordsRequest(page_size=2, page_token=token), metadata=md("roles/admin"), timeout=5
        )
        seen += [r.name for r in page.access_records]
        # a view while paging lands on top and shifts nothing (keyset pages)
        await customers.GetCustomer(
            pb.GetCustomerRequest(name="customers/c1"), metadata=md("roles/admin"), timeout=5
        )
        token = page.next_page_token
        if not token:
            break
    assert len(seen) == 5 and len(set(seen)) == 5

    record = await trail.GetAccessRecord(
        apb.GetAccessRecordRequest(name=seen[-1]), metadata=md("roles/compliance"), timeout=5
    )
    assert record.access_record.name == seen[-1] and list(record.access_record.customers) == ["customers/c1"]

    with pytest.raises(grpc.aio.AioRpcError) as bad:
        await trail.ListAccessRecords(
            apb.ListAccessRecordsRequest(filter="colour = red"), metadata=md("roles/admin"), timeout=5
        )
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(grpc.aio.AioRpcError) as missing:
        await trail.GetAccessRecord(
            apb.GetAccessRecordRequest(name="accessRecords/nope"), metadata=md("roles/admin"), timeout=5
        )
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND


@pytest.mark.parametrize("roles", [("roles/relationship_manager",), ("roles/head_office_leader",), ()])
async def test_only_compliance_and_admins_read_the_trail(trail, md, roles) -> None:
    for call, request in [
        (trail.ListAccessRecords, apb.ListAccessRecordsRequest()),
        (trail.GetAccessRecord, apb.GetAccessRecordRequest(name="accessRecords/x")),
    ]:
        with pytest.raises(grpc.aio.AioRpcError) as denied:
            await call(request, metadata=md(*roles), timeout=5)
        assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
        assert "access_records.read" in denied.value.details()


async def test_a_failed_audit_write_fails_the_call_instead_of_returning_data(app, customers, md) -> None:
    async with app.db.transaction() as session:  # the trail is written in the record's transaction
        await session.execute(text("DROP TABLE kam_audit_records"))
    with pytest.raises(grpc.aio.AioRpcError) as failed:
        await customers.GetCustomer(
            pb.GetCustomerRequest(name="customers/c1"), metadata=md("roles/admin"), timeout=5
        )
    assert failed.value.code() == grpc.StatusCode.UNAVAILABLE
    assert PERSON_ID not in failed.value.details()
    assert await _count(app) == 0  # the record rolled back with its trail record
    async with app.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(outbox_table)) == 0
    # a masked view still works: it needs no record
    masked = await customers.GetCustomer(
        pb.GetCustomerRequest(name="customers/c1"), metadata=md("roles/head_office_leader"), timeout=5
    )
    assert masked.customer.masked


async def test_the_gateway_serves_the_trail(app, customers, md, token_secret) -> None:
    await customers.GetCustomer(
        pb.GetCustomerRequest(name="customers/c1"), metadata=md("roles/admin"), timeout=5
    )
    async with gateway_client(app, token_secret) as http:
        auditor = dict(md("roles/compliance")[:1])
        listed = await http.get(
            "/v1/accessRecords", params={"filter": 'customer = "customers/c1"'}, headers=auditor
        )
        assert listed.status_code == 200, listed.text
        (record,) = listed.json()["accessRecords"]
        assert record["method"] == GET_CUSTOMER and record["customers"] == ["customers/c1"]
        got = await http.get(f"/v1/{record['name']}", headers=auditor)
        assert got.status_code == 200 and got.json()["actor"] == "users/u1"
        denied = await http.get("/v1/accessRecords", headers=dict(md("roles/relationship_manager")[:1]))
        assert denied.status_code == 403


async def test_a_search_by_customer_finds_the_same_records_before_and_after_they_are_indexed(
    start_customer_service, token_secret
) -> None:
    """A record's customers are written with it, before the data leaves. On SQLite its rows in the index by
    customer come after the commit (``AccessAudit.index_customers``, the service's background indexer — held back
    here); on PostgreSQL the record's own list is the index (GIN) and no rows are written. The ``customer`` filter
    finds the same records either way, and indexing twice changes nothing."""
    api = await start_customer_service(ManualClock(T0 + timedelta(days=30)), index_access_records=False)
    by_list = api.service.access_audit.index_by_list
    assert by_list == (not api.service.db.is_sqlite)
    api.service.access_audit.defer_index = True
    await seed(api.service.db)
    trail = audit_service_pb2_grpc.AccessAuditServiceStub(api.channel)
    admin = api.md("roles/admin")
    await api.client.GetCustomer(pb.GetCustomerRequest(name="customers/c1"), metadata=admin, timeout=5)
    await api.client.GetCustomer(pb.GetCustomerRequest(name="customers/c2"), metadata=admin, timeout=5)
    page = await api.client.ListCustomers(pb.ListCustomersRequest(page_size=10), metadata=admin, timeout=5)
    shown = [customer.name for customer in page.customers]
    assert "customers/c1" in shown and len(shown) >= 3

    async def found() -> dict[str, list[str]]:
        compliance = api.md("roles/compliance", subject="users/auditor")
        out = {}
        for name in [*shown, "customers/nobody", "customers/c_", "customers/c%"]:
            for op in ("=", "!="):
                reply = await trail.ListAccessRecords(
                    apb.ListAccessRecordsRequest(filter=f'customer {op} "{name}"', page_size=500),
                    metadata=compliance,
                    timeout=5,
                )
                out[f"{op} {name}"] = [record.name for record in reply.access_records]
        return out

    async def index_rows() -> int:
        async with api.service.db.read() as session:
            return await session.scalar(select(func.count()).select_from(AccessRecordCustomerRow))

    before = await found()
    assert await index_rows() == 0  # nothing indexed yet: the filter read the records' own lists
    assert len(before["= customers/c1"]) == 2 and len(before["!= customers/c1"]) == 1
    assert (
        before["= customers/nobody"] == []
        and before["= customers/c_"] == []
        and before["= customers/c%"] == []
    )
    assert all(len(before[f"= {name}"]) >= 1 for name in shown)
    indexer = AccessAudit(api.service.db, api.clock)
    assert await indexer.index_customers() == (0 if by_list else 3)
    assert await indexer.index_customers() == 0
    assert await index_rows() == (0 if by_list else 2 + len(shown))
    assert await found() == before


@pytest.mark.parametrize("defer", [True, False])
async def test_the_running_service_indexes_records_by_customer(app, customers, md, defer: bool) -> None:
    """On SQLite, after the commit (the service's way) or in it: either way the record is soon indexed. On
    PostgreSQL its own list is the index: it counts as indexed at once and no rows are written."""
    app.access_audit.defer_index = defer
    if app.access_audit.index_by_list:
        await customers.GetCustomer(
            pb.GetCustomerRequest(name="customers/c1"), metadata=md("roles/admin"), timeout=5
        )
        async with app.db.read() as session:
            assert (await session.execute(select(AccessRecordRow.customer_ids))).scalars().all() == ["c1"]
            assert (await session.execute(select(AccessRecordRow.customers_indexed))).scalars().all() == [
                True
            ]
            assert await session.scalar(select(func.count()).select_from(AccessRecordCustomerRow)) == 0
        return
    await customers.GetCustomer(
        pb.GetCustomerRequest(name="customers/c1"), metadata=md("roles/admin"), timeout=5
    )
    for _ in range(100):  # woken by the commit; well within a second
        async with app.db.read() as session:
            indexed = (await session.execute(select(AccessRecordCustomerRow.customer_id))).scalars().all()
            flags = (await session.execute(select(AccessRecordRow.customers_indexed))).scalars().all()
        if indexed:
            break
        await asyncio.sleep(0.05)
    assert indexed == ["c1"] and flags == [True]
