"""The rules of task automation, without storage: when recurring work comes round (its schedule in bank time),
what a valid recurring task or playbook looks like, which customer events set a playbook off and what identifies
a trigger (so that each makes its tasks once).

A schedule's occurrences are whole minutes in bank time (Asia/Shanghai): every day, every week on a weekday,
every month or every quarter (its first month) on a day of the month — a month without that day uses its last
day — at a time of day (09:00 unless given), from the start date to the end date (inclusive, if any).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from google.protobuf import duration_pb2
from kam.customer.v1 import customer_pb2
from kam.task.v1 import automation_pb2
from kam_kit.errors import InvalidArgument, Validator
from kam_kit.protoconv import date_value

from kam_task.domain import tasks as rules

BANK_TZ = ZoneInfo("Asia/Shanghai")
Frequency = automation_pb2.RecurrenceSchedule.Frequency
Playbook = automation_pb2.Playbook
RecurringTask = automation_pb2.RecurringTask

DAILY, WEEKLY, MONTHLY, QUARTERLY = (
    automation_pb2.RecurrenceSchedule.FREQUENCY_DAILY,
    automation_pb2.RecurrenceSchedule.FREQUENCY_WEEKLY,
    automation_pb2.RecurrenceSchedule.FREQUENCY_MONTHLY,
    automation_pb2.RecurrenceSchedule.FREQUENCY_QUARTERLY,
)
QUARTER_MONTHS = (1, 4, 7, 10)
#: the time of day of a schedule that names none
DEFAULT_TIME = (9, 0)
#: how long a task made by automation may have: more than nothing, at most this
MAX_DUE_AFTER = timedelta(days=366)
MAX_STEPS = 20
#: the most people one recurring task names (as BatchCreateTasks)
MAX_ASSIGNEES = 500
#: a year and a quarter: any schedule has an occurrence within it unless it ended
_HORIZON = 460

NEW_KEY_CUSTOMER, TIER_CHANGED, MATURITY = (
    Playbook.TRIGGER_NEW_KEY_CUSTOMER,
    Playbook.TRIGGER_TIER_CHANGED,
    Playbook.TRIGGER_MATURITY,
)
#: the key dates a maturity playbook reacts to
MATURITIES = frozenset(
    (
        customer_pb2.KEY_DATE_KIND_DEPOSIT_MATURITY,
        customer_pb2.KEY_DATE_KIND_LOAN_MATURITY,
        customer_pb2.KEY_DATE_KIND_WEALTH_MATURITY,
    )
)


@dataclass(frozen=True)
class Schedule:
    """A recurring task's schedule (:mod:`kam_task.domain.automation`'s description)."""

    frequency: int
    start: date
    end: date | None = None
    weekday: int = 0  # ISO: Monday 1 … Sunday 7 (google.type.DayOfWeek)
    day_of_month: int = 0
    at: time = time(*DEFAULT_TIME)

    def falls_on(self, day: date) -> bool:
        if day < self.start or (self.end is not None and day > self.end):
            return False
        if self.frequency == DAILY:
            return True
        if self.frequency == WEEKLY:
            return day.isoweekday() == self.weekday
        if self.frequency == QUARTERLY and day.month not in QUARTER_MONTHS:
            return False
        return day.day == min(self.day_of_month, calendar.monthrange(day.year, day.month)[1])

    def occurrence(self, day: date) -> datetime:
        """The moment of ``day``'s occurrence, in UTC."""
        return datetime.combine(day, self.at, tzinfo=BANK_TZ).astimezone(UTC)

    def next_on_or_after(self, moment: datetime) -> datetime | None:
        """The first occurrence at or after ``moment`` (None when the schedule has ended by then)."""
        day = max(moment.astimezone(BANK_TZ).date(), self.start)
        for _ in range(_HORIZON):
            if self.end is not None and day > self.end:
                return None
            if self.falls_on(day) and self.occurrence(day) >= moment:
                return self.occurrence(day)
            day += timedelta(days=1)
        return None

    def next_after(self, moment: datetime) -> datetime | None:
        """The first occurrence strictly after ``moment``."""
        return self.next_on_or_after(moment + timedelta(microseconds=1))

    def latest_on_or_before(self, moment: datetime) -> datetime | None:
        """The last occurrence at or before ``moment`` (None before the first)."""
        day = moment.astimezone(BANK_TZ).date()
        if self.end is not None:
            day = min(day, self.end)
        for _ in range(_HORIZON):
            if day < self.start:
                return None
            if self.falls_on(day) and self.occurrence(day) <= moment:
                return self.occurrence(day)
            day -= timedelta(days=1)
        return None


