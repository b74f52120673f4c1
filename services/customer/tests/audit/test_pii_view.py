"""The requested view of personal data (``pii_view``, AIP-157) on a real server, on SQLite and PostgreSQL:
masked answers write no access record even for an administrator; the unmasked view writes exactly one and shows
the real values; the unmasked view without ``customers.pii.read`` is PERMISSION_DENIED and writes nothing."""

from __future__ import annotations

import grpc
import pytest
from audit_testlib import ACCOUNT, PERSON_ID
from customer_testlib import gateway_client
from kam.customer.v1 import audit_pb2, customer_pb2
from kam.customer.v1 import audit_service_pb2 as apb
from kam.customer.v1 import customer_service_pb2 as pb
from kam_customer.adapters.orm import AccessRecordRow
from sqlalchemy import func, select

MASKED = customer_pb2.PII_VIEW_MASKED
UNMASKED = customer_pb2.PII_VIEW_UNMASKED
Kind = audit_pb2.AccessRecord.PersonalDataKind


async def _count(app) -> int:
    async with app.db.read() as session:
        return await session.scalar(select(func.count()).select_from(AccessRecordRow))


async def _records(trail, md) -> list[audit_pb2.AccessRecord]:
    response = await trail.ListAccessRecords(
        apb.ListAccessRecordsRequest(page_size=500), metadata=md("roles/compliance"), timeout=5
    )
    return list(response.access_records)


async def test_the_masked_view_writes_nothing_even_for_an_administrator(app, customers, md) -> None:
    admin = md("roles/admin")
    got = await customers.GetCustomer(
        pb.GetCustomerRequest(name="customers/c1", pii_view=MASKED), metadata=admin, timeout=5
    )
    assert got.customer.masked
    assert got.customer.id_number.startswith("1101") and "*" in got.customer.id_number
    assert got.customer.id_number != PERSON_ID and got.customer.phone != "13812345678"
    listed = await customers.ListCustomers(
        pb.ListCustomersRequest(pii_view=MASKED), metadata=admin, timeout=5
    )
    assert len(listed.customers) == 3 and all(c.masked for c in listed.customers)
    assert PERSON_ID not in str(listed)
    found = await customers.SearchCustomers(
        pb.SearchCustomersRequest(query="某某控股", pii_view=MASKED), metadata=admin, timeout=5
    )
    assert [r.customer.name for r in found.results] == ["customers/g1"] and found.results[0].customer.masked
    contacts = await customers.ListContacts(
        pb.ListContactsRequest(parent="customers/g1", pii_view=MASKED), metadata=admin, timeout=5
    )
    assert contacts.contacts[0].masked and contacts.contacts[0].email != "li@example.com"
    contact = await customers.GetContact(
        pb.GetContactRequest(name=contacts.contacts[0].name, pii_view=MASKED), metadata=admin, timeout=5
    )
    assert contact.contact.phone != "13900002222"
    accounts = await customers.ListAccounts(
        pb.ListAccountsRequest(parent="customers/c1", pii_view=MASKED), metadata=admin, timeout=5
    )
    assert accounts.accounts[0].account_number != ACCOUNT
    account = await customers.GetAccount(
        pb.GetAccountRequest(name=accounts.accounts[0].name, pii_view=MASKED), metadata=admin, timeout=5
    )
    assert account.account.account_number != ACCOUNT
    moves = await customers.ListTransactions(
        pb.ListTransactionsRequest(parent=accounts.accounts[0].name, pii_view=MASKED),
        metadata=admin,
        timeout=5,
    )
    assert moves.transactions[0].counterparty != "赵六"
    assert await _count(app) == 0


async def test_an_administrator_finds_by_the_whole_id_number_in_the_masked_view(app, customers, md) -> None:
    """What may be matched follows the permission, how it is shown the view: the lookup of an ID number is
    recorded (as for every caller), the answer stays masked."""
    found = await customers.SearchCustomers(
        pb.SearchCustomersRequest(query=PERSON_ID, pii_view=MASKED), metadata=md("roles/admin"), timeout=5
    )
    assert [r.customer.name for r in found.results] == ["customers/c1"]
    assert found.results[0].matched_value != PERSON_ID and found.results[0].customer.masked
    assert await _count(app) == 1  # the lookup of personal data, not a view of it


