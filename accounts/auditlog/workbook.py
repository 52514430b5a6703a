"""The filtered audit log as an .xlsx workbook, streamed (openpyxl's write-only mode, rows
through `.iterator()`), at most AUDIT_LOG_EXPORT_MAX_ROWS rows.

Every cell goes through the exports' one cell writer (households/workbook/writing.py): text
stays text, and text a spreadsheet would take for a formula carries Excel's quote prefix.
"""

import json

from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from households.workbook.writing import append_row, header_row, sheet_cell

SHEET = "审计日志"
CHUNK = 2000
DEFAULT_MAX_ROWS = 100_000
COLUMNS = [("时间", 17), ("用户名", 14), ("事件", 12), ("结果", 6), ("对象", 36), ("户编号", 20),
           ("IP地址", 16), ("详情", 60)]


class TooManyEvents(Exception):
    """More events match than one workbook may hold; the message says what to do."""


def max_rows() -> int:
    return int(getattr(settings, "AUDIT_LOG_EXPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def event_row(sheet, event) -> list:
    at = sheet_cell(sheet, timezone.localtime(event.at).replace(tzinfo=None))
    at.number_format = "yyyy-mm-dd hh:mm:ss"
    detail = json.dumps(event.detail, ensure_ascii=False, sort_keys=True) if event.detail else ""
    return [at, event.username, event.get_action_display(), "成功" if event.success else "失败", event.subject,
            event.household_number, event.ip_address or "", detail]


def audit_log_write(*, events, out) -> int:
    """Write `events` (a filtered queryset of one county) to `out`; returns how many rows.
    Raises TooManyEvents, writing nothing, when more than max_rows() match."""
    limit = max_rows()
    if events.count() > limit:
        raise TooManyEvents(f"符合条件的日志超过 {limit} 条，请缩小时间范围或增加筛选条件后再导出。")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    for index, (_header, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header_row(sheet, [header for header, _width in COLUMNS])
    count = 0
    for event in events.iterator(chunk_size=CHUNK):
        append_row(sheet, event_row(sheet, event))
        count += 1
    workbook.save(out)
    return count
