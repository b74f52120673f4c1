"""Messages to customers (客户消息): the service's copy of key customers, their consent, and messages rendered from a
template — to one customer by staff or at an alert rule's request, or as a bulletin to a segment.

Each message is a delivery (kam_notice.service_layer.deliveries) sent by the same dispatcher with the same retries.
Before one is queued, the rules below decide; a message that may not go is recorded ``SUPPRESSED`` with the
reason, so staff see what was not sent and why:

- greetings and news (marketing) need the customer's opt-in for the channel; relationship messages (maturity
  notices, confirmations) do not (the bank owes them);
- no address for the channel (phone for SMS, e-mail) or no provider configured for it;
- the frequency cap: at most :attr:`Policy.daily_cap` marketing messages per customer a day and
  :attr:`Policy.weekly_cap` in seven days (suppressed ones do not count);
- quiet hours (bank time) hold marketing until they end; relationship messages go at once.

Scope: staff reach only customers in their data scope (a customer outside it reads as ``NOT_FOUND``, and a
bulletin's segment is cut to it). Names in previews and delivery records are masked; the rendered text keeps
only the masked name.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from kam.customer.v1 import customer_pb2
from kam.notice.v1 import notice_pb2
from kam_kit import etags, orgtree, pagination
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.db import Database, earlier_request
from kam_kit.errors import InvalidArgument, NotFound, Validator
from kam_kit.events import EventMeta
from kam_kit.projection import newer_row
from kam_kit.scope import ORG_PREFIX, DataScope, descendants
from kam_kit.timeconv import from_timestamp, to_timestamp
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_notice.adapters.orm import (
    BulletinRow,
    CustomerConsentRow,
    CustomerCopy,
    DeliveryRow,
    OrgUnitCopy,
    TemplateRow,
    UserCopy,
)
from kam_notice.domain import is_id
from kam_notice.domain import templates as template_rules
from kam_notice.service_layer.deliveries import (
    BANK_TZ,
    PENDING,
    SUPPRESSED,
    Deliveries,
    in_quiet_hours,
    shown_name,
)
from kam_notice.service_layer.templates import template_row

Customer = customer_pb2.Customer
Template = notice_pb2.Template
CUSTOMER_PREFIX = "customers/"
BULLETIN_PREFIX = "bulletins/"
CONSENT_WRITABLE = ("sms_opt_in", "email_opt_in", "source")
MARKETING = (Template.CATEGORY_GREETING, Template.CATEGORY_NEWS)
#: Who sees every bulletin (administrators and compliance); anyone else sees their own.
SEE_ALL = "audit.read"
MAX_SEGMENT_VALUES = 100
CHANNEL_NAMES = {notice_pb2.CHANNEL_SMS: "短信", notice_pb2.CHANNEL_EMAIL: "邮件"}


@dataclass(frozen=True)
class Policy:
    """The limits on messages to customers (``KAM_NOTICE_CUSTOMER_*``, docs/operations.md): greetings and news
    per customer per calendar day (bank time) and per seven days."""

    daily_cap: int = 1
    weekly_cap: int = 3
    #: quiet hours, minutes after midnight bank time (21:00–08:00)
    quiet_start: int = 21 * 60
    quiet_end: int = 8 * 60
    bank_name: str = "本行"


@dataclass(frozen=True)
class Decision:
    """Whether one message may go now: its address, or why not."""

    address: str
    reason: str = ""
    held_until: datetime | None = None


class CustomerMessages:
    def __init__(
        self, db: Database, clock: Clock, page_secret: bytes, deliveries: Deliveries, policy: Policy
    ) -> None:
        self.db = db
        self.clock = clock
        self.deliveries = deliveries
        self.policy = policy
        self.pages = pagination.OffsetPages(page_secret)

    # --- the copy of customers, from customer events -----------------------------------------------------------

    async def on_customer(self, session: AsyncSession, event, meta: EventMeta) -> None:
        customer = event.customer
        updated = from_timestamp(customer.update_time)
        row = await newer_row(session, CustomerCopy, customer.name, updated)
        if row is None:
            return  # an older version arriving late changes nothing
        row.display_name = customer.display_name[:200]
        row.type = Customer.Type.Name(customer.type).removeprefix("TYPE_")
        row.tier = customer.tier
        row.branch = customer.branch
        row.relationship_manager = customer.relationship_manager
        row.phone = customer.phone[:32]
        row.email = customer.email[:320]
        row.update_time = updated

    async def on_tier_changed(self, session: AsyncSession, event, meta: EventMeta) -> None:
        """``TierChanged``: the copy's tier (grading comes after a customer is created, so a tier arrives here)."""
        row = await session.get(CustomerCopy, event.customer) if event.customer else None
        if row is not None:
            row.tier = event.tier

    async def on_customer_deleted(self, session: AsyncSession, event, meta: EventMeta) -> None:
        row = await session.get(CustomerCopy, event.customer)
        if row is not None:
            await session.delete(row)

    # --- consent -----------------------------------------------------------------------------------------------

    async def get_consent(self, identity: Identity, name: str) -> notice_pb2.CustomerConsent:
        customer = _consent_owner(name, "name")
        async with self.db.read() as session:
            await _customer(session, identity, customer)
            return _consent_proto(customer, await session.get(CustomerConsentRow, customer))

    async def update_consent(
        self, identity: Identity, message: notice_pb2.CustomerConsent, paths: Sequence[str]
    ) -> notice_pb2.CustomerConsent:
        customer = _consent_owner(message.name, "customer_consent.name")
        unknown = sorted(set(paths) - set(CONSENT_WRITABLE))
        if unknown:
            raise InvalidArgument.for_field(
                "update_mask", f"不能修改 {', '.join(unknown)} (updatable: {', '.join(CONSENT_WRITABLE)})"
            )
        v = Validator()
        if "source" in paths:
            v.check(
                len(message.source) <= 200 and "\x00" not in message.source,
                "customer_consent.source",
                "最长 200 字，不含空字符 (at most 200, no NUL)",
            )
        v.raise_if_any()
        async with self.db.transaction() as session:
            await _customer(session, identity, customer)
            row = await session.get(CustomerConsentRow, customer, with_for_update=True)
            if row is None:
                etags.check(message.etag, 0, "客户通知授权")
                row = CustomerConsentRow(customer=customer, sms_opt_in=False, email_opt_in=False, version=0)
                session.add(row)
            else:
                etags.check(message.etag, row.version, "客户通知授权")
            for path in paths:
                setattr(row, path, getattr(message, path))
            row.version += 1
            row.update_time = self.clock.now()
            return _consent_proto(customer, row)

    # --- one message -------------------------------------------------------------------------------------------

    async def send(
        self,
        identity: Identity,
        customer: str,
        template: str,
        variables: Mapping[str, str],
        request_id: str = "",
    ) -> notice_pb2.Delivery:
        """A message from staff to one customer in their scope."""
        v = Validator()
        _check_variables(v, "variables", variables)
        v.request_id(request_id)
        v.raise_if_any()
        _customer_id(customer, "customer")
        async with self.db.transaction() as session:
            copy = await _customer(session, identity, customer)
            row = await template_row(session, template, "template")
            key = f"{customer}|{row.channel}|request:{request_id or uuid.uuid4().hex}"[:300]
            existing = await session.scalar(select(DeliveryRow).where(DeliveryRow.key == key))
            if existing is not None:
                return await self.deliveries.proto(session, existing)
            context = await _Context.load(session, [copy])
            made = await self._queue(
                session, row, [copy], dict(variables), context, key=lambda _: key, trigger=identity.subject
            )
            return await self.deliveries.proto(session, made[0])

    async def on_requested(self, session: AsyncSession, event, meta: EventMeta) -> None:
        """An alert rule's greeting or notice (``CustomerMessageRequested``): queued once per alert, however often
        the event comes."""
        template_id = event.template.removeprefix("templates/")
        row = await session.get(TemplateRow, template_id) if is_id(template_id) else None
        copy = await session.get(CustomerCopy, event.customer)
        if row is None or copy is None:
            return  # a template deleted since, or a customer this service has not heard of: nothing to send
        key = f"{event.customer}|{row.channel}|{event.alert or meta.event_id}"[:300]
        if await session.scalar(select(DeliveryRow.id).where(DeliveryRow.key == key)) is not None:
            return
        values = {
            k: str(value) for k, value in dict(event.variables).items() if k in template_rules.VARIABLES
        }
        context = await _Context.load(session, [copy])
        await self._queue(session, row, [copy], values, context, key=lambda _: key, trigger=event.alert)

    # --- bulletins ---------------------------------------------------------------------------------------------

    async def preview(
        self, identity: Identity, bulletin: notice_pb2.Bulletin, page_size: int, page_token: str
    ) -> tuple[list[notice_pb2.BulletinRecipient], str, int, int, int]:
        _check_bulletin(bulletin)
        fingerprint = bulletin.SerializeToString(deterministic=True).hex()
        offset = self.pages.offset(page_token, fingerprint)
        size = pagination.page_size(page_size, maximum=500)
        async with self.db.read() as session:
            row = await template_row(session, bulletin.template, "bulletin.template")
            copies = await self._segment(session, identity, bulletin.segment)
            decisions = await self._decide(session, row, copies)
        excluded = sum(1 for d in decisions.values() if d.reason)
        page = copies[offset : offset + size]
        items = [
            notice_pb2.BulletinRecipient(
                customer=c.customer,
                display_name=shown_name(c.display_name, c.type),
                tier=c.tier,
                branch=c.branch,
                included=not decisions[c.customer].reason,
                exclude_reason=decisions[c.customer].reason,
            )
            for c in page
        ]
        token = self.pages.next(offset, len(items), offset + len(items) < len(copies), fingerprint)
        return items, token, len(copies), len(copies) - excluded, excluded

    async def create_bulletin(
        self, identity: Identity, bulletin: notice_pb2.Bulletin, request_id: str, validate_only: bool
    ) -> notice_pb2.Bulletin:
        _check_bulletin(bulletin)
        v = Validator()
        v.request_id(request_id)
        v.raise_if_any()
        now = self.clock.now()
        async with self.db.transaction() as session:
            existing = await earlier_request(session, BulletinRow, request_id)
            if existing is not None:
                return await _bulletin_proto(session, existing)
            template = await template_row(session, bulletin.template, "bulletin.template")
            copies = await self._segment(session, identity, bulletin.segment)
            row = BulletinRow(
                id=uuid.uuid4().hex,
                template_id=template.id,
                segment=json.dumps(_segment_dict(bulletin.segment), ensure_ascii=False),
                variables=json.dumps(dict(bulletin.variables), ensure_ascii=False),
                sender=identity.subject,
                recipient_count=len(copies),
                included_count=0,
                excluded_count=0,
                create_time=now,
                request_id=request_id or None,
            )
            if validate_only:
                decisions = await self._decide(session, template, copies)
                row.excluded_count = sum(1 for d in decisions.values() if d.reason)
                row.included_count = len(copies) - row.excluded_count
                checked = _bulletin_message(row, template)
                checked.ClearField("name")  # nothing was made
                return checked
            name = f"{BULLETIN_PREFIX}{row.id}"
            context = await _Context.load(session, copies)
            made = await self._queue(
                session,
                template,
                copies,
                dict(bulletin.variables),
                context,
                key=lambda c: f"{c.customer}|{template.channel}|{name}"[:300],
                trigger=name,
            )
            row.excluded_count = sum(1 for d in made if d.state == SUPPRESSED)
            row.included_count = len(made) - row.excluded_count
            session.add(row)
            return _bulletin_message(row, template)

    async def get_bulletin(self, identity: Identity, name: str) -> notice_pb2.Bulletin:
        async with self.db.read() as session:
            bulletin_id = name.removeprefix(BULLETIN_PREFIX)
            if not name.startswith(BULLETIN_PREFIX) or not bulletin_id or "/" in bulletin_id:
                raise InvalidArgument.for_field("name", "应为 bulletins/{bulletin} (expected bulletins/{id})")
            row = await session.get(BulletinRow, bulletin_id) if is_id(bulletin_id) else None
            if row is None or not (identity.can(SEE_ALL) or row.sender == identity.subject):
                raise NotFound(f"没有这次群发 (no such bulletin): {name}")
            return await _bulletin_proto(session, row)

    async def list_bulletins(
        self, identity: Identity, page_size: int, page_token: str
    ) -> tuple[list[notice_pb2.Bulletin], str, int]:
        conditions = [] if identity.can(SEE_ALL) else [BulletinRow.sender == identity.subject]
        order = (BulletinRow.create_time.desc(), BulletinRow.id)
        async with self.db.read() as session:
            rows, token, total = await self.pages.rows(
                session, BulletinRow, conditions, order, token=page_token, bound_to="", requested=page_size
            )
            templates = {
                t.id: t
                for t in await session.scalars(
                    select(TemplateRow).where(TemplateRow.id.in_({r.template_id for r in rows}))
                )
            }
        return [_bulletin_message(r, templates.get(r.template_id)) for r in rows], token, total

    # --- the rules ---------------------------------------------------------------------------------------------

    async def _segment(
        self, session: AsyncSession, identity: Identity, segment: notice_pb2.CustomerSegment
    ) -> list[CustomerCopy]:
        """The segment's customers within the caller's scope, by name."""
        scope: DataScope = await orgtree.scope_of(session, identity, OrgUnitCopy)
        conditions = []
        visible = scope.condition(CustomerCopy.branch, CustomerCopy.relationship_manager)
        if visible is not None:
            conditions.append(visible)
        if segment.tiers:
            conditions.append(CustomerCopy.tier.in_(list(segment.tiers)))
        if segment.types:
            conditions.append(CustomerCopy.type.in_(list(segment.types)))
        if segment.relationship_managers:
            conditions.append(CustomerCopy.relationship_manager.in_(await _managers(session, segment)))
        if segment.org_units:
            parents = dict((await session.execute(select(OrgUnitCopy.id, OrgUnitCopy.parent_id))).all())
            units = set()
            for unit in segment.org_units:
                units |= descendants(unit.removeprefix(ORG_PREFIX), parents)
            conditions.append(CustomerCopy.branch.in_([ORG_PREFIX + u for u in units]))
        return list(
            await session.scalars(select(CustomerCopy).where(*conditions).order_by(CustomerCopy.customer))
        )

    async def _decide(
        self, session: AsyncSession, template: TemplateRow, copies: Sequence[CustomerCopy]
    ) -> dict[str, Decision]:
        """For each customer: the address the message would go to now, or why it may not go."""
        channel = template.channel
        marketing = template.category in MARKETING
        names = [c.customer for c in copies]
        consents: dict[str, CustomerConsentRow] = {}
        sent: dict[str, tuple[int, int]] = {}
        now = self.clock.now()
        if marketing and names:
            consents = {
                r.customer: r
                for r in await session.scalars(
                    select(CustomerConsentRow).where(CustomerConsentRow.customer.in_(names))
                )
            }
            day = datetime.combine(now.astimezone(BANK_TZ).date(), time(0), BANK_TZ)  # today, bank time
            rows = await session.execute(
                select(
                    DeliveryRow.recipient,
                    func.count(),
                    func.count().filter(DeliveryRow.create_time >= day),
                )
                .where(
                    DeliveryRow.recipient.in_(names),
                    DeliveryRow.marketing.is_(True),
                    DeliveryRow.state != SUPPRESSED,
                    DeliveryRow.create_time > now - timedelta(days=7),
                )
                .group_by(DeliveryRow.recipient)
            )
            sent = {recipient: (int(week), int(today)) for recipient, week, today in rows.all()}
        held = in_quiet_hours(now, self.policy.quiet_start, self.policy.quiet_end) if marketing else None
        kind = CHANNEL_NAMES.get(channel, "")
        decisions: dict[str, Decision] = {}
        for copy in copies:
            address = copy.phone if channel == notice_pb2.CHANNEL_SMS else copy.email
            consent = consents.get(copy.customer)
            opted_in = consent is not None and (
                consent.sms_opt_in if channel == notice_pb2.CHANNEL_SMS else consent.email_opt_in
            )
            week, today = sent.get(copy.customer, (0, 0))
            if channel not in self.deliveries.senders:
                reason = f"未配置{kind}服务 (no provider for this channel)"
            elif not address:
                reason = "无手机号 (no phone)" if channel == notice_pb2.CHANNEL_SMS else "无邮箱 (no e-mail)"
            elif marketing and not opted_in:
                reason = f"客户未授权{kind}营销 (no opt-in)"
            elif marketing and (today >= self.policy.daily_cap or week >= self.policy.weekly_cap):
                reason = "已达发送频次上限 (frequency cap reached)"
            else:
                reason = ""
            decisions[copy.customer] = Decision(address, reason, held)
        return decisions

    async def _queue(
        self,
        session: AsyncSession,
        template: TemplateRow,
        copies: Sequence[CustomerCopy],
        variables: dict[str, str],
        context: _Context,
        *,
        key,
        trigger: str,
    ) -> list[DeliveryRow]:
        """A delivery per customer: pending, or suppressed with the reason."""
        decisions = await self._decide(session, template, copies)
        now = self.clock.now()
        today = now.astimezone(BANK_TZ).date().isoformat()
        made = []
        for copy in copies:
            decision = decisions[copy.customer]
            values = {
                "customer_name": copy.display_name,
                "salutation": f"尊敬的{copy.display_name}",
                "date": today,
                "bank_name": self.policy.bank_name,
                **context.of(copy),
                **{k: v for k, v in variables.items() if v},
            }
            row = DeliveryRow(
                id=uuid.uuid4().hex,
                key=key(copy),
                channel=template.channel,
                recipient=copy.customer,
                address=decision.address,
                content_source=f"templates/{template.id}",
                subject=template_rules.render(template.subject, values)[:300],
                body=template_rules.render(template.body, values),
                importance=0,
                state=SUPPRESSED if decision.reason else PENDING,
                attempts=0,
                next_attempt_time=None if decision.reason else (decision.held_until or now),
                last_error="",
                create_time=now,
                update_time=now,
                trigger=trigger,
                suppress_reason=decision.reason,
                marketing=template.category in MARKETING,
            )
            session.add(row)
            if decision.reason:
                self.deliveries.finished(session, row)
            made.append(row)
        return made


