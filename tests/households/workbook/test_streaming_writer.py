"""The streaming writer of the large exports (xlsxwriter, constant_memory): the cells of `sheet_cell`.

Every check writes a real .xlsx and reads it back with openpyxl (the reader of our importer
and of the people who check our files), and the text ones with python-calamine too.
"""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from households.workbook.writing import StreamingWorkbook


def written(rows: list[list], *, widths=(), headers=None) -> io.BytesIO:
    out = io.BytesIO()
    workbook = StreamingWorkbook(out)
    sheet = workbook.add_sheet("s", widths, headers=headers)
    for row in rows:
        sheet.append(row)
    sheet.autofilter(max(len(row) for row in [*(rows or [[]]), headers or []]) or 1)
    workbook.close()
    out.seek(0)
    return out


def cells(out: io.BytesIO) -> list:
    out.seek(0)
    return list(load_workbook(out)["s"][1])


def calamine_values(out: io.BytesIO) -> list:
    out.seek(0)
    return CalamineWorkbook.from_filelike(out).get_sheet_by_name("s").to_python()[0]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "#N/A", "#REF!",
                                  '=HYPERLINK("http://x")', "=<r>x</r>"])
def test_what_a_spreadsheet_would_run_is_text_with_a_quote_prefix_and_the_very_value(text):
    out = written([[text]])
    [cell] = cells(out)
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    assert calamine_values(out) == [text]


@pytest.mark.parametrize("text", ["金湾村 1+1", " =1", "a=1", "<r>x</r>", "<r><t>=1</t></r>",
                                  "http://example.cn", "0012", "1.50", "1e5", "TRUE", "a & <b>"])
def test_ordinary_and_tricky_text_is_written_exactly_without_a_prefix(text):
    out = written([[text]])
    [cell] = cells(out)
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", False)


@pytest.mark.parametrize("text", ["_x0041_", "a_x005F_b", "_x000D_=1"])
def test_text_that_looks_like_excels_escapes_is_imported_back_exactly(text):
    """Excel and python-calamine (the importer's reader) decode "_xHHHH_": the literal text is
    written with Excel's escape of its underscore, so a round trip gives the very text."""
    assert calamine_values(written([[text]])) == [text]


def test_text_with_a_carriage_return_inside_comes_back_exactly():
    out = written([["一行\r\n二行\r三行"]])
    assert cells(out)[0].value == "一行\r\n二行\r三行"
    assert calamine_values(out) == ["一行\r\n二行\r三行"]


def test_numbers_dates_and_booleans_keep_their_types_and_formats():
    day, moment = datetime.date(2025, 3, 1), datetime.datetime(2025, 3, 1, 8, 30)
    out = written([[5, -5, Decimal("12000.5"), 1.25, day, moment, True, None, "末"]])
    row = cells(out)
    assert [c.value for c in row[:7]] == [5, -5, 12000.5, 1.25, datetime.datetime(2025, 3, 1), moment, True]
    assert [c.number_format for c in row[4:6]] == ["yyyy-mm-dd", "yyyy-mm-dd hh:mm"]
    assert (row[7].value, row[8].value) == (None, "末")
    assert not any(c.quotePrefix for c in row)


def test_it_drops_characters_an_xlsx_cannot_hold():
    [cell] = cells(written([["=a\x00b\x1f"]]))
    assert (cell.value, cell.quotePrefix) == ("=ab", True)


def test_a_value_it_cannot_write_is_refused_not_turned_into_text():
    workbook = StreamingWorkbook(io.BytesIO())
    with pytest.raises(TypeError):
        workbook.add_sheet("s").append([object()])


def test_the_header_is_bold_and_frozen_and_the_widths_are_the_ones_asked_for():
    out = written([["a", "=b"]], widths=[12, 40], headers=["户编号", "=地址"])
    sheet = load_workbook(out)["s"]
    assert sheet.freeze_panes == "A2"
    assert (sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width) == (12, 40)
    assert sheet.auto_filter.ref == "A1:B2"
    header = list(sheet[1])
    assert [c.value for c in header] == ["户编号", "=地址"]
    assert all(c.font.bold for c in header) and header[1].quotePrefix and not header[0].quotePrefix
    body = list(sheet[2])
    assert not any(c.font.bold for c in body) and body[1].quotePrefix


def test_a_file_it_cannot_write_raises_the_os_error(tmp_path):
    workbook = StreamingWorkbook(str(tmp_path / "missing" / "out.xlsx"))
    workbook.add_sheet("s").append(["a"])
    with pytest.raises(OSError):
        workbook.close()
