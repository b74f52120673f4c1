"""Work-efficiency figures (工作效率) computed from task records, without storage: what each task counts for in a
period, the figures of a group of tasks, the rows of a grouping and the trend.

The period is whole days in bank time (Asia/Shanghai); the cut-off is its end or now, whichever is earlier. Every
figure reads the tasks as they are now (kam/task/v1/efficiency.proto says the same to callers):

- assigned: created in the period;
- completed: completed (waiting for review or accepted) with the completion time in the period — a returned task
  counts only once completed again, at its latest completion time;
- on time: completed at or before the due time;
- overdue: due in the period before the cut-off and not completed by the due time (completed later, or still not
  completed at the cut-off); a task cancelled before its due time is not overdue, one cancelled after it is;
- returned: the returns made in the period;
- completion hours: creation → completion of the tasks completed in the period; mean and the 90th percentile by
  nearest rank (the ⌈0.9·n⌉-th smallest of n).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kam_task.domain.tasks import ACCEPTED, CANCELLED, COMPLETED, PRIORITIES

BANK_TZ = ZoneInfo("Asia/Shanghai")
#: the longest period, in days
MAX_DAYS = 366
#: states whose completion counts
DONE = frozenset({COMPLETED, ACCEPTED})
DAY, WEEK, MONTH = "day", "week", "month"
GRANULARITIES = (DAY, WEEK, MONTH)


@dataclass(frozen=True)
class TaskRecord:
    """What the figures read of a task; ``returns`` is the number of returns made in the period."""

    assignee: str
    assignee_display_name: str
    org_unit: str
    priority: str
    state: str
    create_time: datetime
    due_time: datetime
    complete_time: datetime | None = None
    close_time: datetime | None = None
    returns: int = 0


@dataclass(frozen=True)
class Period:
    """Whole days ``start`` … ``end`` (inclusive) in bank time."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def lo(self) -> datetime:
        """Its first moment (UTC)."""
        return bank_midnight(self.start)

    @property
    def hi(self) -> datetime:
        """The moment after it (UTC): 00:00 of the day after ``end``."""
        return bank_midnight(self.end + timedelta(days=1))

    def cutoff(self, now: datetime) -> datetime:
        return min(self.hi, now)

    def problems(self) -> dict[str, str]:
        """Field → what is wrong with the period (empty when it is fine)."""
        if self.end < self.start:
            return {"end_date": "结束日期早于开始日期 (end_date is before start_date)"}
        if self.days > MAX_DAYS:
            return {"end_date": f"统计期间最长 {MAX_DAYS} 天 (a period of at most {MAX_DAYS} days)"}
        return {}


def bank_midnight(day: date) -> datetime:
    """00:00 of ``day`` in bank time, as UTC."""
    return datetime.combine(day, time(), BANK_TZ).astimezone(UTC)


def bank_date(moment: datetime) -> date:
    """The bank-time calendar day of ``moment`` (naive values are UTC)."""
    return _aware(moment).astimezone(BANK_TZ).date()


def default_granularity(period: Period) -> str:
    """Days up to 31 days, weeks up to 92, months beyond."""
    if period.days <= 31:
        return DAY
    return WEEK if period.days <= 92 else MONTH


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


# --- one task -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counted:
    """What one task counts for in a period."""

    assigned: bool
    completed: bool
    on_time: bool
    overdue: bool
    returned: int
    #: creation → completion, when completed in the period
    hours: float | None

    @property
    def anything(self) -> bool:
        return self.assigned or self.completed or self.overdue or self.returned > 0


def count(task: TaskRecord, period: Period, now: datetime) -> Counted:
    lo, hi, cutoff = period.lo, period.hi, period.cutoff(now)
    created, due = _aware(task.create_time), _aware(task.due_time)
    done = _aware(task.complete_time) if task.complete_time is not None and task.state in DONE else None
    completed = done is not None and lo <= done < hi
    on_time = done is not None and done <= due
    cancelled_in_time = (
        task.state == CANCELLED and task.close_time is not None and _aware(task.close_time) <= due
    )
    overdue = lo <= due < cutoff and not on_time and not cancelled_in_time
    hours = (done - created).total_seconds() / 3600 if completed and done is not None else None
    return Counted(
        assigned=lo <= created < hi,
        completed=completed,
        on_time=completed and on_time,
        overdue=overdue,
        returned=task.returns,
        hours=hours,
    )


# --- figures --------------------------------------------------------------------------------------------------


