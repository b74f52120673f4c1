"""Issue 11: a regression test per item that concerns the customer service, over REST through the real gateway
and over gRPC directly (as an internal caller would). Every method is covered by test_scope_matrix; these pin the
cases the review found, with the answers a person sees."""

from __future__ import annotations

import re
from datetime import timedelta

import grpc
import pytest
from google.protobuf.descriptor import FieldDescriptor
from google.type import date_pb2
from kam.customer.v1 import audit_service_pb2, customer_pb2, scan_service_pb2, tier_pb2, tier_service_pb2
from kam.customer.v1 import customer_service_pb2 as pb
from kam_customer.adapters import pii
from kam_customer.adapters.orm import AccessRecordRow
from kam_customer.domain import customers as domain
from kam_kit import auth
from kam_kit.timeconv import to_timestamp
from security_testlib import IN, NONE, OUT, T0
from sqlalchemy import func, select

MASKED_CALLER = "hq_leader"  # sees the whole bank, personal data masked


async def _status(call) -> grpc.StatusCode:
    try:
        await call
    except grpc.aio.AioRpcError as error:
        return error.code()
    return grpc.StatusCode.OK


# --- 1. ingestion is for the core system only ------------------------------------------------------------------


async def test_item1_staff_cannot_push_transactions_over_rest_or_grpc(bank, rest) -> None:
    body = {
        "sourceTransactions": [
            {
                "transactionId": "evil-1",
                "accountNumber": OUT.account,
                "direction": "DIRECTION_DEBIT",
                "amount": {"currencyCode": "CNY", "units": "1"},
                "balanceAfter": {"currencyCode": "CNY", "units": "99999999"},
                "postTime": "2026-06-01T00:00:00Z",
            }
        ]
    }
    for user in ("rm_zhang", "admin"):  # administrators too: money movements come from the core system
        reply = await rest.client.post("/v1/transactions:ingest", json=body, headers=await rest.login(user))
        assert reply.status_code == 403, reply.text
        assert reply.json()["error"]["status"] == "PERMISSION_DENIED"
    ingestion = bank.stubs["kam.customer.v1.IngestionService"]
    request = scan_service_pb2.IngestTransactionsRequest()
    request.source_transactions.add(
        transaction_id="evil-2", account_number=OUT.account, direction=1, post_time=to_timestamp(T0)
    ).amount.units = 1
    for caller in ("admin", "service"):  # a service without transactions.ingest neither
        assert (
            await _status(ingestion.IngestTransactions(request, metadata=bank.md(caller)))
            == grpc.StatusCode.PERMISSION_DENIED
        )
    # A user token that claims the permission does not get it (service-only).
    forged = auth.issue_token(
        auth.Identity(
            subject="users/rm_zhang",
            roles=("roles/relationship_manager",),
            permissions=("transactions.ingest",),
        ),
        secret=bank.secret,
        clock=bank.clock,
        ttl=timedelta(hours=1),
    )
    assert (
        await _status(
            ingestion.IngestTransactions(request, metadata=((auth.METADATA_KEY, auth.bearer(forged)),))
        )
        == grpc.StatusCode.PERMISSION_DENIED
    )
    admin = await rest.login("admin")
    account = (await rest.client.get(f"/v1/customers/{OUT.customer}/accounts", headers=admin)).json()[
        "accounts"
    ][0]
    assert account["balance"]["units"] == "7000000"  # nothing moved


async def test_item1_answers_do_not_tell_which_accounts_kam_keeps(bank) -> None:
    ingestion = bank.stubs["kam.customer.v1.IngestionService"]
    answers = []
    for number in (IN.account, NONE.account):  # kept by KAM / not
        request = scan_service_pb2.IngestTransactionsRequest()
        request.source_transactions.add(
            transaction_id=f"probe-{number}", account_number=number, direction=1, post_time=to_timestamp(T0)
        ).amount.units = 5
        twice = scan_service_pb2.IngestTransactionsRequest(
            source_transactions=[*request.source_transactions, *request.source_transactions]
        )
        answers.append(await ingestion.IngestTransactions(twice, metadata=bank.md("core_banking")))
    assert answers[0] == answers[1] == scan_service_pb2.IngestTransactionsResponse(accepted=2)


# --- 2. every write checks the target's scope ------------------------------------------------------------------


