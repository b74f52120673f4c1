"""kam_task.domain.efficiency on plain records: what one task counts for at the edges of a period (bank days, the
cut-off, late and cancelled work, returned work not done again), the percentile, the trend's buckets and the rows
an org tree gives."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from kam_task.domain import efficiency as e
from kam_task.domain.tasks import ACCEPTED, CANCELLED, COMPLETED, IN_PROGRESS, OPEN

BEIJING = ZoneInfo("Asia/Shanghai")
DEC = e.Period(date(2026, 12, 1), date(2026, 12, 31))
MID = datetime(2026, 12, 15, 1, tzinfo=UTC)  # 15 December, 09:00 at the bank
JAN = datetime(2027, 1, 5, 1, tzinfo=UTC)  # after the period


def bj(day: int, hour: int = 9, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=BEIJING).astimezone(UTC)


def task(
    state: str = OPEN, *, created: datetime, due: datetime, done: datetime | None = None, **more
) -> e.TaskRecord:
    closed = more.pop("closed", done)
    return e.TaskRecord(
        assignee=more.pop("assignee", "users/rm"),
        assignee_display_name="rm",
        org_unit=more.pop("org_unit", "orgUnits/0101"),
        priority=more.pop("priority", "PRIORITY_NORMAL"),
        state=state,
        create_time=created,
        due_time=due,
        complete_time=done,
        close_time=closed,
        **more,
    )


def test_the_period_is_whole_bank_days() -> None:
    assert DEC.lo == datetime(2026, 11, 30, 16, tzinfo=UTC) and DEC.hi == datetime(
        2026, 12, 31, 16, tzinfo=UTC
    )
    assert DEC.days == 31 and DEC.cutoff(MID) == MID and DEC.cutoff(JAN) == DEC.hi
    assert e.Period(date(2028, 1, 1), date(2028, 12, 31)).problems() == {}
    assert set(e.Period(date(2025, 1, 1), date(2026, 1, 2)).problems()) == {"end_date"}
    assert set(e.Period(date(2026, 12, 2), date(2026, 12, 1)).problems()) == {"end_date"}
    assert e.bank_date(datetime(2026, 11, 30, 16, 30)) == date(2026, 12, 1)  # a naive value is UTC


def test_what_one_task_counts_for() -> None:
    def counted(t: e.TaskRecord, now: datetime = MID) -> tuple:
        c = e.count(t, DEC, now)
        return c.assigned, c.completed, c.on_time, c.overdue, c.returned, c.hours

    # made at 00:30 on 1 December (still 30 November in UTC), done on time in 5 hours
    assert counted(task(ACCEPTED, created=bj(1, 0), due=bj(3), done=bj(1, 5))) == (
        True,
        True,
        True,
        False,
        0,
        5.0,
    )
    # done late: completed, not on time, overdue
    assert counted(task(COMPLETED, created=bj(1), due=bj(3), done=bj(4)))[:4] == (True, True, False, True)
    # made before the period, done late after it: overdue in the period only
    late = task(COMPLETED, created=bj(20, month=11), due=bj(30), done=JAN)
    assert counted(late, JAN)[:4] == (False, False, False, True)
    # due after the cut-off: not yet overdue; open past it at the period's end: overdue
    assert counted(task(created=bj(2), due=bj(20)))[3] is False
    assert counted(task(created=bj(2), due=bj(20)), JAN)[3] is True
    # returned and not done again: its old completion counts for nothing, and it is overdue
    returned = task(IN_PROGRESS, created=bj(2), due=bj(9), done=bj(5), closed=None, returns=1)
    assert counted(returned) == (True, False, False, True, 1, None)
    # cancelled before its due time: nothing but assigned; after it: overdue
    assert counted(task(CANCELLED, created=bj(2), due=bj(9), closed=bj(8)))[:4] == (True, False, False, False)
    assert counted(task(CANCELLED, created=bj(2), due=bj(9), closed=bj(10)))[:4] == (True, False, False, True)
    # all in November: nothing
    assert not e.count(
        task(ACCEPTED, created=bj(2, month=11), due=bj(9, month=11), done=bj(3, month=11)), DEC, MID
    ).anything


def test_mean_and_nearest_rank_percentile() -> None:
    assert e.nearest_rank([], 0.9) == 0.0
    assert e.nearest_rank([5.0], 0.9) == 5.0
    assert e.nearest_rank([float(n) for n in range(10, 0, -1)], 0.9) == 9.0  # the 9th of 10
    assert e.nearest_rank([float(n) for n in range(1, 12)], 0.9) == 10.0  # ⌈9.9⌉ = 10th of 11
    f = e.Figures(completed=3, on_time=2, hours=[1.0, 2.0, 6.0])
    assert (f.average_hours, f.p90_hours, round(f.on_time_percent, 3)) == (3.0, 6.0, 66.667)
    assert e.Figures().on_time_percent == 0.0


def test_trend_buckets() -> None:
    weeks = e.buckets(DEC, e.WEEK)
    assert [(p.start.day, p.end.day) for p in weeks] == [(1, 6), (7, 13), (14, 20), (21, 27), (28, 31)]
    months = e.buckets(e.Period(date(2026, 11, 15), date(2027, 2, 10)), e.MONTH)
    assert [(p.start, p.end) for p in months] == [
        (date(2026, 11, 15), date(2026, 11, 30)),
        (date(2026, 12, 1), date(2026, 12, 31)),
        (date(2027, 1, 1), date(2027, 1, 31)),
        (date(2027, 2, 1), date(2027, 2, 10)),
    ]
    assert len(e.buckets(DEC, e.DAY)) == 31
    assert [
        e.default_granularity(e.Period(date(2026, 1, 1), date(2026, 1, 1) + timedelta(days=n - 1)))
        for n in (31, 32, 92, 93)
    ] == [
        e.DAY,
        e.WEEK,
        e.WEEK,
        e.MONTH,
    ]


def test_rows_and_trend_of_a_computation() -> None:
    tasks = [
        task(ACCEPTED, created=bj(1, 0), due=bj(3), done=bj(2), priority="PRIORITY_HIGH"),
        task(OPEN, created=bj(8), due=bj(10), assignee="users/other", org_unit="orgUnits/0102"),
        task(ACCEPTED, created=bj(2, month=11), due=bj(9, month=11), done=bj(3, month=11)),  # nothing
    ]
    result = e.compute(tasks, DEC, MID, key=lambda t: t.assignee, granularity=e.WEEK)
    assert set(result.rows) == {"users/rm", "users/other"}
    rm = result.rows["users/rm"]
    assert (rm.figures.assigned, rm.figures.completed, rm.figures.on_time) == (1, 1, 1)
    assert [p for p, _ in rm.priorities()] == ["PRIORITY_HIGH"]
    assert (result.total.figures.assigned, result.total.figures.overdue) == (2, 1)
    assert [(p.assigned, p.completed, p.on_time, p.overdue) for p in result.trend[:2]] == [
        (1, 1, 1, 0),
        (1, 0, 0, 1),
    ]


def test_org_rows_under_an_anchor() -> None:
    parents = {"0000": None, "0100": "0000", "0101": "0100", "0102": "0100", "0103": "0101", "0200": "0000"}
    rows = e.unit_rows("0000", parents)
    assert rows["0000"] == e.UnitRow("0000", subtree=False)  # 总行's own staff
    assert rows["0101"] == rows["0103"] == rows["0100"] == e.UnitRow("0100", subtree=True)
    assert rows["0200"] == e.UnitRow("0200", subtree=True)
    branch = e.unit_rows("0100", parents)
    assert branch["0103"] == e.UnitRow("0101", subtree=True) and "0200" not in branch
    assert e.unit_rows("0102", parents) == {"0102": e.UnitRow("0102", subtree=True)}  # nothing below
