"""A task completed for a customer (the task service's ``kam.task.v1.TaskCompleted``) is logged on the customer's
timeline, once per task, on SQLite and PostgreSQL: the handler the service's ``customer-task`` consumer runs, each
event in its own transaction as the consumer applies it, then read back through the real gRPC server; and once
end to end, published on real NATS."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import nats
from kam.customer.v1 import customer_pb2
from kam.customer.v1 import customer_service_pb2 as pb
from kam.task.v1 import events_pb2 as task_events
from kam.task.v1 import task_pb2
from kam_customer.adapters.orm import CustomerRow, InteractionRow
from kam_customer.bootstrap import build
from kam_customer.settings import CustomerSettings
from kam_kit import events
from kam_kit.clock import ManualClock
from kam_kit.db import audit_table, processed_events_table
from kam_kit.events import EventMeta
from kam_kit.settings import ServiceSettings
from kam_kit.timeconv import aware, to_timestamp
from sqlalchemy import func, select

Interaction = customer_pb2.Interaction
ADMIN = ("roles/admin",)
DONE = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
TASK_TYPE = "kam.task.v1.TaskCompleted"


def _completed(
    task: str = "tasks/t1",
    *,
    customer: str = "customers/c1",
    interaction_type: int = Interaction.TYPE_VISIT,
    title: str = "季度回访王芳",
    handling: str = "上门拜访",
    content: str = "介绍了新发行的理财产品，客户有意向。",
    assignee: str = "users/rm1",
) -> task_events.TaskCompleted:
    return task_events.TaskCompleted(
        task=task_pb2.Task(
            name=task,
            title=title,
            state=task_pb2.Task.STATE_COMPLETED,
            assigner="users/boss",
            assignee=assignee,
            customer=customer,
            completion=task_pb2.Completion(
                handling=handling,
                content=content,
                complete_time=to_timestamp(DONE),
                interaction_type=interaction_type,  # type: ignore[arg-type]
            ),
            close_time=to_timestamp(DONE + timedelta(minutes=5)),
        )
    )


def _meta(event_id: str) -> EventMeta:
    return EventMeta(
        event_id=event_id,
        event_type=TASK_TYPE,
        source="kam/task",
        time=DONE.isoformat(),
        subject="tasks/t1",
        resource="tasks/t1",
        delivery=1,
    )


def _task_consumer(app):
    """The service's consumer of the task stream, as bootstrap.py wires it (built without a broker)."""
    (consumer,) = [c for c in (make(None) for make in app.consumers) if c.producer == "task"]
    return consumer


async def _deliver(app, *events_: task_events.TaskCompleted) -> None:
    """Apply the events with the consumer's own handler, each in its own transaction with a new event id (a
    redelivery the kit's duplicate check does not catch)."""
    handler = _task_consumer(app).by_type[TASK_TYPE].handler
    for event in events_:
        async with app.db.transaction() as session:
            await handler(session, event, _meta(uuid.uuid4().hex))


async def _interactions(app) -> list[InteractionRow]:
    async with app.db.read() as session:
        return list(
            await session.scalars(
                select(InteractionRow).where(InteractionRow.id != "i-old").order_by(InteractionRow.id)
            )
        )


async def _staff_timeline(client, md, parent: str = "customers/c1") -> list[Interaction]:
    listed = await client.ListInteractions(
        pb.ListInteractionsRequest(parent=parent, filter="type != TYPE_SYSTEM"), metadata=md(*ADMIN)
    )
    return list(listed.interactions)


def test_the_service_consumes_task_completed_as_customer_task(app) -> None:
    consumer = _task_consumer(app)
    assert (consumer.name, consumer.stream) == ("customer-task", "KAM_TASK")
    assert set(consumer.by_type) == {TASK_TYPE}
    assert consumer.filter_subjects(consumer.durable) == [TASK_TYPE, f"{TASK_TYPE}.*"]