async def test_item2_branch_manager_cannot_override_another_branchs_tier(bank, rest) -> None:
    manager = await rest.login("branch_manager")
    body = {"tier": "tiers/diamond", "reason": "特批", "expireTime": "2026-08-01T00:00:00Z"}
    for side, status in ((OUT, 404), (NONE, 404), (IN, 200)):
        reply = await rest.client.post(
            f"/v1/customers/{side.customer}/tierOverrides", json=body, headers=manager
        )
        assert reply.status_code == status, (side.tag, reply.text)
    out_delete = await rest.client.delete(
        f"/v1/customers/{OUT.customer}/tierOverrides/{OUT.override}", headers=manager
    )
    none_delete = await rest.client.delete(
        f"/v1/customers/{NONE.customer}/tierOverrides/{NONE.override}", headers=manager
    )
    assert out_delete.status_code == none_delete.status_code == 404
    assert out_delete.json()["error"]["message"].replace(OUT.customer, "X") == none_delete.json()["error"][
        "message"
    ].replace(NONE.customer, "X")
    tiers = bank.stubs["kam.customer.v1.TierService"]
    grpc_call = tiers.CreateTierOverride(
        tier_service_pb2.CreateTierOverrideRequest(
            parent=OUT.customer_name,
            tier_override=tier_pb2.TierOverride(
                tier="tiers/gold", reason="x", expire_time=to_timestamp(T0 + timedelta(days=30))
            ),
        ),
        metadata=bank.md("branch_manager"),
    )
    assert await _status(grpc_call) == grpc.StatusCode.NOT_FOUND
    admin = await rest.login("admin")
    held = (await rest.client.get(f"/v1/customers/{OUT.customer}/tier", headers=admin)).json()
    assert held["override"]["reason"] == "总行特批"  # untouched


async def test_item2_writes_keep_customers_inside_the_callers_scope(bank) -> None:
    customers = bank.stubs["kam.customer.v1.CustomerService"]
    create = customers.CreateCustomer(
        pb.CreateCustomerRequest(
            customer=customer_pb2.Customer(
                type=customer_pb2.Customer.TYPE_CORPORATE,
                display_name="新公司",
                id_number="91350100M000100Y43",
                branch=OUT.branch,
                relationship_manager=OUT.manager,
            )
        ),
        metadata=bank.md("rm_zhang"),
    )
    assert await _status(create) == grpc.StatusCode.INVALID_ARGUMENT  # another manager's customer
    by_branch = customers.CreateCustomer(
        pb.CreateCustomerRequest(
            customer=customer_pb2.Customer(
                type=customer_pb2.Customer.TYPE_CORPORATE,
                display_name="新公司",
                id_number="91350100M000100Y43",
                branch=OUT.branch,
            )
        ),
        metadata=bank.md("branch_manager"),
    )
    assert await _status(by_branch) == grpc.StatusCode.INVALID_ARGUMENT  # a branch outside the manager's tree
    chosen_id = customers.CreateCustomer(
        pb.CreateCustomerRequest(
            customer_id=OUT.customer,
            customer=customer_pb2.Customer(
                type=customer_pb2.Customer.TYPE_CORPORATE,
                display_name="新公司",
                id_number="91350100M000100Y43",
            ),
        ),
        metadata=bank.md("rm_zhang"),
    )
    assert (
        await _status(chosen_id) == grpc.StatusCode.INVALID_ARGUMENT
    )  # not ALREADY_EXISTS: no probing by id
    moved = customers.UpdateCustomer(
        pb.UpdateCustomerRequest(
            customer=customer_pb2.Customer(
                name=IN.customer_name, branch=OUT.branch, relationship_manager=OUT.manager
            ),
            update_mask={"paths": ["branch", "relationship_manager"]},
        ),
        metadata=bank.md("rm_zhang"),
    )
    assert await _status(moved) == grpc.StatusCode.INVALID_ARGUMENT  # it would leave the caller's scope
    kept = await customers.UpdateCustomer(
        pb.UpdateCustomerRequest(  # still theirs: they manage it
            customer=customer_pb2.Customer(name=IN.customer_name, branch=OUT.branch),
            update_mask={"paths": ["branch"]},
        ),
        metadata=bank.md("rm_zhang"),
    )
    assert kept.customer.branch == OUT.branch
    mine = await customers.CreateCustomer(
        pb.CreateCustomerRequest(
            customer=customer_pb2.Customer(
                type=customer_pb2.Customer.TYPE_CORPORATE,
                display_name="新公司",
                id_number="91350100M000100Y43",
            )
        ),
        metadata=bank.md("rm_zhang"),
    )
    assert mine.customer.branch == "orgUnits/0101"  # the caller's own unit by default
    assert (
        mine.customer.relationship_manager == "users/rm_zhang"
    )  # a relationship manager's new customer is theirs


