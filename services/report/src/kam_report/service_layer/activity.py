"""The activity part of the report center: alerts, tasks and campaigns, from the alert and task services' events.

Event handlers (``async def on_x(session, event, meta)``, wired per stream by :data:`ALERT_HANDLERS` and
:data:`TASK_HANDLERS`) keep one fact row per alert, task, campaign and marketing activity
(:mod:`kam_report.adapters.activity_orm`). Every event carries the whole resource, so a handler upserts the row
keyed by its resource name and keeps the newest version by the resource's ``update_time``: an event redelivered,
or arriving after a newer one (an ``AlertAcknowledged`` before its ``AlertRaised``), changes nothing it should
not. What only grows is merged whatever the order (an alert's escalation level, a task's returns).

Three reports over them (``async def report(session, query) -> Table``):

- :func:`alert_summary` (预警统计): alerts raised in the period, per rule or per org unit;
- :func:`work_efficiency` (工作效率): per assignee or per org unit, with the task service's definitions
  (``kam_task.domain.efficiency``), so both show the same figures;
- :func:`campaign_results` (营销活动效果): the funnel of each campaign running in the period.

And, for 最重要的销售员 (``kam_report.service_layer.reports``), per group of users: :func:`assignee_figures` (工作效率's
figures, hence its on-time rate) and :func:`conversions` (the activities that converted a customer).

Periods are whole bank days (Asia/Shanghai): ``query.start`` 00:00 up to ``query.end + 1`` 00:00 bank time.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from google.protobuf.message import Message
from kam.alert.v1 import alert_pb2
from kam.alert.v1 import events_pb2 as alert_events
from kam.customer.v1 import customer_pb2
from kam.task.v1 import events_pb2 as task_events
from kam.task.v1 import task_pb2
from kam_kit.events import EventMeta
from kam_kit.projection import newer_row
from kam_kit.scope import ORG_PREFIX, DataScope, descendants
from kam_kit.timeconv import aware, from_timestamp
from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_report.adapters.activity_orm import (
    AlertFact,
    CampaignActivityFact,
    CampaignFact,
    TaskFact,
    TaskReturnFact,
)
from kam_report.adapters.orm import CustomerFact, OrgUnitCopy
from kam_report.domain.tables import Column, ColumnType, Query, Row, Table

BANK_TZ = ZoneInfo("Asia/Shanghai")
TOTAL_LABEL = "合计"
NO_UNIT_LABEL = "未归属机构"
KIND, ORG_UNIT, RELATIONSHIP_MANAGER = "kind", "org_unit", "relationship_manager"

Alert = alert_pb2.Alert
Task = task_pb2.Task
Campaign = task_pb2.Campaign
Activity = task_pb2.CampaignActivity

# Alert states (kam.alert.v1.Alert.State names).
ALERT_OPEN, ALERT_ACKNOWLEDGED, ALERT_SNOOZED = "STATE_OPEN", "STATE_ACKNOWLEDGED", "STATE_SNOOZED"
ALERT_STOPPED, ALERT_RESOLVED = "STATE_STOPPED", "STATE_RESOLVED"
# Task states (kam.task.v1.Task.State names, as the task service stores them).
TASK_COMPLETED, TASK_ACCEPTED, TASK_CANCELLED = "STATE_COMPLETED", "STATE_ACCEPTED", "STATE_CANCELLED"
#: states whose completion counts (kam_task.domain.efficiency.DONE)
TASK_DONE = frozenset({TASK_COMPLETED, TASK_ACCEPTED})
DEFAULT_PRIORITY = "PRIORITY_NORMAL"
# Campaign states.
CAMPAIGN_COMPLETED, CAMPAIGN_CANCELLED = "STATE_COMPLETED", "STATE_CANCELLED"
CAMPAIGN_STATE_NAMES = {
    "STATE_DRAFT": "草稿",
    "STATE_ACTIVE": "进行中",
    CAMPAIGN_COMPLETED: "已结束",
    CAMPAIGN_CANCELLED: "已取消",
}
#: kam.task.v1.CampaignTarget.Stage, and the stage each activity outcome puts a customer in
#: (kam_task.domain.campaigns.OUTCOME_STAGE)
NOT_CONTACTED, CONTACTED, INTERESTED, DECLINED, CONVERTED = 1, 2, 3, 4, 5
OUTCOME_CONVERTED = "OUTCOME_CONVERTED"
OUTCOME_STAGE = {
    "OUTCOME_CONTACTED": CONTACTED,
    "OUTCOME_INTERESTED": INTERESTED,
    "OUTCOME_DECLINED": DECLINED,
    OUTCOME_CONVERTED: CONVERTED,
}
_NANOS = Decimal(1_000_000_000)
_CENT = Decimal("0.01")


# ---------------------------------------------------------------------------------------------------- helpers


def _time(message: Message, name: str) -> datetime | None:
    """A Timestamp field as an aware UTC datetime, or None when unset."""
    return from_timestamp(getattr(message, name)) if message.HasField(name) else None


def _enum_name(enum: Any, value: int) -> str:
    """An enum value's name; the number as text for a value this build does not know."""
    try:
        return str(enum.Name(value))
    except ValueError:
        return str(value)