async def test_the_unmasked_view_shows_the_values_and_writes_exactly_one_record(
    app, customers, trail, md
) -> None:
    got = await customers.GetCustomer(
        pb.GetCustomerRequest(name="customers/c1", pii_view=UNMASKED),
        metadata=md("roles/admin", subject="users/boss"),
        timeout=5,
    )
    assert not got.customer.masked
    assert (got.customer.id_number, got.customer.phone) == (PERSON_ID, "13812345678")
    (record,) = await _records(trail, md)
    assert record.actor == "users/boss" and list(record.customers) == ["customers/c1"]
    assert record.method == "kam.customer.v1.CustomerService.GetCustomer"
    assert Kind.PERSONAL_DATA_KIND_ID_NUMBER in record.personal_data_kinds

    contacts = await customers.ListContacts(
        pb.ListContactsRequest(parent="customers/g1", pii_view=MASKED), metadata=md("roles/admin"), timeout=5
    )
    contact = await customers.GetContact(
        pb.GetContactRequest(name=contacts.contacts[0].name, pii_view=UNMASKED),
        metadata=md("roles/admin"),
        timeout=5,
    )
    assert (contact.contact.phone, contact.contact.email) == ("13900002222", "li@example.com")
    records = await _records(trail, md)
    assert len(records) == 2 and records[0].method.endswith(".GetContact")
    assert list(records[0].customers) == ["customers/g1"]


@pytest.mark.parametrize(
    "call",
    [
        lambda c, md: c.GetCustomer(
            pb.GetCustomerRequest(name="customers/c1", pii_view=UNMASKED), metadata=md
        ),
        lambda c, md: c.ListCustomers(pb.ListCustomersRequest(pii_view=UNMASKED), metadata=md),
        lambda c, md: c.SearchCustomers(
            pb.SearchCustomersRequest(query="王芳", pii_view=UNMASKED), metadata=md
        ),
        lambda c, md: c.ListAccounts(
            pb.ListAccountsRequest(parent="customers/c1", pii_view=UNMASKED), metadata=md
        ),
        lambda c, md: c.ListContacts(
            pb.ListContactsRequest(parent="customers/g1", pii_view=UNMASKED), metadata=md
        ),
    ],
    ids=["GetCustomer", "ListCustomers", "SearchCustomers", "ListAccounts", "ListContacts"],
)
async def test_the_unmasked_view_without_the_permission_is_denied_and_writes_nothing(
    app, customers, md, call
) -> None:
    leader = md("roles/head_office_leader")  # sees every customer, masked
    with pytest.raises(grpc.aio.AioRpcError) as denied:
        await call(customers, leader)
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert "customers.pii.read" in denied.value.details()
    assert await _count(app) == 0
    # the default view still answers, masked
    got = await customers.GetCustomer(pb.GetCustomerRequest(name="customers/c1"), metadata=leader, timeout=5)
    assert got.customer.masked


async def test_out_of_scope_stays_not_found_in_the_unmasked_view(app, customers, md) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as missing:
        await customers.GetCustomer(
            pb.GetCustomerRequest(name="customers/c1", pii_view=UNMASKED),
            metadata=md("roles/relationship_manager", staff_code="someone_else"),
            timeout=5,
        )
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND
    assert await _count(app) == 0


async def test_an_unknown_view_is_invalid(app, customers, md) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as bad:
        await customers.GetCustomer(
            pb.GetCustomerRequest(name="customers/c1", pii_view=7), metadata=md("roles/admin"), timeout=5
        )
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert await _count(app) == 0


async def test_the_gateway_takes_the_view_as_a_query_parameter(app, md, token_secret) -> None:
    async with gateway_client(app, token_secret) as http:
        admin = dict(md("roles/admin")[:1])
        masked = await http.get("/v1/customers/c1", params={"piiView": "PII_VIEW_MASKED"}, headers=admin)
        assert masked.status_code == 200, masked.text
        assert masked.json()["masked"] is True and masked.json()["idNumber"] != PERSON_ID
        listed = await http.get("/v1/customers", params={"piiView": "PII_VIEW_MASKED"}, headers=admin)
        assert listed.status_code == 200 and all(c["masked"] for c in listed.json()["customers"])
        assert await _count(app) == 0

        shown = await http.get("/v1/customers/c1", params={"piiView": "PII_VIEW_UNMASKED"}, headers=admin)
        assert shown.status_code == 200, shown.text
        assert shown.json()["idNumber"] == PERSON_ID and not shown.json().get("masked")
        assert await _count(app) == 1

        leader = dict(md("roles/head_office_leader")[:1])
        denied = await http.get("/v1/customers/c1", params={"piiView": "PII_VIEW_UNMASKED"}, headers=leader)
        assert denied.status_code == 403, denied.text
        assert "customers.pii.read" in denied.text
        bad = await http.get("/v1/customers/c1", params={"piiView": "PII_VIEW_LOUD"}, headers=admin)
        assert bad.status_code == 400, bad.text
        assert await _count(app) == 1


