"""The household's history (django-simple-history): which request made a change, and the timeline."""

from dataclasses import dataclass, field

from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from . import change_fields
from .models import AnnualIncome, AssistanceMeasure, Household, Member

TIMELINE_LENGTH = 30
# Bookkeeping columns that are not the household's information.
NOT_SHOWN = {"id", "created_at", "updated_at"}


@receiver(pre_create_historical_record)
def link_change_request(sender, instance, history_instance, **kwargs):
    """Record on the history row the change request being applied (set by change_services)."""
    if isinstance(instance, (Household, Member, AnnualIncome, AssistanceMeasure)):  # sender: the historical model
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
        if previous is None and record.history_type == "~":
            changes = _changes_of_request(record.change_request_id)  # imported rows have no base row
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
    merged = sorted([*entries, *income_timeline(household=household, limit=limit)],
                    key=lambda entry: entry.at, reverse=True)
    return merged[:limit]


def income_timeline(*, household: Household, limit: int = TIMELINE_LENGTH) -> list[TimelineEntry]:
    """The household's last income changes, newest first; each row's fields are named with its year."""
    records = list(
        AnnualIncome.history.filter(household_id=household.pk).select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit * 2]
    )
    records.reverse()
    previous_of = {}  # income id -> its previous history row
    entries = []
    for record in records:
        previous = previous_of.get(record.id)
        previous_of[record.id] = record
        if previous is None and record.history_type == "~":  # an imported row: no base row to compare
            changes = _changes_of_request(record.change_request_id, prefix=f"{record.year} 年度")
            entries.append(_entry(record, changes))
            continue
        changes = []
        for name in change_fields.INCOME_FIELDS:
            old = change_fields.dump(name, getattr(previous, name)) if previous is not None else None
            new = change_fields.dump(name, getattr(record, name))
            if old != new:
                changes.append((f"{record.year} 年度{change_fields.label(name)}",
                                change_fields.display(name, old), change_fields.display(name, new)))
        entries.append(_entry(record, changes))
    entries.reverse()
    return entries[:limit]


def _entry(record, changes) -> TimelineEntry:
    return TimelineEntry(
        at=record.history_date, user=record.history_user,
        kind="~" if record.history_type == "+" else record.history_type,  # a new income year is not 建档
        change_request_id=record.change_request_id, reason=record.history_change_reason or "",
        changes=changes,
    )


def _changes_of_request(change_request_id: int | None, prefix: str = "") -> list[tuple[str, str, str]]:
    """The (label, old, new) a change request recorded: the diff of a row that has no earlier
    history row (bulk imports write none), so its first edit still shows what changed."""
    from .change_models import ChangeRequest

    request = ChangeRequest.objects.filter(pk=change_request_id).only("changes").first()
    if request is None:
        return []
    return [(prefix + change_fields.label(name), change_fields.display(name, old), change_fields.display(name, new))
            for name, (old, new) in request.changes.items()]


def _attname(name: str) -> str:
    return Household._meta.get_field(name).attname
