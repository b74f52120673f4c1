"""Recurring tasks and playbooks through the real gRPC API on SQLite and PostgreSQL: they make exactly the expected
tasks — one per person (or per matching customer, to that customer's relationship manager) per occurrence as the
clock passes, one set of steps per customer and trigger — however often the sweeper runs or an event comes; who
may set them up for whom, who sees them, and bad input."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from google.protobuf import duration_pb2
from google.type import date_pb2, dayofweek_pb2, timeofday_pb2
from kam.customer.v1 import customer_pb2, tier_pb2
from kam.customer.v1 import events_pb2 as customer_events
from kam.identity.v1 import events_pb2 as identity_events
from kam.identity.v1 import identity_pb2
from kam.task.v1 import automation_pb2 as apb
from kam.task.v1 import automation_service_pb2 as spb
from kam.task.v1 import events_pb2, task_pb2
from kam.task.v1 import task_service_pb2 as pb
from kam_kit import directory
from kam_kit.timeconv import to_timestamp
from kam_task.adapters.orm import Base, CustomerCopy, UserCopy
from kam_task.domain import automation as auto
from kam_task.service_layer import customers, demo
from kam_task.service_layer.automation import AutomationService
from kam_task.service_layer.playbooks import PlaybookRunner, in_order
from kam_task.service_layer.recurring import RecurringSweeper
from kam_task.service_layer.tasks import TaskService
from sqlalchemy import MetaData
from task_testlib import META, NOW, Bank, violations

DAY = timedelta(days=1)
RS = apb.RecurrenceSchedule
PB = apb.Playbook
C = customer_pb2.Customer
#: NOW is Monday 2026-12-07, 09:00 in Beijing


async def _error(call) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value


def _seconds(delta: timedelta) -> duration_pb2.Duration:
    return duration_pb2.Duration(seconds=int(delta.total_seconds()))


def _day(year: int, month: int, day: int) -> date_pb2.Date:
    return date_pb2.Date(year=year, month=month, day=day)


def _template(title: str = "每周客户动态整理") -> apb.TaskTemplate:
    return apb.TaskTemplate(title=title, purpose="客户跟进", priority=task_pb2.PRIORITY_HIGH)


def _weekly(**fields) -> apb.RecurringTask:
    return apb.RecurringTask(
        task=fields.pop("task", _template()),
        schedule=fields.pop(
            "schedule",
            RS(
                frequency=RS.FREQUENCY_WEEKLY,
                day_of_week=dayofweek_pb2.MONDAY,
                time_of_day=timeofday_pb2.TimeOfDay(hours=10),
                start_date=_day(2026, 12, 7),
            ),
        ),
        due_after=fields.pop("due_after", _seconds(7 * DAY)),
        enabled=fields.pop("enabled", True),
        **fields,
    )


def _step(title: str, offset: timedelta) -> apb.PlaybookStep:
    return apb.PlaybookStep(task=apb.TaskTemplate(title=title, purpose="首访"), due_offset=_seconds(offset))


def _playbook(trigger=PB.TRIGGER_TIER_CHANGED, **fields) -> apb.Playbook:
    return PB(
        display_name=fields.pop("display_name", "新晋钻石客户首访"),
        trigger=trigger,
        steps=fields.pop("steps", [_step("电话问候", DAY), _step("上门拜访", 7 * DAY)]),
        enabled=fields.pop("enabled", True),
        **fields,
    )


async def _recurring(
    bank: Bank, message: apb.RecurringTask, who: str = "users/bm_beijing"
) -> apb.RecurringTask:
    request = spb.CreateRecurringTaskRequest(recurring_task=message)
    return (await bank.call("CreateRecurringTask", request, who)).recurring_task


async def _create_playbook(bank: Bank, message: apb.Playbook, who: str = "users/leader") -> apb.Playbook:
    return (await bank.call("CreatePlaybook", spb.CreatePlaybookRequest(playbook=message), who)).playbook


def _sweeper(bank: Bank) -> RecurringSweeper:
    """A sweeper as a (re)started replica has it."""
    return RecurringSweeper(bank.db, bank.clock, TaskService(bank.db, bank.clock))


async def _tasks(bank: Bank, origin: str = "") -> list[task_pb2.Task]:
    """The tasks ``origin`` made, soonest due first."""
    listed = (await bank.call("ListTasks", pb.ListTasksRequest(page_size=500), "users/leader")).tasks
    return [t for t in listed if not origin or t.origin == origin]


async def _customer(
    bank: Bank,
    name: str,
    *,
    tier: str = "tiers/diamond",
    branch: str = "orgUnits/0101",
    manager: str = "users/rm_dongcheng",
    created: datetime | None = None,
    handler=customers.on_customer,
) -> C:
    customer = C(
        name=name,
        display_name="客户" + name.rsplit("/", 1)[-1],
        type=C.TYPE_INDIVIDUAL,
        tier=tier,
        branch=branch,
        relationship_manager=manager,
        create_time=to_timestamp(created or bank.clock.now()),
        update_time=to_timestamp(bank.clock.now()),
    )
    await bank.apply(handler, customer_events.CustomerCreated(customer=customer))
    return customer


async def _staff(bank: Bank, name: str, unit: str, code: str) -> None:
    """A relationship manager known to the core system by a staff code."""
    user = identity_pb2.User(
        name=name,
        display_name=name.removeprefix("users/"),
        org_unit=f"orgUnits/{unit}",
        roles=["roles/relationship_manager"],
        staff_code=code,
        state=identity_pb2.User.STATE_ACTIVE,
        update_time=to_timestamp(bank.clock.now()),
    )
    await bank.apply(directory.updater(UserCopy), identity_events.UserCreated(user=user))


# --- recurring tasks --------------------------------------------------------------------------------------------


async def test_a_weekly_recurring_task_gives_each_person_one_task_a_week(bank: Bank) -> None:
    made = await _recurring(bank, _weekly(assignees=["users/rm_dongcheng", "users/rm_xicheng"]))
    assert made.creator == "users/bm_beijing" and made.creator_org_unit == "orgUnits/0100"
    first = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # Monday 10:00 in Beijing
    assert made.next_run_time.ToDatetime(tzinfo=UTC) == first
    sweeper = _sweeper(bank)
    assert await sweeper.tick() == 0  # 09:00: not yet
    for week in range(4):
        bank.clock.set(first + timedelta(weeks=week))
        assert await sweeper.tick() == 2
        assert await sweeper.tick() == 0  # run twice: nothing more
        assert await _sweeper(bank).tick() == 0  # nor after a restart
        bank.clock.advance(DAY)
        assert await sweeper.tick() == 0  # the rest of the week: nothing
    made_tasks = await _tasks(bank, made.name)
    assert len(made_tasks) == 8
    for week in range(4):
        assert sorted(
            t.assignee
            for t in made_tasks
            if t.due_time.ToDatetime(tzinfo=UTC) == first + timedelta(weeks=week) + 7 * DAY
        ) == ["users/rm_dongcheng", "users/rm_xicheng"]
    task = made_tasks[0]
    assert task.assigner == "users/bm_beijing" and task.title == "每周客户动态整理"
    assert task.origin_display_name == "每周客户动态整理"  # what made it, named for whoever sees the task
    assert task.priority == task_pb2.PRIORITY_HIGH and task.state == task_pb2.Task.STATE_OPEN
    history = (await bank.call("ListTaskHistory", pb.ListTaskHistoryRequest(name=task.name))).entries
    assert [(e.action, e.actor) for e in history] == [("created", "users/bm_beijing")]
    created = await bank.published(events_pb2.TaskCreated)
    assert len(created) == 8 and {e.task.origin for e in created} == {made.name}
    again = (await bank.call("GetRecurringTask", spb.GetRecurringTaskRequest(name=made.name))).recurring_task
    assert again.last_run_time.ToDatetime(tzinfo=UTC) == first + timedelta(weeks=3)
    assert again.next_run_time.ToDatetime(tzinfo=UTC) == first + timedelta(weeks=4)
    assert again.last_run_task_count == 2 and again.last_run_unassigned_count == 0


async def test_after_downtime_only_the_latest_missed_occurrence_is_made(bank: Bank) -> None:
    made = await _recurring(bank, _weekly(assignees=["users/rm_dongcheng"], due_after=_seconds(2 * DAY)))
    first = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
    bank.clock.set(first + timedelta(weeks=3, hours=5))  # three weeks down: four occurrences passed
    sweeper = _sweeper(bank)
    assert await sweeper.tick() == 1
    assert await sweeper.tick() == 0
    [task] = await _tasks(bank, made.name)
    assert task.due_time.ToDatetime(tzinfo=UTC) == first + timedelta(weeks=3) + 2 * DAY  # the latest one's
    bank.clock.set(first + timedelta(weeks=6, days=3))  # so late that its due time has passed too
    assert await sweeper.tick() == 1
    latest = (await _tasks(bank, made.name))[-1]
    assert latest.due_time.ToDatetime(tzinfo=UTC) == bank.clock.now() + 2 * DAY
    again = (await bank.call("GetRecurringTask", spb.GetRecurringTaskRequest(name=made.name))).recurring_task
    assert again.next_run_time.ToDatetime(tzinfo=UTC) == first + timedelta(weeks=7)


async def test_two_sweepers_at_once_make_an_occurrence_once(bank: Bank) -> None:
    made = await _recurring(bank, _weekly(assignees=["users/rm_dongcheng", "users/rm_xicheng"]))
    bank.clock.set(datetime(2026, 12, 7, 2, 0, tzinfo=UTC))
    results = await asyncio.gather(_sweeper(bank).tick(), _sweeper(bank).tick())
    assert sorted(results) == [0, 2]
    assert len(await _tasks(bank, made.name)) == 2


async def test_an_org_units_relationship_managers_each_get_one_task(bank: Bank) -> None:
    await bank.person("users/rm_left", "0101", "roles/relationship_manager", active=False)
    made = await _recurring(
        bank,
        _weekly(assignees=["users/rm_dongcheng"], assignee_org_unit="orgUnits/0100"),
    )
    bank.clock.set(datetime(2026, 12, 7, 2, 0, tzinfo=UTC))
    await bank.person("users/rm_new", "0102", "roles/relationship_manager")  # joined before the occurrence
    assert await _sweeper(bank).tick() == 3
    assert sorted(t.assignee for t in await _tasks(bank, made.name)) == [
        "users/rm_dongcheng",
        "users/rm_new",
        "users/rm_xicheng",
    ]


async def test_a_quarterly_visit_to_every_diamond_customer_goes_to_each_relationship_manager(
    bank: Bank,
) -> None:
    await _staff(bank, "users/rm_coded", "0102", "E0002")
    await _customer(bank, "customers/c1")  # 东城, 张 by user name
    await _customer(bank, "customers/c2", branch="orgUnits/0102", manager="staff/E0002")  # by staff code
    await _customer(bank, "customers/c3", manager="staff/E9999")  # a manager nobody is: no task
    await _customer(bank, "customers/c4", tier="tiers/gold")  # another tier
    await _customer(bank, "customers/c5", branch="orgUnits/0200", manager="users/rm_shanghai")  # not 北京
    quarterly = RS(frequency=RS.FREQUENCY_QUARTERLY, day_of_month=1, start_date=_day(2026, 12, 1))
    made = await _recurring(
        bank,
        apb.RecurringTask(
            task=_template("季度走访钻石客户"),
            schedule=quarterly,
            due_after=_seconds(30 * DAY),
            customer_segment=apb.CustomerCriteria(tiers=["tiers/diamond"]),
            enabled=True,
        ),
    )
    # a branch manager's "every branch" is his own subtree; the time of day defaults to 09:00
    assert made.customer_segment.org_unit == "orgUnits/0100"
    assert (made.schedule.time_of_day.hours, made.schedule.time_of_day.minutes) == (9, 0)
    new_year = datetime(2027, 1, 1, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
    assert made.next_run_time.ToDatetime(tzinfo=UTC) == new_year
    sweeper = _sweeper(bank)
    bank.clock.set(new_year - timedelta(minutes=1))
    assert await sweeper.tick() == 0
    bank.clock.set(new_year)
    assert await sweeper.tick() == 2
    assert await sweeper.tick() == 0
    tasks = await _tasks(bank, made.name)
    assert sorted((t.customer, t.assignee) for t in tasks) == [
        ("customers/c1", "users/rm_dongcheng"),
        ("customers/c2", "users/rm_coded"),
    ]
    assert {t.due_time.ToDatetime(tzinfo=UTC) for t in tasks} == {new_year + 30 * DAY}
    again = (await bank.call("GetRecurringTask", spb.GetRecurringTaskRequest(name=made.name))).recurring_task
    assert (again.last_run_task_count, again.last_run_unassigned_count) == (2, 1)
    assert again.next_run_time.ToDatetime(tzinfo=UTC) == datetime(2027, 4, 1, 1, 0, tzinfo=UTC)
    bank.clock.set(datetime(2027, 4, 1, 1, 0, tzinfo=UTC))
    assert await sweeper.tick() == 2
    assert len(await _tasks(bank, made.name)) == 4


def test_schedules_fall_on_their_days_in_bank_time() -> None:
    monthly = auto.Schedule(frequency=auto.MONTHLY, start=datetime(2027, 1, 1).date(), day_of_month=31)
    moment = datetime(2027, 1, 31, 1, 0, tzinfo=UTC)
    days = []
    for _ in range(4):
        found = monthly.next_on_or_after(moment)
        assert found is not None
        days.append(found.astimezone(auto.BANK_TZ).date().isoformat())
        moment = found + timedelta(minutes=1)
    assert days == ["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30"]  # a short month: its last day
    daily = auto.Schedule(
        frequency=auto.DAILY, start=datetime(2027, 1, 1).date(), end=datetime(2027, 1, 3).date()
    )
    late = datetime(2027, 1, 10, tzinfo=UTC)
    assert daily.latest_on_or_before(late) == datetime(2027, 1, 3, 1, 0, tzinfo=UTC)
    assert daily.next_on_or_after(late) is None


# --- playbooks --------------------------------------------------------------------------------------------------


def _tier_changed(
    customer: str, tier: str, previous: str, at: datetime, **fields
) -> customer_events.TierChanged:
    return customer_events.TierChanged(
        customer=customer,
        tier=tier,
        previous_tier=previous,
        assignment=tier_pb2.TierAssignment(tier=tier, previous_tier=previous, assign_time=to_timestamp(at)),
        **fields,
    )


async def test_a_tier_change_playbook_makes_its_steps_once(bank: Bank) -> None:
    runner = PlaybookRunner(TaskService(bank.db, bank.clock), bank.clock)
    on_tier = in_order(customers.on_tier_changed, runner.on_tier_changed)  # as the service composes them
    await _customer(bank, "customers/c1", tier="tiers/platinum")
    await _customer(bank, "customers/c2", tier="tiers/platinum", manager="staff/E9999")
    playbook = await _create_playbook(
        bank, _playbook(conditions=apb.CustomerCriteria(tiers=["tiers/diamond", "tiers/private-banking"]))
    )
    assert (
        playbook.creator == "users/leader" and playbook.conditions.org_unit == ""
    )  # head office: every branch
    bank.clock.advance(timedelta(hours=1))
    upgraded = _tier_changed("customers/c1", "tiers/diamond", "tiers/platinum", bank.clock.now())
    await bank.apply(on_tier, upgraded)
    async with bank.db.read() as session:  # the copy took the event in first
        copy = await session.get(CustomerCopy, "customers/c1")
        assert copy is not None and copy.tier == "tiers/diamond"
    tasks = await _tasks(bank, playbook.name)
    assert [(t.title, t.assignee, t.customer, t.assigner) for t in tasks] == [
        ("电话问候", "users/rm_dongcheng", "customers/c1", "users/leader"),
        ("上门拜访", "users/rm_dongcheng", "customers/c1", "users/leader"),
    ]
    assert [t.due_time.ToDatetime(tzinfo=UTC) for t in tasks] == [
        bank.clock.now() + DAY,
        bank.clock.now() + 7 * DAY,
    ]
    bank.clock.advance(timedelta(hours=2))
    await bank.apply(on_tier, upgraded)  # redelivered
    repeated = _tier_changed("customers/c1", "tiers/diamond", "tiers/platinum", bank.clock.now())
    await bank.apply(on_tier, repeated)  # the same change again the same day (a new event id)
    await bank.apply(on_tier, _tier_changed("customers/c1", "tiers/gold", "tiers/diamond", bank.clock.now()))
    await bank.apply(
        on_tier, _tier_changed("customers/c1", "tiers/diamond", "tiers/diamond", bank.clock.now())
    )
    await bank.apply(
        on_tier, _tier_changed("customers/c2", "tiers/diamond", "tiers/platinum", bank.clock.now())
    )
    assert len(await _tasks(bank, playbook.name)) == 2  # c2's manager is nobody: no task
    await _customer(bank, "customers/c3", tier="tiers/platinum", manager="users/rm_xicheng")
    twice = _tier_changed("customers/c3", "tiers/private-banking", "tiers/platinum", bank.clock.now())
    async with bank.db.transaction() as session:  # twice in one consumer batch
        for _ in range(2):
            await on_tier(session, twice, META)
    assert [t.assignee for t in await _tasks(bank, playbook.name)].count("users/rm_xicheng") == 2
    again = (
        await bank.call("GetPlaybook", spb.GetPlaybookRequest(name=playbook.name), "users/leader")
    ).playbook
    assert again.trigger_count == 3  # c1 and c3 once each, c2 once (without tasks)
    bank.clock.advance(DAY)  # back into 钻石 on another day: a new trigger
    await bank.apply(on_tier, _tier_changed("customers/c1", "tiers/diamond", "tiers/gold", bank.clock.now()))
    assert len(await _tasks(bank, playbook.name)) == 6
    # a trigger from before the playbook existed is ignored
    old = _tier_changed("customers/c1", "tiers/private-banking", "tiers/diamond", NOW - DAY)
    await bank.apply(on_tier, old)
    assert len(await _tasks(bank, playbook.name)) == 6


async def test_new_key_customer_and_maturity_playbooks(bank: Bank) -> None:
    runner = PlaybookRunner(TaskService(bank.db, bank.clock), bank.clock)
    on_created = in_order(customers.on_customer, runner.on_customer_created)
    welcome = await _create_playbook(
        bank,
        _playbook(PB.TRIGGER_NEW_KEY_CUSTOMER, display_name="新客户欢迎", steps=[_step("欢迎致电", 3 * DAY)]),
        "users/bm_beijing",
    )
    assert welcome.conditions.org_unit == "orgUnits/0100"  # a branch manager's: his subtree
    await _customer(bank, "customers/old", created=NOW - DAY, handler=on_created)  # before the playbook
    await _customer(bank, "customers/n1", handler=on_created)
    await _customer(bank, "customers/n1", handler=on_created)  # redelivered
    await _customer(
        bank, "customers/sh", branch="orgUnits/0200", manager="users/rm_shanghai", handler=on_created
    )
    [task] = await _tasks(bank, welcome.name)
    assert (task.customer, task.assignee, task.title) == ("customers/n1", "users/rm_dongcheng", "欢迎致电")
    assert task.due_time.ToDatetime(tzinfo=UTC) == NOW + 3 * DAY

    maturity = await _create_playbook(
        bank,
        _playbook(
            PB.TRIGGER_MATURITY,
            display_name="存款到期挽留",
            maturity_kinds=[customer_pb2.KEY_DATE_KIND_DEPOSIT_MATURITY],
            steps=[_step("到期前联系客户", 5 * DAY)],
        ),
    )

    def key_date(kind, account: str = "customers/n1/accounts/a1") -> customer_events.KeyDateApproaching:
        return customer_events.KeyDateApproaching(
            customer="customers/n1",
            kind=kind,
            date=_day(2026, 12, 30),
            account=account,
            detect_time=to_timestamp(bank.clock.now()),
        )

    deposit = customer_pb2.KEY_DATE_KIND_DEPOSIT_MATURITY
    await bank.apply(runner.on_key_date, key_date(deposit))
    bank.clock.advance(DAY)
    await bank.apply(runner.on_key_date, key_date(deposit))  # announced again the next day: the same maturity
    await bank.apply(runner.on_key_date, key_date(deposit, "customers/n1/accounts/a2"))  # another account
    await bank.apply(runner.on_key_date, key_date(customer_pb2.KEY_DATE_KIND_LOAN_MATURITY))  # not its kind
    await bank.apply(runner.on_key_date, key_date(customer_pb2.KEY_DATE_KIND_BIRTHDAY))  # not a maturity
    tasks = await _tasks(bank, maturity.name)
    assert [(t.customer, t.assignee) for t in tasks] == [("customers/n1", "users/rm_dongcheng")] * 2
    assert [t.due_time.ToDatetime(tzinfo=UTC) for t in tasks] == [NOW + 5 * DAY, NOW + DAY + 5 * DAY]


async def test_a_disabled_or_deleted_playbook_makes_nothing(bank: Bank) -> None:
    runner = PlaybookRunner(TaskService(bank.db, bank.clock), bank.clock)
    await _customer(bank, "customers/c1", tier="tiers/gold")
    playbook = await _create_playbook(
        bank, _playbook(conditions=apb.CustomerCriteria(tiers=["tiers/diamond"]), enabled=False)
    )
    await bank.apply(runner.on_tier_changed, _tier_changed("customers/c1", "tiers/diamond", "", NOW))
    assert await _tasks(bank, playbook.name) == []
    await bank.call(
        "DeletePlaybook", spb.DeletePlaybookRequest(name=playbook.name, etag=playbook.etag), "users/leader"
    )
    error = await _error(bank.call("GetPlaybook", spb.GetPlaybookRequest(name=playbook.name), "users/leader"))
    assert error.code() == grpc.StatusCode.NOT_FOUND


# --- who and what -----------------------------------------------------------------------------------------------


async def test_bad_input_names_each_field(bank: Bank) -> None:
    bad = apb.RecurringTask(
        task=apb.TaskTemplate(title=""),
        schedule=RS(
            frequency=RS.FREQUENCY_WEEKLY, day_of_month=5, time_of_day=timeofday_pb2.TimeOfDay(hours=25)
        ),
        due_after=_seconds(-DAY),
    )
    error = await _error(_recurring(bank, bad))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert violations(error) == {
        "recurring_task.task.title",
        "recurring_task.schedule.day_of_week",
        "recurring_task.schedule.day_of_month",
        "recurring_task.schedule.time_of_day",
        "recurring_task.schedule.start_date",
        "recurring_task.due_after",
        "recurring_task.assignees",
    }
    ended = _weekly(
        assignees=["users/rm_dongcheng"],
        schedule=RS(frequency=RS.FREQUENCY_DAILY, start_date=_day(2026, 11, 1), end_date=_day(2026, 11, 30)),
    )
    assert violations(await _error(_recurring(bank, ended))) == {"recurring_task.schedule.end_date"}
    both = _weekly(assignees=["users/rm_dongcheng"], customer_segment=apb.CustomerCriteria())
    assert violations(await _error(_recurring(bank, both))) == {"recurring_task.customer_segment"}
    error = await _error(_create_playbook(bank, _playbook(steps=[])))
    assert violations(error) == {"playbook.steps", "playbook.conditions.tiers"}
    negative = _playbook(
        conditions=apb.CustomerCriteria(tiers=["tiers/diamond"]), steps=[_step("电话", -timedelta(hours=1))]
    )
    assert violations(await _error(_create_playbook(bank, negative))) == {"playbook.steps[0].due_offset"}
    wrong = _playbook(
        PB.TRIGGER_NEW_KEY_CUSTOMER,
        display_name="",
        maturity_kinds=[customer_pb2.KEY_DATE_KIND_BIRTHDAY],
        conditions=apb.CustomerCriteria(tiers=["diamond"]),
    )
    assert violations(await _error(_create_playbook(bank, wrong))) == {
        "playbook.display_name",
        "playbook.maturity_kinds",
        "playbook.maturity_kinds[0]",
        "playbook.conditions.tiers[0]",
    }
    error = await _error(bank.call("CreatePlaybook", spb.CreatePlaybookRequest()))
    assert violations(error) == {"playbook"}


async def test_only_people_and_units_in_the_creators_subtree(bank: Bank) -> None:
    for message in (
        _weekly(assignees=["users/rm_shanghai"]),
        _weekly(assignee_org_unit="orgUnits/0200"),
        _weekly(customer_segment=apb.CustomerCriteria(org_unit="orgUnits/0200")),
    ):
        error = await _error(_recurring(bank, message))
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED, message
    shanghai = _playbook(conditions=apb.CustomerCriteria(tiers=["tiers/diamond"], org_unit="orgUnits/0200"))
    error = await _error(_create_playbook(bank, shanghai, "users/bm_beijing"))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    error = await _error(_recurring(bank, _weekly(assignees=["users/nobody"])))
    assert violations(error) == {"recurring_task.assignees[0]"}
    error = await _error(_recurring(bank, _weekly(assignees=["users/me"]), "users/rm_dongcheng"))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED  # no tasks.assign
    # head office reaches everyone; a request id makes a retry answer the first
    request = spb.CreateRecurringTaskRequest(
        recurring_task=_weekly(assignees=["users/rm_shanghai"]), request_id="recurring-1"
    )
    first = (await bank.call("CreateRecurringTask", request, "users/leader")).recurring_task
    again = (await bank.call("CreateRecurringTask", request, "users/leader")).recurring_task
    assert again.name == first.name
    listed = await bank.call("ListRecurringTasks", spb.ListRecurringTasksRequest(), "users/leader")
    assert listed.total_size == 1


async def test_each_sees_what_their_scope_takes_in_and_changes_need_the_current_etag(bank: Bank) -> None:
    mine = await _recurring(bank, _weekly(assignees=["users/rm_dongcheng"]), "users/bm_beijing")
    head_office = await _recurring(bank, _weekly(assignees=["users/rm_shanghai"]), "users/leader")
    playbook = await _create_playbook(
        bank, _playbook(conditions=apb.CustomerCriteria(tiers=["tiers/diamond"])), "users/bm_beijing"
    )
    for who, sees in (
        ("users/bm_beijing", {mine.name}),
        ("users/leader", {mine.name, head_office.name}),
        ("users/compliance", {mine.name, head_office.name}),
        ("users/bm_shanghai", set()),
        ("users/rm_dongcheng", set()),
    ):
        listed = await bank.call("ListRecurringTasks", spb.ListRecurringTasksRequest(), who)
        assert {r.name for r in listed.recurring_tasks} == sees and listed.total_size == len(sees), who
        for name in {mine.name, head_office.name} - sees:
            error = await _error(bank.call("GetRecurringTask", spb.GetRecurringTaskRequest(name=name), who))
            assert error.code() == grpc.StatusCode.NOT_FOUND, (who, name)
        books = await bank.call("ListPlaybooks", spb.ListPlaybooksRequest(), who)
        assert bool(books.playbooks) == (mine.name in sees), who
    error = await _error(
        bank.call("GetPlaybook", spb.GetPlaybookRequest(name=playbook.name), "users/bm_shanghai")
    )
    assert error.code() == grpc.StatusCode.NOT_FOUND
    mine_only = spb.ListRecurringTasksRequest(filter='creator = "users/me" AND enabled = true')
    listed = await bank.call("ListRecurringTasks", mine_only, "users/leader")
    assert [r.name for r in listed.recurring_tasks] == [head_office.name]
    by_trigger = spb.ListPlaybooksRequest(filter="trigger = TRIGGER_MATURITY")
    assert not (await bank.call("ListPlaybooks", by_trigger, "users/leader")).playbooks

    # the creator changes it; a stale etag is refused
    changed = mine
    changed.task.title = "每周整理重点客户动态"
    update = spb.UpdateRecurringTaskRequest(recurring_task=changed)
    update.update_mask.paths.append("task.title")
    renamed = (await bank.call("UpdateRecurringTask", update)).recurring_task
    assert renamed.task.title == "每周整理重点客户动态" and renamed.etag != mine.etag
    assert renamed.task.priority == task_pb2.PRIORITY_HIGH  # the rest as it was
    error = await _error(bank.call("UpdateRecurringTask", update))  # the old etag again
    assert error.code() == grpc.StatusCode.ABORTED
    # a superior only enables or disables it
    superior = apb.RecurringTask(name=mine.name, task=_template("总行改的"))
    error = await _error(
        bank.call(
            "UpdateRecurringTask", spb.UpdateRecurringTaskRequest(recurring_task=superior), "users/leader"
        )
    )
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    pause = spb.UpdateRecurringTaskRequest(recurring_task=apb.RecurringTask(name=mine.name, enabled=False))
    pause.update_mask.paths.append("enabled")
    paused = (await bank.call("UpdateRecurringTask", pause, "users/leader")).recurring_task
    assert not paused.enabled and not paused.HasField("next_run_time")
    bank.clock.set(datetime(2026, 12, 7, 2, 0, tzinfo=UTC))
    assert await _sweeper(bank).tick() == 1  # head office's own; the paused one makes nothing
    error = await _error(
        bank.call("DeleteRecurringTask", spb.DeleteRecurringTaskRequest(name=mine.name, etag=renamed.etag))
    )
    assert error.code() == grpc.StatusCode.ABORTED
    await bank.call("DeleteRecurringTask", spb.DeleteRecurringTaskRequest(name=mine.name, etag=paused.etag))
    error = await _error(bank.call("GetRecurringTask", spb.GetRecurringTaskRequest(name=mine.name)))
    assert error.code() == grpc.StatusCode.NOT_FOUND
    # a playbook's update: stale etag, then the creator's change
    stale = apb.Playbook(name=playbook.name, display_name="新名字", etag="v9")
    error = await _error(bank.call("UpdatePlaybook", spb.UpdatePlaybookRequest(playbook=stale)))
    assert error.code() == grpc.StatusCode.ABORTED
    stale.etag = playbook.etag
    renamed_book = (await bank.call("UpdatePlaybook", spb.UpdatePlaybookRequest(playbook=stale))).playbook
    assert renamed_book.display_name == "新名字" and len(renamed_book.steps) == 2


async def test_the_demo_playbook_and_recurring_task_are_made_once(bank: Bank) -> None:
    await bank.person("users/branch_manager", "0100", "roles/branch_manager")
    await bank.person("users/rm_zhang", "0101", "roles/relationship_manager")
    automation = AutomationService(bank.db, bank.clock, TaskService(bank.db, bank.clock))
    await demo.seed_automation(automation, bank.clock)
    await demo.seed_automation(automation, bank.clock)  # a restart
    books = (await bank.call("ListPlaybooks", spb.ListPlaybooksRequest(), "users/leader")).playbooks
    assert [(b.display_name, list(b.conditions.tiers), b.enabled) for b in books] == [
        ("新晋钻石客户首访", ["tiers/diamond"], True)
    ]
    [weekly] = (
        await bank.call("ListRecurringTasks", spb.ListRecurringTasksRequest(), "users/leader")
    ).recurring_tasks
    assert weekly.task.title == "每周一整理重点客户动态" and list(weekly.assignees) == ["users/rm_zhang"]
    assert weekly.creator == "users/branch_manager"
    assert weekly.next_run_time.ToDatetime(tzinfo=UTC) == datetime(
        2026, 12, 7, 1, 0, tzinfo=UTC
    )  # today 09:00
    assert await _sweeper(bank).tick() == 1


async def test_the_migration_builds_exactly_the_automation_tables(bank: Bank) -> None:
    mine = ("recurring_tasks", "recurring_task_runs", "playbooks", "playbook_runs")
    wanted = MetaData()
    for table in mine:
        Base.metadata.tables[table].to_metadata(wanted)

    def diff(connection):
        found = compare_metadata(MigrationContext.configure(connection), wanted)
        return [d for d in found if _table_of(d) in mine]

    async with bank.db.engine.connect() as connection:
        assert await connection.run_sync(diff) == []


def _table_of(difference) -> str:
    """The table an autogenerate difference is about."""
    item = difference[0] if isinstance(difference, list) else difference
    kind = item[0]
    if kind.endswith("_table"):
        return item[1].name
    if kind.endswith(("_index", "_constraint", "_fk")):
        return item[1].table.name
    return item[2]