def _money(message: Any) -> Decimal:
    """A ``google.type.Money`` in yuan, to the cent."""
    return (Decimal(message.units) + Decimal(message.nanos) / _NANOS).quantize(_CENT)


def _date(message: Any) -> date | None:
    try:
        return date(message.year, message.month, message.day)
    except ValueError:
        return None


def bank_midnight(day: date) -> datetime:
    """00:00 of ``day`` in bank time, as UTC."""
    return datetime.combine(day, time(), BANK_TZ).astimezone(UTC)


def period_bounds(query: Query) -> tuple[datetime, datetime]:
    """The period's first moment and the moment after it (UTC)."""
    return bank_midnight(query.start), bank_midnight(query.end + timedelta(days=1))


def percent(part: float, whole: float) -> float:
    """``part`` as a percentage of ``whole`` (12.5 for 12.5 %); 0 when ``whole`` is 0 (as the task service)."""
    return part * 100 / whole if whole else 0.0


def nearest_rank(values: Iterable[float], fraction: float) -> float:
    """The ⌈fraction·n⌉-th smallest of n values (0 when there are none)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1]


# ------------------------------------------------------------------------------------------------ event handlers


async def on_alert(session: AsyncSession, event: Any, meta: EventMeta) -> None:
    """Every alert event carries the whole alert: upsert its fact row, keeping the newest version by the alert's
    ``update_time``; the escalation level only grows, and the level at acknowledgement is taken from the
    ``AlertAcknowledged`` event whenever it comes."""
    alert = event.alert
    updated = _time(alert, "update_time") or _time(alert, "create_time")
    if not alert.name or updated is None:
        return
    row = await session.get(AlertFact, alert.name)
    newest = row is None or aware(updated) >= aware(row.update_time)
    manager = await _manager_of(session, alert.customer, alert.task) if newest else ""
    if row is None:
        row = AlertFact(alert=alert.name, escalation_level=0, relationship_manager="")
        session.add(row)
    if newest:
        row.rule = alert.rule
        row.rule_display_name = alert.description[:200]
        row.severity = _enum_name(alert_pb2.Severity, alert.severity)
        row.customer = alert.customer
        row.task = alert.task
        row.branch = alert.branch
        row.relationship_manager = manager or row.relationship_manager
        row.state = _enum_name(Alert.State, alert.state)
        row.create_time = _time(alert, "create_time") or updated
        row.acknowledge_time = _time(alert, "acknowledge_time")
        row.resolve_time = _time(alert, "resolve_time")
        row.update_time = updated
    row.escalation_level = max(row.escalation_level or 0, alert.escalation_level)
    acknowledged = isinstance(event, alert_events.AlertAcknowledged)
    if acknowledged or (row.acknowledge_escalation_level is None and alert.HasField("acknowledge_time")):
        row.acknowledge_escalation_level = alert.escalation_level


async def _manager_of(session: AsyncSession, customer: str, task: str) -> str:
    """Who an alert concerns: the customer's relationship manager, or a task reminder's assignee (as the store
    knows them now; empty when it does not yet)."""
    if customer:
        fact = await session.get(CustomerFact, customer)
        if fact is not None and fact.relationship_manager:
            return fact.relationship_manager
    if task:
        task_fact = await session.get(TaskFact, task)
        if task_fact is not None:
            return task_fact.assignee
    return ""


async def on_task(session: AsyncSession, event: Any, meta: EventMeta) -> None:
    """Every task event carries the whole task: upsert its fact row, newest ``update_time`` winning. A
    ``TaskReturned`` also records the return (the n-th, once, whenever it arrives): returns are counted in the
    period they were made in."""
    task = event.task
    updated = _time(task, "update_time") or _time(task, "create_time")
    if not task.name or updated is None:
        return
    if isinstance(event, task_events.TaskReturned):
        number = max(task.return_count, 1)
        if await session.get(TaskReturnFact, (task.name, number)) is None:
            returned = _time(task.review, "review_time") if task.HasField("review") else None
            session.add(TaskReturnFact(task=task.name, number=number, return_time=returned or updated))
    row = await newer_row(session, TaskFact, task.name, updated)
    if row is None:
        return
    row.assignee = task.assignee
    row.assignee_display_name = task.assignee_display_name[:200]
    row.org_unit = task.org_unit
    row.assigner = task.assigner
    row.priority = (
        _enum_name(task_pb2.Priority, task.priority)
        if task.priority != task_pb2.PRIORITY_UNSPECIFIED
        else DEFAULT_PRIORITY
    )
    row.origin = task.origin
    row.campaign = task.campaign
    row.customer = task.customer
    row.state = _enum_name(Task.State, task.state)
    row.create_time = _time(task, "create_time") or updated
    row.due_time = _time(task, "due_time") or row.create_time
    row.start_time = _time(task, "start_time")
    row.complete_time = _time(task.completion, "complete_time") if task.HasField("completion") else None
    row.close_time = _time(task, "close_time")
    accepted = row.state == TASK_ACCEPTED and task.HasField("review") and task.review.accepted
    row.accept_time = _time(task.review, "review_time") if accepted else None
    row.return_count = task.return_count
    row.update_time = updated


async def on_campaign(session: AsyncSession, event: Any, meta: EventMeta) -> None:
    """CampaignLaunched and CampaignClosed carry the whole campaign: upsert it, newest ``update_time`` winning
    (at the same time a closed campaign is not reopened by its launch arriving late)."""
    campaign = event.campaign
    updated = _time(campaign, "update_time") or _time(campaign, "create_time")
    if not campaign.name or updated is None:
        return
    row = await newer_row(session, CampaignFact, campaign.name, updated)
    if row is None:
        return
    closed = (CAMPAIGN_COMPLETED, CAMPAIGN_CANCELLED)
    if (
        isinstance(event, task_events.CampaignLaunched)
        and row.state in closed
        and aware(row.update_time) == aware(updated)
    ):
        return
    day = updated.astimezone(BANK_TZ).date()
    row.display_name = campaign.display_name[:200]
    row.state = _enum_name(Campaign.State, campaign.state)
    row.start_date = _date(campaign.start_date) or day
    row.end_date = _date(campaign.end_date) or row.start_date
    row.measure = _enum_name(Campaign.Measure, campaign.measure)
    row.product_type = _enum_name(customer_pb2.Account.Type, campaign.product_type)
    row.target_amount = _money(campaign.target_amount)
    row.target_count = campaign.target_count
    row.target_customer_count = campaign.target_customer_count
    row.holdout_customer_count = campaign.holdout_customer_count
    row.holdout_percent = campaign.holdout_percent
    row.org_units = " ".join(campaign.org_units)
    row.quotas = json.dumps(
        [{"assignee": quota.assignee, "targets": quota.target_customer_count} for quota in campaign.quotas]
    )
    row.update_time = updated


async def on_campaign_activity(session: AsyncSession, event: Any, meta: EventMeta) -> None:
    """A marketing activity is recorded once and never changes: keep it (a second delivery changes nothing)."""
    activity = event.activity
    if not activity.name or await session.get(CampaignActivityFact, activity.name) is not None:
        return
    occurred = _time(activity, "occur_time") or _time(activity, "create_time")
    if occurred is None:
        return
    session.add(
        CampaignActivityFact(
            activity=activity.name,
            campaign=activity.name.split("/activities/")[0],
            customer=activity.customer,
            relationship_manager=activity.staff,
            org_unit=activity.org_unit,
            outcome=_enum_name(Activity.Outcome, activity.outcome),
            channel=_enum_name(Activity.Channel, activity.channel),
            product=activity.product[:128],
            amount=_money(activity.amount),
            occur_time=occurred,
            create_time=_time(activity, "create_time") or occurred,
        )
    )


#: Handlers of the alert service's stream (``KAM_ALERT``).
ALERT_HANDLERS = {
    alert_events.AlertRaised: on_alert,
    alert_events.AlertRepeated: on_alert,
    alert_events.AlertEscalated: on_alert,
    alert_events.AlertAcknowledged: on_alert,
    alert_events.AlertSnoozed: on_alert,
    alert_events.AlertStopped: on_alert,
    alert_events.AlertResolved: on_alert,
}

#: Handlers of the task service's stream (``KAM_TASK``): tasks and campaigns.
TASK_HANDLERS = {
    task_events.TaskCreated: on_task,
    task_events.TaskUpdated: on_task,
    task_events.TaskStarted: on_task,
    task_events.TaskCompleted: on_task,
    task_events.TaskAccepted: on_task,
    task_events.TaskReturned: on_task,
    task_events.TaskCancelled: on_task,
    task_events.CampaignLaunched: on_campaign,
    task_events.CampaignClosed: on_campaign,
    task_events.CampaignActivityRecorded: on_campaign_activity,
}


# ------------------------------------------------------------------------------------------------------ org tree


async def org_tree(session: AsyncSession) -> dict[str, tuple[str | None, str]]:
    """The org tree the store holds: unit id → (parent id, display name)."""
    rows = await session.execute(select(OrgUnitCopy.id, OrgUnitCopy.parent_id, OrgUnitCopy.display_name))
    return {unit: (parent, name) for unit, parent, name in rows.all()}


def subtrees(units: Iterable[str], parents: Mapping[str, str | None]) -> list[str]:
    """``orgUnits/…`` of every given unit and every unit below it (kam_kit.scope.descendants), sorted."""
    found: set[str] = set()
    for unit in units:
        found |= descendants(unit.removeprefix(ORG_PREFIX), parents)
    return sorted(ORG_PREFIX + unit for unit in found)


@dataclass(frozen=True)
class UnitRows:
    """How figures are grouped per org unit: the rows always shown (ids, in order), where each unit is counted
    (unit id → row id), and the row that holds only its own unit's records (本级) when it has units below."""

    ordered: tuple[str, ...]
    placed: Mapping[str, str]
    own_row: str = ""

    def row_of(self, branch: str) -> str:
        unit = branch.removeprefix(ORG_PREFIX)
        return self.placed.get(unit, unit)