@dataclass
class Figures:
    """The figures of a group of tasks (added one at a time)."""

    assigned: int = 0
    completed: int = 0
    on_time: int = 0
    overdue: int = 0
    returned: int = 0
    hours: list[float] = field(default_factory=list)

    def add(self, counted: Counted) -> None:
        self.assigned += counted.assigned
        self.completed += counted.completed
        self.on_time += counted.on_time
        self.overdue += counted.overdue
        self.returned += counted.returned
        if counted.hours is not None:
            self.hours.append(counted.hours)

    @property
    def on_time_percent(self) -> float:
        return percent(self.on_time, self.completed)

    @property
    def average_hours(self) -> float:
        return sum(self.hours) / len(self.hours) if self.hours else 0.0

    @property
    def p90_hours(self) -> float:
        return nearest_rank(self.hours, 0.9)


def percent(part: int, whole: int) -> float:
    return part * 100 / whole if whole else 0.0


def nearest_rank(values: Iterable[float], fraction: float) -> float:
    """The ⌈fraction·n⌉-th smallest of n values (0 when there are none)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1]


@dataclass
class Row:
    """One row of a grouping: its figures, per priority too, and its latest task (whose names it shows)."""

    key: str
    figures: Figures = field(default_factory=Figures)
    by_priority: dict[str, Figures] = field(default_factory=dict)
    latest: TaskRecord | None = None

    def add(self, task: TaskRecord, counted: Counted) -> None:
        self.figures.add(counted)
        self.by_priority.setdefault(task.priority, Figures()).add(counted)
        if self.latest is None or _aware(task.create_time) >= _aware(self.latest.create_time):
            self.latest = task

    def priorities(self) -> list[tuple[str, Figures]]:
        """Per priority, lowest first."""
        return [(p, self.by_priority[p]) for p in PRIORITIES if p in self.by_priority]


@dataclass
class TrendPoint:
    start: date
    end: date
    assigned: int = 0
    completed: int = 0
    on_time: int = 0
    overdue: int = 0

    @property
    def on_time_percent(self) -> float:
        return percent(self.on_time, self.completed)


@dataclass
class Efficiency:
    """The figures of a period: the rows by key (in no particular order), the total and the trend."""

    rows: dict[str, Row]
    total: Row
    trend: list[TrendPoint]


def buckets(period: Period, granularity: str) -> list[TrendPoint]:
    """The trend's empty buckets over the period, oldest first (weeks Monday to Sunday, months by the calendar,
    the first and last cut to the period)."""
    points: list[TrendPoint] = []
    day = period.start
    while day <= period.end:
        if granularity == DAY:
            last = day
        elif granularity == WEEK:
            last = day + timedelta(days=6 - day.weekday())
        else:
            following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
            last = following - timedelta(days=1)
        last = min(last, period.end)
        points.append(TrendPoint(day, last))
        day = last + timedelta(days=1)
    return points


def compute(
    tasks: Iterable[TaskRecord],
    period: Period,
    now: datetime,
    *,
    key: Callable[[TaskRecord], str],
    granularity: str,
) -> Efficiency:
    """The figures of ``tasks`` in ``period`` as of ``now``, one row per ``key`` (tasks that count for nothing in
    the period are left out, and so are rows with nothing)."""
    rows: dict[str, Row] = {}
    total = Row("")
    trend = buckets(period, granularity)
    starts = [point.start for point in trend]

    def point(moment: datetime) -> TrendPoint:
        return trend[bisect.bisect_right(starts, bank_date(moment)) - 1]

    for task in tasks:
        counted = count(task, period, now)
        if not counted.anything:
            continue
        name = key(task)
        rows.setdefault(name, Row(name)).add(task, counted)
        total.add(task, counted)
        if counted.assigned:
            point(task.create_time).assigned += 1
        if counted.completed and task.complete_time is not None:
            bucket = point(task.complete_time)
            bucket.completed += 1
            bucket.on_time += counted.on_time
        if counted.overdue:
            point(task.due_time).overdue += 1
    return Efficiency(rows=rows, total=total, trend=trend)


# --- org units ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRow:
    """The row an org unit's tasks are counted in: ``unit``, and whether that row takes in the units below it."""

    unit: str
    subtree: bool


def unit_rows(anchor: str, parents: Mapping[str, str | None]) -> dict[str, UnitRow]:
    """Per org unit (ids, as ``parents`` holds them): its row when grouping per org unit under ``anchor`` — the
    anchor's own tasks in the anchor's row (本级; ``subtree`` only when nothing lies below it), each unit below
    the anchor in the row of the anchor's child it lies under; units outside the anchor's subtree are absent (each
    is a row of its own)."""
    children: dict[str, list[str]] = {}
    for unit, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(unit)
    rows = {anchor: UnitRow(anchor, subtree=not children.get(anchor))}
    for child in children.get(anchor, []):
        row = UnitRow(child, subtree=True)
        stack, seen = [child], {anchor}
        while stack:
            unit = stack.pop()
            if unit in seen:
                continue
            seen.add(unit)
            rows[unit] = row
            stack.extend(children.get(unit, []))
    return rows
