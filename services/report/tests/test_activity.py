"""The activity reports (预警统计, 工作效率, 营销活动效果) built from real alert and task events, on SQLite and
PostgreSQL: figures against hand-computed ones, data scope, redelivery, events out of order, bank-time period
boundaries, and the migration against the model."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from google.type import date_pb2, money_pb2
from kam.alert.v1 import alert_pb2
from kam.alert.v1 import events_pb2 as alert_events
from kam.customer.v1 import customer_pb2, tier_pb2
from kam.customer.v1 import events_pb2 as customer_events
from kam.identity.v1 import identity_pb2
from kam.task.v1 import events_pb2 as task_events
from kam.task.v1 import task_pb2
from kam_devkit.testing import migrated_database
from kam_kit.auth import Identity
from kam_kit.db import Database
from kam_kit.events import EventMeta
from kam_kit.scope import DataScope
from kam_kit.timeconv import to_timestamp
from kam_report.adapters import activity_orm
from kam_report.adapters.orm import Base
from kam_report.bootstrap import MIGRATIONS
from kam_report.domain.tables import Query, Table
from kam_report.service_layer import activity
from kam_report.service_layer.projections import (
    on_customer_changed,
    on_org_unit_updated,
    on_tier_changed,
    scope_of,
)
from sqlalchemy import MetaData, func, select

META = EventMeta(event_id="e", event_type="", source="kam/test", time="", subject="", resource="", delivery=1)
Alert = alert_pb2.Alert
Task = task_pb2.Task
Campaign = task_pb2.Campaign
Activity = task_pb2.CampaignActivity
JUNE = Query(start=date(2026, 6, 1), end=date(2026, 6, 30))
#: well after June: the cut-off of June's work efficiency is its end
JULY_15 = datetime(2026, 7, 15, tzinfo=UTC)
UNITS = (
    ("0000", "", "总行"),
    ("0100", "0000", "上海分行"),
    ("0101", "0100", "东城支行"),
    ("0200", "0000", "北京分行"),
)
#: customer, branch, relationship manager, tier
CUSTOMERS = (
    ("c1", "0101", "users/rm_zhang", "tiers/diamond"),
    ("c2", "0100", "users/rm_wang", "tiers/gold"),
    ("c3", "0200", "users/rm_li", ""),
    ("c4", "0200", "users/rm_zhang", ""),
)
RM_ZHANG = Identity(subject="users/rm_zhang", roles=("roles/relationship_manager",), org_unit="orgUnits/0101")
BM_SHANGHAI = Identity(subject="users/bm_wang", roles=("roles/branch_manager",), org_unit="orgUnits/0100")
BM_BEIJING = Identity(subject="users/bm_li", roles=("roles/branch_manager",), org_unit="orgUnits/0200")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def bank(*parts: int) -> datetime:
    """A bank (Asia/Shanghai, UTC+8) wall-clock time, as UTC."""
    return datetime(*parts, tzinfo=UTC) - timedelta(hours=8)


@pytest.fixture
async def db(database_url):
    async with migrated_database(database_url, MIGRATIONS, Base.metadata) as database:
        async with database.transaction() as session:
            for unit, parent, name in UNITS:
                await on_org_unit_updated(
                    session,
                    customer_events.SourceOrgUnitUpdated(
                        org_unit=identity_pb2.OrgUnit(
                            name=f"orgUnits/{unit}",
                            display_name=name,
                            parent=f"orgUnits/{parent}" if parent else "",
                        )
                    ),
                    META,
                )
        yield database


async def add_customers(db: Database, *names: str) -> None:
    t0 = utc(2026, 1, 1)
    async with db.transaction() as session:
        for name, branch, manager, tier in CUSTOMERS:
            if name not in names:
                continue
            customer = customer_pb2.Customer(
                name=f"customers/{name}",
                type=customer_pb2.Customer.TYPE_INDIVIDUAL,
                branch=f"orgUnits/{branch}",
                relationship_manager=manager,
                create_time=to_timestamp(t0),
                update_time=to_timestamp(t0),
            )
            await on_customer_changed(session, customer_events.CustomerCreated(customer=customer), META)
            if tier:
                await on_tier_changed(
                    session,
                    customer_events.TierChanged(
                        customer=f"customers/{name}",
                        tier=tier,
                        assignment=tier_pb2.TierAssignment(tier=tier, assign_time=to_timestamp(t0)),
                    ),
                    META,
                )


async def apply(db: Database, events, handlers) -> None:
    """Each event in its own transaction, as the consumer applies them."""
    for event in events:
        async with db.transaction() as session:
            await handlers[type(event)](session, event, META)


async def report(db: Database, function, query: Query = JUNE, **kwargs) -> Table:
    async with db.read() as session:
        return await function(session, query, **kwargs)


async def scope(db: Database, identity: Identity) -> DataScope:
    async with db.read() as session:
        return await scope_of(session, identity)


def by_label(table: Table) -> dict[str, dict[str, object]]:
    keys = [column.key for column in table.columns]
    return {str(row.values[0]): dict(zip(keys, row.values, strict=True)) for row in table.rows}


def totals(table: Table) -> dict[str, object]:
    assert table.totals is not None and table.totals.values[0] == "合计"
    return dict(zip([column.key for column in table.columns], table.totals.values, strict=True))


def pick(figures: dict[str, object], *keys: str) -> tuple:
    return tuple(figures[key] for key in keys)


# ------------------------------------------------------------------------------------------------------ alerts

RULES = {"alertRules/large": "大额交易预警", "alertRules/drop": "余额骤降预警"}


def alert(
    name: str,
    rule: str,
    customer: str,
    branch: str,
    raised: datetime,
    updated: datetime,
    state: int = Alert.STATE_OPEN,
    level: int = 0,
    acknowledged: datetime | None = None,
    resolved: datetime | None = None,
) -> Alert:
    message = Alert(
        name=f"alerts/{name}",
        rule=rule,
        customer=f"customers/{customer}",
        branch=f"orgUnits/{branch}",
        severity=alert_pb2.SEVERITY_HIGH,
        state=state,
        description=RULES[rule],
        escalation_level=level,
        create_time=to_timestamp(raised),
        update_time=to_timestamp(updated),
    )
    if acknowledged is not None:
        message.acknowledge_time.CopyFrom(to_timestamp(acknowledged))
        message.acknowledger = "users/rm_zhang"
    if resolved is not None:
        message.resolve_time.CopyFrom(to_timestamp(resolved))
    return message


def alert_events_in_order() -> list:
    """a1 … a6, each event in the order the alert service published it."""
    a1_raised = bank(2026, 6, 1, 0, 30)  # the first half hour of June in bank time (still 31 May in UTC)
    a1_ack, a1_done = a1_raised + timedelta(hours=2), a1_raised + timedelta(hours=5)
    a2_raised = utc(2026, 6, 10, 10)
    a2_escalated, a2_ack = a2_raised + timedelta(hours=2), a2_raised + timedelta(hours=4)
    a3_raised = utc(2026, 6, 20, 3)
    a4_raised = bank(2026, 5, 31, 23, 59)  # the last minute of May in bank time: not in June
    a5_raised = bank(2026, 6, 30, 23, 59)  # the last minute of June in bank time (15:59 UTC)
    a6_raised = bank(2026, 7, 1, 0, 0)  # 30 June 16:00 UTC, but July in bank time: not in June
    large, drop = "alertRules/large", "alertRules/drop"
    A = Alert
    return [
        alert_events.AlertRaised(alert=alert("a1", large, "c1", "0101", a1_raised, a1_raised)),
        alert_events.AlertAcknowledged(
            alert=alert("a1", large, "c1", "0101", a1_raised, a1_ack, A.STATE_ACKNOWLEDGED, 0, a1_ack)
        ),
        alert_events.AlertResolved(
            alert=alert("a1", large, "c1", "0101", a1_raised, a1_done, A.STATE_RESOLVED, 0, a1_ack, a1_done)
        ),
        alert_events.AlertRaised(alert=alert("a2", large, "c2", "0100", a2_raised, a2_raised)),
        alert_events.AlertEscalated(
            alert=alert("a2", large, "c2", "0100", a2_raised, a2_escalated, A.STATE_OPEN, 1),
            escalated_recipients=["users/bm_wang"],
        ),
        alert_events.AlertAcknowledged(
            alert=alert("a2", large, "c2", "0100", a2_raised, a2_ack, A.STATE_ACKNOWLEDGED, 1, a2_ack)
        ),
        alert_events.AlertRaised(alert=alert("a3", drop, "c3", "0200", a3_raised, a3_raised)),
        alert_events.AlertEscalated(
            alert=alert("a3", drop, "c3", "0200", a3_raised, a3_raised + timedelta(hours=1), A.STATE_OPEN, 1)
        ),
        alert_events.AlertRaised(alert=alert("a4", drop, "c1", "0101", a4_raised, a4_raised)),
        alert_events.AlertRaised(alert=alert("a5", large, "c4", "0200", a5_raised, a5_raised)),
        alert_events.AlertStopped(
            alert=alert(
                "a5", large, "c4", "0200", a5_raised, a5_raised + timedelta(minutes=1), A.STATE_STOPPED
            )
        ),
        alert_events.AlertRaised(alert=alert("a6", large, "c2", "0100", a6_raised, a6_raised)),
    ]


ALERT_KEYS = (
    "raised",
    "acknowledged",
    "acknowledged_in_time",
    "acknowledged_in_time_rate",
    "mean_acknowledge_hours",
    "resolved",
    "stopped",
    "open",
    "escalated",
)
#: by hand: 大额 a1 (acknowledged in 2 h before any escalation, resolved), a2 (escalated, acknowledged in 4 h),
#: a5 (stopped); 骤降 a3 (open, escalated); a4 and a6 fall outside June in bank time
LARGE = (3, 2, 1, pytest.approx(100 / 3), pytest.approx(3.0), 1, 1, 1, 1)
DROP = (1, 0, 0, 0.0, 0.0, 0, 0, 1, 1)
ALERT_TOTAL = (4, 2, 1, pytest.approx(25.0), pytest.approx(3.0), 1, 1, 2, 2)


async def load_alerts(db: Database, events: list) -> None:
    await add_customers(
        db, "c1", "c2", "c3"
    )  # c4 comes after its alert (a5): the report still finds its manager
    await apply(db, events, activity.ALERT_HANDLERS)
    await add_customers(db, "c4")


async def test_alert_summary_per_rule(db: Database) -> None:
    await load_alerts(db, alert_events_in_order())
    table = await report(db, activity.alert_summary)
    assert [column.key for column in table.columns] == ["label", *ALERT_KEYS]
    assert [column.display_name for column in table.columns][:5] == [
        "预警类型",
        "预警数",
        "已确认数",
        "按时确认数",
        "按时确认率",
    ]
    assert table.column("label") == ["大额交易预警", "余额骤降预警"]  # most raised first
    rows = by_label(table)
    assert pick(rows["大额交易预警"], *ALERT_KEYS) == LARGE
    assert pick(rows["余额骤降预警"], *ALERT_KEYS) == DROP
    assert pick(totals(table), *ALERT_KEYS) == ALERT_TOTAL


async def test_alert_events_out_of_order_and_redelivered_end_the_same(db: Database) -> None:
    events = alert_events_in_order()
    shuffled = list(reversed(events)) + random.Random(7).sample(events, len(events))  # everything twice
    await load_alerts(db, shuffled)
    table = await report(db, activity.alert_summary)
    rows = by_label(table)
    assert pick(rows["大额交易预警"], *ALERT_KEYS) == LARGE
    assert pick(rows["余额骤降预警"], *ALERT_KEYS) == DROP
    assert pick(totals(table), *ALERT_KEYS) == ALERT_TOTAL
    async with db.read() as session:
        a1 = await session.get(activity_orm.AlertFact, "alerts/a1")
        a2 = await session.get(activity_orm.AlertFact, "alerts/a2")
        count = await session.scalar(select(func.count()).select_from(activity_orm.AlertFact))
    assert (a1.state, a1.escalation_level, a1.relationship_manager) == ("STATE_RESOLVED", 0, "users/rm_zhang")
    assert (a2.state, a2.escalation_level, a2.acknowledge_escalation_level) == ("STATE_ACKNOWLEDGED", 1, 1)
    assert count == 6


async def test_alert_summary_per_org_unit_and_scope(db: Database) -> None:
    await load_alerts(db, alert_events_in_order())
    table = await report(db, activity.alert_summary, Query(JUNE.start, JUNE.end, dimension="org_unit"))
    assert table.columns[0].display_name == "机构"
    assert [(row.values[0], row.values[1], row.drill_down) for row in table.rows] == [
        ("总行（本级）", 0, ""),
        ("上海分行", 2, "orgUnits/0100"),  # a2 in 上海分行 itself, a1 in 东城支行 below it
        ("北京分行", 2, "orgUnits/0200"),
    ]
    shanghai = await report(
        db,
        activity.alert_summary,
        Query(JUNE.start, JUNE.end, dimension="org_unit", org_units=("orgUnits/0100",)),
    )
    assert [(row.values[0], row.values[1], row.drill_down) for row in shanghai.rows] == [
        ("上海分行（本级）", 1, ""),
        ("东城支行", 1, "orgUnits/0101"),
    ]
    assert totals(shanghai)["raised"] == 2

    # a relationship manager sees the alerts of their customers (a1 of c1; a5 of c4 in 北京分行), whatever branch
    mine = await report(
        db, activity.alert_summary, Query(JUNE.start, JUNE.end, scope=await scope(db, RM_ZHANG))
    )
    assert pick(totals(mine), "raised", "acknowledged", "resolved", "stopped") == (2, 1, 1, 1)
    # a branch manager their subtree: a1 (东城支行) and a2 (上海分行)
    branch = await report(
        db, activity.alert_summary, Query(JUNE.start, JUNE.end, scope=await scope(db, BM_SHANGHAI))
    )
    assert pick(totals(branch), "raised", "acknowledged", "acknowledged_in_time", "escalated") == (2, 2, 1, 1)
    per_unit = await report(
        db,
        activity.alert_summary,
        Query(JUNE.start, JUNE.end, dimension="org_unit", scope=await scope(db, BM_SHANGHAI)),
    )
    assert [(row.values[0], row.values[1]) for row in per_unit.rows] == [
        ("上海分行（本级）", 1),
        ("东城支行", 1),
    ]
    nobody = DataScope(everything=False, managers=frozenset({"users/rm_wu"}))
    assert (
        totals(await report(db, activity.alert_summary, Query(JUNE.start, JUNE.end, scope=nobody)))["raised"]
        == 0
    )
    # the customer's tier (a1 of the diamond c1; a4 of c1 is May's)
    diamond = await report(db, activity.alert_summary, Query(JUNE.start, JUNE.end, tiers=("tiers/diamond",)))
    assert pick(totals(diamond), "raised", "acknowledged_in_time") == (1, 1)
    zhang = await report(
        db, activity.alert_summary, Query(JUNE.start, JUNE.end, relationship_managers=("users/rm_zhang",))
    )
    assert totals(zhang)["raised"] == 2


async def test_alert_period_boundaries_are_bank_days(db: Database) -> None:
    await load_alerts(db, alert_events_in_order())

    async def raised(start: date, end: date) -> object:
        return totals(await report(db, activity.alert_summary, Query(start, end)))["raised"]

    assert await raised(date(2026, 5, 31), date(2026, 5, 31)) == 1  # a4 at 23:59 bank time
    assert await raised(date(2026, 6, 1), date(2026, 6, 1)) == 1  # a1 at 00:30 bank time (31 May UTC)
    assert await raised(date(2026, 6, 30), date(2026, 6, 30)) == 1  # a5 at 23:59 bank time
    assert await raised(date(2026, 7, 1), date(2026, 7, 1)) == 1  # a6 at 00:00 bank time (30 June UTC)
    assert await raised(date(2026, 5, 31), date(2026, 7, 1)) == 6


# ---------------------------------------------------------------------------------------------- work efficiency

NAMES = {"users/rm_zhang": "张三", "users/rm_wang": "王五", "users/rm_li": "李四"}
UNIT_OF = {"users/rm_zhang": "0101", "users/rm_wang": "0100", "users/rm_li": "0200"}
ASSIGNER_OF = {"0101": "users/bm_wang", "0100": "users/bm_wang", "0200": "users/bm_li"}


def task(
    name: str,
    assignee: str,
    created: datetime,
    due: datetime,
    updated: datetime | None = None,
    state: int = Task.STATE_OPEN,
    completed: datetime | None = None,
    closed: datetime | None = None,
    returns: int = 0,
    reviewed: datetime | None = None,
    accepted: bool = False,
) -> Task:
    unit = UNIT_OF[assignee]
    message = Task(
        name=f"tasks/{name}",
        title=name,
        priority=task_pb2.PRIORITY_NORMAL,
        state=state,
        assigner=ASSIGNER_OF[unit],
        assignee=assignee,
        assignee_display_name=NAMES[assignee],
        org_unit=f"orgUnits/{unit}",
        due_time=to_timestamp(due),
        create_time=to_timestamp(created),
        update_time=to_timestamp(updated or created),
        return_count=returns,
    )
    if completed is not None:
        message.completion.CopyFrom(
            task_pb2.Completion(handling="电话", content="done", complete_time=to_timestamp(completed))
        )
    if closed is not None:
        message.close_time.CopyFrom(to_timestamp(closed))
    if reviewed is not None:
        message.review.CopyFrom(
            task_pb2.Review(accepted=accepted, reviewer="users/bm_wang", review_time=to_timestamp(reviewed))
        )
    return message


def task_events_in_order() -> list:
    zhang, wang, li = "users/rm_zhang", "users/rm_wang", "users/rm_li"
    S = Task
    t1c, t1d, t1done = utc(2026, 6, 1, 1), utc(2026, 6, 5), utc(2026, 6, 3, 1)
    t2c, t2d = utc(2026, 6, 2), utc(2026, 6, 4)
    t2first, t2return, t2again = utc(2026, 6, 6), utc(2026, 6, 6, 10), utc(2026, 6, 7)
    return [
        # t1: done in 48 h before its due time, accepted
        task_events.TaskCreated(task=task("t1", zhang, t1c, t1d)),
        task_events.TaskCompleted(
            task=task("t1", zhang, t1c, t1d, t1done, S.STATE_COMPLETED, t1done, t1done)
        ),
        task_events.TaskAccepted(
            task=task(
                "t1",
                zhang,
                t1c,
                t1d,
                t1done + timedelta(hours=1),
                S.STATE_ACCEPTED,
                t1done,
                t1done,
                reviewed=t1done + timedelta(hours=1),
                accepted=True,
            )
        ),
        # t2: completed late, returned, completed again 120 h after creation
        task_events.TaskCreated(task=task("t2", zhang, t2c, t2d)),
        task_events.TaskCompleted(
            task=task("t2", zhang, t2c, t2d, t2first, S.STATE_COMPLETED, t2first, t2first)
        ),
        task_events.TaskReturned(
            task=task(
                "t2", zhang, t2c, t2d, t2return, S.STATE_IN_PROGRESS, t2first, None, 1, reviewed=t2return
            )
        ),
        task_events.TaskCompleted(
            task=task("t2", zhang, t2c, t2d, t2again, S.STATE_COMPLETED, t2again, t2again, 1, t2return)
        ),
        # t3: assigned in May, due 10 June, still in progress: overdue
        task_events.TaskCreated(task=task("t3", wang, utc(2026, 5, 20), utc(2026, 6, 10))),
        task_events.TaskStarted(
            task=task("t3", wang, utc(2026, 5, 20), utc(2026, 6, 10), utc(2026, 5, 21), S.STATE_IN_PROGRESS)
        ),
        # t4: due in July: assigned only
        task_events.TaskCreated(task=task("t4", wang, utc(2026, 6, 10), utc(2026, 7, 10))),
        # t5: cancelled before its due time: not overdue; t6: cancelled after it: overdue
        task_events.TaskCreated(task=task("t5", li, utc(2026, 6, 5), utc(2026, 6, 8))),
        task_events.TaskCancelled(
            task=task(
                "t5",
                li,
                utc(2026, 6, 5),
                utc(2026, 6, 8),
                utc(2026, 6, 7),
                S.STATE_CANCELLED,
                closed=utc(2026, 6, 7),
            )
        ),
        task_events.TaskCreated(task=task("t6", li, utc(2026, 6, 1), utc(2026, 6, 3))),
        task_events.TaskCancelled(
            task=task(
                "t6",
                li,
                utc(2026, 6, 1),
                utc(2026, 6, 3),
                utc(2026, 6, 4),
                S.STATE_CANCELLED,
                closed=utc(2026, 6, 4),
            )
        ),
        # t7: all in May: nothing in June
        task_events.TaskCompleted(
            task=task(
                "t7",
                li,
                utc(2026, 5, 1),
                utc(2026, 5, 10),
                utc(2026, 5, 9),
                S.STATE_COMPLETED,
                utc(2026, 5, 9),
                utc(2026, 5, 9),
            )
        ),
        # t8: created in the last second of June in bank time; t9: in the first of July
        task_events.TaskCreated(task=task("t8", zhang, bank(2026, 6, 30, 23, 59, 59), utc(2026, 7, 5))),
        task_events.TaskCreated(task=task("t9", zhang, bank(2026, 7, 1), utc(2026, 7, 5))),
    ]


EFFICIENCY_KEYS = (
    "assigned",
    "completed",
    "on_time",
    "overdue",
    "returned",
    "on_time_rate",
    "mean_hours",
    "p90_hours",
)
#: by hand: 张三 t1 (48 h, on time), t2 (120 h, late: overdue, returned once), t8; 王五 t3 (overdue), t4;
#: 李四 t5, t6 (overdue)
ZHANG = (3, 2, 1, 1, 1, 50.0, 84.0, 120.0)
WANG = (1, 0, 0, 1, 0, 0.0, 0.0, 0.0)
LI = (2, 0, 0, 1, 0, 0.0, 0.0, 0.0)
EFFICIENCY_TOTAL = (6, 2, 1, 3, 1, 50.0, 84.0, 120.0)


async def test_work_efficiency_per_assignee(db: Database) -> None:
    await apply(db, task_events_in_order(), activity.TASK_HANDLERS)
    table = await report(db, activity.work_efficiency, now=JULY_15)
    assert [column.key for column in table.columns] == ["label", *EFFICIENCY_KEYS]
    assert [(row.values[0], row.drill_down) for row in table.rows] == [
        ("李四", "users/rm_li"),
        ("王五", "users/rm_wang"),
        ("张三", "users/rm_zhang"),
    ]
    rows = by_label(table)
    assert pick(rows["张三"], *EFFICIENCY_KEYS) == ZHANG
    assert pick(rows["王五"], *EFFICIENCY_KEYS) == WANG
    assert pick(rows["李四"], *EFFICIENCY_KEYS) == LI
    assert pick(totals(table), *EFFICIENCY_KEYS) == EFFICIENCY_TOTAL
    # with the period still running, what is due after now is not overdue yet (t3, due 10 June)
    early = await report(db, activity.work_efficiency, now=utc(2026, 6, 5))
    assert totals(early)["overdue"] == 2  # t2 (due 4 June) and t6 (due 3 June)


async def test_work_efficiency_agrees_with_the_task_service(db: Database) -> None:
    """The same tasks through the task service's own figures (kam_task.domain.efficiency) give the same rows."""
    from kam_task.domain import efficiency as figures

    events = task_events_in_order()
    await apply(db, events, activity.TASK_HANDLERS)
    latest: dict[str, Task] = {}
    for event in events:
        latest[event.task.name] = event.task
    period = figures.Period(JUNE.start, JUNE.end)
    records = [
        figures.TaskRecord(
            assignee=t.assignee,
            assignee_display_name=t.assignee_display_name,
            org_unit=t.org_unit,
            priority="PRIORITY_NORMAL",
            state=Task.State.Name(t.state),
            create_time=t.create_time.ToDatetime(tzinfo=UTC),
            due_time=t.due_time.ToDatetime(tzinfo=UTC),
            complete_time=t.completion.complete_time.ToDatetime(tzinfo=UTC)
            if t.HasField("completion")
            else None,
            close_time=t.close_time.ToDatetime(tzinfo=UTC) if t.HasField("close_time") else None,
            returns=1 if t.name == "tasks/t2" else 0,  # its one return, on 6 June
        )
        for t in latest.values()
    ]
    for now in (JULY_15, utc(2026, 6, 5)):
        expected = figures.compute(records, period, now, key=lambda r: r.assignee, granularity=figures.DAY)
        table = await report(db, activity.work_efficiency, now=now)
        got = {row.drill_down: row.values[1:] for row in table.rows}
        want = {
            key: (
                f.assigned,
                f.completed,
                f.on_time,
                f.overdue,
                f.returned,
                f.on_time_percent,
                f.average_hours,
                f.p90_hours,
            )
            for key, f in ((key, row.figures) for key, row in expected.rows.items())
        }
        assert got == want


