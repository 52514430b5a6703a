"""The two bases every rule reads, annotated once per batch.

`household_base` has one row per active household: its size, its single active head's
age, four years of income in cents, member aggregates and department-list matches.
`member_base` has one row per active member: age, the household's head, ID-number
parts, duplicates and department-list matches. Both are plain querysets; the engine
adds one flag column per rule and keeps the failing rows.
"""

from datetime import timedelta

from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Window,
)
from django.db.models.functions import Cast, Substr

from households.choices import (
    DisabilityGrade,
    Employment,
    Health,
    LabourAbility,
    MedicalInsurance,
    MemberStatus,
    Relationship,
    StudentStatus,
)
from households.expressions import age_on_reference_date, reference_date
from households.models import AssistanceMeasure, Household, Member, TRANSFER_PARTS

from .expressions import any_of, cents, decimal_cents, net_cents, sum_cents, times
from .models import DepartmentRecord, DepartmentSource
from .registry import Parameters

YEARS_BACK = 4  # Y, Y−1, Y−2, Y−3
WORKING = Q(employment__in=[e for e in Employment.values if e != Employment.NONE])


def listed_ids(params: Parameters, source: str, **conditions):
    """ID numbers on the newest list of `source` for the batch's year (none without a list)."""
    batch_id = params.department_batch(source)
    records = DepartmentRecord.objects.filter(batch_id=batch_id, **conditions) if batch_id else DepartmentRecord.objects.none()
    return records.values("id_number")


def duplicated_ids():
    """ID numbers held by more than one active member of an active household, anywhere."""
    return (
        Member.objects.filter(status=MemberStatus.NORMAL, household__removed_on__isnull=True)
        .exclude(id_number="")
        .values("id_number")
        .annotate(holders=Count("pk"))
        .filter(holders__gt=1)
        .values("id_number")
    )


def _member(condition: Q, prefix: str = "members__") -> Q:
    """Rewrite a member condition to reach members through the household's join."""
    def rewrite(node):
        if isinstance(node, Q):
            clone = Q(*[rewrite(child) for child in node.children], _connector=node.connector, _negated=node.negated)
            return clone
        key, value = node
        return (prefix + key, value)
    return rewrite(condition)


def household_base(*, params: Parameters, area_prefix: str):
    year = params.year
    ref = reference_date(year)
    households = Household.objects.active().filter(village__code__startswith=area_prefix)
    for back in range(YEARS_BACK):
        households = households.annotate(
            **{f"inc{back}": FilteredRelation("incomes", condition=Q(incomes__year=year - back))}
        )
    active = Q(members__status=MemberStatus.NORMAL)
    age = age_on_reference_date(year, "members__birth_date")

    def anyone(condition: Q):
        return any_of(active & _member(condition))

    aggregates = {
        "size": Count("members", filter=active),
        "head_count": Count("members", filter=active & Q(members__relationship=Relationship.HEAD)),
        "head_age": Max(age, filter=active & Q(members__relationship=Relationship.HEAD)),
        "any_worker": anyone(WORKING),
        "any_worker_long": anyone(WORKING & Q(months_worked__gte=int(params.min_months_for_wage))),
        "any_aged_60": any_of(active & Q(members__birth_date__lte=ref.replace(year=year - 60))),
        "any_welfare_job": anyone(Q(public_welfare_job=True)),
        "any_major_illness": anyone(Q(health=Health.MAJOR_ILLNESS)),
        "any_severe_disability": anyone(Q(disability_grade__in=[DisabilityGrade.GRADE_1, DisabilityGrade.GRADE_2])),
        "any_labour": anyone(Q(labour_ability__in=[LabourAbility.SKILLED, LabourAbility.ORDINARY])),
        "any_dropout": anyone(Q(student_status=StudentStatus.DROPOUT)),
        "any_uninsured": anyone(Q(medical_insurance=MedicalInsurance.NONE)),
        "any_young_dropout": any_of(
            active & Q(members__student_status=StudentStatus.DROPOUT,
                       members__birth_date__gt=ref.replace(year=year - 17))
        ),
        "any_uninsured_not_newborn": any_of(
            active & Q(members__medical_insurance=MedicalInsurance.NONE,
                       members__birth_date__lte=ref - timedelta(days=90))
        ),
        "any_on_subsistence": anyone(Q(id_number__in=listed_ids(params, DepartmentSource.SUBSISTENCE))),
        "any_on_extreme_poverty": anyone(Q(id_number__in=listed_ids(params, DepartmentSource.EXTREME_POVERTY))),
        "any_large_medical": anyone(Q(id_number__in=listed_ids(
            params, DepartmentSource.LARGE_MEDICAL, amount__gte=params.large_medical_expense))),
        "any_unsafe_house": anyone(Q(id_number__in=listed_ids(params, DepartmentSource.UNSAFE_HOUSING))),
    }
    for back in range(YEARS_BACK):
        prefix = f"inc{back}__"
        aggregates[f"has{back}"] = any_of(Q(**{f"inc{back}__id__isnull": False}))
        aggregates[f"net{back}"] = Max(net_cents(prefix))
    for name, source, backs in [
        ("wage", "wage", (0,)),
        ("welfare_income", "public_welfare_income", (0,)),
        ("transfer", "transfer_total", (0, 1)),
        ("property", "property_income", (0, 1)),
        ("pension", "pension", (0,)),
        ("subsistence", "subsistence", (0,)),
        ("extreme_support", "extreme_poverty_support", (0,)),
        ("medical", "medical_expense", (0,)),
        ("education", "education_expense", (0,)),
    ]:
        for back in backs:
            aggregates[f"{name}{back}"] = Max(cents(F(f"inc{back}__{source}")))
    aggregates["transfer_parts0"] = Max(sum_cents([f"inc0__{part}" for part in TRANSFER_PARTS]))

    measures = AssistanceMeasure.objects.filter(household=OuterRef("pk"), year=year)
    return households.annotate(**aggregates).annotate(has_measure=Exists(measures))


