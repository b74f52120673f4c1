"""Work-efficiency figures (GetWorkEfficiency) through the real gRPC API on SQLite and PostgreSQL: a month of tasks
made, completed (on time and late), returned, cancelled and left overdue with the manual clock, then the figures
checked against an independent computation over the same records (the tasks and their histories as the API
returns them), against numbers worked out by hand, within each caller's reach, and refused on bad input."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import grpc
import pytest
from google.type import date_pb2
from kam.task.v1 import efficiency_pb2, task_pb2
from kam.task.v1 import task_service_pb2 as pb
from task_testlib import Bank, T, violations

BEIJING = ZoneInfo("Asia/Shanghai")
DONE = task_pb2.Completion(handling="电话沟通", content="已与客户确认。")
USER, ORG_UNIT = efficiency_pb2.EFFICIENCY_GROUPING_USER, efficiency_pb2.EFFICIENCY_GROUPING_ORG_UNIT
DEC = (date(2026, 12, 1), date(2026, 12, 31))
NOV = (date(2026, 11, 1), date(2026, 11, 30))


def bj(month: int, day: int, hour: int = 9, minute: int = 0, year: int = 2026) -> datetime:
    """A moment given in Beijing time."""
    return datetime(year, month, day, hour, minute, tzinfo=BEIJING).astimezone(UTC)


def _date(day: date) -> date_pb2.Date:
    return date_pb2.Date(year=day.year, month=day.month, day=day.day)


async def _efficiency(
    bank: Bank, who: str, period: tuple[date, date] = DEC, **fields
) -> efficiency_pb2.WorkEfficiency:
    request = pb.GetWorkEfficiencyRequest(start_date=_date(period[0]), end_date=_date(period[1]), **fields)
    return (await bank.call("GetWorkEfficiency", request, who)).efficiency


async def _error(call) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value


# --- the month --------------------------------------------------------------------------------------------------


class Month:
    """December 2026 at 北京分行 (and one task at 上海分行), step by step on the manual clock."""

    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self.tasks: dict[str, T] = {}

    async def at(self, moment: datetime) -> None:
        assert moment >= self.bank.clock.now()
        self.bank.clock.set(moment)

    async def assign(self, key: str, to: str, due: datetime, who: str = "users/bm_beijing", **fields) -> None:
        self.tasks[key] = await self.bank.assign(who, to, title=key, due=due, **fields)

    async def complete(self, key: str) -> None:
        task = self.tasks[key]
        request = pb.CompleteTaskRequest(name=task.name, completion=DONE)
        who = task.assignee
        self.tasks[key] = (await self.bank.call("CompleteTask", request, who)).task

    async def return_(self, key: str) -> None:
        request = pb.ReturnTaskRequest(name=self.tasks[key].name, reason="请补充客户反馈")
        self.tasks[key] = (await self.bank.call("ReturnTask", request, self.tasks[key].assigner)).task

    async def cancel(self, key: str) -> None:
        request = pb.CancelTaskRequest(name=self.tasks[key].name, cancel_reason="客户已销户")
        self.tasks[key] = (await self.bank.call("CancelTask", request, self.tasks[key].assigner)).task

    async def play(self) -> None:
        """Up to 15 December, 09:00."""
        dongcheng, xicheng, shanghai = "users/rm_dongcheng", "users/rm_xicheng", "users/rm_shanghai"
        self.bank.clock.set(bj(11, 20))  # the month before
        await self.assign("november", dongcheng, bj(11, 25, 18))  # all in November
        await self.at(bj(11, 24))
        await self.complete("november")
        await self.at(bj(11, 25))
        await self.assign("A", dongcheng, bj(12, 3, 18))  # made before, completed on time in the period
        await self.at(bj(11, 28))
        await self.assign("B", xicheng, bj(12, 4, 18))  # made before, never completed: overdue
        await self.at(bj(12, 1, 0, 30))  # 30 November in UTC, 1 December at the bank
        await self.assign("C", dongcheng, bj(12, 5, 18), priority=task_pb2.PRIORITY_HIGH)  # completed late
        await self.at(bj(12, 2, 10))
        await self.complete("A")
        await self.assign(
            "D", dongcheng, bj(12, 10, 18), priority=task_pb2.PRIORITY_URGENT
        )  # returned, then done
        await self.assign("E", xicheng, bj(12, 9, 18))  # returned, still not done: overdue
        await self.at(bj(12, 3, 9))
        await self.assign("F", shanghai, bj(12, 8, 18), who="users/bm_shanghai")
        await self.assign("G", "users/me", bj(12, 6, 18))  # the branch manager's own
        await self.at(bj(12, 3, 15))
        await self.complete("D")
        await self.at(bj(12, 4, 9))
        await self.return_("D")
        await self.complete("G")
        await self.assign("H", dongcheng, bj(12, 20, 18))  # cancelled before its due time
        await self.assign("I", xicheng, bj(12, 8, 18), priority=task_pb2.PRIORITY_LOW)  # cancelled after it
        await self.at(bj(12, 5, 9))
        await self.cancel("H")
        await self.complete("E")
        await self.at(bj(12, 6, 9))
        await self.return_("E")
        await self.complete("C")
        await self.at(bj(12, 7, 12))
        await self.complete("F")
        await self.at(bj(12, 8, 9))
        await self.complete("D")
        await self.assign("J", dongcheng, bj(12, 25, 18))  # due after the cut-off of 15 December
        await self.at(bj(12, 10, 9))
        await self.cancel("I")
        await self.at(bj(12, 15, 9))


# --- the independent computation -------------------------------------------------------------------------------


def _moment(ts) -> datetime:
    return ts.ToDatetime(tzinfo=UTC)


async def _records(bank: Bank) -> tuple[list[T], dict[str, list[datetime]]]:
    """Every task (as head office reads them) and the times each was returned (from its history)."""
    tasks = list((await bank.call("ListTasks", pb.ListTasksRequest(page_size=500), "users/leader")).tasks)
    returns = {}
    for task in tasks:
        history = await bank.call(
            "ListTaskHistory", pb.ListTaskHistoryRequest(name=task.name), "users/leader"
        )
        returns[task.name] = [_moment(e.time) for e in history.entries if e.action == "returned"]
    return tasks, returns


def expected(
    tasks: list[T],
    returns: dict[str, list[datetime]],
    period: tuple[date, date],
    now: datetime,
    key: Callable[[T], str],
    reach: Callable[[T], bool] = lambda task: True,
) -> dict[str, tuple]:
    """The figures per row, worked out plainly from the tasks: (assigned, completed, on time, overdue, returned,
    mean hours, p90 hours), rows with nothing left out; the key "" holds the total."""
    start = datetime.combine(period[0], time(), BEIJING)
    end = datetime.combine(period[1] + timedelta(days=1), time(), BEIJING)
    cutoff = min(end, now)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    hours: dict[str, list[float]] = defaultdict(list)
    for task in tasks:
        if not reach(task):
            continue
        created, due = _moment(task.create_time), _moment(task.due_time)
        finished = task.state in (T.STATE_COMPLETED, T.STATE_ACCEPTED)
        completed_at = _moment(task.completion.complete_time) if finished else None
        in_time = completed_at is not None and completed_at <= due
        cancelled_in_time = task.state == T.STATE_CANCELLED and _moment(task.close_time) <= due
        figures = [
            start <= created < end,
            completed_at is not None and start <= completed_at < end,
            completed_at is not None and start <= completed_at < end and in_time,
            start <= due < cutoff and not in_time and not cancelled_in_time,
            len([r for r in returns[task.name] if start <= r < end]),
        ]
        if not any(figures):
            continue
        for row in (key(task), ""):
            counts[row] = [a + b for a, b in zip(counts[row], figures, strict=True)]
            if figures[1] and completed_at is not None:
                hours[row].append((completed_at - created).total_seconds() / 3600)
    out = {}
    for row, (assigned, completed, on_time, overdue, returned) in counts.items():
        spent = sorted(hours[row])
        mean = sum(spent) / len(spent) if spent else 0.0
        p90 = spent[math.ceil(0.9 * len(spent)) - 1] if spent else 0.0
        out[row] = (assigned, completed, on_time, overdue, returned, mean, p90)
    return out


def _figures(f: efficiency_pb2.EfficiencyFigures) -> tuple:
    return (
        f.assigned_count,
        f.completed_count,
        f.on_time_count,
        f.overdue_count,
        f.returned_count,
        f.average_completion_hours,
        f.p90_completion_hours,
    )


def answered(efficiency: efficiency_pb2.WorkEfficiency) -> dict[str, tuple]:
    """The response's rows with anything in them, and the total under ""."""
    rows = {row.name: _figures(row.figures) for row in efficiency.rows if any(_figures(row.figures)[:5])}
    return {**rows, "": _figures(efficiency.total)}