async def test_work_efficiency_per_org_unit_and_scope(db: Database) -> None:
    await apply(db, task_events_in_order(), activity.TASK_HANDLERS)
    table = await report(
        db, activity.work_efficiency, Query(JUNE.start, JUNE.end, dimension="org_unit"), now=JULY_15
    )
    assert [(row.values[0], row.drill_down) for row in table.rows] == [
        ("总行（本级）", ""),
        ("上海分行", "orgUnits/0100"),
        ("北京分行", "orgUnits/0200"),
    ]
    rows = by_label(table)
    # 上海分行 = 张三 (东城支行) + 王五 (上海分行): 4 assigned, 2 completed, 1 on time, 2 overdue, 1 return
    assert pick(rows["上海分行"], *EFFICIENCY_KEYS) == (4, 2, 1, 2, 1, 50.0, 84.0, 120.0)
    assert pick(rows["北京分行"], *EFFICIENCY_KEYS) == LI
    assert pick(rows["总行（本级）"], *EFFICIENCY_KEYS) == (0, 0, 0, 0, 0, 0.0, 0.0, 0.0)

    mine = await report(
        db,
        activity.work_efficiency,
        Query(JUNE.start, JUNE.end, scope=await scope(db, RM_ZHANG)),
        now=JULY_15,
    )
    assert [row.values[0] for row in mine.rows] == ["张三"]
    assert pick(totals(mine), *EFFICIENCY_KEYS) == ZHANG
    beijing = await report(
        db,
        activity.work_efficiency,
        Query(JUNE.start, JUNE.end, scope=await scope(db, BM_BEIJING)),
        now=JULY_15,
    )
    assert [row.values[0] for row in beijing.rows] == ["李四"]
    shanghai = await report(
        db,
        activity.work_efficiency,
        Query(JUNE.start, JUNE.end, dimension="org_unit", scope=await scope(db, BM_SHANGHAI)),
        now=JULY_15,
    )
    assert [(row.values[0], row.values[1]) for row in shanghai.rows] == [
        ("上海分行（本级）", 1),
        ("东城支行", 3),
    ]


