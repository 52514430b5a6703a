"""A workbook is read safely: zip checks before parsing, defused XML, no trust in declared dimensions."""

import time
import zipfile

import openpyxl
import pytest

from households.workbook import messages as msg
from households.workbook import safety as workbook_safety
from households.workbook.importer import registry_import
from households.models import Household
from households.workbook.safety import (
    UnsafeWorkbook,
    check_workbook_file,
    defused_xml_in_use,
    size_text,
)
from tests.households.workbook.workbooks import rewrite_part, write_workbook

pytestmark = pytest.mark.django_db
HOUSEHOLD_SHEET = "xl/worksheets/sheet2.xml"  # 区划 is sheet1


def refusal(path) -> str:
    with pytest.raises(UnsafeWorkbook) as refused:
        registry_import(path=path)
    return refused.value.message


@pytest.fixture
def no_parsing(monkeypatch):
    """Fail the test if openpyxl or calamine is asked to open the file at all."""
    def forbidden(*args, **kwargs):
        raise AssertionError("the workbook was parsed")
    monkeypatch.setattr(workbook_safety.openpyxl, "load_workbook", forbidden)
    monkeypatch.setattr(workbook_safety.CalamineWorkbook, "from_path", forbidden)


def test_openpyxl_reads_worksheets_through_defusedxml():
    import defusedxml  # noqa: F401  (a declared dependency, not an accident of the machine)

    assert defused_xml_in_use()
    assert openpyxl.xml.DEFUSEDXML is True


def test_an_entity_bomb_in_a_worksheet_is_not_expanded(tmp_path):
    path = write_workbook(tmp_path / "entities.xlsx")
    bomb = ('<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')
    rewrite_part(path, HOUSEHOLD_SHEET, lambda xml: xml.replace("<worksheet", bomb + "<worksheet", 1))
    assert refusal(path) == msg.XML_FORBIDDEN
    assert Household.objects.count() == 0


def test_a_file_that_is_not_a_zip_is_refused_whatever_its_name(tmp_path, no_parsing):
    fake = tmp_path / "登记数据.xlsx"
    fake.write_text("户编号,村代码\nH1,230381100201\n")
    assert refusal(fake) == msg.NOT_XLSX
    old = tmp_path / "old.xlsx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert refusal(old) == msg.OLD_OR_ENCRYPTED


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path, no_parsing):
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert refusal(path) == msg.NOT_XLSX


def zip_bomb(path, unpacked_mb: int) -> None:
    """A valid small workbook plus one part of zeros that deflates about 1000:1."""
    write_workbook(path)
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("xl/media/padding.bin", "w", force_zip64=True) as part:
        for _ in range(unpacked_mb):
            part.write(chunk)


def test_a_zip_bomb_is_refused_from_its_directory_before_parsing(tmp_path, no_parsing):
    path = tmp_path / "bomb.xlsx"
    zip_bomb(path, 200)
    assert path.stat().st_size < 400 * 1024  # a 200 KB file …
    message = refusal(path)                   # … that would unpack to 200 MB
    assert message.startswith("工作簿中的「xl/media/padding.bin」压缩比异常（")


def test_the_total_unpacked_size_is_limited(tmp_path, no_parsing, settings):
    settings.REGISTRY_IMPORT_MAX_UNPACKED_BYTES = 20 * 1024
    path = write_workbook(tmp_path / "a.xlsx")
    with zipfile.ZipFile(path) as archive:
        total = sum(entry.file_size for entry in archive.infolist())
    assert refusal(path) == msg.UNPACKED_TOO_LARGE.format(size=size_text(total), limit="20.0 KB")


def test_the_number_of_zip_entries_is_limited(tmp_path, no_parsing, settings):
    settings.REGISTRY_IMPORT_MAX_ENTRIES = 5
    path = write_workbook(tmp_path / "a.xlsx")
    count = len(zipfile.ZipFile(path).infolist())
    assert refusal(path) == msg.TOO_MANY_ENTRIES.format(count=count, limit=5)