def same(got: dict[str, tuple], want: dict[str, tuple]) -> bool:
    assert got.keys() == want.keys(), (got, want)
    for row, figures in want.items():
        assert got[row][:5] == figures[:5], row
        assert got[row][5:] == pytest.approx(figures[5:]), row
    return True


# --- tests ------------------------------------------------------------------------------------------------------


async def test_the_figures_equal_an_independent_computation_over_the_same_records(bank: Bank) -> None:
    month = Month(bank)
    await month.play()
    tasks, returns = await _records(bank)
    now = bank.clock.now()
    beijing = {"orgUnits/0100", "orgUnits/0101", "orgUnits/0102"}

    def by_person(task: T) -> str:
        return task.assignee

    # head office: everyone, per person and per org unit (北京分行 with the units below it)
    leader = await _efficiency(bank, "users/leader")
    assert same(answered(leader), expected(tasks, returns, DEC, now, by_person))
    per_unit = await _efficiency(bank, "users/leader", group_by=ORG_UNIT)
    rolled = {"orgUnits/0101": "orgUnits/0100", "orgUnits/0102": "orgUnits/0100"}
    assert same(
        answered(per_unit), expected(tasks, returns, DEC, now, lambda t: rolled.get(t.org_unit, t.org_unit))
    )
    assert [(r.name, r.display_name, r.subtree) for r in per_unit.rows] == [
        ("orgUnits/0000", "总行", False),  # 总行's own staff (本级)
        ("orgUnits/0100", "北京分行", True),
        ("orgUnits/0200", "上海分行", True),
    ]
    assert per_unit.org_unit == "orgUnits/0000" and per_unit.org_unit_display_name == "总行"

    # the branch manager: the branch's tasks per person and per unit

    def in_beijing(task: T) -> bool:
        return task.org_unit in beijing

    manager = await _efficiency(bank, "users/bm_beijing")
    assert same(answered(manager), expected(tasks, returns, DEC, now, by_person, in_beijing))
    units = await _efficiency(bank, "users/bm_beijing", group_by=ORG_UNIT)
    assert same(answered(units), expected(tasks, returns, DEC, now, lambda t: t.org_unit, in_beijing))
    assert [(r.name, r.subtree) for r in units.rows] == [
        ("orgUnits/0100", False),
        ("orgUnits/0101", True),
        ("orgUnits/0102", True),
    ]

    # worked out by hand (15 December, 09:00):
    # rm_dongcheng — assigned C D H J; completed A (on time, 169 h), C (late, 128.5 h), D (on time, 143 h);
    #   overdue C; D returned once
    # rm_xicheng — assigned E I; nothing completed; overdue B (never done), E (returned, not done again), I
    #   (cancelled after its due time); E returned once
    # bm_beijing — G, his own, done in 24 h
    rows = {row.name: _figures(row.figures) for row in manager.rows}
    assert rows["users/rm_dongcheng"][:5] == (4, 3, 2, 1, 1)
    assert rows["users/rm_dongcheng"][5:] == pytest.approx(((169 + 128.5 + 143) / 3, 169))
    assert rows["users/rm_xicheng"] == (2, 0, 0, 3, 1, 0.0, 0.0)
    assert rows["users/bm_beijing"] == (1, 1, 1, 0, 0, 24.0, 24.0)
    assert "users/rm_shanghai" not in rows
    assert _figures(manager.total)[:5] == (7, 4, 3, 4, 2)
    assert manager.total.on_time_percent == pytest.approx(75.0)
    assert manager.cutoff_time.ToDatetime(tzinfo=UTC) == now
    dongcheng = next(r for r in manager.rows if r.name == "users/rm_dongcheng")
    assert dongcheng.display_name == "rm_dongcheng" and dongcheng.org_unit == "orgUnits/0101"
    assert [
        (p.priority, p.figures.assigned_count, p.figures.overdue_count) for p in dongcheng.by_priority
    ] == [
        (task_pb2.PRIORITY_NORMAL, 2, 0),  # H J (A is not assigned in December)
        (task_pb2.PRIORITY_HIGH, 1, 1),  # C
        (task_pb2.PRIORITY_URGENT, 1, 0),  # D
    ]

    # one priority; the subtree asked for
    high = await _efficiency(bank, "users/leader", priority=task_pb2.PRIORITY_HIGH)
    assert same(
        answered(high),
        expected(tasks, returns, DEC, now, by_person, lambda t: t.priority == task_pb2.PRIORITY_HIGH),
    )
    subtree = await _efficiency(bank, "users/leader", org_unit="orgUnits/0100")
    assert answered(subtree) == answered(manager)
    dongcheng_only = await _efficiency(bank, "users/leader", org_unit="orgUnits/0101")
    assert [r.name for r in dongcheng_only.rows] == ["users/rm_dongcheng"]

    # November: A and B were assigned, only the first task was done (on time)
    november = await _efficiency(bank, "users/leader", NOV)
    assert same(answered(november), expected(tasks, returns, NOV, now, by_person))
    assert _figures(november.total)[:5] == (3, 1, 1, 0, 0)

    # the month's end: J is overdue now, a task made at 23:30 on 31 December counts, one at 00:10 on 1 January not
    await month.at(bj(12, 31, 23, 30))
    await month.assign("K", "users/rm_dongcheng", bj(1, 5, 18, year=2027))
    await month.at(bj(1, 1, 0, 10, year=2027))
    await month.assign("L", "users/rm_dongcheng", bj(1, 5, 18, year=2027))
    await month.at(bj(1, 2, 9, year=2027))
    tasks, returns = await _records(bank)
    now = bank.clock.now()
    after = await _efficiency(bank, "users/bm_beijing")
    assert same(answered(after), expected(tasks, returns, DEC, now, by_person, in_beijing))
    assert _figures(after.total)[:5] == (8, 4, 3, 5, 2)
    assert after.cutoff_time.ToDatetime(tzinfo=UTC) == bj(1, 1, 0, year=2027)


