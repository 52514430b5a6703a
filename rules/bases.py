"""The two bases every rule reads, annotated once per batch.

`household_base` has one row per active household. Its members are aggregated per
household in one pass (the CTE `member_summary`), its incomes of Y…Y−3 pivoted into
columns in another (`income_summary`), its measures of Y counted in a third; each is
LEFT-joined to the households, so a batch reads every table once and the rules'
conditions are plain column comparisons. `member_base` has one row per active member,
joined to its household's heads. Both read the department lists through one LEFT join on
the ID number (`listed_columns`), not one test per list and row. The engine evaluates
every rule of a base in one query and keeps the failing rows.

Column names the catalog reads: size, head_count, head_age; has0…has3 (1 when the
income record of Y−k exists), net0…net3 (纯收入 in cents; pc0…pc3, 人均纯收入 in yuan, for the
messages only), wage0, welfare_income0,
transfer0, transfer1, transfer_parts0, property0, property1, pension0, subsistence0,
extreme_support0, medical0, education0 (cents); any_* member flags (1/0); has_measure;
most_months_worked (the most months any working member worked, NULL without one) and
largest_medical (the largest single amount on the large-medical list of any active member, in
cents, NULL without one): the bases hold values, the rules apply their thresholds to them.
For the families added later: spouse_count, head_gender (the heads' largest gender: the head's
when there is exactly one), labour_count (active 技能/普通劳动力), operating0; has_<risk type>
(1 when the type is among the household's risk types, READ_RISK_TYPES); measure_<type> (1 when
the household has a measure of Y of that type) and measure_not_safety_net; phone_holders (the
active households in the whole database with exactly this phone, this one included). The
member base adds on_extreme_poverty.
"""

from datetime import timedelta

from django.db.models import (
    BooleanField, Case, CharField, Count, Exists, ExpressionWrapper, F, Func, IntegerField, Max, OuterRef, Q, Subquery,
    TextField, Value, When,
)
from django.db.models import Window
from django.db.models.functions import Cast, Coalesce, Lag, Substr
from django.db.models.lookups import Contains, Exact, In, IsNull
from django_cte import CTE, with_cte
from django.db.models.sql.constants import LOUTER

from households.choices import (
    DisabilityGrade,
    Employment,
    Gender,
    Health,
    LabourAbility,
    MeasureType,
    MedicalInsurance,
    MemberStatus,
    Relationship,
    RiskType,
    StudentStatus,
)
from households.expressions import EXPENSE_FIELDS, INCOME_FIELDS, age_on_reference_date, per_capita, reference_date
from households.models import TRANSFER_PARTS, AnnualIncome, AssistanceMeasure, Household, Member
from households import table_stats
from households.scope import county_code

from rules.expressions import UNTYPED, ONE, ZERO, any_of, boolean, cents, net_cents, sum_cents, whole_cents
from rules.models import DepartmentRecord, DepartmentSource
from rules.registry import Parameters

YEARS_BACK = 4  # Y, Y−1, Y−2, Y−3
# the risk types a rule asks about (K, S): one has_<type> column each on the household base
READ_RISK_TYPES = (
    RiskType.ILLNESS, RiskType.DISABILITY, RiskType.SCHOOLING, RiskType.UNSTABLE_WORK, RiskType.NO_LABOUR,
    RiskType.HOUSING, RiskType.DRINKING_WATER,
)
WORKING = Q(employment__in=[e for e in Employment.values if e != Employment.NONE])
HEAD = Q(relationship=Relationship.HEAD)

# income columns: (name, field, years back)
INCOME_COLUMNS = [
    ("wage", "wage", (0,)),
    ("operating", "operating_income", (0,)),
    ("welfare_income", "public_welfare_income", (0,)),
    ("transfer", "transfer_total", (0, 1)),
    ("property", "property_income", (0, 1)),
    ("pension", "pension", (0,)),
    ("subsistence", "subsistence", (0,)),
    ("extreme_support", "extreme_poverty_support", (0,)),
    ("medical", "medical_expense", (0,)),
    ("education", "education_expense", (0,)),
]


