"""Deleting a customer entered by staff: only ``SOURCE_MANUAL`` customers (the scan would copy a core-banking customer back, and the core
system is the master of those); the customer's contacts, timeline, tier state, history and overrides and its
search terms go with it, in one transaction with ``CustomerDeleted``. A customer that is a member of a corporate
group is refused until it is taken out of the group (the group's structure would otherwise break silently).
Runs in a unit of work (:mod:`kam_customer.service_layer.unit_of_work`; unit-tested with its in-memory fake).
"""

from __future__ import annotations

from kam.customer.v1 import events_pb2
from kam_kit import etags
from kam_kit.auth import Identity
from kam_kit.errors import FailedPrecondition

from kam_customer.adapters.trail import values
from kam_customer.service_layer.customers import customer_id_from_name
from kam_customer.service_layer.unit_of_work import AuditChange, UnitOfWorkFactory, visible_customer


class LifecycleService:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self.uow = uow

    async def delete(self, identity: Identity | None, name: str, *, etag: str) -> None:
        customer_id = customer_id_from_name(name)
        async with self.uow() as uow:
            row = await visible_customer(uow, await uow.scope(identity), customer_id)
            if row.source != "MANUAL":
                raise FailedPrecondition(
                    "该客户来自核心系统，不能在KAM中删除；请在核心系统销户，扫描会同步状态 (customers copied from the "
                    "core-banking system cannot be deleted in KAM; close them in the source)",
                    reason="CUSTOMER_FROM_SOURCE",
                    metadata={"name": name},
                )
            etags.check(etag, row.version, "客户")
            group_id = await uow.customers.group_of(customer_id)
            if group_id is not None:
                group = f"customerGroups/{group_id}"
                raise FailedPrecondition(
                    f"客户是集团 {group} 的成员，请先将其移出集团 (remove the customer from the group first)",
                    reason="CUSTOMER_IN_GROUP",
                    metadata={"group": group},
                )
            before = values(row)
            await uow.customers.remove(row)  # the search terms go when the unit of work rewrites the index
            uow.record_event(
                events_pb2.CustomerDeleted(customer=f"customers/{customer_id}"),
                resource=f"customers/{customer_id}",
            )
            uow.record_change(AuditChange(identity, "customers.delete", f"customers/{customer_id}", before))
            await uow.commit()
