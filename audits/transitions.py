"""Every move of a ticket, by a person or by the system's re-check: one table, one module.

A move is a row of TRANSITIONS, (status it starts from, action) → who may take it and where it
leads. It is written together with its TicketEvent row, in one transaction: `move` for one
ticket a person acts on (its row locked by the caller), `move_many` for the re-check's verdict
on many tickets at once (one UPDATE and one bulk INSERT of events per chunk).
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts import permissions
from households.choices import ReviewLevel
from households.scope import county_code

from audits.deadlines import due_date
from audits.models import Resolution, Ticket, TicketEvent, TicketStatus

PERSON = "person"  # who: the person whose role holds the ticket in its status
SYSTEM = "system"  # who: the system's re-check, never a person

EXPLANATION_REQUIRED = "请填写核实情况说明。"
REASON_REQUIRED = "请填写退回原因。"
SYSTEM_PASSED = "系统复核通过"
SYSTEM_FAILED = "系统复核：记录仍不通过，退回村级核实"


@dataclass(frozen=True)
class Transition:
    who: str  # PERSON (the role holding the ticket in its status: accounts.permissions) or SYSTEM
    target: str | None  # the status it leads to; None = the next level, or closed at the final one
    comment_error: str = ""  # non-empty: a comment is required, and this is the message without one
    comment: str = ""  # the event's comment when the system moves the ticket


# (status it starts from, action): the transition
TRANSITIONS = {
    (TicketStatus.PENDING_VILLAGE, "explain"): Transition(PERSON, TicketStatus.PENDING_TOWNSHIP,
                                                          EXPLANATION_REQUIRED),
    (TicketStatus.RETURNED, "explain"): Transition(PERSON, TicketStatus.PENDING_TOWNSHIP,
                                                   EXPLANATION_REQUIRED),
    (TicketStatus.PENDING_TOWNSHIP, "approve"): Transition(PERSON, None),
    (TicketStatus.PENDING_TOWNSHIP, "return"): Transition(PERSON, TicketStatus.RETURNED,
                                                          REASON_REQUIRED),
    (TicketStatus.PENDING_COUNTY, "approve"): Transition(PERSON, TicketStatus.CLOSED),
    (TicketStatus.PENDING_COUNTY, "return"): Transition(PERSON, TicketStatus.RETURNED, REASON_REQUIRED),
    # The re-check finds the record passing: a ticket the clerk holds goes on to the township
    # (one the township or county already holds stays there).
    (TicketStatus.PENDING_VILLAGE, "system_pass"): Transition(SYSTEM, TicketStatus.PENDING_TOWNSHIP,
                                                              comment=SYSTEM_PASSED),
    (TicketStatus.RETURNED, "system_pass"): Transition(SYSTEM, TicketStatus.PENDING_TOWNSHIP, comment=SYSTEM_PASSED),
    # A record it had passed fails again: back to the village, from wherever the ticket is.
    (TicketStatus.PENDING_TOWNSHIP, "system_fail"): Transition(SYSTEM, TicketStatus.PENDING_VILLAGE,
                                                               comment=SYSTEM_FAILED),
    (TicketStatus.PENDING_COUNTY, "system_fail"): Transition(SYSTEM, TicketStatus.PENDING_VILLAGE,
                                                             comment=SYSTEM_FAILED),
    (TicketStatus.RETURNED, "system_fail"): Transition(SYSTEM, TicketStatus.PENDING_VILLAGE, comment=SYSTEM_FAILED),
}
PERSON_ACTIONS = sorted({action for (_status, action), step in TRANSITIONS.items() if step.who != SYSTEM})
EXEMPTED = "豁免：{reason}（至 {ends_on}）"


def sources(action: str) -> list[str]:
    """The statuses `action` moves a ticket from."""
    return [status for (status, name) in TRANSITIONS if name == action]


def statuses_for(user, action: str) -> list[str]:
    """The statuses from which `user`'s role may take `action` (never a system action)."""
    held = permissions.ticket_statuses_of(user)
    return [status for (status, name), step in TRANSITIONS.items()
            if name == action and step.who == PERSON and status in held]