async def test_task_events_out_of_order_and_redelivered_end_the_same(db: Database) -> None:
    events = task_events_in_order()
    await apply(
        db, list(reversed(events)) + random.Random(3).sample(events, len(events)), activity.TASK_HANDLERS
    )
    table = await report(db, activity.work_efficiency, now=JULY_15)
    rows = by_label(table)
    assert pick(rows["张三"], *EFFICIENCY_KEYS) == ZHANG
    assert pick(totals(table), *EFFICIENCY_KEYS) == EFFICIENCY_TOTAL
    async with db.read() as session:
        t2 = await session.get(activity_orm.TaskFact, "tasks/t2")
        t1 = await session.get(activity_orm.TaskFact, "tasks/t1")
        returns = await session.scalar(select(func.count()).select_from(activity_orm.TaskReturnFact))
    assert (t2.state, t2.return_count, returns) == ("STATE_COMPLETED", 1, 1)
    assert t1.state == "STATE_ACCEPTED" and t1.accept_time is not None


async def test_work_efficiency_period_boundaries_are_bank_days(db: Database) -> None:
    await apply(db, task_events_in_order(), activity.TASK_HANDLERS)

    async def assigned(start: date, end: date) -> object:
        table = await report(db, activity.work_efficiency, Query(start, end), now=JULY_15)
        return totals(table)["assigned"]

    assert await assigned(date(2026, 6, 30), date(2026, 6, 30)) == 1  # t8 at 23:59:59 bank time
    assert await assigned(date(2026, 7, 1), date(2026, 7, 1)) == 1  # t9 at 00:00 bank time (30 June UTC)
    # the return of t2 (6 June) counts on 6 June only
    june_6 = await report(
        db, activity.work_efficiency, Query(date(2026, 6, 6), date(2026, 6, 6)), now=JULY_15
    )
    june_7 = await report(
        db, activity.work_efficiency, Query(date(2026, 6, 7), date(2026, 6, 7)), now=JULY_15
    )
    assert (totals(june_6)["returned"], totals(june_7)["returned"]) == (1, 0)
    assert (totals(june_6)["completed"], totals(june_7)["completed"]) == (0, 1)  # its latest completion