def _income_reads(back: int, fields) -> tuple[str, ...]:
    return tuple(f"income{back}.{name}" for name in fields)


# What each computed column of the bases reads, in audits.rule_facts' vocabulary; a column not
# named here is the household's field (household base) or the member's (member base). A rule's
# `reads=` covers what the columns its condition references read (tests/rules/test_rule_reads.py).
COLUMN_READS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("size", "head_count", "head_age", "household_heads"), ("members",)),
    **{f"has{back}": (f"income{back}",) for back in range(YEARS_BACK)},
    **{f"net{back}": _income_reads(back, (*INCOME_FIELDS, *EXPENSE_FIELDS)) for back in range(YEARS_BACK)},
    **{f"{name}{back}": _income_reads(back, (field,)) for name, field, backs in INCOME_COLUMNS for back in backs},
    "transfer_parts0": _income_reads(0, TRANSFER_PARTS),
    "any_worker": ("member.employment",),
    "most_months_worked": ("member.employment", "member.months_worked"),
    "any_aged_60": ("member.birth_date",),
    "any_welfare_job": ("member.public_welfare_job",),
    "any_major_illness": ("member.health",),
    "any_severe_disability": ("member.disability_grade",),
    "any_labour": ("member.labour_ability",),
    "any_dropout": ("member.student_status",),
    "any_uninsured": ("member.medical_insurance",),
    "any_young_dropout": ("member.student_status", "member.birth_date"),
    "any_uninsured_not_newborn": ("member.medical_insurance", "member.birth_date"),
    # the relationships (G), the risk types against the members (K), the measures' effect (L)
    "spouse_count": ("member.relationship",),
    "head_gender": ("members", "member.gender"),
    **dict.fromkeys(("any_male_spouse", "any_female_spouse"), ("member.relationship", "member.gender")),
    "any_disabled": ("member.disability_grade",),
    "any_ill": ("member.health",),
    "any_student": ("member.student_status",),
    "labour_count": ("member.labour_ability",),
    "any_some_labour": ("member.labour_ability",),
    "any_not_without_labour": ("member.labour_ability",),
    **{f"has_{risk}": ("household.risk_types",) for risk in READ_RISK_TYPES},
    **{f"measure_{kind}": ("measures",) for kind in MeasureType.values},
    "measure_not_safety_net": ("measures",),
    "phone_holders": ("household.phone",),
    "risk_types_text": ("household.risk_types",),
    # the department lists, matched on the ID number
    **dict.fromkeys(("any_on_subsistence", "any_on_extreme_poverty", "any_unsafe_house", "largest_medical",
                     "on_deaths", "on_enrolment", "on_extreme_poverty", "on_dropouts", "on_employment", "listed_disability"),
                    ("member.id_number",)),
    "has_measure": ("measures",),  # the household's assistance measures of the year
    "risk": ("risk",),  # the risk coefficient (rules/risk.py), stored per household and year
    "age": ("member.birth_date",),
    **dict.fromkeys(("id_valid", "duplicated", "id_year", "id_month", "id_day", "id_sequence_odd"),
                    ("member.id_number",)),
}


def listed_columns(params: Parameters, name: str, lists: dict[str, str],
                   amounts: dict[str, str] | None = None, household_id: int | None = None) -> CTE | None:
    """Per ID number on any of `lists` ({column: source}): 1/0 per list, and per column of
    `amounts` ({column: source}) the largest amount of its rows in cents (NULL without one), from
    the newest list of each source for the batch's year; None when no source has a list.

    A base LEFT-joins it on the ID number once, instead of one hashed IN test per list and row:
    the department lists are small, the members many.
    """
    flags = {column: params.department_batch(source) for column, source in lists.items()}
    flags = {column: batch_id for column, batch_id in flags.items() if batch_id}
    largest = {column: params.department_batch(source) for column, source in (amounts or {}).items()}
    largest = {column: batch_id for column, batch_id in largest.items() if batch_id}
    if not flags and not largest:
        return None
    records = DepartmentRecord.objects.filter(batch_id__in=sorted({*flags.values(), *largest.values()}))
    if household_id is not None:
        # one household (the re-check): only its members' ID numbers, rather than grouping whole lists
        records = records.filter(id_number__in=Member.objects.filter(household_id=household_id).values("id_number"))
    in_cents = whole_cents(ExpressionWrapper(F("amount"), output_field=UNTYPED))  # NULL stays NULL
    return CTE(records.values("id_number").annotate(
        **{column: any_of(Q(batch_id=batch_id)) for column, batch_id in flags.items()},
        **{column: Max(Case(When(batch_id=batch_id, then=in_cents), output_field=IntegerField()))
           for column, batch_id in largest.items()},
    ).order_by(), name=name)


