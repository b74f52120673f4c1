"""A service's own copy of the org tree, for data scope (kam_kit.scope), kept from the customer service's
``SourceOrgUnitUpdated`` events: each event carries the whole unit and the latest one wins (one stream, in order).

A service declares its table with :class:`OrgUnitCopyColumns` (``class OrgUnitCopy(OrgUnitCopyColumns, Base):
__tablename__ = "org_units"``, plus its migration), consumes the events with :func:`updater` and resolves a
caller's scope with :func:`scope_of` — the same rules in every service that keeps customers' records.

A service that needs the tree as the bank runs it in KAM — units an administrator created, moved or renamed, which
the core does not know — also consumes the identity service's ``OrgUnitCreated`` / ``OrgUnitUpdated`` /
``OrgUnitDeleted`` with :func:`identity_updaters` (its table then adds :class:`IdentityOrgUnitColumns`). The
identity service imports the core's units too and publishes them as its own, applying the rule of who wins
(docs/architecture.md); so once it has told about a unit, the copy follows it alone and a later
``SourceOrgUnitUpdated`` for that unit changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from google.protobuf.message import Message
from kam.identity.v1 import events_pb2 as identity_events
from sqlalchemy import Boolean, String, false, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from kam_kit.auth import Identity
from kam_kit.events import EventMeta
from kam_kit.scope import ORG_PREFIX, DataScope, needs_tree, resolve


class OrgUnitCopyColumns:
    """The columns of an org-tree copy: the unit id (without ``orgUnits/``), its parent's, its name."""

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    parent_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    display_name: Mapped[str] = mapped_column(String(200))


def updater(model: type[Any]) -> Callable[[AsyncSession, Any, EventMeta], Awaitable[None]]:
    """The handler of ``SourceOrgUnitUpdated`` for the service's ``model``."""

    async def on_org_unit_updated(session: AsyncSession, event: Any, meta: EventMeta) -> None:
        await _copy(session, model, event.org_unit, from_identity=False)

    return on_org_unit_updated


async def _copy(session: AsyncSession, model: type[Any], unit: Any, *, from_identity: bool) -> None:
    """Keep ``unit`` (a ``kam.identity.v1.OrgUnit``) in the copy: the identity service's word always, a scan's only
    on a unit the identity service has not told about."""
    unit_id = unit.name.removeprefix(ORG_PREFIX)
    row = await session.get(model, unit_id)
    if row is None:
        row = model(id=unit_id)
        session.add(row)
    elif not from_identity and getattr(row, "from_identity", False):
        return  # the identity service's word on this unit stands
    row.parent_id = unit.parent.removeprefix(ORG_PREFIX) or None
    row.display_name = unit.display_name
    if from_identity:
        row.from_identity = True


class IdentityOrgUnitColumns:
    """Added to an org-tree copy that also follows the identity service: whether it has told about the unit."""

    from_identity: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


def identity_updaters(
    model: type[Any],
) -> dict[type[Message], Callable[[AsyncSession, Any, EventMeta], Awaitable[None]]]:
    """The handlers of the identity service's org-unit events for the service's ``model`` (with
    :class:`IdentityOrgUnitColumns`): created and updated units are copied whole, deleted ones removed."""

    async def on_org_unit(session: AsyncSession, event: Any, meta: EventMeta) -> None:
        await _copy(session, model, event.org_unit, from_identity=True)

    async def on_org_unit_deleted(session: AsyncSession, event: Any, meta: EventMeta) -> None:
        row = await session.get(model, event.org_unit.removeprefix(ORG_PREFIX))
        if row is not None:
            await session.delete(row)

    return {
        identity_events.OrgUnitCreated: on_org_unit,
        identity_events.OrgUnitUpdated: on_org_unit,
        identity_events.OrgUnitDeleted: on_org_unit_deleted,
    }


async def scope_of(session: AsyncSession, identity: Identity | None, model: type[Any]) -> DataScope:
    """The caller's data scope over the service's copy of the org tree (read only when the scope needs it)."""
    parents: dict[str, str | None] | None = None
    if needs_tree(identity):
        rows = (await session.execute(select(model.id, model.parent_id))).all()
        parents = {unit: parent for unit, parent in rows}
    return resolve(identity, parents)
