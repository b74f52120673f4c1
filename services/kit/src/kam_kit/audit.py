"""The audit trail (审计追踪) every service keeps: who changed or saw what, hash-chained per service, published.

Writing is cheap and takes no shared lock: :func:`record_change` and :func:`record_view` queue a row on the
caller's ``AsyncSession`` and a ``before_commit`` hook inserts the queued rows (one executemany) as part of the
same transaction — the record exists if and only if the change committed, exactly like :func:`kam_kit.outbox.record`.
The rows are written *unsealed* (no ``sequence``, no ``hash``).

:class:`AuditSealer` (one background task per service process, like the outbox relay) then takes the unsealed rows in
id order, batch by batch, and in one transaction per batch gives each the next ``sequence`` of the service's chain,
``prev_hash`` and ``hash`` = SHA-256(prev_hash + "\\n" + canonical JSON of the record), and queues its
``kam.audit.v1.AuditRecorded`` event in the outbox (so it is published once, never lost). On PostgreSQL a
transaction-scoped advisory lock makes one replica seal at a time; on SQLite the single writer (and the
``UNIQUE (service, sequence)`` constraint) does. :func:`verify_chain` walks a chain and returns its first broken
link: an altered, deleted or inserted record.

``before``/``after`` hold only the fields that changed. Personal data in them is stored (compliance needs it) but
this module never logs a record's values; fields named like secrets (``password``, ``token`` …, or listed in
``redact``) are stored as ``"[redacted]"`` — the record shows they changed, not to what.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from types import SimpleNamespace
from typing import Any

from google.protobuf import struct_pb2
from kam.audit.v1 import audit_pb2
from opentelemetry import trace
from sqlalchemy import Select, bindparam, event, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from kam_kit import bulk, grpcserver, outbox, telemetry, worker
from kam_kit.auth import Identity
from kam_kit.clock import SYSTEM_CLOCK, Clock
from kam_kit.db import Database, audit_table

log = logging.getLogger(__name__)

CHANGE, VIEW = "change", "view"
GENESIS = "0" * 64
REDACTED = "[redacted]"
#: Field names whose values are never stored (substring match, case-insensitive).
SECRET_MARKERS = ("password", "secret", "token", "api_key", "private_key")
#: A view record keeps the first resources shown; ``details.resource_count`` counts them all.
MAX_VIEW_RESOURCES = 100
#: Any 64-bit number, the same in every service: ``pg_advisory_xact_lock`` key of the sealer.
SEAL_LOCK_KEY = 0x6B616D5F61756469  # "kam_audi"

_KIND_TO_PROTO = {CHANGE: audit_pb2.AuditRecord.KIND_CHANGE, VIEW: audit_pb2.AuditRecord.KIND_VIEW}
_ACTOR_KIND_TO_PROTO = {
    "user": audit_pb2.AuditRecord.ACTOR_KIND_USER,
    "service": audit_pb2.AuditRecord.ACTOR_KIND_SERVICE,
    "system": audit_pb2.AuditRecord.ACTOR_KIND_SYSTEM,
}


# ---------------------------------------------------------------------------------------------------------- writing


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON data, the form it is stored, hashed and published in: dates and times in ISO 8601
    (times in UTC with the offset; a naive time is taken as UTC), decimals as strings, enums by value, sets sorted."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):  # naive ones are UTC (what SQLite gives back for an aware column)
        return (value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted(jsonable(v) for v in value)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def snapshot(obj: object, fields: Iterable[str]) -> dict[str, Any]:
    """The named attributes of ``obj`` (an ORM row, a dataclass …) as a ``before``/``after`` dict."""
    return {name: jsonable(getattr(obj, name, None)) for name in fields}


def is_secret(field_name: str) -> bool:
    lowered = field_name.lower()
    return any(marker in lowered for marker in SECRET_MARKERS)


def changed_fields(
    before: Mapping[str, Any], after: Mapping[str, Any], *, redact: Iterable[str] = ()
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields whose value differs (a field on one side only counts as changed), secrets redacted."""
    redacted = set(redact)
    old, new = jsonable(dict(before)), jsonable(dict(after))
    kept_before: dict[str, Any] = {}
    kept_after: dict[str, Any] = {}
    for name in sorted(old.keys() | new.keys()):
        if name in old and name in new and old[name] == new[name]:
            continue
        hide = name in redacted or is_secret(name)
        if name in old:
            kept_before[name] = REDACTED if hide and old[name] is not None else old[name]
        if name in new:
            kept_after[name] = REDACTED if hide and new[name] is not None else new[name]
    return kept_before, kept_after


