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
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Case, CharField, F, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone
from households.choices import MemberStatus, Relationship, ReviewLevel
from households.workbook.writing import StreamingWorkbook
from households.id_numbers import mask
from households.models import Member

from audits import rule_facts
from audits.models import Resolution, Severity, Ticket, TicketEvent, TicketStatus

CHUNK = 2000
LEDGER_SHEET = "问题台账"
SUMMARY_SHEET = "汇总"
EXEMPTION_SHEET = "豁免清单"
EXEMPTION_COLUMNS = [
    ("规则编号", 9), ("规则名称", 24), ("乡镇", 14), ("村", 12), ("户编号", 20), ("成员姓名", 10),
    ("豁免理由", 40), ("截止日期", 12), ("状态", 9), ("登记人", 12), ("登记时间", 17), ("撤销人", 12),
    ("撤销时间", 17), ("撤销理由", 30),
]

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
    return number_of(ticket.year, ticket.pk)


def number_of(year: int, pk: int) -> str:
    return f"TZ{year}-{pk:06d}"


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


def _local(moment: datetime.datetime | None, zone: ZoneInfo | None = None) -> datetime.datetime | None:
    """A spreadsheet has no time zones: Asia/Shanghai wall time, naive."""
    if moment is None:
        return None
    return moment.astimezone(zone or ZoneInfo(settings.TIME_ZONE)).replace(tzinfo=None, second=0, microsecond=0)


# --- the rows, assembled by the database ----------------------------------------------

def _labels(field: str, labels: dict[str, str], default: str = ""):
    """`field`'s value as its label, in SQL (a CASE), so the row comes ready to write."""
    return Case(*(When(**{field: value}, then=Value(label)) for value, label in labels.items()),
                default=Value(default), output_field=CharField())


def _history_sql() -> tuple[str, list]:
    """The 办理记录 of the outer ticket, in SQL: `11-20 张伟 待核实→待乡镇审核：说明；…`, every
    step oldest first in one line (tests/audits/test_ledger.py states it in Python).

    One correlated subquery per row, aggregated in the database (PostgreSQL: string_agg
    ordered by time; SQLite 3.40 has no ordered group_concat, so it aggregates an ordered
    subquery, which SQLite reads in order)."""
    event, user = TicketEvent._meta.db_table, "accounts_user"
    params: list = []

    def case(column: str) -> str:
        whens = []
        for value, label in STATUS_LABELS.items():
            whens.append("WHEN %s THEN %s")
            params.extend([value, label])
        return f"CASE {column} " + " ".join(whens) + " ELSE '' END"

    if connection.vendor == "postgresql":
        day = "to_char(e.at AT TIME ZONE %s, 'YYYY-MM-DD')"
    else:
        day = "django_datetime_cast_date(e.at, %s, 'UTC')"
    params.append(settings.TIME_ZONE)
    who = ("CASE WHEN u.id IS NULL THEN '系统' ELSE "
           "COALESCE(NULLIF(TRIM(u.first_name || ' ' || u.last_name), ''), u.username) END")
    moved = f"{case('e.from_status')} || '→' || {case('e.to_status')}"
    step = (f"REPLACE({day} || ' ' || {who} || ' ' || {moved}, '  ', ' ')"
            " || CASE WHEN e.comment <> '' THEN '：' || e.comment ELSE '' END")
    events = (f'FROM {event} e LEFT JOIN {user} u ON u.id = e.actor_id '
              f'WHERE e.ticket_id = "{Ticket._meta.db_table}"."id"')
    if connection.vendor == "postgresql":
        sql = f"SELECT string_agg({step}, '；' ORDER BY e.at, e.id) {events}"
    else:
        sql = f"SELECT group_concat(step, '；') FROM (SELECT {step} AS step {events} ORDER BY e.at, e.id)"
    return f"COALESCE(({sql}), '')", params


# The columns of `ledger_rows`: HEADERS' values, then what the 汇总 counts read.
ROW_FIELDS = ["pk", "year", "rule_id", "rule_name", "severity_label", "township_name", "village__name",
              "household__number", "head_name_text", "member_name", "id_number", "message", "status_label",
              "current_level", "found_at", "due_on", "overdue", "resolution_label", "closed_at", "history",
              "village__parent_id", "status"]


