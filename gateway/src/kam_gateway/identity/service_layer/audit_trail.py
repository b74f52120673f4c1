"""The central audit trail (全行审计追踪): every service's sealed audit records, as their ``AuditRecorded`` events
brought them, for compliance to search, verify chain by chain and export (CSV or XLSX by openpyxl).

Kept idempotently by (service, sequence): a redelivered event changes nothing. Verification walks each service's
records by sequence — a gap is a record that never arrived or was removed, a ``prev_hash`` that is not the
previous record's ``hash`` an insertion or a reordering, a ``hash`` that is not SHA-256(prev_hash + "\\n" +
canonical JSON) an alteration — so a chain can be checked without reading the service's database, which is what
lets it catch a record rewritten there after it was published.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from google.protobuf import json_format
from kam.audit.v1 import audit_pb2
from kam_kit import bulk, pagination
from kam_kit.audit import GENESIS, abridged, chain_hash, values_of
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.events import EventMeta
from kam_kit.filtering import parse_equalities
from kam_kit.timeconv import from_timestamp
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_gateway.identity.adapters.orm import AuditTrailRow

TRAIL = AuditTrailRow.__table__
KINDS = {audit_pb2.AuditRecord.KIND_CHANGE: "CHANGE", audit_pb2.AuditRecord.KIND_VIEW: "VIEW"}
MAX_EXPORT = 100_000
COLUMNS = (
    ("时间 time", "occur_time"),
    ("服务 service", "service"),
    ("序号 sequence", "sequence"),
    ("操作人 actor", "actor"),
    ("姓名 name", "actor_display_name"),
    ("操作 action", "action"),
    ("对象 resource", "resource"),
    ("类别 kind", "kind"),
    ("变更前 before", "before"),
    ("变更后 after", "after"),
    ("详情 details", "details"),
    ("地址 address", "address"),
    ("客户端 client", "client"),
    ("请求号 request id", "request_id"),
    ("哈希 hash", "hash"),
)


@dataclass(frozen=True)
class ChainCheck:
    service: str
    records: int
    last_sequence: int
    broken_sequence: int = 0
    problem: str = ""

    @property
    def intact(self) -> bool:
        return not self.problem


async def on_recorded(session: AsyncSession, event: audit_pb2.AuditRecorded, meta: EventMeta) -> None:
    """The consumer handler: keep the record once (a redelivery or a replay changes nothing). Queued as a plain
    row: the records of one batch of events go in one insert when the consumer's transaction commits."""
    record = event.record
    if not record.service or record.sequence <= 0:
        return
    row = {  # (the values are kept in canonical_json only: an abridged event's need not be filled in first)
        "service": record.service,
        "sequence": record.sequence,
        "record_id": record.record_id,
        "kind": KINDS.get(record.kind, "CHANGE"),
        "occur_time": from_timestamp(record.occur_time),
        "actor": record.actor,
        "action": record.action,
        "resource": record.resource,
        "hash": record.hash,
        "prev_hash": record.prev_hash,
        "canonical_json": record.canonical_json,
        "record": _stored(record),
    }
    bulk.queue_rows(session, TRAIL, [row], skip_existing=("service", "sequence"))


def _stored(record: audit_pb2.AuditRecord) -> bytes:
    """The record as stored: its values once, in the ``canonical_json`` column — the serialized message is
    abridged (no ``before``, ``after``, ``details``) and leaves out ``canonical_json`` itself. A view of a page of
    50 names its 50 customers in ``details``: kept three times, it made ≈ 8 KB of TOAST a record."""
    slim = abridged(record)
    slim.ClearField("canonical_json")
    return slim.SerializeToString()


def _loaded(row: AuditTrailRow) -> audit_pb2.AuditRecord:
    """A stored record whole again (records stored whole before read as they are)."""
    record = audit_pb2.AuditRecord.FromString(row.record)
    if not record.canonical_json:
        record.canonical_json = row.canonical_json
    return values_of(record)