async def test_the_trend(bank: Bank) -> None:
    month = Month(bank)
    await month.play()
    tasks, _ = await _records(bank)
    weekly = await _efficiency(bank, "users/leader", trend_granularity=efficiency_pb2.TREND_GRANULARITY_WEEK)
    weeks = [(date(2026, 12, 1), date(2026, 12, 6))] + [
        (date(2026, 12, d), date(2026, 12, min(d + 6, 31))) for d in (7, 14, 21, 28)
    ]
    assert [
        (date(p.start_date.year, p.start_date.month, p.start_date.day), date(2026, 12, p.end_date.day))
        for p in weekly.trend
    ] == weeks
    assert weekly.trend_granularity == efficiency_pb2.TREND_GRANULARITY_WEEK

    def week_of(moment: datetime) -> int | None:
        day = moment.astimezone(BEIJING).date()
        return next((i for i, (first, last) in enumerate(weeks) if first <= day <= last), None)

    assigned, completed, on_time = [0] * 5, [0] * 5, [0] * 5
    for task in tasks:
        if (i := week_of(_moment(task.create_time))) is not None:
            assigned[i] += 1
        if task.state in (T.STATE_COMPLETED, T.STATE_ACCEPTED):
            done = _moment(task.completion.complete_time)
            if (i := week_of(done)) is not None:
                completed[i] += 1
                on_time[i] += done <= _moment(task.due_time)
    assert [p.assigned_count for p in weekly.trend] == assigned == [7, 1, 0, 0, 0]
    assert [p.completed_count for p in weekly.trend] == completed
    assert [p.on_time_count for p in weekly.trend] == on_time
    assert [p.on_time_percent for p in weekly.trend] == [
        pytest.approx(o * 100 / c) if c else 0.0 for o, c in zip(on_time, completed, strict=True)
    ]
    # overdue by due date: B (4th), C (5th), I (8th), E (9th)
    assert [p.overdue_count for p in weekly.trend] == [2, 2, 0, 0, 0]
    # a month asks for days by default, a quarter for weeks, a year for months
    assert len((await _efficiency(bank, "users/leader")).trend) == 31
    quarter = await _efficiency(bank, "users/leader", (date(2026, 10, 1), date(2026, 12, 31)))
    assert quarter.trend_granularity == efficiency_pb2.TREND_GRANULARITY_WEEK
    year = await _efficiency(bank, "users/leader", (date(2026, 1, 1), date(2026, 12, 31)))
    assert year.trend_granularity == efficiency_pb2.TREND_GRANULARITY_MONTH and len(year.trend) == 12
    assert sum(p.assigned_count for p in year.trend) == year.total.assigned_count == 11