async def test_a_completed_task_is_logged_like_a_created_interaction(app, client, md) -> None:
    await _deliver(app, _completed())

    (row,) = await _interactions(app)
    assert (row.customer_id, row.type, row.author, row.related_resource, row.contact_id) == (
        "c1",
        "VISIT",
        "users/rm1",
        "tasks/t1",
        "",
    )
    assert row.summary == "任务：季度回访王芳"
    assert row.details == "处理方式：上门拜访\n介绍了新发行的理财产品，客户有意向。"
    assert aware(row.occur_time) == DONE
    assert aware(row.create_time) == aware(app.test_clock.now())

    # on the timeline as staff entries are, newest first, and filtered like them
    newest, oldest = await _staff_timeline(client, md)
    assert (newest.name, newest.type, newest.summary, newest.details) == (
        f"customers/c1/interactions/{row.id}",
        Interaction.TYPE_VISIT,
        "任务：季度回访王芳",
        "处理方式：上门拜访\n介绍了新发行的理财产品，客户有意向。",
    )
    assert (newest.author, newest.related_resource) == ("users/rm1", "tasks/t1")
    assert newest.occur_time.ToDatetime(tzinfo=UTC) == DONE
    assert oldest.summary == "上门拜访"
    by_author = await client.ListInteractions(
        pb.ListInteractionsRequest(
            parent="customers/c1",
            filter='type = TYPE_VISIT AND author = "users/rm1" AND occur_time > "2026-02-01T00:00:00Z"',
        ),
        metadata=md(*ADMIN),
    )
    assert [i.name for i in by_author.interactions] == [newest.name]

    # the same audit record as CreateInteraction's, by the service, naming the event
    async with app.db.read() as session:
        (record,) = (
            await session.execute(
                select(audit_table).where(audit_table.c.resource == f"customers/c1/interactions/{row.id}")
            )
        ).all()
    assert (record.service, record.kind, record.action, record.actor_kind) == (
        "customer",
        "change",
        "interactions.create",
        "system",
    )
    assert record.after["summary"] == "任务：季度回访王芳" and record.after["author"] == "users/rm1"
    assert record.details["event"] == TASK_TYPE and record.details["event_id"]


async def test_a_task_is_logged_once_however_often_it_arrives(app, client, md) -> None:
    await _deliver(app, _completed(), _completed())
    # completed again after the assigner returned it: still the one entry, as first logged
    await _deliver(app, _completed(title="改过的标题", interaction_type=Interaction.TYPE_CALL))
    # two deliveries in one transaction (one fetch of the consumer)
    handler = _task_consumer(app).by_type[TASK_TYPE].handler
    async with app.db.transaction() as session:
        for _ in range(2):
            await handler(session, _completed("tasks/t2"), _meta(uuid.uuid4().hex))

    rows = await _interactions(app)
    assert sorted((r.related_resource, r.type, r.summary) for r in rows) == [
        ("tasks/t1", "VISIT", "任务：季度回访王芳"),
        ("tasks/t2", "VISIT", "任务：季度回访王芳"),
    ]
    assert len(await _staff_timeline(client, md)) == 3  # the two tasks and the seeded visit
    async with app.db.read() as session:
        created = await session.scalar(
            select(func.count()).select_from(audit_table).where(audit_table.c.action == "interactions.create")
        )
    assert created == 2


async def test_only_a_staff_interaction_type_for_a_customer_is_logged(app, client, md) -> None:
    await _deliver(
        app,
        _completed("tasks/unset", interaction_type=Interaction.TYPE_UNSPECIFIED),
        _completed("tasks/system", interaction_type=Interaction.TYPE_SYSTEM),
        _completed("tasks/unknown-type", interaction_type=99),
        _completed("tasks/no-customer", customer=""),
        _completed("tasks/not-a-customer", customer="orgUnits/sh"),
    )
    assert await _interactions(app) == []
    assert [i.summary for i in await _staff_timeline(client, md)] == ["上门拜访"]


async def test_an_unknown_or_deleted_customer_is_ignored(app) -> None:
    await _deliver(app, _completed("tasks/ghost", customer="customers/nobody"))
    async with app.db.transaction() as session:
        await session.delete(await session.get(CustomerRow, "g2"))
    await _deliver(app, _completed("tasks/gone", customer="customers/g2"))
    assert await _interactions(app) == []