def test_the_file_size_is_limited(tmp_path, no_parsing, settings):
    path = write_workbook(tmp_path / "a.xlsx")
    settings.REGISTRY_IMPORT_MAX_UPLOAD_BYTES = 1000
    assert refusal(path) == msg.UPLOAD_TOO_LARGE.format(size=size_text(path.stat().st_size), limit="1000 字节")


def test_the_row_count_is_limited(tmp_path, settings):
    settings.REGISTRY_IMPORT_MAX_ROWS = 4
    result = registry_import(path=write_workbook(tmp_path / "a.xlsx"))  # 区划 has 5 rows
    assert [issue.message for issue in result.errors] == [msg.TOO_MANY_ROWS.format(sheet="区划", limit=4)]
    assert Household.objects.count() == 0


def declare(path, dimension: str, extra_row: str = "") -> None:
    def change(xml: str) -> str:
        start = xml.index("<dimension ")
        xml = xml[:start] + f'<dimension ref="{dimension}"/>' + xml[xml.index("/>", start) + 2:]
        return xml.replace("</sheetData>", extra_row + "</sheetData>")
    rewrite_part(path, HOUSEHOLD_SHEET, change)


def test_a_sheet_whose_declared_dimension_is_too_small_loses_no_rows(tmp_path):
    path = write_workbook(tmp_path / "a.xlsx")
    declare(path, "A1:B1")   # claims: the header's first two cells, nothing else
    result = registry_import(path=path)
    assert result.ok and result.counts["户信息"].created == 2
    assert Household.objects.get(number="H0001").helper_employer == "虎林市农业农村局"  # column S, outside B


def test_one_far_cell_does_not_make_the_reader_walk_a_billion_cells(tmp_path):
    path = write_workbook(tmp_path / "a.xlsx")
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    declare(path, "A1:XFD1048576", far)
    started = time.monotonic()
    result = registry_import(path=path)
    elapsed = time.monotonic() - started
    # Walking 16,384 × 1,048,576 cells would take hours; the rows in between cost a counter step.
    assert elapsed < 30, elapsed
    # The far cell lies outside the template's columns: ignored like the column it is in.
    assert result.ok and result.counts["户信息"].rows == 2


def test_a_far_row_with_data_in_template_columns_is_read(tmp_path):
    path = write_workbook(tmp_path / "a.xlsx")
    far = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>H0009</t></is></c></row>'
    declare(path, "A1:B2", far)
    result = registry_import(path=path)
    assert [(issue.sheet, issue.row, issue.column) for issue in result.errors] == [
        ("户信息", 1048576, "村代码"), ("户信息", 1048576, "户类型")]


def test_an_empty_far_cell_is_ignored(tmp_path):
    path = write_workbook(tmp_path / "a.xlsx")
    declare(path, "A1:XFD1048576", '<row r="1048576"><c r="XFD1048576" s="0"/></row>')
    result = registry_import(path=path)
    assert result.ok and result.counts["户信息"].rows == 2


def test_check_workbook_file_accepts_a_real_workbook(tmp_path):
    check_workbook_file(write_workbook(tmp_path / "a.xlsx"))


def test_a_sheet_is_sized_from_the_head_of_its_xml_without_a_second_parse(tmp_path, monkeypatch):
    """openpyxl would parse a whole sheet at load to look for a missing <dimension>; we read its head."""
    from openpyxl.worksheet._reader import WorkSheetParser

    from households.workbook.safety import HeadSizedReadOnlyWorksheet

    def whole_parse(self):
        raise AssertionError("the sheet was parsed to find its dimension")

    monkeypatch.setattr(WorkSheetParser, "parse_dimensions", whole_parse)
    without_dimension = openpyxl.Workbook(write_only=True)  # openpyxl's write-only mode writes no <dimension>
    without_dimension.create_sheet("户信息").append(["户编号"])
    without_dimension.save(tmp_path / "export.xlsx")
    exported = openpyxl.load_workbook(tmp_path / "export.xlsx", read_only=True)
    assert isinstance(exported["户信息"], HeadSizedReadOnlyWorksheet)
    assert exported["户信息"].max_row is None
    written = openpyxl.load_workbook(write_workbook(tmp_path / "a.xlsx"), read_only=True)
    assert (written["户信息"].max_row, written["户信息"].max_column) == (3, 21)


