"""数据质量月考评: what each township's score is made of, read from the tickets' and clues' history.

score = 100 − ① − ② − ③ − ④ − ⑤, never below 0, for township T and month M, where "at the
end of M" is the first instant of the next month (Asia/Shanghai), or now for the current month:

① open tickets per 100 households, an error counting twice:
  (2 × open errors + open warnings) ÷ households × 100 × assessment_open_per_100, at most
  assessment_open_cap. A ticket is open at the end of M when it was found before then and was
  not closed before then (one closed after M's end counts as open for M). A township without
  households loses nothing here (there is no rate to take).
② overdue tickets: open at the end of M and past their deadline on M's last day (today for
  the current month) × assessment_overdue_ticket, at most assessment_overdue_ticket_cap.
③ overdue clues: registered before the end of M, not answered (applied or declined) before it,
  their deadline before M's last day × assessment_overdue_clue, at most its cap.
④ returned answers: moves of a ticket to 已退回 during M (a village's answer returned by the
  township or the county) × assessment_returned, at most its cap.
⑤ assessment_closure × (1 − closure rate), closure rate = tickets closed before the end of M ÷
  tickets found from 1 January of M's year to the end of M (of those same tickets). No ticket
  raised: nothing lost.

A ticket's deadline at the end of M: its `due_on` when it has not moved since (the ticket
list's "审核超时" is then the same test); otherwise the deadline it had then, rebuilt from its
last move before the end of M (or its finding): that day + the days its level has (audits/deadlines.py).

Every count is one set-based query grouped by township; the few townships are then scored in
Python. Decimals, half-up to 2 places, each part rounded before it is taken off.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Value, Window
from django.db.models.functions import Coalesce, Rank, Substr
from django.utils import timezone

from audits.deadlines import LEVEL_OF, deadline_days
from audits.models import Severity, Ticket, TicketEvent, TicketStatus
from households.choices import AreaLevel
from households.models import Area, Household
from monitoring_objects.models import Clue, ClueStatus
from rules.parameters import current_values

from analysis.assessment.models import AssessmentScore

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
PART_KEYS = ("open", "overdue_tickets", "overdue_clues", "returned", "closure")
PART_LABELS = {
    "open": "未关闭问题（每百户，错误计2倍）",
    "overdue_tickets": "逾期问题",
    "overdue_clues": "逾期预警线索",
    "returned": "核实被退回",
    "closure": "整改率",
}
PART_NUMBERS = dict(zip(PART_KEYS, "①②③④⑤"))


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Moment:
    """The month scored and the instant and day it is scored at."""

    month: datetime.date  # its first day
    until: datetime.datetime  # the end of the month (exclusive), or now for the current month
    day: datetime.date  # the month's last day, or today for the current month

    @property
    def year_start(self) -> datetime.datetime:
        return _local_midnight(self.month.replace(month=1))

    @property
    def month_start(self) -> datetime.datetime:
        return _local_midnight(self.month)

    @property
    def is_current(self) -> bool:
        return self.day == timezone.localdate() and self.month == self.day.replace(day=1)


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def previous_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def moment_of(month: datetime.date, *, now: datetime.datetime | None = None) -> Moment:
    """Month `month` (any day of it) as scored now: a past month at its end, the current one now."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    month = month.replace(day=1)
    if month > today:
        raise ValueError(f"{month:%Y-%m} 尚未开始，不能考评")
    following = next_month(month)
    if following > today:
        return Moment(month=month, until=now, day=today)
    return Moment(month=month, until=_local_midnight(following), day=following - datetime.timedelta(days=1))


def parse_month(text: str | None) -> datetime.date | None:
    """`2026-11` → 2026-11-01; None for anything else."""
    try:
        return datetime.datetime.strptime(text or "", "%Y-%m").date()
    except ValueError:
        return None


def last_month(today: datetime.date | None = None) -> datetime.date:
    return previous_month(today or timezone.localdate())


# --- The counts --------------------------------------------------------------------------------

def _township(path: str):
    return Substr(path, 1, 9)


def _by_township(rows) -> dict[str, dict]:
    return {row.pop("township"): row for row in rows}