def on_list(listed: CTE | None, column: str):
    """1 when the row's ID number is on the list behind `column` of `listed`, else 0."""
    if listed is None or column not in listed.query.annotations:
        return ZERO
    return Coalesce(getattr(listed.col, column), ZERO)


def listed_amount(listed: CTE | None, column: str):
    """The amount column of `listed` for the row's ID number (cents), NULL when not listed."""
    if listed is None or column not in listed.query.annotations:
        # Typed in the SQL too: in a CTE PostgreSQL takes a bare NULL for text.
        return Cast(Value(None), output_field=IntegerField())
    return getattr(listed.col, column)


# Above this share of the members (ANALYZE's estimate), a county reads the whole index of ID
# numbers rather than looking each of its IDs up in it.
MOST_OF_THE_MEMBERS = 0.5


class EqualsAnyOf(Func):
    """`column = ANY(ARRAY(subquery))` (PostgreSQL): the subquery's values looked up one by one in
    the column's index. As `IN (subquery)` the planner would hash them and read the whole table."""

    arg_joiner = " = ANY(ARRAY"
    template = "%(expressions)s)"
    output_field = BooleanField()


def repeated_ids(area_prefix: str):
    """ID numbers on more than one member row of any status and household: a small superset of
    `duplicated_ids` for the area's members, from the index on id_number, read without the table.

    When the area's county holds most of the members, by comparing each ID with the previous one
    in ID order (~0.1 s at 100,000 households, where grouping them all took ~0.3 s); otherwise
    (a county among others) by looking up each of the county's IDs, so that a county's batch
    does not read the IDs of the counties beside it."""
    county = county_code(area_prefix)
    share = table_stats.share_of(Member, "county", county)
    if share is None or share > MOST_OF_THE_MEMBERS:
        return (
            Member.objects.exclude(id_number="")
            .annotate(previous_id=Window(Lag("id_number"), order_by=F("id_number").asc()))
            .filter(previous_id=F("id_number"))
            .values("id_number")
            .order_by()
        )
    county_ids = Member.objects.filter(county=county).exclude(id_number="").values("id_number").order_by()
    return (
        Member.objects.filter(EqualsAnyOf(F("id_number"), Subquery(county_ids)))
        .values("id_number").annotate(rows=Count("id_number")).filter(rows__gt=1).values("id_number").order_by()
    )


def duplicated_ids(area_prefix: str):
    """ID numbers of the area's members held by more than one active member of an active
    household, anywhere (with the whole-index read, of any member).

    Counted only among the repeated IDs: a few hundred, each a few index lookups."""
    return (
        Member.objects.filter(status=MemberStatus.NORMAL, household__removed_on__isnull=True,
                              id_number__in=repeated_ids(area_prefix))
        .values("id_number")
        .annotate(holders=Count("pk"))
        .filter(holders__gt=1)
        .values("id_number")
        .order_by()
    )


def _households(area_prefix: str, household_id: int | None):
    households = Household.objects.active().filter(village__code__startswith=area_prefix)
    return households.filter(pk=household_id) if household_id is not None else households


def _active_members(area_prefix: str, household_id: int | None):
    members = Member.objects.filter(
        county=county_code(area_prefix), status=MemberStatus.NORMAL, household__removed_on__isnull=True,
        household__village__code__startswith=area_prefix,
    )
    return members.filter(household_id=household_id) if household_id is not None else members


