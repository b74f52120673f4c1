"""Customer message templates through NotificationService: created, read, listed, changed (ETag) and deleted;
each saved only when every placeholder names a known variable (kam_notice.domain.templates)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from kam.notice.v1 import notice_pb2
from kam_kit import etags, pagination
from kam_kit.clock import Clock
from kam_kit.db import Database, earlier_request
from kam_kit.errors import InvalidArgument, NotFound, Validator
from kam_kit.filtering import parse_equalities
from kam_kit.timeconv import to_timestamp

from kam_notice.adapters.orm import TemplateRow
from kam_notice.domain import is_id
from kam_notice.domain import templates as domain

PREFIX = "templates/"
WRITABLE = ("display_name", "category", "channel", "subject", "body", "en_subject", "en_body")
Template = notice_pb2.Template


def _enum(values: dict[str, int]):
    def convert(value: str) -> int:
        if value not in values:
            raise ValueError(f"应为 {' / '.join(values)} (one of them)")
        return values[value]

    return convert


FILTERS = {
    "category": _enum({name: int(n) for name, n in Template.Category.items() if n}),
    "channel": _enum({"CHANNEL_SMS": notice_pb2.CHANNEL_SMS, "CHANNEL_EMAIL": notice_pb2.CHANNEL_EMAIL}),
}


class Templates:
    def __init__(self, db: Database, clock: Clock, page_secret: bytes) -> None:
        self.db = db
        self.clock = clock
        self.pages = pagination.OffsetPages(page_secret)

    async def create(self, message: Template, request_id: str = "") -> Template:
        v = Validator()
        domain.check(v, message, set(WRITABLE))
        v.request_id(request_id)
        v.raise_if_any()
        now = self.clock.now()
        async with self.db.transaction() as session:
            existing = await earlier_request(session, TemplateRow, request_id)
            if existing is not None:
                return _to_proto(existing)
            row = TemplateRow(
                id=uuid.uuid4().hex,
                version=1,
                create_time=now,
                update_time=now,
                request_id=request_id or None,
            )
            _write(row, message, WRITABLE)
            session.add(row)
            return _to_proto(row)

    async def get(self, name: str) -> Template:
        async with self.db.read() as session:
            return _to_proto(await template_row(session, name, "name"))

    async def list(
        self, filter_text: str, page_size: int, page_token: str
    ) -> tuple[list[Template], str, int]:
        filters = parse_equalities(filter_text, FILTERS)
        conditions = [getattr(TemplateRow, key) == value for key, value in filters.items()]
        order = (TemplateRow.display_name, TemplateRow.id)
        async with self.db.read() as session:
            rows, token, total = await self.pages.rows(
                session,
                TemplateRow,
                conditions,
                order,
                token=page_token,
                bound_to=filter_text,
                requested=page_size,
            )
        return [_to_proto(row) for row in rows], token, total

    async def update(self, message: Template, paths: Sequence[str], etag: str) -> Template:
        unknown = sorted(set(paths) - set(WRITABLE))
        if unknown:
            raise InvalidArgument.for_field(
                "update_mask", f"不能修改 {', '.join(unknown)} (updatable: {', '.join(WRITABLE)})"
            )
        async with self.db.transaction() as session:
            row = await template_row(session, message.name, "template.name", lock=True)
            etags.check(etag, row.version, "消息模板")
            merged = _to_proto(row)
            for path in paths:
                setattr(merged, path, getattr(message, path))
            v = Validator()
            domain.check(v, merged, set(paths) | ({"subject"} if "channel" in paths else set()))
            v.raise_if_any()
            _write(row, merged, paths)
            row.version += 1
            row.update_time = self.clock.now()
            return _to_proto(row)

    async def delete(self, name: str, etag: str) -> None:
        async with self.db.transaction() as session:
            row = await template_row(session, name, "name", lock=True)
            etags.check(etag, row.version, "消息模板")
            await session.delete(row)


async def template_row(session, name: str, field: str, *, lock: bool = False) -> TemplateRow:
    """The template ``name`` (``templates/{id}``, else a field violation on ``field``); ``NOT_FOUND`` when none."""
    template_id = name.removeprefix(PREFIX)
    if not name.startswith(PREFIX) or not template_id or "/" in template_id:
        raise InvalidArgument.for_field(field, "应为 templates/{template} (expected templates/{id})")
    row = await session.get(TemplateRow, template_id, with_for_update=lock) if is_id(template_id) else None
    if row is None:
        raise NotFound(f"没有这个消息模板 (no such template): {name}")
    return row


def _write(row: TemplateRow, message: Template, paths: Sequence[str]) -> None:
    for path in paths:
        value = getattr(message, path)
        setattr(row, path, value.strip() if path == "display_name" else value)


def _to_proto(row: TemplateRow) -> Template:
    return Template(
        name=f"{PREFIX}{row.id}",
        display_name=row.display_name,
        category=row.category,  # type: ignore[arg-type]
        channel=row.channel,  # type: ignore[arg-type]
        subject=row.subject,
        body=row.body,
        en_subject=row.en_subject,
        en_body=row.en_body,
        update_time=to_timestamp(row.update_time),
        etag=etags.etag_for(row.version),
    )
