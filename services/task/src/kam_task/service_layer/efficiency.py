"""Work-efficiency figures (工作效率报表) of the tasks within the caller's reach — the same reach as ListTasks (a
relationship manager's own tasks, a branch manager's subtree, head office everything) — over a period, per person
or per org unit: one query reads what the figures need of the tasks that count in the period (with the returns
made in it), and kam_task.domain.efficiency computes them.
"""

from __future__ import annotations

from datetime import date

from google.type import date_pb2
from kam.task.v1 import efficiency_pb2, task_pb2
from kam.task.v1 import task_service_pb2 as pb
from kam_kit import orgtree
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.errors import InvalidArgument, Validator
from kam_kit.protoconv import collect, date_value
from kam_kit.scope import ORG_PREFIX, descendants
from kam_kit.timeconv import to_timestamp
from sqlalchemy import ColumnElement, and_, func, or_, select

from kam_task.adapters.orm import OrgUnitCopy, TaskHistoryRow, TaskRow
from kam_task.domain import efficiency as figures
from kam_task.domain import tasks as rules
from kam_task.service_layer.tasks import _reach

Grouping = efficiency_pb2.EfficiencyGrouping
Granularity = efficiency_pb2.TrendGranularity
NAME = "workEfficiency"
_GRANULARITIES = {
    Granularity.TREND_GRANULARITY_DAY: figures.DAY,
    Granularity.TREND_GRANULARITY_WEEK: figures.WEEK,
    Granularity.TREND_GRANULARITY_MONTH: figures.MONTH,
}
_GRANULARITY_VALUES = {name: value for value, name in _GRANULARITIES.items()}


class EfficiencyService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def get(
        self, identity: Identity | None, request: pb.GetWorkEfficiencyRequest
    ) -> efficiency_pb2.WorkEfficiency:
        now = self.clock.now()
        v = Validator()
        start = _day(v, request.start_date, "start_date")
        end = _day(v, request.end_date, "end_date")
        period = None
        if start is not None and end is not None:
            period = figures.Period(start, end)
            for path, problem in period.problems().items():
                v.add(path, problem)
        group_by = int(request.group_by) or Grouping.EFFICIENCY_GROUPING_USER
        v.check(
            group_by in Grouping.values(),
            "group_by",
            "未知的统计维度 (unknown; EFFICIENCY_GROUPING_USER or EFFICIENCY_GROUPING_ORG_UNIT)",
        )
        v.check(
            not request.priority or request.priority in task_pb2.Priority.values(),
            "priority",
            "未知的优先级 (unknown priority)",
        )
        v.check(
            not request.trend_granularity or request.trend_granularity in _GRANULARITIES,
            "trend_granularity",
            "未知的趋势粒度 (unknown; day, week or month)",
        )
        rules.check_resource(v, request.org_unit, "org_unit", ORG_PREFIX)
        v.raise_if_any()
        assert period is not None
        granularity = _GRANULARITIES.get(request.trend_granularity) or figures.default_granularity(period)
        async with self.db.read() as session:
            tree = {
                unit: (parent, name)
                for unit, parent, name in (
                    await session.execute(
                        select(OrgUnitCopy.id, OrgUnitCopy.parent_id, OrgUnitCopy.display_name)
                    )
                ).all()
            }
            parents = {unit: parent for unit, (parent, _) in tree.items()}
            asked = request.org_unit.removeprefix(ORG_PREFIX)
            if asked and asked not in tree:
                raise InvalidArgument.for_field(
                    "org_unit", f"未知的机构 {request.org_unit} (unknown org unit)"
                )
            anchor = asked or _home(identity, parents)
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            conditions: list[ColumnElement[bool]] = []
            if (visible := _reach(identity, scope)) is not None:
                conditions.append(visible)
            if asked:
                subtree = sorted(ORG_PREFIX + unit for unit in descendants(asked, parents))
                conditions.append(TaskRow.org_unit.in_(subtree))
            if request.priority:
                conditions.append(TaskRow.priority == task_pb2.Priority.Name(request.priority))
            records = await _records(session, conditions, period, period.cutoff(now))
        if group_by == Grouping.EFFICIENCY_GROUPING_ORG_UNIT:
            placed = figures.unit_rows(anchor, parents) if anchor else {}

            def key(task: figures.TaskRecord) -> str:
                unit = task.org_unit.removeprefix(ORG_PREFIX)
                return placed[unit].unit if unit in placed else unit

        else:

            def key(task: figures.TaskRecord) -> str:
                return task.assignee

        result = figures.compute(records, period, now, key=key, granularity=granularity)
        out = efficiency_pb2.WorkEfficiency(
            name=NAME,
            start_date=_date(period.start),
            end_date=_date(period.end),
            group_by=group_by,  # type: ignore[arg-type]
            org_unit=ORG_PREFIX + anchor if anchor else "",
            org_unit_display_name=tree[anchor][1] if anchor in tree else "",
            priority=request.priority,
            cutoff_time=to_timestamp(period.cutoff(now)),
            total=_figures(result.total.figures),
            total_by_priority=_priorities(result.total),
            trend_granularity=_GRANULARITY_VALUES[granularity],  # type: ignore[arg-type]
            trend=[_point(p) for p in result.trend],
        )
        if group_by == Grouping.EFFICIENCY_GROUPING_ORG_UNIT:
            out.rows.extend(_unit_rows(result, anchor, parents, tree))
        else:
            out.rows.extend(
                efficiency_pb2.EfficiencyRow(
                    name=row.key,
                    display_name=row.latest.assignee_display_name if row.latest else "",
                    org_unit=row.latest.org_unit if row.latest else "",
                    figures=_figures(row.figures),
                    by_priority=_priorities(row),
                )
                for row in sorted(result.rows.values(), key=lambda r: r.key)
            )
        return out


