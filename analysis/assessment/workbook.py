"""The 月考评 workbook (operations.md, "Analysis exports"): sheet `月考评`, one row per township,
ranked, each part's count and points in columns of their own, the formula in note rows under
the table. Every cell goes through households.workbook.writing (formulas neutralised)."""

import datetime
from decimal import Decimal

from openpyxl import Workbook

from households.workbook.writing import append_row, header_row

from analysis.assessment.selectors import formula_lines, ranked, township_names, weights

SHEET = "月考评"
HEADERS = [
    "排名", "乡镇代码", "乡镇", "户数", "得分",
    "①未关闭错误问题(条)", "①未关闭疑似问题(条)", "①加权条数", "①每百户", "①扣分",
    "②逾期问题(条)", "②扣分",
    "③逾期预警线索(条)", "③扣分",
    "④核实被退回(次)", "④扣分",
    "⑤当年发现问题(条)", "⑤已销号(条)", "⑤整改率(%)", "⑤扣分",
]


def _number(value):
    """Stored parts hold decimals as strings: back to Decimal for a numeric cell."""
    if value is None or value == "":
        return None
    return value if isinstance(value, int) else Decimal(value)


def row_values(row, name: str) -> list:
    parts = row.parts
    get = lambda key, name_: _number(parts.get(key, {}).get(name_))  # noqa: E731
    return [
        row.rank, row.township, name, row.households, row.score,
        get("open", "errors"), get("open", "warnings"), get("open", "count"), get("open", "per_100"),
        get("open", "deduction"),
        get("overdue_tickets", "count"), get("overdue_tickets", "deduction"),
        get("overdue_clues", "count"), get("overdue_clues", "deduction"),
        get("returned", "count"), get("returned", "deduction"),
        get("closure", "raised"), get("closure", "closed"), get("closure", "rate"), get("closure", "deduction"),
    ]


def assessment_write(*, county: str, month: datetime.date, out) -> int:
    """Write the county's stored scores for `month` to `out` (a path or a binary file); returns the rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    names = township_names(county)
    header_row(sheet, HEADERS)
    rows = 0
    for row in ranked(county, month):
        append_row(sheet, row_values(row, names.get(row.township, row.township)))
        rows += 1
    append_row(sheet, [])
    append_row(sheet, [f"计算方法（数据质量月考评 {month:%Y年%m月}，县 {county}）"])
    for number, sentence in formula_lines(weights(county)):
        append_row(sheet, [f"{number} {sentence}".strip()])
    append_row(sheet, ["得分相同的乡镇名次相同，按乡镇代码排列。"])
    workbook.save(out)
    return rows
