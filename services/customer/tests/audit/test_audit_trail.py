"""The customer service's changes on the kit's audit trail (kam_kit.audit), over real gRPC on SQLite and
PostgreSQL: one record per mutation with the changed fields before and after, in the mutation's own transaction
(a failed mutation writes none), views of personal data on the same trail, sealed into a verifiable chain."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import grpc
import pytest
from audit_testlib import PERSON_ID, T0, seed
from customer_testlib import call_metadata
from google.protobuf import field_mask_pb2, timestamp_pb2
from kam.customer.v1 import customer_pb2, tier_pb2, tier_service_pb2, tier_service_pb2_grpc
from kam.customer.v1 import customer_service_pb2 as pb
from kam_customer.adapters.orm import CustomerRow
from kam_kit import audit
from kam_kit.clock import ManualClock
from kam_kit.db import audit_table
from sqlalchemy import select, text

Customer = customer_pb2.Customer
NOW = T0 + timedelta(days=30)


async def _trail(app, *where) -> list:
    async with app.db.read() as session:
        return list(
            (
                await session.execute(
                    select(audit_table)
                    .where(audit_table.c.kind == "change", *where)
                    .order_by(audit_table.c.id)
                )
            ).all()
        )


async def test_an_update_writes_one_record_of_the_changed_fields(app, customers, md) -> None:
    got = await customers.GetCustomer(
        pb.GetCustomerRequest(name="customers/c1"), metadata=md("roles/admin"), timeout=5
    )
    await customers.UpdateCustomer(
        pb.UpdateCustomerRequest(
            customer=Customer(name="customers/c1", phone="13900002222", etag=got.customer.etag),
            update_mask=field_mask_pb2.FieldMask(paths=["phone"]),
        ),
        metadata=md("roles/admin", subject="users/zhang", display_name="张经理", org_unit="orgUnits/sh"),
        timeout=5,
    )

    (record,) = await _trail(app)
    assert (record.service, record.action, record.resource) == (
        "customer",
        "customers.update",
        "customers/c1",
    )
    assert (
        record.actor,
        record.actor_kind,
        record.actor_display_name,
        record.actor_roles,
        record.actor_org_unit,
    ) == ("users/zhang", "user", "张经理", ["roles/admin"], "orgUnits/sh")
    # only what changed: the phone (personal data is kept: compliance needs it), the version, the update time
    assert record.before == {"phone": "13812345678", "version": 1, "update_time": T0.isoformat()}
    assert record.after == {"phone": "13900002222", "version": 2, "update_time": NOW.isoformat()}
    assert record.request_id == "req-users/zhang"
    assert "127.0.0.1" in record.address and record.client.startswith("grpc-python")


async def test_a_failed_mutation_writes_no_record(app, customers, md) -> None:
    stale = customers.UpdateCustomer(
        pb.UpdateCustomerRequest(
            customer=Customer(name="customers/c1", phone="13900002222", etag="v9"),
            update_mask=field_mask_pb2.FieldMask(paths=["phone"]),
        ),
        metadata=md("roles/admin"),
        timeout=5,
    )
    with pytest.raises(grpc.aio.AioRpcError) as failed:
        await stale
    assert failed.value.code() == grpc.StatusCode.ABORTED
    bad = customers.CreateCustomer(
        pb.CreateCustomerRequest(
            customer=Customer(type=Customer.TYPE_INDIVIDUAL, display_name="", id_number="x")
        ),
        metadata=md("roles/admin"),
        timeout=5,
    )
    with pytest.raises(grpc.aio.AioRpcError):
        await bad
    assert await _trail(app) == []


async def test_the_record_commits_with_the_change_or_neither_does(app, customers, md) -> None:
    """The record is written in the mutation's transaction: when it cannot be written, the change rolls back."""
    async with app.db.transaction() as session:
        await session.execute(text("DROP TABLE kam_audit_records"))
    with pytest.raises(grpc.aio.AioRpcError) as failed:
        await customers.UpdateCustomer(
            pb.UpdateCustomerRequest(
                customer=Customer(name="customers/c1", phone="13900002222", etag="v1"),
                update_mask=field_mask_pb2.FieldMask(paths=["phone"]),
            ),
            metadata=md("roles/admin"),
            timeout=5,
        )
    assert failed.value.code() == grpc.StatusCode.INTERNAL
    async with app.db.read() as session:
        row = await session.get(CustomerRow, "c1")
    assert (row.phone, row.version) == ("13812345678", 1)