def _actor(actor: Identity | None) -> dict[str, Any]:
    if actor is None:
        return {
            "actor": "",
            "actor_kind": "system",
            "actor_display_name": "",
            "actor_roles": [],
            "actor_org_unit": "",
        }
    return {
        "actor": actor.subject[:128],
        "actor_kind": actor.kind,
        "actor_display_name": actor.display_name[:200],
        "actor_roles": list(actor.roles),
        "actor_org_unit": actor.org_unit[:128],
    }


def _current_trace_id() -> str:
    context = trace.get_current_span().get_span_context()
    return f"{context.trace_id:032x}" if context.is_valid else ""


def _queue(
    session: AsyncSession,
    *,
    service: str,
    kind: str,
    actor: Identity | None,
    action: str,
    resource: str,
    before: dict,
    after: dict,
    details: dict,
    address: str | None,
    client: str | None,
    request_id: str | None,
    trace_id: str | None,
    clock: Clock,
    record_id: str | None,
) -> str:
    now = clock.now().astimezone(UTC)
    record_id = record_id or outbox.time_ordered_id(now)
    origin_address, origin_client = grpcserver.current_origin()
    row = {
        "record_id": record_id,
        "service": service,
        "kind": kind,
        "occurred_at": now,
        **_actor(actor),
        "action": action[:128],
        "resource": resource[:255],
        "before": before,
        "after": after,
        "details": jsonable(details),
        "address": (origin_address if address is None else address)[:64],
        "client": (origin_client if client is None else client)[:255],
        "request_id": (grpcserver.current_request_id() if request_id is None else request_id)[:64],
        "trace_id": (_current_trace_id() if trace_id is None else trace_id)[:32],
    }
    session.sync_session.info.setdefault("kam_audit", []).append(row)
    return record_id


def record_change(
    session: AsyncSession,
    *,
    service: str,
    actor: Identity | None,
    action: str,
    resource: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
    redact: Iterable[str] = (),
    address: str | None = None,
    client: str | None = None,
    request_id: str | None = None,
    trace_id: str | None = None,
    clock: Clock = SYSTEM_CLOCK,
    record_id: str | None = None,
) -> str:
    """Queue the audit record of a change in the caller's transaction; returns its id.

    ``before`` is empty for a create, ``after`` for a delete; of the rest only the changed fields are kept.
    ``actor`` None is the service itself (a schedule). ``address``/``client``/``request_id``/``trace_id`` default to
    the gRPC call being served (:func:`kam_kit.grpcserver.current_origin`, its request id, the current trace).
    """
    kept_before, kept_after = changed_fields(before or {}, after or {}, redact=redact)
    return _queue(
        session,
        service=service,
        kind=CHANGE,
        actor=actor,
        action=action,
        resource=resource,
        before=kept_before,
        after=kept_after,
        details=dict(details or {}),
        address=address,
        client=client,
        request_id=request_id,
        trace_id=trace_id,
        clock=clock,
        record_id=record_id,
    )


def record_view(
    session: AsyncSession,
    *,
    service: str,
    actor: Identity | None,
    action: str,
    resources: Sequence[str],
    kinds: Iterable[str] = (),
    resource_count: int | None = None,
    query: str = "",
    details: Mapping[str, Any] | None = None,
    address: str | None = None,
    client: str | None = None,
    request_id: str | None = None,
    trace_id: str | None = None,
    clock: Clock = SYSTEM_CLOCK,
    record_id: str | None = None,
) -> str:
    """Queue the audit record of a response that showed personal data unmasked (in the caller's transaction).

    ``resources``: what was shown (the first :data:`MAX_VIEW_RESOURCES` are kept, ``resource_count`` counts all);
    ``kinds``: the kinds of personal data; ``query``: a search query, stored as typed (it may itself be personal).
    """
    shown = list(resources)
    facts = {
        "resources": shown[:MAX_VIEW_RESOURCES],
        "resource_count": len(shown) if resource_count is None else resource_count,
        "kinds": sorted(set(kinds)),
        "query": query,
        **(details or {}),
    }
    return _queue(
        session,
        service=service,
        kind=VIEW,
        actor=actor,
        action=action,
        resource=shown[0] if shown else "",
        before={},
        after={},
        details=facts,
        address=address,
        client=client,
        request_id=request_id,
        trace_id=trace_id,
        clock=clock,
        record_id=record_id,
    )