@dataclass
class _Context:
    """Per-customer values from the service's copies: the relationship manager's name and phone, the branch."""

    managers: dict[str, UserCopy]
    branches: dict[str, str]

    @classmethod
    async def load(cls, session: AsyncSession, copies: Iterable[CustomerCopy]) -> _Context:
        copies = list(copies)
        names = {c.relationship_manager for c in copies if c.relationship_manager}
        codes = {n.removeprefix("staff/") for n in names if n.startswith("staff/")}
        managers: dict[str, UserCopy] = {}
        if names:
            for user in await session.scalars(
                select(UserCopy).where(or_(UserCopy.name.in_(names), UserCopy.staff_code.in_(codes)))
            ):
                managers[user.name] = user
                if user.staff_code:
                    managers[f"staff/{user.staff_code}"] = user
        units = {c.branch.removeprefix(ORG_PREFIX) for c in copies if c.branch}
        branches = dict(
            (
                await session.execute(
                    select(OrgUnitCopy.id, OrgUnitCopy.display_name).where(OrgUnitCopy.id.in_(units))
                )
            )
            .tuples()
            .all()
        )
        return cls(managers, branches)

    def of(self, copy: CustomerCopy) -> dict[str, str]:
        values = {}
        manager = self.managers.get(copy.relationship_manager)
        if manager is not None:
            values["rm_name"] = manager.display_name
            values["rm_phone"] = manager.phone
        branch = self.branches.get(copy.branch.removeprefix(ORG_PREFIX))
        if branch:
            values["branch_name"] = branch
        return values


