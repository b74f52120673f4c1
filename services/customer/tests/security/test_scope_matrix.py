"""Issue 11, items 1–4, for every method: each customer-service rpc (enumerated from the protos, not a hand list)
called by every demo role and internal system on an in-scope target, an out-of-scope target and a target that
does not exist.

- Without the method's declared permission: ``PERMISSION_DENIED``, whatever the target.
- A caller with a limited scope (branch manager, relationship manager) gets for an out-of-scope target exactly the
  answer a non-existent target gets (the status code; never data), the answer carries none of the out-of-scope
  side's identifiers or personal data, and nothing of that side changes (writes included).
- An in-scope target is reachable (never ``NOT_FOUND``) for a caller holding the permission.

Requests are built from each method's HTTP rule (its path variables name the target); write methods get a valid
body from :data:`BODIES`, and a method with a body but no entry there fails the test (a new method must be added).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import grpc
import pytest
from google.api import annotations_pb2
from google.protobuf import field_mask_pb2
from google.type import money_pb2
from kam.cdc.v1 import cdc_pb2
from kam.customer.v1 import (
    audit_service_pb2,
    customer_pb2,
    scan_pb2,
    scan_service_pb2,
    tier_pb2,
    tier_service_pb2,
)
from kam.customer.v1 import customer_service_pb2 as cpb
from kam_customer.adapters.orm import (
    ContactRow,
    CustomerGroupMemberRow,
    CustomerGroupRow,
    CustomerRow,
    InteractionRow,
    TransactionRow,
)
from kam_customer.domain.identifiers import resident_id_check_char
from kam_customer.tiering.orm import TierOverrideRow
from kam_kit import authz
from kam_kit.auth import Identity
from kam_kit.timeconv import to_timestamp
from security_testlib import CALLERS, IN, NONE, OUT, SCOPED, T0, Side
from sqlalchemy import select

_FILES = (cpb, tier_service_pb2, scan_service_pb2, audit_service_pb2)
#: In proto order, except that the in-scope manual tier is removed before another replaces it.
METHODS = sorted(
    (
        method
        for module in _FILES
        for service in module.DESCRIPTOR.services_by_name.values()
        for method in service.methods
    ),
    key=lambda m: m.name != "DeleteTierOverride",
)
Txn = customer_pb2.Transaction


def _valid_resident_id(serial: int) -> str:
    first17 = f"11010119900101{serial:03d}"
    return first17 + resident_id_check_char(first17)


def _target(template: str, side: Side, account_names) -> str:
    """A path template (``customers/*/accounts/*``) with each ``*`` the side's id for that collection."""
    ids = {
        "customers": side.customer,
        "accounts": account_names.key(side.account),
        "contacts": side.contact,
        "tierOverrides": side.override,
        "customerGroups": side.group,
        "tiers": "gold",
        "tierRuleSets": "individual-v1",
        "scanJobs": f"job-{side.tag}",
        "accessRecords": f"rec-{side.tag}",
        "interactions": f"i-{side.tag}",
    }
    parts = template.split("/")
    return "/".join(ids[parts[i - 1]] if part == "*" else part for i, part in enumerate(parts))


def _set(message, path: str, value) -> None:
    *head, last = path.split(".")
    for part in head:
        message = getattr(message, part)
    setattr(message, last, value)


def _money(units: int) -> money_pb2.Money:
    return money_pb2.Money(currency_code="CNY", units=units)


def _source_transaction(side: Side) -> cdc_pb2.SourceTransaction:
    return cdc_pb2.SourceTransaction(
        transaction_id=f"push-{side.tag}",
        account_number=side.account,
        direction=Txn.DIRECTION_DEBIT,
        amount=_money(100),
        balance_after=_money(99_999_999),
        post_time=to_timestamp(T0),
    )


#: A valid body for each method that takes one (the target comes from the path); ``side`` is IN, OUT or NONE.
BODIES: dict[str, Callable] = {
    "CreateCustomer": lambda r, s: r.customer.MergeFrom(
        customer_pb2.Customer(
            type=customer_pb2.Customer.TYPE_INDIVIDUAL,
            display_name="新客户",
            id_number=_valid_resident_id(len(s.tag)),
            branch=s.branch,
        )
    ),
    "UpdateCustomer": lambda r, s: (
        r.customer.MergeFrom(customer_pb2.Customer(industry="金融")),
        r.update_mask.MergeFrom(field_mask_pb2.FieldMask(paths=["industry"])),
    ),
    "SearchCustomers": lambda r, s: setattr(r, "query", s.person),
    "ListCustomers": lambda r, s: setattr(r, "filter", f'branch = "{s.branch}"'),
    "CreateTransaction": lambda r, s: (
        setattr(r, "transaction_id", f"tx-{s.tag}"),
        r.transaction.MergeFrom(
            Txn(
                direction=Txn.DIRECTION_CREDIT,
                amount=_money(10),
                balance_after=_money(99_999_999),
                post_time=to_timestamp(T0),
            )
        ),
    ),
    "CreateContact": lambda r, s: r.contact.MergeFrom(
        customer_pb2.Contact(display_name="周八", phone="13600001111")
    ),
    "UpdateContact": lambda r, s: (
        r.contact.MergeFrom(customer_pb2.Contact(title="子女")),
        r.update_mask.MergeFrom(field_mask_pb2.FieldMask(paths=["title"])),
    ),
    "CreateInteraction": lambda r, s: r.interaction.MergeFrom(
        customer_pb2.Interaction(type=customer_pb2.Interaction.TYPE_CALL, summary="电话回访")
    ),
    "CreateCustomerGroup": lambda r, s: r.customer_group.MergeFrom(
        customer_pb2.CustomerGroup(
            display_name="测试集团",
            members=[
                customer_pb2.GroupMember(
                    customer=f"customers/{s.corporate}", role=customer_pb2.GroupMember.ROLE_PARENT
                )
            ],
        )
    ),
    "UpdateCustomerGroup": lambda r, s: (
        r.customer_group.MergeFrom(customer_pb2.CustomerGroup(display_name="改名")),
        r.update_mask.MergeFrom(field_mask_pb2.FieldMask(paths=["display_name"])),
    ),
    "ListCustomerGroups": lambda r, s: setattr(r, "filter", f'members.customer = "customers/{s.corporate}"'),
    "CreateTier": lambda r, s: (
        setattr(r, "tier_id", f"t-{s.tag}"),
        r.tier.MergeFrom(tier_pb2.Tier(display_name=f"测试{s.tag}", rank=40 + len(s.tag))),
    ),
    "UpdateTier": lambda r, s: (
        r.tier.MergeFrom(tier_pb2.Tier(description="说明")),
        r.update_mask.MergeFrom(field_mask_pb2.FieldMask(paths=["description"])),
    ),
    "CreateTierRuleSet": lambda r, s: r.tier_rule_set.MergeFrom(
        tier_pb2.TierRuleSet(
            display_name="草稿",
            customer_type=customer_pb2.Customer.TYPE_INDIVIDUAL,
            rules=[
                tier_pb2.TierRule(
                    tier="tiers/gold",
                    condition=tier_pb2.TierCondition(
                        metric=tier_pb2.Metric.METRIC_ASSETS_UNDER_MANAGEMENT,
                        operator=tier_pb2.MetricCondition.Operator.OPERATOR_GREATER_THAN_OR_EQUAL,
                        value="500000",
                    ),
                )
            ],
        )
    ),
    "UpdateTierRuleSet": lambda r, s: r.tier_rule_set.MergeFrom(tier_pb2.TierRuleSet(display_name="改名")),
    "SimulateTierRuleSet": lambda r, s: None,
    "ActivateTierRuleSet": lambda r, s: None,
    "CreateTierOverride": lambda r, s: r.tier_override.MergeFrom(
        tier_pb2.TierOverride(
            tier="tiers/diamond", reason="特批", expire_time=to_timestamp(T0 + timedelta(days=30))
        )
    ),
    "CreateScanJob": lambda r, s: r.scan_job.MergeFrom(scan_pb2.ScanJob(mode=scan_pb2.ScanJob.MODE_FULL)),
    "CancelScanJob": lambda r, s: None,
    "IngestTransactions": lambda r, s: r.source_transactions.append(_source_transaction(s)),
    "StreamTransactions": lambda r, s: r.source_transactions.append(_source_transaction(s)),
    "ListAccessRecords": lambda r, s: setattr(r, "filter", f'customer = "customers/{s.customer}"'),
}
#: Methods whose target is a customer (by its path or by what the body names): out of scope ≡ not there.
BOUND = {
    "CreateCustomer",
    "SearchCustomers",
    "ListCustomers",
    "CreateCustomerGroup",
    "ListCustomerGroups",
    "IngestTransactions",
    "StreamTransactions",
    "ListAccessRecords",
}


def _request(method, side: Side, account_names):
    request = method.input_type._concrete_class()
    rule = method.GetOptions().Extensions[annotations_pb2.http]
    path = getattr(rule, rule.WhichOneof("pattern"))
    for variable in path.split("{")[1:]:
        field, _, template = variable.split("}")[0].partition("=")
        _set(request, field, _target(template, side, account_names))
    if rule.body or method.name in BODIES:
        assert method.name in BODIES, f"{method.full_name}: add a valid body to BODIES"
        BODIES[method.name](request, side)
    return request


def _bound(method) -> bool:
    rule = method.GetOptions().Extensions[annotations_pb2.http]
    path = getattr(rule, rule.WhichOneof("pattern"))
    return method.name in BOUND or "customers/" in path or "customerGroups/" in path


async def _call(bank, method, caller: str, side: Side):
    """(status code, response or None)."""
    stub = bank.stubs[method.containing_service.full_name]
    request = _request(method, side, bank.api.service.account_names)
    call = getattr(stub, method.name)
    try:
        if method.client_streaming:

            async def one():
                yield request

            reply = await call(one(), metadata=bank.md(caller), timeout=20)
        else:
            reply = await call(request, metadata=bank.md(caller), timeout=20)
    except grpc.aio.AioRpcError as error:
        return error.code(), None
    return grpc.StatusCode.OK, reply


async def _out_side(bank) -> dict[str, list]:
    """Everything of the OUT side that a write could change."""
    tables = {
        CustomerRow: CustomerRow.id.in_([OUT.customer, OUT.corporate]),
        ContactRow: ContactRow.customer_id == OUT.customer,
        InteractionRow: InteractionRow.customer_id == OUT.customer,
        TransactionRow: TransactionRow.customer_id == OUT.customer,
        TierOverrideRow: TierOverrideRow.customer_id == OUT.customer,
        CustomerGroupRow: CustomerGroupRow.id == OUT.group,
        CustomerGroupMemberRow: CustomerGroupMemberRow.customer_id == OUT.corporate,
    }
    out = {}
    async with bank.db.read() as session:
        for table, where in tables.items():
            rows = (await session.execute(select(table.__table__).where(where))).all()
            out[table.__tablename__] = sorted(tuple(map(str, row)) for row in rows)
    return out


def _identity(caller: str) -> Identity:
    spec = CALLERS[caller]
    return Identity(subject=f"x/{caller}", **spec)


def _leaks(reply, side: Side, account_names, *, include_companies: bool) -> list[str]:
    if reply is None:
        return []
    data = reply.SerializeToString().decode("utf-8", errors="replace")
    secrets = side.secrets(account_names)
    if not include_companies:  # an in-scope company's structure names its out-of-scope parent (item 7)
        secrets = [s for s in secrets if s not in (side.company, side.corporate)]
    return [secret for secret in secrets if secret in data]


@pytest.mark.parametrize("caller", list(CALLERS))
async def test_items1_to_4_every_method_every_caller_no_leak(bank, caller: str) -> None:
    identity = _identity(caller)
    names = bank.api.service.account_names
    before = await _out_side(bank)
    problems: list[str] = []
    for method in METHODS:
        rule = authz.declared_rule(method)
        assert rule is not None and rule.permission, method.full_name
        out = await _call(bank, method, caller, OUT)
        none = await _call(bank, method, caller, NONE)
        mine = await _call(bank, method, caller, IN)
        name = method.full_name
        if not identity.can(rule.permission):
            if {out[0], none[0], mine[0]} != {grpc.StatusCode.PERMISSION_DENIED}:
                problems.append(f"{name}: without {rule.permission}: {out[0]}, {none[0]}, {mine[0]}")
            continue
        if mine[0] in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED) and method.name not in (
            "GetScanJob",
            "CancelScanJob",
            "GetAccessRecord",
        ):  # (no such job or record exists)
            problems.append(f"{name}: in-scope target answered {mine[0]}")
        if caller in SCOPED:
            if _bound(method) and out[0] != none[0]:
                problems.append(f"{name}: out of scope {out[0]} but nothing there {none[0]}")
            for label, (_, reply) in (("out", out), ("none", none)):
                if leaked := _leaks(reply, OUT, names, include_companies=True):
                    problems.append(f"{name} ({label}): answer shows {leaked}")
            if leaked := _leaks(mine[1], OUT, names, include_companies=False):
                problems.append(f"{name} (in): answer shows {leaked}")
    assert not problems, "\n".join(problems)
    if caller in SCOPED:
        assert await _out_side(bank) == before, "an out-of-scope write landed"
