"""Database errors that are really races become ABORTED (retry), on SQLite and PostgreSQL."""

from __future__ import annotations

import grpc
import pytest
from kam_kit.errors import Aborted, concurrent_conflict
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import create_async_engine


async def _error(database_url: str, statement: str) -> IntegrityError:
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text("CREATE TABLE ranks (tier VARCHAR(20) NOT NULL, rank INTEGER NOT NULL UNIQUE)")
            )
            await conn.execute(text("INSERT INTO ranks VALUES ('diamond', 1)"))
        with pytest.raises(IntegrityError) as caught:
            async with engine.begin() as conn:
                await conn.execute(text(statement))
        return caught.value
    finally:
        await engine.dispose()


async def test_a_unique_violation_is_a_concurrent_change(database_url: str) -> None:
    error = concurrent_conflict(await _error(database_url, "INSERT INTO ranks VALUES ('gold', 1)"))
    assert isinstance(error, Aborted)
    assert error.code == grpc.StatusCode.ABORTED and error.reason == "CONCURRENT_CHANGE"
    assert "请重试" in error.message


async def test_other_integrity_errors_stay_internal(database_url: str) -> None:
    assert concurrent_conflict(await _error(database_url, "INSERT INTO ranks VALUES (NULL, 2)")) is None
    assert concurrent_conflict(ValueError("UNIQUE constraint failed")) is None
