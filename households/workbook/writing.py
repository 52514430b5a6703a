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
Dates and times get a display format. Cells are WriteOnlyCells, for openpyxl's write-only
mode, which every export uses.
"""

import datetime

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
