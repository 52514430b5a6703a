"""Reads of tickets for the screens; every one starts from `in_scope(user)`."""

import datetime

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Left
from django.utils import timezone

from accounts import permissions
from households.choices import AreaLevel, MemberStatus, Relationship
from households.models import CODE_LENGTH, Member

from audits.models import Ticket, TicketStatus

ALL = "all"  # the status filter's value for every status
OPEN = "open"  # the status filter's value for every status but closed (未销号)
# The list's sort orders (a whitelist: the URL names a key, never a column).
SORTS = {
    "due": ("截止日期最早", ("due_on", "pk")),
    "found": ("最新发现", ("-found_at", "-pk")),
    "rule": ("按规则", ("rule_id", "village_id", "household__number", "pk")),
    "household": ("按村和户", ("village_id", "household__number", "rule_id", "pk")),
}


def tickets(*, user):
    return Ticket.objects.in_scope(user).select_related("household", "member", "village", "village__parent")


def ticket_detail(*, user, pk: int) -> Ticket:
    """One ticket in scope; raises Ticket.DoesNotExist."""
    return tickets(user=user).select_related("change_request").get(pk=pk)


def queue_statuses(user) -> list[str] | None:
    """The statuses waiting for `user`'s role; None for every status (inspectors read all)."""
    return permissions.ticket_statuses_of(user) or None


def ticket_list(*, user, filters: dict):
    """The tickets `user` asked for: their queue unless a status is chosen, then the other filters.

    A clerk's list is ordered by household, so one visit handles a household's tickets
    together; the reviewers' lists put the nearest deadline first.
    """
    heads = Member.objects.filter(household=OuterRef("household_id"), status=MemberStatus.NORMAL,
                                  relationship=Relationship.HEAD).order_by("pk")
    queryset = filtered(tickets(user=user), filters).annotate(head_name=Subquery(heads.values("name")[:1]))
    if (statuses := listed_statuses(user=user, filters=filters)) is not None:
        queryset = queryset.filter(status__in=statuses)
    if filters.get("sort") in SORTS:
        return queryset.order_by(*SORTS[filters["sort"]][1])
    if user.is_village_clerk:
        return queryset.order_by("household__number", "rule_id", "pk")
    return queryset.order_by("due_on", "pk")


def filtered(queryset, filters: dict):
    """The rule, category, severity, township, village, overdue, found-in-month and closed-in-month
    filters (not the status: the tabs count by status)."""
    if filters.get("category"):
        queryset = queryset.filter(rule_id__startswith=filters["category"])
    if filters.get("township"):
        queryset = queryset.filter(village__code__startswith=filters["township"])
    if filters.get("rule"):
        queryset = queryset.filter(rule_id=filters["rule"])
    if filters.get("severity"):
        queryset = queryset.filter(severity=filters["severity"])
    if filters.get("village"):
        queryset = queryset.filter(village_id=filters["village"])
    if filters.get("overdue"):
        queryset = queryset.overdue()
    if filters.get("found"):
        queryset = queryset.filter(found_at__gte=month_start(filters["found"]),
                                   found_at__lt=month_start(next_month(filters["found"])))
    if filters.get("closed"):
        queryset = queryset.filter(closed_at__gte=month_start(filters["closed"]),
                                   closed_at__lt=month_start(next_month(filters["closed"])))
    return queryset


def month_start(month: datetime.date) -> datetime.datetime:
    """The first instant of `month` (its first day) in Beijing: months are counted as Beijing months."""
    return timezone.make_aware(datetime.datetime(month.year, month.month, 1))


def next_month(month: datetime.date) -> datetime.date:
    return datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def status_counts(*, user, filters: dict) -> dict[str, int]:
    """How many tickets of each status match the other filters, in one query."""
    rows = filtered(Ticket.objects.in_scope(user), filters).order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def queue_counts(*, user, filters: dict) -> tuple[dict[str, int], dict[str, int]]:
    """Per status, how many tickets match the other filters and how many of them are overdue,
    in one query (the queue's tabs and its 审核超时 count)."""
    overdue = Q(due_on__lt=timezone.localdate()) & ~Q(status=TicketStatus.CLOSED)
    rows = (filtered(Ticket.objects.in_scope(user), filters).order_by().values("status")
            .annotate(n=Count("pk"), overdue=Count("pk", filter=overdue)))
    return {row["status"]: row["n"] for row in rows}, {row["status"]: row["overdue"] for row in rows}


def listed_statuses(*, user, filters: dict) -> list[str] | None:
    """The statuses the list shows: the chosen one, every one, or the user's queue."""
    status = filters.get("status") or ""
    if status == ALL:
        return None
    if status == OPEN:
        return [value for value in TicketStatus.values if value != TicketStatus.CLOSED]
    return [status] if status else queue_statuses(user)


def ticket_todo(*, user) -> dict | None:
    """The home page's counts: the tickets waiting for `user`'s role, and how many are overdue."""
    statuses = queue_statuses(user)
    if statuses is None:
        return None
    queue = Ticket.objects.in_scope(user).filter(status__in=statuses)
    return {"queue": queue.count(), "overdue": queue.overdue().count()}


def overdue_by_township(*, user) -> list[dict]:
    """Per township of `user`'s scope (by code): its unclosed tickets and how many are overdue,
    most overdue first; one query."""
    rows = (Ticket.objects.in_scope(user).unclosed().order_by()
            .annotate(township=Left("village_id", CODE_LENGTH[AreaLevel.TOWNSHIP])).values("township")
            .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=timezone.localdate()))))
    return sorted(rows, key=lambda row: (-row["overdue"], row["township"]))


def open_tickets_of(*, household_id: int, year: int) -> list[Ticket]:
    """A household's tickets of `year` still being worked on and not passed by a re-check, by rule."""
    return list(Ticket.objects.filter(household_id=household_id, year=year).unclosed()
                .filter(system_resolved_at__isnull=True).order_by("rule_id"))
