"""A service's own copy of the people in the identity service (users with their org unit, roles, staff code and
state), kept from ``kam.identity.v1.UserCreated`` / ``UserUpdated``, so that recipients, audiences and assignees
resolve without a call per person: "the branch managers of 东城支行", "everyone with the compliance role under
北京分行".

A service declares its table with :class:`UserCopyColumns` (``class UserCopy(UserCopyColumns, Base):
__tablename__ = "users"``, plus its migration), consumes the events with :func:`updater`, and asks
:func:`holders` for the active users holding roles in org units.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, String, Text, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from kam_kit.events import EventMeta
from kam_kit.timeconv import aware, from_timestamp

ACTIVE = 1  # kam.identity.v1.User.STATE_ACTIVE


class UserCopyColumns:
    """The columns of a user copy: the user's name (``users/{user}``), display name, org unit
    (``orgUnits/{org_unit}``), roles (space-separated ``roles/{role}``), staff code, whether active, and the time
    of the version kept."""

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    org_unit: Mapped[str] = mapped_column(String(128), default="")
    roles: Mapped[str] = mapped_column(Text, default="")
    staff_code: Mapped[str] = mapped_column(String(64), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ContactColumns:
    """Added to a user copy that reaches people outside the console (the notice service): e-mail and phone."""

    email: Mapped[str] = mapped_column(String(320), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")


def updater(model: type[Any]) -> Callable[[AsyncSession, Any, EventMeta], Awaitable[None]]:
    """The handler of ``UserCreated`` and ``UserUpdated`` for the service's ``model``: the newest version wins."""

    async def on_user_changed(session: AsyncSession, event: Any, meta: EventMeta) -> None:
        user = event.user
        changed = from_timestamp(user.update_time) if user.HasField("update_time") else None
        row = await session.get(model, user.name)
        if row is None:
            row = model(name=user.name)
            session.add(row)
        elif changed is not None and row.update_time is not None and aware(row.update_time) > changed:
            return  # an older version arriving late
        row.display_name = user.display_name
        row.org_unit = user.org_unit
        row.roles = " ".join(sorted(user.roles))
        row.staff_code = user.staff_code
        row.active = user.state == ACTIVE
        if issubclass(model, ContactColumns):
            row.email, row.phone = user.email, user.phone
        row.update_time = changed or row.update_time or datetime.fromtimestamp(0).astimezone()

    return on_user_changed


async def holders(
    session: AsyncSession, model: type[Any], roles: Iterable[str], org_units: Iterable[str]
) -> list[str]:
    """The active users holding any of ``roles`` whose org unit is one of ``org_units`` (names), sorted."""
    wanted, units = set(roles), list(org_units)
    if not wanted or not units:
        return []
    rows = await session.execute(
        select(model.name, model.roles).where(model.org_unit.in_(units), model.active.is_(True))
    )
    return sorted(name for name, held in rows if wanted & set(held.split()))
