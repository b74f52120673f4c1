"""The audit trail of personal-data views (个人信息查看审计).

Each access record is also a view record of the service's audit trail (:func:`kam_kit.audit.record_view`, in
the same transaction): hash-chained and published like every change (``AuditRecorded``, kind ``KIND_VIEW``, action
``personal_data.view``, the access record's name in its details — the view's one event; ``PersonalDataAccessed``,
which said the same again, is no longer published). ``access_records`` stays the index that ``AccessAuditService``
searches.

While an RPC runs, every place that renders personal data unmasked notes what it showed (:func:`disclose` and
the ``*_shown`` helpers below) into the call's :class:`Disclosure`. Before the response leaves,
:meth:`AccessAudit.record` writes one access record and its trail record and waits until they are
committed — in a transaction shared with the records of concurrent calls (:mod:`kam_kit.groupcommit`); when
that fails the call fails (no unaudited reveal). A response masked for the caller notes nothing and
writes nothing.

The call's requested view (``pii_view``, :class:`kam.customer.v1.PiiView`, AIP-157) travels with its
:class:`Disclosure`: ``PII_VIEW_MASKED`` masks the response whatever the caller may see, so nothing is noted
(see ``audit_api.sees_personal_data``, the one masking decision).

The kinds are the ones a caller without the permission sees masked: an individual's or a contact's name, ID
numbers, phones, contacts' e-mail and birth date, account numbers and transaction counterparties.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from kam.customer.v1 import audit_pb2, customer_pb2
from kam_kit import audit as trail_records
from kam_kit import bulk, grpcserver, outbox, worker
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.errors import NotFound, Unavailable
from kam_kit.groupcommit import GroupCommit
from kam_kit.timeconv import to_timestamp
from sqlalchemy import (
    Boolean,
    ColumnElement,
    Text,
    and_,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.compiler import compiles

from kam_customer.adapters import pii
from kam_customer.adapters.orm import (
    AccessRecordCustomerRow,
    AccessRecordRow,
    AccountRow,
    ContactRow,
    CustomerRow,
    TransactionRow,
)
from kam_customer.adapters.trail import trail
from kam_customer.domain import customers as domain
from kam_customer.domain import names
from kam_customer.search import text
from kam_customer.search.query import Hit

log = logging.getLogger(__name__)

KINDS = (
    "NAME",
    "ID_NUMBER",
    "PHONE",
    "EMAIL",
    "BIRTH_DATE",
    "ACCOUNT_NUMBER",
    "COUNTERPARTY_NAME",
    "ADDRESS",
)
NAME, ID_NUMBER, PHONE, EMAIL, BIRTH_DATE, ACCOUNT_NUMBER, COUNTERPARTY_NAME, ADDRESS = KINDS
#: The customers kept per record; ``customer_count`` has them all.
MAX_CUSTOMERS = 100
#: Records indexed by customer per transaction, and how often an idle indexer looks anyway.
INDEX_BATCH = 500
INDEX_POLL_SECONDS = 1.0
RECORDS = AccessRecordRow.__table__
RECORD_CUSTOMERS = AccessRecordCustomerRow.__table__
MAX_QUERY = 200

Record = audit_pb2.AccessRecord
KIND_TO_PROTO = {name: Record.PersonalDataKind.Value(f"PERSONAL_DATA_KIND_{name}") for name in KINDS}
ACTOR_KIND_TO_PROTO = {"user": Record.ACTOR_KIND_USER, "service": Record.ACTOR_KIND_SERVICE}


@dataclass
class Disclosure:
    """What one response shows unmasked: the customers (ids, first-seen order) and the kinds of personal data."""

    customers: dict[str, None] = field(default_factory=dict)
    kinds: set[str] = field(default_factory=set)
    search_query: str = ""
    #: The view the call asked for (``kam.customer.v1.PiiView``).
    view: int = customer_pb2.PII_VIEW_UNSPECIFIED
    #: Why the caller shows personal data (the request's ``pii_reason``), kept in the record.
    reason: str = ""

    def add(self, customer_id: str, kinds: Iterable[str]) -> None:
        shown = set(kinds)
        if self.view == customer_pb2.PII_VIEW_BASIC:  # only names leave unmasked
            shown &= {NAME, COUNTERPARTY_NAME}
        if shown:
            self.customers.setdefault(customer_id)
            self.kinds |= shown


_current: contextvars.ContextVar[Disclosure | None] = contextvars.ContextVar("kam_disclosure", default=None)


@contextmanager
def collecting(view: int = customer_pb2.PII_VIEW_UNSPECIFIED, reason: str = "") -> Iterator[Disclosure]:
    """Collect the disclosures of the code run inside (one RPC, which asked for ``view`` giving ``reason``)."""
    disclosure = Disclosure(view=view, reason=reason)
    token, view_token = _current.set(disclosure), pii.use_view(view)
    try:
        yield disclosure
    finally:
        pii.reset_view(view_token)
        _current.reset(token)


def masked_view() -> bool:
    """Whether the current call asked for personal data masked (``PII_VIEW_MASKED``)."""
    disclosure = _current.get()
    return disclosure is not None and disclosure.view == customer_pb2.PII_VIEW_MASKED


def disclose(customer_id: str, kinds: Iterable[str]) -> None:
    """Note that personal data of ``customer_id`` is being shown unmasked (ignored outside :func:`collecting`)."""
    disclosure = _current.get()
    if disclosure is not None:
        disclosure.add(customer_id, kinds)


#: Search match kinds (see kam_customer.search.text) → what the matched value reveals.
MATCH_KINDS = {"D": ID_NUMBER, "C": ID_NUMBER, "M": PHONE, "A": ACCOUNT_NUMBER}


def searched(query: str, page: Iterable[tuple[Hit, CustomerRow]], *, masked: bool) -> None:
    """Note the search query of the current call. It is kept with the record of what the results show unmasked
    and — for every caller, masked or not, found or not — when the query is looked up as an ID number, a phone or
    an account number (a lookup of personal data), or when a masked caller found an individual by their whole
    name (which confirms the name)."""
    disclosure = _current.get()
    if disclosure is None:
        return
    disclosure.search_query = query[:MAX_QUERY]
    looked_up = {MATCH_KINDS[kind] for kind in text.lookup_kinds(query)}
    if looked_up:
        disclosure.kinds |= looked_up
    for hit, customer in page:
        if looked_up:
            disclosure.add(customer.id, looked_up)
        if masked and hit.kind in ("N", "P", "I") and customer.type == domain.INDIVIDUAL:
            disclosure.add(customer.id, [NAME])


def customer_kinds(row: CustomerRow) -> list[str]:
    kinds = []  # plain tests (a page of 50 asks this 50 times)
    if (row.type == domain.INDIVIDUAL and row.display_name) or row.legal_representative:
        kinds.append(NAME)
    if row.id_number:
        kinds.append(ID_NUMBER)
    if row.phone:
        kinds.append(PHONE)
    if row.email:
        kinds.append(EMAIL)
    if row.address:
        kinds.append(ADDRESS)
    return kinds


def contact_kinds(row: ContactRow) -> list[str]:
    return [
        kind
        for kind, shown in (
            (NAME, row.display_name),
            (ID_NUMBER, row.id_number),
            (PHONE, row.phone),
            (EMAIL, row.email),
            (BIRTH_DATE, row.birth_date),
        )
        if shown
    ]


def customers_shown(rows: Iterable[CustomerRow]) -> None:
    """As :func:`disclose` for each row, with the call's disclosure looked up once and the kinds joined once (a
    page of 50 is noted on every audited page read)."""
    disclosure = _current.get()
    if disclosure is None:
        return
    basic = disclosure.view == customer_pb2.PII_VIEW_BASIC  # only names leave unmasked
    seen: set[str] = set()
    customers = disclosure.customers
    for row in rows:
        kinds = customer_kinds(row)
        if basic:
            kinds = [NAME] if NAME in kinds else []
        if kinds:
            customers.setdefault(row.id)
            seen.update(kinds)
    disclosure.kinds |= seen


def contacts_shown(rows: Iterable[ContactRow]) -> None:
    for row in rows:
        disclose(row.customer_id, contact_kinds(row))


def accounts_shown(rows: Iterable[AccountRow]) -> None:
    for row in rows:
        disclose(row.customer_id, [ACCOUNT_NUMBER])


def transactions_shown(rows: Iterable[TransactionRow]) -> None:
    for row in rows:
        disclose(row.customer_id, [COUNTERPARTY_NAME] if row.counterparty else [])


def key_dates_shown(items: Iterable) -> None:
    """Key dates (:class:`kam_customer.keydates.listing.ListedKeyDate`): an individual's name, a contact's name."""
    for item in items:
        individual_named = item.customer.type == domain.INDIVIDUAL and item.customer.display_name
        contact_named = item.contact is not None and item.contact.display_name
        disclose(item.customer.id, [NAME] if individual_named or contact_named else [])


def matches_shown(page: Iterable[tuple[Hit, CustomerRow]]) -> None:
    """Search results' matched values (``(hit, customer)`` pairs) shown unmasked; a matched name is personal
    data only for individuals, as when masking."""
    for hit, customer in page:
        kind = MATCH_KINDS.get(hit.kind, NAME if customer.type == domain.INDIVIDUAL else "")
        disclose(customer.id, [kind] if kind else [])


def record_to_proto(row: AccessRecordRow, customer_ids: list[str]) -> audit_pb2.AccessRecord:
    kinds = row.data_kinds.split()
    return Record(
        name=f"accessRecords/{row.id}",
        access_time=to_timestamp(row.access_time),
        actor=row.actor,
        actor_kind=ACTOR_KIND_TO_PROTO.get(row.actor_kind, Record.ACTOR_KIND_UNSPECIFIED),
        actor_display_name=row.actor_display_name,
        actor_roles=row.actor_roles.split(),
        actor_org_unit=row.actor_org_unit,
        method=row.method,
        customers=[f"customers/{cid}" for cid in customer_ids],
        customer_count=row.customer_count,
        personal_data_kinds=sorted(KIND_TO_PROTO[k] for k in kinds if k in KIND_TO_PROTO),
        search_query=row.search_query,
        reason=row.reason,
        request_id=row.request_id,
        trace_id=row.trace_id,
    )


class AccessAudit:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.trail = trail(clock)
        self.writer = GroupCommit(db, name="access-records")
        #: Whether a record is found by customer through its own list (``customer_ids``): on PostgreSQL, where a
        #: GIN index covers the list in the record's transaction (``ix_access_records_customer_list``). Rows in
        #: ``access_record_customers`` wrote half the write-ahead log of an audited page of 50 there (50 heap rows
        #: and 100 B-tree entries, ≈ 25 KB of ≈ 45 KB; docs/performance.md). SQLite has no such index: there the
        #: rows are the index by customer.
        self.index_by_list = not db.is_sqlite
        #: Where the rows are the index (SQLite): whether they are written after the record's commit (by
        #: :meth:`run_indexer`) rather than in it. There every index page a commit touches is written to the log on
        #: the event loop, up to 100 per record, which a call then waits for (an audited page of 50 at 200/s: p99
        #: 44–48 → 19–30 ms).
        self.defer_index = True
        #: Whether a batch's trail records are sealed into the chain as it commits (kam_kit.audit.seal_at_commit)
        #: rather than by the sealer after it. On SQLite, yes: its statements are cheap and the sealer's two
        #: transactions per pass are not (CPU per record 472 → 440 µs, five pairs of tests/bench/bench_audit_seal.py).
        #: On PostgreSQL each of the three statements it adds to every batch is a round trip, while the sealer's
        #: pass serves several batches: 666 → 728 µs, so there the sealer keeps doing it.
        self.seal_in_commit = db.is_sqlite
        self._written = asyncio.Event()  # records committed unindexed: the indexer has work

    async def record(
        self,
        identity: Identity | None,
        method: str,
        disclosure: Disclosure,
        *,
        request_id: str = "",
        trace_id: str = "",
    ) -> str | None:
        """Write the access record of a response and its trail record (one transaction shared with concurrent
        calls'); returns the record's id, None when nothing was shown.

        Fails with UNAVAILABLE when the record cannot be written: the caller must then not return the data.
        """
        if not disclosure.kinds:
            return None
        now = self.clock.now()
        values = {
            # time-ordered: a batch's records and their customers' rows go to the end of their indexes (on SQLite
            # every page a commit touches is written to the log), not to random pages as a uuid4 would
            "id": outbox.time_ordered_id(now),
            "access_time": now,
            "actor": identity.subject[:128] if identity else "",
            "actor_kind": identity.kind if identity else "service",
            "actor_display_name": identity.display_name[:200] if identity else "",
            "actor_roles": " ".join(identity.roles) if identity else "",
            "actor_org_unit": identity.org_unit[:128] if identity else "",
            "method": method,
            "customer_count": len(disclosure.customers),
            "data_kinds": " ".join(sorted(disclosure.kinds)),
            "search_query": disclosure.search_query,
            "reason": disclosure.reason,
            "request_id": request_id[:64],
            "trace_id": trace_id,
        }
        record_id, count = values["id"], values["customer_count"]  # stored as plain rows (no ORM object)
        customer_ids = list(disclosure.customers)[:MAX_CUSTOMERS]
        # the customers in the record itself (on PostgreSQL its GIN index is the index by customer); elsewhere
        # their rows in the index by customer in the same transaction, or after it (defer_index)
        rows_now = not self.index_by_list and not self.defer_index
        defer = not self.index_by_list and self.defer_index
        seal = self.seal_in_commit
        values |= {"customer_ids": " ".join(customer_ids), "customers_indexed": not defer}
        # where this call came from, read here: ``write`` runs in the group commit's writer task, not in this call
        address, client = grpcserver.current_origin()

        def write(session) -> None:
            if seal:  # sealed into the chain as the batch commits: the events leave with it
                trail_records.seal_at_commit(session, self.clock)
            bulk.queue_rows(session, RECORDS, [values])
            if rows_now:
                bulk.queue_rows(session, RECORD_CUSTOMERS, _index_rows(record_id, customer_ids))
            # the service's tamper-evident trail (kam_kit.audit), shared with every change it records: its
            # record is the view's one published event (AuditRecorded; PersonalDataAccessed is no longer sent)
            self.trail.view(
                session,
                actor=identity,
                action="personal_data.view",
                resources=[f"customers/{cid}" for cid in customer_ids],
                resource_count=count,
                kinds=disclosure.kinds,
                query=disclosure.search_query,
                request_id=values["request_id"],
                trace_id=trace_id,
                address=address,
                client=client,
                details={"method": method, "access_record": f"accessRecords/{record_id}"}
                | ({"reason": disclosure.reason} if disclosure.reason else {}),
            )

        try:
            # concurrent reads' records share a transaction; this call answers only once its record committed
            await self.writer.write(write)
            if defer:
                self._written.set()
        except SQLAlchemyError:
            log.exception("access record not written; the response is withheld", extra={"method": method})
            raise Unavailable(
                "审计记录写入失败，未返回个人信息 (the access record could not be written; "
                "personal data is withheld)",
                reason="ACCESS_AUDIT_FAILED",
            ) from None
        return record_id

    async def get(self, name: str) -> tuple[AccessRecordRow, list[str]]:
        (record_id,) = names.parse(name, ("accessRecords",), "name")
        async with self.db.read() as session:
            row = await session.scalar(select(AccessRecordRow).where(AccessRecordRow.id == record_id))
            if row is None:
                raise NotFound(f"审计记录 {name} 不存在 (not found)", metadata={"name": name})
            return row, row.customer_ids.split()

    async def list(
        self, conditions: list[ColumnElement[bool]], *, before_seq: int | None, limit: int
    ) -> tuple[list[tuple[AccessRecordRow, list[str]]], bool]:
        """Records newest first (below ``before_seq`` when given), and whether more follow."""
        query = select(AccessRecordRow).where(*conditions)
        if before_seq is not None:
            query = query.where(AccessRecordRow.seq < before_seq)
        async with self.db.read() as session:
            rows = (await session.scalars(query.order_by(AccessRecordRow.seq.desc()).limit(limit + 1))).all()
        return [(row, row.customer_ids.split()) for row in rows[:limit]], len(rows) > limit

    async def index_customers(self, limit: int = INDEX_BATCH) -> int:
        """Put the customers of records not indexed yet (the oldest ``limit``) into the index by customer
        (``access_record_customers``) and mark them indexed, in one transaction; returns how many records.
        Replicas may race: the rows are inserted skipping existing keys, so a record is indexed once."""
        async with self.db.transaction(inline=True) as session:
            pending = (
                await session.execute(
                    select(RECORDS.c.seq, RECORDS.c.id, RECORDS.c.customer_ids)
                    .where(sql_text("NOT customers_indexed"))  # as the partial index says, so that it serves
                    .order_by(RECORDS.c.seq)
                    .limit(limit)
                )
            ).all()
            if not pending:
                return 0
            bulk.queue_rows(
                session,
                RECORD_CUSTOMERS,
                [line for row in pending for line in _index_rows(row.id, row.customer_ids.split())],
                skip_existing=("record_id", "position"),
            )
            await session.execute(
                update(RECORDS)
                .where(RECORDS.c.seq.in_([row.seq for row in pending]))
                .values(customers_indexed=True)
            )
        return len(pending)

    async def run_indexer(self) -> None:
        """Index records' customers until cancelled: woken by committed records, batched while busy (as the
        audit sealer), retried with backoff when the database fails. Where a record's own list is the index
        (PostgreSQL: :attr:`index_by_list`) there is nothing to do, and it returns at once."""
        if self.index_by_list:
            return
        await worker.keep_working(
            self.index_customers,
            wakeup=self._written,
            poll_interval=INDEX_POLL_SECONDS,
            coalesce=outbox.COALESCE_SECONDS,
            failed=lambda exc, retry_in: log.warning(
                "access records not indexed; will retry", extra={"error": repr(exc), "retry_in": retry_in}
            ),
        )


def _index_rows(record_id: str, customer_ids: list[str]) -> list[dict]:
    """A record's rows in the index by customer (``access_record_customers``), in response order."""
    return [{"record_id": record_id, "position": n, "customer_id": cid} for n, cid in enumerate(customer_ids)]


