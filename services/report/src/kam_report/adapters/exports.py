"""A computed report as a file: CSV, XLSX (openpyxl) or PDF (reportlab).

:func:`export` takes the :class:`~kam_report.domain.tables.Table`, the title, the conditions (zh-CN label/value
pairs, e.g. ``("统计期间", "2026-01-01 至 2026-03-31")``) and a file stem, and returns the file name, the media
type and the bytes.

* CSV — UTF-8 with a BOM (Excel opens it as UTF-8): the header of display names, the rows, the totals row. Meant
  to be read back by programs, so no title or conditions, numbers unformatted (money as 2-decimal strings), dates
  ``YYYY-MM-DD``. Text that a spreadsheet would take for a formula (``= + - @``, tab, CR first) gets a leading
  ``'`` (CSV injection).
* XLSX — the title, the conditions, a bold filled header with an auto-filter and frozen panes, money ``#,##0.00``,
  percentages ``0.0"%"`` (12.5 means 12.5 %), integers ``#,##0``, real dates, a bold totals row, column widths
  from the content. Text is always stored as text, never as a formula.
* PDF — A4 landscape; the title, the conditions, the table with its header repeated on every page, numbers right
  aligned with thousands separators, ``第 n 页 / 共 m 页`` at the foot of each page; a wide table is set in a
  smaller font and, if need be, narrower wrapping columns to fit the page width.

Why reportlab for PDF (and not fpdf2): Chinese must render on any server. reportlab ships Adobe's CID font
``STSong-Light`` (encoding UniGB-UCS2-H), which needs no font file: the PDF names it and every reader supplies
the glyphs (Adobe-GB1). Where a TrueType font with Chinese glyphs is found (``KAM_REPORT_PDF_FONT``, or a known
system path such as WenQuanYi or Droid Sans Fallback) it is subset-embedded instead, so the file shows the same
everywhere. fpdf2 has no such built-in fallback: without a font file on the machine it cannot write Chinese at
all. (Neither can embed Noto Sans CJK/Source Han: those have CFF outlines, which reportlab does not embed.)
"""

from __future__ import annotations

import csv
import functools
import io
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Literal
from xml.sax.saxutils import escape

from kam_report.adapters.tablemap import as_decimal, check_shape, date_text, is_number, money_text, rounded
from kam_report.domain.tables import Cell, Column, ColumnType, Row, Table

Format = Literal["csv", "xlsx", "pdf"]

CONTENT_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}

NUMERIC = frozenset({ColumnType.INTEGER, ColumnType.DECIMAL, ColumnType.MONEY, ColumnType.PERCENT})


def export(
    table: Table, *, title: str, conditions: list[tuple[str, str]], fmt: Format, stem: str
) -> tuple[str, str, bytes]:
    """The report as a file: ``(filename, content type, bytes)``; the file name is ``{stem}.{fmt}``."""
    check_shape(table)
    if fmt == "csv":
        content = to_csv(table)
    elif fmt == "xlsx":
        content = to_xlsx(table, title=title, conditions=conditions)
    elif fmt == "pdf":
        content = to_pdf(table, title=title, conditions=conditions)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    return f"{safe_stem(stem)}.{fmt}", CONTENT_TYPES[fmt], content


def safe_stem(stem: str) -> str:
    """The stem without path separators, characters Windows refuses in file names, or control characters."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]', "_", stem).strip(" .")
    return cleaned or "report"


# -- shared cell text ----------------------------------------------------------------------------------------------


def _plain_decimal(value: float | Decimal, places: int) -> str:
    """Rounded, without exponent or trailing zeros: ``12.5``, ``100``, ``-0.1234``."""
    text = f"{rounded(value, places).normalize():f}"
    return "0" if text in ("-0", "") else text


def display_text(value: Cell, kind: ColumnType) -> str:
    """A cell as a reader sees it: thousands separators, money with 2 decimals, ``12.5%``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, date):
        return date_text(value)
    if not is_number(value):
        return ""
    if kind is ColumnType.MONEY:
        return f"{rounded(value, 2):,f}"
    if kind is ColumnType.PERCENT:
        return f"{rounded(value, 1):,f}%"
    if kind is ColumnType.DECIMAL:
        quantized = rounded(value, 4)
        text = f"{quantized:,f}"
        if "." in text:  # keep 2 to 4 decimals: 0.1234, 1.50
            whole, fraction = text.split(".")
            text = f"{whole}.{fraction.rstrip('0').ljust(2, '0')}"
        return text
    return f"{rounded(value, 0):,f}"


