"""The alert service's gRPC API."""

from __future__ import annotations

from kam.alert.v1 import alert_pb2
from kam.alert.v1 import alert_service_pb2 as pb
from kam.alert.v1 import alert_service_pb2_grpc as pb_grpc
from kam_kit import pagination
from kam_kit.db import Database
from kam_kit.errors import InvalidArgument
from kam_kit.filtering import parse_equalities
from kam_kit.grpcserver import current_identity
from kam_kit.protoconv import update_paths
from kam_kit.timeconv import to_timestamp

from kam_alert.service_layer.rules import FILTERS, WRITABLE, RuleService
from kam_alert.service_layer.watch import watched_count


class AlertServicer(pb_grpc.AlertServiceServicer):
    def __init__(self, db: Database, rules: RuleService, page_secret: bytes) -> None:
        self.db = db
        self.rules = rules
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
        paths = list(request.update_mask.paths)
        if not paths:  # AIP-134: every populated field (the condition set, booleans only when true)
            paths = update_paths([], message, tuple(p for p in WRITABLE if p not in _ONEOF_AND_MESSAGES))
            paths += [p for p in _ONEOF_AND_MESSAGES if message.HasField(p)]
        rule = await self.rules.update(current_identity(), message, paths, etag=message.etag)
        return pb.UpdateAlertRuleResponse(alert_rule=rule)

    async def DeleteAlertRule(
        self, request: pb.DeleteAlertRuleRequest, context
    ) -> pb.DeleteAlertRuleResponse:
        await self.rules.delete(current_identity(), request.name, etag=request.etag)
        return pb.DeleteAlertRuleResponse()

    # --- monitoring ---------------------------------------------------------------------------------------------

    async def GetMonitoringStats(
        self, request: pb.GetMonitoringStatsRequest, context
    ) -> pb.GetMonitoringStatsResponse:
        async with self.db.read() as session:
            count, latest = await watched_count(session)
        _, enabled = await self.rules.list({"enabled": True}, 0, 0)
        stats = alert_pb2.MonitoringStats(
            name="alertMonitoringStats", watched_customer_count=count, enabled_rule_count=enabled
        )
        if latest is not None:
            stats.last_event_time.CopyFrom(to_timestamp(latest))
        return pb.GetMonitoringStatsResponse(stats=stats)


#: AlertRule fields whose presence, not their value, says they were given (messages and the condition).
_ONEOF_AND_MESSAGES = tuple(
    f.name for f in alert_pb2.AlertRule.DESCRIPTOR.fields if f.message_type is not None and not f.is_repeated
)
