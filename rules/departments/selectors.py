"""Reads of 部门数据: the batches a user may see, a batch's rows and findings, two batches compared.

A batch uploaded on screen belongs to its county; one imported by the command is shared by
all counties. A county user sees their county's batches and the shared ones, and of a shared
batch only the rows that are nobody's (unmatched) or match a member in their scope: never a
row matched to another county's household.
"""

import datetime
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from audits.models import Ticket
from households.models import Member
from households.scope import county_of

from rules.department_import import EXTRA_COLUMNS
from rules.models import DepartmentBatch, DepartmentRecord, DepartmentSource

# The D rules that read each list (rules/catalog/department.py).
SOURCE_RULES = {
    DepartmentSource.DEATHS: ("D01",),
    DepartmentSource.ENROLMENT: ("D02",),
    DepartmentSource.DROPOUTS: ("D03",),
    DepartmentSource.SUBSISTENCE: ("D04", "D10"),
    DepartmentSource.EXTREME_POVERTY: ("D04", "D09", "D10"),
    DepartmentSource.DISABILITY: ("D05",),
    DepartmentSource.LARGE_MEDICAL: ("D06",),
    DepartmentSource.UNSAFE_HOUSING: ("D07",),
    DepartmentSource.EMPLOYMENT: ("D08",),
}

# The record field holding each kind of a list's own column.
VALUE_FIELDS = {"date": "date_value", "money": "amount", "months": "months", "choice": "text_value"}
# What stands for an empty value when two lists are compared (NULL never equals NULL in SQL).
EMPTY = {"date_value": Value(datetime.date.min), "amount": Value(Decimal("-1")), "months": Value(-1),
         "text_value": Value("")}


def value_field(source: str) -> str:
    return VALUE_FIELDS[EXTRA_COLUMNS[DepartmentSource(source)][1]]


def value_header(source: str) -> str:
    return EXTRA_COLUMNS[DepartmentSource(source)][0]


def batches_for(user) -> QuerySet[DepartmentBatch]:
    """The batches `user` may open: their county's and the shared ones; none without a county."""
    county = county_of(user)
    if county is None:
        return DepartmentBatch.objects.none()
    return DepartmentBatch.objects.for_county(county).select_related("imported_by")


def _scope_ids(user):
    return Member.objects.in_scope(user).values("id_number")


def with_counts(batches: QuerySet[DepartmentBatch], user) -> QuerySet[DepartmentBatch]:
    """Each batch with the rows `user` sees of it: `matched_here` (a member in scope) and
    `unmatched_here` (nobody in the registry; of a county's own list, nobody of the county)."""
    # Each record looks its ID number up in the members' index (EXISTS). Written as a FILTER
    # (… IN (the scope's ID numbers)), PostgreSQL could not hash a county of 100,000 households'
    # 346,915 ID numbers in work_mem and compared every record with every one of them: the page
    # did not answer in seven minutes.
    in_scope = Member.objects.in_scope(user).filter(id_number=OuterRef("id_number"))
    records = DepartmentRecord.objects.filter(batch=OuterRef("pk")).order_by().values("batch")
    matched = records.filter(Exists(in_scope)).annotate(n=Count("pk")).values("n")
    unmatched = records.filter(matched=False).annotate(n=Count("pk")).values("n")
    # Their sum is DepartmentBatch.rows_here, in Python: an annotation of it would run both again.
    return batches.annotate(matched_here=Coalesce(Subquery(matched), 0), unmatched_here=Coalesce(Subquery(unmatched), 0))


def with_previous(batches: QuerySet[DepartmentBatch], user) -> QuerySet[DepartmentBatch]:
    """Each batch with `previous_pk`: the batch of its source imported just before it that `user` sees."""
    earlier = batches_for(user).filter(source=OuterRef("source")).filter(
        Q(imported_at__lt=OuterRef("imported_at")) | Q(imported_at=OuterRef("imported_at"), pk__lt=OuterRef("pk")))
    return batches.annotate(previous_pk=Subquery(earlier.order_by("-imported_at", "-pk").values("pk")[:1]))


