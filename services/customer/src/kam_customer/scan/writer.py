"""Writing one batch of selected customers (key customers and candidates) into KAM's tables, with events.

Everything for a batch happens in the caller's transaction: customers, metrics, grading, accounts, recent
balances, transactions (through the idempotent ingestion path), contacts, group links, credit profiles, key
dates and their events. A batch written twice (a resumed scan) changes nothing the second time and publishes
nothing twice: every write compares with what KAM already holds.

Written through SQLAlchemy Core (plain rows, one executemany per table), never ORM instances: a full scan
copies tens of thousands of customers, and the unit of work would cost more than the copy itself.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from google.protobuf.field_mask_pb2 import FieldMask
from kam.customer.v1 import events_pb2
from kam_kit import bulk, outbox
from kam_kit.clock import Clock
from kam_kit.timeconv import aware, to_timestamp
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kam_customer.adapters import protomap
from kam_customer.adapters.orm import (
    AccountRow,
    BalanceHistoryRow,
    ContactRow,
    CreditProfileRow,
    CustomerMetricsRow,
    CustomerRow,
    GroupLinkRow,
    OrgUnitRow,
    StaffRow,
)
from kam_customer.context import SERVICE
from kam_customer.domain import identifiers
from kam_customer.domain.customers import mask_id_number
from kam_customer.domain.names import AccountNames
from kam_customer.ingestion import ingest
from kam_customer.keydates import service as key_dates
from kam_customer.scan import messages
from kam_customer.scan.issues import Issues
from kam_customer.scan.mapping import BASE_CURRENCY
from kam_customer.scan.sqlgen import KINDS, METRIC_COLUMNS, NO_RATE

CENT = Decimal("0.01")
ONE = Decimal(1)
CUSTOMER_FIELDS = (
    "display_name",
    "id_number",
    "phone",
    "industry",
    "legal_representative",
    "branch",
    "relationship_manager",
    "state",
    "birth_date",
    "establishment_date",
    "relationship_start_date",
)
ACCOUNT_FIELDS = (
    "type",
    "product",
    "product_display_name",
    "balance",
    "credit_limit",
    "state",
    "repayment_state",
    "org_unit_id",
    "open_date",
    "maturity_date",
)
ORG_LEVELS = {"HEAD_OFFICE", "BRANCH", "SUB_BRANCH"}
COUNT_METRICS = ("product_count", "txn_count_90", "tenure_months")


def kam_customer_id(source_id: str) -> str:
    """KAM id of a scanned customer: ``c`` + the source number lowercased, other characters → ``-``."""
    return "c" + re.sub(r"[^a-z0-9-]", "-", str(source_id).lower())


def money(value) -> Decimal:
    return Decimal(str(value if value is not None else 0)).quantize(CENT)


def converted(value, rate: Decimal) -> Decimal:
    """A source amount in CNY (``rate``: CNY per unit of its currency), to the cent."""
    return money(Decimal(str(value if value is not None else 0)) * rate)


def as_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def as_datetime(value, tz: ZoneInfo) -> datetime | None:
    """A source timestamp (naive local business time) → aware UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)


def _text(value) -> str:
    return "" if value is None else str(value).strip()


@dataclass
class BatchDetails:
    """The source rows of one batch (already fetched), keyed by source ids."""

    metrics: list[dict]
    customers: dict[str, dict] = field(default_factory=dict)  # source id → row (+ "ctype")
    accounts: list[Mapping] = field(default_factory=list)
    balances: list[Mapping] = field(default_factory=list)
    transactions: list[Mapping] = field(default_factory=list)
    relations: list[Mapping] = field(default_factory=list)
    ratings: dict[str, Mapping] = field(default_factory=dict)
    links: list[Mapping] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return (
            len(self.customers)
            + len(self.accounts)
            + len(self.balances)
            + len(self.transactions)
            + len(self.relations)
            + len(self.ratings)
            + len(self.links)
        )


@dataclass
class BatchResult:
    customers_changed: int = 0
    accounts_changed: int = 0
    transactions_ingested: int = 0
    tier_changes: int = 0


