"""A campaign's target list from a list of customers (``CampaignSegment.customers``, e.g. a data-mining report's
流失风险预警 or 产品推荐 rows), through the real gRPC API on SQLite and PostgreSQL: the preview and the launched list
are exactly the listed customers that also meet every other condition inside the executing units; a customer
outside the caller's scope or the units is simply not taken; bad names and too long a list are field violations."""

from __future__ import annotations

from datetime import date, timedelta

import grpc
import pytest
from google.type import date_pb2, money_pb2
from kam.customer.v1 import customer_pb2
from kam.customer.v1 import events_pb2 as customer_events
from kam.task.v1 import campaign_service_pb2 as pb
from kam.task.v1 import task_pb2
from kam_kit.timeconv import to_timestamp
from kam_task.service_layer import customers, segments
from task_testlib import NOW, Bank, violations

C = task_pb2.Campaign
Segment = task_pb2.CampaignSegment
TODAY = date(2026, 12, 7)
BRANCHES = ("0101", "0102", "0200")
MANAGERS = {"0101": "users/rm_dongcheng", "0102": "users/rm_xicheng", "0200": "users/rm_shanghai"}


def _day(d: date) -> date_pb2.Date:
    return date_pb2.Date(year=d.year, month=d.month, day=d.day)


def _cny(units: int) -> money_pb2.Money:
    return money_pb2.Money(currency_code="CNY", units=units)


#: thirty customers over 东城, 西城 and 上海: every other one 钻石, assets rising with the number
BOOK = [
    {
        "customer": f"customers/k{i:02d}",
        "tier": "tiers/diamond" if i % 2 == 0 else "tiers/gold",
        "branch": f"orgUnits/{BRANCHES[i % 3]}",
        "manager": MANAGERS[BRANCHES[i % 3]],
        "aum": 1_000_000 + i * 100_000,
    }
    for i in range(30)
]
BY_NAME = {c["customer"]: c for c in BOOK}


async def _load(bank: Bank) -> None:
    for c in BOOK:
        customer = customer_pb2.Customer(
            name=c["customer"],
            display_name=f"某某公司{c['customer'][-2:]}",
            type=customer_pb2.Customer.TYPE_CORPORATE,
            tier=c["tier"],
            branch=c["branch"],
            relationship_manager=c["manager"],
            update_time=to_timestamp(NOW - timedelta(days=30)),
            metrics=customer_pb2.CustomerMetrics(assets_under_management=_cny(c["aum"])),
        )
        await bank.apply(customers.on_customer, customer_events.CustomerCreated(customer=customer))


def _plan(segment: Segment, units: tuple[str, ...] = ("orgUnits/0101", "orgUnits/0102")) -> C:
    return C(
        display_name="流失风险客户挽留",
        product_type=customer_pb2.Account.TYPE_WEALTH,
        measure=C.MEASURE_CUSTOMERS_REACHED,
        target_count=2,
        org_units=list(units),
        start_date=_day(TODAY),
        end_date=_day(TODAY + timedelta(days=30)),
        segment=segment,
    )


def _expected(listed: list[str], units: tuple[str, ...], diamond_only: bool) -> set[str]:
    """The listed customers that exist, belong to the units and (with the tier condition) are 钻石."""
    return {
        name
        for name in listed
        if name in BY_NAME
        and BY_NAME[name]["branch"] in units
        and (not diamond_only or BY_NAME[name]["tier"] == "tiers/diamond")
    }


async def _error(call) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value


async def _targets(bank: Bank, campaign: str, who: str) -> set[str]:
    found, token = set(), ""
    while True:
        page = await bank.call(
            "ListCampaignTargets",
            pb.ListCampaignTargetsRequest(parent=campaign, page_size=50, page_token=token),
            who,
        )
        found |= {t.customer for t in page.campaign_targets}
        token = page.next_page_token
        if not token:
            return found


#: a report's list: 东城, 西城 and 上海 customers of both tiers, one unknown, one named twice
LISTED = [
    "customers/k00",  # 东城 钻石
    "customers/k01",  # 西城 金
    "customers/k02",  # 上海 钻石 (outside 北京分行)
    "customers/k04",  # 西城 钻石
    "customers/k09",  # 东城 金
    "customers/k12",  # 东城 钻石
    "customers/nobody",
    "customers/k04",
    "customers/k16",  # 西城 钻石
    "customers/k20",  # 上海 钻石
]


