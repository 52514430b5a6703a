"""The clue list as a workbook: one row per clue, ID numbers and phones masked, streamed.

openpyxl's write-only mode holds one row at a time and clues come through `.iterator()`
with their village, township and household joined, so the query count does not grow with
the rows. Cells go through households.workbook.writing.sheet_cell: text written as strings,
quote-prefixed where a spreadsheet would read a formula.
"""

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from households.id_numbers import mask, mask_phone
from households.workbook.writing import header_row, sheet_cell

SHEET = "预警线索"
CHUNK = 2000
COLUMNS = [
    ("回执编号", 13), ("线索来源", 13), ("乡镇", 14), ("行政村", 12), ("户编号", 20), ("申报人", 10),
    ("联系电话", 14), ("证件号码", 21), ("困难情况", 40), ("状态", 10), ("登记时间", 17), ("核查期限", 12),
    ("是否超期", 9), ("入户核查日期", 12), ("核查人", 10), ("核查情况", 40), ("不纳入理由", 40), ("办结时间", 17),
]
HEADERS = [header for header, _width in COLUMNS]


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None, second=0, microsecond=0) if moment else None


def clue_row(clue) -> list:
    village = clue.village
    return [
        clue.receipt_number, clue.get_channel_display(), village.parent.name if village.parent_id else "",
        village.name, clue.household.number if clue.household_id else "", clue.reporter_name,
        mask_phone(clue.reporter_phone), mask(clue.reporter_id_number), clue.description,
        clue.get_status_display(), _local(clue.created_at), clue.deadline, "是" if clue.overdue else "否",
        clue.verified_on, clue.verified_by_name, clue.findings, clue.answer, _local(clue.answered_at),
    ]


def clues_write(*, clues, out) -> int:
    """Write `clues` (the list's queryset, already scoped and annotated) to `out`; returns the row count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    for index, (_header, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header_row(sheet, HEADERS)
    count = 0
    for clue in clues.iterator(chunk_size=CHUNK):
        sheet.append([sheet_cell(sheet, value) for value in clue_row(clue)])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{count + 1}"
    workbook.save(out)
    return count
