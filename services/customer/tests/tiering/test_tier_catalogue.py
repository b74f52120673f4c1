"""The tier catalogue (CreateTier … DeleteTier) and how rule sets reference it, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import grpc
import pytest
from google.protobuf import field_mask_pb2
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from kam.customer.v1 import customer_pb2, tier_pb2
from kam.customer.v1 import tier_service_pb2 as pb
from kam_kit.timeconv import to_timestamp
from test_grading import M, Metric, Op, put_customer, scan, tier_of, violations

Tier = tier_pb2.Tier
SEEDED = [
    ("tiers/private-banking", "私人银行", 1),
    ("tiers/diamond", "钻石", 2),
    ("tiers/platinum", "白金", 3),
    ("tiers/gold", "金卡", 4),
    ("tiers/strategic", "战略", 5),
    ("tiers/core", "核心", 6),
    ("tiers/important", "重点", 7),
]


async def _failure(call) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value


def _reason(error: grpc.aio.AioRpcError) -> str:
    for detail in rpc_status.from_call(error).details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            return info.reason
    return ""


def _rule_set(*rules: tier_pb2.TierRule) -> tier_pb2.TierRuleSet:
    return tier_pb2.TierRuleSet(
        display_name="测试规则", customer_type=customer_pb2.Customer.TYPE_INDIVIDUAL, rules=list(rules)
    )


def _rule(tier: str, threshold: str, display_name: str = "") -> tier_pb2.TierRule:
    return tier_pb2.TierRule(
        tier=tier,
        tier_display_name=display_name,
        condition=tier_pb2.TierCondition(
            metric=Metric.METRIC_ASSETS_UNDER_MANAGEMENT,
            operator=Op.OPERATOR_GREATER_THAN_OR_EQUAL,
            value=threshold,
        ),
    )


async def test_catalogue_is_seeded_and_counts_customers(app, tiers) -> None:
    await put_customer(app, "p", aum=7 * M)
    await put_customer(app, "g", aum=600_000)
    await put_customer(app, "n", aum=10)
    await scan(app)
    leader = app.md("roles/head_office_leader")
    listed = (await tiers.ListTiers(pb.ListTiersRequest(), metadata=leader)).tiers
    assert [(t.name, t.display_name, t.rank) for t in listed] == SEEDED
    assert {t.name: t.customer_count for t in listed if t.customer_count} == {
        "tiers/private-banking": 1,
        "tiers/gold": 1,
    }
    assert all(t.description and t.etag == "v1" for t in listed)
    gold = (await tiers.GetTier(pb.GetTierRequest(name="tiers/gold"), metadata=leader)).tier
    assert gold == listed[3]
    missing = await _failure(tiers.GetTier(pb.GetTierRequest(name="tiers/none"), metadata=leader))
    assert missing.code() == grpc.StatusCode.NOT_FOUND


async def test_create_update_and_delete_a_tier(app, tiers) -> None:
    admin, leader = app.md("roles/admin"), app.md("roles/head_office_leader")
    star = Tier(display_name="明星", rank=8, description="新客户成长计划")
    created = (await tiers.CreateTier(pb.CreateTierRequest(tier=star, tier_id="star"), metadata=admin)).tier
    assert (created.name, created.rank, created.customer_count, created.etag) == ("tiers/star", 8, 0, "v1")
    duplicate = await _failure(
        tiers.CreateTier(pb.CreateTierRequest(tier=star, tier_id="star"), metadata=admin)
    )
    assert duplicate.code() == grpc.StatusCode.ALREADY_EXISTS
    bad = await _failure(
        tiers.CreateTier(pb.CreateTierRequest(tier=Tier(rank=2), tier_id="moon"), metadata=admin)
    )
    assert bad.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert (
        set(violations(bad)) == {"tier.display_name", "tier.rank"}
        and "tiers/diamond" in violations(bad)["tier.rank"]
    )
    bad_id = await _failure(
        tiers.CreateTier(pb.CreateTierRequest(tier=star, tier_id="Star!"), metadata=admin)
    )
    assert set(violations(bad_id)) == {"tier_id"}
    for role in ("roles/branch_manager", "roles/relationship_manager"):
        denied = await _failure(
            tiers.CreateTier(
                pb.CreateTierRequest(tier=Tier(display_name="x", rank=99), tier_id="x-tier"),
                metadata=app.md(role),
            )
        )
        assert denied.code() == grpc.StatusCode.PERMISSION_DENIED

    rename = Tier(name="tiers/star", display_name="明星客户", rank=1, etag="v9")
    mask = field_mask_pb2.FieldMask(paths=["display_name"])
    stale = await _failure(
        tiers.UpdateTier(pb.UpdateTierRequest(tier=rename, update_mask=mask), metadata=leader)
    )
    assert stale.code() == grpc.StatusCode.ABORTED
    rename.etag = created.etag
    updated = (
        await tiers.UpdateTier(pb.UpdateTierRequest(tier=rename, update_mask=mask), metadata=leader)
    ).tier
    assert (updated.display_name, updated.rank, updated.etag) == ("明星客户", 8, "v2")  # rank not in the mask
    taken = await _failure(
        tiers.UpdateTier(pb.UpdateTierRequest(tier=Tier(name="tiers/star", rank=1)), metadata=leader)
    )
    assert set(violations(taken)) == {"tier.rank"}
    output_only = await _failure(
        tiers.UpdateTier(
            pb.UpdateTierRequest(
                tier=Tier(name="tiers/star"), update_mask=field_mask_pb2.FieldMask(paths=["customer_count"])
            ),
            metadata=leader,
        )
    )
    assert set(violations(output_only)) == {"update_mask"}

    unchanged = (
        await tiers.UpdateTier(pb.UpdateTierRequest(tier=Tier(name="tiers/star")), metadata=leader)
    ).tier
    assert unchanged.etag == "v2"  # nothing populated, nothing changed
    await tiers.DeleteTier(pb.DeleteTierRequest(name="tiers/star"), metadata=admin)
    gone = await _failure(tiers.GetTier(pb.GetTierRequest(name="tiers/star"), metadata=admin))
    assert gone.code() == grpc.StatusCode.NOT_FOUND


async def test_delete_refuses_tiers_in_use_or_held(app, tiers) -> None:
    admin = app.md("roles/admin")
    await put_customer(app, "a", aum=3 * M)
    await put_customer(app, "o", aum=600_000)
    await scan(app)
    in_use = await _failure(tiers.DeleteTier(pb.DeleteTierRequest(name="tiers/platinum"), metadata=admin))
    assert in_use.code() == grpc.StatusCode.FAILED_PRECONDITION and _reason(in_use) == "TIER_IN_USE"
    assert "tierRuleSets/individual-v1" in in_use.details()
    await tiers.CreateTierOverride(
        pb.CreateTierOverrideRequest(
            parent="customers/o",
            tier_override=tier_pb2.TierOverride(
                tier="tiers/diamond",
                reason="总行特批",
                expire_time=to_timestamp(app.test_clock.now() + timedelta(days=30)),
            ),
        ),
        metadata=admin,
    )
    # a new individual rule set without the old tiers: "a" is re-graded, "o" keeps its manual 钻石
    draft = (
        await tiers.CreateTierRuleSet(
            pb.CreateTierRuleSetRequest(tier_rule_set=_rule_set(_rule("tiers/private-banking", "1000000"))),
            metadata=admin,
        )
    ).tier_rule_set
    await tiers.ActivateTierRuleSet(pb.ActivateTierRuleSetRequest(name=draft.name), metadata=admin)
    assert (await tier_of(app, "a"), await tier_of(app, "o")) == ("tiers/private-banking", "tiers/diamond")
    shown = await tiers.GetCustomerTier(pb.GetCustomerTierRequest(name="customers/o/tier"), metadata=admin)
    assert (
        shown.customer_tier.tier_display_name == "钻石"
    )  # from the catalogue: the active rules lack the tier
    held = await _failure(tiers.DeleteTier(pb.DeleteTierRequest(name="tiers/diamond"), metadata=admin))
    assert held.code() == grpc.StatusCode.FAILED_PRECONDITION and _reason(held) == "TIER_HELD"
    await tiers.DeleteTier(
        pb.DeleteTierRequest(name="tiers/platinum"), metadata=admin
    )  # no longer used or held
    listed = (await tiers.ListTiers(pb.ListTiersRequest(), metadata=admin)).tiers
    assert "tiers/platinum" not in [t.name for t in listed]


async def test_rule_sets_reference_the_catalogue(app, tiers) -> None:
    admin = app.md("roles/admin")
    await tiers.UpdateTier(
        pb.UpdateTierRequest(tier=Tier(name="tiers/diamond", display_name="钻石客户")), metadata=admin
    )
    draft = (
        await tiers.CreateTierRuleSet(
            pb.CreateTierRuleSetRequest(
                tier_rule_set=_rule_set(
                    _rule("tiers/diamond", "2000000"), _rule("tiers/star", "1000000", "明星")
                )
            ),
            metadata=admin,
        )
    ).tier_rule_set
    assert [(r.tier, r.tier_display_name) for r in draft.rules] == [
        ("tiers/diamond", "钻石客户"),
        ("tiers/star", "明星"),
    ]
    unknown = await _failure(
        tiers.CreateTierRuleSet(
            pb.CreateTierRuleSetRequest(
                tier_rule_set=_rule_set(_rule("tiers/diamond", "2000000"), _rule("tiers/comet", "lots"))
            ),
            metadata=admin,
        )
    )
    assert unknown.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(violations(unknown)) == {
        "tier_rule_set.rules[1].tier",
        "tier_rule_set.rules[1].condition.value",
    }
    assert "tiers/comet" in violations(unknown)["tier_rule_set.rules[1].tier"]
    simulated = await _failure(
        tiers.SimulateTierRuleSet(
            pb.SimulateTierRuleSetRequest(name="-", tier_rule_set=_rule_set(_rule("tiers/comet", "1"))),
            metadata=admin,
        )
    )
    assert set(violations(simulated)) == {"tier_rule_set.rules[0].tier"}
    assert "tiers/star" not in [
        t.name for t in (await tiers.ListTiers(pb.ListTiersRequest(), metadata=admin)).tiers
    ]
    await tiers.ActivateTierRuleSet(pb.ActivateTierRuleSetRequest(name=draft.name), metadata=admin)
    listed = (await tiers.ListTiers(pb.ListTiersRequest(), metadata=admin)).tiers
    assert (listed[-1].name, listed[-1].display_name, listed[-1].rank) == ("tiers/star", "明星", 8)