class AuditTrail:
    """:func:`record_change` and :func:`record_view` bound to a service and its clock."""

    def __init__(self, service: str, clock: Clock = SYSTEM_CLOCK) -> None:
        self.service = service
        self.clock = clock

    def change(
        self,
        session: AsyncSession,
        *,
        actor: Identity | None,
        action: str,
        resource: str,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> str:
        return record_change(
            session,
            service=self.service,
            clock=self.clock,
            actor=actor,
            action=action,
            resource=resource,
            before=before,
            after=after,
            **kwargs,
        )

    def view(
        self,
        session: AsyncSession,
        *,
        actor: Identity | None,
        action: str,
        resources: Sequence[str],
        **kwargs: Any,
    ) -> str:
        return record_view(
            session,
            service=self.service,
            clock=self.clock,
            actor=actor,
            action=action,
            resources=resources,
            **kwargs,
        )


def seal_at_commit(session: AsyncSession | Session, clock: Clock = SYSTEM_CLOCK) -> None:
    """Have ``session``'s transaction seal the records it writes into their service's chain as it commits — the
    chain's head read, the links computed and the ``AuditRecorded`` events written in that transaction — rather than
    leave them to the :class:`AuditSealer` after it. For a writer that commits many calls' records at once (the
    customer service's group commit of access records): the sealer's two transactions per batch are saved, and the
    events leave with the commit. The chain is held from the transaction's last statement to its commit (on
    PostgreSQL the sealers' advisory lock; on SQLite the writer it holds anyway), so only a short transaction should
    ask for it."""
    session.info["kam_audit_seal"] = clock


@event.listens_for(Session, "before_commit")
def _write_pending_records(session: Session) -> None:
    """Insert the records queued by :func:`record_change` / :func:`record_view` in the committing transaction;
    sealed, if the transaction asked for it (:func:`seal_at_commit`)."""
    pending = session.info.pop("kam_audit", None)
    clock = session.info.pop("kam_audit_seal", None)
    if not pending:
        return
    if clock is None:
        bulk.insert_rows_sync(session.connection(), audit_table, pending)
        RECORDS_WRITTEN.wrote(session)
        return
    _seal_with(session, pending, clock)


#: A transaction sealing at commit first seals the committed records still waiting for the sealer (a change
#: committed just before), so the chain keeps the order records were committed in; with more waiting than this
#: (the sealer stopped a while), it leaves its own to the sealer too, which catches up in order.
SEAL_AT_COMMIT_BACKLOG = 100


def _seal_with(session: Session, pending: list[dict], clock: Clock) -> None:
    """The records ``pending`` of a committing transaction, sealed after those committed before them."""
    t = audit_table
    connection = session.connection()
    if connection.dialect.name == "postgresql":  # one sealer at a time across replicas, until this commit
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SEAL_LOCK_KEY})
    else:  # SQLite: the write lock before the chain is read (a transaction that has only read holds none yet)
        connection.execute(text("UPDATE kam_audit_records SET id = id WHERE 0"))
    now = clock.now()
    left_unsealed = False
    for service in dict.fromkeys(row["service"] for row in pending):
        waiting = connection.execute(
            select(t)
            .where(t.c.sequence.is_(None), t.c.service == service)
            .order_by(t.c.id)
            .limit(SEAL_AT_COMMIT_BACKLOG + 1)
        ).all()
        rows = [row for row in pending if row["service"] == service]
        if len(waiting) > SEAL_AT_COMMIT_BACKLOG:
            for row in rows:  # (every row with the same columns: one executemany)
                row |= {"sequence": None, "prev_hash": None, "hash": None, "sealed_at": None}
            left_unsealed = True
            continue
        last = connection.execute(_head_query(service)).first()
        head = (last.sequence, last.hash) if last is not None else (0, GENESIS)
        records: list[Any] = [*waiting, *(SimpleNamespace(**row) for row in rows)]
        links = _links(records, head)
        for record, (_, _, _, recorded) in zip(records, links, strict=True):
            outbox.record(
                session,
                recorded,
                service=service,
                clock=clock,
                resource=record.resource,
                event_id=record.record_id,
            )
        for row, (sequence, prev_hash, digest, _) in zip(rows, links[len(waiting) :], strict=True):
            row |= {"sequence": sequence, "prev_hash": prev_hash, "hash": digest, "sealed_at": now}
        if waiting:
            connection.execute(
                _SEAL_UPDATE.values(sealed_at=now),
                [
                    {"_id": row.id, "_sequence": sequence, "_prev_hash": prev_hash, "_hash": digest}
                    for row, (sequence, prev_hash, digest, _) in zip(waiting, links, strict=False)
                ],
            )
    bulk.insert_rows_sync(connection, t, pending)
    if left_unsealed:
        RECORDS_WRITTEN.wrote(session)
    outbox.write_pending(session)  # (the outbox's own hook may have run already)


