"""Key dates (重要日期): ``KeyDateApproaching`` once per occurrence, for key customers' dates within the lead window.

Dates of a key customer (``key_customer``, or any customer holding a tier, e.g. by a manual override):

- its birthday (individuals: ``birth_date``, else the date inside a valid 身份证号), founding anniversary
  (``establishment_date``) and relationship anniversary (``relationship_start_date``, from the first year on);
- maturities of its open time deposits and loans (``ref`` = the account number);
- its contacts' birthdays (``birth_date``, else from a valid 身份证号; ``ref`` = the contact id).

An occurrence is announced when it falls within ``today … today + lead_days`` (the bank's local date). Each one is
announced once: ``scan_key_dates`` keeps (customer, kind, day, ref), inserted with ``ON CONFLICT DO NOTHING …
RETURNING`` so only rows this transaction really inserted get an event, and the event id is derived from the same
key (a consumer drops a replay). Two callers share this module: the scan writer (each batch, with the accounts
it has just written) and :class:`KeyDateSweep`, which walks all key customers in batches every day (and at start)
so dates are announced without a scan — for customers and contacts staff created, and as days pass.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from kam.customer.v1 import customer_pb2, events_pb2
from kam_kit import outbox
from kam_kit.clock import Clock
from kam_kit.cron import Cron
from kam_kit.db import Database
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from kam_customer.adapters import protomap
from kam_customer.adapters.orm import AccountRow, ContactRow, CustomerRow, key_customer_condition
from kam_customer.context import SERVICE
from kam_customer.domain import identifiers, names
from kam_customer.keydates.orm import AnnouncedKeyDateRow

log = logging.getLogger(__name__)
Kind = customer_pb2.KeyDateKind
DEFAULT_LEAD_DAYS = 30
MATURING = {
    "TIME_DEPOSIT": Kind.KEY_DATE_KIND_DEPOSIT_MATURITY,
    "WEALTH": Kind.KEY_DATE_KIND_WEALTH_MATURITY,  # a product with a term (an open-ended one has no date)
    "LOAN": Kind.KEY_DATE_KIND_LOAN_MATURITY,
}
#: Customers per sweep transaction; occurrences per INSERT statement.
BATCH = 500
INSERT_CHUNK = 500


def kind_name(kind: int) -> str:
    """The stored code of a KeyDateKind (``KEY_DATE_KIND_BIRTHDAY`` → ``BIRTHDAY``)."""
    return Kind.Name(kind).removeprefix("KEY_DATE_KIND_")


@dataclass(frozen=True)
class Occurrence:
    customer: CustomerRow
    kind: int  # KeyDateKind
    day: date
    account: AccountRow | None = None
    contact: ContactRow | None = None

    @property
    def kind_name(self) -> str:
        return kind_name(self.kind)

    @property
    def ref(self) -> str:
        return self.account.id if self.account else self.contact.id if self.contact else ""

    @property
    def key(self) -> tuple[str, str, date, str]:
        return self.customer.id, self.kind_name, self.day, self.ref


def next_anniversary(origin: date | None, today: date, *, first: int = 0) -> date | None:
    """The first anniversary of ``origin`` on or after ``today`` that is at least ``first`` years after it
    (29 February → 28 February in common years)."""
    if origin is None:
        return None
    for year in (today.year, today.year + 1):
        if year - origin.year < first:
            continue
        try:
            day = origin.replace(year=year)
        except ValueError:
            day = date(year, 2, 28)
        if day >= today:
            return day
    return None


def birth_date(stored: date | None, id_number: str) -> date | None:
    """A person's birth date: as stored, else the one inside a valid resident ID number."""
    if stored is not None:
        return stored
    if id_number and identifiers.resident_id_problem(id_number) is None:
        return identifiers.birth_date_from_resident_id(id_number.strip().upper())
    return None


def occurrences(
    customers: Iterable[CustomerRow],
    accounts: Iterable[AccountRow],
    contacts: Iterable[ContactRow],
    today: date,
    lead_days: int,
) -> list[Occurrence]:
    """Every key date of ``customers`` (and their accounts and contacts) within ``today … today + lead_days``."""
    horizon = today + timedelta(days=lead_days)
    by_id = {c.id: c for c in customers}
    found: list[Occurrence] = []

    def add(customer: CustomerRow, kind: int, day: date | None, **related) -> None:
        if day is not None and today <= day <= horizon:
            found.append(Occurrence(customer, kind, day, **related))

    for customer in by_id.values():
        person = (
            birth_date(customer.birth_date, customer.id_number)
            if customer.type == "INDIVIDUAL"
            else customer.birth_date
        )
        add(customer, Kind.KEY_DATE_KIND_BIRTHDAY, next_anniversary(person, today))
        add(
            customer,
            Kind.KEY_DATE_KIND_ESTABLISHMENT_ANNIVERSARY,
            next_anniversary(customer.establishment_date, today, first=1),
        )
        add(
            customer,
            Kind.KEY_DATE_KIND_RELATIONSHIP_ANNIVERSARY,
            next_anniversary(customer.relationship_start_date, today, first=1),
        )
    for account in accounts:
        customer = by_id.get(account.customer_id)
        if customer is not None and account.type in MATURING and account.state != "CLOSED":
            add(customer, MATURING[account.type], account.maturity_date, account=account)
    for contact in contacts:
        customer = by_id.get(contact.customer_id)
        if customer is not None:
            add(
                customer,
                Kind.KEY_DATE_KIND_CONTACT_BIRTHDAY,
                next_anniversary(birth_date(contact.birth_date, contact.id_number), today),
                contact=contact,
            )
    return found


def _insert(session: AsyncSession):
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    return dialect.insert(AnnouncedKeyDateRow.__table__)


