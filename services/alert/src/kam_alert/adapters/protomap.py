"""Rows ↔ messages of the alert service."""

from __future__ import annotations

import json

from kam.alert.v1 import alert_pb2
from kam_kit import etags
from kam_kit.timeconv import to_timestamp

from kam_alert.adapters.orm import AlertCommentRow, AlertRow

Alert = alert_pb2.Alert


def alert_to_proto(row: AlertRow) -> Alert:
    alert = Alert(
        name=f"alerts/{row.id}",
        rule=f"alertRules/{row.rule_id}",
        rule_version=row.rule_version,
        customer=row.customer,
        account=row.account,
        task=row.task,
        severity=alert_pb2.Severity.Value(row.severity),
        state=Alert.State.Value(row.state),
        title=row.title,
        description=row.description,
        evidence=[alert_pb2.Evidence(key=k, value=v) for k, v in json.loads(row.evidence or "[]")],
        recipients=json.loads(row.recipients or "[]"),
        transactions=json.loads(row.transactions or "[]"),
        occurrence_count=row.occurrence_count,
        notify_count=row.notify_count,
        escalation_level=row.escalation_level,
        acknowledger=row.acknowledger,
        resolver=row.resolver,
        resolution_note=row.resolution_note,
        branch=row.branch,
        etag=etags.etag_for(row.version),
    )
    for field, value in (
        ("event_time", row.event_time),
        ("create_time", row.create_time),
        ("update_time", row.update_time),
        ("last_notify_time", row.last_notify_time),
        ("next_notify_time", row.next_notify_time),
        ("snooze_expire_time", row.snooze_expire_time),
        ("silence_expire_time", row.silence_expire_time),
        ("acknowledge_time", row.acknowledge_time),
        ("resolve_time", row.resolve_time),
    ):
        if value is not None:
            getattr(alert, field).CopyFrom(to_timestamp(value))
    return alert


def comment_to_proto(row: AlertCommentRow) -> alert_pb2.AlertComment:
    return alert_pb2.AlertComment(
        name=f"alerts/{row.alert_id}/comments/{row.id}",
        text=row.text,
        author=row.author,
        create_time=to_timestamp(row.create_time),
    )
