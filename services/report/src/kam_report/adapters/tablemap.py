"""A computed :class:`~kam_report.domain.tables.Table` on the wire and in the database.

* :func:`to_proto` — the ``kam.report.v1`` columns, rows and totals of a ``Report``: cells as
  ``google.protobuf.Value`` (strings and resource names as strings, integers and decimals as numbers, percentages
  as numbers rounded to 2 decimals, money as a decimal string with 2 decimals, dates as ``YYYY-MM-DD``, ``None`` as
  null).
* :func:`dumps` / :func:`loads` — a JSON text to keep a computed table in a ``Text`` column, with an exact round
  trip: ``Decimal`` (exponent included), dates, ``None``, drill-downs, the totals row and ``data_time``.

The cell helpers (:func:`money_text`, :func:`rounded`) are shared with :mod:`kam_report.adapters.exports`, so
that the API and every export show the same figures.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from google.protobuf import struct_pb2
from kam.report.v1 import report_pb2

from kam_report.domain.tables import Cell, Column, ColumnType, Row, Table

_Type = report_pb2.ReportColumn.Type
PROTO_TYPES: dict[ColumnType, report_pb2.ReportColumn.Type] = {
    ColumnType.STRING: _Type.TYPE_STRING,
    ColumnType.INTEGER: _Type.TYPE_INTEGER,
    ColumnType.DECIMAL: _Type.TYPE_DECIMAL,
    ColumnType.MONEY: _Type.TYPE_MONEY,
    ColumnType.PERCENT: _Type.TYPE_PERCENT,
    ColumnType.DATE: _Type.TYPE_DATE,
    ColumnType.RESOURCE_NAME: _Type.TYPE_RESOURCE_NAME,
}

#: Decimal places kept for the numeric types that are rounded on the wire and in exports.
PLACES = {ColumnType.MONEY: 2, ColumnType.PERCENT: 2, ColumnType.DECIMAL: 4}

_FORMAT_VERSION = 1


# -- cells ---------------------------------------------------------------------------------------------------------


def as_decimal(value: float | Decimal) -> Decimal:
    """A number as a Decimal; a float through its shortest repr (``0.1`` → ``Decimal("0.1")``)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def rounded(value: float | Decimal, places: int) -> Decimal:
    """Round half up to ``places`` decimals; never ``-0.00``."""
    result = as_decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return result.copy_abs() if result.is_zero() else result


def money_text(value: float | Decimal) -> str:
    """An amount as the wire's decimal string: ``1234567.89``, ``-12.50``, ``0.00``."""
    return f"{rounded(value, 2):f}"


