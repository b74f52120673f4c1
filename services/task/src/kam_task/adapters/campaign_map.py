"""Rows ↔ messages of the campaigns (营销计划): targets, activities, money and dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from google.type import date_pb2, money_pb2
from kam.customer.v1 import customer_pb2
from kam.task.v1 import task_pb2
from kam_kit.timeconv import to_timestamp

from kam_task.adapters.orm import (
    CampaignActivityRow,
    CampaignTargetRow,
)

Campaign = task_pb2.Campaign
Target = task_pb2.CampaignTarget
Activity = task_pb2.CampaignActivity
Account = customer_pb2.Account


def cny(value: Decimal) -> money_pb2.Money:
    cents = int((value * 100).to_integral_value())
    units, rest = divmod(abs(cents), 100)
    sign = -1 if cents < 0 else 1
    return money_pb2.Money(currency_code="CNY", units=sign * units, nanos=sign * rest * 10_000_000)


def date_proto(value: date | None) -> date_pb2.Date:
    return date_pb2.Date(year=value.year, month=value.month, day=value.day) if value else date_pb2.Date()


def target_proto(cid: str, row: CampaignTargetRow, names: dict[str, str]) -> Target:
    target = Target(
        name=f"campaigns/{cid}/targets/{row.customer.removeprefix('customers/')}",
        customer=row.customer,
        customer_display_name=row.display_name,
        tier=row.tier,
        branch=row.branch,
        relationship_manager=row.relationship_manager,
        relationship_manager_display_name=names.get(row.relationship_manager, ""),
        holdout=row.holdout,
        stage=row.stage,  # type: ignore[arg-type]
        converted_amount=cny(row.converted_amount),
        attributed_account_count=row.attributed_count,
        aum=cny(row.aum),
    )
    if row.last_activity_time is not None:
        target.last_activity_time.CopyFrom(to_timestamp(row.last_activity_time))
    return target


def activity_proto(row: CampaignActivityRow, customer_display_name: str = "") -> Activity:
    return Activity(
        customer_display_name=customer_display_name,
        name=f"campaigns/{row.campaign_id}/activities/{row.id}",
        customer=row.customer,
        staff=row.staff,
        staff_display_name=row.staff_display_name,
        org_unit=row.org_unit,
        channel=row.channel,  # type: ignore[arg-type]
        outcome=row.outcome,  # type: ignore[arg-type]
        product=row.product,
        amount=cny(row.amount),
        notes=row.notes,
        occur_time=to_timestamp(row.occur_time),
        create_time=to_timestamp(row.create_time),
    )
