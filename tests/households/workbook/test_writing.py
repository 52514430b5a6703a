"""The one cell writer of every export: formula-looking text quote-prefixed, values unchanged."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from households.workbook.writing import append_row, needs_quote_prefix


def written(values: list) -> list:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("s")
    append_row(sheet, values)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return list(load_workbook(out)["s"][1])


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "#N/A", "#REF!"])
def test_it_quote_prefixes_what_a_spreadsheet_would_run_and_keeps_the_value(text):
    [cell] = written([text])
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    assert needs_quote_prefix(text)


def test_it_leaves_ordinary_text_numbers_and_dates_alone():
    day, moment = datetime.date(2025, 3, 1), datetime.datetime(2025, 3, 1, 8, 30)
    cells = written(["金湾村 1+1", " =1", "a=1", 5, -5, Decimal("1.5"), day, moment])
    assert [c.value for c in cells] == ["金湾村 1+1", " =1", "a=1", 5, -5, 1.5, moment.replace(hour=0, minute=0), moment]
    assert not any(c.quotePrefix for c in cells)
    assert [c.data_type for c in cells[:6]] == ["s", "s", "s", "n", "n", "n"]


def test_it_drops_characters_an_xlsx_cannot_hold():
    [cell] = written(["=a\x00b\x1f"])
    assert (cell.value, cell.quotePrefix) == ("=ab", True)