def _customer_id(name: str, field: str) -> str:
    customer_id = name.removeprefix(CUSTOMER_PREFIX)
    if not name.startswith(CUSTOMER_PREFIX) or not customer_id or "/" in customer_id or "\x00" in name:
        raise InvalidArgument.for_field(field, "应为 customers/{customer} (expected customers/{id})")
    return customer_id


def _consent_owner(name: str, field: str) -> str:
    if not name.endswith("/consent"):
        raise InvalidArgument.for_field(field, "应为 customers/{customer}/consent")
    customer = name.removesuffix("/consent")
    _customer_id(customer, field)
    return customer


async def _customer(session: AsyncSession, identity: Identity, customer: str) -> CustomerCopy:
    """The customer if the caller may reach them; ``NOT_FOUND`` otherwise (out of scope reads as absent)."""
    row = await session.get(CustomerCopy, customer) if len(customer) <= 128 else None
    if row is not None:
        scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
        if scope.allows(row):
            return row
    raise NotFound(f"没有这位客户 (no such customer): {customer}")


async def _managers(session: AsyncSession, segment: notice_pb2.CustomerSegment) -> list[str]:
    """The segment's relationship managers as customers name them: ``users/…`` and their ``staff/{code}``."""
    names = list(segment.relationship_managers)
    codes = await session.scalars(
        select(UserCopy.staff_code).where(UserCopy.name.in_(names), UserCopy.staff_code != "")
    )
    return names + [f"staff/{code}" for code in codes]