# -------------------------------------------------------------------------------------------------- campaigns


def money(amount: str) -> money_pb2.Money:
    value = Decimal(amount)
    units = int(value)
    return money_pb2.Money(currency_code="CNY", units=units, nanos=int((value - units) * 1_000_000_000))


def campaign(
    name: str,
    title: str,
    start: date,
    end: date,
    state: int,
    updated: datetime,
    targets: int,
    holdout: int,
    quotas: tuple[tuple[str, int], ...] = (),
) -> Campaign:
    return Campaign(
        name=f"campaigns/{name}",
        display_name=title,
        org_units=["orgUnits/0100", "orgUnits/0200"],
        start_date=date_pb2.Date(year=start.year, month=start.month, day=start.day),
        end_date=date_pb2.Date(year=end.year, month=end.month, day=end.day),
        state=state,
        measure=Campaign.MEASURE_AMOUNT,
        target_amount=money("1000000"),
        target_customer_count=targets,
        holdout_customer_count=holdout,
        holdout_percent=20 if holdout else 0,
        quotas=[task_pb2.CampaignQuota(assignee=who, target_customer_count=n) for who, n in quotas],
        create_time=to_timestamp(updated),
        update_time=to_timestamp(updated),
    )


def activity_event(
    number: int, customer: str, staff: str, outcome: int, occurred: datetime, amount: str = "0"
) -> task_events.CampaignActivityRecorded:
    return task_events.CampaignActivityRecorded(
        activity=Activity(
            name=f"campaigns/summer/activities/x{number}",
            customer=f"customers/{customer}",
            staff=staff,
            org_unit=f"orgUnits/{UNIT_OF[staff]}",
            outcome=outcome,
            amount=money(amount),
            occur_time=to_timestamp(occurred),
            create_time=to_timestamp(
                utc(2026, 6, 1) + timedelta(days=number, hours=12)
            ),  # recorded in this order
            channel=Activity.CHANNEL_CALL,
        )
    )