def unit_rows(query: Query, parents: Mapping[str, str | None]) -> UnitRows:
    """The org-unit rows of a report: with one unit asked for (or, without any, the top of the caller's scope, else
    the tree's root) its own row (本级) and one per unit directly below it, each taking in its subtree (as the task
    service's work efficiency groups); with several units asked for, one row per unit and its subtree. Records of
    units outside these are shown in a row of their own unit."""
    asked = [unit.removeprefix(ORG_PREFIX) for unit in query.org_units]
    if len(asked) > 1:
        placed: dict[str, str] = {}
        for unit in asked:
            for below in descendants(unit, parents):
                placed.setdefault(below, unit)
        return UnitRows(tuple(asked), placed)
    anchor = asked[0] if asked else _default_anchor(query.scope, parents)
    if not anchor:
        return UnitRows((), {})
    children = sorted(unit for unit, parent in parents.items() if parent == anchor)
    placed = {anchor: anchor}
    for child in children:
        for below in descendants(child, parents):
            placed.setdefault(below, child)
    return UnitRows((anchor, *children), placed, own_row=anchor if children else "")


def _default_anchor(scope: DataScope, parents: Mapping[str, str | None]) -> str:
    if not scope.everything:
        mine = {branch.removeprefix(ORG_PREFIX) for branch in scope.branches}
        tops = [unit for unit in mine if parents.get(unit) not in mine]
        return tops[0] if len(tops) == 1 else ""
    roots = [unit for unit, parent in parents.items() if parent is None or parent not in parents]
    return roots[0] if len(roots) == 1 else ""


