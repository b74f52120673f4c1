"""Read models built from events (a service's own copy of another's data): upsert a row unless the copy already
holds a newer version, so events arriving late or twice never move a copy back in time."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from kam_kit.timeconv import aware

Row = TypeVar("Row")


async def newer_row(
    session: AsyncSession,
    model: type[Row],
    key: Any,
    version_time: datetime,
    *,
    time_attr: str = "update_time",
    stale=None,
) -> Row | None:
    """The row of ``model`` with primary ``key`` to apply an event of ``version_time`` to: a new (added) row, or the
    existing one when its ``time_attr`` is not later; None when the stored version is newer (skip the event).
    ``stale(row)`` may say that a stored row is a placeholder to be filled whatever its time."""
    row = await session.get(model, key)
    if row is None:
        row = model()
        primary_key = model.__mapper__.primary_key  # type: ignore[attr-defined]
        for column, value in zip(primary_key, key if isinstance(key, tuple) else (key,), strict=True):
            setattr(row, column.key, value)
        session.add(row)
        return row
    if (stale is None or not stale(row)) and aware(version_time) < aware(getattr(row, time_attr)):
        return None
    return row