async def test_the_reason_given_is_kept_in_the_record(app, customers, trail, md) -> None:
    await customers.GetCustomer(
        pb.GetCustomerRequest(
            name="customers/c1", pii_view=UNMASKED, pii_reason="  客户来电核实身份 #T-1024 "
        ),
        metadata=md("roles/admin"),
        timeout=5,
    )
    (record,) = await _records(trail, md)
    assert record.reason == "客户来电核实身份 #T-1024"
    with pytest.raises(grpc.aio.AioRpcError) as bad:
        await customers.GetCustomer(
            pb.GetCustomerRequest(name="customers/c1", pii_view=UNMASKED, pii_reason="长" * 201),
            metadata=md("roles/admin"),
            timeout=5,
        )
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "200" in bad.value.details()
    assert len(await _records(trail, md)) == 1  # nothing shown, nothing recorded


async def test_the_basic_view_shows_names_as_allowed_and_masks_every_identifier(
    app, customers, trail, md
) -> None:
    """What the console reads: a holder of customers.pii.read sees the name (recorded as a name, nothing else);
    identifiers stay masked; a caller without the permission gets everything masked and nothing recorded."""
    basic = customer_pb2.PII_VIEW_BASIC
    masked = await customers.GetCustomer(
        pb.GetCustomerRequest(name="customers/c1", pii_view=MASKED), metadata=md("roles/admin"), timeout=5
    )
    got = await customers.GetCustomer(
        pb.GetCustomerRequest(name="customers/c1", pii_view=basic), metadata=md("roles/admin"), timeout=5
    )
    assert "*" in masked.customer.display_name and "*" not in got.customer.display_name
    assert got.customer.masked and got.customer.id_number == masked.customer.id_number
    assert got.customer.phone == masked.customer.phone and got.customer.phone != "13812345678"
    (record,) = await _records(trail, md)
    assert list(record.personal_data_kinds) == [Kind.PERSONAL_DATA_KIND_NAME]
    accounts = await customers.ListAccounts(
        pb.ListAccountsRequest(parent="customers/c1", pii_view=basic), metadata=md("roles/admin"), timeout=5
    )
    assert accounts.accounts[0].account_number != ACCOUNT  # an identifier: masked
    leader = await customers.GetCustomer(
        pb.GetCustomerRequest(name="customers/c1", pii_view=basic),
        metadata=md("roles/head_office_leader"),
        timeout=5,
    )
    assert leader.customer.display_name == masked.customer.display_name  # no permission: masked
    assert len(await _records(trail, md)) == 1


async def test_a_new_customer_answered_to_its_creator_is_no_view_but_a_replayed_request_is(
    app, customers, trail, md
) -> None:
    """Creating a customer discloses nothing to its creator — the answer is what they sent, and the change
    record (customers.create, with the values, the address and the client) says who had it — so no access record.
    The same request id again answers with the stored customer, which may be another caller's creation: a view,
    recorded."""
    admin = md("roles/admin")
    sent = customer_pb2.Customer(
        type=customer_pb2.Customer.TYPE_INDIVIDUAL,
        display_name="王新",
        id_number="11010519491231002X",
        phone="13812340000",
    )
    request = pb.CreateCustomerRequest(customer=sent, request_id="create-once-1")
    created = (await customers.CreateCustomer(request, metadata=admin, timeout=5)).customer
    assert not created.masked and (created.id_number, created.phone) == (sent.id_number, sent.phone)
    assert await _count(app) == 0
    replayed = (await customers.CreateCustomer(request, metadata=admin, timeout=5)).customer
    assert replayed.name == created.name and not replayed.masked
    records = await _records(trail, md)
    assert [(r.method, list(r.customers)) for r in records] == [
        ("kam.customer.v1.CustomerService.CreateCustomer", [created.name])
    ]