def _unit_label(unit: str, grouping: UnitRows, tree: Mapping[str, tuple[str | None, str]]) -> tuple[str, str]:
    """A unit row's label and drill-down."""
    if not unit:
        return NO_UNIT_LABEL, ""
    name = tree[unit][1] if unit in tree else unit
    if unit == grouping.own_row:
        return f"{name}（本级）", ""
    return name, ORG_PREFIX + unit


def _ordered_units(grouping: UnitRows, found: Iterable[str]) -> list[str]:
    """The rows always shown, then the other units that have figures."""
    rest = sorted(set(found) - set(grouping.ordered))
    return [*grouping.ordered, *rest]


def _in(column: Any, values: Iterable[str]) -> ColumnElement[bool]:
    return column.in_(sorted(set(values)))


# ------------------------------------------------------------------------------------------------ alert summary


ALERT_FIGURES = (
    Column("raised", "预警数", ColumnType.INTEGER),
    Column("acknowledged", "已确认数", ColumnType.INTEGER),
    Column("acknowledged_in_time", "按时确认数", ColumnType.INTEGER),
    Column("acknowledged_in_time_rate", "按时确认率", ColumnType.PERCENT),
    Column("mean_acknowledge_hours", "平均确认时长(小时)", ColumnType.DECIMAL),
    Column("resolved", "已解决数", ColumnType.INTEGER),
    Column("stopped", "已停止数", ColumnType.INTEGER),
    Column("open", "未关闭数", ColumnType.INTEGER),
    Column("escalated", "已升级数", ColumnType.INTEGER),
)


@dataclass
class AlertFigures:
    """The figures of a group of alerts (added one at a time):

    - raised: raised (created) in the period;
    - acknowledged: acknowledged since (as the store knows now);
    - acknowledged in time: acknowledged before any escalation (the rule's escalation time; every
      acknowledgement when the rule has no escalation);
    - in-time rate: acknowledged in time / raised;
    - mean acknowledge hours: raise → acknowledgement, over the acknowledged;
    - resolved, stopped: in that state now; open: neither (open, acknowledged or snoozed);
    - escalated: escalated at least once.
    """

    raised: int = 0
    acknowledged: int = 0
    in_time: int = 0
    resolved: int = 0
    stopped: int = 0
    open: int = 0
    escalated: int = 0
    hours: list[float] = field(default_factory=list)

    def add(self, fact: Any) -> None:
        self.raised += 1
        if fact.acknowledge_time is not None:
            self.acknowledged += 1
            level = fact.acknowledge_escalation_level
            self.in_time += (fact.escalation_level if level is None else level) == 0
            self.hours.append((aware(fact.acknowledge_time) - aware(fact.create_time)).total_seconds() / 3600)
        self.resolved += fact.state == ALERT_RESOLVED
        self.stopped += fact.state == ALERT_STOPPED
        self.open += fact.state not in (ALERT_RESOLVED, ALERT_STOPPED)
        self.escalated += fact.escalation_level > 0

    def cells(self) -> tuple[int | float, ...]:
        mean = sum(self.hours) / len(self.hours) if self.hours else 0.0
        return (
            self.raised,
            self.acknowledged,
            self.in_time,
            percent(self.in_time, self.raised),
            mean,
            self.resolved,
            self.stopped,
            self.open,
            self.escalated,
        )


