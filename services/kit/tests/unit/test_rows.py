"""Core results as named tuples (kam_kit.rows): the same attribute names and values as SQLAlchemy's rows."""

from __future__ import annotations

from datetime import datetime

from kam_kit.rows import plain, plain_first, row_class
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, create_engine, literal, select

meta = MetaData()
things = Table(
    "things",
    meta,
    Column("id", String, primary_key=True),
    Column("type", String),
    Column("version", Integer),
    Column("create_time", DateTime),
)


def _engine():
    engine = create_engine("sqlite://")
    meta.create_all(engine)
    with engine.begin() as connection:
        connection.execute(
            things.insert(),
            [
                {
                    "id": f"t{n}",
                    "type": "A" if n % 2 else "B",
                    "version": n,
                    "create_time": datetime(2026, 1, n + 1),
                }
                for n in range(5)
            ],
        )
    return engine


def test_rows_read_like_sqlalchemys() -> None:
    engine = _engine()
    query = select(things, literal(7).label("metrics_count")).order_by(things.c.id)
    with engine.connect() as connection:
        expected = connection.execute(query).all()
        got = plain(connection.execute(query))
    assert len(got) == 5
    for row, mine in zip(expected, got, strict=True):
        for name in ("id", "type", "version", "create_time", "metrics_count"):
            assert getattr(mine, name) == getattr(row, name)
        assert tuple(mine) == tuple(row)
    assert type(got[0]) is row_class(("id", "type", "version", "create_time", "metrics_count"))


def test_first_row_or_none() -> None:
    engine = _engine()
    with engine.connect() as connection:
        first = plain_first(
            connection.execute(select(things).where(things.c.version >= 3).order_by(things.c.id))
        )
        none = plain_first(connection.execute(select(things).where(things.c.id == "nobody")))
    assert first is not None and (first.id, first.version) == ("t3", 3)
    assert none is None