def person_actions(user, status: str) -> list[str]:
    """The actions `user`'s role may take on a ticket in `status`."""
    return [name for (source, name), step in TRANSITIONS.items()
            if source == status and step.who == PERSON and status in permissions.ticket_statuses_of(user)]


def next_status(ticket: Ticket, action: str) -> str:
    """Where `action` would take `ticket` now: an approval goes on to the county, or closes
    the ticket at its final level."""
    step = TRANSITIONS[(ticket.status, action)]
    if step.target is not None:
        return step.target
    return TicketStatus.CLOSED if ticket.final_level == ReviewLevel.TOWNSHIP else TicketStatus.PENDING_COUNTY


def move(ticket: Ticket, *, action: str, actor, comment: str = "") -> TicketEvent:
    """A person's move of one ticket (locked by the caller, its status checked): the ticket
    saved and its event written in one transaction."""
    step = TRANSITIONS[(ticket.status, action)]
    from_status, target = ticket.status, next_status(ticket, action)
    with transaction.atomic():
        if action == "explain":
            ticket.resolution = Resolution.EXPLAINED
        elif action == "return" and ticket.resolution == Resolution.EXPLAINED:
            ticket.resolution = ""  # the clerk answers again; a re-check's result stays a fact
        ticket.status = target
        if target == TicketStatus.CLOSED:
            ticket.closed_at = timezone.now()
        else:
            ticket.due_on = due_date(target, county=county_code(ticket.village_id), today=timezone.localdate())
        ticket.save()
        return TicketEvent.objects.create(ticket=ticket, actor=actor, from_status=from_status, to_status=target,
                                          comment=comment or step.comment)


def move_many(ticket_ids: list[int], *, action: str, county: str, now, **fields) -> int:
    """The re-check's verdict on some tickets (a system action): every ticket gets `fields`;
    those in a status the action moves from move, each with a system event. One transaction,
    set-based: one locking read, two UPDATEs and one bulk INSERT. Returns how many moved."""
    sources_of = {status: step for (status, name), step in TRANSITIONS.items() if name == action}
    if not sources_of or any(step.who != SYSTEM for step in sources_of.values()):
        raise ValueError(f"{action} is not a system action")
    with transaction.atomic():
        tickets = Ticket.objects.filter(pk__in=ticket_ids)
        moved = list(tickets.filter(status__in=list(sources_of)).select_for_update().order_by("pk")
                     .values_list("pk", "status"))
        for target in {step.target for step in sources_of.values()}:
            pks = [pk for pk, status in moved if sources_of[status].target == target]
            if pks:
                Ticket.objects.filter(pk__in=pks).update(status=target, due_on=due_date(target, county=county),
                                                         updated_at=now)
        tickets.update(updated_at=now, **fields)
        TicketEvent.objects.bulk_create([
            TicketEvent(ticket_id=pk, actor=None, at=now, from_status=status, to_status=sources_of[status].target,
                        comment=sources_of[status].comment)
            for pk, status in moved
        ])
    return len(moved)


def close_exempted(ticket_ids: list[int], *, actor, reason: str, ends_on, now=None) -> int:
    """County staff exempt the records of some tickets from their rule: those still unclosed
    close as 已豁免, each with an event naming the exemption's reason and last day. Not a
    step of the review (no level holds it): the exemption decides, from any unclosed status."""
    now = now or timezone.now()
    with transaction.atomic():
        moved = list(Ticket.objects.filter(pk__in=ticket_ids).unclosed().select_for_update().order_by("pk")
                     .values_list("pk", "status"))
        pks = [pk for pk, _ in moved]
        Ticket.objects.filter(pk__in=pks).update(status=TicketStatus.CLOSED, resolution=Resolution.EXEMPTED,
                                                 closed_at=now, due_on=None, updated_at=now)
        comment = EXEMPTED.format(reason=reason, ends_on=ends_on.isoformat())
        TicketEvent.objects.bulk_create([
            TicketEvent(ticket_id=pk, actor=actor, at=now, from_status=status, to_status=TicketStatus.CLOSED,
                        comment=comment)
            for pk, status in moved
        ])
    return len(moved)