# --- 3. sub-resources are scoped like the customer --------------------------------------------------------------


async def test_item3_out_of_scope_tier_metrics_read_as_not_found(bank, rest) -> None:
    rm = await rest.login("rm_zhang")
    for path in ("tier", "tierAssignments"):
        out = await rest.client.get(f"/v1/customers/{OUT.customer}/{path}", headers=rm)
        none = await rest.client.get(f"/v1/customers/{NONE.customer}/{path}", headers=rm)
        mine = await rest.client.get(f"/v1/customers/{IN.customer}/{path}", headers=rm)
        assert (out.status_code, none.status_code, mine.status_code) == (404, 404, 200), path
        assert "7000000" not in out.text and "assetsUnderManagement" not in out.text
    tiers = bank.stubs["kam.customer.v1.TierService"]
    assert (
        await _status(
            tiers.GetCustomerTier(
                tier_service_pb2.GetCustomerTierRequest(name=f"{OUT.customer_name}/tier"),
                metadata=bank.md("branch_manager"),
            )
        )
        == grpc.StatusCode.NOT_FOUND
    )


# --- 4. aggregates follow the caller's scope (or are refused) ----------------------------------------------------


async def test_item4_tier_counts_simulation_and_stats_follow_the_scope(bank, rest) -> None:
    def counts(reply) -> dict[str, int]:
        return {t["name"]: int(t.get("customerCount", 0)) for t in reply.json()["tiers"]}

    everyone = counts(await rest.client.get("/v1/tiers", headers=await rest.login("hq_leader")))
    # IN: 张伟 diamond (3M), the IN company core (40M); OUT: 王芳 private banking (7M), the OUT company strategic
    tiers = ("tiers/private-banking", "tiers/diamond", "tiers/strategic", "tiers/core")
    assert [everyone[t] for t in tiers] == [1, 1, 1, 1]
    rm = await rest.login("rm_zhang")
    mine = counts(await rest.client.get("/v1/tiers", headers=rm))
    assert [mine[t] for t in tiers] == [0, 1, 0, 1]
    one = await rest.client.get("/v1/tiers/strategic", headers=rm)
    assert one.status_code == 200 and int(one.json().get("customerCount", 0)) == 0
    simulate = await rest.client.post("/v1/tierRuleSets/individual-v1:simulate", json={}, headers=rm)
    assert simulate.status_code == 403  # a tool for those who change the rules (tiers.manage)
    manager = await rest.login("branch_manager")
    assert (
        await rest.client.post("/v1/tierRuleSets/individual-v1:simulate", json={}, headers=manager)
    ).status_code == 403


# --- 5. masked digits cannot be uncovered through search ---------------------------------------------------------


async def test_item5_masked_callers_match_only_what_they_see(bank, rest) -> None:
    leader = await rest.login(MASKED_CALLER)

    async def found(query: str) -> list[str]:
        reply = await rest.client.get("/v1/customers:search", params={"query": query}, headers=leader)
        assert reply.status_code == 200, reply.text
        return [r["customer"]["name"] for r in reply.json().get("results", [])]

    phone = OUT.phone  # 13911113333, shown as 139****3333
    assert await found(phone[-4:]) == [OUT.customer_name]  # the visible tail still finds it
    assert await found(OUT.person_id[:4]) == [OUT.customer_name]  # and a visible head
    # Recovering the four hidden digits by prefix searches (the review needed 38) finds nothing any more.
    uncovered = [digit for digit in "0123456789" if await found(phone[:4].replace(phone[3], digit))]
    assert uncovered == []
    assert await found(phone[:7]) == [] and await found(OUT.person_id[:10]) == []
    assert await found(OUT.person_id[:-1] + "8") == []  # no typo tolerance on numbers for a masked caller
    assert await found(OUT.account[:12]) == [] and await found(OUT.account[-6:]) == []
    assert await found("王") == [] and await found("wang") == []  # no prefix of an individual's name
    assert await found("上海某某") == [f"customers/{OUT.corporate}"]  # a company's name is public
    # The full value still finds the customer (the caller must already know it), masked, and it is audited.
    assert await found(OUT.person_id) == [OUT.customer_name]
    reply = await rest.client.get("/v1/customers:search", params={"query": OUT.person_id}, headers=leader)
    assert reply.json()["results"][0]["matchedValue"] == domain.mask_id_number(OUT.person_id)
    async with bank.db.read() as session:
        queries = (
            await session.scalars(
                select(AccessRecordRow.search_query).where(AccessRecordRow.actor == "users/hq_leader")
            )
        ).all()
    assert OUT.person_id in queries


