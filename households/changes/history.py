"""The household's history (django-simple-history): which request made a change, and the timeline."""

from dataclasses import dataclass, field
from typing import Callable

from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from households.changes import fields as change_fields
from households.changes.models import ChangeRequest
from households.models import AnnualIncome, AssistanceMeasure, Household, Member

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


@dataclass(frozen=True)
class Source:
    """One model whose history rows belong on a household's timeline."""

    rows: Callable            # household -> the history queryset of its rows
    fields: Callable          # () -> the field names compared between rows
    prefix: Callable          # history row -> the text before each field's label
    created_is_change: bool   # a new row shows its values (an income year, a member), not 建档


def _shown_fields() -> list[str]:
    return [f.name for f in Household._meta.concrete_fields if f.name not in NOT_SHOWN and f.editable]


MEMBER_SHOWN = (*change_fields.MEMBER_FIELDS, *change_fields.MEMBER_JOIN_FIELDS,
                *change_fields.MEMBER_LEAVE_FIELDS, "status")

SOURCES = (
    Source(lambda household: household.history.all(), _shown_fields, lambda record: "", False),
    Source(lambda household: AnnualIncome.history.filter(household_id=household.pk),
           lambda: change_fields.INCOME_FIELDS, lambda record: f"{record.year} 年度", True),
    Source(lambda household: Member.history.filter(household_id=household.pk),
           lambda: MEMBER_SHOWN, lambda record: f"成员 {record.name}·", True),
    Source(lambda household: AssistanceMeasure.history.filter(household_id=household.pk),
           lambda: change_fields.MEASURE_FIELDS, lambda record: "帮扶措施·", True),
)


def household_timeline(*, household: Household, limit: int = TIMELINE_LENGTH) -> list[TimelineEntry]:
    """The household's last changes (its own, its members', incomes' and measures'), newest first,
    each with its fields' old → new values: one query per source and one for the requests."""
    fetched = []
    for source in SOURCES:
        records = list(source.rows(household).select_related("history_user")
                       .order_by("-history_date", "-history_id")[: limit + 1])
        records.reverse()
        # A full window's oldest row only serves as the base of the next one's diff.
        fetched.append((source, records, len(records) > limit))
    unbased = _rows_without_base(fetched)
    drafted = _drafted_changes({record.change_request_id for record in unbased if record.change_request_id})
    entries = []
    for source, records, overflowing in fetched:
        names = source.fields()
        previous_of = {}
        for index, record in enumerate(records):
            previous = previous_of.get(record.id)
            previous_of[record.id] = record
            if index == 0 and overflowing:
                continue
            prefix = source.prefix(record)
            changes = []
            if previous is None and record.history_type == "~":  # imported rows have no base row
                changes = [(prefix + change_fields.label(name), change_fields.display(name, old),
                            change_fields.display(name, new))
                           for name, (old, new) in drafted.get(record.change_request_id, {}).items()
                           if name in names]
            elif previous is not None or source.created_is_change:
                for name in names:
                    old = change_fields.dump(name, _value(previous, name)) if previous is not None else None
                    new = change_fields.dump(name, _value(record, name))
                    shown = change_fields.display(name, old), change_fields.display(name, new)
                    if old != new and shown[0] != shown[1]:  # an empty text and no value are both —
                        changes.append((prefix + change_fields.label(name), *shown))
            kind = "~" if source.created_is_change and record.history_type == "+" else record.history_type
            entries.append(TimelineEntry(
                at=record.history_date, user=record.history_user, kind=kind,
                change_request_id=record.change_request_id, reason=record.history_change_reason or "",
                changes=changes,
            ))
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]


def _rows_without_base(fetched) -> list:
    rows = []
    for _source, records, _overflowing in fetched:
        seen = set()
        for record in records:
            if record.id not in seen and record.history_type == "~":
                rows.append(record)
            seen.add(record.id)
    return rows


def _drafted_changes(ids: set[int]) -> dict[int, dict]:
    """The `changes` of the requests that made the rows with no earlier history row (bulk
    imports write none), so a first edit still shows what changed."""
    if not ids:
        return {}
    return dict(ChangeRequest.objects.filter(pk__in=ids).values_list("pk", "changes"))


def _value(record, name: str):
    return getattr(record, record._meta.get_field(name).attname)
