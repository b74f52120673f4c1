"""Customer 360 over a real gRPC server, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import grpc
import pytest
from google.protobuf import field_mask_pb2, timestamp_pb2
from kam.customer.v1 import customer_pb2
from kam.customer.v1 import customer_service_pb2 as pb
from sqlalchemy import delete

ACCOUNT = "6222020200001234"  # as seeded by conftest.py

Customer = customer_pb2.Customer
Contact = customer_pb2.Contact
Interaction = customer_pb2.Interaction
ADMIN = ("roles/admin",)


async def _code(call) -> grpc.StatusCode:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value.code()


async def test_customer_shows_branch_and_manager(client, md) -> None:
    got = (await client.GetCustomer(pb.GetCustomerRequest(name="customers/c1"), metadata=md(*ADMIN))).customer
    assert (got.branch_display_name, got.relationship_manager_display_name) == ("上海分行", "张经理")


async def test_accounts_balances_history_and_masking(client, md) -> None:
    listed = await client.ListAccounts(
        pb.ListAccountsRequest(parent="customers/c1", order_by="balance desc"), metadata=md(*ADMIN)
    )
    assert [a.product for a in listed.accounts] == ["TD3Y", "DMD01"] and listed.total_size == 2
    demand = listed.accounts[1]
    assert demand.account_number == ACCOUNT and ACCOUNT not in demand.name
    assert (demand.balance.units, demand.balance.nanos) == (1500000, 500000000)
    got = (await client.GetAccount(pb.GetAccountRequest(name=demand.name), metadata=md(*ADMIN))).account
    assert [(p.date.day, p.balance.units) for p in got.balance_history] == [(30, 1000000), (31, 1500000)]
    filtered = await client.ListAccounts(
        pb.ListAccountsRequest(
            parent="customers/c1", filter="type = TYPE_TIME_DEPOSIT AND maturity_date <= 2026-06-30"
        ),
        metadata=md(*ADMIN),
    )
    assert [a.product for a in filtered.accounts] == ["TD3Y"]
    leader = await client.ListAccounts(
        pb.ListAccountsRequest(parent="customers/c1", page_size=1, order_by="balance"),
        metadata=md("roles/head_office_leader"),
    )
    assert leader.accounts[0].account_number == "6222********1234" and leader.accounts[0].masked
    assert leader.next_page_token


async def test_transactions_filters_and_pages(client, md) -> None:
    parent = "customers/c1/accounts/-"
    big_debits = await client.ListTransactions(
        pb.ListTransactionsRequest(parent=parent, filter="direction = DIRECTION_DEBIT AND amount >= 1000"),
        metadata=md(*ADMIN),
    )
    assert [t.name.rsplit("/", 1)[1] for t in big_debits.transactions] == ["t2"]
    since = await client.ListTransactions(
        pb.ListTransactionsRequest(parent=parent, filter='post_time >= "2026-01-02T08:00:00+08:00"'),
        metadata=md(*ADMIN),
    )
    assert [t.name.rsplit("/", 1)[1] for t in since.transactions] == ["t2", "t1"]  # newest first
    first = await client.ListTransactions(
        pb.ListTransactionsRequest(parent=parent, page_size=2), metadata=md(*ADMIN)
    )
    second = await client.ListTransactions(
        pb.ListTransactionsRequest(parent=parent, page_size=2, page_token=first.next_page_token),
        metadata=md(*ADMIN),
    )
    assert [len(first.transactions), len(second.transactions), second.next_page_token] == [2, 1, ""]
    assert (
        await _code(
            client.ListTransactions(
                pb.ListTransactionsRequest(parent=parent, filter="amount ~ 3"), metadata=md(*ADMIN)
            )
        )
        == grpc.StatusCode.INVALID_ARGUMENT
    )


async def test_contacts_crud_etag_and_scan_contacts_read_only(client, md) -> None:
    created = (
        await client.CreateContact(
            pb.CreateContactRequest(
                parent="customers/c1",
                request_id="req-1",
                contact=Contact(display_name="王财务", title="财务负责人", phone="13700001234"),
            ),
            metadata=md(*ADMIN),
        )
    ).contact
    again = (
        await client.CreateContact(
            pb.CreateContactRequest(
                parent="customers/c1", request_id="req-1", contact=Contact(display_name="王财务")
            ),
            metadata=md(*ADMIN),
        )
    ).contact
    assert again.name == created.name and created.origin == Contact.ORIGIN_MANUAL
    updated = (
        await client.UpdateContact(
            pb.UpdateContactRequest(
                contact=Contact(name=created.name, title="财务总监", etag=created.etag),
                update_mask=field_mask_pb2.FieldMask(paths=["title"]),
            ),
            metadata=md(*ADMIN),
        )
    ).contact
    assert updated.title == "财务总监" and updated.etag != created.etag
    stale = client.UpdateContact(
        pb.UpdateContactRequest(
            contact=Contact(name=created.name, title="x", etag=created.etag),
            update_mask=field_mask_pb2.FieldMask(paths=["title"]),
        ),
        metadata=md(*ADMIN),
    )
    assert await _code(stale) == grpc.StatusCode.ABORTED
    listed = await client.ListContacts(pb.ListContactsRequest(parent="customers/c1"), metadata=md(*ADMIN))
    assert {(c.title, c.origin) for c in listed.contacts} == {
        ("配偶", Contact.ORIGIN_SCAN),
        ("财务总监", Contact.ORIGIN_MANUAL),
    }
    scan = "customers/c1/contacts/k-scan"
    assert (
        await _code(client.DeleteContact(pb.DeleteContactRequest(name=scan), metadata=md(*ADMIN)))
        == grpc.StatusCode.FAILED_PRECONDITION
    )
    masked = (
        await client.GetContact(pb.GetContactRequest(name=scan), metadata=md("roles/head_office_leader"))
    ).contact
    assert (masked.display_name, masked.phone, masked.masked) == ("李*", "139****1111", True)
    await client.DeleteContact(
        pb.DeleteContactRequest(name=created.name, etag=updated.etag), metadata=md(*ADMIN)
    )
    assert (
        await _code(client.GetContact(pb.GetContactRequest(name=created.name), metadata=md(*ADMIN)))
        == grpc.StatusCode.NOT_FOUND
    )


async def test_timeline_merges_tier_history(app, client, md) -> None:
    from kam_customer.tiering.orm import TierHistoryRow

    async with app.db.transaction() as session:
        session.add(
            TierHistoryRow(
                customer_id="c1",
                from_tier="",
                to_tier="tiers/diamond",
                reason="SCAN",
                explanation="AUM 4,500,000 ≥ 3,000,000",
                create_time=datetime(2026, 3, 1, tzinfo=UTC),
            )
        )
    listed = await client.ListInteractions(
        pb.ListInteractionsRequest(parent="customers/c1"), metadata=md(*ADMIN)
    )
    first = listed.interactions[0]
    assert first.type == Interaction.TYPE_SYSTEM and first.name.startswith("customers/c1/interactions/tier-")
    assert first.summary == "客户等级扫描评级：无等级 → 钻石"  # the tier's display name, not its id
    assert first.details.startswith("AUM")
    staff_only = await client.ListInteractions(
        pb.ListInteractionsRequest(parent="customers/c1", filter="type != TYPE_SYSTEM"), metadata=md(*ADMIN)
    )
    assert [i.summary for i in staff_only.interactions] == ["上门拜访"]


async def test_timeline_names_tiers_in_chinese(app, client, md) -> None:
    """A tier entry names its tiers as staff know them: the catalogue's name; for a tier no longer in the
    catalogue, the name a rule set gives it; the id only for a tier nobody names."""
    from kam_customer.tiering.orm import TierHistoryRow, TierRow, TierRuleSetRow

    async with app.db.transaction() as session:
        await session.execute(delete(TierRow).where(TierRow.id == "gold"))
        session.add(
            TierRuleSetRow(
                id="individual-draft",
                customer_type="INDIVIDUAL",
                version=0,
                state="DRAFT",
                definition={
                    "customer_type": "INDIVIDUAL",
                    "tiers": [
                        {
                            "id": "vip",
                            "display_name": {"zh-CN": "贵宾", "en-US": "VIP"},
                            "condition": {"metric": "aum", "op": ">=", "value": "1"},
                        }
                    ],
                },
                create_time=datetime(2026, 3, 1, tzinfo=UTC),
                update_time=datetime(2026, 3, 1, tzinfo=UTC),
            )
        )
        for day, (old, new, reason) in enumerate(
            [
                ("", "tiers/strategic", "SCAN"),
                ("tiers/strategic", "tiers/gold", "RULE_SET_ACTIVATED"),
                ("tiers/gold", "tiers/vip", "OVERRIDE"),
                ("tiers/vip", "tiers/ghost", "OVERRIDE_EXPIRED"),
            ],
            start=1,
        ):
            session.add(
                TierHistoryRow(
                    customer_id="c1",
                    from_tier=old,
                    to_tier=new,
                    reason=reason,
                    create_time=datetime(2026, 3, day, tzinfo=UTC),
                )
            )
    listed = await client.ListInteractions(
        pb.ListInteractionsRequest(parent="customers/c1", filter="type = TYPE_SYSTEM"), metadata=md(*ADMIN)
    )
    assert [i.summary for i in listed.interactions] == [
        "客户等级人工调整到期：贵宾 → ghost",
        "客户等级人工调整：金卡 → 贵宾",  # 金卡: the active rule set's name (gone from the catalogue)
        "客户等级规则集启用：战略 → 金卡",
        "客户等级扫描评级：无等级 → 战略",
    ]


async def test_timeline_interactions_newest_first(client, md) -> None:
    when = timestamp_pb2.Timestamp()
    when.FromDatetime(datetime(2026, 2, 1, tzinfo=UTC))
    made = (
        await client.CreateInteraction(
            pb.CreateInteractionRequest(
                parent="customers/c1",
                request_id="r1",
                interaction=Interaction(type=Interaction.TYPE_CALL, summary="电话回访", occur_time=when),
            ),
            metadata=md(*ADMIN, subject="users/rm1"),
        )
    ).interaction
    assert made.author == "users/rm1"
    listed = await client.ListInteractions(
        pb.ListInteractionsRequest(parent="customers/c1"), metadata=md(*ADMIN)
    )
    assert [i.summary for i in listed.interactions] == ["电话回访", "上门拜访"]
    calls = await client.ListInteractions(
        pb.ListInteractionsRequest(parent="customers/c1", filter="type = TYPE_CALL"), metadata=md(*ADMIN)
    )
    assert [i.name for i in calls.interactions] == [made.name]
    system = client.CreateInteraction(
        pb.CreateInteractionRequest(
            parent="customers/c1",
            interaction=Interaction(type=Interaction.TYPE_SYSTEM, summary="x", occur_time=when),
        ),
        metadata=md(*ADMIN),
    )
    assert await _code(system) == grpc.StatusCode.INVALID_ARGUMENT


async def test_corporate_structure_and_credit_standing(client, md) -> None:
    structure = (
        await client.GetCorporateStructure(
            pb.GetCorporateStructureRequest(name="customers/g2/corporateStructure"), metadata=md(*ADMIN)
        )
    ).corporate_structure
    assert [(p.customer, p.shareholding_percent, p.display_name) for p in structure.parents] == [
        ("customers/g1", "51.00", "某某控股集团有限公司")
    ]
    assert structure.group_root == "customers/g1"
    parent = (
        await client.GetCorporateStructure(
            pb.GetCorporateStructureRequest(name="customers/g1/corporateStructure"), metadata=md(*ADMIN)
        )
    ).corporate_structure
    assert [s.customer for s in parent.subsidiaries] == ["customers/g2"]
    standing = (
        await client.GetCreditStanding(
            pb.GetCreditStandingRequest(name="customers/c1/creditStanding"), metadata=md(*ADMIN)
        )
    ).credit_standing
    # AA 36 + usage 20% → 20 + no overdue 25 + no loan 10 + 5 years → 5
    assert standing.score == 96 and standing.rating == "AA"
    assert standing.factors[0].startswith("内部评级 AA") and any("无逾期" in f for f in standing.factors)


async def test_out_of_scope_is_not_found(client, md) -> None:
    beijing = md("roles/branch_manager", org_unit="orgUnits/bj", subject="users/someone")
    for call in (
        client.GetCustomer(pb.GetCustomerRequest(name="customers/c1"), metadata=beijing),
        client.ListAccounts(pb.ListAccountsRequest(parent="customers/c1"), metadata=beijing),
        client.ListContacts(pb.ListContactsRequest(parent="customers/c1"), metadata=beijing),
        client.GetCreditStanding(
            pb.GetCreditStandingRequest(name="customers/c1/creditStanding"), metadata=beijing
        ),
        client.GetCustomer(pb.GetCustomerRequest(name="customers/nobody"), metadata=beijing),
    ):
        assert await _code(call) == grpc.StatusCode.NOT_FOUND
    visible = await client.ListCustomers(pb.ListCustomersRequest(), metadata=beijing)
    assert [c.name for c in visible.customers] == ["customers/g2"]
    mine = md(
        "roles/relationship_manager", org_unit="orgUnits/bj", subject="users/rm1"
    )  # staff/rm1 manages c1
    assert (await client.GetCustomer(pb.GetCustomerRequest(name="customers/c1"), metadata=mine)).customer.name
    # a relationship manager's scope is their own customers, wherever they are, not their branch's
    own = await client.ListCustomers(pb.ListCustomersRequest(), metadata=mine)
    assert sorted(c.name for c in own.customers) == [
        "customers/c1",
        "customers/g1",
        "customers/g2",
    ]  # all rm1's
    colleague = md("roles/relationship_manager", org_unit="orgUnits/bj", subject="users/someone")
    assert (await client.ListCustomers(pb.ListCustomersRequest(), metadata=colleague)).customers == []


async def test_search_rpc_masks_and_follows_create_and_update(client, md) -> None:
    leader = md("roles/head_office_leader")
    found = await client.SearchCustomers(pb.SearchCustomersRequest(query="wangfang"), metadata=leader)
    hit = found.results[0]
    assert hit.customer.name == "customers/c1" and hit.customer.display_name == "王*"
    assert hit.match_field == pb.CustomerSearchResult.MATCH_FIELD_PINYIN
    assert hit.match_kind == pb.CustomerSearchResult.MATCH_KIND_EXACT and hit.matched_value == "w*******"
    by_account = await client.SearchCustomers(pb.SearchCustomersRequest(query=ACCOUNT), metadata=leader)
    assert by_account.results[0].matched_value == "6222********1234"
    admin_view = await client.SearchCustomers(pb.SearchCustomersRequest(query=ACCOUNT), metadata=md(*ADMIN))
    assert admin_view.results[0].matched_value == ACCOUNT
    created = (
        await client.CreateCustomer(
            pb.CreateCustomerRequest(
                customer=Customer(
                    type=Customer.TYPE_INDIVIDUAL, display_name="欧阳娜娜", id_number="110101199003074477"
                )
            ),
            metadata=md(*ADMIN),
        )
    ).customer
    assert (
        await client.SearchCustomers(pb.SearchCustomersRequest(query="oyn"), metadata=md(*ADMIN))
    ).results[0].customer.name == created.name
    await client.UpdateCustomer(
        pb.UpdateCustomerRequest(
            customer=Customer(name=created.name, phone="13512345678", etag=created.etag),
            update_mask=field_mask_pb2.FieldMask(paths=["phone"]),
        ),
        metadata=md(*ADMIN),
    )
    phone = await client.SearchCustomers(pb.SearchCustomersRequest(query="13512345678"), metadata=md(*ADMIN))
    assert [(r.customer.name, r.match_kind) for r in phone.results] == [
        (created.name, pb.CustomerSearchResult.MATCH_KIND_EXACT)
    ]  # typo matches only when nothing else matches
    typo = await client.SearchCustomers(pb.SearchCustomersRequest(query="13512345687"), metadata=md(*ADMIN))
    assert typo.results[0].customer.name == created.name
    assert typo.results[0].match_kind == pb.CustomerSearchResult.MATCH_KIND_FUZZY
