"""The alert service's gRPC API."""

from __future__ import annotations

from datetime import timedelta

from kam.alert.v1 import alert_pb2
from kam.alert.v1 import alert_service_pb2 as pb
from kam.alert.v1 import alert_service_pb2_grpc as pb_grpc
from kam_kit import pagination
from kam_kit.db import Database
from kam_kit.errors import InvalidArgument
from kam_kit.filtering import parse_equalities
from kam_kit.grpcserver import current_identity
from kam_kit.protoconv import timestamp_value, update_paths
from kam_kit.timeconv import to_timestamp

from kam_alert.service_layer.alerts import COMPARABLE, AlertService
from kam_alert.service_layer.alerts import FILTERS as ALERT_FILTERS
from kam_alert.service_layer.backtest import Backtester
from kam_alert.service_layer.monitor import Monitor
from kam_alert.service_layer.rules import FILTERS, WRITABLE, RuleService
from kam_alert.service_layer.watch import watched_count


class AlertServicer(pb_grpc.AlertServiceServicer):
    def __init__(
        self,
        db: Database,
        rules: RuleService,
        alerts: AlertService,
        page_secret: bytes,
        monitor: Monitor | None = None,
    ) -> None:
        self.db = db
        self.monitor = monitor
        self.backtester = Backtester(db, alerts.clock)
        self.rules = rules
        self.alerts = alerts
        self.pages = pagination.OffsetPages(page_secret)

    # --- rules --------------------------------------------------------------------------------------------------

    async def CreateAlertRule(
        self, request: pb.CreateAlertRuleRequest, context
    ) -> pb.CreateAlertRuleResponse:
        if not request.HasField("alert_rule"):
            raise InvalidArgument.for_field("alert_rule", "必填 (required)")
        rule = await self.rules.create(current_identity(), request.alert_rule, request_id=request.request_id)
        return pb.CreateAlertRuleResponse(alert_rule=rule)

    async def GetAlertRule(self, request: pb.GetAlertRuleRequest, context) -> pb.GetAlertRuleResponse:
        return pb.GetAlertRuleResponse(alert_rule=await self.rules.get(request.name))

    async def ListAlertRules(self, request: pb.ListAlertRulesRequest, context) -> pb.ListAlertRulesResponse:
        size = pagination.page_size(request.page_size, maximum=500)
        filters = parse_equalities(request.filter, FILTERS)
        offset = self.pages.offset(request.page_token, request.filter)
        rules, total = await self.rules.list(filters, offset, size)
        return pb.ListAlertRulesResponse(
            alert_rules=rules,
            next_page_token=self.pages.next(offset, len(rules), offset + len(rules) < total, request.filter),
        )

    async def UpdateAlertRule(
        self, request: pb.UpdateAlertRuleRequest, context
    ) -> pb.UpdateAlertRuleResponse:
        if not request.HasField("alert_rule"):
            raise InvalidArgument.for_field("alert_rule", "必填 (required)")
        message = request.alert_rule
        paths = update_paths(list(request.update_mask.paths), message, WRITABLE)  # AIP-134
        rule = await self.rules.update(current_identity(), message, paths, etag=message.etag)
        return pb.UpdateAlertRuleResponse(alert_rule=rule)

    async def DeleteAlertRule(
        self, request: pb.DeleteAlertRuleRequest, context
    ) -> pb.DeleteAlertRuleResponse:
        await self.rules.delete(current_identity(), request.name, etag=request.etag)
        return pb.DeleteAlertRuleResponse()

    async def BacktestAlertRule(
        self, request: pb.BacktestAlertRuleRequest, context
    ) -> pb.BacktestAlertRuleResponse:
        if not request.HasField("alert_rule"):
            raise InvalidArgument.for_field("alert_rule", "必填 (required)")
        return await self.backtester.run(request.alert_rule, request.days)

    # --- alerts -------------------------------------------------------------------------------------------------

    async def GetAlert(self, request: pb.GetAlertRequest, context) -> pb.GetAlertResponse:
        return pb.GetAlertResponse(alert=await self.alerts.get(current_identity(), request.name))

    async def ListAlerts(self, request: pb.ListAlertsRequest, context) -> pb.ListAlertsResponse:
        size = pagination.page_size(request.page_size, maximum=500)
        filters = parse_equalities(request.filter, ALERT_FILTERS, COMPARABLE)
        bound = f"{request.filter}|{request.order_by}"
        offset = self.pages.offset(request.page_token, bound)
        alerts, total = await self.alerts.list(
            current_identity(), filters, order_by=request.order_by, offset=offset, limit=size
        )
        return pb.ListAlertsResponse(
            alerts=alerts,
            next_page_token=self.pages.next(offset, len(alerts), offset + len(alerts) < total, bound),
            total_size=total,
        )

    async def AcknowledgeAlert(
        self, request: pb.AcknowledgeAlertRequest, context
    ) -> pb.AcknowledgeAlertResponse:
        alert = await self.alerts.acknowledge(current_identity(), request.name, etag=request.etag)
        return pb.AcknowledgeAlertResponse(alert=alert)

    async def SnoozeAlert(self, request: pb.SnoozeAlertRequest, context) -> pb.SnoozeAlertResponse:
        duration = (
            duration_value(request.snooze_duration, "snooze_duration")
            if request.HasField("snooze_duration")
            else None
        )
        until = (
            timestamp_value(request.snooze_expire_time, "snooze_expire_time")
            if request.HasField("snooze_expire_time")
            else None
        )
        alert = await self.alerts.snooze(
            current_identity(), request.name, etag=request.etag, duration=duration, until=until
        )
        return pb.SnoozeAlertResponse(alert=alert)

    async def StopAlert(self, request: pb.StopAlertRequest, context) -> pb.StopAlertResponse:
        until = (
            timestamp_value(request.silence_rule_until, "silence_rule_until")
            if request.HasField("silence_rule_until")
            else None
        )
        alert = await self.alerts.stop(
            current_identity(),
            request.name,
            etag=request.etag,
            note=request.resolution_note,
            silence_until=until,
        )
        return pb.StopAlertResponse(alert=alert)

    async def ResolveAlert(self, request: pb.ResolveAlertRequest, context) -> pb.ResolveAlertResponse:
        alert = await self.alerts.resolve(
            current_identity(), request.name, etag=request.etag, note=request.resolution_note
        )
        return pb.ResolveAlertResponse(alert=alert)

    async def CreateAlertComment(
        self, request: pb.CreateAlertCommentRequest, context
    ) -> pb.CreateAlertCommentResponse:
        comment = await self.alerts.comment(current_identity(), request.parent, request.comment.text)
        return pb.CreateAlertCommentResponse(comment=comment)

    async def ListAlertComments(
        self, request: pb.ListAlertCommentsRequest, context
    ) -> pb.ListAlertCommentsResponse:
        size = pagination.page_size(request.page_size, maximum=500)
        offset = self.pages.offset(request.page_token, request.parent)
        comments, more = await self.alerts.comments(
            current_identity(), request.parent, offset=offset, limit=size
        )
        return pb.ListAlertCommentsResponse(
            comments=comments, next_page_token=self.pages.next(offset, len(comments), more, request.parent)
        )

    # --- monitoring ---------------------------------------------------------------------------------------------

    async def GetMonitoringStats(
        self, request: pb.GetMonitoringStatsRequest, context
    ) -> pb.GetMonitoringStatsResponse:
        async with self.db.read() as session:
            count, latest = await watched_count(session)
        _, enabled = await self.rules.list({"enabled": True}, 0, 0)
        _, open_alerts = await self.alerts.list(None, {"state": "STATE_OPEN"}, order_by="", offset=0, limit=0)
        stats = alert_pb2.MonitoringStats(
            name="alertMonitoringStats",
            watched_customer_count=count,
            enabled_rule_count=enabled,
            open_alert_count=open_alerts,
            evaluated_transaction_count=self.monitor.evaluated if self.monitor else 0,
        )
        if latest is not None:
            stats.last_event_time.CopyFrom(to_timestamp(latest))
        return pb.GetMonitoringStatsResponse(stats=stats)


def duration_value(message, field: str) -> timedelta:
    """A ``google.protobuf.Duration`` as a timedelta; INVALID_ARGUMENT naming ``field`` when negative or huge."""
    if message.seconds < 0 or message.nanos < 0 or message.seconds > 10 * 366 * 86_400:
        raise InvalidArgument.for_field(field, "时长无效 (invalid duration)")
    return timedelta(seconds=message.seconds, microseconds=message.nanos // 1000)
