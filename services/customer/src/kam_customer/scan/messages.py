"""Rows of the scan's KAM tables → ``kam.customer.v1`` messages for events and the ScanService."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from google.type import date_pb2, money_pb2
from kam.customer.v1 import customer_pb2, scan_pb2
from kam_kit.timeconv import to_timestamp

Account = customer_pb2.Account
Transaction = customer_pb2.Transaction
ScanJob = scan_pb2.ScanJob

ACCOUNT_TYPES = {
    "DEMAND_DEPOSIT": Account.TYPE_DEMAND_DEPOSIT, "TIME_DEPOSIT": Account.TYPE_TIME_DEPOSIT,
    "LOAN": Account.TYPE_LOAN, "WEALTH": Account.TYPE_WEALTH, "FUND": Account.TYPE_WEALTH,
    "CREDIT_CARD": Account.TYPE_CREDIT_CARD,
}
ACCOUNT_STATES = {"OPEN": Account.STATE_OPEN, "FROZEN": Account.STATE_FROZEN, "DORMANT": Account.STATE_DORMANT,
                  "CLOSED": Account.STATE_CLOSED}
DIRECTIONS = {"DEBIT": Transaction.DIRECTION_DEBIT, "CREDIT": Transaction.DIRECTION_CREDIT}
DIRECTIONS_FROM_PROTO = {v: k for k, v in DIRECTIONS.items()}
CHANNELS = {"COUNTER": Transaction.CHANNEL_COUNTER, "ATM": Transaction.CHANNEL_ATM,
            "ONLINE": Transaction.CHANNEL_ONLINE, "MOBILE": Transaction.CHANNEL_MOBILE,
            "POS": Transaction.CHANNEL_POS, "THIRD_PARTY": Transaction.CHANNEL_THIRD_PARTY}
CHANNELS_FROM_PROTO = {v: k for k, v in CHANNELS.items()}
MODES = {"FULL": ScanJob.MODE_FULL, "INCREMENTAL": ScanJob.MODE_INCREMENTAL}
TRIGGERS = {"SCHEDULED": ScanJob.TRIGGER_SCHEDULED, "MANUAL": ScanJob.TRIGGER_MANUAL,
            "STARTUP": ScanJob.TRIGGER_STARTUP}
STATES = {"PENDING": ScanJob.STATE_PENDING, "RUNNING": ScanJob.STATE_RUNNING,
          "SUCCEEDED": ScanJob.STATE_SUCCEEDED, "FAILED": ScanJob.STATE_FAILED,
          "CANCELLED": ScanJob.STATE_CANCELLED}


def money(amount: Decimal | float | None) -> money_pb2.Money:
    value = Decimal(str(amount or 0)).quantize(Decimal("0.01"))
    units = int(value)
    nanos = int(((value - units) * 1_000_000_000).to_integral_value())
    return money_pb2.Money(currency_code="CNY", units=units, nanos=nanos)


def money_value(message: money_pb2.Money) -> Decimal:
    return (Decimal(message.units) + Decimal(message.nanos) / Decimal(1_000_000_000)).quantize(Decimal("0.01"))


def pb_date(value: date | None) -> date_pb2.Date | None:
    return date_pb2.Date(year=value.year, month=value.month, day=value.day) if value else None


def account_name(row) -> str:
    return f"customers/{row.customer_id}/accounts/{row.id}"


def account_to_proto(row) -> Account:
    message = Account(
        name=account_name(row), account_number=row.id, type=ACCOUNT_TYPES.get(row.type, Account.TYPE_UNSPECIFIED),
        product=row.product or "", product_display_name=row.product_display_name or "",
        balance=money(row.balance), state=ACCOUNT_STATES.get(row.state, Account.STATE_UNSPECIFIED),
        branch=f"orgUnits/{row.org_unit_id}" if row.org_unit_id else "",
    )
    if row.open_date:
        message.open_date.CopyFrom(pb_date(row.open_date))
    if row.maturity_date:
        message.maturity_date.CopyFrom(pb_date(row.maturity_date))
    if row.balance_update_time:
        message.balance_update_time.CopyFrom(to_timestamp(row.balance_update_time))
    return message


def transaction_to_proto(row) -> Transaction:
    message = Transaction(
        name=f"customers/{row.customer_id}/accounts/{row.account_id}/transactions/{row.id}",
        direction=DIRECTIONS.get(row.direction, Transaction.DIRECTION_UNSPECIFIED), amount=money(row.amount),
        channel=CHANNELS.get(row.channel, Transaction.CHANNEL_UNSPECIFIED), counterparty=row.counterparty or "",
        summary=row.summary or "", post_time=to_timestamp(row.post_time),
        receive_time=to_timestamp(row.receive_time),
    )
    if row.balance_after is not None:
        message.balance_after.CopyFrom(money(row.balance_after))
    return message


def scan_job_to_proto(row) -> ScanJob:
    message = ScanJob(
        name=f"scanJobs/{row.id}", mode=MODES.get(row.mode, ScanJob.MODE_UNSPECIFIED),
        trigger=TRIGGERS.get(row.trigger, ScanJob.TRIGGER_UNSPECIFIED),
        state=STATES.get(row.state, ScanJob.STATE_UNSPECIFIED), create_time=to_timestamp(row.create_time),
        start_watermark=row.start_watermark or "", end_watermark=row.end_watermark or "",
        customers_scanned=row.customers_scanned, customers_changed=row.customers_changed,
        accounts_changed=row.accounts_changed, transactions_ingested=row.transactions_ingested,
        tier_changes=row.tier_changes, error_message=row.error_message or "", creator=row.creator or "",
        progress_percent=round(row.progress, 1), phase=row.phase or "", rows_read=row.rows_read,
        rows_per_second=round(row.rows_read / row.run_seconds, 1) if row.run_seconds > 0 else 0.0,
        customers_selected=row.customers_selected, bad_rows=row.bad_rows, mapping=row.mapping or "",
    )
    if row.start_time:
        message.start_time.CopyFrom(to_timestamp(row.start_time))
    if row.end_time:
        message.end_time.CopyFrom(to_timestamp(row.end_time))
    if row.as_of:
        message.as_of_date.CopyFrom(pb_date(row.as_of))
    for issue in json.loads(row.issues or "[]"):
        message.issues.add(entity=issue["entity"], field=issue["field"], problem=issue["problem"],
                           count=issue["count"], examples=issue["examples"])
    return message
