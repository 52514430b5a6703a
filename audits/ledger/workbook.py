"""The problem ledger (问题台账) workbook, per operations.md: one row per ticket, and a 汇总 sheet.

Streamed like the registry export: xlsxwriter's constant_memory mode
(households.workbook.writing.StreamingWorkbook) holds one row at a time,
tickets come through `.iterator(chunk_size=CHUNK)` with their village, township, member,
head (annotated) and events (prefetched per chunk), so the query count depends on the
number of chunks, never on the number of tickets. The 汇总 sheet is counted while the
ticket rows stream, so it costs no second pass.

Formula neutralisation: every cell is written by the rules of households.workbook.writing,
the same for all exports: text is written as a string, never a formula, and text a
spreadsheet would take for a formula gets Excel's quote prefix (a cell style, so the value
stays exactly the ticket's text).
"""

import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone
from households.choices import MemberStatus, Relationship, ReviewLevel
from households.workbook.writing import StreamingWorkbook
from households.id_numbers import mask
from households.models import Member

from audits import rule_facts
from audits.models import Ticket, TicketEvent, TicketStatus

CHUNK = 2000
LEDGER_SHEET = "问题台账"
SUMMARY_SHEET = "汇总"

# (header, column width)
COLUMNS = [
    ("台账编号", 16), ("规则编号", 9), ("规则名称", 24), ("严重程度", 9), ("乡镇", 14), ("村", 12),
    ("户编号", 20), ("户主姓名", 10), ("成员姓名", 10), ("证件号码", 21), ("问题描述", 40), ("状态", 11),
    ("当前层级", 9), ("发现时间", 17), ("截止日期", 12), ("是否超期", 9), ("处理结果", 12), ("销号时间", 17),
    ("办理记录", 60),
]
HEADERS = [header for header, _width in COLUMNS]

# Where a ticket is being worked on now; a closed ticket is at no level.
CURRENT_LEVEL = {
    TicketStatus.PENDING_VILLAGE: ReviewLevel.VILLAGE.label,
    TicketStatus.RETURNED: ReviewLevel.VILLAGE.label,
    TicketStatus.PENDING_TOWNSHIP: ReviewLevel.TOWNSHIP.label,
    TicketStatus.PENDING_COUNTY: ReviewLevel.COUNTY.label,
    TicketStatus.CLOSED: "已办结",
}
STATUS_LABELS = dict(TicketStatus.choices)


def ledger_number(ticket: Ticket) -> str:
    """`TZ2025-000123`: the assessment year and the ticket's id, stable for the ticket's life."""
    return f"TZ{ticket.year}-{ticket.pk:06d}"


def ledger_queryset(tickets):
    """`tickets` with everything a ledger row reads, in ledger order, for a bounded number of queries."""
    heads = Member.objects.filter(household=OuterRef("household_id"), status=MemberStatus.NORMAL,
                                  relationship=Relationship.HEAD).order_by("pk")
    events = TicketEvent.objects.select_related("actor").order_by("at", "pk")
    return (
        tickets.select_related("household", "member", "village", "village__parent")
        .annotate(head_name=Subquery(heads.values("name")[:1]),
                  head_id_number=Subquery(heads.values("id_number")[:1]))
        .prefetch_related(Prefetch("events", queryset=events))
        .order_by("village__code", "household__number", "found_at", "pk")
    )


def rule_name(rule_id: str) -> str:
    facts = rule_facts.facts_of(rule_id)
    return facts.name if facts else ""


def history_summary(events: Iterable[TicketEvent]) -> str:
    """`11-20 张伟 待核实→待乡镇审核：说明；…`: every step, oldest first, in one line."""
    zone = ZoneInfo(settings.TIME_ZONE)
    steps = []
    for event in events:
        who = event.actor.display_name if event.actor else "系统"
        moved = f"{STATUS_LABELS.get(event.from_status, '')}→{STATUS_LABELS.get(event.to_status, '')}"
        step = f"{event.at.astimezone(zone):%Y-%m-%d} {who} {moved}".replace("  ", " ")
        steps.append(f"{step}：{event.comment}" if event.comment else step)
    return "；".join(steps)