async def test_item5_lookups_of_personal_data_are_audited_for_every_role(bank) -> None:
    customers = bank.stubs["kam.customer.v1.CustomerService"]
    trail = bank.stubs["kam.customer.v1.AccessAuditService"]
    for caller in ("admin", "hq_leader", "compliance", "branch_manager", "rm_zhang"):
        for query in (OUT.person_id, "13600009999", NONE.account):  # found (or out of scope) and not found
            await customers.SearchCustomers(pb.SearchCustomersRequest(query=query), metadata=bank.md(caller))
    records = (
        await trail.ListAccessRecords(
            audit_service_pb2.ListAccessRecordsRequest(
                filter='method = "kam.customer.v1.CustomerService.SearchCustomers"', page_size=100
            ),
            metadata=bank.md("compliance"),
        )
    ).access_records
    seen = {(r.actor, r.search_query) for r in records}
    for caller in ("admin", "hq_leader", "compliance", "branch_manager", "rm_zhang"):
        for query in (OUT.person_id, "13600009999", NONE.account):
            assert (f"users/{caller}", query) in seen, (caller, query)
    empty = [r for r in records if r.search_query == "13600009999"]
    assert empty and all(r.customer_count == 0 for r in empty)
    rm_lookup = next(r for r in records if r.actor == "users/rm_zhang" and r.search_query == OUT.person_id)
    assert list(rm_lookup.customers) == []  # out of the RM's scope: nothing found, the attempt recorded


# --- 6. one masking rule per kind of personal data -----------------------------------------------------------------


async def test_item6_legal_representative_is_masked_like_every_person_name(bank, rest) -> None:
    leader = await rest.login(MASKED_CALLER)
    company = (await rest.client.get(f"/v1/customers/{IN.corporate}", headers=leader)).json()
    assert company["legalRepresentative"] == domain.mask_name(IN.legal_rep) != IN.legal_rep
    assert company["displayName"] == IN.company  # a company's name is not personal data
    shown = (
        await rest.client.get(f"/v1/customers/{IN.corporate}", headers=await rest.login("compliance"))
    ).json()
    assert shown["legalRepresentative"] == IN.legal_rep


def _string_fields(descriptor, seen=None):
    seen = set() if seen is None else seen
    if descriptor.full_name in seen or descriptor.full_name.startswith("google."):
        return
    seen.add(descriptor.full_name)
    for field in descriptor.fields:
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            if field.message_type.full_name == "google.type.Date":
                yield field
            yield from _string_fields(field.message_type, seen)
        elif field.type == FieldDescriptor.TYPE_STRING:
            yield field


def test_item6_every_response_field_is_classified() -> None:
    """Each string (and date) field of every customer-service response is either personal data with its one
    masking rule or listed as not personal with the reason: a new field cannot slip through unmasked."""
    from test_scope_matrix import METHODS

    unclassified = sorted(
        {
            field.full_name
            for method in METHODS
            for field in _string_fields(method.output_type)
            if field.full_name not in pii.FIELDS
            and field.full_name not in pii.NOT_PERSONAL
            and field.message_type is None
        }
    )
    assert unclassified == []
    dates = {
        field.full_name
        for method in METHODS
        for field in _string_fields(method.output_type)
        if field.message_type is not None and field.full_name.endswith("birth_date")
    }
    assert dates <= set(pii.FIELDS)


async def test_item6_every_personal_field_in_every_read_is_masked_for_a_masked_caller(bank) -> None:
    """Walk every read answer a masked caller gets about the IN side: every value of a field listed as personal
    data equals its masking rule's output, and none of the side's raw personal data appears anywhere."""
    from test_scope_matrix import METHODS, _call

    raw = [
        IN.person,
        IN.person_id,
        IN.phone,
        IN.legal_rep,
        IN.account,
        IN.contact_name,
        IN.contact_phone,
        "in@example.com",
        "上海市浦东新区世纪大道100号",
    ]
    checked = 0
    for method in METHODS:
        if method.name.startswith(("Get", "List", "Search")):
            _, reply = await _call(bank, method, MASKED_CALLER, IN)
            if reply is None:
                continue
            data = reply.SerializeToString().decode("utf-8", errors="replace")
            assert not [value for value in raw if value in data], method.full_name
            checked += _check_masked(reply)
    assert checked >= 10


