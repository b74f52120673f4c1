"""A computed report table on the wire (``kam.report.v1`` columns, rows, totals) and as stored JSON text."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from google.protobuf import struct_pb2
from kam.report.v1 import report_pb2
from kam_report.adapters import tablemap
from kam_report.domain.tables import Column, ColumnType, Row, Table

T = ColumnType
COLUMNS = (
    Column("org_unit_name", "机构", T.STRING),
    Column("customer_count", "客户数", T.INTEGER),
    Column("average", "户均产品数", T.DECIMAL),
    Column("assets", "金融资产(元)", T.MONEY),
    Column("share", "占比(%)", T.PERCENT),
    Column("open_date", "开户日期", T.DATE),
    Column("customer", "客户", T.RESOURCE_NAME),
)
ROWS = (
    Row(
        (
            "上海分行",
            42,
            Decimal("2.123456"),
            Decimal("1234567.891"),
            Decimal("12.345"),
            date(2026, 1, 31),
            "customers/42",
        ),
        drill_down="orgUnits/0100",
    ),
    Row(
        ("北京分行", 7, 1.5, Decimal("-1234.5"), 0.125, date(2025, 12, 1), "customers/7"),
        drill_down="orgUnits/0200",
    ),
    Row(("=cmd", 0, None, Decimal("123456789012345.67"), None, None, None)),
    Row(("", None, 0.33333333, Decimal("-0.001"), 100, None, ""), drill_down=""),
)
TOTALS = Row(("合计", 49, None, Decimal("123456790245679.06"), Decimal(100), None, None))
DATA_TIME = datetime(2026, 3, 31, 23, 59, 59, 123456, tzinfo=timezone(timedelta(hours=8)))
TABLE = Table(columns=COLUMNS, rows=ROWS, totals=TOTALS, data_time=DATA_TIME)


def _plain(value: struct_pb2.Value) -> object:
    kind = value.WhichOneof("kind")
    assert kind is not None
    return None if kind == "null_value" else getattr(value, kind)


def test_columns_carry_key_display_name_and_proto_type():
    columns, _, _ = tablemap.to_proto(TABLE)

    Type = report_pb2.ReportColumn.Type
    assert [(c.key, c.display_name, c.type) for c in columns] == [
        ("org_unit_name", "机构", Type.TYPE_STRING),
        ("customer_count", "客户数", Type.TYPE_INTEGER),
        ("average", "户均产品数", Type.TYPE_DECIMAL),
        ("assets", "金融资产(元)", Type.TYPE_MONEY),
        ("share", "占比(%)", Type.TYPE_PERCENT),
        ("open_date", "开户日期", Type.TYPE_DATE),
        ("customer", "客户", Type.TYPE_RESOURCE_NAME),
    ]
    # every domain type has a proto type, and they are spelled alike
    assert {tablemap.PROTO_TYPES[t] for t in ColumnType} == {
        Type.Value(f"TYPE_{t.value}") for t in ColumnType
    }


def test_cells_on_the_wire():
    _, rows, totals = tablemap.to_proto(TABLE)

    assert [[_plain(v) for v in row.values] for row in rows] == [
        ["上海分行", 42.0, 2.1235, "1234567.89", 12.35, "2026-01-31", "customers/42"],
        ["北京分行", 7.0, 1.5, "-1234.50", 0.13, "2025-12-01", "customers/7"],
        ["=cmd", 0.0, None, "123456789012345.67", None, None, None],
        ["", None, 0.3333, "0.00", 100.0, None, ""],
    ]
    assert [row.drill_down for row in rows] == ["orgUnits/0100", "orgUnits/0200", "", ""]
    assert totals is not None
    assert [_plain(v) for v in totals.values] == ["合计", 49.0, None, "123456790245679.06", 100.0, None, None]
    # numbers are numbers, money and dates strings, None null
    first = rows[0].values
    assert [v.WhichOneof("kind") for v in first] == [
        "string_value",
        "number_value",
        "number_value",
        "string_value",
        "number_value",
        "string_value",
        "string_value",
    ]
    assert rows[2].values[2].WhichOneof("kind") == "null_value"


def test_the_proto_rows_fit_a_report_message():
    columns, rows, totals = tablemap.to_proto(TABLE)
    report = report_pb2.Report(name="reports/1", columns=columns, rows=rows, totals=totals)

    again = report_pb2.Report.FromString(report.SerializeToString())
    assert again.rows[0].values[3].string_value == "1234567.89"
    assert again.totals.values[0].string_value == "合计"


def test_money_text_rounds_half_up_and_never_shows_minus_zero():
    assert tablemap.money_text(Decimal("0.005")) == "0.01"
    assert tablemap.money_text(Decimal("-0.005")) == "-0.01"
    assert tablemap.money_text(Decimal("-0.004")) == "0.00"
    assert tablemap.money_text(2.675) == "2.68"  # the float's shortest repr, not its binary value 2.67499…
    assert tablemap.money_text(1234567) == "1234567.00"
    assert tablemap.money_text(Decimal("1E+3")) == "1000.00"


def test_a_table_without_totals_has_none():
    _, rows, totals = tablemap.to_proto(Table(columns=COLUMNS, rows=ROWS))
    assert totals is None
    assert len(rows) == 4


def test_a_row_of_the_wrong_width_is_refused():
    with pytest.raises(ValueError, match="row 2"):
        tablemap.to_proto(Table(columns=COLUMNS, rows=(ROWS[0], Row(("x",)))))
    with pytest.raises(ValueError, match="totals"):
        tablemap.to_proto(Table(columns=COLUMNS, rows=ROWS, totals=Row(("合计",))))


def test_json_round_trip_is_exact():
    text = tablemap.dumps(TABLE)
    again = tablemap.loads(text)

    assert again == TABLE
    # equality alone would let Decimal("1.1") pass for Decimal("1.10") and 42.0 for 42: the types and exponents stay
    for row, original in zip((*again.rows, again.totals), (*TABLE.rows, TABLE.totals), strict=True):
        assert row is not None and original is not None
        assert [type(v) for v in row.values] == [type(v) for v in original.values]
        assert [str(v) for v in row.values] == [str(v) for v in original.values]
    assert str(again.rows[1].values[3]) == "-1234.5"
    assert again.data_time == DATA_TIME and again.data_time is not None
    assert again.data_time.utcoffset() == timedelta(hours=8)


def test_json_keeps_datetimes_floats_and_the_absence_of_totals():
    table = Table(
        columns=(Column("a", "甲", T.DATE), Column("b", "乙", T.DECIMAL)),
        rows=(Row((datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), 0.1)), Row((date(2026, 1, 2), Decimal("0.1")))),
    )
    again = tablemap.loads(tablemap.dumps(table))

    assert again == table
    assert type(again.rows[0].values[0]) is datetime and type(again.rows[1].values[0]) is date
    assert type(again.rows[0].values[1]) is float and type(again.rows[1].values[1]) is Decimal
    assert again.totals is None and again.data_time is None


def test_json_is_readable_utf8_text():
    document = json.loads(tablemap.dumps(TABLE))

    assert "上海分行" in tablemap.dumps(TABLE)  # not \\u-escaped: half the size in a Text column
    assert document["columns"][3] == {"key": "assets", "display_name": "金融资产(元)", "type": "MONEY"}
    assert document["rows"][0]["values"][3] == {"$decimal": "1234567.891"}
    assert document["rows"][0]["values"][5] == {"$date": "2026-01-31"}
    assert document["data_time"] == "2026-03-31T23:59:59.123456+08:00"


def test_loads_refuses_what_it_did_not_write():
    with pytest.raises(ValueError):
        tablemap.loads('{"v": 99, "columns": [], "rows": [], "totals": null, "data_time": null}')
    with pytest.raises(ValueError):
        tablemap.loads("[]")
