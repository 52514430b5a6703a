"""Derived values of the registry, defined once as query expressions.

Pages and the rules engine both annotate with these, so a per-capita income on a
screen and in a rule can never disagree.
"""

import datetime
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear, NullIf

from households import models as household_models  # a module: models.py imports this one back
from households.choices import MemberStatus

MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)

INCOME_FIELDS = (
    "wage",
    "public_welfare_income",
    "operating_income",
    "property_income",
    "transfer_total",
)
EXPENSE_FIELDS = ("operating_expense",)


def reference_date(year: int) -> datetime.date:
    """States (age, health, schooling) are taken on 30 September of the assessment year."""
    return datetime.date(year, 9, 30)


def assessment_year(day: datetime.date) -> int:
    """The assessment year `day` falls in: year Y runs from 1 October of Y−1 to 30 September of Y."""
    return day.year + (day.month >= 10)


def shown_age_of(born: datetime.date, year: int) -> int:
    """`shown_age` of a birth date that is not (yet) a row, such as a form's: the same whole years
    on 30 September of `year`, 0 for a child born after it. tests/households/test_models.py holds
    the two to the same table."""
    if born > reference_date(year):
        return 0
    return year - born.year - (born.month >= 10)


def age_on_reference_date(year: int, birth_date: str = "birth_date"):
    """Whole years of age on 30 September of `year`; NULL without a birth date.

    Someone born in October or later has not had this year's birthday by 30 September.
    """
    return ExpressionWrapper(
        Value(year)
        - ExtractYear(birth_date)
        - Case(When(**{f"{birth_date}__month__gte": 10}, then=Value(1)), default=Value(0)),
        output_field=IntegerField(),
    )


def shown_age(year: int, birth_date: str = "birth_date"):
    """The age pages show: `age_on_reference_date`, but 0 for a child born after the reference date.

    The rules read the whole-year age as it is (rules.md: such a child is −1 to them, which keeps
    B09's whole-year difference to the head exact); a screen shows it as 0, 未满1岁.
    """
    return Case(
        When(**{f"{birth_date}__gt": reference_date(year)}, then=Value(0)),
        default=age_on_reference_date(year, birth_date),
        output_field=IntegerField(),
    )


def amount(field: str, prefix: str = ""):
    """An income amount where an empty cell counts as 0."""
    return Coalesce(F(f"{prefix}{field}"), ZERO, output_field=MONEY)


def net_income(prefix: str = ""):
    """纯收入 = wage + public-welfare job + operating − operating expenses + property + transfer."""
    total = amount(INCOME_FIELDS[0], prefix)
    for field in INCOME_FIELDS[1:]:
        total = total + amount(field, prefix)
    for field in EXPENSE_FIELDS:
        total = total - amount(field, prefix)
    return ExpressionWrapper(total, output_field=MONEY)


def active_member_count(household=OuterRef("pk")):
    """The household size: members with status 正常, as a subquery on a household reference."""
    counted = (
        household_models.Member.objects.filter(household=household, status=MemberStatus.NORMAL)
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class _Dividend(Func):
    """A number about to be divided, as a number that keeps the fraction of the quotient.

    SQLite divides integers as integers (a net income of 3001 yuan stored as the integer 3001,
    over 3 members, gives 1000) and Django's CAST(… AS NUMERIC) keeps an integral value an
    integer: the dividend becomes a REAL there (the result is read back to 15 significant
    digits, far finer than a cent). PostgreSQL divides numerics exactly; whole cents (a bigint)
    become a numeric first. Typed as a float for Django's sake only, so that SQLite's NUMERIC
    cast is not wrapped around it.
    """

    template = "CAST(%(expressions)s AS NUMERIC)"
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="CAST(%(expressions)s AS REAL)", **extra_context)


def per_capita(net, size, *, cents: bool = False):
    """Net income over household size (人均纯收入, in yuan); NULL when the household has nobody
    active or `net` is NULL. With `cents`, `net` is whole cents (the rules engine's sums)."""
    divisor = NullIf(size, Value(0))
    if cents:
        divisor = divisor * Value(100)
    return ExpressionWrapper(_Dividend(net) / divisor, output_field=MONEY)