#: Committed transactions that wrote audit records (in this process): the sealer wakes only for them.
RECORDS_WRITTEN = worker.CommittedWrites("audit_records")


@event.listens_for(Session, "after_rollback")
def _drop_pending_records(session: Session) -> None:
    session.info.pop("kam_audit", None)
    session.info.pop("kam_audit_seal", None)


# ----------------------------------------------------------------------------------------------------- the chain

_HASHED = (
    "record_id",
    "service",
    "kind",
    "actor",
    "actor_kind",
    "actor_display_name",
    "actor_roles",
    "actor_org_unit",
    "action",
    "resource",
    "before",
    "after",
    "details",
    "address",
    "client",
    "request_id",
    "trace_id",
)


def _utc(moment: datetime) -> datetime:
    return (
        moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    )  # SQLite: naive UTC


def canonical_json(row: Any, sequence: int) -> str:
    """The text a record's hash covers: every field but the hashes, keys sorted, no spaces, UTF-8 as is."""
    values = {name: getattr(row, name) for name in _HASHED}
    values["sequence"] = sequence
    values["occur_time"] = _utc(row.occurred_at).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def chain_hash(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def _head_query(service: str) -> Select:
    """The last sealed record of ``service``'s chain: its (sequence, hash)."""
    t = audit_table
    return (
        select(t.c.sequence, t.c.hash)
        .where(t.c.service == service, t.c.sequence.is_not(None))
        .order_by(t.c.sequence.desc())
        .limit(1)
    )


#: Seals a stored record: executed with ``_id``, ``_sequence``, ``_prev_hash``, ``_hash`` per record
_SEAL_UPDATE = (
    update(audit_table)
    .where(audit_table.c.id == bindparam("_id"), audit_table.c.sequence.is_(None))
    .values(sequence=bindparam("_sequence"), prev_hash=bindparam("_prev_hash"), hash=bindparam("_hash"))
)


def _links(rows: Sequence[Any], head: tuple[int, str]) -> list[tuple[int, str, str, audit_pb2.AuditRecorded]]:
    """Each record's link after ``head`` (the chain's last sequence and hash), in order: its sequence, the previous
    hash, its hash and its event."""
    sequence, prev_hash = head
    links = []
    for row in rows:
        sequence += 1
        canonical = canonical_json(row, sequence)
        digest = chain_hash(prev_hash, canonical)
        recorded = recorded_event(
            row, sequence=sequence, prev_hash=prev_hash, hash_=digest, canonical=canonical
        )
        links.append((sequence, prev_hash, digest, recorded))
        prev_hash = digest
    return links


def _struct(value: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(value)
    return struct


#: A record whose canonical JSON is longer than this (characters) has an ``AuditRecorded`` event that carries its
#: values once, in ``canonical_json``: the view of a page of 50 customers (≈ 2.6 K characters; ≈ 5 KB as an event
#: with its 50 names twice) travels as ≈ 2.7 KB; a change of a few fields or the view of one customer (≈ 500–700)
#: stays whole.
ABRIDGE_CHARS = 1024


def recorded_event(
    row: Any, *, sequence: int, prev_hash: str, hash_: str, canonical: str
) -> audit_pb2.AuditRecorded:
    """The event of a sealed record (``row``: its stored values). A large one (a page's view naming 50 customers; a
    campaign's 10,000 named customers before and after: ≈ 1 MB as ``Struct`` values and again in
    ``canonical_json``) leaves ``before``, ``after`` and ``details`` out and says so (``abridged``): they are in
    ``canonical_json`` whole, so the event is half the size — in the outbox, on the stream, in every consumer —,
    the values are not turned into ``Struct`` messages only to be dropped, and the chain stays verifiable from it
    (:func:`values_of` gives them back)."""
    abridged = len(canonical) > ABRIDGE_CHARS
    record = to_proto(
        row, sequence=sequence, prev_hash=prev_hash, hash_=hash_, canonical=canonical, values=not abridged
    )
    record.abridged = abridged
    return audit_pb2.AuditRecorded(record=record)


#: What an abridged record leaves to its ``canonical_json``.
VALUE_FIELDS = ("before", "after", "details")


def abridged(record: audit_pb2.AuditRecord) -> audit_pb2.AuditRecord:
    """A copy of ``record`` without ``before``, ``after`` and ``details`` (``abridged``: ``canonical_json`` holds
    them); :func:`values_of` gives them back."""
    copy = audit_pb2.AuditRecord()
    copy.CopyFrom(record)
    for name in VALUE_FIELDS:
        copy.ClearField(name)
    copy.abridged = True
    return copy


def values_of(record: audit_pb2.AuditRecord) -> audit_pb2.AuditRecord:
    """``record`` with ``before``, ``after`` and ``details`` filled in from ``canonical_json`` when its event left
    them out (:func:`recorded_event`, :func:`abridged`); else as it is."""
    if record.abridged:
        whole = json.loads(record.canonical_json)
        for name in VALUE_FIELDS:
            getattr(record, name).update(whole.get(name) or {})
        record.abridged = False
    return record


def to_proto(
    row: Any, *, sequence: int, prev_hash: str, hash_: str, canonical: str, values: bool = True
) -> audit_pb2.AuditRecord:
    """A stored record as the message; ``values`` False leaves ``before``, ``after`` and ``details`` empty (they are
    in ``canonical``)."""
    record = audit_pb2.AuditRecord(
        record_id=row.record_id,
        service=row.service,
        sequence=sequence,
        hash=hash_,
        prev_hash=prev_hash,
        kind=_KIND_TO_PROTO.get(row.kind, audit_pb2.AuditRecord.KIND_UNSPECIFIED),
        actor=row.actor,
        actor_kind=_ACTOR_KIND_TO_PROTO.get(row.actor_kind, audit_pb2.AuditRecord.ACTOR_KIND_UNSPECIFIED),
        actor_display_name=row.actor_display_name,
        actor_roles=list(row.actor_roles),
        actor_org_unit=row.actor_org_unit,
        action=row.action,
        resource=row.resource,
        before=_struct(row.before) if values else None,
        after=_struct(row.after) if values else None,
        details=_struct(row.details) if values else None,
        address=row.address,
        client=row.client,
        request_id=row.request_id,
        trace_id=row.trace_id,
        canonical_json=canonical,
    )
    record.occur_time.FromDatetime(_utc(row.occurred_at))
    return record


class AuditSealer:
    """Seals committed audit records into the service's hash chain and publishes them (through the outbox)."""

    def __init__(
        self,
        db: Database,
        *,
        service: str,
        clock: Clock = SYSTEM_CLOCK,
        batch_size: int = 500,
        poll_interval: float = 1.0,
    ) -> None:
        self.db = db
        self.service = service
        self.clock = clock
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self._wakeup = asyncio.Event()
        self._records = worker.Watch(RECORDS_WRITTEN)
        self._failures = telemetry.meter().create_counter(
            "kam.audit.seal_failures", unit="{batch}", description="Audit sealing attempts that failed"
        )
        db.after_commit_hooks.append(self.notify)

    def notify(self) -> None:
        """Wake the sealer (after a commit that wrote records) so they join the chain without waiting for the next
        poll."""
        if self._records.changed():
            self._wakeup.set()

    async def run(self) -> None:
        """Seal until cancelled; retry with backoff on failure (another replica holding the chain, a lost
        connection); while busy, let more records gather before the next batch (see outbox.COALESCE_SECONDS)."""
        await worker.keep_working(
            self.seal,
            wakeup=self._wakeup,
            poll_interval=self.poll_interval,
            coalesce=outbox.COALESCE_SECONDS,
            failed=self._failed,
        )

    def _failed(self, exc: Exception, retry_in: float) -> None:
        self._failures.add(1, {"service": self.service})
        log.warning("audit sealing failed; will retry", extra={"error": repr(exc), "retry_in": retry_in})

    async def seal(self) -> int:
        """Seal every committed unsealed record now, batch by batch; returns how many were sealed."""
        self._records.look()
        total = 0  # a batch reads before it writes: nothing to seal takes no write transaction (nor lock)
        while True:
            count = await self.seal_batch()
            total += count
            if count < self.batch_size:
                return total

    async def _head(self, session: AsyncSession) -> tuple[int, str]:
        head = (await session.execute(_head_query(self.service))).first()
        return (head.sequence, head.hash) if head is not None else (0, GENESIS)

    async def seal_batch(self) -> int:
        """Seal the next batch. The chain is computed (canonical JSON, hashes, the events) before the write
        transaction, which then only checks that the chain's head has not moved and writes: the hashing does not
        hold the database's writer (on SQLite, the one every caller's commit waits for). A head that moved meanwhile
        (another replica sealed) makes the batch start over."""
        t = audit_table
        while True:
            async with self.db.read() as session:
                head = await self._head(session)
                rows = (
                    await session.execute(
                        select(t)
                        .where(t.c.sequence.is_(None), t.c.service == self.service)
                        .order_by(t.c.id)
                        .limit(self.batch_size)
                    )
                ).all()
            if not rows:
                return 0
            sealed, recorded = [], []
            for row, (sequence, prev_hash, digest, event_) in zip(rows, _links(rows, head), strict=True):
                sealed.append(
                    {"_id": row.id, "_sequence": sequence, "_prev_hash": prev_hash, "_hash": digest}
                )
                recorded.append((event_, row.resource, row.record_id))
            now = self.clock.now()
            async with self.db.writing(inline=True) as session:
                if not self.db.is_sqlite:  # one sealer at a time across replicas, until this transaction ends
                    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SEAL_LOCK_KEY})
                if await self._head(session) != head:
                    continue  # another sealer moved the chain: compute again from its new head
                for event_, resource, record_id in recorded:
                    outbox.record(
                        session,
                        event_,
                        service=self.service,
                        clock=self.clock,
                        resource=resource,
                        event_id=record_id,
                    )
                await session.execute(_SEAL_UPDATE.values(sealed_at=now), sealed)
            for hook in self.db.after_commit_hooks:  # the outbox relay: the events are waiting
                if hook != self.notify:
                    hook()
            return len(rows)


