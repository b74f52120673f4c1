"""Rows ↔ messages of the task service."""

from __future__ import annotations

import json
from datetime import datetime

from kam.task.v1 import task_pb2
from kam_kit import etags
from kam_kit.timeconv import aware, to_timestamp

from kam_task.adapters.orm import TaskCommentRow, TaskHistoryRow, TaskRow
from kam_task.domain.tasks import is_overdue

Task = task_pb2.Task


def task_to_proto(
    row: TaskRow,
    now: datetime,
    customer_names: dict[str, str] | None = None,
    origin_names: dict[str, str] | None = None,
) -> Task:
    task = Task(
        name=f"tasks/{row.id}",
        title=row.title,
        purpose=row.purpose,
        description=row.description,
        priority=task_pb2.Priority.Value(row.priority),
        state=Task.State.Value(row.state),
        assigner=row.assigner,
        assigner_display_name=row.assigner_display_name,
        assignee=row.assignee,
        assignee_display_name=row.assignee_display_name,
        org_unit=row.org_unit,
        customer=row.customer,
        related_customers=row.related_customers.split(),
        campaign=row.campaign,
        parent_task=row.parent_task,
        cancel_reason=row.cancel_reason,
        return_count=row.return_count,
        assignment=row.assignment,
        origin=row.origin,
        customer_display_name=(customer_names or {}).get(row.customer, ""),
        origin_display_name=(origin_names or {}).get(row.origin, ""),
        overdue=is_overdue(row.state, aware(row.due_time), now),
        etag=etags.etag_for(row.version),
    )
    task.due_time.CopyFrom(to_timestamp(row.due_time))
    for field, value in (
        ("create_time", row.create_time),
        ("update_time", row.update_time),
        ("start_time", row.start_time),
        ("close_time", row.close_time),
    ):
        if value is not None:
            getattr(task, field).CopyFrom(to_timestamp(value))
    if row.complete_time is not None:
        task.completion.handling = row.handling
        task.completion.content = row.content
        task.completion.interaction_type = row.interaction_type  # type: ignore[assignment]
        task.completion.complete_time.CopyFrom(to_timestamp(row.complete_time))
    if row.review_time is not None:
        task.review.accepted = bool(row.review_accepted)
        task.review.comment = row.review_comment
        task.review.reviewer = row.reviewer
        task.review.review_time.CopyFrom(to_timestamp(row.review_time))
    return task


def comment_to_proto(row: TaskCommentRow) -> task_pb2.TaskComment:
    return task_pb2.TaskComment(
        name=f"tasks/{row.task_id}/comments/{row.id}",
        text=row.text,
        author=row.author,
        author_display_name=row.author_display_name,
        create_time=to_timestamp(row.create_time),
    )


def history_to_proto(row: TaskHistoryRow) -> task_pb2.TaskHistoryEntry:
    return task_pb2.TaskHistoryEntry(
        action=row.action,
        actor=row.actor,
        actor_display_name=row.actor_display_name,
        time=to_timestamp(row.time),
        changes=[
            task_pb2.FieldChange(field=field, before=before, after=after)
            for field, before, after in json.loads(row.changes or "[]")
        ],
        note=row.note,
    )