def whole_age(year: int):
    """Age on the reference date as an integer column.

    The same value as households' `age_on_reference_date`, cast once per member: on PostgreSQL
    EXTRACT returns numeric, and the member rules compare age a dozen times per row.
    """
    return Cast(age_on_reference_date(year), IntegerField())


# the lists the household base reads: column (any_<column>) -> source
HOUSEHOLD_LISTS = {
    "on_subsistence": DepartmentSource.SUBSISTENCE,
    "on_extreme_poverty": DepartmentSource.EXTREME_POVERTY,
    "unsafe_house": DepartmentSource.UNSAFE_HOUSING,
}
# the amounts it reads: column (the largest of the household's active members) -> source
HOUSEHOLD_AMOUNTS = {"largest_medical": DepartmentSource.LARGE_MEDICAL}


MEMBER_LISTS = {
    "on_deaths": DepartmentSource.DEATHS,
    "on_enrolment": DepartmentSource.ENROLMENT,
    "on_dropouts": DepartmentSource.DROPOUTS,
    "on_employment": DepartmentSource.EMPLOYMENT,
    "on_disability": DepartmentSource.DISABILITY,
    "on_extreme_poverty": DepartmentSource.EXTREME_POVERTY,
}

WITHOUT_LABOUR = [LabourAbility.LOST, LabourAbility.NONE]
ABLE = [LabourAbility.SKILLED, LabourAbility.ORDINARY]
DISABLED = [DisabilityGrade.GRADE_1, DisabilityGrade.GRADE_2, DisabilityGrade.GRADE_3, DisabilityGrade.GRADE_4]
STUDYING = [
    StudentStatus.PRESCHOOL, StudentStatus.PRIMARY, StudentStatus.JUNIOR, StudentStatus.SENIOR,
    StudentStatus.VOCATIONAL, StudentStatus.HIGHER_VOCATIONAL, StudentStatus.UNDERGRADUATE, StudentStatus.HOME_TAUGHT,
]
SPOUSE = Q(relationship=Relationship.SPOUSE)


def _summarised(rows, area_prefix: str, household_id: int | None):
    """`rows` (of a county, by their `county` column) narrowed to what a per-household summary of
    the area needs. Each summary is LEFT-joined to the area's active households (the household
    base) or their active members (the member base's heads), which drops the groups of any other
    household: for a whole county the summary need not join the households itself (~0.1–0.2 s
    of a batch at 100,000 households per summary); for a township it does, so as not to group
    the whole county."""
    if household_id is not None:
        return rows.filter(household_id=household_id)
    if area_prefix == county_code(area_prefix):
        return rows
    return rows.filter(household__removed_on__isnull=True, household__village__code__startswith=area_prefix)