async def alert_summary(session: AsyncSession, query: Query) -> Table:
    """预警统计: the alerts raised in the period within the caller's scope and the conditions — per rule
    (dimension ``kind``, the default; labelled with the rule's name) or per org unit (``org_unit``).

    An alert's branch is its own (the customer's, as the alert service recorded it; a task reminder's task unit
    when it has none); its relationship manager the customer's (a task reminder's assignee). Tiers and customer
    types are the customer's as the store knows them now."""
    lo, hi = period_bounds(query)
    branch = func.coalesce(func.nullif(AlertFact.branch, ""), TaskFact.org_unit, "")
    manager = func.coalesce(
        func.nullif(AlertFact.relationship_manager, ""),
        func.nullif(CustomerFact.relationship_manager, ""),
        TaskFact.assignee,
        "",
    )
    tree = await org_tree(session)
    parents = {unit: parent for unit, (parent, _) in tree.items()}
    conditions: list[ColumnElement[bool]] = [AlertFact.create_time >= lo, AlertFact.create_time < hi]
    if (scoped := query.scope.condition(branch, manager)) is not None:
        conditions.append(scoped)
    if query.org_units:
        conditions.append(_in(branch, subtrees(query.org_units, parents)))
    if query.relationship_managers:
        conditions.append(_in(manager, query.relationship_managers))
    if query.tiers:
        conditions.append(_in(CustomerFact.tier, query.tiers))
    if query.customer_types:
        conditions.append(_in(CustomerFact.type, query.customer_types))
    facts = (
        await session.execute(
            select(
                AlertFact.rule,
                AlertFact.rule_display_name,
                AlertFact.state,
                AlertFact.escalation_level,
                AlertFact.acknowledge_escalation_level,
                AlertFact.create_time,
                AlertFact.acknowledge_time,
                branch.label("branch"),
            )
            .outerjoin(CustomerFact, CustomerFact.customer == AlertFact.customer)
            .outerjoin(TaskFact, TaskFact.task == AlertFact.task)
            .where(*conditions)
            .order_by(AlertFact.create_time, AlertFact.alert)
        )
    ).all()
    total = AlertFigures()
    groups: dict[str, AlertFigures] = {}
    if query.dimension == ORG_UNIT:
        grouping = unit_rows(query, parents)
        for fact in facts:
            total.add(fact)
            groups.setdefault(grouping.row_of(fact.branch), AlertFigures()).add(fact)
        rows = []
        for unit in _ordered_units(grouping, groups):
            label, drill_down = _unit_label(unit, grouping, tree)
            figures = groups.get(unit) or AlertFigures()
            rows.append(Row((label, *figures.cells()), drill_down=drill_down))
        first = Column("label", "机构")
    else:
        labels: dict[str, str] = {}
        for fact in facts:  # oldest first: the newest name of the rule wins
            total.add(fact)
            groups.setdefault(fact.rule, AlertFigures()).add(fact)
            labels[fact.rule] = fact.rule_display_name or labels.get(fact.rule) or fact.rule
        ordered = sorted(groups, key=lambda rule: (-groups[rule].raised, labels[rule], rule))
        rows = [Row((labels[rule], *groups[rule].cells())) for rule in ordered]
        first = Column("label", "预警类型")
    return Table(
        columns=(first, *ALERT_FIGURES),
        rows=tuple(rows),
        totals=Row((TOTAL_LABEL, *total.cells())),
    )


# ---------------------------------------------------------------------------------------------- work efficiency


EFFICIENCY_FIGURES = (
    Column("assigned", "分配任务数", ColumnType.INTEGER),
    Column("completed", "完成任务数", ColumnType.INTEGER),
    Column("on_time", "按时完成数", ColumnType.INTEGER),
    Column("overdue", "逾期任务数", ColumnType.INTEGER),
    Column("returned", "退回次数", ColumnType.INTEGER),
    Column("on_time_rate", "按时完成率", ColumnType.PERCENT),
    Column("mean_hours", "平均完成时长(小时)", ColumnType.DECIMAL),
    Column("p90_hours", "完成时长P90(小时)", ColumnType.DECIMAL),
)


@dataclass
class TaskFigures:
    """The work-efficiency figures of a group of tasks, by the task service's definitions
    (``kam_task.domain.efficiency``), the period being whole bank days and the cut-off its end or now:

    - assigned: created in the period;
    - completed: completed (waiting for review or accepted) with the completion time in the period;
    - on time: of those, completed at or before the due time;
    - overdue: due in the period before the cut-off and not completed by the due time (a task cancelled before its
      due time is not overdue, one cancelled after it is);
    - returned: the returns made in the period;
    - hours: creation → completion of the tasks completed in the period (mean; p90 by nearest rank).
    """

    assigned: int = 0
    completed: int = 0
    on_time: int = 0
    overdue: int = 0
    returned: int = 0
    hours: list[float] = field(default_factory=list)

    @property
    def on_time_rate(self) -> float:
        """按时完成率: on time / completed, in percent (0 when nothing was completed, as the task service)."""
        return percent(self.on_time, self.completed)

    def cells(self) -> tuple[int | float, ...]:
        mean = sum(self.hours) / len(self.hours) if self.hours else 0.0
        return (
            self.assigned,
            self.completed,
            self.on_time,
            self.overdue,
            self.returned,
            self.on_time_rate,
            mean,
            nearest_rank(self.hours, 0.9),
        )


