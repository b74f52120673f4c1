"""Customer use cases (the write side, and reading one customer): each runs in one unit of work
(:mod:`kam_customer.service_layer.unit_of_work`), so its change, its outbox events and its audit records are stored
in one transaction or not at all. Unit-tested with in-memory fakes (``services/customer/tests/unit/``); listing
customers is on the read side (:mod:`kam_customer.service_layer.listing`)."""

from __future__ import annotations

import uuid
from dataclasses import fields

from kam.customer.v1 import events_pb2
from kam_kit import etags
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.errors import AlreadyExists, FieldViolation, InvalidArgument, Validator
from kam_kit.permissions import SCOPE_OWN
from kam_kit.scope import DataScope

from kam_customer.adapters.orm import CustomerRow
from kam_customer.adapters.protomap import WRITABLE_FIELDS, customer_to_proto
from kam_customer.adapters.trail import values
from kam_customer.domain import customers as domain
from kam_customer.service_layer.unit_of_work import AuditChange, UnitOfWorkFactory, visible_customer

NAME_PREFIX = "customers/"


def customer_id_from_name(name: str, field_path: str = "name") -> str:
    if not name.startswith(NAME_PREFIX) or "/" in name[len(NAME_PREFIX) :] or len(name) == len(NAME_PREFIX):
        raise InvalidArgument.for_field(
            field_path, "应为 customers/{customer} (must be customers/{customer})"
        )
    return name[len(NAME_PREFIX) :]


class CustomerService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self.uow = uow
        self.clock = clock

    async def create(
        self,
        draft: domain.CustomerDraft,
        *,
        customer_id: str = "",
        request_id: str = "",
        identity: Identity | None = None,
    ) -> CustomerRow:
        """A new customer (see :meth:`create_or_replay`)."""
        row, _ = await self.create_or_replay(
            draft, customer_id=customer_id, request_id=request_id, identity=identity
        )
        return row

    async def create_or_replay(
        self,
        draft: domain.CustomerDraft,
        *,
        customer_id: str = "",
        request_id: str = "",
        identity: Identity | None = None,
    ) -> tuple[CustomerRow, bool]:
        """A new customer, and True; or, for a ``request_id`` used before, the customer it created, and False. A
        caller with a limited data scope creates it inside that scope (its branch defaults to the caller's org unit,
        and a relationship manager's new customer is theirs; a branch or manager outside the scope is
        ``INVALID_ARGUMENT``)."""
        validator = Validator()
        domain.validate_customer_id(customer_id, validator)
        domain.validate_draft(draft, validator)
        validator.raise_if_any()
        async with self.uow() as uow:
            scope = await uow.scope(identity)
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
                existing = await uow.customers.by_request_id(request_id)
                if existing is not None:
                    if not scope.allows(existing):
                        raise InvalidArgument.for_field(
                            "request_id", "该请求编号已被使用 (request_id already used)"
                        )
                    return existing, False
            if customer_id and await uow.customers.get(customer_id) is not None:  # a made-up id is new
                raise AlreadyExists(f"客户 customers/{customer_id} 已存在 (already exists)")
            customer_id = customer_id or uuid.uuid4().hex
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
                key_customer=False,
                **{f.name: getattr(draft, f.name) for f in fields(draft)},
            )
            uow.customers.add(row)
            uow.record_event(
                events_pb2.CustomerCreated(customer=customer_to_proto(row)), resource=f"customers/{row.id}"
            )
            uow.record_change(
                AuditChange(identity, "customers.create", f"customers/{row.id}", after=values(row))
            )
            await uow.commit()
        return row, True

    async def get(self, name: str, identity: Identity | None = None) -> CustomerRow:
        """The customer, or NOT_FOUND when it does not exist or is outside the caller's data scope."""
        customer_id = customer_id_from_name(name)
        async with self.uow(read_only=True) as uow:
            return await visible_customer(uow, await uow.scope(identity), customer_id)

    async def update(
        self,
        draft: domain.CustomerDraft,
        *,
        name: str,
        etag: str,
        paths: list[str],
        identity: Identity | None = None,
    ) -> CustomerRow:
        """The ``paths`` of ``draft`` written over the customer: NOT_FOUND outside the caller's scope, ABORTED on a
        stale ``etag``, INVALID_ARGUMENT when the result is invalid or leaves the caller's scope."""
        customer_id = customer_id_from_name(name, "customer.name")
        unknown = [p for p in paths if p not in WRITABLE_FIELDS]
        validator = Validator()
        for path in unknown:
            validator.add("update_mask", f"字段 {path} 不可修改 (field {path} cannot be updated)")
        validator.raise_if_any()
        async with self.uow() as uow:
            scope = await uow.scope(identity)
            row = await visible_customer(uow, scope, customer_id)
            etags.check(etag, row.version, "客户")
            merged = domain.CustomerDraft(
                **{f.name: getattr(row, f.name) for f in fields(domain.CustomerDraft)}
            )
            for path in paths:
                setattr(merged, path, getattr(draft, path))
            domain.validate_draft(merged, validator)
            validator.raise_if_any()
            _check_in_scope(scope, merged)
            before = values(row)
            for path in paths:
                setattr(row, path, getattr(draft, path))
            row.version += 1
            row.update_time = self.clock.now()
            event = events_pb2.CustomerUpdated(customer=customer_to_proto(row))
            event.update_mask.paths.extend(paths)
            uow.record_event(event, resource=f"customers/{row.id}")
            uow.record_change(
                AuditChange(identity, "customers.update", f"customers/{row.id}", before, values(row))
            )
            await uow.commit()
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