def member_summary(params: Parameters, area_prefix: str, household_id: int | None = None):
    """Per household: size, heads, and whether any active member meets each condition (only the
    groups of the area's active households are meaningful: see `_summarised`)."""
    year = params.year
    ref = reference_date(year)
    age = whole_age(year)
    listed = listed_columns(params, "member_lists", HOUSEHOLD_LISTS, HOUSEHOLD_AMOUNTS, household_id)
    members = _summarised(Member.objects.filter(county=county_code(area_prefix), status=MemberStatus.NORMAL),
                          area_prefix, household_id)
    if listed is not None:
        members = listed.join(members, id_number=listed.col.id_number, _join_type=LOUTER)
    members = members.values("household_id").annotate(
        size=Count("pk"),
        head_count=Count("pk", filter=HEAD),
        head_age=Max(age, filter=HEAD),
        any_worker=any_of(WORKING),
        most_months_worked=Max("months_worked", filter=WORKING),
        any_aged_60=any_of(Q(birth_date__lte=ref.replace(year=year - 60))),
        any_welfare_job=any_of(Q(public_welfare_job=True)),
        any_major_illness=any_of(Q(health=Health.MAJOR_ILLNESS)),
        any_severe_disability=any_of(Q(disability_grade__in=[DisabilityGrade.GRADE_1, DisabilityGrade.GRADE_2])),
        any_labour=any_of(Q(labour_ability__in=ABLE)),
        # the relationships (G)
        spouse_count=Count("pk", filter=SPOUSE),
        head_gender=Max("gender", filter=HEAD),  # the head's when there is exactly one (G02 asks for one)
        any_male_spouse=any_of(SPOUSE & Q(gender=Gender.MALE)),
        any_female_spouse=any_of(SPOUSE & Q(gender=Gender.FEMALE)),
        # the risk types against the members (K), the measures' effect (L)
        any_disabled=any_of(Q(disability_grade__in=DISABLED)),
        any_ill=any_of(Q(health__in=[Health.CHRONIC, Health.MAJOR_ILLNESS])),
        any_student=any_of(Q(student_status__in=STUDYING)),
        labour_count=Count("pk", filter=Q(labour_ability__in=ABLE)),
        any_some_labour=any_of(Q(labour_ability__in=[*ABLE, LabourAbility.WEAK])),
        any_not_without_labour=any_of(~Q(labour_ability__in=WITHOUT_LABOUR)),
        any_dropout=any_of(Q(student_status=StudentStatus.DROPOUT)),
        any_uninsured=any_of(Q(medical_insurance=MedicalInsurance.NONE)),
        # A03's and A04's conditions, which R03 reads whether or not those rules are enabled
        any_young_dropout=any_of(Q(student_status=StudentStatus.DROPOUT, birth_date__gt=ref.replace(year=year - 17))),
        any_uninsured_not_newborn=any_of(
            Q(medical_insurance=MedicalInsurance.NONE, birth_date__lte=ref - timedelta(days=90))),
        **{f"any_{column}": Max(on_list(listed, column)) for column in HOUSEHOLD_LISTS},
        **{column: Max(listed_amount(listed, column)) for column in HOUSEHOLD_AMOUNTS},
    ).order_by()
    return with_cte(listed, select=members) if listed is not None else members


def income_summary(params: Parameters, area_prefix: str, household_id: int | None = None):
    """Per household: the income records of Y…Y−3 pivoted into columns, amounts in cents (only the
    groups of the area's active households are meaningful: see `_summarised`)."""
    year = params.year
    incomes = _summarised(AnnualIncome.objects.filter(
        county=county_code(area_prefix), year__gte=year - YEARS_BACK + 1, year__lte=year), area_prefix, household_id)

    def of_year(back: int, expression):
        return Max(Case(When(year=year - back, then=expression), output_field=IntegerField()))

    columns = {}
    for back in range(YEARS_BACK):
        columns[f"has{back}"] = any_of(Q(year=year - back))
        columns[f"net{back}"] = of_year(back, net_cents(""))
    for name, field, backs in INCOME_COLUMNS:
        for back in backs:
            columns[f"{name}{back}"] = of_year(back, cents(F(field)))
    columns["transfer_parts0"] = of_year(0, sum_cents(list(TRANSFER_PARTS)))
    return incomes.values("household_id").annotate(**columns).order_by()


