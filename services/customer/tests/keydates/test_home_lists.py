"""The 工作台's lists over a real gRPC server, on SQLite and PostgreSQL: ListKeyDates (what the key-date sweep
announced, in the caller's scope, by date, filtered, paged, masked) and ListTransactions across all customers in
scope (``customers/-/accounts/-``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import grpc
import pytest
from kam.customer.v1 import customer_pb2
from kam.customer.v1 import customer_service_pb2 as pb
from kam_customer.adapters.orm import (
    AccountRow,
    ContactRow,
    CustomerMetricsRow,
    CustomerRow,
    OrgUnitRow,
    StaffRow,
    TransactionRow,
)
from kam_kit.clock import ManualClock
from sqlalchemy import update

START = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)  # 08:00 on 1 March in Shanghai
Kind = customer_pb2.KeyDateKind
RM1 = ("roles/relationship_manager",)
LEADER = ("roles/head_office_leader",)  # the whole bank, personal data masked


def _customer(
    cid: str, kind: str, name: str, branch: str, manager: str, *, key: bool = True, **dates
) -> CustomerRow:
    return CustomerRow(
        id=cid,
        type=kind,
        display_name=name,
        id_number="",
        branch=f"orgUnits/{branch}",
        relationship_manager=f"staff/{manager}",
        tier="tiers/gold" if key else "",
        key_customer=key,
        source="CORE_BANKING",
        version=1,
        create_time=START,
        update_time=START,
        **dates,
    )


def _account(number: str, cid: str, kind: str, maturity: date, balance: int, branch: str) -> AccountRow:
    return AccountRow(
        id=number,
        customer_id=cid,
        type=kind,
        product="P",
        product_display_name="产品",
        balance=Decimal(balance),
        org_unit_id=branch,
        open_date=date(2024, 1, 1),
        maturity_date=maturity,
    )


def _transaction(tid: str, account: str, cid: str, amount: int, hours: int) -> TransactionRow:
    return TransactionRow(
        id=tid,
        account_id=account,
        customer_id=cid,
        direction="CREDIT",
        amount=Decimal(amount),
        channel="COUNTER",
        counterparty="赵六",
        summary="转账",
        post_time=START + timedelta(hours=hours),
        receive_time=START + timedelta(hours=hours),
        origin="SCAN",
    )


@pytest.fixture
async def api(start_customer_service):
    api = await start_customer_service(ManualClock(START), key_date_cron="0 6 1 1 *")
    async with api.service.db.transaction() as session:
        session.add_all(
            [
                OrgUnitRow(id="head", display_name="总行", parent_id=None, level="HEAD_OFFICE"),
                OrgUnitRow(id="sh", display_name="上海分行", parent_id="head", level="BRANCH"),
                OrgUnitRow(id="bj", display_name="北京分行", parent_id="head", level="BRANCH"),
                OrgUnitRow(id="sh1", display_name="上海浦东支行", parent_id="sh", level="SUB_BRANCH"),
                StaffRow(id="rm1", display_name="张经理", org_unit_id="sh", position="RM"),
                StaffRow(id="rm2", display_name="李经理", org_unit_id="bj", position="RM"),
                _customer("n1", "INDIVIDUAL", "赵敏", "sh1", "rm1", key=False),
                *(
                    CustomerMetricsRow(customer_id=cid, as_of=date(2026, 2, 28), aum=Decimal(aum))
                    for cid, aum in (("p1", 1_000_000), ("k1", 3_000_000), ("p2", 500_000), ("n1", 20_000))
                ),
                # rm1's: an individual born on 3 March, a company founded on 10 March
                _customer("p1", "INDIVIDUAL", "王芳", "sh", "rm1", birth_date=date(1980, 3, 3)),
                _customer(
                    "k1", "CORPORATE", "某某科技有限公司", "sh", "rm1", establishment_date=date(2010, 3, 10)
                ),
                # rm2's (another branch): a birthday today and a maturing deposit
                _customer("p2", "INDIVIDUAL", "李雷", "bj", "rm2", birth_date=date(1985, 3, 1)),
                _account("6222000000000001", "k1", "TIME_DEPOSIT", date(2026, 3, 5), 2_000_000, "sh"),
                _account("6222000000000002", "p2", "LOAN", date(2026, 3, 20), 800_000, "bj"),
                _account("6222000000000003", "p1", "DEMAND_DEPOSIT", None, 700_000, "sh"),
                ContactRow(
                    id="ct1",
                    customer_id="k1",
                    display_name="周建国",
                    title="法定代表人",
                    birth_date=date(1975, 3, 8),
                    version=1,
                    create_time=START,
                    update_time=START,
                ),
                _transaction("t1", "6222000000000003", "p1", 600_000, 1),
                _transaction("t2", "6222000000000003", "p1", 800, 2),
                _transaction("t3", "6222000000000001", "k1", 900_000, 3),
                _transaction("t4", "6222000000000002", "p2", 1_500_000, 4),
            ]
        )
    await api.service.key_date_sweep.run_once()
    return api


def _row(key_date: customer_pb2.KeyDate) -> tuple:
    d = key_date.date
    return key_date.customer, Kind.Name(key_date.kind), f"{d.year}-{d.month:02d}-{d.day:02d}"


async def _list(client, md, caller, parent="customers/-", **request) -> list:
    return list(
        (
            await client.ListKeyDates(pb.ListKeyDatesRequest(parent=parent, **request), metadata=md(*caller))
        ).key_dates
    )


async def _code(call) -> tuple[grpc.StatusCode, str]:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value.code(), caught.value.details() or ""


async def test_key_dates_by_date_in_the_callers_scope(client, md) -> None:
    everything = [_row(k) for k in await _list(client, md, ("roles/admin",))]
    assert everything == [
        ("customers/p2", "KEY_DATE_KIND_BIRTHDAY", "2026-03-01"),
        ("customers/p1", "KEY_DATE_KIND_BIRTHDAY", "2026-03-03"),
        ("customers/k1", "KEY_DATE_KIND_DEPOSIT_MATURITY", "2026-03-05"),
        ("customers/k1", "KEY_DATE_KIND_CONTACT_BIRTHDAY", "2026-03-08"),
        ("customers/k1", "KEY_DATE_KIND_ESTABLISHMENT_ANNIVERSARY", "2026-03-10"),
        ("customers/p2", "KEY_DATE_KIND_LOAN_MATURITY", "2026-03-20"),
    ]
    rm1 = [_row(k) for k in await _list_as(client, md, "rm1")]
    assert rm1 == [row for row in everything if row[0] != "customers/p2"]
    one = [_row(k) for k in await _list(client, md, ("roles/admin",), parent="customers/k1")]
    assert [kind for _, kind, _ in one] == [
        "KEY_DATE_KIND_DEPOSIT_MATURITY",
        "KEY_DATE_KIND_CONTACT_BIRTHDAY",
        "KEY_DATE_KIND_ESTABLISHMENT_ANNIVERSARY",
    ]
    maturity, contact = (await _list_as(client, md, "rm1"))[1:3]
    assert maturity.account.startswith("customers/k1/accounts/") and "6222" not in maturity.account
    assert (maturity.amount.units, maturity.amount.currency_code) == (2_000_000, "CNY")
    assert (contact.contact, contact.contact_display_name, contact.contact_title) == (
        "customers/k1/contacts/ct1",
        "周建国",
        "法定代表人",
    )


async def _list_as(client, md, manager: str, parent: str = "customers/-", **request) -> list:
    return list(
        (
            await client.ListKeyDates(
                pb.ListKeyDatesRequest(parent=parent, **request),
                metadata=md(*RM1, subject=f"users/{manager}"),
            )
        ).key_dates
    )


async def test_out_of_scope_customer_is_not_found_and_bad_filters_are_invalid(client, md) -> None:
    call = client.ListKeyDates(
        pb.ListKeyDatesRequest(parent="customers/p2"), metadata=md(*RM1, subject="users/rm1")
    )
    assert (await _code(call))[0] == grpc.StatusCode.NOT_FOUND
    call = client.ListKeyDates(pb.ListKeyDatesRequest(parent="customers/nobody"), metadata=md())
    assert (await _code(call))[0] == grpc.StatusCode.NOT_FOUND
    for bad in ("date >= 2026-13-01", "kind = BIRTHDAY", "kind < KEY_DATE_KIND_BIRTHDAY", "amount > 3"):
        code, _ = await _code(
            client.ListKeyDates(pb.ListKeyDatesRequest(parent="customers/-", filter=bad), metadata=md())
        )
        assert code == grpc.StatusCode.INVALID_ARGUMENT, bad
    code, _ = await _code(client.ListKeyDates(pb.ListKeyDatesRequest(parent="clients/-"), metadata=md()))
    assert code == grpc.StatusCode.INVALID_ARGUMENT


async def test_key_dates_filter_page_and_mask(client, md) -> None:
    week = await _list(
        client,
        md,
        ("roles/admin",),
        filter="date >= 2026-03-02 AND date <= 2026-03-08 AND kind != KEY_DATE_KIND_CONTACT_BIRTHDAY",
    )
    assert [_row(k)[0:2] for k in week] == [
        ("customers/p1", "KEY_DATE_KIND_BIRTHDAY"),
        ("customers/k1", "KEY_DATE_KIND_DEPOSIT_MATURITY"),
    ]
    first = await client.ListKeyDates(
        pb.ListKeyDatesRequest(parent="customers/-", page_size=4), metadata=md()
    )
    second = await client.ListKeyDates(
        pb.ListKeyDatesRequest(parent="customers/-", page_size=4, page_token=first.next_page_token),
        metadata=md(),
    )
    assert [len(first.key_dates), len(second.key_dates), second.next_page_token] == [4, 2, ""]
    assert [_row(k) for k in [*first.key_dates, *second.key_dates]] == [
        _row(k) for k in await _list(client, md, ("roles/admin",))
    ]
    masked = {_row(k)[:2]: k for k in await _list(client, md, LEADER)}
    birthday = masked[("customers/p1", "KEY_DATE_KIND_BIRTHDAY")]
    assert (birthday.customer_display_name, birthday.masked) == ("王*", True)
    company = masked[("customers/k1", "KEY_DATE_KIND_CONTACT_BIRTHDAY")]
    assert (company.customer_display_name, company.contact_display_name) == ("某某科技有限公司", "周**")
    shown = {_row(k)[:2]: k for k in await _list(client, md, ("roles/admin",))}
    assert shown[("customers/p1", "KEY_DATE_KIND_BIRTHDAY")].customer_display_name == "王芳"


async def test_a_closed_account_or_removed_contact_drops_its_key_date(api, client, md) -> None:
    async with api.service.db.transaction() as session:
        await session.execute(
            update(AccountRow).where(AccountRow.id == "6222000000000001").values(state="CLOSED")
        )
    await client.DeleteContact(pb.DeleteContactRequest(name="customers/k1/contacts/ct1"), metadata=md())
    kinds = [_row(k)[1] for k in await _list(client, md, ("roles/admin",), parent="customers/k1")]
    assert kinds == ["KEY_DATE_KIND_ESTABLISHMENT_ANNIVERSARY"]


async def test_large_transactions_across_the_callers_customers(client, md) -> None:
    large = 'amount >= 500000 AND post_time >= "2026-03-01T00:00:00Z"'
    every = await client.ListTransactions(
        pb.ListTransactionsRequest(parent="customers/-/accounts/-", filter=large), metadata=md()
    )
    assert [t.name.split("/")[1] + "/" + t.name.rsplit("/", 1)[1] for t in every.transactions] == [
        "p2/t4",
        "k1/t3",
        "p1/t1",
    ]
    own = await client.ListTransactions(
        pb.ListTransactionsRequest(parent="customers/-/accounts/-", filter=large),
        metadata=md(*RM1, subject="users/rm1"),
    )
    assert [t.name.rsplit("/", 1)[1] for t in own.transactions] == ["t3", "t1"]
    first = await client.ListTransactions(
        pb.ListTransactionsRequest(parent="customers/-/accounts/-", page_size=2), metadata=md(*LEADER)
    )
    second = await client.ListTransactions(
        pb.ListTransactionsRequest(
            parent="customers/-/accounts/-", page_size=2, page_token=first.next_page_token
        ),
        metadata=md(*LEADER),
    )
    assert [t.name.rsplit("/", 1)[1] for t in [*first.transactions, *second.transactions]] == [
        "t4",
        "t3",
        "t2",
        "t1",
    ]
    assert second.next_page_token == "" and first.transactions[0].counterparty == "赵*"
    code, _ = await _code(
        client.ListTransactions(pb.ListTransactionsRequest(parent="customers/-/accounts/abc"), metadata=md())
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    code, _ = await _code(
        client.ListTransactions(
            pb.ListTransactionsRequest(parent="customers/-/accounts/-", filter="amount >= lots"),
            metadata=md(),
        )
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT


def _summaries(response) -> list[tuple]:
    return [
        (s.group, s.display_name, s.customer_count, s.key_customer_count, s.assets_under_management.units)
        for s in response.summaries
    ]


async def test_summaries_per_relationship_manager_and_org_unit_in_scope(client, md) -> None:
    everyone = await client.SummarizeCustomers(pb.SummarizeCustomersRequest(), metadata=md())
    assert _summaries(everyone) == [
        ("staff/rm1", "张经理", 3, 2, 4_020_000),
        ("staff/rm2", "李经理", 1, 1, 500_000),
    ]
    branches = await client.SummarizeCustomers(
        pb.SummarizeCustomersRequest(group_by="org_unit"), metadata=md()
    )
    assert _summaries(branches) == [  # head office: sub-branches rolled up into their branch
        ("orgUnits/sh", "上海分行", 3, 2, 4_020_000),
        ("orgUnits/bj", "北京分行", 1, 1, 500_000),
    ]
    manager = md("roles/branch_manager", subject="users/bm", org_unit="orgUnits/sh")
    subs = await client.SummarizeCustomers(
        pb.SummarizeCustomersRequest(group_by="org_unit"), metadata=manager
    )
    assert _summaries(subs) == [
        ("orgUnits/sh", "上海分行", 2, 2, 4_000_000),  # customers of the branch itself
        ("orgUnits/sh1", "上海浦东支行", 1, 0, 20_000),
    ]
    own = await client.SummarizeCustomers(
        pb.SummarizeCustomersRequest(), metadata=md(*RM1, subject="users/rm2", org_unit="orgUnits/bj")
    )
    assert _summaries(own) == [("staff/rm2", "李经理", 1, 1, 500_000)]
    code, _ = await _code(
        client.SummarizeCustomers(pb.SummarizeCustomersRequest(group_by="tier"), metadata=md())
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT
