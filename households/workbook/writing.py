"""Writing the cells of every export: one function, `sheet_cell`, that all of them use.

Formula neutralisation. A text that a spreadsheet would take for a formula when the cell is
edited (starting with = + - @, a tab, a carriage return or a line feed), or for an error
value ("#N/A"), is written

- as a string (data type "s"), never as a formula, so opening the file runs nothing; and
- with Excel's quote prefix (the cell style's quotePrefix flag, what Excel itself sets when
  someone types '=1), so editing the cell and pressing Enter keeps it text.

The quote prefix is part of the cell's style, not of its value: the value is stored exactly
as the source holds it, so the registry export imports back unchanged and the import error
report shows the very text of the refused cell. (A leading apostrophe in the value, the usual
CSV advice, would change both.) Our exports are .xlsx only; there is no CSV export.

Characters that XML cannot hold (control characters other than tab, CR and LF) are dropped.
Dates and times get a display format.

Two writers, one set of rules. `sheet_cell`/`append_row` make WriteOnlyCells for openpyxl's
write-only mode (the small exports: analysis, assessment, monitoring objects, audit log,
collection sheet, the import error report). `StreamingWorkbook` writes with xlsxwriter's
constant_memory mode, for the two exports that run to 100,000 rows (the registry export and
the problem ledger): measured on 100,000 ledger rows here it writes in about a third of the
time openpyxl takes through `sheet_cell` (docs/performance.md, 导出). Both write the same
cells: text as text (never a formula: xlsxwriter's `write_string`, never `write`), the quote
prefix as a cell format, the same date formats, bold headers, the same column widths.
"""

import datetime
import re
from decimal import Decimal

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def text_safe(value):
    """A string without the control characters an .xlsx cannot hold; anything else unchanged."""
    if not isinstance(value, str):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def needs_quote_prefix(text: str) -> bool:
    """Whether a spreadsheet would read `text`, typed into a cell, as a formula or an error value."""
    return text.startswith(FORMULA_STARTS) or text in ERROR_CODES


def sheet_cell(worksheet, value):
    """The cell of `value` for a write-only sheet: text kept as text (quote-prefixed where a
    spreadsheet would run it), dates and times with their formats, numbers and None as they are."""
    value = text_safe(value)
    if isinstance(value, str):
        cell = WriteOnlyCell(worksheet, None)
        cell._value, cell.data_type = value, "s"  # set after binding, which would read "=…" as a formula
        if needs_quote_prefix(value):
            cell.quotePrefix = True
        return cell
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(worksheet, value)
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(worksheet, value)
        cell.number_format = DATE_FORMAT
        return cell
    return value


def header_row(worksheet, headers: list[str]) -> None:
    """Append a bold header row to a write-only sheet."""
    bold = Font(bold=True)
    cells = []
    for header in headers:
        cell = sheet_cell(worksheet, header)
        cell.font = bold
        cells.append(cell)
    worksheet.append(cells)


def append_row(worksheet, values) -> None:
    """Append one row of values to a write-only sheet, every cell through `sheet_cell`."""
    worksheet.append([sheet_cell(worksheet, value) for value in values])


# --- the streaming writer of the large exports (xlsxwriter, constant_memory) --------------

# xlsxwriter stores a column width as pixels / 7 (Calibri 11's digit width); giving it the
# pixels of exactly `width` digits keeps the width in the file what we asked for, as openpyxl writes it.
DIGIT_PIXELS = 7
RICH_LOOKING = re.compile(r"^<r>.*</r>$", re.DOTALL)
LITERAL_ESCAPE = re.compile(r"(_x[0-9a-fA-F]{4}_)")


def _plain_text_worksheet_class():
    """xlsxwriter's Worksheet, writing text the way openpyxl does (so both readers read it back exactly).

    xlsxwriter writes a control character as Excel's `_xHHHH_` escape and a literal "_xHHHH_"
    in a text as "_x005F_xHHHH_". openpyxl's reader does not decode either in the inline strings
    of constant_memory mode, so "\r=1" would come back as "_x000D_=1" there. Here a carriage
    return is an XML character reference (what lxml writes for openpyxl), read back exactly by
    every reader; the literal "_xHHHH_" keeps Excel's escape, which Excel and python-calamine
    (the importer) decode (openpyxl shows the escape).
    """
    from xlsxwriter.worksheet import Worksheet

    class PlainTextWorksheet(Worksheet):
        @staticmethod
        def _escape_control_characters(data):
            # Only Excel's escape of a literal "_xHHHH_" ("_x005F_xHHHH_"): Excel and
            # python-calamine (the importer's reader) decode "_xHHHH_", so without it a text
            # "_x0041_" would be imported back as "A". Control characters are not escaped:
            # `text_safe` drops them, and a carriage return is written as a reference below.
            return LITERAL_ESCAPE.sub(r"_x005F\1", data) if isinstance(data, str) and "_x" in data else data

        def _escape_data(self, data):
            data = super()._escape_data(data)
            return data.replace("\r", "&#13;") if isinstance(data, str) and "\r" in data else data

    return PlainTextWorksheet