class BatchWriter:
    def __init__(
        self,
        *,
        clock: Clock,
        scan_id: str,
        as_of: date,
        timezone: str,
        dialect_date_of,
        issues: Issues,
        account_names: AccountNames,
        grade=None,
        reindex=None,
        assess=None,
        audited: frozenset[str] = frozenset(),
        key_date_lead_days: int = key_dates.DEFAULT_LEAD_DAYS,
        rates: dict[str, Decimal] | None = None,
    ) -> None:
        self.clock = clock
        self.account_names = account_names
        #: Exchange rates (currency → CNY per unit) the scan converts accounts' amounts with.
        self.rates = rates or {}
        self.key_date_lead_days = key_date_lead_days
        self.scan_id = scan_id
        self.as_of = as_of
        self.tz = ZoneInfo(timezone)
        self.date_of = dialect_date_of
        self.issues = issues
        self.grade = grade
        self.reindex = reindex
        self.assess = assess
        #: Entities whose unknown codes / unreadable dates a whole-table audit already counted.
        self.audited = audited
        self._keys: dict[str, str] = {}

    # ------------------------------------------------------------------------------------------ org + staff
    async def write_org(self, session: AsyncSession, org_rows: list[dict], staff_rows: list[dict]) -> None:
        """Copy the org tree and staff; publish SourceOrgUnitUpdated / SourceStaffUpdated for each unit and member
        of staff that is new or changed (the identity service imports them; a phone number alone changing is
        not a change: KAM keeps no staff phones)."""
        org_values = []
        for row in org_rows:
            if not _text(row.get("id")):
                continue
            level = row.get("level") if row.get("level") in ORG_LEVELS else "BRANCH"
            org_values.append(
                {
                    "id": _text(row["id"]),
                    "display_name": _text(row.get("display_name")),
                    "parent_id": _text(row.get("parent_id")) or None,
                    "level": level,
                    "region": _text(row.get("region")),
                }
            )
        table = OrgUnitRow.__table__
        known = {row.id: row for row in (await session.execute(select(table))).all()}
        for value in org_values:
            old = known.get(value["id"])
            if old is None or any(getattr(old, k) != v for k, v in value.items()):
                outbox.record(
                    session,
                    events_pb2.SourceOrgUnitUpdated(org_unit=messages.org_unit_to_proto(value)),
                    service=SERVICE,
                    clock=self.clock,
                    resource=f"orgUnits/{value['id']}",
                )
        await self._upsert(session, OrgUnitRow, org_values, ["id"])
        staff_values = [
            {
                "id": _text(r["id"]),
                "display_name": _text(r.get("display_name")),
                "org_unit_id": _text(r.get("org_unit_id")),
                "position": _text(r.get("position")),
                "active": r.get("status") != "INACTIVE",
            }
            for r in staff_rows
            if _text(r.get("id"))
        ]
        phones = {_text(r["id"]): _text(r.get("phone")) for r in staff_rows if _text(r.get("id"))}
        staff_table = StaffRow.__table__
        known_staff = {row.id: row for row in (await session.execute(select(staff_table))).all()}
        for value in staff_values:
            old = known_staff.get(value["id"])
            if old is None or any(getattr(old, k) != v for k, v in value.items()):
                outbox.record(
                    session,
                    events_pb2.SourceStaffUpdated(
                        staff_code=value["id"],
                        display_name=value["display_name"],
                        org_unit=f"orgUnits/{value['org_unit_id']}" if value["org_unit_id"] else "",
                        position=value["position"],
                        active=value["active"],
                        phone=phones.get(value["id"], ""),
                    ),
                    service=SERVICE,
                    clock=self.clock,
                    resource=f"staff/{value['id']}",
                )
        await self._upsert(session, StaffRow, staff_values, ["id"])

    async def _upsert(self, session: AsyncSession, model, values: list[dict], keys: list[str]) -> None:
        """INSERT … ON CONFLICT DO UPDATE as one DBAPI executemany."""
        await bulk.insert_rows(session, model.__table__, values, replace_existing=keys)

    # ---------------------------------------------------------------------------------------------- batch
    async def write_batch(self, session: AsyncSession, details: BatchDetails) -> BatchResult:
        result = BatchResult()
        now = self.clock.now()
        ids = {m["cust_id"]: kam_customer_id(m["cust_id"]) for m in details.metrics}
        kam_ids = sorted(ids.values())
        metrics_by_kam = {ids[m["cust_id"]]: m for m in details.metrics}
        table = CustomerRow.__table__
        existing = {
            r.id: r for r in (await session.execute(select(table).where(table.c.id.in_(kam_ids)))).all()
        }
        changes, new_rows, updates = [], [], []
        for source_id, kam_id in ids.items():
            row = details.customers.get(source_id)
            if row is None:
                continue
            change = self._customer_change(kam_id, source_id, row, existing.get(kam_id), now)
            if change is not None:
                customer, changed = change
                changes.append(change)
                if changed is None:
                    new_rows.append(vars(customer))
                else:
                    updates.append(
                        {
                            "id": kam_id,
                            "version": customer.version,
                            "update_time": now,
                            **{name: getattr(customer, name) for name in changed},
                        }
                    )
        await bulk.insert_rows(session, table, new_rows)
        if updates:
            await session.execute(update(CustomerRow), updates)  # bulk UPDATE by primary key
        for customer, changed in changes:
            result.customers_changed += 1
            if changed is None:
                event = events_pb2.CustomerCreated(customer=protomap.customer_to_proto(customer))
            else:
                event = events_pb2.CustomerUpdated(
                    customer=protomap.customer_to_proto(customer), update_mask=FieldMask(paths=changed)
                )
            outbox.record(
                session, event, service=SERVICE, clock=self.clock, resource=f"customers/{customer.id}"
            )
        present = [ids[s] for s in ids if s in details.customers]
        await self._write_metrics(session, present, metrics_by_kam)
        if self.grade is not None:
            summary = await self.grade(session, customer_ids=present, scan_id=self.scan_id, clock=self.clock)
            result.tier_changes += getattr(summary, "changed", 0)
        # Only the rows whose flag changes are written (a rewrite also moves the row's key_customer index entry).
        await session.execute(
            update(CustomerRow)
            .where(CustomerRow.id.in_(present), CustomerRow.tier != "", CustomerRow.key_customer.is_not(True))
            .values(key_customer=True)
        )
        await session.execute(
            update(CustomerRow)
            .where(
                CustomerRow.id.in_(present), CustomerRow.tier == "", CustomerRow.key_customer.is_not(False)
            )
            .values(key_customer=False)
        )
        customers = {
            r.id: r for r in (await session.execute(select(table).where(table.c.id.in_(present)))).all()
        }
        accounts = await self._write_accounts(session, details, customers, metrics_by_kam, now, result)
        balances = await self._write_balances(session, details, accounts)
        ingested, days = await self._write_transactions(session, details, accounts)
        result.transactions_ingested += ingested
        self._publish_history(session, accounts, balances, days)
        await self._write_contacts(session, details, ids, now)
        await self._write_links(session, details, ids)
        await self._write_credit(session, details, ids, accounts, metrics_by_kam, now)
        await self._key_dates(session, [c for c in customers.values() if c.key_customer], accounts, now)
        if self.reindex is not None:
            await self.reindex(session, present)
        return result

    def _customer_change(
        self,
        kam_id: str,
        source_id: str,
        row: dict,
        old,
        now: datetime,
    ) -> tuple[SimpleNamespace, list[str] | None] | None:
        """The customer as it is to be stored, with the changed fields (None when new), or None if unchanged."""
        individual = row["ctype"] == "INDIVIDUAL"
        entity = "individual" if individual else "corporate"
        id_number = _text(row.get("id_number")).upper()
        if id_number:
            problem = (
                identifiers.resident_id_problem(id_number)
                if individual
                else identifiers.uscc_problem(id_number)
            )
            if problem:
                # (examples are shown to whoever reads the scan job: masked like any personal data)
                self.issues.add(
                    entity,
                    "id_number",
                    "无效证件号 (invalid id number)",
                    f"{source_id}: {mask_id_number(id_number)}",
                )
                id_number = ""
        self._check_dates(entity, source_id, row, ("birth_date", "establishment_date", "open_date"))
        status = row.get("status") or "ACTIVE"
        values = {
            "display_name": _text(row.get("display_name"))[:200] or source_id,
            "id_number": id_number,
            "phone": _text(row.get("phone"))[:32],
            "industry": _text(row.get("industry"))[:100],
            "legal_representative": _text(row.get("legal_representative"))[:100],
            "branch": f"orgUnits/{_text(row['org_unit_id'])}" if _text(row.get("org_unit_id")) else "",
            "relationship_manager": (
                f"staff/{_text(row['relationship_manager_id'])}"
                if _text(row.get("relationship_manager_id"))
                else ""
            ),
            "state": status,
            "birth_date": as_date(row.get("birth_date")),
            "establishment_date": as_date(row.get("establishment_date")),
            "relationship_start_date": as_date(row.get("open_date")),
        }
        if old is None:
            return SimpleNamespace(
                id=kam_id,
                type=row["ctype"],
                email="",
                address="",
                tier="",
                source="CORE_BANKING",
                version=1,
                create_time=now,
                update_time=now,
                source_id=source_id,
                key_customer=False,
                request_id=None,
                **values,
            ), None
        changed = [name for name in CUSTOMER_FIELDS if getattr(old, name) != values[name]]
        if not changed:
            return None
        current = {**old._asdict(), **{name: values[name] for name in changed}}
        return SimpleNamespace(**{**current, "version": old.version + 1, "update_time": now}), changed

    def _rate(self, row: dict) -> Decimal | None:
        """CNY per unit of an account row's currency: 1 when the mapping names none (or the row has none), None
        when there is no rate for it (as the metrics statement decides, :meth:`SqlBuilder.rate`)."""
        if "currency" not in row:
            return ONE
        code = BASE_CURRENCY if row["currency"] is None else str(row["currency"])
        return ONE if code == BASE_CURRENCY else self.rates.get(code)

    def _check_dates(self, entity: str, key: str, row: dict, fields: tuple[str, ...]) -> None:
        for name in fields:
            raw = row.get(f"{name}__raw")
            if raw not in (None, "") and row.get(name) in (None, "") and entity not in self.audited:
                self.issues.add(entity, name, "无法解析的日期 (unreadable date)", f"{key}: {raw}")

    def _check_codes(self, entity: str, key: str, row: dict, fields: tuple[str, ...]) -> bool:
        ok = True
        for name in fields:
            raw = row.get(f"{name}__raw")
            if raw not in (None, "") and row.get(name) in (None, ""):
                if entity not in self.audited:
                    self.issues.add(entity, name, "未知代码 (unknown code)", f"{key}: {raw}")
                ok = False
        return ok

    async def _write_metrics(self, session, kam_ids: list[str], metrics: dict[str, dict]) -> None:
        values = []
        for kam_id in kam_ids:
            m = metrics[kam_id]
            value = {"customer_id": kam_id, "as_of": self.as_of, "scan_id": self.scan_id, **_metric_values(m)}
            value["product_kinds"] = ",".join(k for k in KINDS if int(m.get(f"k_{k.lower()}") or 0))
            value["last_activity"] = self.date_of(m.get("last_dn"))
            for column in ("consolidated_aum", "consolidated_loan_balance"):
                value[column] = money(m[column]) if m.get(column) is not None else None
            values.append(value)
        await self._upsert(session, CustomerMetricsRow, values, ["customer_id"])

    async def _write_accounts(
        self,
        session,
        details: BatchDetails,
        customers: dict[str, CustomerRow],
        metrics: dict[str, dict],
        now: datetime,
        result: BatchResult,
    ) -> dict[str, AccountRow]:
        rows = {}
        for row in details.accounts:
            account_id = _text(row.get("id"))
            owner = kam_customer_id(_text(row.get("customer_id")))
            if not account_id or owner not in customers:
                continue
            self._check_dates("account", account_id, row, ("open_date", "maturity_date"))
            # An unknown type or status is a bad row (left out of the metrics too), as is a currency without a rate.
            if not self._check_codes("account", account_id, row, ("type", "status")):
                continue
            self._check_codes("account", account_id, row, ("repayment_status",))
            rate = self._rate(row)
            if rate is None:
                if "account" not in self.audited:
                    self.issues.add("account", "currency", NO_RATE, f"{account_id}: {row.get('currency')}")
                continue
            rows[account_id] = {
                "id": account_id,
                "customer_id": owner,
                "type": row["type"],
                "product": _text(row.get("product"))[:64],
                "product_display_name": _text(row.get("product_display_name"))[:200],
                "balance": converted(row.get("balance"), rate),
                "credit_limit": converted(row.get("credit_limit"), rate),
                "state": row.get("status") or "OPEN",
                "repayment_state": row.get("repayment_status") or "",
                "org_unit_id": _text(row.get("org_unit_id")),
                "open_date": as_date(row.get("open_date")),
                "maturity_date": as_date(row.get("maturity_date")),
                "balance_update_time": as_datetime(row.get("updated"), self.tz),
                "_overdue_times": int(row.get("overdue_times") or 0),
                "_rate": rate,
            }
        table = AccountRow.__table__
        existing = (
            {r.id: r for r in (await session.execute(select(table).where(table.c.id.in_(list(rows))))).all()}
            if rows
            else {}
        )
        out: dict[str, SimpleNamespace] = {}
        new_rows, updates = [], []
        for account_id, value in rows.items():
            overdue, rate = value.pop("_overdue_times"), value.pop("_rate")
            old = existing.get(account_id)
            customer = customers[value["customer_id"]]
            aum = metrics.get(customer.id, {}).get("aum")
            # The source wins: a balance pushed since the last scan (balance_origin PUSH) is replaced by what the
            # source holds now, whatever times the push carried (docs/architecture.md, "pushed balances").
            value["balance_origin"] = "SCAN"
            account = SimpleNamespace(**value, _overdue_times=overdue, _rate=rate)
            out[account_id] = account
            if old is None:
                new_rows.append(value)
                name = self._account_name(account)
                # The opening balance travels in AccountOpened (balance + balance_update_time): no separate
                # BalanceSnapshot for an account KAM sees for the first time (docs/architecture.md §21).
                outbox.record(
                    session,
                    events_pb2.AccountOpened(
                        account=self._account_proto(account),
                        relationship_manager=customer.relationship_manager,
                    ),
                    service=SERVICE,
                    clock=self.clock,
                    resource=name,
                )
                result.accounts_changed += 1
                continue
            changed = [name for name in ACCOUNT_FIELDS if getattr(old, name) != value[name]]
            if old.customer_id != value["customer_id"]:
                changed.append("customer_id")
            if (
                changed
                or _time_of(old.balance_update_time) != _time_of(value["balance_update_time"])
                or old.balance_origin != "SCAN"
            ):
                updates.append(value)
            if changed:
                name = self._account_name(account)
                outbox.record(
                    session,
                    events_pb2.AccountUpdated(
                        account=self._account_proto(account),
                        relationship_manager=customer.relationship_manager,
                        update_mask=FieldMask(paths=[_proto_field(c) for c in changed]),
                    ),
                    service=SERVICE,
                    clock=self.clock,
                    resource=name,
                )
                if "balance" in changed:
                    self._snapshot(session, account, name, aum, now)
                result.accounts_changed += 1
        await bulk.insert_rows(session, table, new_rows)
        if updates:
            await session.execute(update(AccountRow), updates)  # bulk UPDATE by primary key
        return out

    def _account_name(self, account) -> str:
        return self.account_names.name(account.customer_id, account.id)

    def _account_key(self, account_id: str) -> str:
        return self.account_names.key(account_id)

    def _account_proto(self, account):
        """An account in an event: unmasked (events are for KAM's services), named as in the API."""
        return protomap.account_to_proto(account, self._account_key(account.id), masked=False)

    def _snapshot(self, session, account, name: str, aum, now: datetime) -> None:
        message = events_pb2.BalanceSnapshot(
            account=name,
            account_type=protomap.ACCOUNT_TYPE_TO_PROTO.get(account.type, 0),
            balance=messages.money(account.balance),
            customer_assets_under_management=messages.money(aum),
        )
        message.snapshot_time.CopyFrom(to_timestamp(account.balance_update_time or now))
        outbox.record(session, message, service=SERVICE, clock=self.clock, resource=name)

    async def _write_balances(
        self, session, details: BatchDetails, accounts: dict[str, AccountRow]
    ) -> dict[str, dict[date, Decimal]]:
        """Copy the window of end-of-day balances; returns the accounts whose window changed, with it (what
        :meth:`_publish_history` tells)."""
        if not accounts:
            return {}
        since = self.balance_window_start
        window = (BalanceHistoryRow.account_id.in_(list(accounts)), BalanceHistoryRow.day >= since)
        held: dict[str, dict[date, Decimal]] = {}
        for account_id, day, balance in (
            await session.execute(
                select(BalanceHistoryRow.account_id, BalanceHistoryRow.day, BalanceHistoryRow.balance).where(
                    *window
                )
            )
        ).all():
            held.setdefault(account_id, {})[day] = Decimal(balance)
        await session.execute(delete(BalanceHistoryRow).where(*window))
        values = {}
        for row in details.balances:
            account_id = _text(row.get("account_id"))
            day = as_date(row.get("day"))
            if account_id not in accounts:
                continue
            if day is None:
                self.issues.add(
                    "balance_history",
                    "day",
                    "无法解析的日期 (unreadable date)",
                    f"{account_id}: {row.get('day__raw')}",
                )
                continue
            values[(account_id, day)] = {
                "account_id": account_id,
                "day": day,
                "balance": converted(row.get("balance"), accounts[account_id]._rate),
            }
        await bulk.insert_rows(session, BalanceHistoryRow.__table__, list(values.values()))
        copied: dict[str, dict[date, Decimal]] = {}
        for (account_id, day), value in sorted(values.items()):
            copied.setdefault(account_id, {})[day] = Decimal(value["balance"])
        # Only the windows that differ from what was held are news.
        return {account_id: days for account_id, days in copied.items() if held.get(account_id) != days}

    @property
    def balance_window_start(self) -> date:
        return self.as_of - timedelta(days=89)

    async def _write_transactions(
        self, session, details: BatchDetails, accounts: dict[str, AccountRow]
    ) -> tuple[int, dict[str, dict[date, list]]]:
        """Transactions through the one ingestion path; returns how many were stored and the history among them
        (stored for the first time, not announced) summed per account and business day: [credits, credit sum,
        debits, debit sum]."""
        incoming = []
        for row in details.transactions:
            txn_id = _text(row.get("id"))
            if not txn_id or _text(row.get("account_id")) not in accounts:
                continue
            post_time = as_datetime(row.get("time"), self.tz)
            if post_time is None:
                self.issues.add(
                    "transaction",
                    "time",
                    "无法解析的日期 (unreadable date)",
                    f"{txn_id}: {row.get('time__raw')}",
                )
                continue
            if not self._check_codes("transaction", txn_id, row, ("direction",)):
                continue
            self._check_codes("transaction", txn_id, row, ("channel",))
            amount = ingest.decimal_or_none(row.get("amount"))
            if amount is None:
                self.issues.add(
                    "transaction", "amount", "无效金额 (invalid amount)", f"{txn_id}: {row.get('amount')}"
                )
                continue
            rate = accounts[_text(row["account_id"])]._rate
            balance_after = ingest.decimal_or_none(row.get("balance_after"))
            incoming.append(
                ingest.IncomingTransaction(
                    id=txn_id,
                    account_id=_text(row["account_id"]),
                    direction=row["direction"],
                    amount=converted(abs(amount), rate),
                    post_time=post_time,
                    balance_after=None if balance_after is None else converted(balance_after, rate),
                    business_date=as_date(row.get("business_date")),
                    entry_time=as_datetime(row.get("entry_time"), self.tz),
                    channel=row.get("channel") or "",
                    cash=row.get("cash") == "YES",
                    counterparty=_text(row.get("counterparty")),
                    summary=_text(row.get("summary")),
                    announce=bool(row.get("announce", True)),
                )
            )
        result = await ingest.apply_transactions(
            session, incoming, origin=ingest.SCAN, clock=self.clock, account_names=self.account_names
        )
        stored = set(result.accepted_ids)
        days: dict[str, dict[date, list]] = {}
        for txn in incoming:
            if txn.announce or txn.id not in stored:
                continue
            day = txn.business_date or txn.post_time.astimezone(self.tz).date()
            sums = days.setdefault(txn.account_id, {}).setdefault(day, [0, Decimal(0), 0, Decimal(0)])
            credit = 0 if txn.direction == "CREDIT" else 2
            sums[credit] += 1
            sums[credit + 1] += txn.amount
        return result.accepted, days

    def _publish_history(
        self,
        session,
        accounts: dict[str, AccountRow],
        balances: dict[str, dict[date, Decimal]],
        days: dict[str, dict[date, list]],
    ) -> None:
        """``CustomerHistoryCopied`` per customer whose history this batch copied (docs/architecture.md §21): the
        analytical store's only way to learn the past that is stored but never announced."""
        by_customer: dict[str, list[events_pb2.AccountHistory]] = {}
        start = self.balance_window_start
        for account_id in sorted(set(balances) | set(days)):
            account = accounts[account_id]
            history = events_pb2.AccountHistory(
                account=self._account_name(account),
                account_type=protomap.ACCOUNT_TYPE_TO_PROTO.get(account.type, 0),
                balance_window_start=messages.pb_date(start),
            )
            for day, balance in balances.get(account_id, {}).items():
                history.balances.add(date=messages.pb_date(day), balance=messages.money(balance))
            for day, (credits, credit_sum, debits, debit_sum) in sorted(days.get(account_id, {}).items()):
                history.transaction_days.add(
                    date=messages.pb_date(day),
                    credit_count=credits,
                    credit_amount=messages.money(credit_sum),
                    debit_count=debits,
                    debit_amount=messages.money(debit_sum),
                )
            by_customer.setdefault(account.customer_id, []).append(history)
        for customer_id, histories in by_customer.items():
            for event in history_events(f"customers/{customer_id}", histories):
                outbox.record(session, event, service=SERVICE, clock=self.clock, resource=event.customer)

    async def _write_contacts(
        self, session, details: BatchDetails, ids: dict[str, str], now: datetime
    ) -> None:
        wanted: dict[str, dict] = {}

        def add(
            customer_id: str, slug: str, name, title: str, phone=None, id_number=None, primary=False
        ) -> None:
            name = _text(name)
            if not name:
                return
            id_number = _text(id_number).upper()
            birth = None
            if id_number and identifiers.resident_id_problem(id_number) is None:
                birth = identifiers.birth_date_from_resident_id(id_number)
            digest = hashlib.sha1(f"{slug}:{name}".encode()).hexdigest()[:8]
            contact_id = f"{customer_id}-{slug}-{digest}"[:64]
            wanted[contact_id] = {
                "id": contact_id,
                "customer_id": customer_id,
                "display_name": name[:100],
                "title": title,
                "phone": _text(phone)[:32],
                "id_number": id_number[:32],
                "birth_date": birth,
                "primary": primary,
            }

        for source_id, row in details.customers.items():
            if row["ctype"] != "CORPORATE" or source_id not in ids:
                continue
            cid = ids[source_id]
            add(
                cid,
                "legal-rep",
                row.get("legal_representative"),
                "法定代表人",
                row.get("legal_representative_phone"),
                row.get("legal_representative_id_number"),
                primary=True,
            )
            add(cid, "finance", row.get("finance_contact"), "财务负责人", row.get("finance_contact_phone"))
            add(cid, "controller", row.get("controller"), "实际控制人")
        for row in details.relations:
            source_id = _text(row.get("customer_id"))
            if source_id not in ids:
                continue
            kind = row.get("kind") or "OTHER"
            add(
                ids[source_id],
                kind.lower(),
                row.get("display_name"),
                "配偶" if kind == "SPOUSE" else "关系人",
                row.get("phone"),
                row.get("id_number"),
            )
        customer_ids = sorted(set(ids.values()))
        table = ContactRow.__table__
        existing = {
            r.id: r
            for r in (
                await session.execute(
                    select(table).where(table.c.customer_id.in_(customer_ids), table.c.origin == "SCAN")
                )
            ).all()
        }
        new_rows, updates = [], []
        for contact_id, value in wanted.items():
            old = existing.get(contact_id)
            if old is None:
                new_rows.append(
                    {
                        "email": "",
                        "notes": "",
                        "origin": "SCAN",
                        "version": 1,
                        "create_time": now,
                        "update_time": now,
                        **value,
                    }
                )
            elif any(getattr(old, k) != v for k, v in value.items()):
                updates.append({**value, "version": old.version + 1, "update_time": now})
        await bulk.insert_rows(session, table, new_rows)
        if updates:
            await session.execute(update(ContactRow), updates)  # bulk UPDATE by primary key
        gone = [cid for cid in existing if cid not in wanted]
        if gone:
            await session.execute(delete(ContactRow).where(ContactRow.id.in_(gone)))

    async def _write_links(self, session, details: BatchDetails, ids: dict[str, str]) -> None:
        values = {}
        for row in details.links:
            parent, child = _text(row.get("parent_id")), _text(row.get("child_id"))
            if not parent or not child:
                continue
            key = (kam_customer_id(parent), kam_customer_id(child))
            values[key] = {
                "parent_id": key[0],
                "child_id": key[1],
                "shareholding_percent": Decimal(str(row.get("share_percent") or 0)).quantize(
                    Decimal("0.0001")
                ),
            }
        batch = sorted(set(ids.values()))
        stale = select(GroupLinkRow.parent_id, GroupLinkRow.child_id).where(GroupLinkRow.parent_id.in_(batch))
        for parent, child in (await session.execute(stale)).all():
            if (parent, child) not in values:
                await session.execute(
                    delete(GroupLinkRow).where(
                        GroupLinkRow.parent_id == parent, GroupLinkRow.child_id == child
                    )
                )
        await self._upsert(session, GroupLinkRow, list(values.values()), ["parent_id", "child_id"])

    async def _write_credit(
        self,
        session,
        details: BatchDetails,
        ids: dict[str, str],
        accounts: dict[str, AccountRow],
        metrics: dict[str, dict],
        now: datetime,
    ) -> None:
        per_customer: dict[str, dict] = {}
        for account in accounts.values():
            entry = per_customer.setdefault(
                account.customer_id, {"overdue_count": 0, "overdue_amount": Decimal(0)}
            )
            if account.type in ("LOAN", "CREDIT_CARD"):
                entry["overdue_count"] += getattr(account, "_overdue_times", 0)
                if account.repayment_state == "OVERDUE":
                    entry["overdue_amount"] += account.balance
        values = []
        for source_id, kam_id in ids.items():
            if source_id not in details.customers:
                continue
            m = metrics.get(kam_id, {})
            entry = per_customer.get(kam_id, {"overdue_count": 0, "overdue_amount": Decimal(0)})
            rating = details.ratings.get(source_id, {})
            profile = {
                "customer_id": kam_id,
                "rating": _text(rating.get("rating"))[:16],
                "score": 0,
                "credit_limit": money(m.get("credit_limit")),
                "credit_used": money(m.get("credit_used")),
                "overdue_count": entry["overdue_count"],
                "overdue_amount": money(entry["overdue_amount"]),
                "factors": "[]",
                "assess_time": now,
            }
            if self.assess is not None:
                score, factors = self.assess(SimpleNamespace(**profile), SimpleNamespace(**_metric_values(m)))
                profile["score"], profile["factors"] = (
                    int(score),
                    json.dumps(list(factors), ensure_ascii=False),
                )
            values.append(profile)
        await self._upsert(session, CreditProfileRow, values, ["customer_id"])

    async def _key_dates(
        self, session, customers: list[CustomerRow], accounts: dict[str, AccountRow], now: datetime
    ) -> None:
        """KeyDateApproaching once per occurrence for key customers' dates within the lead window
        (:mod:`kam_customer.keydates.service`, shared with the daily sweep)."""
        await key_dates.announce_for(
            session,
            customers,
            accounts.values(),
            clock=self.clock,
            now=now,
            today=now.astimezone(self.tz).date(),
            lead_days=self.key_date_lead_days,
            account_names=self.account_names,
        )


