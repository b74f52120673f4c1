"""The activity part of the analytical store: alerts, tasks and campaigns, built only from the alert and task
services' events (``kam.alert.v1``, ``kam.task.v1``); applied by :mod:`kam_report.service_layer.activity`.

Every fact row is keyed by the resource name the events carry and holds the newest version seen (by the
resource's ``update_time``), so redelivered or reordered events end in the same rows.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, DateTime, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kam_report.adapters.orm import Base

Money = Numeric(20, 2)


class AlertFact(Base):
    """One row per alert (``kam.alert.v1.Alert``): who it concerns, and when it was raised, acknowledged and
    resolved."""

    __tablename__ = "alert_facts"

    alert: Mapped[str] = mapped_column(String(128), primary_key=True)  # alerts/{alert}
    rule: Mapped[str] = mapped_column(String(128), default="", index=True)  # alertRules/{rule}
    #: the rule's display name when the alert was raised (the alert's ``description``)
    rule_display_name: Mapped[str] = mapped_column(String(200), default="")
    severity: Mapped[str] = mapped_column(String(32), default="")  # SEVERITY_HIGH, …
    customer: Mapped[str] = mapped_column(String(128), default="", index=True)
    task: Mapped[str] = mapped_column(String(128), default="")  # tasks/{task} for task reminders
    branch: Mapped[str] = mapped_column(String(128), default="", index=True)
    #: the customer's relationship manager (or the task's assignee) as the store knew it when the alert was applied
    relationship_manager: Mapped[str] = mapped_column(String(128), default="")
    state: Mapped[str] = mapped_column(String(32), default="")  # STATE_OPEN, …
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    #: the escalation level when it was acknowledged (0: acknowledged before any escalation, i.e. in the rule's time)
    acknowledge_escalation_level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    acknowledge_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    resolve_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TaskFact(Base):
    """One row per task (``kam.task.v1.Task``): what the work-efficiency figures read of it."""

    __tablename__ = "task_facts"

    task: Mapped[str] = mapped_column(String(128), primary_key=True)  # tasks/{task}
    assignee: Mapped[str] = mapped_column(String(128), default="", index=True)
    assignee_display_name: Mapped[str] = mapped_column(String(200), default="")
    org_unit: Mapped[str] = mapped_column(
        String(128), default="", index=True
    )  # the assignee's, at assignment
    assigner: Mapped[str] = mapped_column(String(128), default="")
    priority: Mapped[str] = mapped_column(String(32), default="")  # PRIORITY_NORMAL, …
    origin: Mapped[str] = mapped_column(String(128), default="")  # campaigns/…, playbooks/…, recurringTasks/…
    campaign: Mapped[str] = mapped_column(String(128), default="")
    customer: Mapped[str] = mapped_column(String(128), default="")
    state: Mapped[str] = mapped_column(String(32), default="")  # STATE_OPEN, …
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    due_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    start_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: the completion record's time (kept when the task is returned, as the task service keeps it)
    complete_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)
    close_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    accept_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TaskReturnFact(Base):
    """One row per return of a task (TaskReturned): the n-th return and when it was made."""

    __tablename__ = "task_return_facts"

    task: Mapped[str] = mapped_column(String(128), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)  # the task's return_count after it
    return_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class CampaignFact(Base):
    """One row per launched campaign (``kam.task.v1.Campaign`` from CampaignLaunched / CampaignClosed)."""

    __tablename__ = "campaign_facts"

    campaign: Mapped[str] = mapped_column(String(128), primary_key=True)  # campaigns/{campaign}
    display_name: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(32), default="")  # STATE_ACTIVE, STATE_COMPLETED, …
    start_date: Mapped[date] = mapped_column(Date, index=True)
    end_date: Mapped[date] = mapped_column(Date, index=True)
    measure: Mapped[str] = mapped_column(String(32), default="")
    product_type: Mapped[str] = mapped_column(String(32), default="")
    target_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    target_count: Mapped[int] = mapped_column(BigInteger, default=0)
    #: the target list at launch, hold-out included, and the hold-out
    target_customer_count: Mapped[int] = mapped_column(BigInteger, default=0)
    holdout_customer_count: Mapped[int] = mapped_column(BigInteger, default=0)
    holdout_percent: Mapped[int] = mapped_column(Integer, default=0)
    #: the executing units, ``orgUnits/…`` separated by spaces
    org_units: Mapped[str] = mapped_column(Text, default="")
    #: the quotas as JSON: ``[{"assignee": "orgUnits/…" | "users/…", "targets": n}, …]`` (target customers each)
    quotas: Mapped[str] = mapped_column(Text, default="[]")
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CampaignActivityFact(Base):
    """One row per marketing activity (``kam.task.v1.CampaignActivity``)."""

    __tablename__ = "campaign_activity_facts"

    activity: Mapped[str] = mapped_column(String(200), primary_key=True)  # campaigns/{c}/activities/{a}
    campaign: Mapped[str] = mapped_column(String(128), index=True)
    customer: Mapped[str] = mapped_column(String(128), default="")
    relationship_manager: Mapped[str] = mapped_column(String(128), default="")  # the staff member, users/…
    org_unit: Mapped[str] = mapped_column(String(128), default="")  # the staff member's unit
    outcome: Mapped[str] = mapped_column(String(32), default="")  # OUTCOME_CONVERTED, …
    channel: Mapped[str] = mapped_column(String(32), default="")
    product: Mapped[str] = mapped_column(String(128), default="")
    amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    occur_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