def ticket_counts(county: str, moment: Moment, days: dict[str, int]) -> dict[str, dict]:
    """Per township: open errors and warnings, overdue, raised and closed (①, ②, ⑤) at the end of the month."""
    events = TicketEvent.objects.filter(ticket=OuterRef("pk"))
    last_move = events.filter(at__lt=moment.until).order_by("-at", "-pk")
    moved_since = events.filter(at__gte=moment.until).exclude(to_status=TicketStatus.CLOSED)
    open_then = ~Q(status=TicketStatus.CLOSED) | Q(closed_at__gte=moment.until)
    # The deadline it had then, rebuilt: arrived at its level before the day (level's days) before M's last day.
    rebuilt_overdue = Q()
    for level in sorted(set(LEVEL_OF.values())):
        statuses = [status for status, of in LEVEL_OF.items() if of == level]
        cutoff = _local_midnight(moment.day - datetime.timedelta(days=days[level]))
        rebuilt_overdue |= Q(status_then__in=statuses, arrived__lt=cutoff)
    overdue_then = open_then & (
        (Q(moved_since=False) & Q(due_on__lt=moment.day)) | (Q(moved_since=True) & rebuilt_overdue)
    )
    rows = (
        Ticket.objects.filter(village__code__startswith=county, found_at__lt=moment.until)
        .annotate(
            township=_township("village_id"),
            moved_since=Exists(moved_since),
            status_then=Coalesce(Subquery(last_move.values("to_status")[:1]), Value(TicketStatus.PENDING_VILLAGE)),
            arrived=Coalesce(Subquery(last_move.values("at")[:1]), F("found_at")),
        )
        .values("township")
        .annotate(
            open_errors=Count("pk", filter=open_then & Q(severity=Severity.ERROR)),
            open_warnings=Count("pk", filter=open_then & ~Q(severity=Severity.ERROR)),
            overdue=Count("pk", filter=overdue_then),
            raised=Count("pk", filter=Q(found_at__gte=moment.year_start)),
            closed=Count("pk", filter=Q(found_at__gte=moment.year_start) & ~open_then),
        )
        .order_by()
    )
    return _by_township(rows)


def overdue_clue_counts(county: str, moment: Moment) -> dict[str, int]:
    """Per township: clues unanswered at the end of the month and past their deadline on its last day (③)."""
    rows = (
        Clue.objects.filter(village__code__startswith=county, created_at__lt=moment.until, deadline__lt=moment.day)
        .filter(Q(status=ClueStatus.OPEN) | Q(answered_at__gte=moment.until))
        .annotate(township=_township("village_id")).values("township")
        .annotate(count=Count("pk")).order_by()
    )
    return {row["township"]: row["count"] for row in rows}


def returned_counts(county: str, moment: Moment) -> dict[str, int]:
    """Per township: answers returned (moves to 已退回) during the month (④)."""
    rows = (
        TicketEvent.objects.filter(ticket__village__code__startswith=county, to_status=TicketStatus.RETURNED,
                                   at__gte=moment.month_start, at__lt=moment.until)
        .annotate(township=_township("ticket__village_id")).values("township")
        .annotate(count=Count("pk")).order_by()
    )
    return {row["township"]: row["count"] for row in rows}


def household_counts(county: str) -> dict[str, int]:
    """Per township: households in the registry now (not removed)."""
    rows = (
        Household.objects.active().filter(village__code__startswith=county)
        .annotate(township=_township("village_id")).values("township")
        .annotate(count=Count("pk")).order_by()
    )
    return {row["township"]: row["count"] for row in rows}


# --- The score ---------------------------------------------------------------------------------

@dataclass
class Assessment:
    township: str
    name: str
    households: int
    parts: dict = field(default_factory=dict)
    score: Decimal = HUNDRED


def weights(county: str) -> dict[str, Decimal]:
    return {key: value for key, value in current_values(county).items() if key.startswith("assessment_")}


def _capped(raw: Decimal, cap: Decimal) -> Decimal:
    return money(min(raw, cap))


def score_parts(*, households: int, tickets: dict, overdue_clues: int, returned: int,
                w: dict[str, Decimal]) -> dict[str, dict]:
    """The five parts for one township: each its count(s) and its deduction (Decimal)."""
    errors, warnings = tickets.get("open_errors", 0), tickets.get("open_warnings", 0)
    weighted = 2 * errors + warnings
    per_100 = money(Decimal(weighted) * HUNDRED / households) if households else Decimal("0.00")
    open_raw = Decimal(weighted) * HUNDRED / households * w["assessment_open_per_100"] if households else Decimal(0)
    overdue = tickets.get("overdue", 0)
    raised, closed = tickets.get("raised", 0), tickets.get("closed", 0)
    closure_raw = w["assessment_closure"] * (raised - closed) / raised if raised else Decimal(0)
    return {
        "open": {"count": weighted, "errors": errors, "warnings": warnings, "per_100": per_100,
                 "deduction": _capped(open_raw, w["assessment_open_cap"])},
        "overdue_tickets": {"count": overdue, "deduction": _capped(
            overdue * w["assessment_overdue_ticket"], w["assessment_overdue_ticket_cap"])},
        "overdue_clues": {"count": overdue_clues, "deduction": _capped(
            overdue_clues * w["assessment_overdue_clue"], w["assessment_overdue_clue_cap"])},
        "returned": {"count": returned, "deduction": _capped(
            returned * w["assessment_returned"], w["assessment_returned_cap"])},
        "closure": {"count": raised - closed, "raised": raised, "closed": closed,
                    "rate": money(Decimal(closed) * HUNDRED / raised) if raised else None,
                    "deduction": money(closure_raw)},
    }


def score_of(parts: dict) -> Decimal:
    return max(Decimal("0.00"), money(HUNDRED - sum(part["deduction"] for part in parts.values())))