async def test_create_and_delete_keep_the_whole_resource(app, customers, md) -> None:
    admin = md("roles/admin")
    made = (
        await customers.CreateCustomer(
            pb.CreateCustomerRequest(
                customer=Customer(
                    type=Customer.TYPE_INDIVIDUAL,
                    display_name="张伟",
                    id_number=PERSON_ID,
                    phone="13812340000",
                    branch="orgUnits/sh",
                )
            ),
            metadata=admin,
            timeout=5,
        )
    ).customer
    await customers.DeleteCustomer(
        pb.DeleteCustomerRequest(name=made.name, etag=made.etag), metadata=admin, timeout=5
    )
    created, deleted = await _trail(app)
    assert (created.action, created.resource, created.before) == ("customers.create", made.name, {})
    assert {k: created.after[k] for k in ("display_name", "id_number", "phone", "branch", "source")} == {
        "display_name": "张伟",
        "id_number": PERSON_ID,
        "phone": "13812340000",
        "branch": "orgUnits/sh",
        "source": "MANUAL",
    }
    assert (deleted.action, deleted.resource, deleted.after) == ("customers.delete", made.name, {})
    assert deleted.before["id_number"] == PERSON_ID


async def test_contacts_and_interactions(app, customers, md) -> None:
    admin = md("roles/admin")
    contact = (
        await customers.CreateContact(
            pb.CreateContactRequest(
                parent="customers/c1", contact=customer_pb2.Contact(display_name="王财务", title="财务负责人")
            ),
            metadata=admin,
            timeout=5,
        )
    ).contact
    updated = (
        await customers.UpdateContact(
            pb.UpdateContactRequest(
                contact=customer_pb2.Contact(name=contact.name, title="财务总监", etag=contact.etag),
                update_mask=field_mask_pb2.FieldMask(paths=["title"]),
            ),
            metadata=admin,
            timeout=5,
        )
    ).contact
    await customers.DeleteContact(
        pb.DeleteContactRequest(name=contact.name, etag=updated.etag), metadata=admin, timeout=5
    )
    when = timestamp_pb2.Timestamp()
    when.FromDatetime(datetime(2026, 1, 20, tzinfo=UTC))
    made = (
        await customers.CreateInteraction(
            pb.CreateInteractionRequest(
                parent="customers/c1",
                interaction=customer_pb2.Interaction(
                    type=customer_pb2.Interaction.TYPE_CALL, summary="电话回访", occur_time=when
                ),
            ),
            metadata=admin,
            timeout=5,
        )
    ).interaction
    records = await _trail(app)
    assert [(r.action, r.resource) for r in records] == [
        ("contacts.create", contact.name),
        ("contacts.update", contact.name),
        ("contacts.delete", contact.name),
        ("interactions.create", made.name),
    ]
    assert records[1].before["title"] == "财务负责人" and records[1].after["title"] == "财务总监"
    assert records[2].before["display_name"] == "王财务" and records[2].after == {}
    assert records[3].after["summary"] == "电话回访"


