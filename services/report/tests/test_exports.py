"""A computed report exported as CSV, XLSX and PDF: read back with csv, openpyxl and pypdf."""

from __future__ import annotations

import csv
import io
import os
import re
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pypdf
import pytest
from kam_report.adapters import exports
from kam_report.domain.tables import Column, ColumnType, Row, Table

T = ColumnType
TITLE = "地区销售额统计表"
CONDITIONS = [("统计期间", "2026-01-01 至 2026-03-31"), ("机构", "上海分行")]
STEM = "地区销售额统计表_2026-01-01_2026-03-31"
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
            "上海分行营业部",
            1234,
            Decimal("2.5"),
            Decimal("1234567.891"),
            Decimal("12.5"),
            date(2026, 1, 31),
            "customers/42",
        ),
        drill_down="orgUnits/0101",
    ),
    Row(
        ("北京分行", 7, 0.125, Decimal("-98765.4"), 3.25, date(2025, 12, 1), "customers/7"),
        drill_down="orgUnits/0200",
    ),
    Row(('=HYPERLINK("http://x")', 0, None, Decimal("123456789012345.67"), None, None, None)),
    Row(("+1", None, None, None, None, None, "@evil")),
    Row(("-2", 3, None, Decimal(0), Decimal(0), None, "\tx")),
    Row(("\r=1+1", 4, None, Decimal("-0.004"), None, None, "")),
)
TOTALS = Row(("合计", 1248, None, Decimal("123456790148148.16"), Decimal(100), None, None))
TABLE = Table(COLUMNS, ROWS, TOTALS, datetime(2026, 3, 31, 16, tzinfo=UTC))


def _export(table: Table, fmt: exports.Format) -> tuple[str, str, bytes]:
    return exports.export(table, title=TITLE, conditions=CONDITIONS, fmt=fmt, stem=STEM)


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("pdf", "application/pdf"),
    ],
)
def test_file_name_and_media_type(fmt, content_type):
    filename, media_type, content = _export(TABLE, fmt)

    assert filename == f"{STEM}.{fmt}"
    assert media_type == content_type
    assert content


def test_a_stem_cannot_name_a_path():
    assert exports.safe_stem("../报表:2026/Q1") == "_报表_2026_Q1"
    assert exports.safe_stem("") == "report"


def test_unknown_format_is_refused():
    with pytest.raises(ValueError):
        exports.export(TABLE, title=TITLE, conditions=CONDITIONS, fmt="docx", stem=STEM)  # type: ignore[arg-type]


# -- CSV -----------------------------------------------------------------------------------------------------------


def test_csv_is_utf8_with_bom_and_reads_back():
    _, _, content = _export(TABLE, "csv")

    assert content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert lines == [
        ["机构", "客户数", "户均产品数", "金融资产(元)", "占比(%)", "开户日期", "客户"],
        ["上海分行营业部", "1234", "2.5", "1234567.89", "12.5", "2026-01-31", "customers/42"],
        ["北京分行", "7", "0.125", "-98765.40", "3.25", "2025-12-01", "customers/7"],
        ['\'=HYPERLINK("http://x")', "0", "", "123456789012345.67", "", "", ""],
        ["'+1", "", "", "", "", "", "'@evil"],
        ["'-2", "3", "", "0.00", "0", "", "'\tx"],
        ["'\r=1+1", "4", "", "0.00", "", "", ""],
        ["合计", "1248", "", "123456790148148.16", "100", "", ""],
    ]


def test_csv_numbers_are_unformatted_and_negative_money_is_not_taken_for_a_formula():
    _, _, content = _export(TABLE, "csv")
    text = content.decode("utf-8-sig")

    assert "1,234" not in text
    assert ",-98765.40," in text  # a number, not text: no quote


def test_formula_guard():
    for dangerous in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert exports.guard_formula(dangerous) == "'" + dangerous
    for harmless in ("上海分行", "customers/1", "a=b", " =1", ""):
        assert exports.guard_formula(harmless) == harmless


