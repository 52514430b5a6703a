"""The household's history (django-simple-history): which request made a change, and the timeline."""

from dataclasses import dataclass, field

from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from . import change_fields
from .models import Household

TIMELINE_LENGTH = 30
# Bookkeeping columns that are not the household's information.
NOT_SHOWN = {"id", "created_at", "updated_at"}


@receiver(pre_create_historical_record)
def link_change_request(sender, instance, history_instance, **kwargs):
    """Record on the history row the change request being applied (set by change_services)."""
    if isinstance(instance, Household):  # the sender is the historical model
        history_instance.change_request_id = getattr(instance, "_change_request_id", None)


@dataclass
class TimelineEntry:
    at: object
    user: object
    kind: str                 # "+" created, "~" changed, "-" deleted
    change_request_id: int | None
    reason: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (label, old, new)


def _shown_fields() -> list[str]:
    return [f.name for f in Household._meta.concrete_fields if f.name not in NOT_SHOWN and f.editable]


def household_timeline(*, household: Household, limit: int = TIMELINE_LENGTH) -> list[TimelineEntry]:
    """The household's last changes, newest first, each with its fields' old → new values."""
    records = list(
        household.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    records.reverse()
    names = _shown_fields()
    entries = []
    for previous, record in zip([None, *records], records):
        if previous is None and len(records) > limit:
            continue  # the oldest row fetched only serves as the base of the next one's diff
        changes = []
        if previous is not None:
            for name in names:
                old = change_fields.dump(name, getattr(previous, _attname(name)))
                new = change_fields.dump(name, getattr(record, _attname(name)))
                if old != new:
                    changes.append((change_fields.label(name), change_fields.display(name, old),
                                    change_fields.display(name, new)))
        entries.append(TimelineEntry(
            at=record.history_date, user=record.history_user, kind=record.history_type,
            change_request_id=record.change_request_id, reason=record.history_change_reason or "",
            changes=changes,
        ))
    entries.reverse()
    return entries


def _attname(name: str) -> str:
    return Household._meta.get_field(name).attname
