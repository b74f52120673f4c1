"""Grading, hysteresis, overrides, simulation and rule sets through the real service (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from kam.customer.v1 import customer_pb2, events_pb2, tier_pb2
from kam.customer.v1 import tier_service_pb2 as pb
from kam.customer.v1 import tier_service_pb2_grpc as pb_grpc
from kam.push.v1 import push_pb2
from kam_customer.adapters.orm import CustomerMetricsRow, CustomerRow
from kam_customer.tiering import engine
from kam_customer.tiering.orm import CustomerTierStateRow, TierHistoryRow, TierOverrideRow, TierRuleSetRow
from kam_kit.clock import ManualClock
from kam_kit.db import outbox_table
from kam_kit.timeconv import to_timestamp
from sqlalchemy import delete, select

Metric, Op = tier_pb2.Metric, tier_pb2.MetricCondition.Operator
M = 1_000_000


@pytest.fixture
async def app(start_customer_service):
    api = await start_customer_service(ManualClock())
    api.service.md = api.md
    return api.service


@pytest.fixture
async def tiers(app):
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{app.grpc.port}")
    yield pb_grpc.TierServiceStub(channel)
    await channel.close()


async def put_customer(app, customer_id: str, *, customer_type: str = "INDIVIDUAL", **metrics) -> None:
    now = app.test_clock.now()
    async with app.db.transaction() as session:
        if await session.get(CustomerRow, customer_id) is None:
            session.add(
                CustomerRow(
                    id=customer_id,
                    type=customer_type,
                    display_name=customer_id,
                    id_number="x",
                    branch="orgUnits/b1",
                    relationship_manager="staff/s1",
                    create_time=now,
                    update_time=now,
                )
            )
        await session.execute(delete(CustomerMetricsRow).where(CustomerMetricsRow.customer_id == customer_id))
        session.add(
            CustomerMetricsRow(
                customer_id=customer_id, as_of=date(2026, 1, 1), **{k: Decimal(v) for k, v in metrics.items()}
            )
        )


async def scan(app, scan_id: str = "scan-1", ids: list[str] | None = None) -> engine.GradeSummary:
    async with app.db.transaction() as session:
        return await engine.grade_customers(session, customer_ids=ids, scan_id=scan_id, clock=app.test_clock)


async def tier_of(app, customer_id: str) -> str:
    async with app.db.read() as session:
        return (await session.get(CustomerRow, customer_id)).tier


async def history(app, customer_id: str) -> list[TierHistoryRow]:
    async with app.db.read() as session:
        return list(
            (
                await session.scalars(
                    select(TierHistoryRow)
                    .where(TierHistoryRow.customer_id == customer_id)
                    .order_by(TierHistoryRow.seq)
                )
            ).all()
        )


async def tier_events(app) -> list[events_pb2.TierChanged]:
    async with app.db.read() as session:
        rows = (
            await session.execute(
                select(outbox_table.c.payload)
                .where(outbox_table.c.event_type == "kam.customer.v1.TierChanged")
                .order_by(outbox_table.c.seq)
            )
        ).all()
    return [events_pb2.TierChanged.FromString(r.payload) for r in rows]


def violations(error: grpc.aio.AioRpcError) -> dict[str, str]:
    out = {}
    for detail in rpc_status.from_call(error).details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            request = error_details_pb2.BadRequest()
            detail.Unpack(request)
            out.update({v.field: v.description for v in request.field_violations})
    return out


async def test_grading_writes_tiers_history_and_events(app) -> None:
    await put_customer(app, "p1", aum=7_345_210.55)
    await put_customer(app, "g1", aum=600_000)
    await put_customer(app, "n1", aum=10)
    await put_customer(app, "c1", customer_type="CORPORATE", aum=1, consolidated_aum=40 * M)
    summary = await scan(app)
    assert summary.evaluated == 4 and summary.changed == 3
    assert summary.tier_counts == {"tiers/private-banking": 1, "tiers/gold": 1, "": 1, "tiers/core": 1}
    assert [await tier_of(app, c) for c in ("p1", "g1", "n1", "c1")] == [
        "tiers/private-banking",
        "tiers/gold",
        "",
        "tiers/core",
    ]
    [entry] = await history(app, "p1")
    assert (entry.from_tier, entry.to_tier, entry.reason, entry.scan_id, entry.rule_set_version) == (
        "",
        "tiers/private-banking",
        "SCAN",
        "scan-1",
        1,
    )
    assert "资产管理规模 ≥ 6,000,000.00 (实际 7,345,210.55)" in entry.explanation
    assert entry.metrics["aum"] == "7345210.55"
    events = await tier_events(app)
    assert sorted(e.customer for e in events) == ["customers/c1", "customers/g1", "customers/p1"]
    p1 = next(e for e in events if e.customer == "customers/p1")
    assert p1.tier == "tiers/private-banking" and p1.branch == "orgUnits/b1"
    assert p1.assignment.rule_set == "tierRuleSets/individual-v1" and p1.assignment.rule_index == 0
    assert p1.assignment.name == f"customers/p1/tierAssignments/{entry.seq}"
    # grading again with the same metrics changes nothing and publishes nothing
    again = await scan(app, "scan-2")
    assert again.changed == 0 and len(await tier_events(app)) == 3 and len(await history(app, "p1")) == 1
    # a list of ids grades only those
    await put_customer(app, "g1", aum=2 * M)
    await put_customer(app, "n1", aum=2 * M)
    assert (await scan(app, "scan-3", ids=["g1"])).evaluated == 1
    assert await tier_of(app, "g1") == "tiers/diamond" and await tier_of(app, "n1") == ""


async def test_hysteresis_defers_downgrades_and_resets_on_recovery(app) -> None:
    await put_customer(app, "d1", aum=2 * M)
    await scan(app, "s1")
    await put_customer(app, "d1", aum=600_000)  # gold by the rules
    held = await scan(app, "s2")
    assert held.held == 1 and await tier_of(app, "d1") == "tiers/diamond"
    async with app.db.read() as session:
        state = await session.get(CustomerTierStateRow, "d1")
    assert (state.graded_tier, state.verdict_tier, state.below_count) == ("tiers/diamond", "tiers/gold", 1)
    await put_customer(app, "d1", aum=2 * M)  # back above: counter resets
    await scan(app, "s3")
    await put_customer(app, "d1", aum=600_000)
    await scan(app, "s4")
    assert await tier_of(app, "d1") == "tiers/diamond"  # only 1 consecutive scan below again
    await scan(app, "s5")
    assert await tier_of(app, "d1") == "tiers/gold"
    assert [(h.reason, h.from_tier, h.to_tier, h.scan_id) for h in await history(app, "d1")] == [
        ("SCAN", "", "tiers/diamond", "s1"),
        ("HYSTERESIS_HOLD", "tiers/diamond", "tiers/diamond", "s2"),
        ("HYSTERESIS_HOLD", "tiers/diamond", "tiers/diamond", "s4"),
        ("SCAN", "tiers/diamond", "tiers/gold", "s5"),
    ]
    assert [e.tier for e in await tier_events(app)] == ["tiers/diamond", "tiers/gold"]
    await put_customer(app, "d1", aum=7 * M)  # upgrades are immediate
    await scan(app, "s6")
    assert await tier_of(app, "d1") == "tiers/private-banking"


async def test_override_needs_authority_and_expires(app, tiers) -> None:
    await put_customer(app, "o1", aum=600_000)
    await scan(app, "s1")
    expire = app.test_clock.now() + timedelta(days=7)
    request = pb.CreateTierOverrideRequest(
        parent="customers/o1",
        tier_override=tier_pb2.TierOverride(
            tier="tiers/diamond", reason="总行特批", expire_time=to_timestamp(expire)
        ),
    )
    with pytest.raises(grpc.aio.AioRpcError) as denied:
        await tiers.CreateTierOverride(
            request, metadata=app.md("roles/relationship_manager", org_unit="orgUnits/b1"), timeout=10
        )
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert await tier_of(app, "o1") == "tiers/gold"
    bad = pb.CreateTierOverrideRequest(
        parent="customers/o1",
        tier_override=tier_pb2.TierOverride(
            tier="tiers/strategic", expire_time=to_timestamp(app.test_clock.now() - timedelta(days=1))
        ),
    )
    with pytest.raises(grpc.aio.AioRpcError) as invalid:
        await tiers.CreateTierOverride(bad, metadata=app.md("roles/admin"), timeout=10)
    assert set(violations(invalid.value)) == {
        "tier_override.tier",
        "tier_override.reason",
        "tier_override.expire_time",
    }

    created = await tiers.CreateTierOverride(
        request, metadata=app.md("roles/branch_manager", org_unit="orgUnits/b1"), timeout=10
    )
    assert created.tier_override.name.startswith("customers/o1/tierOverrides/")
    assert created.tier_override.creator == "users/u1"
    assert await tier_of(app, "o1") == "tiers/diamond"
    await scan(app, "s2")  # the override holds while in force
    assert await tier_of(app, "o1") == "tiers/diamond"
    got = await tiers.GetCustomerTier(
        pb.GetCustomerTierRequest(name="customers/o1/tier"),
        metadata=app.md("roles/head_office_leader"),
        timeout=10,
    )
    assert got.customer_tier.tier == "tiers/diamond" and got.customer_tier.graded_tier == "tiers/gold"
    assert got.customer_tier.override.reason == "总行特批"
    assert "金卡" in got.customer_tier.assignment.explanation

    app.test_clock.advance(timedelta(days=8))
    summary = await scan(app, "s3")
    assert summary.overrides_expired == 1 and await tier_of(app, "o1") == "tiers/gold"
    reasons = [(h.reason, h.from_tier, h.to_tier) for h in await history(app, "o1")]
    assert reasons == [
        ("SCAN", "", "tiers/gold"),
        ("OVERRIDE", "tiers/gold", "tiers/diamond"),
        ("OVERRIDE_EXPIRED", "tiers/diamond", "tiers/gold"),
    ]
    async with app.db.read() as session:
        override = await session.scalar(select(TierOverrideRow))
    assert override.end_reason == "EXPIRED" and override.end_time is not None
    listed = await tiers.ListTierAssignments(
        pb.ListTierAssignmentsRequest(parent="customers/o1", page_size=2),
        metadata=app.md("roles/head_office_leader"),
        timeout=10,
    )
    assert [a.reason for a in listed.tier_assignments] == [
        tier_pb2.TierAssignment.REASON_OVERRIDE_EXPIRED,
        tier_pb2.TierAssignment.REASON_OVERRIDE,
    ]
    assert listed.tier_assignments[1].actor == "users/u1" and listed.next_page_token


async def test_delete_override_restores_graded_tier(app, tiers) -> None:
    await put_customer(app, "o2", aum=600_000)
    await scan(app)
    admin = app.md("roles/admin")
    created = await tiers.CreateTierOverride(
        pb.CreateTierOverrideRequest(
            parent="customers/o2",
            tier_override=tier_pb2.TierOverride(
                tier="tiers/platinum",
                reason="临时",
                expire_time=to_timestamp(app.test_clock.now() + timedelta(days=1)),
            ),
        ),
        metadata=admin,
        timeout=10,
    )
    await tiers.DeleteTierOverride(
        pb.DeleteTierOverrideRequest(name=created.tier_override.name), metadata=admin, timeout=10
    )
    assert await tier_of(app, "o2") == "tiers/gold"
    assert (await history(app, "o2"))[-1].reason == "OVERRIDE_REMOVED"


def _candidate(tier_id: str, zh: str, threshold: str) -> tier_pb2.TierRuleSet:
    return tier_pb2.TierRuleSet(
        display_name="测试规则",
        customer_type=customer_pb2.Customer.TYPE_INDIVIDUAL,
        rules=[
            tier_pb2.TierRule(
                tier=f"tiers/{tier_id}",
                tier_display_name=zh,
                condition=tier_pb2.TierCondition(
                    match=tier_pb2.TierCondition.MATCH_ANY,
                    conditions=[
                        tier_pb2.TierCondition(
                            metric=Metric.METRIC_ASSETS_UNDER_MANAGEMENT,
                            operator=Op.OPERATOR_GREATER_THAN_OR_EQUAL,
                            value=threshold,
                        )
                    ],
                ),
            )
        ],
    )


async def _snapshot(app) -> dict[str, list]:
    tables = [CustomerRow, CustomerTierStateRow, TierHistoryRow, TierOverrideRow, TierRuleSetRow]
    out = {}
    async with app.db.read() as session:
        for table in tables:
            rows = (await session.scalars(select(table))).all()
            out[table.__tablename__] = sorted(
                repr({c.key: getattr(r, c.key) for c in table.__mapper__.column_attrs}) for r in rows
            )
        out["outbox"] = (await session.execute(select(outbox_table.c.event_id))).all()
    return out


async def test_simulation_changes_nothing_and_gives_the_matrix(app, tiers) -> None:
    for cid, aum in {"a": 7 * M, "b": 3 * M, "c": 1_200_000, "d": 600_000, "e": 10}.items():
        await put_customer(app, cid, aum=aum)
    await scan(app)
    before = await _snapshot(app)
    response = await tiers.SimulateTierRuleSet(
        pb.SimulateTierRuleSetRequest(
            name="-", tier_rule_set=_candidate("star", "明星", "2500000"), sample_size=5
        ),
        metadata=app.md("roles/head_office_leader"),
        timeout=10,
    )
    assert await _snapshot(app) == before
    assert response.evaluated_count == 5 and response.changed_count == 4
    matrix = {(t.from_tier, t.to_tier): t.customer_count for t in response.transitions}
    assert matrix == {
        ("tiers/private-banking", "tiers/star"): 1,
        ("tiers/diamond", "tiers/star"): 1,
        ("tiers/platinum", ""): 1,
        ("tiers/gold", ""): 1,
        ("", ""): 1,
    }
    assert {(c.tier, c.display_name, c.customer_count) for c in response.tier_counts} == {
        ("tiers/star", "明星", 2),
        ("", "未定级", 3),
    }
    samples = {(s.from_tier, s.to_tier): list(s.customers) for s in response.samples}
    assert samples[("tiers/platinum", "")] == ["customers/c"]


async def test_invalid_rule_set_names_the_condition(app, tiers) -> None:
    candidate = _candidate("star", "明星", "lots")
    candidate.rules[0].condition.conditions.append(
        tier_pb2.TierCondition(
            metric=Metric.METRIC_CONSOLIDATED_AUM, operator=Op.OPERATOR_GREATER_THAN, value="1"
        )
    )
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await tiers.CreateTierRuleSet(
            pb.CreateTierRuleSetRequest(tier_rule_set=candidate), metadata=app.md("roles/admin"), timeout=10
        )
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(violations(caught.value)) == {
        "tier_rule_set.rules[0].condition.conditions[0].value",
        "tier_rule_set.rules[0].condition.conditions[1].metric",
    }


async def test_activation_versions_and_regrades(app, tiers) -> None:
    await put_customer(app, "a", aum=3 * M)
    await put_customer(app, "b", aum=600_000)
    await scan(app)
    admin = app.md("roles/admin")
    draft = (
        await tiers.CreateTierRuleSet(
            pb.CreateTierRuleSetRequest(tier_rule_set=_candidate("star", "明星", "1000000")),
            metadata=admin,
            timeout=10,
        )
    ).tier_rule_set
    assert draft.state == tier_pb2.TierRuleSet.STATE_DRAFT and draft.version == 0
    for role in ("roles/relationship_manager", "roles/branch_manager"):  # may not change the rules
        with pytest.raises(grpc.aio.AioRpcError) as denied:
            await tiers.ActivateTierRuleSet(
                pb.ActivateTierRuleSetRequest(name=draft.name, etag=draft.etag),
                metadata=app.md(role),
                timeout=10,
            )
        assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.aio.AioRpcError) as stale:
        await tiers.ActivateTierRuleSet(
            pb.ActivateTierRuleSetRequest(name=draft.name, etag="v999"), metadata=admin, timeout=10
        )
    assert stale.value.code() == grpc.StatusCode.ABORTED
    active = (
        await tiers.ActivateTierRuleSet(
            pb.ActivateTierRuleSetRequest(name=draft.name, etag=draft.etag), metadata=admin, timeout=10
        )
    ).tier_rule_set
    assert active.state == tier_pb2.TierRuleSet.STATE_ACTIVE and active.version == 2
    # re-graded at once, both directions (no hysteresis for a deliberate rule change)
    assert await tier_of(app, "a") == "tiers/star" and await tier_of(app, "b") == ""
    assert (await history(app, "b"))[-1].reason == "RULE_SET_ACTIVATED"
    listed = await tiers.ListTierRuleSets(
        pb.ListTierRuleSetsRequest(filter="customer_type = TYPE_INDIVIDUAL"), metadata=admin, timeout=10
    )
    assert {(r.name, r.state) for r in listed.tier_rule_sets} == {
        (draft.name, tier_pb2.TierRuleSet.STATE_ACTIVE),
        ("tierRuleSets/individual-v1", tier_pb2.TierRuleSet.STATE_ARCHIVED),
    }
    async with app.db.read() as session:
        assert await engine.candidate_floor(session, "INDIVIDUAL") == {"aum": Decimal("800000.00")}


async def test_defaults_are_seeded_when_missing(app) -> None:
    async with app.db.transaction() as session:
        await session.execute(delete(TierRuleSetRow))
    await put_customer(app, "p", aum=7 * M)
    await scan(app)
    assert await tier_of(app, "p") == "tiers/private-banking"
    async with app.db.read() as session:
        versions = (await session.execute(select(TierRuleSetRow.id, TierRuleSetRow.version))).all()
    assert sorted(versions) == [("corporate-v1", 1), ("individual-v1", 1)]


async def test_a_key_customers_tier_change_is_pushed_to_its_relationship_manager(app, tiers) -> None:
    """A shown 360 or list refreshes without a reload: the change of a graded customer's tier is pushed to its
    relationship manager's console (no personal data in it); the first grading is not."""
    await put_customer(app, "p1", aum=600_000)
    await scan(app)
    assert await _pushes(app) == []  # entering the tiers: a first grading, no push
    await tiers.CreateTierOverride(
        pb.CreateTierOverrideRequest(
            parent="customers/p1",
            tier_override=tier_pb2.TierOverride(
                tier="tiers/platinum",
                reason="重点维护",
                expire_time=to_timestamp(app.test_clock.now() + timedelta(days=1)),
            ),
        ),
        metadata=app.md("roles/admin"),
        timeout=10,
    )
    (pushed,) = await _pushes(app)
    assert (list(pushed.recipients), pushed.kind, pushed.resource) == (
        ["staff/s1"],
        "customer.tierChanged",
        "customers/p1",
    )
    assert dict(pushed.data) == {"previous_tier": "tiers/gold", "tier": "tiers/platinum"}


async def _pushes(app) -> list[push_pb2.PushRequested]:
    async with app.db.read() as session:
        rows = await session.execute(
            select(outbox_table.c.payload).where(
                outbox_table.c.event_type == push_pb2.PushRequested.DESCRIPTOR.full_name
            )
        )
        return [push_pb2.PushRequested.FromString(payload) for (payload,) in rows]