class AuditTrail:
    def __init__(self, db: Database, clock: Clock, *, page_secret: bytes = b"identity") -> None:
        self.db = db
        self.clock = clock
        self.page_secret = page_secret

    def _query(self, filter_text: str, start: datetime | None, end: datetime | None) -> Select:
        terms = parse_equalities(
            filter_text,
            {
                "service": str,
                "actor": str,
                "action": str,
                "resource": str,
                "kind": _kind,
            },
        )
        query = select(AuditTrailRow)
        for name, value in terms.items():
            query = query.where(getattr(AuditTrailRow, name) == value)
        if start is not None:
            query = query.where(AuditTrailRow.occur_time >= start)
        if end is not None:
            query = query.where(AuditTrailRow.occur_time < end)
        return query

    async def list(
        self, filter_text: str, start: datetime | None, end: datetime | None, page_size: int, page_token: str
    ) -> tuple[list[audit_pb2.AuditRecord], str, int]:
        size = pagination.page_size(page_size, maximum=500)
        bound = f"{filter_text}|{start}|{end}"
        cursor = pagination.decode_token(page_token, bound_to=bound, secret=self.page_secret) or {}
        offset = int(cursor.get("offset", 0))
        query = self._query(filter_text, start, end)
        async with self.db.read() as session:
            total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
            rows = list(
                (
                    await session.execute(
                        query.order_by(
                            AuditTrailRow.occur_time.desc(),
                            AuditTrailRow.service,
                            AuditTrailRow.sequence.desc(),
                        )
                        .offset(offset)
                        .limit(size + 1)
                    )
                ).scalars()
            )
        token = (
            pagination.encode_token({"offset": offset + size}, bound_to=bound, secret=self.page_secret)
            if len(rows) > size
            else ""
        )
        return [_loaded(row) for row in rows[:size]], token, total

    async def verify(self) -> list[ChainCheck]:
        checks = []
        async with self.db.read() as session:
            services = list(
                await session.scalars(
                    select(AuditTrailRow.service).distinct().order_by(AuditTrailRow.service)
                )
            )
            for service in services:
                rows = await session.execute(
                    select(
                        AuditTrailRow.sequence,
                        AuditTrailRow.prev_hash,
                        AuditTrailRow.hash,
                        AuditTrailRow.canonical_json,
                    )
                    .where(AuditTrailRow.service == service)
                    .order_by(AuditTrailRow.sequence)
                )
                checks.append(_walk(service, rows.all()))
        return checks

    async def export(
        self, filter_text: str, start: datetime | None, end: datetime | None, *, xlsx: bool
    ) -> tuple[str, str, bytes, int]:
        query = (
            self._query(filter_text, start, end)
            .order_by(AuditTrailRow.occur_time, AuditTrailRow.service, AuditTrailRow.sequence)
            .limit(MAX_EXPORT)
        )
        async with self.db.read() as session:
            records = [_loaded(row) for row in (await session.scalars(query))]
        rows = [[_cell(record, field) for _, field in COLUMNS] for record in records]
        stamp = self.clock.now().strftime("%Y%m%d-%H%M%S")
        if xlsx:
            return (
                f"audit-{stamp}.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                _xlsx(rows),
                len(rows),
            )
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow([title for title, _ in COLUMNS])
        writer.writerows(rows)
        return (
            f"audit-{stamp}.csv",
            "text/csv; charset=utf-8",
            ("\ufeff" + text.getvalue()).encode(),
            len(rows),
        )


def _walk(service: str, rows: list[Any]) -> ChainCheck:
    previous_hash, expected = GENESIS, 1
    for sequence, prev_hash, hash_, canonical in rows:
        if sequence != expected:
            return ChainCheck(service, len(rows), rows[-1][0], expected, "missing")
        if prev_hash != previous_hash:
            return ChainCheck(service, len(rows), rows[-1][0], sequence, "prev_hash does not match")
        if chain_hash(prev_hash, canonical) != hash_:
            return ChainCheck(service, len(rows), rows[-1][0], sequence, "hash does not match")
        previous_hash, expected = hash_, sequence + 1
    return ChainCheck(service, len(rows), rows[-1][0] if rows else 0)


def _cell(record: audit_pb2.AuditRecord, field: str) -> str | int:
    if field == "occur_time":
        return from_timestamp(record.occur_time).isoformat()
    if field in ("before", "after", "details"):
        value = json_format.MessageToDict(getattr(record, field))
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
    if field == "kind":
        return KINDS.get(record.kind, "")
    value = getattr(record, field)
    return value if isinstance(value, int) else str(value)


def _xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("审计追踪")
    sheet.append([title for title, _ in COLUMNS])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _kind(value: str) -> str:
    kind = value.removeprefix("KIND_")
    if kind not in ("CHANGE", "VIEW"):
        raise ValueError("KIND_CHANGE 或 KIND_VIEW (KIND_CHANGE or KIND_VIEW)")
    return kind
