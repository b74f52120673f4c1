"""A service's own copy of the org tree, for data scope (kam_kit.scope), kept from the customer service's
``SourceOrgUnitUpdated`` events: each event carries the whole unit and the latest one wins (one stream, in order).

A service declares its table with :class:`OrgUnitCopyColumns` (``class OrgUnitCopy(OrgUnitCopyColumns, Base):
__tablename__ = "org_units"``, plus its migration), consumes the events with :func:`updater` and resolves a
caller's scope with :func:`scope_of` — the same rules in every service that keeps customers' records.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import String, select
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
        unit = event.org_unit
        unit_id = unit.name.removeprefix(ORG_PREFIX)
        row = await session.get(model, unit_id)
        if row is None:
            row = model(id=unit_id)
            session.add(row)
        row.parent_id = unit.parent.removeprefix(ORG_PREFIX) or None
        row.display_name = unit.display_name

    return on_org_unit_updated


async def scope_of(session: AsyncSession, identity: Identity | None, model: type[Any]) -> DataScope:
    """The caller's data scope over the service's copy of the org tree (read only when the scope needs it)."""
    parents: dict[str, str | None] | None = None
    if needs_tree(identity):
        rows = (await session.execute(select(model.id, model.parent_id))).all()
        parents = {unit: parent for unit, parent in rows}
    return resolve(identity, parents)
