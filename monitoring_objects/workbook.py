"""The 监测对象 workbook: one row per monitoring object (监测对象) and one per step of their
history (监测记录).

Streamed like the ledger: openpyxl's write-only mode holds one row at a time, both sheets read
their rows through `.iterator()`, so memory and the query count do not grow with the county.
ID numbers and phones are masked; every cell goes through households.workbook.writing.sheet_cell:
text is written as text, quote-prefixed where a spreadsheet would run it.
"""

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from households.choices import IdentificationSource, MemberStatus, Relationship
from households.id_numbers import mask, mask_phone
from households.models import Member
from households.workbook.writing import header_row, sheet_cell

from monitoring_objects import selectors
from monitoring_objects.models import ProcedureEvent
from monitoring_objects.panels import status_label

CHUNK = 2000
OBJECTS_SHEET = "监测对象"
EVENTS_SHEET = "监测记录"

OBJECT_COLUMNS = [
    ("户编号", 20), ("户主", 10), ("户主证件号码", 21), ("联系电话", 14), ("乡镇", 14), ("行政村", 12),
    ("监测对象类别", 14), ("风险状态", 11), ("纳入日期", 12), ("风险消除日期", 12), ("监测月数", 9),
    ("识别来源", 14), ("帮扶措施数", 10), ("需落实帮扶措施", 14), ("距最近一步（天）", 14), ("超期步骤", 16),
    ("县级特批", 30),
]
EVENT_COLUMNS = [("户编号", 20), ("时间", 17), ("步骤", 16), ("原状态", 12), ("新状态", 12), ("操作人", 12),
                 ("理由", 60)]
SOURCES = dict(IdentificationSource.choices)


def _sheet(workbook, name: str, columns):
    sheet = workbook.create_sheet(name)
    for index, (_header, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header_row(sheet, [header for header, _width in columns])
    return sheet


def overdue_text(household) -> str:
    late = []
    if household.application_overdue:
        late.append("申请超期")
    if household.clue_overdue:
        late.append("线索核查超期")
    return "、".join(late)


def object_row(household, today) -> list:
    return [
        household.number, household.head_name or "", mask(household.head_id_number or ""),
        mask_phone(household.phone or ""), household.village.parent.name if household.village.parent_id else "",
        household.village.name, household.get_monitoring_type_display(), household.get_risk_status_display(),
        household.included_on, household.eliminated_on, household.months_monitored,
        SOURCES.get(household.identification_source, ""), household.measure_count,
        "是" if household.needs_measure else "", selectors.days_since(household.last_event_at, today),
        overdue_text(household), household.override_reason or "",
    ]


def _local(moment):
    """A spreadsheet has no time zones: Asia/Shanghai wall time, naive, to the minute."""
    return timezone.localtime(moment).replace(tzinfo=None, second=0, microsecond=0)


def event_row(event) -> list:
    return [event.household.number, _local(event.at), event.get_action_display(), status_label(event.from_status),
            status_label(event.to_status), event.actor_name, event.reason]


def monitoring_write(*, households, out) -> dict[str, int]:
    """Write `households` (selectors.monitoring_objects, already scoped and filtered) and their
    steps to `out`; returns the rows written per sheet."""
    today = timezone.localdate()
    heads = Member.objects.filter(household=OuterRef("pk"), status=MemberStatus.NORMAL,
                                  relationship=Relationship.HEAD).order_by("pk")
    workbook = Workbook(write_only=True)
    sheet = _sheet(workbook, OBJECTS_SHEET, OBJECT_COLUMNS)
    objects = 0
    for household in households.annotate(head_id_number=Subquery(heads.values("id_number")[:1])).iterator(
            chunk_size=CHUNK):
        sheet.append([sheet_cell(sheet, value) for value in object_row(household, today)])
        objects += 1

    sheet = _sheet(workbook, EVENTS_SHEET, EVENT_COLUMNS)
    events = (ProcedureEvent.objects.filter(household__in=households.values("pk"))
              .select_related("household").order_by("household__number", "at", "pk"))
    steps = 0
    for event in events.iterator(chunk_size=CHUNK):
        sheet.append([sheet_cell(sheet, value) for value in event_row(event)])
        steps += 1
    workbook.save(out)
    return {"objects": objects, "events": steps}