def newest_by_source(user) -> dict[str, DepartmentBatch]:
    """source -> the newest batch `user` may open (any year), with its counts."""
    batches = batches_for(user)
    newest = batches.filter(source=OuterRef("source")).order_by("-imported_at", "-pk").values("pk")[:1]
    return {batch.source: batch for batch in with_counts(batches.filter(pk=Subquery(newest)), user)}


def batch_totals(user) -> dict[str, int]:
    """source -> how many batches of it `user` may open."""
    return dict(batches_for(user).order_by().values("source").annotate(n=Count("pk")).values_list("source", "n"))


def visible_records(batch: DepartmentBatch, user) -> QuerySet[DepartmentRecord]:
    """The rows of `batch` that `user` may see (all of their county's own list; of a shared
    list, the unmatched ones and those matching a member in scope), each with its `value`."""
    records = batch.records.all()
    if batch.county is None:
        records = records.filter(Q(matched=False) | Q(id_number__in=_scope_ids(user)))
    return records.annotate(value=F(value_field(batch.source)))


def unmatched_rows(batch: DepartmentBatch, user) -> QuerySet[DepartmentRecord]:
    return visible_records(batch, user).filter(matched=False).order_by("row_number")


def matched_rows(batch: DepartmentBatch, user) -> QuerySet[DepartmentRecord]:
    """The rows matching a member in scope, each with that member's household number."""
    household = Member.objects.in_scope(user).filter(id_number=OuterRef("id_number")).order_by("pk")
    return (visible_records(batch, user).filter(id_number__in=_scope_ids(user))
            .annotate(household_number=Subquery(household.values("household__number")[:1]),
                      member_name=Subquery(household.values("name")[:1]))
            .order_by("row_number"))


def findings(batch: DepartmentBatch, user) -> QuerySet[Ticket]:
    """The open tickets of the D rules reading this list's source, for the batch's year, in scope."""
    return (Ticket.objects.in_scope(user).unclosed()
            .filter(rule_id__in=SOURCE_RULES[DepartmentSource(batch.source)], year=batch.year)
            .select_related("household", "member").order_by("rule_id", "household__number", "pk"))


def compare(a: DepartmentBatch, b: DepartmentBatch, user) -> dict[str, QuerySet[DepartmentRecord]]:
    """What changed from list `a` to list `b` (same source), by ID number, in SQL:
    `added` (rows of b whose ID is not on a), `removed` (rows of a whose ID is not on b) and
    `changed` (rows of b whose ID is on a, where the two lists disagree on the ID's value),
    each row with its `value` and, for `changed`, a's value as `old_value`."""
    field = value_field(b.source)
    rows_a, rows_b = visible_records(a, user), visible_records(b, user)

    def keyed(rows):
        return rows.annotate(key=Coalesce(field, EMPTY[field]))

    def same_id(rows):
        return rows.filter(id_number=OuterRef("id_number"))

    def same_value(rows):
        return keyed(same_id(rows)).filter(key=OuterRef("key"))

    # An ID changed when one of its rows on either list has no row of equal value on the other.
    a_row_gone = keyed(same_id(rows_a)).filter(~Exists(same_value(rows_b)))
    changed = keyed(rows_b).filter(Exists(same_id(rows_a))).filter(~Exists(same_value(rows_a)) | Exists(a_row_gone))
    old_value = same_id(rows_a).order_by("-row_number").values(field)[:1]
    return {
        "added": rows_b.filter(~Exists(same_id(rows_a))).order_by("row_number"),
        "removed": rows_a.filter(~Exists(same_id(rows_b))).order_by("row_number"),
        "changed": changed.annotate(old_value=Subquery(old_value)).order_by("row_number"),
    }
