"""What the tickets side does when the registry says something happened (households.signals)."""

from django.dispatch import receiver

from audits import services as ticket_services
from households.signals import LINKED, change_submitted


@receiver(change_submitted)
def link_ticket_to_change(sender, change_request, ticket_id: int | None, user, **kwargs) -> str | None:
    """已整改: a change request made from ticket `ticket_id` is that ticket's fix. Runs inside the
    submission's transaction; a ticket that cannot be linked answers why (the clerk is told,
    the request stays submitted), any other failure rolls the request back with it."""
    if ticket_id is None:
        return None
    try:
        ticket_services.ticket_link_change(ticket_id=ticket_id, change_request=change_request, user=user)
    except ticket_services.TicketError as error:
        return error.message
    return LINKED