def campaign_events() -> list:
    zhang, wang, li = "users/rm_zhang", "users/rm_wang", "users/rm_li"
    O = Activity
    quotas = (
        ("orgUnits/0100", 5),
        ("orgUnits/0200", 3),
        ("users/rm_zhang", 3),
        ("users/rm_wang", 2),
        ("users/rm_li", 3),
    )
    summer = campaign(
        "summer",
        "2026年夏季存款营销",
        date(2026, 6, 1),
        date(2026, 8, 31),
        Campaign.STATE_ACTIVE,
        utc(2026, 5, 30),
        10,
        2,
        quotas,
    )
    spring = ("spring", "春季理财营销", date(2026, 3, 1), date(2026, 5, 31))
    fund = ("fund", "年中基金推广", date(2026, 6, 15), date(2026, 6, 20))
    return [
        task_events.CampaignLaunched(campaign=summer),
        task_events.CampaignLaunched(
            campaign=campaign(*spring, Campaign.STATE_ACTIVE, utc(2026, 2, 27), 6, 0)
        ),
        task_events.CampaignClosed(
            campaign=campaign(*spring, Campaign.STATE_COMPLETED, utc(2026, 6, 1), 6, 0)
        ),
        task_events.CampaignLaunched(campaign=campaign(*fund, Campaign.STATE_ACTIVE, utc(2026, 6, 10), 4, 0)),
        task_events.CampaignClosed(
            campaign=campaign(*fund, Campaign.STATE_CANCELLED, utc(2026, 6, 16), 4, 0)
        ),
        activity_event(1, "c1", zhang, O.OUTCOME_CONTACTED, utc(2026, 6, 2)),
        activity_event(2, "c1", zhang, O.OUTCOME_INTERESTED, utc(2026, 6, 5)),
        activity_event(3, "c2", wang, O.OUTCOME_CONVERTED, utc(2026, 6, 6), "100000.50"),
        activity_event(4, "c2", wang, O.OUTCOME_CONTACTED, utc(2026, 6, 8)),  # converted stays converted
        activity_event(5, "c3", li, O.OUTCOME_INTERESTED, utc(2026, 6, 9)),
        activity_event(6, "c3", li, O.OUTCOME_DECLINED, utc(2026, 6, 10)),
        activity_event(7, "c4", zhang, O.OUTCOME_CONVERTED, bank(2026, 6, 30, 23, 30), "50000"),
        activity_event(8, "c5", zhang, O.OUTCOME_CONTACTED, bank(2026, 7, 1, 0, 10)),  # July in bank time
    ]


