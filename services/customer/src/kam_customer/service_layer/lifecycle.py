"""Deleting a customer entered by staff: only ``SOURCE_MANUAL`` customers (the scan would copy a core-banking customer back, and the core
system is the master of those); the customer's contacts, timeline, tier state, history and overrides and its
search terms go with it, in one transaction with ``CustomerDeleted``. A customer that is a member of a corporate
group is refused until it is taken out of the group (the group's structure would otherwise break silently).
"""

from __future__ import annotations

from kam.customer.v1 import events_pb2
from kam_kit import etags, outbox
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.errors import FailedPrecondition
from sqlalchemy import delete

from kam_customer.adapters.orm import (
    ContactRow,
    CreditProfileRow,
    CustomerGroupMemberRow,
    CustomerMetricsRow,
    InteractionRow,
)
from kam_customer.adapters.scope import customer_for
from kam_customer.adapters.trail import trail, values
from kam_customer.context import SERVICE
from kam_customer.search.index import reindex
from kam_customer.service_layer.customers import customer_id_from_name
from kam_customer.tiering.orm import CustomerTierStateRow, TierHistoryRow, TierOverrideRow


class LifecycleService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.events = outbox.Recorder(SERVICE, clock)
        self.audit = trail(clock)

    async def delete(self, identity: Identity | None, name: str, *, etag: str) -> None:
        customer_id = customer_id_from_name(name)
        async with self.db.transaction() as session:
            row = await customer_for(session, identity, customer_id)
            if row.source != "MANUAL":
                raise FailedPrecondition(
                    "该客户来自核心系统，不能在KAM中删除；请在核心系统销户，扫描会同步状态 (customers copied from the "
                    "core-banking system cannot be deleted in KAM; close them in the source)",
                    reason="CUSTOMER_FROM_SOURCE",
                    metadata={"name": name},
                )
            etags.check(etag, row.version, "客户")
            member = await session.get(CustomerGroupMemberRow, customer_id)
            if member is not None:
                group = f"customerGroups/{member.group_id}"
                raise FailedPrecondition(
                    f"客户是集团 {group} 的成员，请先将其移出集团 (remove the customer from the group first)",
                    reason="CUSTOMER_IN_GROUP",
                    metadata={"group": group},
                )
            before = values(row)
            for table in (
                ContactRow,
                InteractionRow,
                CreditProfileRow,
                CustomerMetricsRow,
                TierOverrideRow,
                TierHistoryRow,
                CustomerTierStateRow,
            ):
                await session.execute(delete(table).where(table.customer_id == customer_id))
            await session.delete(row)
            await reindex(session, [customer_id])  # the customer is gone: its search terms are dropped
            self.events.record(
                session,
                events_pb2.CustomerDeleted(customer=f"customers/{customer_id}"),
                resource=f"customers/{customer_id}",
            )
            self.audit.change(
                session,
                actor=identity,
                action="customers.delete",
                resource=f"customers/{customer_id}",
                before=before,
            )
