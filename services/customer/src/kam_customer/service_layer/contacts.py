"""Key contacts (法定代表人, 财务负责人, 实际控制人, 配偶 …). Contacts from the scan (origin SCAN) are read-only;
staff manage MANUAL ones. ``request_id`` makes creation idempotent: the contact's id is derived from it."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, fields
from datetime import date

from kam_kit import etags
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.errors import FailedPrecondition, NotFound, Validator
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_customer.adapters.orm import ContactRow
from kam_customer.adapters.scope import customer_for
from kam_customer.adapters.trail import trail, values
from kam_customer.domain import customers as domain
from kam_customer.domain import names

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
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.audit = trail(clock)

    async def _contact(
        self, session: AsyncSession, identity: Identity | None, name: str, field_path: str = "name"
    ) -> ContactRow:
        customer_id, contact_id = names.parse(name, ("customers", "contacts"), field_path)
        await customer_for(session, identity, customer_id)
        row = await session.get(ContactRow, contact_id)
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
        async with self.db.transaction() as session:
            await customer_for(session, identity, customer_id)
            contact_id = request_contact_id(customer_id, request_id) if request_id else uuid.uuid4().hex
            existing = await session.get(ContactRow, contact_id)
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
            session.add(row)
            if draft.primary:
                await self._clear_primary(session, customer_id, keep=contact_id)
            await session.flush()
            self.audit.change(
                session, actor=identity, action="contacts.create", resource=_name(row), after=values(row)
            )
        return row

    async def get(self, identity: Identity | None, name: str) -> ContactRow:
        async with self.db.read() as session:
            return await self._contact(session, identity, name)

    async def list(
        self, identity: Identity | None, parent: str, *, offset: int, limit: int
    ) -> tuple[list, int]:
        (customer_id,) = names.parse(parent, ("customers",), "parent")
        async with self.db.read() as session:
            await customer_for(session, identity, customer_id)
            where = ContactRow.customer_id == customer_id
            rows = (
                await session.scalars(
                    select(ContactRow)
                    .where(where)
                    .order_by(
                        ContactRow.primary.desc(),
                        ContactRow.origin.desc(),
                        ContactRow.create_time,
                        ContactRow.id,
                    )
                    .offset(offset)
                    .limit(limit)
                )
            ).all()
            total = await session.scalar(select(func.count()).select_from(ContactRow).where(where))
        return list(rows), int(total or 0)

    async def update(
        self, identity: Identity | None, name: str, draft: ContactDraft, *, etag: str, paths: list[str]
    ) -> ContactRow:
        validator = Validator()
        for path in paths:
            if path not in WRITABLE:
                validator.add("update_mask", f"字段 {path} 不可修改 (field {path} cannot be updated)")
        validator.raise_if_any()
        async with self.db.transaction() as session:
            row = await self._contact(session, identity, name, "contact.name")
            self._check_writable(row, etag)
            merged = ContactDraft(**{f: getattr(row, f) for f in WRITABLE})
            for path in paths:
                setattr(merged, path, getattr(draft, path))
            validate(merged, validator)
            validator.raise_if_any()
            before = values(row)
            for path in paths:
                setattr(row, path, getattr(draft, path))
            if "primary" in paths and draft.primary:
                await self._clear_primary(session, row.customer_id, keep=row.id)
            row.version += 1
            row.update_time = self.clock.now()
            await session.flush()
            self.audit.change(
                session,
                actor=identity,
                action="contacts.update",
                resource=_name(row),
                before=before,
                after=values(row),
            )
        return row

    async def delete(self, identity: Identity | None, name: str, *, etag: str) -> None:
        async with self.db.transaction() as session:
            row = await self._contact(session, identity, name)
            self._check_writable(row, etag)
            await session.delete(row)
            self.audit.change(
                session, actor=identity, action="contacts.delete", resource=_name(row), before=values(row)
            )

    @staticmethod
    def _check_writable(row: ContactRow, etag: str) -> None:
        if row.origin == SCAN:
            raise FailedPrecondition(
                "该联系人来自核心系统，只读 (contacts from the core system are read-only)",
                reason="CONTACT_READ_ONLY",
            )
        etags.check(etag, row.version, "联系人")

    @staticmethod
    async def _clear_primary(session: AsyncSession, customer_id: str, *, keep: str) -> None:
        others = (
            await session.scalars(
                select(ContactRow).where(
                    ContactRow.customer_id == customer_id, ContactRow.primary.is_(True), ContactRow.id != keep
                )
            )
        ).all()
        for other in others:
            if other.origin == MANUAL:
                other.primary = False