async def test_each_sees_the_figures_of_his_reach(bank: Bank) -> None:
    month = Month(bank)
    await month.play()
    own = await _efficiency(bank, "users/rm_dongcheng")
    assert [r.name for r in own.rows] == ["users/rm_dongcheng"]
    assert _figures(own.total)[:5] == (4, 3, 2, 1, 1)
    assert [r.name for r in (await _efficiency(bank, "users/rm_xicheng")).rows] == ["users/rm_xicheng"]
    # per unit, a relationship manager's own unit is the anchor, and only his tasks count in it
    units = await _efficiency(bank, "users/rm_dongcheng", group_by=ORG_UNIT)
    assert [(r.name, r.subtree, r.figures.assigned_count) for r in units.rows] == [("orgUnits/0101", True, 4)]
    shanghai = await _efficiency(bank, "users/bm_shanghai")
    assert [r.name for r in shanghai.rows] == ["users/rm_shanghai"]
    beijing = await _efficiency(bank, "users/bm_beijing")
    assert sorted(r.name for r in beijing.rows) == [
        "users/bm_beijing",
        "users/rm_dongcheng",
        "users/rm_xicheng",
    ]
    # asking for another branch shows nothing of it
    elsewhere = await _efficiency(bank, "users/bm_beijing", org_unit="orgUnits/0200")
    assert not elsewhere.rows and not any(_figures(elsewhere.total))
    compliance = await _efficiency(bank, "users/compliance")
    assert len(compliance.rows) == 4