async def test_tier_overrides_and_rule_sets(app, channel, md) -> None:
    tiers = tier_service_pb2_grpc.TierServiceStub(channel)
    admin = md("roles/admin")
    expire = timestamp_pb2.Timestamp()
    expire.FromDatetime(NOW + timedelta(days=30))
    override = (
        await tiers.CreateTierOverride(
            tier_service_pb2.CreateTierOverrideRequest(
                parent="customers/c1",
                tier_override=tier_pb2.TierOverride(
                    tier="tiers/diamond", reason="总行批准", expire_time=expire
                ),
            ),
            metadata=admin,
            timeout=10,
        )
    ).tier_override
    (record,) = await _trail(app)
    assert (record.action, record.resource) == ("tierOverrides.create", override.name)
    assert record.after["tier"] == "tiers/diamond" and record.after["reason"] == "总行批准"


async def test_views_of_personal_data_are_on_the_same_trail(app, customers, md) -> None:
    await customers.GetCustomer(
        pb.GetCustomerRequest(name="customers/c1"), metadata=md("roles/admin"), timeout=5
    )
    async with app.db.read() as session:
        (view,) = (await session.execute(select(audit_table).where(audit_table.c.kind == "view"))).all()
    assert (view.action, view.resource, view.actor) == ("personal_data.view", "customers/c1", "users/u1")
    assert view.details["resources"] == ["customers/c1"] and view.details["resource_count"] == 1
    assert view.details["kinds"] == ["ADDRESS", "ID_NUMBER", "NAME", "PHONE"]
    assert view.details["method"] == "kam.customer.v1.CustomerService.GetCustomer"
    assert view.details["access_record"].startswith("accessRecords/")


async def test_the_running_service_seals_its_trail(start_customer_service, token_secret) -> None:
    api = await start_customer_service(ManualClock(NOW), seal_audit=True)
    await seed(api.service.db)
    admin = call_metadata(token_secret, api.clock, "roles/admin", subject="users/u1", request_id="r1")
    for phone in ("13900000001", "13900000002"):
        got = await api.client.GetCustomer(
            pb.GetCustomerRequest(name="customers/c1"), metadata=admin, timeout=5
        )
        await api.client.UpdateCustomer(
            pb.UpdateCustomerRequest(
                customer=Customer(name="customers/c1", phone=phone, etag=got.customer.etag),
                update_mask=field_mask_pb2.FieldMask(paths=["phone"]),
            ),
            metadata=admin,
            timeout=5,
        )
    await api.service.sealer.seal()  # what the background sealer does after each commit, now
    async with api.service.db.read() as session:
        rows = (await session.execute(select(audit_table).order_by(audit_table.c.sequence))).all()
    assert [r.sequence for r in rows] == [1, 2, 3, 4, 5, 6]
    # the read, the change, the update's unmasked answer — twice, in commit order
    assert [r.kind for r in rows] == ["view", "change", "view"] * 2
    assert await audit.verify_chain(api.service.db) is None


