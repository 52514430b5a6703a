"""Events the registry emits for other rooms of the system.

The registry imports none of the apps above it: they listen here (connected in their
AppConfig.ready()).
"""

from django.db import transaction
from django.dispatch import Signal

# Sent once per approved (or directly applied) change, after the transaction commits,
# with `household_id`. The rules engine re-checks that household at once.
household_changed = Signal()


def household_changed_send(*, household_id: int) -> None:
    """Send `household_changed` when the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: household_changed.send(sender=None, household_id=household_id))


# Sent after the transaction that created new counties commits, with `codes` (6-digit
# county codes). The rules app gives each new county its monthly cleansing schedule.
counties_added = Signal()


def counties_added_send(*, codes: list[str]) -> None:
    """Send `counties_added` for `codes` when the current transaction commits."""
    if codes:
        transaction.on_commit(lambda: counties_added.send(sender=None, codes=list(codes)))


# Sent when a clerk's form creates a new change request, INSIDE the transaction that saves
# it, with `change_request`, `ticket_id` (the 问题线索 the form was opened from, or None)
# and `user`. The tickets side links the ticket to the request there, so the request and
# its link are committed together or not at all (a receiver that fails rolls the request
# back). A receiver answers None, or a refusal: the reason the ticket could not be linked,
# which the clerk is told (the request itself stays submitted).
change_submitted = Signal()


LINKED = "linked"  # a receiver's answer when it made the request the ticket's fix
NOBODY_LINKED = "问题线索未能关联（请在问题线索页面关联本申请）"


def change_submitted_send(*, change_request, ticket_id: int | None, user) -> tuple[bool, list[str]]:
    """Send `change_submitted` now (call it inside the submission's transaction): whether a
    receiver linked the ticket, and the refusals. Without a receiver that says LINKED, nothing
    was linked, whatever the reason."""
    responses = change_submitted.send(sender=type(change_request), change_request=change_request,
                                      ticket_id=ticket_id, user=user)
    answers = [response for _receiver, response in responses if response]
    return LINKED in answers, [answer for answer in answers if answer != LINKED]