async def test_the_list_with_the_other_conditions_and_units_is_the_target_list(bank: Bank) -> None:
    await _load(bank)
    units = ("orgUnits/0101", "orgUnits/0102")
    segment = Segment(customers=LISTED, tiers=["tiers/diamond"])
    expected = _expected(LISTED, units, diamond_only=True)
    assert expected == {"customers/k00", "customers/k04", "customers/k12", "customers/k16"}
    # 北京分行's manager: 上海's customers and the unknown name are simply not taken (no error says they exist)
    preview = await bank.call(
        "PreviewCampaignTargets",
        pb.PreviewCampaignTargetsRequest(campaign=_plan(segment, units), sample_size=10),
        "users/bm_beijing",
    )
    assert preview.target_customer_count == len(expected)
    assert {t.customer for t in preview.sample} == expected
    assert {u.assignee: u.target_customer_count for u in preview.units} == {
        "orgUnits/0101": 2,
        "orgUnits/0102": 2,
    }
    created = (
        await bank.call(
            "CreateCampaign", pb.CreateCampaignRequest(campaign=_plan(segment, units)), "users/bm_beijing"
        )
    ).campaign
    # stored as sent, each customer once in the order given
    assert list(created.segment.customers) == list(dict.fromkeys(LISTED))
    assert list(created.segment.tiers) == ["tiers/diamond"]
    launched = (
        await bank.call(
            "LaunchCampaign",
            pb.LaunchCampaignRequest(name=created.name, etag=created.etag),
            "users/bm_beijing",
        )
    ).campaign
    assert launched.state == C.STATE_ACTIVE and launched.target_customer_count == len(expected)
    assert await _targets(bank, launched.name, "users/leader") == expected


async def test_the_executing_units_bound_the_list(bank: Bank) -> None:
    await _load(bank)
    units = ("orgUnits/0101",)  # 东城 only: the 西城 and 上海 customers listed are left out
    segment = Segment(customers=LISTED)
    preview = await bank.call(
        "PreviewCampaignTargets",
        pb.PreviewCampaignTargetsRequest(campaign=_plan(segment, units), sample_size=10),
        "users/leader",
    )
    expected = _expected(LISTED, units, diamond_only=False)
    assert expected == {"customers/k00", "customers/k09", "customers/k12"}
    assert preview.target_customer_count == len(expected)
    assert {t.customer for t in preview.sample} == expected
    # nobody of the list in the units: nothing to launch
    created = (
        await bank.call(
            "CreateCampaign",
            pb.CreateCampaignRequest(campaign=_plan(Segment(customers=["customers/k02"]), units)),
            "users/leader",
        )
    ).campaign
    error = await _error(
        bank.call(
            "LaunchCampaign", pb.LaunchCampaignRequest(name=created.name, etag=created.etag), "users/leader"
        )
    )
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION


async def test_a_full_list_is_matched_in_chunks_on_either_database(bank: Bank) -> None:
    """10,000 names (most unknown, the real ones spread over the chunks): within every bound-parameter limit."""
    await _load(bank)
    listed = [f"customers/x{i:05d}" for i in range(segments.MAX_SEGMENT_CUSTOMERS - len(BOOK))]
    for i, c in enumerate(BOOK):
        listed.insert(i * 331, c["customer"])
    assert len(listed) == segments.MAX_SEGMENT_CUSTOMERS
    units = ("orgUnits/0101", "orgUnits/0102", "orgUnits/0200")
    preview = await bank.call(
        "PreviewCampaignTargets",
        pb.PreviewCampaignTargetsRequest(campaign=_plan(Segment(customers=listed), units), sample_size=100),
        "users/leader",
    )
    assert preview.target_customer_count == len(BOOK)
    assert {t.customer for t in preview.sample} == set(BY_NAME)