@dataclass(frozen=True)
class Counted:
    """What one task counts for in a period (kam_task.domain.efficiency.count)."""

    assigned: bool
    completed: bool
    on_time: bool
    overdue: bool
    returned: int
    hours: float | None

    @property
    def anything(self) -> bool:
        return self.assigned or self.completed or self.overdue or self.returned > 0

    def into(self, figures: TaskFigures) -> None:
        figures.assigned += self.assigned
        figures.completed += self.completed
        figures.on_time += self.on_time
        figures.overdue += self.overdue
        figures.returned += self.returned
        if self.hours is not None:
            figures.hours.append(self.hours)


def count_task(task: Any, returns: int, lo: datetime, hi: datetime, cutoff: datetime) -> Counted:
    """What ``task`` (a :class:`TaskFact` row) counts for in [``lo``, ``hi``) with the cut-off ``cutoff``."""
    created, due = aware(task.create_time), aware(task.due_time)
    done = aware(task.complete_time) if task.complete_time is not None and task.state in TASK_DONE else None
    completed = done is not None and lo <= done < hi
    on_time = done is not None and done <= due
    cancelled_in_time = (
        task.state == TASK_CANCELLED and task.close_time is not None and aware(task.close_time) <= due
    )
    overdue = lo <= due < cutoff and not on_time and not cancelled_in_time
    hours = (done - created).total_seconds() / 3600 if completed and done is not None else None
    return Counted(
        assigned=lo <= created < hi,
        completed=completed,
        on_time=completed and on_time,
        overdue=overdue,
        returned=returns,
        hours=hours,
    )


def _task_reach(scope: DataScope) -> ColumnElement[bool] | None:
    """The tasks within a scope, as the task service's ListTasks reaches them: assigned to or by the caller, or
    kept under a unit of their subtree."""
    if scope.everything:
        return None
    terms: list[ColumnElement[bool]] = []
    if scope.managers:
        terms += [_in(TaskFact.assignee, scope.managers), _in(TaskFact.assigner, scope.managers)]
    if scope.branches:
        terms.append(_in(TaskFact.org_unit, scope.branches))
    return or_(*terms) if terms else false()


async def counted_tasks(
    session: AsyncSession,
    lo: datetime,
    hi: datetime,
    cutoff: datetime,
    conditions: Sequence[ColumnElement[bool]] = (),
) -> list[tuple[Any, Counted]]:
    """The tasks meeting ``conditions`` that count in [``lo``, ``hi``) — created, completed, due (before
    ``cutoff``) or returned in it — oldest first, each (a :class:`TaskFact` row) with what it counts for
    (:func:`count_task`)."""
    returns = (
        select(TaskReturnFact.task, func.count().label("n"))
        .where(TaskReturnFact.return_time >= lo, TaskReturnFact.return_time < hi)
        .group_by(TaskReturnFact.task)
        .subquery()
    )
    returned = func.coalesce(returns.c.n, 0)
    records = (
        await session.execute(
            select(TaskFact, returned.label("returns"))
            .outerjoin(returns, returns.c.task == TaskFact.task)
            .where(
                or_(
                    and_(TaskFact.create_time >= lo, TaskFact.create_time < hi),
                    and_(TaskFact.complete_time >= lo, TaskFact.complete_time < hi),
                    and_(TaskFact.due_time >= lo, TaskFact.due_time < cutoff),
                    returned > 0,
                ),
                *conditions,
            )
            .order_by(TaskFact.create_time, TaskFact.task)
        )
    ).all()
    counted = ((task, count_task(task, int(made or 0), lo, hi, cutoff)) for task, made in records)
    return [(task, what) for task, what in counted if what.anything]


async def assignee_figures(
    session: AsyncSession, query: Query, groups: Mapping[str, str], *, now: datetime | None = None
) -> dict[str, TaskFigures]:
    """工作效率's figures in the query's period per group of assignees (``groups``: ``users/…`` → the group's
    key), whatever the caller's scope and conditions: the tasks and definitions of :func:`work_efficiency`, so a
    group's ``on_time_rate`` is its 按时完成率. ``now`` cuts the period for what is overdue (default: its end).
    Groups without any task that counts are left out."""
    if not groups:
        return {}
    lo, hi = period_bounds(query)
    cutoff = hi if now is None else min(hi, now)
    figures: dict[str, TaskFigures] = {}
    for task, counted in await counted_tasks(session, lo, hi, cutoff, [_in(TaskFact.assignee, groups)]):
        counted.into(figures.setdefault(groups[task.assignee], TaskFigures()))
    return figures


