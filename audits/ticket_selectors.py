"""Reads of tickets for the screens; every one starts from `in_scope(user)`."""

from django.db.models import Count, OuterRef, Subquery

from households.choices import MemberStatus, Relationship
from households.models import Member

from .models import Ticket, TicketStatus

ALL = "all"  # the status filter's value for every status


def tickets(*, user):
    return Ticket.objects.in_scope(user).select_related("household", "member", "village", "village__parent")


def ticket_detail(*, user, pk: int) -> Ticket:
    """One ticket in scope; raises Ticket.DoesNotExist."""
    return tickets(user=user).get(pk=pk)


def queue_statuses(user) -> list[str] | None:
    """The statuses waiting for `user`'s role; None for every status (inspectors read all)."""
    if user.is_village_clerk:
        return [TicketStatus.PENDING_VILLAGE, TicketStatus.RETURNED]
    if user.is_township_reviewer:
        return [TicketStatus.PENDING_TOWNSHIP]
    if user.is_county_staff:
        return [TicketStatus.PENDING_COUNTY]
    return None


def ticket_list(*, user, filters: dict):
    """The tickets `user` asked for: their queue unless a status is chosen, then the other filters.

    A clerk's list is ordered by household, so one visit handles a household's tickets
    together; the reviewers' lists put the nearest deadline first.
    """
    heads = Member.objects.filter(household=OuterRef("household_id"), status=MemberStatus.NORMAL,
                                  relationship=Relationship.HEAD).order_by("pk")
    queryset = filtered(tickets(user=user), filters).annotate(head_name=Subquery(heads.values("name")[:1]))
    status = filters.get("status") or ""
    if status == ALL:
        pass
    elif status:
        queryset = queryset.filter(status=status)
    elif (statuses := queue_statuses(user)) is not None:
        queryset = queryset.filter(status__in=statuses)
    if user.is_village_clerk:
        return queryset.order_by("household__number", "rule_id", "pk")
    return queryset.order_by("due_on", "pk")


def filtered(queryset, filters: dict):
    """The rule, severity and village filters (not the status: the tabs count by status)."""
    if filters.get("rule"):
        queryset = queryset.filter(rule_id=filters["rule"])
    if filters.get("severity"):
        queryset = queryset.filter(severity=filters["severity"])
    if filters.get("village"):
        queryset = queryset.filter(village_id=filters["village"])
    if filters.get("overdue"):
        queryset = queryset.overdue()
    return queryset


def status_counts(*, user, filters: dict) -> dict[str, int]:
    """How many tickets of each status match the other filters, in one query."""
    rows = filtered(Ticket.objects.in_scope(user), filters).order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def ticket_todo(*, user) -> dict | None:
    """The home page's counts: the tickets waiting for `user`'s role, and how many are overdue."""
    statuses = queue_statuses(user)
    if statuses is None:
        return None
    queue = Ticket.objects.in_scope(user).filter(status__in=statuses)
    return {"queue": queue.count(), "overdue": queue.overdue().count()}