class StreamingWorkbook:
    """An .xlsx written row by row with xlsxwriter in constant_memory mode: one row in memory.

    `out` is a path or a binary file. Sheets are written one after the other, each top to
    bottom (`StreamingSheet.append`); `close()` writes the file (an OSError if it cannot).
    """

    def __init__(self, out):
        import xlsxwriter

        self.book = xlsxwriter.Workbook(out, {
            "constant_memory": True,
            # never guess: a text is a text (no numbers, formulas or links made of it)
            "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False,
        })
        self.formats = {
            (bold, quoted): self.book.add_format({"bold": True, "quote_prefix": quoted} if bold else {"quote_prefix": True})
            if bold or quoted else None
            for bold in (False, True) for quoted in (False, True)
        }
        self.worksheet_class = _plain_text_worksheet_class()
        self.date_format = self.book.add_format({"num_format": DATE_FORMAT})
        self.datetime_format = self.book.add_format({"num_format": DATETIME_FORMAT})

    def add_sheet(self, name: str, widths: list[float] | dict[int, float] = (), *,
                  headers: list[str] | None = None) -> "StreamingSheet":
        """A new sheet with these column widths (in digits) and, if given, a bold frozen header row."""
        sheet = StreamingSheet(self, self.book.add_worksheet(name, worksheet_class=self.worksheet_class))
        for index, width in (widths.items() if isinstance(widths, dict) else enumerate(widths)):
            sheet.worksheet.set_column_pixels(index, index, round(width * DIGIT_PIXELS))
        if headers is not None:
            sheet.worksheet.freeze_panes(1, 0)
            sheet.append(headers, bold=True)
        return sheet

    def close(self) -> None:
        from xlsxwriter.exceptions import FileCreateError

        try:
            self.book.close()
        except FileCreateError as error:  # xlsxwriter wraps the OSError of the target file
            cause = error.args[0] if error.args else None
            if isinstance(cause, OSError):
                raise cause from None
            raise


class StreamingSheet:
    """One sheet of a StreamingWorkbook; `rows` counts the rows written so far."""

    def __init__(self, workbook: StreamingWorkbook, worksheet):
        self.workbook, self.worksheet, self.rows = workbook, worksheet, 0

    def append(self, values, *, bold: bool = False) -> None:
        """Write `values` as the next row, by the rules of `sheet_cell`."""
        row = self.rows
        self.rows += 1
        worksheet, formats = self.worksheet, self.workbook.formats
        for column, value in enumerate(values):
            if value is None:
                continue
            kind = type(value)
            if kind is str or isinstance(value, str):
                if ILLEGAL_CHARACTERS_RE.search(value):
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)
                cell_format = formats[bold, needs_quote_prefix(value)]
                if RICH_LOOKING.match(value):
                    # In constant_memory mode xlsxwriter copies a string shaped "<r>…</r>" into the
                    # XML unescaped, taking it for rich text it made itself; written as three plain
                    # runs it is escaped and reads back as the very text.
                    runs = (value[:1], value[1:-1], value[-1:])
                    worksheet.write_rich_string(row, column, *runs, *([cell_format] if cell_format else []))
                else:
                    worksheet.write_string(row, column, value, cell_format)
            elif kind is datetime.datetime:
                worksheet.write_datetime(row, column, value, self.workbook.datetime_format)
            elif kind is datetime.date:
                worksheet.write_datetime(row, column, value, self.workbook.date_format)
            elif kind is bool:
                worksheet.write_boolean(row, column, value, formats[bold, False])
            elif kind in (int, float, Decimal) or isinstance(value, (int, float, Decimal)):
                worksheet.write_number(row, column, value, formats[bold, False])
            elif isinstance(value, datetime.date):
                worksheet.write_datetime(row, column, value, self.workbook.datetime_format
                                         if isinstance(value, datetime.datetime) else self.workbook.date_format)
            else:
                raise TypeError(f"cannot write a {kind.__name__} to a workbook: {value!r}")

    def autofilter(self, columns: int) -> None:
        """A filter on the header row over `columns` columns and every row written."""
        self.worksheet.autofilter(0, 0, max(self.rows - 1, 0), columns - 1)