async def work_efficiency(session: AsyncSession, query: Query, *, now: datetime | None = None) -> Table:
    """工作效率: per assignee (dimension ``relationship_manager``, the default; drill-down ``users/…``) or per org unit
    (``org_unit``; the assignee's unit when the task was assigned) over the tasks that count in the period —
    created, completed, due (before the cut-off) or returned in it — within the caller's scope. ``now`` (default:
    the current time) cuts the period for what is overdue."""
    lo, hi = period_bounds(query)
    cutoff = min(hi, now or datetime.now(UTC))
    tree = await org_tree(session)
    parents = {unit: parent for unit, (parent, _) in tree.items()}
    conditions: list[ColumnElement[bool]] = []
    if (reach := _task_reach(query.scope)) is not None:
        conditions.append(reach)
    if query.org_units:
        conditions.append(_in(TaskFact.org_unit, subtrees(query.org_units, parents)))
    if query.relationship_managers:
        conditions.append(_in(TaskFact.assignee, query.relationship_managers))
    total = TaskFigures()
    groups: dict[str, TaskFigures] = {}
    names: dict[str, str] = {}
    grouping = unit_rows(query, parents) if query.dimension == ORG_UNIT else None
    for task, counted in await counted_tasks(session, lo, hi, cutoff, conditions):
        counted.into(total)
        key = grouping.row_of(task.org_unit) if grouping is not None else task.assignee
        counted.into(groups.setdefault(key, TaskFigures()))
        if grouping is None:  # oldest first: the latest task's name of the assignee wins
            names[key] = task.assignee_display_name or names.get(key) or task.assignee
    rows: list[Row] = []
    if grouping is not None:
        for unit in _ordered_units(grouping, groups):
            label, drill_down = _unit_label(unit, grouping, tree)
            rows.append(Row((label, *(groups.get(unit) or TaskFigures()).cells()), drill_down=drill_down))
        first = Column("label", "机构")
    else:
        for assignee in sorted(groups):
            rows.append(Row((names[assignee], *groups[assignee].cells()), drill_down=assignee))
        first = Column("label", "执行人")
    return Table(
        columns=(first, *EFFICIENCY_FIGURES),
        rows=tuple(rows),
        totals=Row((TOTAL_LABEL, *total.cells())),
    )


# --------------------------------------------------------------------------------------------- campaign results


CAMPAIGN_COLUMNS = (
    Column("label", "营销活动"),
    Column("state", "状态"),
    Column("start_date", "开始日期", ColumnType.DATE),
    Column("end_date", "结束日期", ColumnType.DATE),
    Column("targets", "目标客户数", ColumnType.INTEGER),
    Column("holdout", "对照组客户数", ColumnType.INTEGER),
    Column("activities", "营销次数", ColumnType.INTEGER),
    Column("contacted", "已接触客户数", ColumnType.INTEGER),
    Column("interested", "有意向客户数", ColumnType.INTEGER),
    Column("declined", "已拒绝客户数", ColumnType.INTEGER),
    Column("converted", "已成交客户数", ColumnType.INTEGER),
    Column("converted_amount", "成交金额(元)", ColumnType.MONEY),
    Column("contact_rate", "接触率", ColumnType.PERCENT),
    Column("conversion_rate", "转化率", ColumnType.PERCENT),
)


def next_stage(current: int, outcome_stage: int) -> int:
    """A customer's stage after an activity (kam_task.domain.campaigns.next_stage): converted stays converted;
    otherwise the latest answer (interested or declined) counts, and a plain contact never moves anyone back."""
    if current == CONVERTED or outcome_stage == CONVERTED:
        return CONVERTED
    if outcome_stage in (INTERESTED, DECLINED):
        return outcome_stage
    return max(current, outcome_stage) if current in (NOT_CONTACTED, CONTACTED) else current


@dataclass
class Funnel:
    """A campaign's funnel over the activities counted: each customer's furthest stage (the task service's rule,
    activities taken in the order they were recorded) and the amounts converted."""

    targets: int | None = 0
    holdout: int | None = 0
    activities: int = 0
    #: customer (or, in the totals, (campaign, customer)) → furthest stage
    stages: dict[Any, int] = field(default_factory=dict)
    amount: Decimal = Decimal(0)

    def add(self, activity: Any) -> None:
        self.activities += 1
        stage = OUTCOME_STAGE.get(activity.outcome, CONTACTED)
        self.stages[activity.customer] = next_stage(self.stages.get(activity.customer, NOT_CONTACTED), stage)
        self.amount += Decimal(activity.amount or 0)

    def count(self, stage: int) -> int:
        return sum(1 for reached in self.stages.values() if reached == stage)

    def cells(self) -> tuple[Any, ...]:
        contacted, converted = len(self.stages), self.count(CONVERTED)
        targets = self.targets or 0
        return (
            self.targets,
            self.holdout,
            self.activities,
            contacted,
            self.count(INTERESTED),
            self.count(DECLINED),
            converted,
            self.amount.quantize(_CENT),
            percent(contacted, targets),
            percent(converted, targets),
        )


