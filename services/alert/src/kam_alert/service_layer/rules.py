"""Alert rules (预警规则): created, read, changed, enabled and deleted through AlertService, every change a new
version (kept in ``alert_rule_versions``) and an audit record in the same transaction.

Rules are bank-wide configuration: reading them needs ``alert_rules.read``, changing them ``alert_rules.manage``
(both checked by the gRPC layer from the protos); they carry no customer data, so no data scope applies. A new
installation starts with the shipped rules (:func:`kam_alert.domain.rules.shipped_rules`), added once when the
table is empty.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from google.protobuf import json_format
from kam.alert.v1 import alert_pb2
from kam_kit import etags
from kam_kit.audit import AuditTrail
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.db import Database, earlier_request
from kam_kit.errors import InvalidArgument, NotFound
from kam_kit.filtering import boolean
from kam_kit.timeconv import to_timestamp
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_alert.adapters.orm import AlertRuleRow, AlertRuleVersionRow
from kam_alert.domain import rules as domain

AlertRule = alert_pb2.AlertRule
SERVICE = "alert"
#: What an update may change (top-level AlertRule fields; a condition is replaced whole).
WRITABLE = (
    "display_name",
    *domain.KINDS,
    "severity",
    "tiers",
    "org_units",
    "customer_type",
    "recipients",
    "repeat_interval",
    "max_notify_count",
    "quiet_hours",
    "escalation",
    "customer_message_template",
    "enabled",
)
_OUTPUT_ONLY = ("name", "create_time", "update_time", "creator", "etag", "version")


def _kind(value: str) -> str:
    if value not in domain.KINDS:
        raise ValueError(f"未知的规则类型 (unknown kind; one of {', '.join(domain.KINDS)})")
    return value


def _severity(value: str) -> str:
    if value not in alert_pb2.Severity.DESCRIPTOR.values_by_name or value == "SEVERITY_UNSPECIFIED":
        raise ValueError("应为 SEVERITY_LOW、SEVERITY_MEDIUM、SEVERITY_HIGH 或 SEVERITY_CRITICAL")
    return value


#: ListAlertRules' filter fields (AIP-160 equalities).
FILTERS = {"enabled": boolean, "severity": _severity, "kind": _kind}


def rule_id(name: str, field: str = "name") -> str:
    prefix, _, rest = name.partition("/")
    if prefix != "alertRules" or not rest or "/" in rest:
        raise InvalidArgument.for_field(field, "应为 alertRules/{规则} (alertRules/{alert_rule})")
    return rest


def _definition(rule: AlertRule) -> str:
    """The rule as stored: its JSON without the output-only fields."""
    data = AlertRule()
    data.CopyFrom(rule)
    for field in _OUTPUT_ONLY:
        data.ClearField(field)
    return json_format.MessageToJson(data, indent=None, sort_keys=True)


def to_proto(row: AlertRuleRow) -> AlertRule:
    rule = json_format.Parse(row.definition, AlertRule())
    rule.name = f"alertRules/{row.id}"
    rule.version = row.version
    rule.creator = row.creator
    rule.etag = etags.etag_for(row.version)
    rule.create_time.CopyFrom(to_timestamp(row.create_time))
    rule.update_time.CopyFrom(to_timestamp(row.update_time))
    return rule


@dataclass
class RuleService:
    db: Database
    clock: Clock

    def __post_init__(self) -> None:
        self.audit = AuditTrail(SERVICE, self.clock)

    # --- reads --------------------------------------------------------------------------------------------------

    async def get(self, name: str) -> AlertRule:
        async with self.db.read() as session:
            return to_proto(await self._row(session, rule_id(name)))

    async def list(self, filters: dict[str, object], offset: int, limit: int) -> tuple[list[AlertRule], int]:
        conditions = []
        if "enabled" in filters:
            conditions.append(AlertRuleRow.enabled == filters["enabled"])
        if "severity" in filters:
            conditions.append(AlertRuleRow.severity == filters["severity"])
        if "kind" in filters:
            conditions.append(AlertRuleRow.kind == filters["kind"])
        async with self.db.read() as session:
            rows = await session.scalars(
                select(AlertRuleRow)
                .where(*conditions)
                .order_by(AlertRuleRow.create_time, AlertRuleRow.id)
                .offset(offset)
                .limit(limit)
            )
            total = await session.scalar(select(func.count()).select_from(AlertRuleRow).where(*conditions))
            return [to_proto(row) for row in rows], int(total or 0)

    async def versions(self, name: str) -> list[AlertRule]:
        """Every version of a rule, newest first."""
        rid = rule_id(name)
        async with self.db.read() as session:
            row = await self._row(session, rid)
            history = await session.scalars(
                select(AlertRuleVersionRow)
                .where(AlertRuleVersionRow.rule_id == rid)
                .order_by(AlertRuleVersionRow.version.desc())
            )
            out = []
            for version in history:
                rule = json_format.Parse(version.definition, AlertRule())
                rule.name, rule.version = f"alertRules/{rid}", version.version
                rule.update_time.CopyFrom(to_timestamp(version.change_time))
                rule.creator = row.creator
                out.append(rule)
            return out

    # --- writes -------------------------------------------------------------------------------------------------

    async def create(self, identity: Identity | None, rule: AlertRule, *, request_id: str = "") -> AlertRule:
        v = domain.problems(rule)
        v.request_id(request_id)
        v.raise_if_any()
        async with self.db.transaction() as session:
            existing = await earlier_request(session, AlertRuleRow, request_id)
            if existing is not None:
                return to_proto(existing)
            row = self._new_row(rule, identity, request_id=request_id or None)
            session.add(row)
            self._keep_version(session, row, identity)
            self.audit.change(
                session,
                actor=identity,
                action="alertRules.create",
                resource=f"alertRules/{row.id}",
                after=json.loads(row.definition),
            )
            await session.flush()
            return to_proto(row)

    async def update(
        self, identity: Identity | None, rule: AlertRule, paths: list[str], *, etag: str
    ) -> AlertRule:
        rid = rule_id(rule.name, "alert_rule.name")
        bad = [p for p in paths if p.split(".")[0] not in WRITABLE]
        if bad:
            raise InvalidArgument.for_field("update_mask", f"不可修改的字段 (not writable): {', '.join(bad)}")
        async with self.db.transaction() as session:
            row = await self._row(session, rid)
            etags.check(etag, row.version, "预警规则")
            if not paths:
                return to_proto(row)
            merged = json_format.Parse(row.definition, AlertRule())
            for path in {p.split(".")[0] for p in paths}:
                if path in domain.KINDS:  # the condition is replaced whole (one of the oneof)
                    merged.ClearField(path)
                    if rule.HasField(path):
                        getattr(merged, path).CopyFrom(getattr(rule, path))
                elif merged.DESCRIPTOR.fields_by_name[path].is_repeated:
                    field = getattr(merged, path)
                    del field[:]
                    field.extend(getattr(rule, path))
                elif merged.DESCRIPTOR.fields_by_name[path].message_type is not None:
                    merged.ClearField(path)
                    if rule.HasField(path):
                        getattr(merged, path).CopyFrom(getattr(rule, path))
                else:
                    setattr(merged, path, getattr(rule, path))
            domain.problems(merged).raise_if_any()
            before = json.loads(row.definition)
            definition = _definition(merged)
            if definition == row.definition:
                return to_proto(row)
            row.definition, row.display_name = definition, merged.display_name.strip()
            row.kind, row.enabled = domain.kind(merged), merged.enabled
            row.severity = alert_pb2.Severity.Name(merged.severity)
            row.version += 1
            row.update_time = self.clock.now()
            self._keep_version(session, row, identity)
            self.audit.change(
                session,
                actor=identity,
                action="alertRules.update",
                resource=f"alertRules/{rid}",
                before=before,
                after=json.loads(definition),
            )
            await session.flush()
            return to_proto(row)

    async def delete(self, identity: Identity | None, name: str, *, etag: str) -> None:
        rid = rule_id(name)
        async with self.db.transaction() as session:
            row = await self._row(session, rid)
            etags.check(etag, row.version, "预警规则")
            self.audit.change(
                session,
                actor=identity,
                action="alertRules.delete",
                resource=f"alertRules/{rid}",
                before=json.loads(row.definition),
            )
            await session.delete(row)  # its versions stay: alerts it raised still name them

    async def install_shipped(self) -> int:
        """Adds the shipped rules when there are none (a new installation); returns how many were added."""
        async with self.db.transaction() as session:
            if await session.scalar(select(func.count()).select_from(AlertRuleRow)):
                return 0
            rules = domain.shipped_rules()
            for rule in rules:
                row = self._new_row(rule, None, request_id=None)
                session.add(row)
                self._keep_version(session, row, None)
            return len(rules)

    # --- helpers ------------------------------------------------------------------------------------------------

    @staticmethod
    async def _row(session: AsyncSession, rid: str) -> AlertRuleRow:
        row = await session.get(AlertRuleRow, rid)
        if row is None:
            raise NotFound(f"预警规则 alertRules/{rid} 不存在 (no such alert rule)")
        return row

    def _new_row(self, rule: AlertRule, identity: Identity | None, *, request_id: str | None) -> AlertRuleRow:
        now = self.clock.now()
        return AlertRuleRow(
            id=uuid.uuid4().hex[:16],
            display_name=rule.display_name.strip(),
            kind=domain.kind(rule),
            severity=alert_pb2.Severity.Name(rule.severity),
            enabled=rule.enabled,
            definition=_definition(rule),
            version=1,
            creator=identity.subject if identity else "",
            request_id=request_id,
            create_time=now,
            update_time=now,
        )

    def _keep_version(self, session: AsyncSession, row: AlertRuleRow, identity: Identity | None) -> None:
        session.add(
            AlertRuleVersionRow(
                rule_id=row.id,
                version=row.version,
                definition=row.definition,
                actor=identity.subject if identity else "",
                change_time=row.update_time,
            )
        )