def household_base(*, params: Parameters, area_prefix: str, household_id: int | None = None):
    members = CTE(member_summary(params, area_prefix, household_id), name="member_summary")
    incomes = CTE(income_summary(params, area_prefix, household_id), name="income_summary")
    measures_of_year = AssistanceMeasure.objects.filter(
        county=county_code(area_prefix), year=params.year, household__village__code__startswith=area_prefix)
    if household_id is not None:
        measures_of_year = measures_of_year.filter(household_id=household_id)
    measures = CTE(measures_of_year.values("household_id").annotate(
        n=Count("pk"),
        **{f"measure_{kind}": any_of(Q(measure_type=kind)) for kind in MeasureType.values},
        measure_not_safety_net=any_of(~Q(measure_type=MeasureType.SAFETY_NET)),
    ).order_by(), name="measure_summary")
    households = _households(area_prefix, household_id)
    households = members.join(households, id=members.col.household_id, _join_type=LOUTER)
    households = incomes.join(households, id=incomes.col.household_id, _join_type=LOUTER)
    households = measures.join(households, id=measures.col.household_id, _join_type=LOUTER)
    zero = Value(0)
    columns = {"size": Coalesce(members.col.size, zero), "head_count": Coalesce(members.col.head_count, zero),
               "head_age": members.col.head_age, "head_gender": members.col.head_gender,
               "spouse_count": Coalesce(members.col.spouse_count, zero),
               "labour_count": Coalesce(members.col.labour_count, zero)}
    for name in member_summary(params, area_prefix).query.annotations:
        if name.startswith("any_"):
            columns[name] = Coalesce(getattr(members.col, name), zero)
    for name in ("most_months_worked", *HOUSEHOLD_AMOUNTS):
        columns[name] = getattr(members.col, name)
    for name in income_summary(params, area_prefix).query.annotations:
        columns[name] = Coalesce(getattr(incomes.col, name), zero) if name.startswith("has") else getattr(incomes.col, name)
    for back in range(YEARS_BACK):  # for the messages only: the rules compare net0… over the same size
        columns[f"pc{back}"] = per_capita(F(f"net{back}"), F("size"), cents=True)
    columns["has_measure"] = boolean(Q(measure_count__gt=0))
    for kind in (*MeasureType.values, "not_safety_net"):
        columns[f"measure_{kind}"] = Coalesce(getattr(measures.col, f"measure_{kind}"), zero)
    columns.update(risk_type_columns())
    # for the messages: the list as its JSON text, which a bare cursor and Django read alike
    columns["risk_types_text"] = risk_types_text()
    ctes = [members, incomes, measures]
    if household_id is None:
        # P01: the area's phones held by more than one active household anywhere, LEFT-joined once
        shared = CTE(shared_phones(area_prefix), name="shared_phones")
        households = shared.join(households, phone=shared.col.phone, _join_type=LOUTER)
        ctes.append(shared)
        columns["phone_holders"] = Coalesce(shared.col.holders, Value(1))
    else:
        columns["phone_holders"] = Subquery(
            Household.objects.active().filter(phone=OuterRef("phone")).values("phone")
            .annotate(holders=Count("pk")).values("holders")[:1], output_field=IntegerField())
    return with_cte(*ctes, select=households.annotate(
        measure_count=Coalesce(measures.col.n, zero), **columns))


def risk_types_text():
    """The household's risk types as the JSON text of its list, e.g. ["illness", "housing"]."""
    return Cast("risk_types", output_field=TextField())


class HasRiskType(Func):
    """Whether the household's risk types hold `risk`: the quoted code ("illness") in the list's
    JSON text, where the codes are plain ASCII words, none inside another's quotes. PostgreSQL
    asks the jsonb list itself (`?`, the same answer for a list of codes) rather than printing
    it as text once per type and household (~0.1 s of a batch at 100,000 households)."""

    output_field = BooleanField()

    def __init__(self, risk: str):
        self.risk = risk
        super().__init__(Contains(risk_types_text(), f'"{risk}"'), F("risk_types"))

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.get_source_expressions()[0])

    def as_postgresql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.get_source_expressions()[1])
        return f"({column} ? %s)", [*params, self.risk]


def risk_type_columns() -> dict:
    """has_<risk type>: 1 when the type is one of the household's risk types, else 0."""
    return {f"has_{risk}": Case(When(HasRiskType(risk), then=ONE), default=ZERO, output_field=IntegerField())
            for risk in READ_RISK_TYPES}


def shared_phones(area_prefix: str):
    """The phones of the area's active households that more than one active household in the
    whole database holds, with their count. Only the area's phones are counted (through the
    index on the active households' phones), so a county's batch does not group a whole
    province's households."""
    area_phones = Household.objects.active().filter(village__code__startswith=area_prefix).exclude(phone="")
    return (Household.objects.active().filter(phone__in=area_phones.values("phone")).values("phone")
            .annotate(holders=Count("pk")).filter(holders__gt=1).values("phone", "holders").order_by())


