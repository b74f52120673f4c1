"""Key contacts (法定代表人, 财务负责人, 实际控制人, 配偶 …). Contacts from the scan (origin SCAN) are read-only;
staff manage MANUAL ones. ``request_id`` makes creation idempotent: the contact's id is derived from it.

Creating, reading, updating and deleting a contact run in a unit of work
(:mod:`kam_customer.service_layer.unit_of_work`; unit-tested with its in-memory fake); listing a customer's
contacts is a query of the read side (:class:`kam_customer.service_layer.listing.ContactListing`)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, fields
from datetime import date

from kam_kit import etags
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.errors import FailedPrecondition, NotFound, Validator

from kam_customer.adapters.orm import ContactRow
from kam_customer.adapters.trail import values
from kam_customer.domain import customers as domain
from kam_customer.domain import names
from kam_customer.service_layer.unit_of_work import (
    AbstractUnitOfWork,
    AuditChange,
    UnitOfWorkFactory,
    visible_customer,
)

MANUAL, SCAN = "MANUAL", "SCAN"


@dataclass
class ContactDraft:
    display_name: str = ""
    title: str = ""
    phone: str = ""
    email: str = ""
    id_number: str = ""
    birth_date: date | None = None
    primary: bool = False
    notes: str = ""


WRITABLE = tuple(f.name for f in fields(ContactDraft))


def validate(draft: ContactDraft, validator: Validator, prefix: str = "contact") -> None:
    if validator.require(
        draft.display_name.strip(), f"{prefix}.display_name", "姓名不能为空 (must not be empty)"
    ):
        validator.check(
            len(draft.display_name) <= 100, f"{prefix}.display_name", "最长100个字符 (at most 100)"
        )
    validator.check(len(draft.title) <= 64, f"{prefix}.title", "最长64个字符 (at most 64)")
    if draft.phone:
        validator.check(
            bool(domain._PHONE_RE.match(draft.phone.replace(" ", ""))),
            f"{prefix}.phone",
            "电话号码格式无效 (not a valid mainland China phone number)",
        )


def request_contact_id(customer_id: str, request_id: str) -> str:
    return "r" + hashlib.sha256(f"{customer_id}\n{request_id}".encode()).hexdigest()[:31]


def _name(row: ContactRow) -> str:
    return f"customers/{row.customer_id}/contacts/{row.id}"


class ContactService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self.uow = uow
        self.clock = clock

    @staticmethod
    async def _contact(
        uow: AbstractUnitOfWork, identity: Identity | None, name: str, field_path: str = "name"
    ) -> ContactRow:
        customer_id, contact_id = names.parse(name, ("customers", "contacts"), field_path)
        await visible_customer(uow, await uow.scope(identity), customer_id)
        row = await uow.contacts.get(contact_id)
        if row is None or row.customer_id != customer_id:
            raise NotFound(f"联系人 {name} 不存在 (not found)", metadata={"name": name})
        return row

    async def create(
        self, identity: Identity | None, parent: str, draft: ContactDraft, *, request_id: str = ""
    ) -> ContactRow:
        (customer_id,) = names.parse(parent, ("customers",), "parent")
        validator = Validator()
        validate(draft, validator)
        validator.raise_if_any()
        async with self.uow() as uow:
            await visible_customer(uow, await uow.scope(identity), customer_id)
            contact_id = request_contact_id(customer_id, request_id) if request_id else uuid.uuid4().hex
            existing = await uow.contacts.get(contact_id)
            if existing is not None:
                return existing
            now = self.clock.now()
            row = ContactRow(
                id=contact_id,
                customer_id=customer_id,
                origin=MANUAL,
                version=1,
                create_time=now,
                update_time=now,
                **{f: getattr(draft, f) for f in WRITABLE},
            )
            uow.contacts.add(row)
            if draft.primary:
                await _clear_primary(uow, customer_id, keep=contact_id)
            uow.record_change(AuditChange(identity, "contacts.create", _name(row), after=values(row)))
            await uow.commit()
        return row

    async def get(self, identity: Identity | None, name: str) -> ContactRow:
        async with self.uow(read_only=True) as uow:
            return await self._contact(uow, identity, name)

    async def update(
        self, identity: Identity | None, name: str, draft: ContactDraft, *, etag: str, paths: list[str]
    ) -> ContactRow:
        validator = Validator()
        for path in paths:
            if path not in WRITABLE:
                validator.add("update_mask", f"字段 {path} 不可修改 (field {path} cannot be updated)")
        validator.raise_if_any()
        async with self.uow() as uow:
            row = await self._contact(uow, identity, name, "contact.name")
            _check_writable(row, etag)
            merged = ContactDraft(**{f: getattr(row, f) for f in WRITABLE})
            for path in paths:
                setattr(merged, path, getattr(draft, path))
            validate(merged, validator)
            validator.raise_if_any()
            before = values(row)
            for path in paths:
                setattr(row, path, getattr(draft, path))
            if "primary" in paths and draft.primary:
                await _clear_primary(uow, row.customer_id, keep=row.id)
            row.version += 1
            row.update_time = self.clock.now()
            uow.record_change(AuditChange(identity, "contacts.update", _name(row), before, values(row)))
            await uow.commit()
        return row

    async def delete(self, identity: Identity | None, name: str, *, etag: str) -> None:
        async with self.uow() as uow:
            row = await self._contact(uow, identity, name)
            _check_writable(row, etag)
            await uow.contacts.remove(row)
            uow.record_change(AuditChange(identity, "contacts.delete", _name(row), before=values(row)))
            await uow.commit()


def _check_writable(row: ContactRow, etag: str) -> None:
    if row.origin == SCAN:
        raise FailedPrecondition(
            "该联系人来自核心系统，只读 (contacts from the core system are read-only)",
            reason="CONTACT_READ_ONLY",
        )
    etags.check(etag, row.version, "联系人")


async def _clear_primary(uow: AbstractUnitOfWork, customer_id: str, *, keep: str) -> None:
    """One primary contact per customer among those staff manage (the scan's stay as the core has them)."""
    for other in await uow.contacts.primaries(customer_id):
        if other.id != keep and other.origin == MANUAL:
            other.primary = False
