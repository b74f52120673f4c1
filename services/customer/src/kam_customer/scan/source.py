"""Opening the core-banking source read-only.

SQLite is opened through a ``file:…?mode=ro`` URI (the driver refuses every write); PostgreSQL connections
start every transaction read-only (``default_transaction_read_only=on``, i.e. ``SET TRANSACTION READ ONLY``) and
without JIT compilation (``jit=off``: the generated statements carry recursive group CTEs whose row estimates are
astronomical, so PostgreSQL would spend seconds compiling each chunk's statement for a few thousand rows).
Plain URLs (``sqlite:///var/core-banking.db``, ``postgresql://…``) are mapped to the async drivers.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


class SourceUnavailable(Exception):
    """The source cannot be reached or opened (the message is safe to show)."""


def open_source(url: str) -> AsyncEngine:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        if not database or database == ":memory:":
            raise SourceUnavailable("SQLite 数据源必须是文件 (the SQLite source must be a file)")
        path = Path(database.removeprefix("file:").split("?")[0]).resolve()
        if not path.is_file():
            raise SourceUnavailable(f"数据源文件不存在 (source file not found): {path}")
        return create_async_engine(f"sqlite+aiosqlite:///file:{path}?mode=ro&uri=true")
    if backend == "postgresql":
        return create_async_engine(
            parsed.set(drivername="postgresql+asyncpg"),
            pool_size=2,
            connect_args={
                "timeout": 10,
                "server_settings": {"default_transaction_read_only": "on", "jit": "off"},
            },
        )
    raise SourceUnavailable(f"不支持的数据源类型 (unsupported source engine): {backend}")


async def check_source(engine: AsyncEngine) -> None:
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:
        raise SourceUnavailable(f"无法连接数据源 (source unreachable): {short_reason(exc)}") from exc


def short_reason(exc: BaseException) -> str:
    """The first line of the driver's message, without SQL."""
    inner = getattr(exc, "orig", None) or exc
    message = str(inner).splitlines()[0] if str(inner) else type(inner).__name__
    return f"{type(inner).__name__}: {message}"[:300]
