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
    """Fail the test if openpyxl is asked to open the file at all."""
    def forbidden(*args, **kwargs):
        raise AssertionError("the workbook was parsed")
    monkeypatch.setattr(workbook_safety.openpyxl, "load_workbook", forbidden)


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
