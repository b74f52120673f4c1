"""Rows ↔ messages of task automation: a recurring task's or playbook's user-set fields are kept as JSON (its
``definition``), the rest in columns."""

from __future__ import annotations

from google.protobuf import json_format
from kam.task.v1 import automation_pb2
from kam_kit import etags
from kam_kit.timeconv import to_timestamp

from kam_task.adapters.orm import PlaybookRow, RecurringTaskRow

RecurringTask = automation_pb2.RecurringTask
Playbook = automation_pb2.Playbook

#: what a row's columns hold, never its definition
_RECURRING_COLUMNS = (
    "name",
    "enabled",
    "next_run_time",
    "last_run_time",
    "last_run_task_count",
    "last_run_unassigned_count",
    "creator",
    "creator_display_name",
    "creator_org_unit",
    "create_time",
    "update_time",
    "etag",
)
_PLAYBOOK_COLUMNS = (
    "name",
    "enabled",
    "trigger_count",
    "last_trigger_time",
    "creator",
    "creator_display_name",
    "creator_org_unit",
    "create_time",
    "update_time",
    "etag",
)


def definition_json(message: RecurringTask | Playbook) -> str:
    """The user-set fields of ``message`` as JSON (the columns' fields left out)."""
    kept = type(message)()
    kept.CopyFrom(message)
    for field in _RECURRING_COLUMNS if isinstance(message, RecurringTask) else _PLAYBOOK_COLUMNS:
        kept.ClearField(field)
    return json_format.MessageToJson(kept, preserving_proto_field_name=True, indent=None, ensure_ascii=False)


def recurring_definition(row: RecurringTaskRow) -> RecurringTask:
    return json_format.Parse(row.definition, RecurringTask(), ignore_unknown_fields=True)


def playbook_definition(row: PlaybookRow) -> Playbook:
    return json_format.Parse(row.definition, Playbook(), ignore_unknown_fields=True)


def recurring_to_proto(row: RecurringTaskRow) -> RecurringTask:
    message = recurring_definition(row)
    message.name = f"recurringTasks/{row.id}"
    message.enabled = row.enabled
    message.last_run_task_count = row.last_run_task_count
    message.last_run_unassigned_count = row.last_run_unassigned_count
    for field in ("next_run_time", "last_run_time"):
        value = getattr(row, field)
        if value is not None:
            getattr(message, field).CopyFrom(to_timestamp(value))
    _common(message, row)
    return message


def playbook_to_proto(row: PlaybookRow) -> Playbook:
    message = playbook_definition(row)
    message.name = f"playbooks/{row.id}"
    message.enabled = row.enabled
    message.trigger_count = row.trigger_count
    if row.last_trigger_time is not None:
        message.last_trigger_time.CopyFrom(to_timestamp(row.last_trigger_time))
    _common(message, row)
    return message


def _common(message: RecurringTask | Playbook, row: RecurringTaskRow | PlaybookRow) -> None:
    message.creator = row.creator
    message.creator_display_name = row.creator_display_name
    message.creator_org_unit = row.creator_org_unit
    message.create_time.CopyFrom(to_timestamp(row.create_time))
    message.update_time.CopyFrom(to_timestamp(row.update_time))
    message.etag = etags.etag_for(row.version)