def _day(v: Validator, value: date_pb2.Date, field: str) -> date | None:
    day = collect(v, date_value, value, field)
    if day is None and not any(violation.field == field for violation in v.violations):
        v.add(field, "必填 (required)")
    return day


def _home(identity: Identity | None, parents: dict[str, str | None]) -> str:
    """The anchor when none is asked for: the caller's own unit, else the root of the org tree (if it has one)."""
    own = identity.org_unit.removeprefix(ORG_PREFIX) if identity is not None and identity.org_unit else ""
    if own in parents:
        return own
    roots = [unit for unit, parent in parents.items() if parent is None or parent not in parents]
    return roots[0] if len(roots) == 1 else ""


async def _records(
    session, conditions: list[ColumnElement[bool]], period: figures.Period, cutoff
) -> list[figures.TaskRecord]:
    """What the figures read of every task that may count in the period: created, completed or (before the
    cut-off) due in it, or returned in it — with the number of returns made in it."""
    lo, hi = period.lo, period.hi
    returns = (
        select(TaskHistoryRow.task_id, func.count().label("n"))
        .where(TaskHistoryRow.action == "returned", TaskHistoryRow.time >= lo, TaskHistoryRow.time < hi)
        .group_by(TaskHistoryRow.task_id)
        .subquery()
    )
    returned = func.coalesce(returns.c.n, 0)
    rows = await session.execute(
        select(
            TaskRow.assignee,
            TaskRow.assignee_display_name,
            TaskRow.org_unit,
            TaskRow.priority,
            TaskRow.state,
            TaskRow.create_time,
            TaskRow.due_time,
            TaskRow.complete_time,
            TaskRow.close_time,
            returned,
        )
        .outerjoin(returns, returns.c.task_id == TaskRow.id)
        .where(
            *conditions,
            or_(
                and_(TaskRow.create_time >= lo, TaskRow.create_time < hi),
                and_(TaskRow.complete_time >= lo, TaskRow.complete_time < hi),
                and_(TaskRow.due_time >= lo, TaskRow.due_time < cutoff),
                returned > 0,
            ),
        )
    )
    return [figures.TaskRecord(*row[:9], returns=int(row[9] or 0)) for row in rows]


def _unit_rows(
    result: figures.Efficiency,
    anchor: str,
    parents: dict[str, str | None],
    tree: dict[str, tuple[str | None, str]],
) -> list[efficiency_pb2.EfficiencyRow]:
    """Per org unit: the anchor's row and one per unit directly below it (even with nothing), then the other units
    the caller's tasks are kept under."""
    placed = figures.unit_rows(anchor, parents) if anchor else {}
    ordered = []
    if anchor:
        ordered = [anchor, *sorted(unit for unit, parent in parents.items() if parent == anchor)]
    ordered += sorted(key for key in result.rows if key not in ordered)
    out = []
    for unit in ordered:
        row = result.rows.get(unit) or figures.Row(unit)
        out.append(
            efficiency_pb2.EfficiencyRow(
                name=ORG_PREFIX + unit if unit else "",
                display_name=tree[unit][1] if unit in tree else "",
                subtree=placed[unit].subtree if unit in placed and placed[unit].unit == unit else False,
                figures=_figures(row.figures),
                by_priority=_priorities(row),
            )
        )
    return out


def _figures(f: figures.Figures) -> efficiency_pb2.EfficiencyFigures:
    return efficiency_pb2.EfficiencyFigures(
        assigned_count=f.assigned,
        completed_count=f.completed,
        on_time_count=f.on_time,
        overdue_count=f.overdue,
        returned_count=f.returned,
        on_time_percent=f.on_time_percent,
        average_completion_hours=f.average_hours,
        p90_completion_hours=f.p90_hours,
    )


def _priorities(row: figures.Row) -> list[efficiency_pb2.PriorityEfficiency]:
    return [
        efficiency_pb2.PriorityEfficiency(priority=task_pb2.Priority.Value(name), figures=_figures(f))
        for name, f in row.priorities()
    ]


def _point(p: figures.TrendPoint) -> efficiency_pb2.EfficiencyTrendPoint:
    return efficiency_pb2.EfficiencyTrendPoint(
        start_date=_date(p.start),
        end_date=_date(p.end),
        assigned_count=p.assigned,
        completed_count=p.completed,
        on_time_count=p.on_time,
        on_time_percent=p.on_time_percent,
        overdue_count=p.overdue,
    )


def _date(day: date) -> date_pb2.Date:
    return date_pb2.Date(year=day.year, month=day.month, day=day.day)