def member_base(*, params: Parameters, area_prefix: str):
    year = params.year
    head = Q(relationship=Relationship.HEAD)
    by_household = {"partition_by": F("household_id")}
    members = Member.objects.filter(
        status=MemberStatus.NORMAL,
        household__removed_on__isnull=True,
        household__village__code__startswith=area_prefix,
    ).annotate(
        age=age_on_reference_date(year),
        household_heads=Window(Sum(any_of_row(head)), **by_household),
        head_age=Window(Max(_head_age(year)), **by_household),
        id_year=_id_digits(7, 4),
        id_month=_id_digits(11, 2),
        id_day=_id_digits(13, 2),
        id_sequence_odd=_odd_17th_digit(),
        duplicated=Q(id_number__in=duplicated_ids()),
        on_deaths=Q(id_number__in=listed_ids(params, DepartmentSource.DEATHS)),
        on_enrolment=Q(id_number__in=listed_ids(params, DepartmentSource.ENROLMENT)),
        on_dropouts=Q(id_number__in=listed_ids(params, DepartmentSource.DROPOUTS)),
        on_employment=Q(id_number__in=listed_ids(params, DepartmentSource.EMPLOYMENT)),
        listed_disability=_last_listed_value(params, DepartmentSource.DISABILITY),
    )
    return members


def any_of_row(condition: Q):
    from .expressions import flag

    return flag(condition)


def _head_age(year: int):
    from django.db.models import Case, When

    return Case(When(relationship=Relationship.HEAD, then=age_on_reference_date(year)), output_field=IntegerField())


def _id_digits(start: int, length: int):
    """Digits of a valid ID number as an integer; NULL for an invalid one (never cast garbage)."""
    from django.db.models import Case, When

    return Case(
        When(id_valid=True, then=Cast(Substr("id_number", start, length), IntegerField())),
        output_field=IntegerField(),
    )


def _odd_17th_digit():
    from django.db.models import Case, Value, When

    from django.db.models import BooleanField

    return Case(
        When(Q(id_valid=True) & Q(**{"id_number__regex": r"^.{16}[13579]"}), then=Value(True)),
        When(id_valid=True, then=Value(False)),
        output_field=BooleanField(),
    )


def _last_listed_value(params: Parameters, source: str):
    """The value on the last row of the list for this member's ID (rules.md: D05 reads the last row)."""
    batch_id = params.department_batch(source)
    if not batch_id:
        from django.db.models import CharField, Value

        return Value(None, output_field=CharField())
    rows = DepartmentRecord.objects.filter(batch_id=batch_id, id_number=OuterRef("id_number")).order_by("-row_number")
    return Subquery(rows.values("text_value")[:1])


__all__ = ["household_base", "member_base", "times", "decimal_cents"]
