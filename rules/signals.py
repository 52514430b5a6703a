"""What the rules app tells its receivers (rules/receivers.py)."""

from django.db import transaction
from django.dispatch import Signal

# Something a county's rules are compiled from changed (enabled rules, parameters, yearly lines,
# department lists) and is committed; `county` is its code, or None for every county.
catalog_changed = Signal()


def catalog_changed_on_commit(county: str | None) -> None:
    """Send `catalog_changed` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: catalog_changed.send(sender=None, county=county), robust=True)
