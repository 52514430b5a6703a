"""Events the registry emits for other rooms of the system."""

from django.dispatch import Signal

# Sent once per approved (or directly applied) change, after the transaction commits,
# with `household_id`. The rules engine re-checks that household at once.
household_changed = Signal()


def household_changed_send(*, household_id: int) -> None:
    """Send `household_changed` when the current transaction commits (at once outside one)."""
    from django.db import transaction

    transaction.on_commit(lambda: household_changed.send(sender=None, household_id=household_id))
