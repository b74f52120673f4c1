"""Customer use cases. Each runs in one unit of work; events go through the outbox in the same transaction."""

from __future__ import annotations

import uuid
from dataclasses import fields

from kam.customer.v1 import events_pb2
from kam_kit import etags, outbox
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.errors import AlreadyExists, FieldViolation, InvalidArgument, Validator
from kam_kit.permissions import SCOPE_OWN
from kam_kit.scope import DataScope
from sqlalchemy import ColumnElement, Index, case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_customer.adapters.orm import CustomerMetricsRow, CustomerRow
from kam_customer.adapters.protomap import WRITABLE_FIELDS, customer_to_proto
from kam_customer.adapters.scope import customer_condition, customer_for, scope_for
from kam_customer.adapters.trail import trail, values
from kam_customer.context import SERVICE
from kam_customer.domain import customers as domain
from kam_customer.search.index import reindex
from kam_customer.service_layer.filters import order_keys
from kam_customer.tiering.orm import TierRuleSetRow
from kam_customer.tiering.repository import ACTIVE, rule_set_of

NAME_PREFIX = "customers/"

#: ListCustomers ``order_by`` fields (AIP-132). ``tier``: the tier's level in its customer type's active rule set
#: (no tier 0, the lowest tier 1 … the highest tier N, so ``tier desc`` lists the best customers first);
#: ``metrics.assets_under_management`` (the Customer field path; also without ``metrics.``): AUM as of the last
#: scan, 0 for customers without metrics. Ties: the id (ascending, or descending after a ``desc`` last key).
AUM_FIELDS = ("metrics.assets_under_management", "assets_under_management")
ORDER_FIELDS = ("display_name", "create_time", "update_time", "tier", *AUM_FIELDS)
DEFAULT_ORDER = [("create_time", False)]
#: Indexes for ordered pages of unrestricted callers (migration listing_0001; declared here so the model and
#: the migrations agree). Tier and AUM orders sort the filtered rows.
LISTING_INDEXES = tuple(
    Index(f"ix_customers_{name}_id", getattr(CustomerRow, name), CustomerRow.id)
    for name in ("display_name", "create_time", "update_time")
)


def customer_id_from_name(name: str, field_path: str = "name") -> str:
    if not name.startswith(NAME_PREFIX) or "/" in name[len(NAME_PREFIX) :] or len(name) == len(NAME_PREFIX):
        raise InvalidArgument.for_field(
            field_path, "应为 customers/{customer} (must be customers/{customer})"
        )
    return name[len(NAME_PREFIX) :]