# -- CSV -----------------------------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guard_formula(text: str) -> str:
    """Text that a spreadsheet would evaluate as a formula, prefixed with ``'`` (OWASP CSV injection)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_text(value: Cell, kind: ColumnType) -> str:
    """A cell in a CSV file: numbers plain (``-1234.5``), money ``-1234.50``, dates ``YYYY-MM-DD``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return guard_formula(value)
    if isinstance(value, date):
        return date_text(value)
    if not is_number(value):
        return ""
    if kind is ColumnType.MONEY:
        return money_text(value)
    if kind is ColumnType.PERCENT:
        return _plain_decimal(value, 2)
    if kind is ColumnType.DECIMAL:
        return _plain_decimal(value, 4)
    if isinstance(value, int):
        return str(value)
    return _plain_decimal(value, 0) if kind is ColumnType.INTEGER else f"{as_decimal(value).normalize():f}"


def to_csv(table: Table) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(guard_formula(column.display_name) for column in table.columns)
    for row in _all_rows(table):
        writer.writerow(csv_text(value, column.type) for value, column in zip(row.values, table.columns))
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def _all_rows(table: Table) -> Iterable[Row]:
    yield from table.rows
    if table.totals is not None:
        yield table.totals


# -- XLSX ----------------------------------------------------------------------------------------------------------

XLSX_FORMATS = {
    ColumnType.MONEY: "#,##0.00",
    ColumnType.PERCENT: '0.0"%"',
    ColumnType.INTEGER: "#,##0",
    ColumnType.DECIMAL: "#,##0.00##",
    ColumnType.DATE: "yyyy-mm-dd",
}


def text_width(text: str) -> int:
    """Display width in Latin characters: CJK (East Asian wide and full-width) characters count double."""
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)


def sheet_title(title: str) -> str:
    """An Excel sheet name: no ``[]:*?/\\``, not starting or ending with ``'``, at most 31 characters."""
    cleaned = re.sub(r"[\[\]:*?/\\\x00-\x1f]", "", title).strip().strip("'")
    return cleaned[:31].strip().strip("'") or "报表"


def _xlsx_value(value: Cell, kind: ColumnType) -> Any:
    if value is None or isinstance(value, str | date):
        return value
    if not is_number(value):
        return None
    if kind is ColumnType.MONEY:
        return float(rounded(value, 2))
    if kind is ColumnType.INTEGER and isinstance(value, int):
        return value
    return float(value)


