"""Rows of the scan's KAM tables → ``kam.customer.v1`` messages for events and the ScanService."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import PurePath

from google.type import money_pb2
from kam.customer.v1 import customer_pb2, scan_pb2
from kam.identity.v1.identity_pb2 import OrgUnit
from kam_kit.timeconv import to_timestamp

from kam_customer.adapters import protomap

Account = customer_pb2.Account
Transaction = customer_pb2.Transaction
ScanJob = scan_pb2.ScanJob


MODES = {"FULL": ScanJob.MODE_FULL, "INCREMENTAL": ScanJob.MODE_INCREMENTAL}
TRIGGERS = {
    "SCHEDULED": ScanJob.TRIGGER_SCHEDULED,
    "MANUAL": ScanJob.TRIGGER_MANUAL,
    "STARTUP": ScanJob.TRIGGER_STARTUP,
}
STATES = {
    "PENDING": ScanJob.STATE_PENDING,
    "RUNNING": ScanJob.STATE_RUNNING,
    "SUCCEEDED": ScanJob.STATE_SUCCEEDED,
    "FAILED": ScanJob.STATE_FAILED,
    "CANCELLED": ScanJob.STATE_CANCELLED,
}


money = protomap.money
pb_date = protomap.date_to_proto


def money_value(message: money_pb2.Money) -> Decimal:
    return (Decimal(message.units) + Decimal(message.nanos) / Decimal(1_000_000_000)).quantize(
        Decimal("0.01")
    )


def scan_job_to_proto(row) -> ScanJob:
    message = ScanJob(
        name=f"scanJobs/{row.id}",
        mode=MODES.get(row.mode, ScanJob.MODE_UNSPECIFIED),
        trigger=TRIGGERS.get(row.trigger, ScanJob.TRIGGER_UNSPECIFIED),
        state=STATES.get(row.state, ScanJob.STATE_UNSPECIFIED),
        create_time=to_timestamp(row.create_time),
        customers_scanned=row.customers_scanned,
        customers_changed=row.customers_changed,
        accounts_changed=row.accounts_changed,
        transactions_ingested=row.transactions_ingested,
        tier_changes=row.tier_changes,
        error_message=row.error_message or "",
        creator=row.creator or "",
        progress_percent=round(row.progress, 1),
        phase=row.phase or "",
        rows_read=row.rows_read,
        rows_per_second=round(row.rows_read / row.run_seconds, 1) if row.run_seconds > 0 else 0.0,
        customers_selected=row.customers_selected,
        bad_rows=row.bad_rows,
        mapping=PurePath(row.mapping).name if row.mapping else "",
    )
    if row.start_time:
        message.start_time.CopyFrom(to_timestamp(row.start_time))
    if row.end_time:
        message.end_time.CopyFrom(to_timestamp(row.end_time))
    if row.as_of:
        message.as_of_date.CopyFrom(pb_date(row.as_of))
    for issue in json.loads(row.issues or "[]"):
        message.issues.add(
            entity=issue["entity"],
            field=issue["field"],
            problem=issue["problem"],
            count=issue["count"],
            examples=issue["examples"],
        )
    return message


_ORG_TYPES = {
    "HEAD_OFFICE": OrgUnit.TYPE_HEAD_OFFICE,
    "BRANCH": OrgUnit.TYPE_BRANCH,
    "SUB_BRANCH": OrgUnit.TYPE_SUB_BRANCH,
}


def org_unit_to_proto(row) -> OrgUnit:
    """An ``org_units`` row (or its values as a mapping) as the identity API's OrgUnit, named ``orgUnits/{id}``."""
    get = row.get if isinstance(row, dict) else lambda key: getattr(row, key)
    parent = get("parent_id")
    return OrgUnit(
        name=f"orgUnits/{get('id')}",
        display_name=get("display_name") or "",
        type=_ORG_TYPES.get(get("level"), OrgUnit.TYPE_UNSPECIFIED),
        parent=f"orgUnits/{parent}" if parent else "",
        region=get("region") or "",
    )