def _local(moment: datetime.datetime | None) -> datetime.datetime | None:
    """A spreadsheet has no time zones: Asia/Shanghai wall time, naive."""
    if moment is None:
        return None
    return timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE)).replace(tzinfo=None, second=0, microsecond=0)


def ledger_row(ticket: Ticket, *, full_ids: bool, today: datetime.date) -> list:
    """The 问题台账 values of one ticket, in HEADERS order (dates as dates, text as stored)."""
    village = ticket.village
    id_number = ticket.member.id_number if ticket.member_id and ticket.member else (ticket.head_id_number or "")
    overdue = ticket.status != TicketStatus.CLOSED and ticket.due_on is not None and ticket.due_on < today
    return [
        ledger_number(ticket), ticket.rule_id, rule_name(ticket.rule_id), ticket.get_severity_display(),
        village.parent.name if village.parent_id else "", village.name, ticket.household.number,
        ticket.head_name or "", ticket.member.name if ticket.member_id and ticket.member else "",
        id_number if full_ids else mask(id_number), ticket.message, ticket.get_status_display(),
        CURRENT_LEVEL.get(ticket.status, ""), _local(ticket.found_at), ticket.due_on, "是" if overdue else "否",
        ticket.get_resolution_display() if ticket.resolution else "", _local(ticket.closed_at),
        history_summary(ticket.events.all()),
    ]


class Summary:
    """The 汇总 counts, gathered while the ledger rows stream."""

    def __init__(self):
        self.by_township: dict[tuple[str, str], Counter] = {}
        self.overdue: Counter = Counter()
        self.by_rule: dict[str, Counter] = {}

    def add(self, ticket: Ticket, *, overdue: bool) -> None:
        village = ticket.village
        township = (village.parent_id or "", village.parent.name if village.parent_id else "")
        self.by_township.setdefault(township, Counter())[ticket.status] += 1
        self.by_rule.setdefault(ticket.rule_id, Counter())[ticket.status] += 1
        if overdue:
            self.overdue[township] += 1

    def rows(self) -> list[list]:
        statuses = [value for value, _label in TicketStatus.choices]
        labels = [label for _value, label in TicketStatus.choices]
        rows: list[list] = [["按乡镇、状态统计"], ["乡镇代码", "乡镇", *labels, "合计", "其中超期"]]
        totals = Counter()
        for township in sorted(self.by_township):
            counts = self.by_township[township]
            totals.update(counts)
            rows.append([*township, *(counts[s] for s in statuses), sum(counts.values()), self.overdue[township]])
        rows.append(["", "合计", *(totals[s] for s in statuses), sum(totals.values()), sum(self.overdue.values())])
        rows += [[], ["按规则统计"], ["规则编号", "规则名称", *labels, "合计"]]
        for rule_id in sorted(self.by_rule):
            counts = self.by_rule[rule_id]
            rows.append([rule_id, rule_name(rule_id), *(counts[s] for s in statuses), sum(counts.values())])
        return rows


def ledger_write(*, tickets, out, full_ids: bool,
                 progress: Callable[[int], None] | None = None) -> int:
    """Write the ledger of `tickets` (any ticket queryset, already scoped) to `out` (a path or a
    binary file); returns how many tickets. ID numbers are masked unless `full_ids`."""
    today = timezone.localdate()
    workbook = StreamingWorkbook(out)
    sheet = workbook.add_sheet(LEDGER_SHEET, [width for _header, width in COLUMNS], headers=HEADERS)
    summary = Summary()
    count = 0
    for ticket in ledger_queryset(tickets).iterator(chunk_size=CHUNK):
        row = ledger_row(ticket, full_ids=full_ids, today=today)
        summary.add(ticket, overdue=row[HEADERS.index("是否超期")] == "是")
        sheet.append(row)
        count += 1
        if progress and count % 500 == 0:
            progress(500)
    sheet.autofilter(len(COLUMNS))
    if progress:
        progress(count % 500)

    totals = workbook.add_sheet(SUMMARY_SHEET, [12, 24])
    for row in summary.rows():
        totals.append(row)
    workbook.close()
    return count