async def test_bad_input_names_each_field(bank: Bank) -> None:
    call = "GetWorkEfficiency"
    error = await _error(bank.call(call, pb.GetWorkEfficiencyRequest()))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert violations(error) == {"start_date", "end_date"}
    backwards = pb.GetWorkEfficiencyRequest(
        start_date=_date(date(2026, 12, 31)), end_date=_date(date(2026, 12, 1))
    )
    error = await _error(bank.call(call, backwards))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and violations(error) == {"end_date"}
    too_long = pb.GetWorkEfficiencyRequest(
        start_date=_date(date(2025, 1, 1)), end_date=_date(date(2026, 1, 2))
    )
    assert violations(await _error(bank.call(call, too_long))) == {"end_date"}
    leap = pb.GetWorkEfficiencyRequest(start_date=_date(date(2028, 1, 1)), end_date=_date(date(2028, 12, 31)))
    assert (await bank.call(call, leap)).efficiency.end_date.day == 31  # 366 days are allowed
    odd = pb.GetWorkEfficiencyRequest(
        start_date=date_pb2.Date(year=2026, month=2, day=30),
        end_date=_date(date(2026, 3, 1)),
        group_by=9,  # type: ignore[arg-type]
        priority=7,  # type: ignore[arg-type]
        trend_granularity=5,  # type: ignore[arg-type]
        org_unit="branches/1",
    )
    assert violations(await _error(bank.call(call, odd))) == {
        "start_date",
        "group_by",
        "priority",
        "trend_granularity",
        "org_unit",
    }
    unknown = pb.GetWorkEfficiencyRequest(
        start_date=_date(date(2026, 12, 1)), end_date=_date(date(2026, 12, 31)), org_unit="orgUnits/9999"
    )
    assert violations(await _error(bank.call(call, unknown))) == {"org_unit"}