CAMPAIGN_KEYS = (
    "targets",
    "holdout",
    "activities",
    "contacted",
    "interested",
    "declined",
    "converted",
    "converted_amount",
    "contact_rate",
    "conversion_rate",
)


async def test_campaign_results(db: Database) -> None:
    await apply(db, campaign_events(), activity.TASK_HANDLERS)
    table = await report(db, activity.campaign_results)
    assert [(row.values[0], row.values[1], row.drill_down) for row in table.rows] == [
        ("2026年夏季存款营销", "进行中", "campaigns/summer"),
        ("年中基金推广", "已取消", "campaigns/fund"),  # the spring campaign ended in May
    ]
    rows = by_label(table)
    assert (rows["2026年夏季存款营销"]["start_date"], rows["2026年夏季存款营销"]["end_date"]) == (
        date(2026, 6, 1),
        date(2026, 8, 31),
    )
    # by hand: 10 targets − 2 held out; c1 interested, c2 and c4 converted, c3 declined; x8 is July's
    assert pick(rows["2026年夏季存款营销"], *CAMPAIGN_KEYS) == (
        8,
        2,
        7,
        4,
        1,
        1,
        2,
        Decimal("150000.50"),
        50.0,
        25.0,
    )
    assert pick(rows["年中基金推广"], *CAMPAIGN_KEYS) == (4, 0, 0, 0, 0, 0, 0, Decimal("0.00"), 0.0, 0.0)
    assert pick(totals(table), *CAMPAIGN_KEYS) == (
        12,
        2,
        7,
        4,
        1,
        1,
        2,
        Decimal("150000.50"),
        pytest.approx(100 / 3),
        pytest.approx(50 / 3),
    )
    july = await report(db, activity.campaign_results, Query(date(2026, 7, 1), date(2026, 7, 31)))
    assert pick(by_label(july)["2026年夏季存款营销"], "activities", "contacted") == (1, 1)