class CustomerService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.events = outbox.Recorder(SERVICE, clock)
        self.audit = trail(clock)

    async def create(
        self,
        draft: domain.CustomerDraft,
        *,
        customer_id: str = "",
        request_id: str = "",
        identity: Identity | None = None,
    ) -> CustomerRow:
        """A new customer; a caller with a limited data scope creates it inside that scope (its branch defaults
        to the caller's org unit, and a relationship manager's new customer is theirs; a branch or manager outside
        the scope is ``INVALID_ARGUMENT``)."""
        validator = Validator()
        domain.validate_customer_id(customer_id, validator)
        domain.validate_draft(draft, validator)
        validator.raise_if_any()
        async with self.db.transaction() as session:
            scope = await scope_for(session, identity)
            if not scope.everything:
                # Choosing ids is for bank-wide callers (imports, the core system): an id taken by a customer the
                # caller cannot see would otherwise answer ALREADY_EXISTS and reveal that customer.
                validator.check(
                    not customer_id,
                    "customer_id",
                    "只有全行数据范围的调用方可以指定客户编号 (only callers "
                    "with the whole bank in scope may choose the id; leave it empty)",
                )
                validator.raise_if_any()
                if not draft.branch and identity is not None:
                    draft.branch = identity.org_unit
                if (
                    not draft.relationship_manager
                    and identity is not None
                    and identity.data_scope == SCOPE_OWN
                ):
                    # a relationship manager's new customer is their own (the core's staff code when linked)
                    draft.relationship_manager = (
                        f"staff/{identity.staff_code}" if identity.staff_code else identity.subject
                    )
            _check_in_scope(scope, draft)
            if request_id:
                existing = await session.scalar(
                    select(CustomerRow).where(CustomerRow.request_id == request_id)
                )
                if existing is not None:
                    if not scope.allows(existing):
                        raise InvalidArgument.for_field(
                            "request_id", "该请求编号已被使用 (request_id already used)"
                        )
                    return existing
            customer_id = customer_id or uuid.uuid4().hex
            if await session.get(CustomerRow, customer_id) is not None:
                raise AlreadyExists(f"客户 customers/{customer_id} 已存在 (already exists)")
            now = self.clock.now()
            row = CustomerRow(
                id=customer_id,
                request_id=request_id or None,
                version=1,
                create_time=now,
                update_time=now,
                tier="",
                state="ACTIVE",
                source="MANUAL",
                **{f.name: getattr(draft, f.name) for f in fields(draft)},
            )
            session.add(row)
            await session.flush()
            await reindex(session, [row.id])
            self.events.record(
                session,
                events_pb2.CustomerCreated(customer=customer_to_proto(row)),
                resource=f"customers/{row.id}",
            )
            self.audit.change(
                session,
                actor=identity,
                action="customers.create",
                resource=f"customers/{row.id}",
                after=values(row),
            )
        return row

    async def get(self, name: str, identity: Identity | None = None) -> CustomerRow:
        """The customer, or NOT_FOUND when it does not exist or is outside the caller's data scope."""
        customer_id = customer_id_from_name(name)
        async with self.db.read() as session:
            return await customer_for(session, identity, customer_id)

    async def list(
        self,
        *,
        offset: int,
        limit: int,
        conditions: list[ColumnElement[bool]],
        order_by: str = "",
        identity: Identity | None = None,
    ) -> tuple[list[CustomerRow], int]:
        keys = order_keys(order_by, ORDER_FIELDS) or DEFAULT_ORDER
        conditions = list(conditions)
        async with self.db.read() as session:
            restrict = customer_condition(await scope_for(session, identity))
            if restrict is not None:
                conditions.append(restrict)
            query = select(CustomerRow).where(*conditions)
            if any(name in AUM_FIELDS for name, _ in keys):
                query = query.outerjoin(CustomerMetricsRow, CustomerMetricsRow.customer_id == CustomerRow.id)
            columns = await _order_columns(session, [name for name, _ in keys])
            order = [columns[name].desc() if descending else columns[name].asc() for name, descending in keys]
            # Ties: the id, in the direction of the last key, so one index serves e.g. ``create_time desc``.
            tie_break = CustomerRow.id.desc() if keys[-1][1] else CustomerRow.id.asc()
            rows = (
                await session.scalars(query.order_by(*order, tie_break).offset(offset).limit(limit))
            ).all()
            total = await session.scalar(select(func.count()).select_from(CustomerRow).where(*conditions))
        return list(rows), int(total or 0)

    async def update(
        self,
        draft: domain.CustomerDraft,
        *,
        name: str,
        etag: str,
        paths: list[str],
        identity: Identity | None = None,
    ) -> CustomerRow:
        customer_id = customer_id_from_name(name, "customer.name")
        unknown = [p for p in paths if p not in WRITABLE_FIELDS]
        validator = Validator()
        for path in unknown:
            validator.add("update_mask", f"字段 {path} 不可修改 (field {path} cannot be updated)")
        validator.raise_if_any()
        async with self.db.transaction() as session:
            row = await customer_for(session, identity, customer_id)
            etags.check(etag, row.version, "客户")
            merged = domain.CustomerDraft(
                **{f.name: getattr(row, f.name) for f in fields(domain.CustomerDraft)}
            )
            for path in paths:
                setattr(merged, path, getattr(draft, path))
            domain.validate_draft(merged, validator)
            validator.raise_if_any()
            _check_in_scope(await scope_for(session, identity), merged)
            before = values(row)
            for path in paths:
                setattr(row, path, getattr(draft, path))
            row.version += 1
            row.update_time = self.clock.now()
            await session.flush()
            await reindex(session, [row.id])
            event = events_pb2.CustomerUpdated(customer=customer_to_proto(row))
            event.update_mask.paths.extend(paths)
            self.events.record(session, event, resource=f"customers/{row.id}")
            self.audit.change(
                session,
                actor=identity,
                action="customers.update",
                resource=f"customers/{row.id}",
                before=before,
                after=values(row),
            )
        return row


def _check_in_scope(scope: DataScope, draft: domain.CustomerDraft) -> None:
    """A write must leave the customer inside the caller's data scope (nobody creates or moves a customer where
    they could not see it)."""
    if scope.allows(draft):  # type: ignore[arg-type]
        return
    raise InvalidArgument(
        "客户的机构或客户经理不在您的数据范围内 (branch and relationship manager are outside your data scope)",
        violations=[
            FieldViolation("customer.branch", "不在您的数据范围内 (outside your data scope)"),
            FieldViolation("customer.relationship_manager", "不在您的数据范围内 (outside your data scope)"),
        ],
    )


async def _order_columns(session: AsyncSession, names: list[str]) -> dict[str, ColumnElement]:
    columns: dict[str, ColumnElement] = {
        "display_name": CustomerRow.display_name,
        "create_time": CustomerRow.create_time,
        "update_time": CustomerRow.update_time,
    }
    columns.update(dict.fromkeys(AUM_FIELDS, func.coalesce(CustomerMetricsRow.aum, 0)))
    if "tier" in names:
        levels = await tier_levels(session)
        columns["tier"] = case(levels, value=CustomerRow.tier, else_=0) if levels else literal(0)
    return columns


async def tier_levels(session: AsyncSession) -> dict[str, int]:
    """``tiers/…`` → level in the active rule set of its customer type (the highest tier of N has N)."""
    levels: dict[str, int] = {}
    for row in (await session.scalars(select(TierRuleSetRow).where(TierRuleSetRow.state == ACTIVE))).all():
        tiers = rule_set_of(row).tiers
        levels.update({tier.name: len(tiers) - rank for rank, tier in enumerate(tiers)})
    return levels
