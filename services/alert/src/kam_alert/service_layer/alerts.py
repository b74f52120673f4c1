"""Alerts (预警) as staff see and handle them: read within the caller's data scope (an alert outside it is
``NOT_FOUND`` and left out of lists and counts), and moved through their lifecycle — acknowledge, snooze, stop,
resolve — each change with who, when and why, an ETag check, an audit record and its event, in one transaction.

States: open → acknowledged → resolved; snoozed (until a time, then open again: the scheduler) and stopped ("do
not keep alerting", without resolving).
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta

from kam.alert.v1 import alert_pb2, events_pb2
from kam_kit import etags, orgtree, outbox
from kam_kit.audit import AuditTrail
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.errors import FailedPrecondition, InvalidArgument, NotFound
from kam_kit.filtering import COMPARISONS, one_of, resource_name, timestamp
from kam_kit.scope import DataScope
from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_alert.adapters.orm import AlertCommentRow, AlertRow, OrgUnitCopy, RuleSilenceRow
from kam_alert.adapters.protomap import alert_to_proto, comment_to_proto

Alert = alert_pb2.Alert
SERVICE = "alert"
MAX_SNOOZE = timedelta(days=30)
MAX_SILENCE = timedelta(days=180)
MAX_COMMENT = 2000
#: the states a change may start from
_FROM = {
    "acknowledge": {"STATE_OPEN", "STATE_SNOOZED"},
    "snooze": {"STATE_OPEN", "STATE_ACKNOWLEDGED"},
    "stop": {"STATE_OPEN", "STATE_ACKNOWLEDGED", "STATE_SNOOZED"},
    "resolve": {"STATE_OPEN", "STATE_ACKNOWLEDGED", "STATE_SNOOZED", "STATE_STOPPED"},
}
_STATES = {name for name in Alert.State.keys() if name != "STATE_UNSPECIFIED"}  # noqa: SIM118 (an enum wrapper)
_SEVERITIES = [name for name in alert_pb2.Severity.keys() if name != "SEVERITY_UNSPECIFIED"]  # noqa: SIM118


#: ListAlerts' filter fields (AIP-160): equalities; ``recipients = "users/…"`` is "among the recipients";
#: ``severity`` and ``create_time`` also compare (``severity >= SEVERITY_HIGH``, ``create_time >= "…"``).
FILTERS = {
    "state": one_of(_STATES, "状态"),
    "severity": one_of(_SEVERITIES, "级别"),
    "customer": resource_name("customers/"),
    "rule": resource_name("alertRules/"),
    "branch": resource_name("orgUnits/"),
    "recipients": resource_name("users/"),
    "create_time": timestamp,
}
COMPARABLE = ("severity", "create_time")
ORDERS = {
    "create_time": AlertRow.create_time,
    "update_time": AlertRow.update_time,
    # by rank, not by name (the names sort CRITICAL, HIGH, LOW, MEDIUM)
    "severity": case(
        {name: rank for rank, name in enumerate(_SEVERITIES)}, value=AlertRow.severity, else_=-1
    ),
}


def alert_id(name: str, field: str = "name") -> str:
    prefix, _, rest = name.partition("/")
    if prefix != "alerts" or not rest or "/" in rest:
        raise InvalidArgument.for_field(field, "应为 alerts/{预警} (alerts/{alert})")
    return rest


class AlertService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.events = outbox.Recorder(SERVICE, clock)
        self.audit = AuditTrail(SERVICE, clock)

    # --- reads --------------------------------------------------------------------------------------------------

    async def get(self, identity: Identity | None, name: str) -> Alert:
        async with self.db.read() as session:
            return alert_to_proto(await self._visible(session, identity, alert_id(name)))

    async def list(
        self,
        identity: Identity | None,
        filters: dict[str, object],
        *,
        order_by: str,
        offset: int,
        limit: int,
    ) -> tuple[list[Alert], int]:
        conditions: list[ColumnElement[bool]] = []
        for field, column in (
            ("state", AlertRow.state),
            ("severity", AlertRow.severity),
            ("customer", AlertRow.customer),
            ("branch", AlertRow.branch),
        ):
            if field in filters:
                conditions.append(column == filters[field])
        if "rule" in filters:
            conditions.append(AlertRow.rule_id == str(filters["rule"]).removeprefix("alertRules/"))
        if "recipients" in filters:  # a JSON list of names: the quoted name is in it
            conditions.append(
                AlertRow.recipients.contains(json.dumps(filters["recipients"]), autoescape=True)
            )
        if "create_time" in filters:
            conditions.append(AlertRow.create_time == filters["create_time"])
        for sign, compare in COMPARISONS.items():
            if (moment := filters.get(f"create_time {sign}")) is not None:
                conditions.append(compare(AlertRow.create_time, moment))
            if (level := filters.get(f"severity {sign}")) is not None:
                rank = _SEVERITIES.index(str(level))
                conditions.append(
                    AlertRow.severity.in_([s for i, s in enumerate(_SEVERITIES) if compare(i, rank)])
                )
        order = _order(order_by)
        async with self.db.read() as session:
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            visible = _scoped(scope)
            if visible is not None:
                conditions.append(visible)
            rows = await session.scalars(
                select(AlertRow).where(*conditions).order_by(*order).offset(offset).limit(limit)
            )
            total = await session.scalar(select(func.count()).select_from(AlertRow).where(*conditions))
            return [alert_to_proto(row) for row in rows], int(total or 0)

    # --- lifecycle ----------------------------------------------------------------------------------------------

    async def acknowledge(self, identity: Identity | None, name: str, *, etag: str) -> Alert:
        async def change(session: AsyncSession, row: AlertRow, now: datetime) -> None:
            row.state, row.acknowledger, row.acknowledge_time = "STATE_ACKNOWLEDGED", _who(identity), now
            row.next_notify_time, row.snooze_expire_time, row.escalate_time = None, None, None

        return await self._change(identity, name, "acknowledge", etag, change, events_pb2.AlertAcknowledged)

    async def snooze(
        self,
        identity: Identity | None,
        name: str,
        *,
        etag: str,
        duration: timedelta | None,
        until: datetime | None,
    ) -> Alert:
        now = self.clock.now()
        if (duration is None) == (until is None):
            raise InvalidArgument.for_field(
                "snooze_duration", "须给出暂缓时长或截止时间之一 (give snooze_duration or snooze_expire_time)"
            )
        expire = now + duration if duration is not None else until
        assert expire is not None
        field = "snooze_duration" if duration is not None else "snooze_expire_time"
        if not (now < expire <= now + MAX_SNOOZE):
            raise InvalidArgument.for_field(field, "应在现在之后 30 天以内 (in the next 30 days)")

        async def change(session: AsyncSession, row: AlertRow, now: datetime) -> None:
            row.state, row.snooze_expire_time, row.next_notify_time = "STATE_SNOOZED", expire, expire

        return await self._change(identity, name, "snooze", etag, change, events_pb2.AlertSnoozed)

    async def stop(
        self,
        identity: Identity | None,
        name: str,
        *,
        etag: str,
        note: str,
        silence_until: datetime | None = None,
    ) -> Alert:
        now = self.clock.now()
        if silence_until is not None and not (now < silence_until <= now + MAX_SILENCE):
            raise InvalidArgument.for_field(
                "silence_rule_until", "应在现在之后 180 天以内 (in the next 180 days)"
            )

        async def change(session: AsyncSession, row: AlertRow, now: datetime) -> None:
            if silence_until is not None and row.customer:
                silence = await session.get(RuleSilenceRow, (row.rule_id, row.customer))
                if silence is None:
                    session.add(
                        RuleSilenceRow(
                            rule_id=row.rule_id,
                            customer=row.customer,
                            expire_time=silence_until,
                            actor=_who(identity),
                        )
                    )
                else:
                    silence.expire_time, silence.actor = silence_until, _who(identity)
                row.silence_expire_time = silence_until
            row.state, row.resolver, row.resolve_time = "STATE_STOPPED", _who(identity), now
            row.resolution_note, row.next_notify_time, row.escalate_time = note.strip(), None, None

        return await self._change(identity, name, "stop", etag, change, events_pb2.AlertStopped)

    async def resolve(self, identity: Identity | None, name: str, *, etag: str, note: str) -> Alert:
        if not note.strip():
            raise InvalidArgument.for_field(
                "resolution_note", "必填：处理说明 (required: how it was handled)"
            )

        async def change(session: AsyncSession, row: AlertRow, now: datetime) -> None:
            row.state, row.resolver, row.resolve_time = "STATE_RESOLVED", _who(identity), now
            row.resolution_note, row.next_notify_time, row.snooze_expire_time = note.strip(), None, None
            row.escalate_time = None

        return await self._change(identity, name, "resolve", etag, change, events_pb2.AlertResolved)

    async def comment(self, identity: Identity | None, parent: str, text: str) -> alert_pb2.AlertComment:
        aid = alert_id(parent, "parent")
        text = text.strip()
        if not text or len(text) > MAX_COMMENT:
            raise InvalidArgument.for_field(
                "comment.text", f"必填，最长{MAX_COMMENT}字 (required, at most {MAX_COMMENT})"
            )
        async with self.db.transaction() as session:
            await self._visible(session, identity, aid)
            row = AlertCommentRow(
                id=uuid.uuid4().hex,
                alert_id=aid,
                author=_who(identity),
                text=text,
                create_time=self.clock.now(),
            )
            session.add(row)
            self.audit.change(
                session,
                actor=identity,
                action="alerts.comment",
                resource=f"alerts/{aid}/comments/{row.id}",
                after={"text": text},
            )
            return comment_to_proto(row)

    async def comments(
        self, identity: Identity | None, parent: str, *, offset: int, limit: int
    ) -> tuple[list[alert_pb2.AlertComment], bool]:
        aid = alert_id(parent, "parent")
        async with self.db.read() as session:
            await self._visible(session, identity, aid)
            rows = list(
                await session.scalars(
                    select(AlertCommentRow)
                    .where(AlertCommentRow.alert_id == aid)
                    .order_by(AlertCommentRow.create_time, AlertCommentRow.id)
                    .offset(offset)
                    .limit(limit + 1)
                )
            )
            return [comment_to_proto(row) for row in rows[:limit]], len(rows) > limit

    async def _change(self, identity, name, action, etag, change, event_type) -> Alert:
        aid = alert_id(name)
        async with self.db.transaction() as session:
            row = await self._visible(session, identity, aid)
            etags.check(etag, row.version, "预警")
            if row.state not in _FROM[action]:
                raise FailedPrecondition(
                    f"预警当前状态为 {row.state}，不能{_VERBS[action]} (cannot {action} an alert in {row.state})",
                    reason="ALERT_STATE",
                )
            before = {"state": row.state}
            now = self.clock.now()
            await change(session, row, now)
            row.update_time, row.version = now, row.version + 1
            alert = alert_to_proto(row)
            self.events.record(session, event_type(alert=alert), resource=alert.name)
            self.audit.change(
                session,
                actor=identity,
                action=f"alerts.{action}",
                resource=alert.name,
                before=before,
                after={"state": row.state, "note": row.resolution_note},
            )
            return alert

    @staticmethod
    async def _visible(session: AsyncSession, identity: Identity | None, aid: str) -> AlertRow:
        row = await session.get(AlertRow, aid)
        if row is not None:
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            if scope.everything or _in_scope(scope, row):
                return row
        raise NotFound(f"预警 alerts/{aid} 不存在 (no such alert)")


_VERBS = {"acknowledge": "确认", "snooze": "暂缓", "stop": "停止", "resolve": "解决"}


def _who(identity: Identity | None) -> str:
    return identity.subject if identity else ""


def _scoped(scope: DataScope) -> ColumnElement[bool] | None:
    return scope.condition(AlertRow.branch, AlertRow.relationship_manager)


def _in_scope(scope: DataScope, row: AlertRow) -> bool:
    return row.branch in scope.branches or row.relationship_manager in scope.managers


def _order(order_by: str) -> list:
    if not order_by.strip():
        return [AlertRow.create_time.desc(), AlertRow.id.desc()]
    out = []
    for term in order_by.split(","):
        words = term.split()
        if not words or words[0] not in ORDERS or len(words) > 2 or (len(words) == 2 and words[1] != "desc"):
            raise InvalidArgument.for_field(
                "order_by",
                "支持 create_time、update_time、severity，可加 desc (create_time, update_time or severity, optionally desc)",
            )
        column = ORDERS[words[0]]
        out.append(column.desc() if len(words) == 2 else column.asc())
    return [*out, AlertRow.id.desc()]