def _metric_values(m: dict) -> dict:
    """The stored value of every metric column of one metrics row of the source."""
    return {c: int(m.get(c) or 0) if c in COUNT_METRICS else money(m.get(c)) for c in METRIC_COLUMNS}


def _time_of(value: datetime | None) -> datetime | None:
    return aware(value) if value is not None else None


def _proto_field(column: str) -> str:
    return {
        "type": "type",
        "state": "state",
        "org_unit_id": "branch",
        "customer_id": "name",
        "repayment_state": "state",
        "credit_limit": "balance",
    }.get(column, column)


#: A customer's copied history is published in events of at most about this size (an account's history is never
#: split): a corporate customer with hundreds of accounts would otherwise make one event of many MB, over what
#: the broker takes (the outbox refuses events over ``kam_kit.outbox.MAX_EVENT_BYTES``).
HISTORY_EVENT_BYTES = 512 * 1024


def history_events(
    customer: str, histories: list[events_pb2.AccountHistory], limit: int = HISTORY_EVENT_BYTES
) -> list[events_pb2.CustomerHistoryCopied]:
    """``CustomerHistoryCopied`` events of one customer's accounts, in order, each of whole accounts and — unless
    one account alone is larger — at most ``limit`` bytes of them."""
    out: list[events_pb2.CustomerHistoryCopied] = []
    chunk: list[events_pb2.AccountHistory] = []
    size = 0
    for history in histories:
        n = history.ByteSize()
        if chunk and size + n > limit:
            out.append(events_pb2.CustomerHistoryCopied(customer=customer, accounts=chunk))
            chunk, size = [], 0
        chunk.append(history)
        size += n
    if chunk:
        out.append(events_pb2.CustomerHistoryCopied(customer=customer, accounts=chunk))
    return out