def is_number(value: Cell) -> bool:
    """Whether a cell holds a finite number (bool is no number here, nor NaN or infinity)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    return value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)


def date_text(value: date) -> str:
    """``YYYY-MM-DD`` (a datetime gives its date)."""
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def check_shape(table: Table) -> None:
    """Every row (and the totals) has one cell per column."""
    width = len(table.columns)
    for number, row in enumerate(table.rows, start=1):
        if len(row.values) != width:
            raise ValueError(f"row {number} has {len(row.values)} cells for {width} columns")
    if table.totals is not None and len(table.totals.values) != width:
        raise ValueError(f"the totals row has {len(table.totals.values)} cells for {width} columns")


# -- protobuf ------------------------------------------------------------------------------------------------------


def to_proto(
    table: Table,
) -> tuple[list[report_pb2.ReportColumn], list[report_pb2.ReportRow], report_pb2.ReportRow | None]:
    """The ``columns``, ``rows`` and ``totals`` of a ``kam.report.v1.Report``.

    A cell that does not fit its column (e.g. the text ``合计`` in the first column of the totals, whatever its
    type) is sent as a string; a NaN or infinite number as null.
    """
    check_shape(table)
    columns = [
        report_pb2.ReportColumn(
            key=column.key, display_name=column.display_name, type=PROTO_TYPES[column.type]
        )
        for column in table.columns
    ]
    rows = [_proto_row(row, table.columns) for row in table.rows]
    totals = _proto_row(table.totals, table.columns) if table.totals is not None else None
    return columns, rows, totals


def _proto_row(row: Row, columns: tuple[Column, ...]) -> report_pb2.ReportRow:
    return report_pb2.ReportRow(
        values=[cell_value(value, column.type) for value, column in zip(row.values, columns, strict=True)],
        drill_down=row.drill_down,
    )


def cell_value(value: Cell, kind: ColumnType) -> struct_pb2.Value:
    """One cell as a ``google.protobuf.Value``."""
    if value is None:
        return struct_pb2.Value(null_value=struct_pb2.NULL_VALUE)
    if isinstance(value, str):
        return struct_pb2.Value(string_value=value)
    if isinstance(value, date):
        return struct_pb2.Value(string_value=date_text(value))
    if not is_number(value):
        return struct_pb2.Value(null_value=struct_pb2.NULL_VALUE)
    if kind is ColumnType.MONEY:
        return struct_pb2.Value(string_value=money_text(value))
    places = PLACES.get(kind)
    if places is not None:
        return struct_pb2.Value(number_value=float(rounded(value, places)))
    return struct_pb2.Value(number_value=float(value))


# -- JSON ----------------------------------------------------------------------------------------------------------
#
# {"v": 1, "columns": [{"key": …, "display_name": …, "type": "MONEY"}, …],
#  "rows": [{"values": […], "drill_down": "orgUnits/0100"}, …], "totals": {…} | null, "data_time": ISO | null}
#
# Cells: JSON strings, integers, floats, null and booleans as themselves; {"$decimal": "1234.50"},
# {"$date": "2026-01-31"} and {"$datetime": ISO} for the rest (so "1.10" and "1.1" stay distinct).


def dumps(table: Table) -> str:
    """The table as JSON text (UTF-8, compact) for a database ``Text`` column; :func:`loads` reads it back."""
    document = {
        "v": _FORMAT_VERSION,
        "columns": [
            {"key": column.key, "display_name": column.display_name, "type": column.type.value}
            for column in table.columns
        ],
        "rows": [_dump_row(row) for row in table.rows],
        "totals": _dump_row(table.totals) if table.totals is not None else None,
        "data_time": table.data_time.isoformat() if table.data_time is not None else None,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> Table:
    """The table that :func:`dumps` wrote."""
    document = json.loads(text)
    if not isinstance(document, dict) or document.get("v") != _FORMAT_VERSION:
        raise ValueError("not a stored report table (unknown format version)")
    return Table(
        columns=tuple(
            Column(key=column["key"], display_name=column["display_name"], type=ColumnType(column["type"]))
            for column in document["columns"]
        ),
        rows=tuple(_load_row(row) for row in document["rows"]),
        totals=_load_row(document["totals"]) if document["totals"] is not None else None,
        data_time=datetime.fromisoformat(document["data_time"])
        if document["data_time"] is not None
        else None,
    )


def _dump_row(row: Row) -> dict[str, Any]:
    return {"values": [_dump_cell(value) for value in row.values], "drill_down": row.drill_down}


def _load_row(row: dict[str, Any]) -> Row:
    return Row(values=tuple(_load_cell(value) for value in row["values"]), drill_down=row["drill_down"])


def _dump_cell(value: Cell) -> Any:
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if value is None or isinstance(value, str | int | float):
        return value
    raise TypeError(f"a report cell cannot hold {type(value).__name__}")


def _load_cell(value: Any) -> Cell:
    if isinstance(value, dict):
        ((tag, text),) = value.items()
        if tag == "$decimal":
            return Decimal(text)
        if tag == "$date":
            return date.fromisoformat(text)
        if tag == "$datetime":
            return datetime.fromisoformat(text)
        raise ValueError(f"unknown cell tag {tag!r}")
    if value is None or isinstance(value, str | int | float):
        return value
    raise ValueError(f"unexpected cell {value!r}")