# -- XLSX ----------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sheet():
    _, _, content = _export(TABLE, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == [TITLE]
    return book[TITLE]


HEADER = 2 + len(CONDITIONS) + 1  # title, conditions, a blank line


def test_xlsx_title_and_conditions(sheet):
    assert sheet["A1"].value == TITLE
    assert sheet["A1"].font.b and sheet["A1"].font.sz > 11
    assert [
        (sheet.cell(2 + i, 1).value, sheet.cell(2 + i, 2).value) for i in range(len(CONDITIONS))
    ] == CONDITIONS


def test_xlsx_header_is_bold_filled_frozen_and_filtered(sheet):
    header = [sheet.cell(HEADER, i + 1) for i in range(len(COLUMNS))]
    assert [c.value for c in header] == [c.display_name for c in COLUMNS]
    assert all(c.font.b for c in header)
    assert all(c.fill.fill_type == "solid" for c in header)
    assert sheet.freeze_panes == f"B{HEADER + 1}"
    assert sheet.auto_filter.ref == f"A{HEADER}:G{HEADER + len(ROWS)}"  # the totals stay out of sorting


def test_xlsx_numbers_are_numbers_with_formats(sheet):
    first = HEADER + 1
    cells = [sheet.cell(first, i + 1) for i in range(len(COLUMNS))]

    assert [c.value for c in cells] == [
        "上海分行营业部",
        1234,
        2.5,
        1234567.89,
        12.5,
        datetime(2026, 1, 31),
        "customers/42",
    ]
    assert [c.number_format for c in cells[1:6]] == [
        "#,##0",
        "#,##0.00##",
        "#,##0.00",
        '0.0"%"',
        "yyyy-mm-dd",
    ]
    assert cells[5].is_date
    money = [sheet.cell(first + i, 4).value for i in range(len(ROWS))]
    # Excel keeps 15 significant digits (openpyxl writes 16): 123456789012345.67 comes back as …345.7
    assert money == [1234567.89, -98765.4, pytest.approx(123456789012345.67, rel=1e-15), None, 0, 0]
    assert all(isinstance(v, int | float) for v in money if v is not None)


def test_xlsx_totals_row_is_bold(sheet):
    totals = [sheet.cell(HEADER + len(ROWS) + 1, i + 1) for i in range(len(COLUMNS))]
    assert [c.value for c in totals] == [
        "合计",
        1248,
        None,
        pytest.approx(123456790148148.16),
        100,
        None,
        None,
    ]
    assert all(c.font.b for c in totals)
    assert not sheet.cell(HEADER + 1, 1).font.b


def test_xlsx_text_is_never_a_formula(sheet):
    cell = sheet.cell(HEADER + 3, 1)
    assert cell.value == '=HYPERLINK("http://x")'
    assert cell.data_type == "s"


def test_xlsx_column_widths_count_cjk_double(sheet):
    widths = {c: sheet.column_dimensions[c].width for c in "ABCDEFG"}
    assert widths["A"] >= 2 * len("上海分行营业部")  # 7 CJK characters
    assert widths["D"] >= len("123,456,789,012,345.67")
    assert widths["B"] < widths["A"]


def test_sheet_title_is_legal():
    assert exports.sheet_title("a/b:c*d?e[f]g\\h") == "abcdefgh"
    assert len(exports.sheet_title("很" * 40)) == 31
    assert exports.sheet_title("'?'") == "报表"


def test_text_width():
    assert exports.text_width("上海ab") == 6
    assert exports.text_width("（）") == 4  # full-width


# -- PDF -----------------------------------------------------------------------------------------------------------


def _truetype_cjk_font() -> str | None:
    return next((path for path in exports.FONT_CANDIDATES if os.path.isfile(path)), None)


@pytest.fixture(params=["cid", "truetype"])
def font(request, monkeypatch):
    """The CID font (always available) and, where the machine has one, an embedded TrueType font."""
    if request.param == "cid":
        monkeypatch.setattr(exports, "pdf_font", lambda: exports.select_font([]))
    else:
        path = _truetype_cjk_font()
        if path is None:
            pytest.skip("no TrueType font with Chinese glyphs on this machine (e.g. fonts-wqy-microhei)")
        monkeypatch.setattr(exports, "pdf_font", lambda: exports.select_font([path]))
    return request.param


def _long_table(rows: int) -> Table:
    return Table(
        COLUMNS,
        tuple(
            Row(
                (
                    f"支行{i:03d}",
                    i,
                    i / 7,
                    Decimal(i) * Decimal("-12345.678"),
                    1.5,
                    date(2026, 1, 1),
                    f"customers/{i}",
                )
            )
            for i in range(rows)
        ),
        TOTALS,
    )


def test_pdf_pages_repeat_the_header_and_are_numbered(font):
    _, _, content = _export(_long_table(200), "pdf")

    assert content.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(content))
    pages = len(reader.pages)
    assert pages > 1
    texts = [page.extract_text() for page in reader.pages]
    for number, text in enumerate(texts, start=1):
        assert f"第 {number} 页 / 共 {pages} 页" in text
        assert "金融资产(元)" in text.replace("\n", "")  # the header on every page
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (842, 595)  # A4 landscape
    everything = "\n".join(texts)
    assert "支行000" in everything and "支行199" in everything
    assert "-2,456,789.92" in everything  # 199 × -12,345.678, with thousands separators
    assert "合计" in texts[-1]