@dataclass(frozen=True)
class BrokenLink:
    """The first place a chain does not hold: the record at ``sequence`` (``record_id``) and why."""

    sequence: int
    record_id: str
    reason: str


async def verify_chain(db: Database, *, service: str | None = None, chunk: int = 1000) -> BrokenLink | None:
    """Walk the sealed records of a service's chain (every service in the database when None: each its own chain)
    and return the first broken link, or None when every record is intact and none is missing or inserted."""
    t = audit_table
    async with db.read() as session:
        services = (
            [service]
            if service
            else list(
                (
                    await session.scalars(
                        select(t.c.service).where(t.c.sequence.is_not(None)).distinct().order_by(t.c.service)
                    )
                ).all()
            )
        )
        for name in services:
            broken = await _verify_one(session, name, chunk)
            if broken is not None:
                return broken
    return None


async def _verify_one(session: AsyncSession, service: str, chunk: int) -> BrokenLink | None:
    t = audit_table
    expected, prev_hash = 1, GENESIS
    while True:
        rows = (
            await session.execute(
                select(t)
                .where(t.c.service == service, t.c.sequence >= expected)
                .order_by(t.c.sequence)
                .limit(chunk)
            )
        ).all()
        for row in rows:
            if row.sequence != expected:
                return BrokenLink(
                    row.sequence,
                    row.record_id,
                    f"sequence {expected} is missing (next is {row.sequence}): a record was deleted",
                )
            if row.prev_hash != prev_hash:
                return BrokenLink(
                    row.sequence,
                    row.record_id,
                    "prev_hash is not the previous record's hash: a record was removed or inserted",
                )
            if chain_hash(prev_hash, canonical_json(row, row.sequence)) != row.hash:
                return BrokenLink(
                    row.sequence, row.record_id, "hash does not match the record: it was altered"
                )
            expected, prev_hash = expected + 1, row.hash
        if len(rows) < chunk:
            return None


async def chain_length(db: Database, *, service: str | None = None) -> tuple[int, int]:
    """(sealed, unsealed) records, of one service or all."""
    t = audit_table
    where = [t.c.service == service] if service else []
    async with db.read() as session:
        sealed = await session.scalar(
            select(func.count()).select_from(t).where(t.c.sequence.is_not(None), *where)
        )
        unsealed = await session.scalar(
            select(func.count()).select_from(t).where(t.c.sequence.is_(None), *where)
        )
    return int(sealed or 0), int(unsealed or 0)
