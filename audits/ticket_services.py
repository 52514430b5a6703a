"""Ticket review (村级核实 → 乡镇审核 → 县级终审 → 销号): every status change goes through
`ticket_transition`, which checks the TRANSITIONS table, locks the row, writes the event.

Which statuses a user may act from is decided by their role; whether they may act on this
ticket at all by their scope. A ticket whose status moved on since the page was drawn (a
second reviewer acting at the same moment) is refused with ALREADY_HANDLED.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from households.choices import ReviewLevel
from households.bulk import BulkOutcome
from households.changes.models import PENDING, ChangeRequest
from households.scope import county_code

from audits.deadlines import due_date
from audits.models import Resolution, Ticket, TicketEvent, TicketEvidence, TicketStatus

NOT_FOUND = "该问题线索不存在或不在您的管辖范围内。"
NOT_ALLOWED = "您无权办理该问题线索。"
ALREADY_HANDLED = "该问题线索已被他人处理，请刷新页面查看最新状态。"
EXPLANATION_REQUIRED = "请填写核实情况说明。"
REASON_REQUIRED = "请填写退回原因。"
CHANGE_PENDING = ("整改申请审核中：关联的变更申请 #{pk} 尚未审核完毕，不能提交“核实无误”。"
                  "审核通过后系统会自动复核；如申请被退回或撤回，可再说明核实无误。")

@dataclass(frozen=True)
class Step:
    role: str          # the User property that must be true
    target: str | None  # the status it leads to; None = the next level, or closed at the final one
    comment_error: str = ""  # non-empty: a comment is required, and this is the message without one


# (status it starts from, action): the step
TRANSITIONS = {
    (TicketStatus.PENDING_VILLAGE, "explain"): Step("is_village_clerk", TicketStatus.PENDING_TOWNSHIP,
                                                    EXPLANATION_REQUIRED),
    (TicketStatus.RETURNED, "explain"): Step("is_village_clerk", TicketStatus.PENDING_TOWNSHIP,
                                             EXPLANATION_REQUIRED),
    (TicketStatus.PENDING_TOWNSHIP, "approve"): Step("is_township_reviewer", None),
    (TicketStatus.PENDING_TOWNSHIP, "return"): Step("is_township_reviewer", TicketStatus.RETURNED, REASON_REQUIRED),
    (TicketStatus.PENDING_COUNTY, "approve"): Step("is_county_staff", TicketStatus.CLOSED),
    (TicketStatus.PENDING_COUNTY, "return"): Step("is_county_staff", TicketStatus.RETURNED, REASON_REQUIRED),
}
ACTIONS = sorted({action for _status, action in TRANSITIONS})


class TicketError(Exception):
    """A ticket cannot move as asked; the message says why, for the person acting."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TicketNotFound(TicketError):
    """Outside the user's scope (or no such ticket): views answer 404."""


class TicketNotAllowed(TicketError):
    """The user's role can never take this action: views answer 404."""


def statuses_for(user, action: str) -> list[str]:
    """The statuses from which `user`'s role may take `action`."""
    return [status for (status, name), step in TRANSITIONS.items()
            if name == action and getattr(user, step.role, False)]


def actions_for(user, ticket: Ticket) -> list[str]:
    """The actions `user`'s role may take on `ticket` in its current status (scope not checked).

    核实无误 is not among them while the change request linked to fix the ticket awaits review.
    """
    waiting = waits_for_change(ticket)
    return [name for (status, name), step in TRANSITIONS.items()
            if status == ticket.status and getattr(user, step.role, False)
            and not (name == "explain" and waiting)]


def waits_for_change(ticket: Ticket) -> bool:
    """The ticket's linked change request (已整改) is still under review."""
    return ticket.change_request_id is not None and ticket.change_request.is_pending


def next_status(ticket: Ticket, action: str) -> str:
    """Where `action` would take `ticket` now: an approval goes on to the county, or closes
    the ticket at its final level."""
    step = TRANSITIONS[(ticket.status, action)]
    if step.target is not None:
        return step.target
    return TicketStatus.CLOSED if ticket.final_level == ReviewLevel.TOWNSHIP else TicketStatus.PENDING_COUNTY