class _Shows(ColumnElement[bool]):
    """``customer_id`` is among an access record's customers (or, ``negated``, is not), in the form each database
    finds by its index: on PostgreSQL the record's own list, as its GIN index reads it; elsewhere the rows of the
    index by customer, or the list of a record not indexed yet."""

    inherit_cache = False  # (a compliance filter: compiled each time)
    type = Boolean()

    def __init__(self, customer_id: str, *, negated: bool) -> None:
        self.customer_id = customer_id
        self.negated = negated

    def _in(self, shows: ColumnElement[bool]) -> ColumnElement[bool]:
        return ~shows if self.negated else shows

    def on_postgresql(self) -> ColumnElement[bool]:
        # the separator as a constant: the expression must be the index's for the planner to use it
        listed = func.string_to_array(AccessRecordRow.customer_ids, literal_column("' '"), type_=ARRAY(Text))
        return self._in(listed.contains(cast(array([self.customer_id]), ARRAY(Text))))

    def elsewhere(self) -> ColumnElement[bool]:
        c, r = AccessRecordCustomerRow, AccessRecordRow
        indexed = r.id.in_(select(c.record_id).where(c.customer_id == self.customer_id))
        escaped = self.customer_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        listed = (literal(" ") + r.customer_ids + literal(" ")).like(f"% {escaped} %", escape="\\")
        return self._in(or_(indexed, and_(r.customers_indexed.is_(False), listed)))  # not indexed: its list


@compiles(_Shows)
def _shows_elsewhere(element: _Shows, compiler, **kw) -> str:
    return f"({compiler.process(element.elsewhere(), **kw)})"  # (one term of whatever it is joined to)


@compiles(_Shows, "postgresql")
def _shows_on_postgresql(element: _Shows, compiler, **kw) -> str:
    return f"({compiler.process(element.on_postgresql(), **kw)})"


class CustomerColumn:
    """The ``customer`` filter field: ``customer = "customers/c1"`` holds when c1 is among a record's customers.

    Stands in for a column in :class:`kam_customer.service_layer.filters.Field` (which applies ``==``/``!=``).
    """

    def __eq__(self, customer_id: object) -> ColumnElement[bool]:  # type: ignore[override]
        return _Shows(str(customer_id), negated=False)

    def __ne__(self, customer_id: object) -> ColumnElement[bool]:  # type: ignore[override]
        return _Shows(str(customer_id), negated=True)

    __hash__ = object.__hash__
