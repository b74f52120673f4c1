"""Load the Berka data set (a real Czech bank, PKDD'99) into a database in Berka's own schema.

Tables ``client``, ``account``, ``disp``, ``trans`` (from ``trans_partial.asc``; indexed by account and date),
``loan``, ``card``, ``district`` and ``"order"``, with the files' column names. Nothing is transformed beyond types: YYMMDD dates
become DATE (19YY), ``card.issued`` (``YYMMDD 00:00:00``) becomes DATE, amounts NUMERIC, ids INTEGER, ``?`` and
empty fields NULL. KAM reads these tables through ``mappings/berka.toml``, unchanged.

Files: semicolon separated, double-quoted strings, CRLF, one header row. Data directory: ``KAM_BERKA_DIR`` or
``../shared/data/berka`` beside the repository.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import Column, Date, Index, Integer, MetaData, Numeric, Table, Text
from sqlalchemy.engine import URL

from kam_demobank import bulk

REPO_ROOT = Path(__file__).resolve().parents[4]

metadata = MetaData()


def _table(name: str, *columns: Column) -> Table:
    return Table(name, metadata, *columns)


def _money(name: str) -> Column:
    return Column(name, Numeric(20, 2))


district = _table(
    "district",
    Column("A1", Integer, primary_key=True),
    Column("A2", Text),
    Column("A3", Text),
    *(Column(f"A{i}", Integer) for i in range(4, 10)),
    Column("A10", Numeric(6, 2)),
    Column("A11", Integer),
    Column("A12", Numeric(6, 2)),
    Column("A13", Numeric(6, 2)),
    *(Column(f"A{i}", Integer) for i in range(14, 17)),
)
client = _table(
    "client",
    Column("client_id", Integer, primary_key=True),
    Column("birth_number", Text),
    Column("district_id", Integer),
)
account = _table(
    "account",
    Column("account_id", Integer, primary_key=True),
    Column("district_id", Integer),
    Column("frequency", Text),
    Column("date", Date),
)
disp = _table(
    "disp",
    Column("disp_id", Integer, primary_key=True),
    Column("client_id", Integer),
    Column("account_id", Integer),
    Column("type", Text),
)
# (an index, as the bank's own tables would have one: the balance chain of mappings/berka.toml joins a day's
# transactions of an account with each other)
trans = _table(
    "trans",
    Column("trans_id", Integer, primary_key=True),
    Column("account_id", Integer),
    Column("date", Date),
    Column("type", Text),
    Column("operation", Text),
    _money("amount"),
    _money("balance"),
    Column("k_symbol", Text),
    Column("bank", Text),
    Column("account", Text),
    Index("ix_trans_account_date", "account_id", "date"),
)
loan = _table(
    "loan",
    Column("loan_id", Integer, primary_key=True),
    Column("account_id", Integer),
    Column("date", Date),
    _money("amount"),
    Column("duration", Integer),
    _money("payments"),
    Column("status", Text),
)
card = _table(
    "card",
    Column("card_id", Integer, primary_key=True),
    Column("disp_id", Integer),
    Column("type", Text),
    Column("issued", Date),
)
order = _table(
    "order",
    Column("order_id", Integer, primary_key=True),
    Column("account_id", Integer),
    Column("bank_to", Text),
    Column("account_to", Text),
    _money("amount"),
    Column("k_symbol", Text),
)

#: table → file, in load order.
FILES: dict[Table, str] = {
    district: "district.asc",
    client: "client.asc",
    account: "account.asc",
    disp: "disp.asc",
    order: "order.asc",
    loan: "loan.asc",
    card: "card.asc",
    trans: "trans_partial.asc",
}
#: Rows per table in the files shipped in shared/data/berka.
EXPECTED_ROWS = {
    "client": 5369,
    "account": 4500,
    "disp": 5369,
    "trans": 49102,
    "loan": 682,
    "card": 892,
    "district": 77,
    "order": 6471,
}


def default_data_dir() -> Path:
    env = os.environ.get("KAM_BERKA_DIR")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "data" / "berka"


def _yymmdd(value: str) -> str:
    value = value.strip()[:6]
    return date(1900 + int(value[:2]), int(value[2:4]), int(value[4:6])).isoformat()


def _parser(column: Column) -> Callable[[str], object]:
    if isinstance(column.type, Integer):
        return int
    if isinstance(column.type, Numeric):
        return float
    if isinstance(column.type, Date):
        return _yymmdd
    return str


def read_rows(table: Table, path: Path) -> list[tuple]:
    parsers = [_parser(c) for c in table.columns]
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle, delimiter=";", quotechar='"')
        header = next(reader)
        if header != [c.name for c in table.columns]:
            raise ValueError(f"{path}: header {header} does not match table {table.name}")
        rows = []
        for line_no, fields in enumerate(reader, start=2):
            try:
                rows.append(
                    tuple(
                        None if f.strip() in ("", "?") else p(f) for p, f in zip(parsers, fields, strict=True)
                    )
                )
            except ValueError as exc:
                raise ValueError(f"{path}:{line_no}: {exc}") from exc
    return rows


async def load(
    url: str | URL,
    data_dir: Path | None = None,
    *,
    force: bool = True,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, int]:
    """(Re)create Berka's tables in ``url`` and load the files; returns rows per table."""
    data_dir = data_dir or default_data_dir()
    missing = [f for f in FILES.values() if not (data_dir / f).exists()]
    if missing:
        raise FileNotFoundError(f"Berka files missing in {data_dir}: {', '.join(missing)}")
    tables = list(FILES)
    writer = bulk.writer_for(url, tables)
    counts: dict[str, int] = {}
    await writer.begin(force)
    try:
        for table, name in FILES.items():
            rows = read_rows(table, data_dir / name)
            await writer.write(table, rows)
            counts[table.name] = len(rows)
            progress(f"{table.name}: {len(rows):,} rows")
        await writer.finish()
    except BaseException:
        await writer.abort()
        raise
    return counts