def _check_masked(message) -> int:
    count = 0
    for field, value in message.ListFields():
        kind = pii.FIELDS.get(field.full_name)
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            assert kind != pii.BIRTH_DATE, f"{field.full_name} shown to a masked caller"
            for item in value if field.is_repeated else [value]:
                count += _check_masked(item)
        elif kind is not None and isinstance(value, str) and value:
            assert "*" in value or kind == pii.CUSTOMER_NAME, f"{field.full_name}: {value!r} not masked"
            count += 1
    return count


# --- 7. corporate structure across scopes ------------------------------------------------------------------------


async def test_item7_out_of_scope_group_companies_are_named_only(bank, rest) -> None:
    rm = await rest.login("rm_zhang")
    structure = (await rest.client.get(f"/v1/customers/{IN.corporate}/corporateStructure", headers=rm)).json()
    parent = structure["parents"][0]
    assert {k: v for k, v in parent.items() if v} == {
        "customer": f"customers/{OUT.corporate}",
        "role": "ROLE_PARENT",
        "shareholdingPercent": "51.00",
        "displayName": OUT.company,
        "restricted": True,
    }
    assert (await rest.client.get(f"/v1/customers/{OUT.corporate}", headers=rm)).status_code == 404
    assert (
        await rest.client.get(f"/v1/customers/{OUT.corporate}/corporateStructure", headers=rm)
    ).status_code == 404
    everyone = (
        await rest.client.get(
            f"/v1/customers/{IN.corporate}/corporateStructure", headers=await rest.login("hq_leader")
        )
    ).json()
    assert not everyone["parents"][0].get("restricted")
    # A group reaching outside the caller's scope is read-only to them: a member list is replaced as a whole.
    customers = bank.stubs["kam.customer.v1.CustomerService"]
    admin = bank.md("admin")
    for side in (IN, OUT):  # (the seed keeps each company in a group of its own: each may be in one group)
        await customers.DeleteCustomerGroup(
            pb.DeleteCustomerGroupRequest(name=f"customerGroups/{side.group}"), metadata=admin
        )
    group = await customers.CreateCustomerGroup(
        pb.CreateCustomerGroupRequest(
            customer_group=customer_pb2.CustomerGroup(
                display_name="跨分行集团",
                members=[
                    customer_pb2.GroupMember(
                        customer=f"customers/{OUT.corporate}", role=customer_pb2.GroupMember.ROLE_PARENT
                    ),
                    customer_pb2.GroupMember(
                        customer=f"customers/{IN.corporate}",
                        role=customer_pb2.GroupMember.ROLE_SUBSIDIARY,
                        parent_customer=f"customers/{OUT.corporate}",
                    ),
                ],
            )
        ),
        metadata=admin,
    )
    manager = bank.md("branch_manager")
    seen = (
        await customers.GetCustomerGroup(
            pb.GetCustomerGroupRequest(name=group.customer_group.name), metadata=manager
        )
    ).customer_group
    assert [m.restricted for m in seen.members] == [True, False]
    for call in (
        customers.UpdateCustomerGroup(
            pb.UpdateCustomerGroupRequest(
                customer_group=customer_pb2.CustomerGroup(name=seen.name, display_name="改名"),
                update_mask={"paths": ["display_name"]},
            ),
            metadata=manager,
        ),
        customers.DeleteCustomerGroup(pb.DeleteCustomerGroupRequest(name=seen.name), metadata=manager),
    ):
        assert await _status(call) == grpc.StatusCode.PERMISSION_DENIED


# --- 8. scan jobs: for those who run scans, without server paths or raw watermarks -------------------------------


async def test_item8_scan_jobs_only_for_operators_and_without_internals(bank, rest) -> None:
    admin = await rest.login("admin")
    created = await rest.client.post("/v1/scanJobs", json={"mode": "MODE_FULL"}, headers=admin)
    assert created.status_code == 200, created.text
    for user in ("rm_zhang", "branch_manager", "compliance"):
        headers = await rest.login(user)
        assert (await rest.client.get("/v1/scanJobs", headers=headers)).status_code == 403
        assert (await rest.client.get(f"/v1/{created.json()['name']}", headers=headers)).status_code == 403
    job = (await rest.client.get(f"/v1/{created.json()['name']}", headers=admin)).json()
    assert "/" not in job.get("mapping", "") and job.get("mapping", "").endswith(".toml")
    assert job.get("startWatermark", "") == job.get("endWatermark", "") == ""


