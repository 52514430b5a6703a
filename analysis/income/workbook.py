"""The income analysis workbook (operations.md, "Analysis exports"): sheets 收入分析 (one row per
township, then 合计) and 按村 (one row per village). Write-only, every cell through
households.workbook.writing, so no text becomes a formula."""

from openpyxl import Workbook

from households.choices import AreaLevel
from households.workbook.writing import append_row, header_row

from analysis.income.selectors import COLUMNS, IncomeAnalysis

TOWNSHIP_SHEET = "收入分析"
VILLAGE_SHEET = "按村"
TOTAL = "合计"


def income_workbook_write(*, analysis: IncomeAnalysis, out) -> int:
    """Write `analysis` (of a county, or of a township for its reviewer) to `out`; returns the
    number of township and village rows written."""
    book = Workbook(write_only=True)
    townships = book.create_sheet(TOWNSHIP_SHEET)
    header_row(townships, ["乡镇代码", "乡镇", *COLUMNS])
    rows = analysis.children if analysis.area.level == AreaLevel.COUNTY else [analysis.total]
    for row in rows:
        append_row(townships, [row.area.code, row.area.name, *(row.figures[name] for name in COLUMNS)])
    append_row(townships, [analysis.area.code, TOTAL, *(analysis.total.figures[name] for name in COLUMNS)])
    villages = book.create_sheet(VILLAGE_SHEET)
    header_row(villages, ["乡镇代码", "乡镇", "村代码", "村", *COLUMNS])
    names = {row.area.code: row.area.name for row in rows}
    for row in analysis.villages:
        township = row.area.parent_id
        append_row(villages, [township, names.get(township, ""), row.area.code, row.area.name,
                              *(row.figures[name] for name in COLUMNS)])
    book.save(out)
    return len(rows) + len(analysis.villages)
