"""What a report is made of, independent of storage and transport: the question (:class:`Query`) and the
answer (:class:`Table`).

A report function (``kam_report.service_layer.reports``) takes a session over the analytical store and a
:class:`Query` and returns a :class:`Table`; the API stores it, serves it and exports it (CSV, XLSX, PDF)
without knowing which report it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from kam_kit.scope import EVERYTHING, DataScope


class ColumnType(StrEnum):
    """How a column's cells are read and formatted (mirrors ``kam.report.v1.ReportColumn.Type``)."""

    STRING = "STRING"
    INTEGER = "INTEGER"
    DECIMAL = "DECIMAL"
    MONEY = "MONEY"  # CNY; a Decimal in the table, a decimal string on the wire
    PERCENT = "PERCENT"  # 12.5 means 12.5 %
    DATE = "DATE"  # a date in the table, YYYY-MM-DD on the wire
    RESOURCE_NAME = "RESOURCE_NAME"  # customers/42, orgUnits/0100, users/… — clients may link to it


@dataclass(frozen=True)
class Column:
    key: str  # machine key, e.g. "assets_under_management"
    display_name: str  # zh-CN header, e.g. "金融资产(元)"
    type: ColumnType = ColumnType.STRING


Cell = str | int | float | Decimal | date | None


@dataclass(frozen=True)
class Row:
    values: tuple[Cell, ...]
    drill_down: str = ""  # the next level: orgUnits/…, users/… or customers/…; "" when none


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    totals: Row | None = None
    data_time: datetime | None = None  # the store is complete up to this time

    def column(self, key: str) -> list[Cell]:
        """One column's cells, in row order (for tests and charts)."""
        index = [column.key for column in self.columns].index(key)
        return [row.values[index] for row in self.rows]


@dataclass(frozen=True)
class Query:
    """A report's conditions, validated (``kam_report.service_layer.parameters``), with the caller's scope."""

    start: date
    end: date
    org_units: tuple[str, ...] = ()  # orgUnits/…; empty: the caller's scope
    tiers: tuple[str, ...] = ()  # tiers/…
    products: tuple[str, ...] = ()  # product codes
    relationship_managers: tuple[str, ...] = ()  # users/… or staff/…
    customer_types: tuple[str, ...] = ()  # INDIVIDUAL, CORPORATE
    dimension: str = ""  # "" = the kind's default
    top_n: int = 20
    scope: DataScope = field(default=EVERYTHING)
