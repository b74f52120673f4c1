"""The rules of a task's life, without storage: which state a change starts from and leads to, what a valid task
looks like, and who may direct a task (assign, change, review, cancel) or work on it.

States (``kam.task.v1.Task.State``): open → in progress → completed (waiting for the assigner's review) →
accepted; a returned task goes back to in progress; open and in-progress tasks may be cancelled. A task one made
for oneself needs no review: completing it accepts it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kam.customer.v1 import customer_pb2
from kam.task.v1 import task_pb2
from kam_kit.errors import Validator

Task = task_pb2.Task
OPEN, IN_PROGRESS, COMPLETED, CANCELLED, ACCEPTED = (
    "STATE_OPEN",
    "STATE_IN_PROGRESS",
    "STATE_COMPLETED",
    "STATE_CANCELLED",
    "STATE_ACCEPTED",
)
#: the states each change starts from
FROM = {
    "update": {OPEN, IN_PROGRESS},
    "start": {OPEN},
    "complete": {OPEN, IN_PROGRESS},
    "accept": {COMPLETED},
    "return": {COMPLETED},
    "cancel": {OPEN, IN_PROGRESS},
}
ACTIVE = (OPEN, IN_PROGRESS)
#: Chinese names of the changes, for messages
VERBS = {
    "update": "修改",
    "start": "开始",
    "complete": "完成",
    "accept": "验收",
    "return": "退回",
    "cancel": "取消",
}
STATE_NAMES = {
    OPEN: "待办",
    IN_PROGRESS: "进行中",
    COMPLETED: "待验收",
    CANCELLED: "已取消",
    ACCEPTED: "已验收",
}
PRIORITIES = [n for n in task_pb2.Priority.keys() if n != "PRIORITY_UNSPECIFIED"]  # noqa: SIM118 (enum wrapper)
DEFAULT_PRIORITY = "PRIORITY_NORMAL"

MAX_TITLE, MAX_PURPOSE, MAX_DESCRIPTION = 200, 500, 5000
MAX_TEXT, MAX_HANDLING = 2000, 200
#: the most further customers a task concerns
MAX_RELATED = 20
#: how far ahead a due time may be
MAX_AHEAD = timedelta(days=3 * 366)
#: interaction kinds a completion may be logged as on the customer's timeline (never TYPE_SYSTEM)
LOGGABLE = frozenset(
    v for k, v in customer_pb2.Interaction.Type.items() if k not in ("TYPE_UNSPECIFIED", "TYPE_SYSTEM")
)


def priority_name(value: int) -> str:
    """The stored name of a proto priority (unspecified → normal)."""
    return task_pb2.Priority.Name(value) if value else DEFAULT_PRIORITY


def check_text(v: Validator, value: str, field: str, limit: int, *, required: bool = False) -> None:
    if required and not value.strip():
        v.add(field, "必填 (required)")
    elif len(value) > limit:
        v.add(field, f"最长 {limit} 字 (at most {limit} characters)")


def check_resource(v: Validator, value: str, field: str, prefix: str, *, required: bool = False) -> None:
    rest = value.removeprefix(prefix)
    if not value:
        if required:
            v.add(field, "必填 (required)")
    elif not value.startswith(prefix) or not rest or "/" in rest or len(value) > 128:
        v.add(field, f"应为 {prefix}{{id}} (a {prefix}… name)")


def check_related(
    v: Validator, related: list[str], main: str | None, field: str = "task.related_customers"
) -> None:
    """Further customers: each a ``customers/…`` name, none twice nor the main one, at most
    :data:`MAX_RELATED`, and only alongside a main customer (``main`` None: not known yet, left unchecked)."""
    if related and main == "":
        v.add(field, "请先选择主要客户 (set customer, the main one, first)")
    if len(related) > MAX_RELATED:
        v.add(field, f"最多 {MAX_RELATED} 位关联客户 (at most {MAX_RELATED})")
    seen: set[str] = set()
    for i, name in enumerate(related):
        check_resource(v, name, f"{field}[{i}]", "customers/", required=True)
        if name == main:
            v.add(f"{field}[{i}]", "与主要客户重复 (the main customer)")
        elif name in seen:
            v.add(f"{field}[{i}]", "重复的客户 (listed twice)")
        seen.add(name)


def check_due(v: Validator, due: datetime | None, now: datetime, field: str = "task.due_time") -> None:
    if due is None:
        v.add(field, "必填 (required)")
    elif due <= now:
        v.add(field, "需完成时间应在现在之后 (must be in the future)")
    elif due > now + MAX_AHEAD:
        v.add(field, "需完成时间应在三年以内 (within three years)")


def check_priority(v: Validator, value: int, field: str = "task.priority") -> None:
    if value and value not in task_pb2.Priority.values():
        v.add(field, "未知的优先级 (unknown priority)")


@dataclass(frozen=True)
class Parties:
    """Who stands where to a task: the caller, and the task's assigner and assignee."""

    caller: str
    assigner: str
    assignee: str

    @property
    def is_assignee(self) -> bool:
        return self.caller == self.assignee

    @property
    def is_assigner(self) -> bool:
        return self.caller == self.assigner

    @property
    def self_made(self) -> bool:
        return self.assigner == self.assignee


def may_direct(parties: Parties, *, can_assign: bool, over_assignee: bool) -> bool:
    """Whether the caller may change, review or cancel a task: its assigner, or a superior — someone with
    ``tasks.assign`` whose data scope takes in the assignee's unit."""
    return parties.is_assigner or (can_assign and over_assignee)


def completion_state(parties: Parties) -> str:
    """Where completing leads: a task one made for oneself is accepted at once; others wait for review."""
    return ACCEPTED if parties.self_made else COMPLETED


def is_overdue(state: str, due: datetime, now: datetime) -> bool:
    return state in ACTIVE and due < now