def test_pdf_shows_the_title_conditions_and_cells(font):
    _, _, content = _export(TABLE, "pdf")
    reader = pypdf.PdfReader(io.BytesIO(content))
    text = reader.pages[0].extract_text()

    assert TITLE in text
    assert "统计期间：2026-01-01 至 2026-03-31" in text
    assert "机构：上海分行" in text
    for shown in (
        "上海分行营业部",
        "1,234,567.89",
        "-98,765.40",
        "123,456,789,012,345.67",
        "12.5%",
        "2026-01-31",
    ):
        assert shown in text
    assert reader.metadata is not None and reader.metadata.title == TITLE
    embedded = b"/FontFile2" in content
    assert embedded == (font == "truetype")


def test_pdf_numbers_are_right_aligned(font):
    _, _, content = _export(TABLE, "pdf")
    page = pypdf.PdfReader(io.BytesIO(content)).pages[0]
    starts: dict[str, float] = {}

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            starts.setdefault(text.strip(), tm[4] * cm[0] + cm[4])

    page.extract_text(visitor_text=visit)
    # in the money column the longer number starts further left: both end at the column's right edge
    assert starts["123,456,789,012,345.67"] < starts["1,234,567.89"] < starts["-98,765.40"] + 10
    # text columns start at the left edge
    assert abs(starts["上海分行营业部"] - starts["北京分行"]) < 0.5


def test_a_wide_table_fits_the_page_width(font):
    columns = tuple(Column(f"c{i}", f"第{i}列金额(元)", T.MONEY if i % 3 else T.STRING) for i in range(15))
    rows = tuple(
        Row(
            tuple(
                Decimal("123456789.12") if i % 3 else "中国工商银行股份有限公司上海市分行营业部"
                for i in range(15)
            )
        )
        for _ in range(3)
    )
    _, _, content = _export(Table(columns, rows), "pdf")
    page = pypdf.PdfReader(io.BytesIO(content)).pages[0]
    ends: list[float] = []

    def visit(text, cm, tm, font_dict, font_size):
        if re.fullmatch(r"123,456,789\.12", text.strip()):
            ends.append(tm[4] * cm[0] + cm[4])

    page.extract_text(visitor_text=visit)
    assert len(ends) == 10 * 3  # every amount is on the page, unbroken
    assert max(ends) < float(page.mediabox.width) - 30  # starts left of the right margin


def test_column_widths_narrow_text_columns_before_numbers():
    available = 1000.0
    fits, widths = exports._column_widths([10, 20, 30], [True, False, False], available)
    assert fits == exports._MAX_SIZE and sum(widths) < available

    size, widths = exports._column_widths([300, 60, 60], [True, False, False], available)
    assert size == exports._MIN_SIZE
    assert sum(widths) == pytest.approx(available)
    natural = 60 * size + 2 * exports._PAD
    assert widths[1] == pytest.approx(natural) and widths[2] == pytest.approx(natural)  # numbers keep theirs
    assert widths[0] < 300 * size  # the text column wraps

    size, widths = exports._column_widths([200] * 20, [False] * 20, available)
    assert sum(widths) == pytest.approx(available)  # nothing to narrow but everything: all shrink


def test_select_font_falls_back_to_the_cid_font():
    assert exports.select_font([]) == exports.CID_FONT
    assert exports.select_font(["/nonexistent/font.ttf"]) == exports.CID_FONT
    latin_only = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    if os.path.isfile(latin_only):  # no Chinese glyphs: passed over
        assert exports.select_font([latin_only]) == exports.CID_FONT
    noto = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    if os.path.isfile(noto):  # CFF outlines: reportlab cannot embed them
        assert exports.select_font([noto]) == exports.CID_FONT


def test_an_empty_table_still_exports():
    empty = Table(COLUMNS, ())
    for fmt in ("csv", "xlsx", "pdf"):
        _, _, content = exports.export(empty, title=TITLE, conditions=[], fmt=fmt, stem=STEM)
        assert content
    _, _, content = exports.export(Table((), ()), title=TITLE, conditions=[], fmt="pdf", stem=STEM)
    assert TITLE in pypdf.PdfReader(io.BytesIO(content)).pages[0].extract_text()