def schedule_of(message: automation_pb2.RecurrenceSchedule) -> Schedule:
    """A stored (valid) schedule."""
    start = date_value(message.start_date, "schedule.start_date")
    assert start is not None
    at = time(*DEFAULT_TIME)
    if message.HasField("time_of_day"):
        at = time(message.time_of_day.hours, message.time_of_day.minutes)
    return Schedule(
        frequency=message.frequency,
        start=start,
        end=date_value(message.end_date, "schedule.end_date"),
        weekday=int(message.day_of_week),
        day_of_month=message.day_of_month,
        at=at,
    )


def span(duration: duration_pb2.Duration) -> timedelta:
    return timedelta(seconds=duration.seconds, microseconds=duration.nanos // 1000)


# --- validation ---------------------------------------------------------------------------------------------------


def check_template(v: Validator, template: automation_pb2.TaskTemplate, field: str) -> None:
    rules.check_text(v, template.title, f"{field}.title", rules.MAX_TITLE, required=True)
    rules.check_text(v, template.purpose, f"{field}.purpose", rules.MAX_PURPOSE)
    rules.check_text(v, template.description, f"{field}.description", rules.MAX_DESCRIPTION)
    rules.check_priority(v, template.priority, f"{field}.priority")


def check_span(v: Validator, message, name: str, field: str) -> None:
    """A required duration: more than zero, at most :data:`MAX_DUE_AFTER`."""
    if not message.HasField(name):
        v.add(field, "必填 (required)")
        return
    value = getattr(message, name)
    if value.seconds < 0 or value.nanos < 0 or (value.seconds == 0 and value.nanos == 0):
        v.add(field, "应大于零 (must be positive)")
    elif span(value) > MAX_DUE_AFTER:
        v.add(field, "最长 366 天 (at most 366 days)")


def check_schedule(
    v: Validator, message: automation_pb2.RecurrenceSchedule, field: str, now: datetime | None
) -> Schedule | None:
    """The schedule, or None with its problems added to ``v``; with ``now``, one that has no occurrence left
    from then is a problem of its end date."""
    before = len(v.violations)
    frequency = message.frequency
    if frequency not in (DAILY, WEEKLY, MONTHLY, QUARTERLY):
        v.add(f"{field}.frequency", "应为每日、每周、每月或每季度 (daily, weekly, monthly or quarterly)")
    if frequency == WEEKLY:
        v.check(
            1 <= message.day_of_week <= 7, f"{field}.day_of_week", "每周任务须指定星期几 (required weekly)"
        )
    elif message.day_of_week:
        v.add(f"{field}.day_of_week", "仅每周任务可指定星期几 (weekly schedules only)")
    if frequency in (MONTHLY, QUARTERLY):
        v.check(
            1 <= message.day_of_month <= 31,
            f"{field}.day_of_month",
            "每月、每季度任务须指定 1–31 日 (required monthly and quarterly: 1–31)",
        )
    elif message.day_of_month:
        v.add(f"{field}.day_of_month", "仅每月、每季度任务可指定日期 (monthly and quarterly schedules only)")
    if message.HasField("time_of_day"):
        t = message.time_of_day
        v.check(
            0 <= t.hours <= 23 and 0 <= t.minutes <= 59 and not t.seconds and not t.nanos,
            f"{field}.time_of_day",
            "应为 00:00–23:59 的整分钟 (a whole minute, 00:00–23:59)",
        )
    start = end = None
    try:
        start = date_value(message.start_date, f"{field}.start_date")
        if start is None:
            v.add(f"{field}.start_date", "必填 (required)")
    except InvalidArgument as error:
        v.violations.extend(error.violations)
    try:
        end = date_value(message.end_date, f"{field}.end_date")
    except InvalidArgument as error:
        v.violations.extend(error.violations)
    if start is not None and end is not None and end < start:
        v.add(f"{field}.end_date", "结束日期不能早于开始日期 (before the start date)")
    if len(v.violations) > before:
        return None
    schedule = schedule_of(message)
    if now is not None and schedule.next_on_or_after(now) is None:
        v.add(f"{field}.end_date", "结束日期前已没有可执行的日期 (no occurrence left before the end date)")
        return None
    return schedule


def check_segment(v: Validator, segment: automation_pb2.CustomerCriteria, field: str) -> None:
    for i, tier in enumerate(segment.tiers):
        rules.check_resource(v, tier, f"{field}.tiers[{i}]", "tiers/", required=True)
    rules.check_resource(v, segment.org_unit, f"{field}.org_unit", "orgUnits/")


def check_recurring_task(v: Validator, message: RecurringTask, now: datetime | None) -> Schedule | None:
    """Every problem of a recurring task's definition, named by its field (``recurring_task.…``); ``now``: as
    :func:`check_schedule`."""
    field = "recurring_task"
    if message.HasField("task"):
        check_template(v, message.task, f"{field}.task")
    else:
        v.add(f"{field}.task", "必填 (required)")
    schedule = None
    if message.HasField("schedule"):
        schedule = check_schedule(v, message.schedule, f"{field}.schedule", now)
    else:
        v.add(f"{field}.schedule", "必填 (required)")
    check_span(v, message, "due_after", f"{field}.due_after")
    for i, name in enumerate(message.assignees):
        rules.check_resource(v, name, f"{field}.assignees[{i}]", "users/", required=True)
    v.check(
        len(message.assignees) <= MAX_ASSIGNEES,
        f"{field}.assignees",
        f"最多 {MAX_ASSIGNEES} 人 (at most {MAX_ASSIGNEES})",
    )
    rules.check_resource(v, message.assignee_org_unit, f"{field}.assignee_org_unit", "orgUnits/")
    named = bool(message.assignees) or bool(message.assignee_org_unit)
    if message.HasField("customer_segment"):
        check_segment(v, message.customer_segment, f"{field}.customer_segment")
        v.check(
            not named,
            f"{field}.customer_segment",
            "按客户分派时不能再指定人员或机构 (not together with assignees or assignee_org_unit)",
        )
    else:
        v.check(
            named,
            f"{field}.assignees",
            "请指定人员、机构或客户范围 (name people, an org unit or a customer segment)",
        )
    return schedule


def check_playbook(v: Validator, message: Playbook) -> None:
    """Every problem of a playbook's definition, named by its field (``playbook.…``)."""
    field = "playbook"
    rules.check_text(v, message.display_name, f"{field}.display_name", rules.MAX_TITLE, required=True)
    rules.check_text(v, message.description, f"{field}.description", rules.MAX_TEXT)
    trigger = message.trigger
    v.check(
        trigger in (NEW_KEY_CUSTOMER, TIER_CHANGED, MATURITY),
        f"{field}.trigger",
        "应为新增重点客户、等级变化或到期 (new key customer, tier changed or maturity)",
    )
    check_segment(v, message.conditions, f"{field}.conditions")
    if trigger == TIER_CHANGED:
        v.check(
            bool(message.conditions.tiers),
            f"{field}.conditions.tiers",
            "等级变化须指定目标等级 (the tiers moved into are required)",
        )
    for i, kind in enumerate(message.maturity_kinds):
        v.check(
            kind in MATURITIES,
            f"{field}.maturity_kinds[{i}]",
            "应为存款、贷款或理财到期 (a deposit, loan or wealth-management maturity)",
        )
    if message.maturity_kinds and trigger != MATURITY:
        v.add(f"{field}.maturity_kinds", "仅到期触发可指定到期类型 (maturity triggers only)")
    if not message.steps:
        v.add(f"{field}.steps", "至少一个步骤 (at least one step)")
    v.check(
        len(message.steps) <= MAX_STEPS, f"{field}.steps", f"最多 {MAX_STEPS} 个步骤 (at most {MAX_STEPS})"
    )
    for i, step in enumerate(message.steps):
        if step.HasField("task"):
            check_template(v, step.task, f"{field}.steps[{i}].task")
        else:
            v.add(f"{field}.steps[{i}].task", "必填 (required)")
        check_span(v, step, "due_offset", f"{field}.steps[{i}].due_offset")


# --- triggers -----------------------------------------------------------------------------------------------------


def applies(playbook: Playbook, *, tier: str, kind: int = 0) -> bool:
    """Whether a trigger of the playbook's kind concerns it, by tier (for a tier change: the tier moved into) and,
    for a maturity, its kind (the org unit condition is checked against the org tree by the caller)."""
    tiers: Iterable[str] = playbook.conditions.tiers
    if tiers and tier not in tiers:
        return False
    if playbook.trigger == MATURITY:
        return kind in (set(playbook.maturity_kinds) or MATURITIES)
    return True


def bank_day(moment: datetime) -> date:
    return moment.astimezone(BANK_TZ).date()


def tier_key(tier: str, moment: datetime) -> str:
    """A tier change's identity: the tier moved into and the bank day (moving back and forth within a day fires
    once)."""
    return f"tier:{tier}:{bank_day(moment).isoformat()}"


def maturity_key(kind: int, day: date | None, account: str) -> str:
    """A maturity's identity: its kind, date and account."""
    name = customer_pb2.KeyDateKind.Name(kind).removeprefix("KEY_DATE_KIND_")
    return f"maturity:{name}:{day.isoformat() if day else ''}:{account}"[:300]


NEW_CUSTOMER_KEY = "created"


def due_time(base: datetime, offset: timedelta, now: datetime) -> datetime:
    """When a task made by automation is due: ``offset`` after its occurrence or trigger, or — made so late that
    this has passed — ``offset`` after now."""
    due = base + offset
    return due if due > now else now + offset
