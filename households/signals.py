"""Events the registry emits for other rooms of the system."""

from django.dispatch import Signal

# Sent once per approved (or directly applied) change, after the transaction commits,
# with `household_id`. The rules engine re-checks that household at once.
household_changed = Signal()


def household_changed_send(*, household_id: int) -> None:
    """Send `household_changed` when the current transaction commits (at once outside one)."""
    from django.db import transaction

    transaction.on_commit(lambda: household_changed.send(sender=None, household_id=household_id))


# Sent after the transaction that created new counties commits, with `codes` (6-digit
# county codes). The rules app gives each new county its monthly cleansing schedule.
counties_added = Signal()


def counties_added_send(*, codes: list[str]) -> None:
    """Send `counties_added` for `codes` when the current transaction commits."""
    from django.db import transaction

    if codes:
        transaction.on_commit(lambda: counties_added.send(sender=None, codes=list(codes)))