def ledger_rows(tickets, *, today: datetime.date):
    """`tickets` in ledger order as tuples of ROW_FIELDS, every value computed by the database
    (labels, names, the head's ID for a household ticket, 是否超期, 办理记录), in one query."""
    heads = Member.objects.filter(household=OuterRef("household_id"), status=MemberStatus.NORMAL,
                                  relationship=Relationship.HEAD).order_by("pk")
    rule_names = {facts.id: facts.name for facts in rule_facts.all_facts()}
    history_sql, history_params = _history_sql()
    return (
        tickets.annotate(
            rule_name=_labels("rule_id", rule_names),
            severity_label=_labels("severity", dict(Severity.choices)),
            township_name=Coalesce(F("village__parent__name"), Value("")),
            head_name_text=Coalesce(Subquery(heads.values("name")[:1]), Value("")),
            member_name=Coalesce(F("member__name"), Value("")),
            id_number=Case(When(member__isnull=False, then=F("member__id_number")),
                           default=Coalesce(Subquery(heads.values("id_number")[:1]), Value("")),
                           output_field=CharField()),
            status_label=_labels("status", STATUS_LABELS),
            current_level=_labels("status", CURRENT_LEVEL),
            overdue=Case(When(~Q(status=TicketStatus.CLOSED) & Q(due_on__lt=today), then=Value("是")),
                         default=Value("否"), output_field=CharField()),
            resolution_label=_labels("resolution", dict(Resolution.choices)),
            history=RawSQL(history_sql, history_params, output_field=CharField()),
        )
        .order_by("village__code", "household__number", "found_at", "pk")
        .values_list(*ROW_FIELDS)
    )


class Summary:
    """The 汇总 counts, gathered while the ledger rows stream."""

    def __init__(self):
        self.by_township: dict[tuple[str, str], Counter] = {}
        self.overdue: Counter = Counter()
        self.by_rule: dict[str, Counter] = {}

    def add(self, *, township: tuple[str, str], rule_id: str, status: str, overdue: bool) -> None:
        self.by_township.setdefault(township, Counter())[status] += 1
        self.by_rule.setdefault(rule_id, Counter())[status] += 1
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
            rows.append([rule_id, rule_facts.name_of(rule_id), *(counts[s] for s in statuses), sum(counts.values())])
        return rows


def ledger_write(*, tickets, out, full_ids: bool, exemptions=None,
                 progress: Callable[[int], None] | None = None) -> int:
    """Write the ledger of `tickets` (any ticket queryset, already scoped) to `out` (a path or a
    binary file); returns how many tickets. ID numbers are masked unless `full_ids`. With
    `exemptions` (an exemption queryset, already scoped), a third sheet lists them."""
    today = timezone.localdate()
    workbook = StreamingWorkbook(out)
    sheet = workbook.add_sheet(LEDGER_SHEET, [width for _header, width in COLUMNS], headers=HEADERS)
    summary = Summary()
    count = 0
    zone = ZoneInfo(settings.TIME_ZONE)
    append, add = sheet.append, summary.add
    for (pk, year, rule_id, rule, severity, township, village, household, head_name, member_name, id_number,
         message, status_label, level, found_at, due_on, overdue, resolution, closed_at, history,
         township_id, status) in ledger_rows(tickets, today=today).iterator(chunk_size=CHUNK):
        append([number_of(year, pk), rule_id, rule, severity, township, village, household, head_name,
                member_name, id_number if full_ids else mask(id_number), message, status_label, level,
                _local(found_at, zone), due_on, overdue, resolution, _local(closed_at, zone), history])
        add(township=(township_id or "", township), rule_id=rule_id, status=status, overdue=overdue == "是")
        count += 1
        if progress and count % 500 == 0:
            progress(500)
    sheet.autofilter(len(COLUMNS))
    if progress:
        progress(count % 500)

    totals = workbook.add_sheet(SUMMARY_SHEET, [12, 24])
    for row in summary.rows():
        totals.append(row)
    if exemptions is not None:
        _exemption_sheet(workbook, exemptions, zone)
    workbook.close()
    return count


def _exemption_sheet(workbook: StreamingWorkbook, exemptions, zone) -> None:
    """豁免清单: every exemption given (a few per rule and county: read whole), its state today."""
    sheet = workbook.add_sheet(EXEMPTION_SHEET, [width for _header, width in EXEMPTION_COLUMNS],
                               headers=[header for header, _width in EXEMPTION_COLUMNS])
    for exemption in exemptions.select_related("household__village__parent", "member", "created_by",
                                               "revoked_by").order_by("rule_id", "household__number", "pk"):
        village = exemption.household.village
        sheet.append([
            exemption.rule_id, rule_facts.name_of(exemption.rule_id), village.parent.name if village.parent_id else "",
            village.name, exemption.household.number, exemption.member.name if exemption.member else "",
            exemption.reason, exemption.ends_on, exemption.state_label,
            exemption.created_by.display_name, _local(exemption.created_at, zone),
            exemption.revoked_by.display_name if exemption.revoked_by else "", _local(exemption.revoked_at, zone),
            exemption.revoke_reason,
        ])
    sheet.autofilter(len(EXEMPTION_COLUMNS))