def _targets(campaign: Any, query: Query, parents: Mapping[str, str | None]) -> tuple[int | None, int | None]:
    """The target customers (not held out) and the hold-out of a campaign within the scope and conditions: the
    whole list when unrestricted; else the targets of the quotas within them — per relationship manager when the
    query names managers or the scope is a person's own, else per executing unit; no hold-out figure then (the
    events do not say whose the held-out customers are)."""
    scope = query.scope
    if scope.everything and not query.org_units and not query.relationship_managers:
        holdout = campaign.holdout_customer_count
        return campaign.target_customer_count - holdout, holdout
    quotas = json.loads(campaign.quotas or "[]")
    if query.relationship_managers or not (scope.everything or scope.branches):
        managers = set(query.relationship_managers) if query.relationship_managers else None
        if not scope.everything:
            managers = set(scope.managers) if managers is None else managers & scope.managers
        wanted = {q["assignee"] for q in quotas if q["assignee"].startswith("users/")}
        wanted = wanted if managers is None else wanted & managers
    else:
        units = set(subtrees(query.org_units, parents)) if query.org_units else None
        if not scope.everything:
            units = set(scope.branches) if units is None else units & scope.branches
        wanted = {q["assignee"] for q in quotas if q["assignee"].startswith(ORG_PREFIX)}
        wanted = wanted if units is None else wanted & units
    return sum(int(q["targets"]) for q in quotas if q["assignee"] in wanted), None


async def campaign_results(session: AsyncSession, query: Query) -> Table:
    """营销活动效果: one row per launched campaign running in the period (its dates overlap it; drill-down
    ``campaigns/…``), with the funnel of the activities that happened in the period within the caller's scope
    (the staff member who recorded it, their unit). Rates are over the target customers (not held out): contact
    rate = contacted / targets, conversion rate = converted / targets."""
    lo, hi = period_bounds(query)
    tree = await org_tree(session)
    parents = {unit: parent for unit, (parent, _) in tree.items()}
    campaigns = (
        (
            await session.execute(
                select(CampaignFact)
                .where(
                    CampaignFact.start_date <= query.end,
                    CampaignFact.end_date >= query.start,
                    CampaignFact.state != "STATE_DRAFT",
                )
                .order_by(CampaignFact.start_date, CampaignFact.campaign)
            )
        )
        .scalars()
        .all()
    )
    conditions: list[ColumnElement[bool]] = [
        CampaignActivityFact.occur_time >= lo,
        CampaignActivityFact.occur_time < hi,
        _in(CampaignActivityFact.campaign, [campaign.campaign for campaign in campaigns]),
    ]
    scoped = query.scope.condition(CampaignActivityFact.org_unit, CampaignActivityFact.relationship_manager)
    if scoped is not None:
        conditions.append(scoped)
    if query.org_units:
        conditions.append(_in(CampaignActivityFact.org_unit, subtrees(query.org_units, parents)))
    if query.relationship_managers:
        conditions.append(_in(CampaignActivityFact.relationship_manager, query.relationship_managers))
    activities = (
        (
            await session.execute(
                select(CampaignActivityFact)
                .where(*conditions)
                .order_by(CampaignActivityFact.create_time, CampaignActivityFact.activity)
            )
        )
        .scalars()
        .all()
        if campaigns
        else []
    )
    funnels: dict[str, Funnel] = {}
    for campaign in campaigns:
        targets, holdout = _targets(campaign, query, parents)
        funnels[campaign.campaign] = Funnel(targets=targets, holdout=holdout)
    for activity in activities:
        funnels[activity.campaign].add(activity)
    rows = [
        Row(
            (
                campaign.display_name or campaign.campaign,
                CAMPAIGN_STATE_NAMES.get(campaign.state, campaign.state),
                campaign.start_date,
                campaign.end_date,
                *funnels[campaign.campaign].cells(),
            ),
            drill_down=campaign.campaign,
        )
        for campaign in campaigns
    ]
    total = Funnel(
        targets=sum(f.targets or 0 for f in funnels.values()),
        holdout=None
        if any(f.holdout is None for f in funnels.values())
        else sum(f.holdout or 0 for f in funnels.values()),
        activities=sum(f.activities for f in funnels.values()),
        # a customer targeted by two campaigns counts in each
        stages={
            (name, customer): stage for name, f in funnels.items() for customer, stage in f.stages.items()
        },
        amount=sum((f.amount for f in funnels.values()), Decimal(0)),
    )
    return Table(
        columns=CAMPAIGN_COLUMNS,
        rows=tuple(rows),
        totals=Row((TOTAL_LABEL, "", None, None, *total.cells())),
    )


async def conversions(session: AsyncSession, query: Query, groups: Mapping[str, str]) -> dict[str, int]:
    """Per group of staff members (``groups``: ``users/…`` → the group's key), the marketing activities they
    recorded with a converted outcome that happened in the query's period, whatever the campaign and the caller's
    scope (a customer converted twice counts twice). Groups without any are left out."""
    if not groups:
        return {}
    lo, hi = period_bounds(query)
    rows = await session.execute(
        select(CampaignActivityFact.relationship_manager, func.count())
        .where(
            CampaignActivityFact.outcome == OUTCOME_CONVERTED,
            CampaignActivityFact.occur_time >= lo,
            CampaignActivityFact.occur_time < hi,
            _in(CampaignActivityFact.relationship_manager, groups),
        )
        .group_by(CampaignActivityFact.relationship_manager)
    )
    found: dict[str, int] = {}
    for user, count in rows:
        found[groups[user]] = found.get(groups[user], 0) + int(count)
    return found
