"""Ticket review (村级核实 → 乡镇审核 → 县级终审 → 销号) by people: every status change is a
row of `audits.transitions.TRANSITIONS`; `ticket_transition` checks role, scope and status,
locks the row, and has `transitions.move` write the move with its event.

Which statuses a user may act from is decided by their role (accounts.permissions'
TICKET_HOLDER); whether they may act on this ticket at all by their scope. A ticket whose status moved on since the page was drawn (a
second reviewer acting at the same moment) is refused with ALREADY_HANDLED.
"""


from django.db import transaction

from accounts import permissions
from households.bulk import BulkOutcome
from households.changes.models import PENDING, ChangeRequest

from audits import transitions
from audits.models import Ticket, TicketEvent, TicketEvidence
from audits.transitions import statuses_for

NOT_FOUND = "该问题线索不存在或不在您的管辖范围内。"
NOT_ALLOWED = "您无权办理该问题线索。"
ALREADY_HANDLED = "该问题线索已被他人处理，请刷新页面查看最新状态。"
CHANGE_PENDING = ("整改申请审核中：关联的变更申请 #{pk} 尚未审核完毕，不能提交“核实无误”。"
                  "审核通过后系统会自动复核；如申请被退回或撤回，可再说明核实无误。")


class TicketError(Exception):
    """A ticket cannot move as asked; the message says why, for the person acting."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TicketNotFound(TicketError):
    """Outside the user's scope (or no such ticket): views answer 404."""


class TicketNotAllowed(TicketError):
    """The user's role can never take this action: views answer 404."""


def actions_for(user, ticket: Ticket) -> list[str]:
    """The actions `user`'s role may take on `ticket` in its current status (scope not checked).

    核实无误 is not among them while the change request linked to fix the ticket awaits review.
    """
    if ticket.status not in permissions.ticket_statuses_of(user):
        return []
    waiting = waits_for_change(ticket)
    return [name for name in transitions.person_actions(user, ticket.status) if not (name == "explain" and waiting)]


def waits_for_change(ticket: Ticket) -> bool:
    """The ticket's linked change request (已整改) is still under review."""
    return ticket.change_request_id is not None and ticket.change_request.is_pending


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
        step = transitions.TRANSITIONS[(ticket.status, action)]
        if step.comment_error and not comment:
            raise TicketError(step.comment_error)
        transitions.move(ticket, action=action, actor=user, comment=comment)
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
LINKABLE = permissions.TICKET_LINKABLE  # 待核实, 已退回
NOT_LINKABLE = "该问题线索已提交审核，不能再关联变更申请。"
OTHER_HOUSEHOLD = "只能关联本户的变更申请。"


def may_link_change(user, ticket: Ticket) -> bool:
    """已整改 is offered to the clerk while the ticket is theirs, a request linked already or not."""
    return permissions.can_link_change_to_ticket(user, ticket)


def ticket_link_change(*, ticket_id: int, change_request, user) -> Ticket:
    """已整改: `change_request` (of the ticket's household) is the one that fixes the data. The
    ticket stays with the clerk; the re-check after the request's approval resolves it."""
    if not permissions.can_link_change_to_ticket(user):
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