async def test_a_long_title_is_cut_to_the_summarys_length(app) -> None:
    await _deliver(app, _completed(title="长" * 500, content="", handling="电话"))
    (row,) = await _interactions(app)
    assert row.summary == "任务：" + "长" * 397 and len(row.summary) == 400
    assert row.details == "处理方式：电话\n"


async def test_task_completed_on_nats_reaches_the_timeline_once(
    database_url, token_secret, free_port, nats_url, tmp_path
) -> None:
    settings = ServiceSettings.from_env(
        "customer",
        environ={
            "KAM_TOKEN_SECRET": token_secret,
            "KAM_CUSTOMER_DATABASE_URL": database_url,
            "KAM_CUSTOMER_GRPC_PORT": str(free_port()),
            "KAM_NATS_URL": nats_url,
        },
    )
    clock = ManualClock(DONE + timedelta(hours=1))
    app = build(
        settings,
        clock,
        CustomerSettings(
            source_url=f"sqlite:///{tmp_path / 'none.db'}",
            mapping_path=tmp_path / "none.toml",
            scan_cron="0 0 1 1 *",
            scan_on_start=False,
        ),
    )
    app.produces_events = False
    await app.start()
    try:
        customer = (
            f"n{uuid.uuid4().hex[:8]}"  # the broker and its durable consumers are shared by the session
        )
        async with app.db.transaction() as session:
            session.add(
                CustomerRow(
                    id=customer,
                    type="INDIVIDUAL",
                    display_name="王芳",
                    id_number="11010519491231002X",
                    branch="orgUnits/sh",
                    source="MANUAL",
                    version=1,
                    create_time=DONE,
                    update_time=DONE,
                )
            )
        task = f"tasks/{uuid.uuid4().hex[:12]}"
        event = _completed(task, customer=f"customers/{customer}", interaction_type=Interaction.TYPE_MEETING)
        connection = await nats.connect(nats_url)
        js = connection.jetstream()
        await events.ensure_stream(js, "task")
        event_ids = [uuid.uuid4().hex for _ in range(2)]
        for (
            event_id
        ) in event_ids:  # published twice under different event ids, as a task service retrying might
            headers = events.event_headers(
                event_id=event_id, service="task", event_type=TASK_TYPE, time=DONE, subject=task
            )
            await js.publish(
                events.subject_for("task", event),
                event.SerializeToString(),
                headers=headers,
                stream="KAM_TASK",
            )
        await connection.close()
        rows: list[InteractionRow] = []
        for _ in range(200):
            async with app.db.read() as session:
                rows = list(
                    await session.scalars(
                        select(InteractionRow).where(InteractionRow.customer_id == customer)
                    )
                )
                processed = await session.scalar(
                    select(func.count())
                    .select_from(processed_events_table)
                    .where(
                        processed_events_table.c.consumer == "customer-task",
                        processed_events_table.c.event_id.in_(event_ids),
                    )
                )
            if processed == 2:
                break
            await asyncio.sleep(0.05)
        assert [(r.type, r.related_resource, r.author) for r in rows] == [("MEETING", task, "users/rm1")]
    finally:
        await app.stop()


async def test_a_task_with_related_customers_is_logged_on_each_once(app, client, md) -> None:
    event = _completed("tasks/t1")
    event.task.related_customers.extend(["customers/g1", "customers/nobody", "customers/c1", "orgUnits/sh"])
    await _deliver(app, event, event)

    rows = await _interactions(app)
    assert sorted((r.customer_id, r.related_resource, r.type) for r in rows) == [
        ("c1", "tasks/t1", "VISIT"),
        ("g1", "tasks/t1", "VISIT"),
    ]
    # the main customer's entry keeps the id it had before tasks had related customers
    (main,) = [r for r in rows if r.customer_id == "c1"]
    await _deliver(app, _completed("tasks/t1"))
    assert [r.id for r in await _interactions(app) if r.customer_id == "c1"] == [main.id]
    (on_g1,) = await _staff_timeline(client, md, "customers/g1")
    assert (on_g1.summary, on_g1.related_resource) == ("任务：季度回访王芳", "tasks/t1")