# --- 10. impossible dates are INVALID_ARGUMENT naming the field --------------------------------------------------


@pytest.mark.parametrize(
    "birth",
    [(2026, 13, 1), (2026, 2, 30), (2147483646, 1, 1), (0, 5, 1)],
    ids=["month-13", "feb-30", "year-2147483646", "no-year"],
)
async def test_item10_impossible_birth_date_is_a_field_violation(bank, rest, birth) -> None:
    year, month, day = birth
    reply = await rest.client.post(
        f"/v1/customers/{IN.customer}/contacts",
        headers=await rest.login("rm_zhang"),
        json={"displayName": "周八", "birthDate": {"year": year, "month": month, "day": day}},
    )
    assert reply.status_code == 400, reply.text
    violations = [v for d in reply.json()["error"]["details"] for v in d.get("fieldViolations", [])]
    assert [v["field"] for v in violations] == ["contact.birth_date"]
    customers = bank.stubs["kam.customer.v1.CustomerService"]
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await customers.CreateContact(
            pb.CreateContactRequest(
                parent=IN.customer_name,
                contact=customer_pb2.Contact(
                    display_name="周八", birth_date=date_pb2.Date(year=year, month=month, day=day)
                ),
            ),
            metadata=bank.md("rm_zhang"),
        )
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_item10_times_and_amounts_out_of_range_are_field_violations(bank) -> None:
    customers = bank.stubs["kam.customer.v1.CustomerService"]
    tiers = bank.stubs["kam.customer.v1.TierService"]
    far = to_timestamp(T0)
    far.seconds = 10**15
    calls = {
        "interaction.occur_time": customers.CreateInteraction(
            pb.CreateInteractionRequest(
                parent=IN.customer_name,
                interaction=customer_pb2.Interaction(
                    type=customer_pb2.Interaction.TYPE_CALL, summary="x", occur_time=far
                ),
            ),
            metadata=bank.md("rm_zhang"),
        ),
        "tier_override.expire_time": tiers.CreateTierOverride(
            tier_service_pb2.CreateTierOverrideRequest(
                parent=IN.customer_name,
                tier_override=tier_pb2.TierOverride(tier="tiers/gold", reason="x", expire_time=far),
            ),
            metadata=bank.md("branch_manager"),
        ),
    }
    for field, call in calls.items():
        with pytest.raises(grpc.aio.AioRpcError) as error:
            await call
        assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT and field in error.value.details(), (
            field
        )


# --- 12. tokens not yet valid ---------------------------------------------------------------------------------------


async def test_item12_a_token_valid_only_in_an_hour_is_refused(bank, rest) -> None:
    from kam_kit.clock import ManualClock

    later = ManualClock(bank.clock.now() + timedelta(hours=1))
    early = auth.issue_token(
        auth.Identity(subject="users/admin", roles=("roles/admin",)),
        secret=bank.secret,
        clock=later,
        ttl=timedelta(hours=12),
    )  # iat and nbf an hour ahead
    reply = await rest.client.get(
        f"/v1/customers/{IN.customer}", headers={"Authorization": f"Bearer {early}"}
    )
    assert reply.status_code == 401, reply.text
    customers = bank.stubs["kam.customer.v1.CustomerService"]
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await customers.GetCustomer(
            pb.GetCustomerRequest(name=IN.customer_name), metadata=((auth.METADATA_KEY, auth.bearer(early)),)
        )
    assert error.value.code() == grpc.StatusCode.UNAUTHENTICATED
    async with bank.db.read() as session:  # nothing about the refused call reached the trail
        assert await session.scalar(select(func.count()).select_from(AccessRecordRow)) == 0


def test_masking_rules_are_the_domains() -> None:
    """The walker applies the domain's masking functions (one rule per kind)."""
    message = customer_pb2.Customer(
        type=customer_pb2.Customer.TYPE_INDIVIDUAL,
        display_name=IN.person,
        id_number=IN.person_id,
        phone=IN.phone,
        legal_representative="赵六",
    )
    pii.mask(message)
    assert (
        message.display_name,
        message.id_number,
        message.phone,
        message.legal_representative,
        message.masked,
    ) == (
        domain.mask_name(IN.person),
        domain.mask_id_number(IN.person_id),
        domain.mask_phone(IN.phone),
        "赵*",
        True,
    )
    assert re.fullmatch(r"\d{4}\*+\d{4}", pii.mask_account_number(IN.account))