async def test_campaign_results_scope(db: Database) -> None:
    await apply(db, campaign_events(), activity.TASK_HANDLERS)
    mine = await report(
        db, activity.campaign_results, Query(JUNE.start, JUNE.end, scope=await scope(db, RM_ZHANG))
    )
    # 张三's activities x1, x2, x7 over his quota of 3 target customers
    assert pick(by_label(mine)["2026年夏季存款营销"], *CAMPAIGN_KEYS) == (
        3,
        None,
        3,
        2,
        1,
        0,
        1,
        Decimal("50000.00"),
        pytest.approx(200 / 3),
        pytest.approx(100 / 3),
    )
    shanghai = await report(
        db, activity.campaign_results, Query(JUNE.start, JUNE.end, scope=await scope(db, BM_SHANGHAI))
    )
    # 上海分行 and 东城支行: x1 … x4 and x7 over 上海分行's quota of 5 target customers
    assert pick(by_label(shanghai)["2026年夏季存款营销"], *CAMPAIGN_KEYS) == (
        5,
        None,
        5,
        3,
        1,
        0,
        2,
        Decimal("150000.50"),
        60.0,
        40.0,
    )


async def test_campaign_events_out_of_order_and_redelivered_end_the_same(db: Database) -> None:
    events = campaign_events()
    await apply(
        db, list(reversed(events)) + random.Random(5).sample(events, len(events)), activity.TASK_HANDLERS
    )
    table = await report(db, activity.campaign_results)
    rows = by_label(table)
    assert rows["年中基金推广"]["state"] == "已取消"  # the late launch does not reopen it
    assert pick(rows["2026年夏季存款营销"], *CAMPAIGN_KEYS) == (
        8,
        2,
        7,
        4,
        1,
        1,
        2,
        Decimal("150000.50"),
        50.0,
        25.0,
    )


