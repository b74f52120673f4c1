"""A database of its own for one benchmark run: a SQLite file in a temporary directory, or — when PostgreSQL
answers at ``KAM_TEST_POSTGRES_URL`` (default the local trust-auth server) — a PostgreSQL database created for the
run and dropped afterwards."""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from collections.abc import AsyncIterator

POSTGRES = os.environ.get("KAM_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")


@contextlib.asynccontextmanager
async def sqlite(name: str = "bench") -> AsyncIterator[str]:
    with tempfile.TemporaryDirectory() as tmp:
        yield f"sqlite+aiosqlite:///{tmp}/{name}.db"


async def postgres_available() -> str | None:
    """Why PostgreSQL cannot be measured, or None when it can."""
    import asyncpg

    try:
        conn = await asyncpg.connect(POSTGRES.replace("postgresql+asyncpg", "postgresql"), timeout=3)
    except (OSError, asyncpg.PostgresError) as exc:
        return str(exc) or type(exc).__name__
    await conn.close()
    return None


@contextlib.asynccontextmanager
async def postgres() -> AsyncIterator[str]:
    """A fresh PostgreSQL database's SQLAlchemy URL, dropped afterwards."""
    import asyncpg

    admin = await asyncpg.connect(POSTGRES.replace("postgresql+asyncpg", "postgresql"), timeout=3)
    name = f"kam_bench_{uuid.uuid4().hex[:12]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES.rsplit("/", 1)[0] + f"/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
