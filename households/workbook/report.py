"""The error report of an import: one row per problem, as an .xlsx the user can sort and filter."""

from pathlib import Path

from openpyxl import Workbook

from households.workbook import messages as msg
from households.workbook.exporter import write_rows
from households.workbook.importer import ImportResult

REPORT_SHEET = "问题清单"
REPORT_HEADERS = ["级别", "工作表", "行号", "列", "单元格内容", "问题说明"]
LEVELS = {"error": "错误", "warning": "提示"}


def default_report_path(workbook_path: Path | str) -> Path:
    """Beside the input: 登记数据.xlsx → 登记数据_问题清单.xlsx."""
    path = Path(workbook_path)
    return path.with_name(f"{path.stem}_问题清单.xlsx")


def report_rows(result: ImportResult):
    for issue in [*result.errors, *result.warnings]:
        yield [LEVELS[issue.level], issue.sheet, issue.row, issue.column, issue.value, issue.message]
    unlisted = result.error_count - len(result.errors)
    if unlisted > 0:
        yield ["错误", "", None, "", "", msg.TOO_MANY_ERRORS_LISTED.format(count=unlisted)]


def write_error_report(result: ImportResult, out) -> None:
    """Write every error, then the warnings, to `out` (a path or a binary file)."""
    workbook = Workbook(write_only=True)
    write_rows(workbook.create_sheet(REPORT_SHEET), REPORT_HEADERS, report_rows(result))
    workbook.save(out)