def ticket_transition(*, ticket_id: int, user, action: str, comment: str = "") -> Ticket:
    """Take `action` on a ticket for `user`: check role, scope and status, lock the row,
    move it, and record who moved it from where to where, with the comment."""
    comment = (comment or "").strip()
    allowed = statuses_for(user, action)
    if not allowed:
        raise TicketNotAllowed(NOT_ALLOWED)
    with transaction.atomic():
        try:
            ticket = (Ticket.objects.in_scope(user).select_for_update(of=("self",)).get(pk=ticket_id))
        except Ticket.DoesNotExist:
            raise TicketNotFound(NOT_FOUND) from None
        if ticket.status not in allowed:
            raise TicketError(ALREADY_HANDLED)
        if action == "explain" and ticket.change_request_id is not None and ChangeRequest.objects.filter(
                pk=ticket.change_request_id, status__in=PENDING).exists():  # read under the ticket's lock
            raise TicketError(CHANGE_PENDING.format(pk=ticket.change_request_id))
        step = TRANSITIONS[(ticket.status, action)]
        if step.comment_error and not comment:
            raise TicketError(step.comment_error)
        from_status, target = ticket.status, next_status(ticket, action)
        _apply(ticket, action=action, target=target)
        ticket.save()
        TicketEvent.objects.create(ticket=ticket, actor=user, from_status=from_status, to_status=target,
                                   comment=comment)
    return ticket


def ticket_explain(*, ticket_id: int, user, explanation: str, evidence=()) -> Ticket:
    """核实无误: the transition, and the evidence files [(upload, content type)] saved with its event,
    all in one transaction (a refused explanation keeps no file)."""
    with transaction.atomic():
        ticket = ticket_transition(ticket_id=ticket_id, user=user, action="explain", comment=explanation)
        event = ticket.events.order_by("-pk").first()
        for upload, content_type in evidence:
            TicketEvidence.from_upload(upload, content_type, user=user, ticket=ticket, event=event).save()
    return ticket


# A change request can fix a ticket while the clerk still holds it.
LINKABLE = (TicketStatus.PENDING_VILLAGE, TicketStatus.RETURNED)
NOT_LINKABLE = "该问题线索已提交审核，不能再关联变更申请。"
OTHER_HOUSEHOLD = "只能关联本户的变更申请。"


def may_link_change(user, ticket: Ticket) -> bool:
    """已整改 is offered to the clerk while the ticket is theirs, a request linked already or not."""
    return user.is_village_clerk and ticket.status in LINKABLE


def ticket_link_change(*, ticket_id: int, change_request, user) -> Ticket:
    """已整改: `change_request` (of the ticket's household) is the one that fixes the data. The
    ticket stays with the clerk; the re-check after the request's approval resolves it."""
    if not user.is_village_clerk:
        raise TicketNotAllowed(NOT_ALLOWED)
    with transaction.atomic():
        try:
            ticket = Ticket.objects.in_scope(user).select_for_update(of=("self",)).get(pk=ticket_id)
        except Ticket.DoesNotExist:
            raise TicketNotFound(NOT_FOUND) from None
        if ticket.status not in LINKABLE:
            raise TicketError(NOT_LINKABLE)
        if change_request.household_id != ticket.household_id:
            raise TicketError(OTHER_HOUSEHOLD)
        ticket.change_request = change_request
        ticket.save(update_fields=["change_request", "updated_at"])
        TicketEvent.objects.create(ticket=ticket, actor=user, from_status=ticket.status, to_status=ticket.status,
                                   comment=f"已提交变更申请 #{change_request.pk} 整改")
    return ticket


def _apply(ticket: Ticket, *, action: str, target: str) -> None:
    today = timezone.localdate()
    if action == "explain":
        ticket.resolution = Resolution.EXPLAINED
    elif action == "return" and ticket.resolution == Resolution.EXPLAINED:
        ticket.resolution = ""  # the clerk answers again; a re-check's result stays a fact
    ticket.status = target
    if target == TicketStatus.CLOSED:
        ticket.closed_at = timezone.now()
    else:
        ticket.due_on = due_date(target, county=county_code(ticket.village_id), today=today)


def tickets_bulk_approve(*, ticket_ids: list[int], user) -> BulkOutcome:
    """Approve each selected ticket through `ticket_transition`, each in its own transaction
    with its own row lock: one already handled or outside scope is reported, the rest go on;
    `approved` holds the tickets approved."""
    if not statuses_for(user, "approve"):
        raise TicketNotAllowed(NOT_ALLOWED)
    result, selected = BulkOutcome.taking(ticket_ids)
    for pk in selected:
        try:
            result.approved.append(ticket_transition(ticket_id=pk, user=user, action="approve"))
        except TicketError as error:
            result.refused.append((pk, error.message))
    return result