def assess(*, county: str, month: datetime.date, now: datetime.datetime | None = None) -> list[Assessment]:
    """Every township of `county` scored for `month` (nothing written): a fixed number of queries."""
    moment = moment_of(month, now=now)
    w = weights(county)
    tickets = ticket_counts(county, moment, deadline_days(county))
    clues = overdue_clue_counts(county, moment)
    returned = returned_counts(county, moment)
    households = household_counts(county)
    results = []
    for code, name in Area.objects.filter(level=AreaLevel.TOWNSHIP, code__startswith=county).values_list(
            "code", "name").order_by("code"):
        parts = score_parts(households=households.get(code, 0), tickets=tickets.get(code, {}),
                            overdue_clues=clues.get(code, 0), returned=returned.get(code, 0), w=w)
        results.append(Assessment(township=code, name=name, households=households.get(code, 0), parts=parts,
                                  score=score_of(parts)))
    return results


# --- Reading stored scores ---------------------------------------------------------------------

def ranked(county: str, month: datetime.date):
    """The month's stored scores of `county`, best first; equal scores share a rank (1, 2, 2, 4)
    and are listed by township code."""
    return (AssessmentScore.objects.filter(county=county, month=month.replace(day=1))
            .annotate(rank=Window(Rank(), order_by=F("score").desc()))
            .order_by("-score", "township"))


def ranked_row(county: str, month: datetime.date, township: str):
    """One township's stored row with its rank in the county (ranked over all of them, then picked:
    a filter before the window would rank the one row alone); None when not computed."""
    return next((row for row in ranked(county, month) if row.township == township), None)


def months_scored(county: str, limit: int = 24) -> list[datetime.date]:
    return list(AssessmentScore.objects.filter(county=county).values_list("month", flat=True)
                .distinct().order_by("-month")[:limit])


def trend(county: str, *, township: str | None = None, months: int = 12) -> dict:
    """Scores by month (oldest first) for each township (or one): {months: [...], series: [{code, name, scores}]}."""
    recent = months_scored(county, limit=months)
    rows = AssessmentScore.objects.filter(county=county, month__in=recent)
    if township:
        rows = rows.filter(township=township)
    names = dict(Area.objects.filter(level=AreaLevel.TOWNSHIP, code__startswith=county).values_list("code", "name"))
    labels = sorted(recent)
    series: dict[str, dict] = {}
    for code, month, score in rows.values_list("township", "month", "score").order_by("township", "month"):
        line = series.setdefault(code, {"code": code, "name": names.get(code, code), "scores": [None] * len(labels)})
        line["scores"][labels.index(month)] = str(score)
    average = []
    for index in range(len(labels)):
        scores = [Decimal(line["scores"][index]) for line in series.values() if line["scores"][index] is not None]
        average.append(str(money(sum(scores) / len(scores))) if scores else None)
    return {"months": [f"{m:%Y-%m}" for m in labels], "series": list(series.values()), "average": average}


def township_names(county: str) -> dict[str, str]:
    return dict(Area.objects.filter(level=AreaLevel.TOWNSHIP, code__startswith=county).values_list("code", "name"))


# --- The formula, in words ---------------------------------------------------------------------

def plain(value: Decimal) -> str:
    """A weight as people write it: 0.5, 1, 20 (not 0.5000)."""
    text = format(Decimal(value).normalize(), "f")
    return text


def formula_lines(w: dict[str, Decimal]) -> list[tuple[str, str]]:
    """The formula with the county's weights: (part number or "", the sentence), for the page,
    the workbook's note row and nobody's guess."""
    p = {key: plain(value) for key, value in w.items()}
    return [
        ("", "得分 = 100 − ① − ② − ③ − ④ − ⑤，最低 0 分；每项按四舍五入保留两位小数后扣减。"
             "按月末（当月为此刻）的状态计算，只看问题是否解决，不看登录和操作次数。"),
        ("①", f"未关闭问题：(2 × 未关闭错误问题 + 1 × 未关闭疑似问题) ÷ 户数 × 100 × {p['assessment_open_per_100']}，"
              f"最多扣 {p['assessment_open_cap']} 分。月末仍未销号的问题都算（月末之后才销号的也算）；户数为 0 不扣。"),
        ("②", f"逾期问题：月末未销号且已过审核截止日期的问题条数 × {p['assessment_overdue_ticket']}，"
              f"最多扣 {p['assessment_overdue_ticket_cap']} 分。"),
        ("③", f"逾期预警线索：月末仍未核查办结（未申请纳入、未作不纳入答复）且已过核查期限的线索条数 × "
              f"{p['assessment_overdue_clue']}，最多扣 {p['assessment_overdue_clue_cap']} 分。"),
        ("④", f"核实被退回：本月村级核实被乡镇或县级退回的次数 × {p['assessment_returned']}，"
              f"最多扣 {p['assessment_returned_cap']} 分。"),
        ("⑤", f"整改率：{p['assessment_closure']} × (1 − 整改率)。整改率 = 当年 1 月 1 日至月末发现的问题中，"
              "月末前已销号的条数 ÷ 这些问题的条数；当年没有发现问题不扣分。"),
    ]