async def test_groups_tiers_and_rule_sets(app, customers, channel, md) -> None:
    admin = md("roles/admin")
    Member = customer_pb2.GroupMember
    group = (
        await customers.CreateCustomerGroup(
            pb.CreateCustomerGroupRequest(
                customer_group=customer_pb2.CustomerGroup(
                    display_name="某某集团",
                    members=[Member(customer="customers/g1", role=Member.ROLE_PARENT)],
                )
            ),
            metadata=admin,
            timeout=5,
        )
    ).customer_group
    renamed = (
        await customers.UpdateCustomerGroup(
            pb.UpdateCustomerGroupRequest(
                customer_group=customer_pb2.CustomerGroup(
                    name=group.name, display_name="某某控股集团", etag=group.etag
                ),
                update_mask=field_mask_pb2.FieldMask(paths=["display_name"]),
            ),
            metadata=admin,
            timeout=5,
        )
    ).customer_group
    await customers.DeleteCustomerGroup(
        pb.DeleteCustomerGroupRequest(name=group.name, etag=renamed.etag), metadata=admin, timeout=5
    )
    tiers = tier_service_pb2_grpc.TierServiceStub(channel)
    tier = (
        await tiers.CreateTier(
            tier_service_pb2.CreateTierRequest(
                tier_id="star", tier=tier_pb2.Tier(display_name="明星", rank=9)
            ),
            metadata=admin,
            timeout=10,
        )
    ).tier
    await tiers.DeleteTier(tier_service_pb2.DeleteTierRequest(name=tier.name), metadata=admin, timeout=10)
    Metric, Op = tier_pb2.Metric, tier_pb2.MetricCondition.Operator
    draft = (
        await tiers.CreateTierRuleSet(
            tier_service_pb2.CreateTierRuleSetRequest(
                tier_rule_set=tier_pb2.TierRuleSet(
                    display_name="测试规则",
                    customer_type=Customer.TYPE_INDIVIDUAL,
                    rules=[
                        tier_pb2.TierRule(
                            tier="tiers/star",
                            tier_display_name="明星",
                            condition=tier_pb2.TierCondition(
                                match=tier_pb2.TierCondition.MATCH_ANY,
                                conditions=[
                                    tier_pb2.TierCondition(
                                        metric=Metric.METRIC_ASSETS_UNDER_MANAGEMENT,
                                        operator=Op.OPERATOR_GREATER_THAN_OR_EQUAL,
                                        value="1000000",
                                    )
                                ],
                            ),
                        )
                    ],
                )
            ),
            metadata=admin,
            timeout=10,
        )
    ).tier_rule_set
    await tiers.ActivateTierRuleSet(
        tier_service_pb2.ActivateTierRuleSetRequest(name=draft.name, etag=draft.etag),
        metadata=admin,
        timeout=10,
    )
    records = await _trail(app)
    assert [(r.action, r.resource) for r in records] == [
        ("customerGroups.create", group.name),
        ("customerGroups.update", group.name),
        ("customerGroups.delete", group.name),
        ("tiers.create", "tiers/star"),
        ("tiers.delete", "tiers/star"),
        ("tierRuleSets.create", draft.name),
        ("tierRuleSets.activate", draft.name),
    ]
    assert records[0].after["members"][0]["customer_id"] == "g1"
    assert (
        records[1].before["display_name"] == "某某集团" and records[1].after["display_name"] == "某某控股集团"
    )
    assert "members" not in records[1].after  # unchanged
    assert records[6].before["state"] == "DRAFT" and records[6].after["state"] == "ACTIVE"


async def test_an_ingestion_batch_is_one_record(app, channel, token_secret) -> None:
    from google.type import money_pb2
    from kam.cdc.v1 import cdc_pb2
    from kam.customer.v1 import scan_service_pb2, scan_service_pb2_grpc
    from kam_kit import auth
    from kam_kit.timeconv import to_timestamp

    token = auth.issue_service_token(
        "core-banking", token_secret, clock=app.test_clock, permissions=("transactions.ingest",)
    )
    txns = [
        cdc_pb2.SourceTransaction(
            transaction_id=f"P-{n}",
            account_number="6222020200001234",
            direction=cdc_pb2.SourceTransaction.DIRECTION_DEBIT,
            amount=money_pb2.Money(currency_code="CNY", units=10),
            post_time=to_timestamp(NOW - timedelta(hours=1)),
        )
        for n in range(3)
    ]
    ingestion = scan_service_pb2_grpc.IngestionServiceStub(channel)
    await ingestion.IngestTransactions(
        scan_service_pb2.IngestTransactionsRequest(source_transactions=txns),
        metadata=((auth.METADATA_KEY, auth.bearer(token)),),
        timeout=10,
    )
    (record,) = await _trail(app)
    assert (record.action, record.actor, record.actor_kind) == (
        "transactions.ingest",
        "services/core-banking",
        "service",
    )
    assert record.details == {
        "channel": "grpc",
        "transactions": ["P-0", "P-1", "P-2"],
        "received": 3,
        "stored": 3,
        "duplicates": 0,
        "ignored": 0,
        "rejected": 0,
    }