async def test_figures_and_conversions_per_group_of_users(db: Database) -> None:
    """What 最重要的销售员 takes per relationship manager, whose users are a group: 工作效率's figures and the
    conversions, summed over the group's users, whatever the scope."""
    await apply(db, task_events_in_order() + campaign_events(), activity.TASK_HANDLERS)
    groups = {"users/rm_zhang": "staff/E1", "users/rm_wang": "staff/E1", "users/rm_li": "staff/E2"}
    async with db.read() as session:
        figures = await activity.assignee_figures(session, JUNE, groups, now=JULY_15)
        converted = await activity.conversions(session, JUNE, groups)
        last_day = await activity.conversions(session, Query(date(2026, 6, 30), date(2026, 6, 30)), groups)
        july = await activity.conversions(session, Query(date(2026, 7, 1), date(2026, 7, 31)), groups)
        nobody = await activity.assignee_figures(session, JUNE, {})
    # 张三 + 王五 as 工作效率 counts them: 4 assigned, 2 completed, 1 on time, 2 overdue, 1 return
    assert figures["staff/E1"].cells() == (4, 2, 1, 2, 1, 50.0, 84.0, 120.0)
    assert figures["staff/E1"].on_time_rate == 50.0
    assert figures["staff/E2"].cells() == LI
    # x3 (王五) and x7 (张三, the last half hour of June in bank time); 李四 declined; x8 (July) is a contact
    assert converted == {"staff/E1": 2}
    assert last_day == {"staff/E1": 1}
    assert july == {} and nobody == {}


# -------------------------------------------------------------------------------------------------- migration


async def test_the_migration_builds_exactly_the_activity_tables(db: Database) -> None:
    mine = ("alert_facts", "task_facts", "task_return_facts", "campaign_facts", "campaign_activity_facts")
    wanted = MetaData()
    for table in mine:
        Base.metadata.tables[table].to_metadata(wanted)

    def diff(connection):
        found = compare_metadata(MigrationContext.configure(connection), wanted)
        return [d for d in found if _table_of(d) in mine]

    async with db.engine.connect() as connection:
        assert await connection.run_sync(diff) == []


def _table_of(difference) -> str:
    item = difference[0] if isinstance(difference, list) else difference
    kind = item[0]
    if kind.endswith("_table"):
        return item[1].name
    if kind.endswith(("_index", "_constraint", "_fk")):
        return item[1].table.name
    return item[2]