def _check_variables(v: Validator, path: str, variables: Mapping[str, str]) -> None:
    for name, value in variables.items():
        v.check(
            name in template_rules.VARIABLES,
            f"{path}.{name}" if name.isidentifier() else path,
            f"未知变量 {name}，可用：{', '.join(template_rules.VARIABLES)} (unknown variable)",
        )
        v.check(
            len(value) <= 200 and "\x00" not in value,
            f"{path}.{name}" if name.isidentifier() else path,
            "最长 200 字，不含空字符 (at most 200, no NUL)",
        )


def _check_bulletin(bulletin: notice_pb2.Bulletin) -> None:
    v = Validator()
    v.require(bulletin.template, "bulletin.template")
    _check_variables(v, "bulletin.variables", bulletin.variables)
    segment = bulletin.segment
    for field in ("tiers", "org_units", "relationship_managers", "types"):
        values = list(getattr(segment, field))
        v.check(
            len(values) <= MAX_SEGMENT_VALUES and all(0 < len(x) <= 128 and "\x00" not in x for x in values),
            f"bulletin.segment.{field}",
            f"至多 {MAX_SEGMENT_VALUES} 项，每项 1–128 字符 (at most {MAX_SEGMENT_VALUES} values)",
        )
    v.check(
        all(t in ("INDIVIDUAL", "CORPORATE") for t in segment.types),
        "bulletin.segment.types",
        "应为 INDIVIDUAL 或 CORPORATE",
    )
    v.check(
        all(u.startswith(ORG_PREFIX) for u in segment.org_units),
        "bulletin.segment.org_units",
        "应为 orgUnits/{org_unit}",
    )
    v.check(
        all(u.startswith("users/") for u in segment.relationship_managers),
        "bulletin.segment.relationship_managers",
        "应为 users/{user}",
    )
    v.raise_if_any()


