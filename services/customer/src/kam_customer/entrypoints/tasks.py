"""The task service's events the customer service applies (durable consumer ``customer-task``): a task completed for
a customer with an interaction type (``Completion.interaction_type``) is logged on that customer's timeline and on
each related customer's (``Task.related_customers``), once per task and customer (:meth:`~kam_customer.service_layer.timeline.TimelineService.log_completed_task`)."""

from __future__ import annotations

import logging
from datetime import datetime

from kam.task.v1 import events_pb2 as task_events
from kam_kit.errors import InvalidArgument
from kam_kit.events import EventMeta
from kam_kit.timeconv import from_timestamp
from sqlalchemy.ext.asyncio import AsyncSession

from kam_customer.adapters import protomap
from kam_customer.domain import names
from kam_customer.service_layer.timeline import CompletedTask, TimelineService

log = logging.getLogger(__name__)


def completed_task(event: task_events.TaskCompleted, meta: EventMeta) -> CompletedTask | None:
    """What a TaskCompleted asks to log, or None when it asks nothing: no customer, no interaction type (0), or a
    customer name that is not ``customers/{id}`` (a malformed related customer is skipped). The type is passed as
    it is (TYPE_SYSTEM is refused later)."""
    task, completion = event.task, event.task.completion
    if not task.customer or not completion.interaction_type:
        return None
    try:
        (customer_id,) = names.parse(task.customer, ("customers",), "task.customer")
    except InvalidArgument:
        log.warning(
            "TaskCompleted with a malformed customer; not logged",
            extra={"task": task.name, "customer": task.customer, "event_id": meta.event_id},
        )
        return None
    related = []
    for name in task.related_customers:
        try:
            (related_id,) = names.parse(name, ("customers",), "task.related_customers")
        except InvalidArgument:
            log.warning(
                "TaskCompleted with a malformed related customer; not logged on it",
                extra={"task": task.name, "customer": name, "event_id": meta.event_id},
            )
            continue
        related.append(related_id)
    # the task service always sets it; else when the task closed, else (None) when the event is applied
    if completion.HasField("complete_time"):
        complete_time: datetime | None = from_timestamp(completion.complete_time)
    elif task.HasField("close_time"):
        complete_time = from_timestamp(task.close_time)
    else:
        complete_time = None
    return CompletedTask(
        task=task.name,
        customer_id=customer_id,
        type=protomap.INTERACTION_TYPE_FROM_PROTO.get(completion.interaction_type, ""),
        title=task.title,
        handling=completion.handling,
        content=completion.content,
        complete_time=complete_time,
        assignee=task.assignee,
        related_customer_ids=tuple(related),
    )


def on_task_completed(timeline: TimelineService):
    """The handler of ``kam.task.v1.TaskCompleted`` (``app.consume("task", …)`` in bootstrap.py)."""

    async def apply(session: AsyncSession, event: task_events.TaskCompleted, meta: EventMeta) -> None:
        done = completed_task(event, meta)
        if done is None:
            return
        await timeline.log_completed_task(
            session,
            done,
            details={"event": meta.event_type or "kam.task.v1.TaskCompleted", "event_id": meta.event_id},
        )

    return apply