def to_xlsx(table: Table, *, title: str, conditions: Sequence[tuple[str, str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_title(title)

    def put(row: int, column: int, value: Any) -> Any:
        cell = sheet.cell(row=row, column=column)
        if isinstance(value, str):
            cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell.data_type = "s"  # "=…" stays text: openpyxl would otherwise write it as a formula
        else:
            cell.value = value
        return cell

    put(1, 1, title).font = Font(bold=True, size=14)
    line = 2
    for label, text in conditions:
        put(line, 1, label).font = Font(bold=True)
        put(line, 2, text)
        line += 1
    header = line + 1  # one blank line between the conditions and the table

    thin = Side(style="thin", color="B7C0CC")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    fill = PatternFill(fill_type="solid", start_color="DCE6F1", end_color="DCE6F1")
    widths = [text_width(column.display_name) for column in table.columns]
    for index, column in enumerate(table.columns, start=1):
        cell = put(header, index, column.display_name)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    bold = Font(bold=True)
    last = header
    for row_number, row in enumerate(_all_rows(table), start=header + 1):
        is_totals = row_number > header + len(table.rows)
        for index, (value, column) in enumerate(zip(row.values, table.columns), start=1):
            cell = put(row_number, index, _xlsx_value(value, column.type))
            cell.border = border
            if not isinstance(value, str) and column.type in XLSX_FORMATS:
                cell.number_format = XLSX_FORMATS[column.type]
            if is_totals:
                cell.font = bold
            widths[index - 1] = max(widths[index - 1], text_width(display_text(value, column.type)))
        if not is_totals:
            last = row_number
        else:
            fill_totals = PatternFill(fill_type="solid", start_color="F2F2F2", end_color="F2F2F2")
            for index in range(1, len(table.columns) + 1):
                sheet.cell(row=row_number, column=index).fill = fill_totals

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)
    if table.columns:
        sheet.freeze_panes = sheet.cell(row=header + 1, column=2 if len(table.columns) > 1 else 1)
        # the filter covers the header and the rows, not the totals (sorting must not move it)
        sheet.auto_filter.ref = f"A{header}:{get_column_letter(len(table.columns))}{last}"
        sheet.print_title_rows = f"{header}:{header}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    book.properties.title = title
    book.properties.creator = "KAM"

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- PDF -----------------------------------------------------------------------------------------------------------

#: The CID font every PDF reader can show without a font file (Adobe-GB1, Simplified Chinese).
CID_FONT = "STSong-Light"
#: TrueType fonts with Chinese glyphs, embedded (subset) when found, in this order after $KAM_REPORT_PDF_FONT.
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/simsun.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
)
_NEEDED_GLYPHS = "合计第页共统计期间机构报表元"


def select_font(candidates: Iterable[str]) -> str:
    """Register and return the first candidate TrueType font that has Chinese glyphs, else the CID font.

    A font with PostScript (CFF) outlines, such as Noto Sans CJK, cannot be embedded by reportlab and is passed
    over, as is a font without the glyphs of a few common characters.
    """
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    for path in candidates:
        if not path or not os.path.isfile(path):
            continue
        name = "KAM-" + re.sub(r"[^A-Za-z0-9]", "", os.path.basename(path))
        if name in pdfmetrics.getRegisteredFontNames():
            return name
        try:
            font = TTFont(name, path, subfontIndex=0)
        except Exception:  # noqa: BLE001, S112 - TTFError (CFF outlines), a broken or unreadable file: next one
            continue
        if all(ord(char) in font.face.charToGlyph for char in _NEEDED_GLYPHS):
            pdfmetrics.registerFont(font)
            return name
    if CID_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return CID_FONT


@functools.cache
def pdf_font() -> str:
    """The font of PDF exports: ``$KAM_REPORT_PDF_FONT``, a known system font, or the CID font (chosen once)."""
    return select_font((os.environ.get("KAM_REPORT_PDF_FONT", ""), *FONT_CANDIDATES))


_PAD = 4.0  # cell padding left and right, points
_MAX_SIZE, _MIN_SIZE = 9.0, 5.5  # table font size range, points


def _column_widths(units: list[float], wrappable: list[bool], available: float) -> tuple[float, list[float]]:
    """The table's font size and column widths, given each column's natural width at font size 1.

    The natural widths at the largest size that fits (9 pt down to 5.5 pt); if that is still too wide, the text
    columns are narrowed (their cells wrap) while numbers, dates and resource names keep their width; only when
    those alone do not fit is every column narrowed.
    """
    padding = 2 * _PAD * len(units)
    size = max(_MIN_SIZE, min(_MAX_SIZE, (available - padding) / (sum(units) or 1.0)))
    widths = [size * unit + 2 * _PAD for unit in units]
    total = sum(widths)
    if total <= available:
        return size, widths
    fixed = sum(width for width, wraps in zip(widths, wrappable) if not wraps)
    flexible = total - fixed
    minimum = sum(4 * size + 2 * _PAD for wraps in wrappable if wraps)  # about 4 characters a text column
    if flexible > 0 and available - fixed >= minimum:
        scale = (available - fixed) / flexible
        return size, [width * scale if wraps else width for width, wraps in zip(widths, wrappable)]
    return size, [width * available / total for width in widths]


def to_pdf(table: Table, *, title: str, conditions: Sequence[tuple[str, str]]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    font = pdf_font()
    page = landscape(A4)
    margin = 12 * mm
    available = page[0] - 2 * margin

    columns: tuple[Column, ...] = table.columns
    rows = list(_all_rows(table))
    texts = [[display_text(value, column.type) for value, column in zip(row.values, columns)] for row in rows]
    # widths at font size 1; a long header may take two lines, so it counts about half its length
    units = [
        max(
            [stringWidth(column.display_name, font, 1) * (0.55 if text_width(column.display_name) > 8 else 1)]
            + [stringWidth(line[index], font, 1) for line in texts]
        )
        for index, column in enumerate(columns)
    ]
    wrappable = [column.type is ColumnType.STRING for column in columns]
    size, widths = _column_widths(units, wrappable, available)

    title_style = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, alignment=TA_LEFT)
    condition_style = ParagraphStyle("condition", fontName=font, fontSize=10, leading=14)
    header_style = ParagraphStyle(
        "header", fontName=font, fontSize=size, leading=size * 1.25, alignment=TA_CENTER, wordWrap="CJK"
    )
    cell_styles = {
        align: ParagraphStyle(
            f"cell-{align}",
            fontName=font,
            fontSize=size,
            leading=size * 1.25,
            alignment=align,
            wordWrap="CJK",
        )
        for align in (TA_LEFT, TA_RIGHT)
    }

    def cell(text: str, index: int) -> Any:
        if stringWidth(text, font, size) <= widths[index] - 2 * _PAD + 0.01:
            return text  # fits on one line: plain text is cheaper to lay out
        style = cell_styles[TA_RIGHT if columns[index].type in NUMERIC else TA_LEFT]
        return Paragraph(escape(text), style)

    story: list[Any] = [Paragraph(escape(title), title_style)]
    story += [Paragraph(f"{escape(label)}：{escape(value)}", condition_style) for label, value in conditions]
    story.append(Spacer(1, 4 * mm))
    if columns:
        data = [[Paragraph(escape(column.display_name), header_style) for column in columns]]
        data += [[cell(text, index) for index, text in enumerate(line)] for line in texts]
        style = [
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("FONTSIZE", (0, 0), (-1, -1), size),
            ("LEADING", (0, 0), (-1, -1), size * 1.25),
            ("LEFTPADDING", (0, 0), (-1, -1), _PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), _PAD),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9AA5B1")),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DCE6F1")),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F7F9FB")]),
        ]
        style += [
            ("ALIGN", (index, 1), (index, -1), "RIGHT")
            for index, column in enumerate(columns)
            if column.type in NUMERIC
        ]
        if table.totals is not None:
            style += [
                ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#E4E9F0")),
                ("LINEABOVE", (0, -1), (-1, -1), 0.75, colors.HexColor("#5B6B7C")),
            ]
        story.append(PdfTable(data, colWidths=widths, repeatRows=1, style=TableStyle(style), hAlign="LEFT"))

    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=page,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin + 4 * mm,
        title=title,
        author="KAM",
        creator="KAM report service",
    )
    document.build(story, canvasmaker=functools.partial(_numbered_canvas(), font=font))
    return out.getvalue()


@functools.cache
def _numbered_canvas() -> type:
    """A canvas that holds its pages back until the end, to write ``第 n 页 / 共 m 页`` on each."""
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, font: str, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._kam_font = font
            self._kam_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._kam_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._kam_pages)
            for number, state in enumerate(self._kam_pages, start=1):
                self.__dict__.update(state)
                width, _ = self._pagesize
                self.setFont(self._kam_font, 8)
                self.setFillColorRGB(0.35, 0.35, 0.35)
                self.drawCentredString(width / 2, 8 * 2.834645669, f"第 {number} 页 / 共 {total} 页")
                super().showPage()
            super().save()

    return NumberedCanvas