async def announce(
    session: AsyncSession,
    found: Sequence[Occurrence],
    *,
    clock: Clock,
    now: datetime,
    account_names: names.AccountNames,
) -> int:
    """Record the not yet announced ``found`` and queue their events (caller's transaction); returns how many."""
    fresh: set[tuple] = set()
    table = AnnouncedKeyDateRow.__table__
    unique = list({o.key: o for o in found}.values())
    for start in range(0, len(unique), INSERT_CHUNK):
        chunk = unique[start : start + INSERT_CHUNK]
        statement = _insert(session).values(
            [dict(zip(("customer_id", "kind", "day", "ref"), o.key, strict=True)) for o in chunk]
        )
        statement = statement.on_conflict_do_nothing().returning(
            table.c.customer_id, table.c.kind, table.c.day, table.c.ref
        )
        fresh.update(tuple(row) for row in (await session.execute(statement)).all())
    announced = [o for o in unique if o.key in fresh]
    for occurrence in announced:
        outbox.record(
            session,
            _event(occurrence, now, account_names),
            service=SERVICE,
            clock=clock,
            resource=f"customers/{occurrence.customer.id}",
            event_id=_event_id(occurrence),
        )
    return len(announced)


def _event(
    occurrence: Occurrence, now: datetime, account_names: names.AccountNames
) -> events_pb2.KeyDateApproaching:
    customer, account, contact = occurrence.customer, occurrence.account, occurrence.contact
    message = events_pb2.KeyDateApproaching(
        customer=f"customers/{customer.id}",
        kind=occurrence.kind,
        date=protomap.date_to_proto(occurrence.day),
        customer_display_name=customer.display_name,
        tier=customer.tier,
        relationship_manager=customer.relationship_manager,
        branch=customer.branch,
    )
    message.detect_time.FromDatetime(now)
    return describe_related(message, account, contact, account_names)


def describe_related(
    message, account: AccountRow | None, contact: ContactRow | None, account_names: names.AccountNames
):
    """Fill a key date's account (maturities) or contact (contact birthdays) fields — the same names in
    KeyDateApproaching and KeyDate — and return ``message``."""
    if account is not None:
        message.account = account_names.name(account.customer_id, account.id)
        message.amount.CopyFrom(protomap.money(account.balance))
    if contact is not None:
        message.contact = f"customers/{contact.customer_id}/contacts/{contact.id}"
        message.contact_display_name = contact.display_name
        message.contact_title = contact.title
    return message


def _event_id(occurrence: Occurrence) -> str:
    customer_id, kind_name, day, ref = occurrence.key
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"keydate:{customer_id}:{kind_name}:{day}:{ref}"))


async def announce_for(
    session: AsyncSession,
    customers: Sequence[CustomerRow],
    accounts: Iterable[AccountRow],
    *,
    clock: Clock,
    now: datetime,
    today: date,
    account_names: names.AccountNames,
    lead_days: int = DEFAULT_LEAD_DAYS,
) -> int:
    """Announce the key dates of ``customers`` (key customers), their ``accounts`` and their contacts (read here,
    one query)."""
    if not customers:
        return 0
    contacts = (
        await session.scalars(select(ContactRow).where(ContactRow.customer_id.in_([c.id for c in customers])))
    ).all()
    return await announce(
        session,
        occurrences(customers, accounts, contacts, today, lead_days),
        clock=clock,
        now=now,
        account_names=account_names,
    )


class KeyDateSweep:
    """Announce the key dates of every key customer (batches of :data:`BATCH`, one transaction each)."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        account_names: names.AccountNames,
        timezone: str,
        lead_days: int = DEFAULT_LEAD_DAYS,
    ) -> None:
        self.db = db
        self.account_names = account_names
        self.clock = clock
        self.lead_days = lead_days
        self.tz = ZoneInfo(timezone)
        #: Bank-local date and number of events of the last finished sweep (for tests and logs).
        self.last_run: tuple[date, int] | None = None

    async def run_once(self) -> int:
        now = self.clock.now()
        today = now.astimezone(self.tz).date()
        horizon = today + timedelta(days=self.lead_days)
        key = key_customer_condition()
        announced, after = 0, ""
        while True:
            async with self.db.transaction() as session:
                customers = (
                    await session.scalars(
                        select(CustomerRow)
                        .where(key, CustomerRow.id > after)
                        .order_by(CustomerRow.id)
                        .limit(BATCH)
                    )
                ).all()
                if not customers:
                    break
                accounts = (
                    await session.scalars(
                        select(AccountRow).where(
                            AccountRow.customer_id.in_([c.id for c in customers]),
                            AccountRow.type.in_(list(MATURING)),
                            AccountRow.maturity_date >= today,
                            AccountRow.maturity_date <= horizon,
                        )
                    )
                ).all()
                announced += await announce_for(
                    session,
                    customers,
                    accounts,
                    clock=self.clock,
                    now=now,
                    today=today,
                    lead_days=self.lead_days,
                    account_names=self.account_names,
                )
            after = customers[-1].id
        self.last_run = (today, announced)
        return announced

    async def run_schedule(self, cron: Cron, *, poll_seconds: float = 1.0) -> None:
        """Sweep now, then at every minute matching ``cron`` (bank-local time). Polls the (injected) clock, which
        is cheap, so a clock moved by a test or a simulation is followed promptly."""
        due = None
        while True:
            now = self.clock.now().astimezone(self.tz)
            if due is None or now >= due:
                try:
                    count = await self.run_once()
                    log.info("key-date sweep done", extra={"announced": count})
                except Exception:  # a failed sweep is retried at the next due time
                    log.exception("key-date sweep failed")
                due = cron.next_after(now)
            await asyncio.sleep(min(poll_seconds, max(0.05, (due - now).total_seconds())))