def _segment_dict(segment: notice_pb2.CustomerSegment) -> dict[str, list[str]]:
    return {f: list(getattr(segment, f)) for f in ("tiers", "org_units", "relationship_managers", "types")}


async def _bulletin_proto(session: AsyncSession, row: BulletinRow) -> notice_pb2.Bulletin:
    return _bulletin_message(row, await session.get(TemplateRow, row.template_id))


def _bulletin_message(row: BulletinRow, template: TemplateRow | None) -> notice_pb2.Bulletin:
    segment = json.loads(row.segment)
    return notice_pb2.Bulletin(
        name=f"{BULLETIN_PREFIX}{row.id}",
        template=f"templates/{row.template_id}",
        segment=notice_pb2.CustomerSegment(**segment),
        variables=json.loads(row.variables),
        sender=row.sender,
        recipient_count=row.recipient_count,
        included_count=row.included_count,
        excluded_count=row.excluded_count,
        create_time=to_timestamp(row.create_time),
        template_display_name=template.display_name if template is not None else "",
    )


def _consent_proto(customer: str, row: CustomerConsentRow | None) -> notice_pb2.CustomerConsent:
    message = notice_pb2.CustomerConsent(name=f"{customer}/consent", etag=etags.etag_for(0))
    if row is not None:
        message.sms_opt_in = row.sms_opt_in
        message.email_opt_in = row.email_opt_in
        message.source = row.source
        message.etag = etags.etag_for(row.version)
        message.update_time.CopyFrom(to_timestamp(row.update_time))
    return message
