"""DeleteCustomer and CreateTransaction on a real server, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import grpc
from google.protobuf import timestamp_pb2
from google.type import money_pb2
from groups_testlib import ACCOUNT, OTHER_ACCOUNT, T0, events, failure, reason, violations
from kam.cdc.v1 import cdc_pb2
from kam.customer.v1 import customer_pb2, events_pb2, scan_service_pb2, scan_service_pb2_grpc
from kam.customer.v1 import customer_service_pb2 as pb
from kam_customer.adapters.orm import AccessRecordRow, AccountRow, ContactRow, TransactionRow
from kam_customer.search.orm import SearchTermRow
from sqlalchemy import func, select

Customer = customer_pb2.Customer
Transaction = customer_pb2.Transaction
VALID_ID = "11010519491231002X"
VALID_USCC = "91350100M000100Y43"
ADMIN = ("roles/admin",)
#: The core system: a service token that may push transactions and see what it pushed unmasked.
CORE = {
    "kind": "service",
    "subject": "services/core-banking",
    "permissions": ("transactions.ingest", "customers.pii.read"),
}


async def _manual(
    client, md, *, kind=Customer.TYPE_INDIVIDUAL, number=VALID_ID, name="张伟", branch="orgUnits/sh"
) -> Customer:
    return (
        await client.CreateCustomer(
            pb.CreateCustomerRequest(
                customer=Customer(type=kind, display_name=name, id_number=number, branch=branch)
            ),
            metadata=md(*ADMIN),
        )
    ).customer


async def _count(app, table, *where) -> int:
    async with app.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(table).where(*where)))


# ------------------------------------------------------------------------------------------------ DeleteCustomer


async def test_delete_manual_customer_with_etag_cascades_and_publishes(app, client, md) -> None:
    customer = await _manual(client, md)
    customer_id = customer.name.removeprefix("customers/")
    await client.CreateContact(
        pb.CreateContactRequest(parent=customer.name, contact=customer_pb2.Contact(display_name="李强")),
        metadata=md(*ADMIN),
    )
    assert await _count(app, SearchTermRow, SearchTermRow.customer_id == customer_id) > 0

    stale = await failure(
        client.DeleteCustomer(pb.DeleteCustomerRequest(name=customer.name, etag="v9"), metadata=md(*ADMIN))
    )
    assert stale.code() == grpc.StatusCode.ABORTED
    await client.DeleteCustomer(
        pb.DeleteCustomerRequest(name=customer.name, etag=customer.etag), metadata=md(*ADMIN)
    )

    gone = await failure(client.GetCustomer(pb.GetCustomerRequest(name=customer.name), metadata=md(*ADMIN)))
    assert gone.code() == grpc.StatusCode.NOT_FOUND
    again = await failure(
        client.DeleteCustomer(pb.DeleteCustomerRequest(name=customer.name), metadata=md(*ADMIN))
    )
    assert again.code() == grpc.StatusCode.NOT_FOUND
    assert await _count(app, ContactRow, ContactRow.customer_id == customer_id) == 0
    assert await _count(app, SearchTermRow, SearchTermRow.customer_id == customer_id) == 0
    found = await client.SearchCustomers(pb.SearchCustomersRequest(query="张伟"), metadata=md(*ADMIN))
    assert [r.customer.name for r in found.results] == []
    deleted = [events_pb2.CustomerDeleted.FromString(p) for p in await events(app, "CustomerDeleted")]
    assert [e.customer for e in deleted] == [customer.name]


async def test_scanned_customer_cannot_be_deleted(client, md) -> None:
    error = await failure(
        client.DeleteCustomer(pb.DeleteCustomerRequest(name="customers/c1"), metadata=md(*ADMIN))
    )
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert reason(error) == "CUSTOMER_FROM_SOURCE" and "核心系统" in error.details()


async def test_delete_is_role_and_scope_checked(client, md) -> None:
    customer = await _manual(client, md)
    for role in ("roles/relationship_manager", "roles/compliance"):
        denied = await failure(
            client.DeleteCustomer(
                pb.DeleteCustomerRequest(name=customer.name), metadata=md(role, org_unit="orgUnits/sh")
            )
        )
        assert denied.code() == grpc.StatusCode.PERMISSION_DENIED
    elsewhere = await failure(
        client.DeleteCustomer(
            pb.DeleteCustomerRequest(name=customer.name),
            metadata=md("roles/branch_manager", org_unit="orgUnits/bj"),
        )
    )
    assert elsewhere.code() == grpc.StatusCode.NOT_FOUND  # out of scope looks like absent
    bad_name = await failure(
        client.DeleteCustomer(pb.DeleteCustomerRequest(name="clients/1"), metadata=md(*ADMIN))
    )
    assert bad_name.code() == grpc.StatusCode.INVALID_ARGUMENT and set(violations(bad_name)) == {"name"}
    await client.DeleteCustomer(
        pb.DeleteCustomerRequest(name=customer.name),
        metadata=md("roles/branch_manager", org_unit="orgUnits/sh"),
    )


async def test_group_member_must_leave_the_group_first(app, client, md) -> None:
    corporate = await _manual(
        client, md, kind=Customer.TYPE_CORPORATE, number=VALID_USCC, name="福建某某科技有限公司"
    )
    group = (
        await client.CreateCustomerGroup(
            pb.CreateCustomerGroupRequest(
                customer_group=customer_pb2.CustomerGroup(
                    display_name="某某集团",
                    members=[
                        customer_pb2.GroupMember(
                            customer=corporate.name, role=customer_pb2.GroupMember.ROLE_PARENT
                        )
                    ],
                )
            ),
            metadata=md(*ADMIN),
        )
    ).customer_group
    error = await failure(
        client.DeleteCustomer(pb.DeleteCustomerRequest(name=corporate.name), metadata=md(*ADMIN))
    )
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION and reason(error) == "CUSTOMER_IN_GROUP"
    assert group.name in error.details()
    await client.DeleteCustomerGroup(pb.DeleteCustomerGroupRequest(name=group.name), metadata=md(*ADMIN))
    await client.DeleteCustomer(pb.DeleteCustomerRequest(name=corporate.name), metadata=md(*ADMIN))


# --------------------------------------------------------------------------------------------- CreateTransaction


def _txn(amount: int = 2500, *, post_time=None, balance: int | None = 3500) -> Transaction:
    message = Transaction(
        direction=Transaction.DIRECTION_CREDIT,
        amount=money_pb2.Money(currency_code="CNY", units=amount),
        channel=Transaction.CHANNEL_MOBILE,
        counterparty="赵六",
        summary="转入",
        post_time=timestamp_pb2.Timestamp(seconds=int((post_time or T0 + timedelta(days=29)).timestamp())),
    )
    if balance is not None:
        message.balance_after.CopyFrom(money_pb2.Money(currency_code="CNY", units=balance))
    return message


def _parent(app, account: str = ACCOUNT) -> str:
    """(Account names are keyed with the service's secret.)"""
    return app.account_names.name("c1", account)


async def test_create_transaction_is_idempotent_and_shares_the_ingestion_path(
    app, channel, client, md
) -> None:
    service = md(**CORE)
    request = pb.CreateTransactionRequest(
        parent=_parent(app), transaction_id="CB-20260130-0001", transaction=_txn()
    )
    first = (await client.CreateTransaction(request, metadata=service)).transaction
    assert first.name == f"{_parent(app)}/transactions/CB-20260130-0001"
    assert first.amount.units == 2500 and first.counterparty == "赵六" and first.receive_time.seconds > 0
    second = (await client.CreateTransaction(request, metadata=service)).transaction
    assert second == first
    # also pushed through IngestionService: recognised as the same transaction
    ingestion = scan_service_pb2_grpc.IngestionServiceStub(channel)
    pushed = await ingestion.IngestTransactions(
        scan_service_pb2.IngestTransactionsRequest(
            source_transactions=[
                cdc_pb2.SourceTransaction(
                    transaction_id="CB-20260130-0001",
                    account_number=ACCOUNT,
                    direction=Transaction.DIRECTION_CREDIT,
                    amount=_txn().amount,
                    post_time=_txn().post_time,
                )
            ]
        ),
        metadata=service,
    )
    assert (pushed.accepted, pushed.duplicates, pushed.ignored) == (1, 0, 0)  # counts reveal nothing
    assert await _count(app, TransactionRow, TransactionRow.id == "CB-20260130-0001") == 1
    posted = [events_pb2.TransactionPosted.FromString(p) for p in await events(app, "TransactionPosted")]
    assert [e.transaction.name for e in posted] == [first.name]
    async with app.db.read() as session:
        assert (await session.get(AccountRow, ACCOUNT)).balance == 3500  # a pushed balance moves the account

    # a cash withdrawal keeps its cash flag in the stored row and the event (the large-cash alert rules watch it)
    cash = _txn(60_000, balance=None)
    cash.direction, cash.channel, cash.cash = Transaction.DIRECTION_DEBIT, Transaction.CHANNEL_COUNTER, True
    made = (
        await client.CreateTransaction(
            pb.CreateTransactionRequest(parent=_parent(app), transaction_id="CB-CASH-1", transaction=cash),
            metadata=service,
        )
    ).transaction
    assert made.cash
    posted = [events_pb2.TransactionPosted.FromString(p) for p in await events(app, "TransactionPosted")]
    assert [e.transaction.cash for e in posted if e.transaction.name == made.name] == [True]


async def test_a_scanned_transaction_is_returned_not_stored_again(app, client, md) -> None:
    stored = (
        await client.CreateTransaction(
            pb.CreateTransactionRequest(parent=_parent(app), transaction_id="scanned-1", transaction=_txn(1)),
            metadata=md(**CORE),
        )
    ).transaction
    assert stored.amount.units == 80000 and stored.summary == "存入" and stored.counterparty == "赵六"
    assert await events(app, "TransactionPosted") == []
    async with app.db.read() as session:  # the unmasked counterparty is in the access audit trail
        methods = (await session.scalars(select(AccessRecordRow.method))).all()
    assert [m for m in methods if m.endswith("CreateTransaction")] == [
        "kam.customer.v1.CustomerService.CreateTransaction"
    ]
    other = await failure(
        client.CreateTransaction(
            pb.CreateTransactionRequest(
                parent=_parent(app, OTHER_ACCOUNT), transaction_id="scanned-1", transaction=_txn()
            ),
            metadata=md(**CORE),
        )
    )
    assert other.code() == grpc.StatusCode.ALREADY_EXISTS


async def test_create_transaction_validation_names_every_field(app, client, md) -> None:
    bad = Transaction(amount=money_pb2.Money(currency_code="USD", units=-5), counterparty="x" * 201)
    error = await failure(
        client.CreateTransaction(
            pb.CreateTransactionRequest(parent=_parent(app), transaction_id="a/b", transaction=bad),
            metadata=md(**CORE),
        )
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(violations(error)) == {
        "transaction_id",
        "transaction.direction",
        "transaction.amount",
        "transaction.amount.currency_code",
        "transaction.post_time",
        "transaction.counterparty",
    }
    future = await failure(
        client.CreateTransaction(
            pb.CreateTransactionRequest(
                parent=_parent(app),
                transaction_id="CB-1",
                transaction=_txn(post_time=T0 + timedelta(days=31)),
            ),
            metadata=md(**CORE),
        )
    )
    assert set(violations(future)) == {"transaction.post_time"}
    missing = await failure(
        client.CreateTransaction(
            pb.CreateTransactionRequest(parent=_parent(app), transaction_id="CB-1"), metadata=md(**CORE)
        )
    )
    assert set(violations(missing)) == {"transaction"}


async def test_create_transaction_permission_and_not_found(app, client, md) -> None:
    request = pb.CreateTransactionRequest(parent=_parent(app), transaction_id="CB-2", transaction=_txn())
    # Staff never record transactions, administrators included; nor does a service without the permission.
    for caller in (
        md("roles/relationship_manager"),
        md("roles/head_office_leader"),
        md(*ADMIN),
        md("roles/service", kind="service", subject="services/other"),
    ):
        denied = await failure(client.CreateTransaction(request, metadata=caller))
        assert denied.code() == grpc.StatusCode.PERMISSION_DENIED
    for parent in ("customers/c1/accounts/nope", "customers/zz/accounts/nope"):
        missing = await failure(
            client.CreateTransaction(
                pb.CreateTransactionRequest(parent=parent, transaction_id="CB-2", transaction=_txn()),
                metadata=md(**CORE),
            )
        )
        assert missing.code() == grpc.StatusCode.NOT_FOUND
    all_accounts = await failure(
        client.CreateTransaction(
            pb.CreateTransactionRequest(
                parent="customers/c1/accounts", transaction_id="CB-2", transaction=_txn()
            ),
            metadata=md(**CORE),
        )
    )
    assert set(violations(all_accounts)) == {"parent"}