async def test_bad_names_and_too_long_a_list_are_field_violations(bank: Bank) -> None:
    await _load(bank)
    bad = Segment(customers=["customers/k00", "k01", "customers/", "users/rm_dongcheng", "customers/a/b"])
    error = await _error(
        bank.call(
            "PreviewCampaignTargets", pb.PreviewCampaignTargetsRequest(campaign=_plan(bad)), "users/leader"
        )
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert violations(error) == {f"campaign.segment.customers[{i}]" for i in (1, 2, 3, 4)}
    error = await _error(
        bank.call("CreateCampaign", pb.CreateCampaignRequest(campaign=_plan(bad)), "users/leader")
    )
    assert violations(error) == {f"campaign.segment.customers[{i}]" for i in (1, 2, 3, 4)}
    # a long list of bad names: a few named, the answer stays small
    error = await _error(
        bank.call(
            "PreviewCampaignTargets",
            pb.PreviewCampaignTargetsRequest(campaign=_plan(Segment(customers=["x"] * 500 + ["y"]))),
            "users/leader",
        )
    )
    assert len(violations(error)) == segments.MAX_NAME_VIOLATIONS
    too_many = Segment(customers=[f"customers/x{i:05d}" for i in range(segments.MAX_SEGMENT_CUSTOMERS + 1)])
    error = await _error(
        bank.call(
            "PreviewCampaignTargets",
            pb.PreviewCampaignTargetsRequest(campaign=_plan(too_many)),
            "users/leader",
        )
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert violations(error) == {"campaign.segment.customers"}
    # duplicates count once: 10,000 distinct names and one again is allowed
    at_most = Segment(customers=[*too_many.customers[:-1], "customers/x00000"])
    preview = await bank.call(
        "PreviewCampaignTargets", pb.PreviewCampaignTargetsRequest(campaign=_plan(at_most)), "users/leader"
    )
    assert preview.target_customer_count == 0
    # an update is checked alike
    created = (
        await bank.call(
            "CreateCampaign",
            pb.CreateCampaignRequest(campaign=_plan(Segment(customers=["customers/k00"]))),
            "users/leader",
        )
    ).campaign
    changed = C(
        name=created.name, etag=created.etag, segment=Segment(customers=["customers/k00", "customer/k03"])
    )
    error = await _error(
        bank.call(
            "UpdateCampaign",
            pb.UpdateCampaignRequest(campaign=changed, update_mask={"paths": ["segment"]}),
            "users/leader",
        )
    )
    assert violations(error) == {"campaign.segment.customers[1]"}


async def test_a_list_of_campaigns_leaves_out_their_customer_names_unless_asked(bank: Bank) -> None:
    """AIP-157: ListCampaigns answers each segment's customer count, not its (up to 10,000) names, unless asked
    for CAMPAIGN_VIEW_FULL (then a few campaigns a page); GetCampaign answers the names unless asked for BASIC.
    An output-only count sent back is ignored."""
    await _load(bank)
    listed = [c["customer"] for c in BOOK[:12]]
    segment = Segment(customers=listed, customer_count=999)
    for _ in range(6):
        await bank.call("CreateCampaign", pb.CreateCampaignRequest(campaign=_plan(segment)), "users/leader")
    page = (await bank.call("ListCampaigns", pb.ListCampaignsRequest(), "users/leader")).campaigns
    assert len(page) == 6
    assert all(not c.segment.customers and c.segment.customer_count == len(listed) for c in page)
    full = await bank.call(
        "ListCampaigns", pb.ListCampaignsRequest(view=pb.CAMPAIGN_VIEW_FULL, page_size=50), "users/leader"
    )
    assert len(full.campaigns) == 5 and full.next_page_token and full.total_size == 6
    assert all(list(c.segment.customers) == listed for c in full.campaigns)
    one = (await bank.call("GetCampaign", pb.GetCampaignRequest(name=page[0].name), "users/leader")).campaign
    assert list(one.segment.customers) == listed and one.segment.customer_count == len(listed)
    basic = await bank.call(
        "GetCampaign", pb.GetCampaignRequest(name=page[0].name, view=pb.CAMPAIGN_VIEW_BASIC), "users/leader"
    )
    assert not basic.campaign.segment.customers and basic.campaign.segment.customer_count == len(listed)
    plain = await bank.call(
        "CreateCampaign", pb.CreateCampaignRequest(campaign=_plan(Segment())), "users/leader"
    )
    assert plain.campaign.segment.customer_count == 0