# --- python-calamine: the shared-strings table, and values as openpyxl gave them -------------

def shared_strings_workbook(path, strings: list[str]):
    """A valid workbook (xlsxwriter keeps its text in xl/sharedStrings.xml) with `strings` in column A."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("s")
    for row, text in enumerate(strings):
        sheet.write_string(row, 0, text)
    book.close()
    return path


def test_a_shared_strings_table_too_large_to_hold_is_refused_before_parsing(tmp_path, no_parsing, settings):
    path = shared_strings_workbook(tmp_path / "strings.xlsx", [f"第{n}行的一段文字" * 5 for n in range(2000)])
    size = zipfile.ZipFile(path).getinfo("xl/sharedStrings.xml").file_size
    settings.REGISTRY_IMPORT_MAX_SHARED_STRINGS_BYTES = size - 1   # ~228 MB in the incident; 100 MB by default
    assert refusal(path) == msg.SHARED_STRINGS_TOO_LARGE.format(size=size_text(size), limit=size_text(size - 1))
    assert "共享文本表" in msg.SHARED_STRINGS_TOO_LARGE
    with pytest.raises(UnsafeWorkbook):
        check_workbook_file(path)   # the upload form runs the same checks on the upload
    assert Household.objects.count() == 0


def test_a_shared_strings_table_under_the_limit_is_read(tmp_path, settings):
    path = shared_strings_workbook(tmp_path / "strings.xlsx", ["甲", "乙"])
    settings.REGISTRY_IMPORT_MAX_SHARED_STRINGS_BYTES = 10_000
    workbook = workbook_safety.open_workbook(path)
    assert list(workbook_safety.sheet_rows(workbook["s"])) == [(1, ("甲",)), (2, ("乙",))]
    workbook.close()


def test_a_long_shared_string_copied_into_many_cells_is_read_by_the_streaming_reader(tmp_path, settings):
    """calamine copies a shared string into every cell using it: 20,000 cells of 100 KB held 2 GB."""
    long = "长" * 3000
    path = shared_strings_workbook(tmp_path / "copies.xlsx", [long] * 200)
    workbook = workbook_safety.open_workbook(path)
    part = workbook["s"].part
    assert workbook_safety.calamine_can_read(workbook, part)
    settings.REGISTRY_IMPORT_MAX_TEXT_BYTES = 200 * 3000   # less than 200 copies of the UTF-8 string
    assert not workbook_safety.calamine_can_read(workbook, part)
    rows = list(workbook_safety.sheet_rows(workbook["s"]))
    assert rows == [(n, (long,)) for n in range(1, 201)]
    assert workbook._openpyxl is not None   # read by openpyxl
    workbook.close()


def test_a_far_cell_sends_the_sheet_to_the_streaming_reader_not_to_calamine(tmp_path):
    """calamine allocates the rectangle of all cells: A1 and XFD1048576 would be 17 billion (it aborts)."""
    path = write_workbook(tmp_path / "a.xlsx")
    declare(path, "A1:XFD1048576", '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>')
    workbook = workbook_safety.open_workbook(path)
    assert not workbook_safety.calamine_can_read(workbook, HOUSEHOLD_SHEET)
    assert workbook_safety.calamine_can_read(workbook, "xl/worksheets/sheet1.xml")
    workbook.close()


def test_calamine_gives_the_values_openpyxl_gave(tmp_path):
    """Whole numbers as int, dates as datetime, empty cells None, text that looks like a number as text,
    a number past 15 digits as the float Excel kept; row numbers and columns from A1 whatever the
    first used cell."""
    import datetime

    import xlsxwriter

    path = tmp_path / "values.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("s")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    time_format = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet.write_string("C3", "户编号")
    sheet.write_number("D3", 5)
    sheet.write_number("E3", 5.5)
    sheet.write_string("F3", "007")
    sheet.write_datetime("G3", datetime.datetime(2020, 1, 2), date_format)
    sheet.write_datetime("H3", datetime.datetime(2020, 1, 2, 3, 4, 5), time_format)
    sheet.write_boolean("I3", True)
    sheet.write_number("J3", 230381198001011234)   # an ID number typed as a number: Excel keeps 15 digits
    sheet.write_string("K3", "230381198001011234")
    sheet.write_string("L3", "12345")
    sheet.write_number("M3", -0.0)
    sheet.write_number("N3", 123456789012345)
    sheet.write_string("O3", " ")
    sheet.write_number("P3", 44197)
    sheet.write_formula("Q3", "=D3*2", None, 10)
    sheet.write_string("C5", "x")   # row 4 empty; D5… empty
    book.close()

    workbook = workbook_safety.open_workbook(path)
    assert workbook_safety.calamine_can_read(workbook, workbook["s"].part)
    read = list(workbook_safety.sheet_rows(workbook["s"]))
    workbook.close()
    expected = list(workbook_safety.sheet_rows(openpyxl.load_workbook(path, read_only=True, data_only=True)["s"]))
    assert [number for number, _ in read] == [3, 5]
    width = len(read[0][1])
    assert read == [(number, values + (None,) * (width - len(values))) for number, values in expected]
    values = read[0][1]
    assert values[:2] == (None, None)
    assert values[2:8] == ("户编号", 5, 5.5, "007", datetime.datetime(2020, 1, 2), datetime.datetime(2020, 1, 2, 3, 4, 5))
    assert type(values[3]) is int and values[8] is True
    assert type(values[9]) is float and values[9] >= 1e15   # cells.DIGITS_LOST, as before
    assert values[10:14] == ("230381198001011234", "12345", 0, 123456789012345)
    assert values[15] == 44197 and values[16] == 10


def test_a_dtd_in_any_part_is_refused_before_calamine_reads_it(tmp_path, monkeypatch):
    path = write_workbook(tmp_path / "entities.xlsx")
    rewrite_part(path, "xl/workbook.xml", lambda xml: xml.replace("<workbook", '<!DOCTYPE x [<!ENTITY a "b">]><workbook', 1))
    monkeypatch.setattr(workbook_safety.CalamineWorkbook, "from_path",
                        lambda *a, **k: (_ for _ in ()).throw(AssertionError("calamine read it")))
    assert refusal(path) == msg.XML_FORBIDDEN


@pytest.mark.parametrize("chunk", [7, 64, 1000])
def test_the_scan_is_not_fooled_by_a_tag_cut_between_two_chunks(tmp_path, monkeypatch, chunk):
    """A chunk ending in `<c` must not read as a cell without a reference (it sent every big sheet to openpyxl)."""
    monkeypatch.setattr(workbook_safety, "SCAN_CHUNK", chunk)
    workbook = workbook_safety.open_workbook(write_workbook(tmp_path / "a.xlsx"))
    assert all(workbook_safety.calamine_can_read(workbook, sheet.part) for sheet in workbook.worksheets)
    workbook.close()
    path = write_workbook(tmp_path / "far.xlsx")
    declare(path, "A1:B2", '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>H0009</t></is></c></row>')
    workbook = workbook_safety.open_workbook(path)
    assert not workbook_safety.calamine_can_read(workbook, HOUSEHOLD_SHEET)
    workbook.close()


def test_a_sheet_too_large_to_hold_whole_is_streamed_with_the_same_rows(tmp_path, settings):
    path = write_workbook(tmp_path / "a.xlsx")
    workbook = workbook_safety.open_workbook(path)
    whole = list(workbook_safety.sheet_rows(workbook["户信息"]))
    assert workbook._openpyxl is None
    settings.REGISTRY_IMPORT_MAX_CALAMINE_SHEET_BYTES = 100
    assert not workbook_safety.calamine_can_read(workbook, HOUSEHOLD_SHEET)
    streamed = list(workbook_safety.sheet_rows(workbook["户信息"]))
    assert workbook._openpyxl is not None
    assert streamed == [(number, values[:len(streamed_values)]) for (number, values), (_, streamed_values)
                        in zip(whole, streamed, strict=True)]
    assert all(value is None for (_, values), (_, s) in zip(whole, streamed, strict=True) for value in values[len(s):])
    workbook.close()