def member_base(*, params: Parameters, area_prefix: str, household_id: int | None = None):
    year = params.year
    # Only the heads are grouped (a third of the members), and LEFT-joined: a household
    # without an active head has household_heads NULL rather than 0, which no rule tells apart
    # (B09 asks for exactly one head; head_age is NULL either way). Only the groups of the
    # area's active households are joined, as with the household base's summaries (`_summarised`).
    active_members = Member.objects.filter(county=county_code(area_prefix), status=MemberStatus.NORMAL)
    heads = CTE(
        _summarised(active_members, area_prefix, household_id).filter(HEAD).values("household_id").annotate(
            head_count=Count("pk"),
            head_age=Max(whole_age(year)),
        ).order_by(),
        name="household_heads",
    )
    members = heads.join(_active_members(area_prefix, household_id), household_id=heads.col.household_id,
                         _join_type=LOUTER)
    listed = listed_columns(params, "department_lists", MEMBER_LISTS, household_id=household_id)
    if listed is not None:
        members = listed.join(members, id_number=listed.col.id_number, _join_type=LOUTER)
    on = {column: boolean(Q(Exact(on_list(listed, column), ONE))) for column in MEMBER_LISTS}
    ctes = [heads, *([listed] if listed is not None else [])]
    if household_id is None:
        # B02 for a batch: the duplicated IDs LEFT-joined once. As a hashed `IN (…)` subplan the
        # planner costed them for a partial read and chose a full index scan of the members.
        duplicates = CTE(duplicated_ids(area_prefix), name="duplicated_ids")
        members = duplicates.join(members, id_number=duplicates.col.id_number, _join_type=LOUTER)
        ctes.append(duplicates)
        duplicated = boolean(Q(IsNull(duplicates.col.id_number, False)))
    else:
        duplicated = _duplicated_in_household()
    return with_cte(*ctes, select=members.annotate(
        age=whole_age(year),
        household_heads=heads.col.head_count,
        head_age=heads.col.head_age,
        id_year=_id_digits(7, 4),
        id_month=_id_digits(11, 2),
        id_day=_id_digits(13, 2),
        id_sequence_odd=_odd_17th_digit(),
        duplicated=duplicated,
        on_deaths=on["on_deaths"],
        on_enrolment=on["on_enrolment"],
        on_dropouts=on["on_dropouts"],
        on_employment=on["on_employment"],
        on_extreme_poverty=on["on_extreme_poverty"],
        listed_disability=_last_listed_value(params, DepartmentSource.DISABILITY, on["on_disability"]),
    ))


def _duplicated_in_household():
    """B02's test for the members of one household: a few index lookups each."""
    others = Member.objects.filter(
        id_number=OuterRef("id_number"), status=MemberStatus.NORMAL, household__removed_on__isnull=True,
    ).exclude(pk=OuterRef("pk"))
    return boolean(~Q(id_number="") & Exists(others))


def _id_digits(start: int, length: int):
    """Digits of a valid ID number as an integer; NULL for an invalid one (never cast garbage)."""
    return Case(When(id_valid=True, then=Cast(Substr("id_number", start, length), IntegerField())),
                output_field=IntegerField())


def _odd_17th_digit():
    """Whether a valid ID number's 17th digit is odd (male); NULL for an invalid one."""
    return Case(
        When(Q(id_valid=True) & Q(In(Substr("id_number", 17, 1), ["1", "3", "5", "7", "9"])), then=Value(True)),
        When(id_valid=True, then=Value(False)),
        output_field=BooleanField(),
    )


def _last_listed_value(params: Parameters, source: str, listed):
    """The value on the last row of the list for this member's ID (rules.md: D05 reads the last row)."""
    batch_id = params.department_batch(source)
    if not batch_id:
        return Value(None, output_field=CharField())
    rows = DepartmentRecord.objects.filter(batch_id=batch_id, id_number=OuterRef("id_number")).order_by("-row_number")
    # Looked up only for IDs on the list (`listed`, from the joined lists): one index lookup per listed one.
    return Case(When(Q(listed), then=Subquery(rows.values("text_value")[:1])), output_field=CharField())
