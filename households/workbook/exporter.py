"""The registry export: the import workbook's shape (import-template.md), streamed.

xlsxwriter's constant_memory mode (writing.StreamingWorkbook) keeps one row in memory at
a time and the queries stream with `.iterator()`, so a 100,000-household county costs the same memory as a small
one. The order is fixed (areas by code, households by number, members by household
and creation, incomes by household and year, measures by household, year and
creation), so an export imported into an empty database and exported again gives
the same sheets (but for 成员编号: the new database numbers its members anew), and the
same export imported back changes nothing: 家庭成员 carries each member's 成员编号
(Member.pk), which the importer matches on, so a member who left and came back (two
rows with one ID) goes back to the right record.

Text is always written as text: a name starting with "=" is never a formula, and a
value like "#N/A" never an error cell; every cell goes through `writing.sheet_cell`, which
quote-prefixes what a spreadsheet would take for a formula without changing the value.
"""

import errno
from collections.abc import Callable, Iterable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from households.models import AnnualIncome, Area, AssistanceMeasure, Household, Member
from households.workbook.template import AREAS, HOUSEHOLDS, INCOMES, MEASURES, MEMBERS, SheetSpec
from households.workbook.cells import to_cell
from households.workbook.writing import StreamingWorkbook, append_row, header_row

CHUNK = 2000
WIDE_COLUMNS = {"地址": 30, "措施内容": 40, "帮扶责任人单位": 24, "风险类型": 24, "识别来源": 14, "风险消除方式": 14,
                "证件号码": 21, "户编号": 20, "村代码": 15, "区划代码": 15}


def registry_querysets(*, county: str | None = None, user=None) -> dict[str, Iterable]:
    """What an export holds, per sheet: active households in scope and what hangs off them.

    `user` limits to their scope (`in_scope`); `county` to an area-code prefix; neither: all.
    """
    areas = Area.objects.all()
    households = Household.objects.active()
    if user is not None:
        areas, households = areas.in_scope(user), households.in_scope(user)
    if county:
        areas = areas.filter(code__startswith=county)
        households = households.filter(village__code__startswith=county)
    members = Member.objects.filter(household__in=households.values("pk"))
    incomes = AnnualIncome.objects.filter(household__in=households.values("pk"))
    measures = AssistanceMeasure.objects.filter(household__in=households.values("pk"))
    return {
        AREAS.name: areas.order_by("code"),
        HOUSEHOLDS.name: households.order_by("number"),
        MEMBERS.name: members.order_by("household__number", "pk"),
        INCOMES.name: incomes.order_by("household__number", "year"),
        MEASURES.name: measures.order_by("household__number", "year", "pk"),
    }


def _fields(spec: SheetSpec) -> list[str]:
    """The query fields behind the sheet's columns, in column order."""
    if spec is HOUSEHOLDS:
        return ["number", *(c.field for c in spec.columns[1:])]
    return [("household__number" if c.field == "household" else c.field) for c in spec.columns]


class ExportTargetError(ValueError):
    """The output path or county of an export command is unusable; the message says why."""


OS_ERROR_REASONS = {
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "文件系统只读",
    errno.ENOSPC: "磁盘空间不足",
    errno.ENOENT: "该位置不能建立文件",
    errno.ENOTDIR: "路径中有一段不是目录",
    errno.EISDIR: "这是一个目录",
}


def os_error_reason(error: OSError) -> str:
    """Why a file could not be written, in Chinese when the reason is a common one."""
    return OS_ERROR_REASONS.get(error.errno) or error.strerror or str(error)


def export_target(*, out: str, county: str | None) -> Path:
    """The checked output path of an .xlsx export, refusing a wrong suffix, folder or county."""
    path = Path(out)
    if path.suffix.lower() != ".xlsx":
        raise ExportTargetError(f"输出文件应以 .xlsx 结尾：{path}")
    if not path.parent.is_dir():
        raise ExportTargetError(f"目录 {path.parent} 不存在：请先建立目录")
    if path.is_dir():
        raise ExportTargetError(f"{path} 是目录：请给出要写入的文件名（.xlsx）")
    if county is not None and not (len(county) == 6 and Area.objects.filter(code=county).exists()):
        raise ExportTargetError(f"县级区划代码「{county}」不存在：应为系统中已有的6位县级代码")
    # Try the path now: the streaming writer would fail only at its end, with an XML error.
    existed = path.exists()
    try:
        with path.open("ab"):
            pass
    except OSError as error:
        raise ExportTargetError(f"无法写入 {path}：{os_error_reason(error)}") from None
    if not existed:
        path.unlink()
    return path


def column_width(header: str) -> int:
    return WIDE_COLUMNS.get(header, max(10, 2 * len(header) + 2))


def write_rows(worksheet, headers: list[str], rows: Iterable[Iterable]) -> int:
    """Append a bold header row and `rows` to an openpyxl write-only sheet; returns how many rows."""
    for index, header in enumerate(headers, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = column_width(header)
    worksheet.freeze_panes = "A2"
    header_row(worksheet, headers)
    count = 0
    for row in rows:
        append_row(worksheet, row)
        count += 1
    return count


def stream_rows(workbook: StreamingWorkbook, name: str, headers: list[str], rows: Iterable[Iterable]) -> int:
    """A sheet of `workbook` with a bold frozen header row, then `rows`; returns how many rows."""
    sheet = workbook.add_sheet(name, [column_width(header) for header in headers], headers=headers)
    append = sheet.append
    for row in rows:
        append(row)
    return sheet.rows - 1


def registry_export(
    *, out: Path | str, county: str | None = None, user=None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Write the registry in scope to `out` as the import workbook; rows written per sheet."""
    querysets = registry_querysets(county=county, user=user)
    total = sum(qs.count() for qs in querysets.values()) if progress else 0
    done = 0

    def rows(spec: SheetSpec):
        nonlocal done
        queryset = querysets[spec.name].values_list(*_fields(spec))
        for values in queryset.iterator(chunk_size=CHUNK):
            done += 1
            if progress and done % 1000 == 0:
                progress(done, total)
            yield [to_cell(column, value) for column, value in zip(spec.columns, values, strict=True)]

    workbook = StreamingWorkbook(out)
    counts = {}
    for spec in (AREAS, HOUSEHOLDS, MEMBERS, INCOMES, MEASURES):
        counts[spec.name] = stream_rows(workbook, spec.name, spec.headers, rows(spec))
    workbook.close()
    if progress:
        progress(total, total)
    return counts


def write_template(out) -> None:
    """The import workbook with headers only (the template users fill in by hand)."""
    workbook = StreamingWorkbook(out)
    for spec in (AREAS, HOUSEHOLDS, MEMBERS, INCOMES, MEASURES):
        stream_rows(workbook, spec.name, spec.headers, [])
    workbook.close()
