"""Pre-flight check of a mapping against its source, before a scan reads or writes anything.

Every mapped entity's SQL runs in the source's own engine with no rows (``LIMIT 0``): its FROM clause, its
condition, its watermark and each field as the scan selects it (codes mapped, dates normalised, amounts cast to
numbers), and a custom ``as_of``. Where the type matters a small sample of rows (:data:`SAMPLE_ROWS`) is read:
amounts must be numbers (not text), dates must be readable in the field's format, and a mapped currency needs an
exchange rate source. The first problem raises :class:`MappingError` naming the mapping file, the entry
(``entities.account.columns.balance``) and the problem; single unreadable values are not problems here (they are
bad rows, counted by the scan).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from kam_customer.scan.mapping import (
    BASE_CURRENCY,
    DATE,
    INTEGER,
    LOGICAL_MODEL,
    NUMBER,
    TIMESTAMP,
    Entity,
    MappingError,
)
from kam_customer.scan.source import SourceUnavailable, short_reason
from kam_customer.scan.sqlgen import SqlBuilder

#: Rows read to check the type of a field whose type matters (from the start of the entity's rows).
SAMPLE_ROWS = 100


async def check(conn: AsyncConnection, sql: SqlBuilder, *, fixed_rates: bool = False) -> None:
    """Raise :class:`MappingError` for the first entry of the mapping the source cannot serve. ``fixed_rates``:
    KAM's setting gives exchange rates (``KAM_CUSTOMER_FX_RATES``)."""
    mapping = sql.m
    if mapping.as_of:
        await _as_of(conn, sql)
    for name, entity in mapping.entities.items():
        base = f"entities.{name}"
        await _rows(conn, sql, f"SELECT 1 FROM {entity.from_} LIMIT 0", f"{base}.from")
        if entity.where:
            await _rows(
                conn,
                sql,
                f"SELECT 1 {sql.from_where(entity)} LIMIT 0",
                _entry(sql, f"{base}.where", entity.where),
            )
        if entity.watermark:
            await _rows(
                conn,
                sql,
                f"SELECT {entity.watermark_sql(sql.d.name)} {sql.from_where(entity)} LIMIT 0",
                _entry(sql, f"{base}.watermark", entity.watermark),
            )
        for field in entity.columns:
            entry = _entry(sql, f"{base}.columns.{field}", entity.columns[field])
            kind = LOGICAL_MODEL[name][field].type
            number = kind in (NUMBER, INTEGER)
            value = sql.d.num(sql.raw(entity, field)) if number else sql.value(entity, field)
            await _rows(conn, sql, f"SELECT {value} {sql.from_where(entity)} LIMIT 0", entry)
            if number:
                await _numbers(conn, sql, entity, field, entry)
            elif kind in (DATE, TIMESTAMP):
                await _dates(conn, sql, entity, field, entry)
    account = mapping.entities["account"]
    if account.has("currency") and not fixed_rates and mapping.entity("fx_rate") is None:
        await _currencies(conn, sql, account)


def _entry(sql: SqlBuilder, entry: str, per_dialect: dict[str, str]) -> str:
    """The entry of an SQL value: ``….postgresql`` when the mapping gives the value per dialect."""
    return f"{entry}.{sql.d.name}" if sql.d.name in per_dialect else entry


async def _rows(conn: AsyncConnection, sql: SqlBuilder, statement: str, entry: str) -> list[Any]:
    try:
        return list((await conn.execute(text(statement))).all())
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise SourceUnavailable(f"无法连接数据源 (source unreachable): {short_reason(exc)}") from exc
        raise MappingError(
            sql.m.path, entry, f"源数据库无法执行 (the source cannot run it): {short_reason(exc)}"
        ) from exc


def _sample(sql: SqlBuilder, entity: Entity, field: str) -> str:
    """The field's raw values in the first :data:`SAMPLE_ROWS` rows of the entity, as ``s.v``."""
    return f"(SELECT {sql.raw(entity, field)} AS v {sql.from_where(entity)} LIMIT {SAMPLE_ROWS}) s"


async def _numbers(conn: AsyncConnection, sql: SqlBuilder, entity: Entity, field: str, entry: str) -> None:
    values = [
        v
        for (v,) in await _rows(conn, sql, f"SELECT s.v FROM {_sample(sql, entity, field)}", entry)
        if v is not None
    ]
    if values and all(isinstance(v, (str, bytes)) for v in values):
        raise MappingError(
            sql.m.path,
            entry,
            f"应为数值，源列是文本 (must be a number; the source gives text, e.g. "
            f"{values[0]!r}): 请映射数值列，或在 SQL 中转换，如 CAST(… AS NUMERIC) (map a numeric column, "
            "or convert it in SQL, e.g. CAST(… AS NUMERIC))",
        )


async def _dates(conn: AsyncConnection, sql: SqlBuilder, entity: Entity, field: str, entry: str) -> None:
    spec = LOGICAL_MODEL[entity.name][field]
    fmt = entity.formats.get(field, "iso")
    day = sql.d.date("s.v", fmt, timestamp=spec.type == TIMESTAMP)
    rows = await _rows(
        conn, sql, f"SELECT s.v, {day} FROM {_sample(sql, entity, field)} WHERE s.v IS NOT NULL", entry
    )
    if rows and all(parsed is None for _, parsed in rows):
        raise MappingError(
            sql.m.path,
            entry,
            f"无法解析的日期 (dates cannot be read as {fmt}, e.g. {rows[0][0]!r}): "
            f"请在 formats.{field} 中写明格式 (name the format in formats.{field}: iso, yymmdd, "
            "yyyymmdd), 或在 SQL 中转换 (or convert it in SQL)",
        )


async def _as_of(conn: AsyncConnection, sql: SqlBuilder) -> None:
    entry = _entry(sql, "mapping.as_of", sql.m.as_of)
    rows = await _rows(conn, sql, sql.as_of_sql(), entry)
    value = rows[0][0] if rows else None
    try:
        if value is not None:
            date.fromisoformat(str(value)[:10])
    except ValueError:
        raise MappingError(sql.m.path, entry, f"不是日期 (not a date: {value!r})") from None


async def _currencies(conn: AsyncConnection, sql: SqlBuilder, account: Entity) -> None:
    """Accounts in a foreign currency need a rate: without any rate source every one of them would be a bad row."""
    entry = _entry(sql, "entities.account.columns.currency", account.columns["currency"])
    codes = {
        str(v)
        for (v,) in await _rows(
            conn, sql, f"SELECT DISTINCT s.v FROM {_sample(sql, account, 'currency')}", entry
        )
        if v is not None
    } - {BASE_CURRENCY}
    if codes:
        raise MappingError(
            sql.m.path,
            entry,
            f"没有汇率 (no exchange rate for {', '.join(sorted(codes))}): 请映射 "
            "entities.fx_rate 或设置 KAM_CUSTOMER_FX_RATES (map entities.fx_rate or set "
            "KAM_CUSTOMER_FX_RATES)",
        )
