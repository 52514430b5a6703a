"""One row per household of an area's population, with what the income analysis reads.

The population (operations.md, "Analysis exports"): active households (not 核减) with an
income record for Y and at least one active member. Each row carries its size (current active
members) and its incomes of Y…Y−3 pivoted into whole cents, from two CTEs joined to the
households (one pass over the members, one over the income records), like the rules' base.

pc(y) is net(y) / size with the same size for every year, so pc(Y) < pc(Y−1) is
net(Y) < net(Y−1), and pc(Y) < line is net(Y) < line × size: every comparison is between
integers (cents), exact on PostgreSQL and SQLite alike.
"""

from decimal import Decimal

from django.db.models import Count, Exists, ExpressionWrapper, IntegerField, Max, OuterRef, Q, Value
from django.db.models import Case, F, When
from django.db.models.lookups import GreaterThan
from django.db.models.sql.constants import INNER
from django_cte import CTE, with_cte

from households.choices import MemberStatus
from households.models import AnnualIncome, Household, Member
from households.scope import county_code

from rules.expressions import any_of, decimal_cents, net_cents, ratio, sum_cents

YEARS_BACK = 4  # Y, Y−1, Y−2, Y−3: three years of decline need four records

# The five components: (key, fields added, fields subtracted); transfer is the recorded total.
COMPONENTS = (
    ("wage", ("wage",), ()),
    ("welfare", ("public_welfare_income",), ()),
    ("operating", ("operating_income",), ("operating_expense",)),
    ("property", ("property_income",), ()),
    ("transfer", ("transfer_total",), ()),
)
GROWTH_FACTORS = {"grew30": Decimal("1.3"), "grew50": Decimal("1.5"), "grew100": Decimal("2")}


def _active_in(prefix: str):
    """The ids of the active households under `prefix`, as a subquery: PostgreSQL finds them on
    the partial village index and then reads only their members and incomes."""
    return Household.objects.active().filter(village__code__startswith=prefix).values("pk")


def _county_of(prefix: str) -> dict:
    """The filter on a member's or income record's county (households.models.OfCounty) that the
    area `prefix` lies in; none above a county."""
    return {"county": county_code(prefix)} if len(prefix) >= len("360732") else {}


def _income_summary(*, year: int, prefix: str, components: bool):
    # The county's column as well as the households: with other counties in the database, the
    # planner otherwise scanned every county's incomes and members (4.6 s against 1.7 s alone).
    incomes = AnnualIncome.objects.filter(
        **_county_of(prefix), year__gte=year - YEARS_BACK + 1, year__lte=year, household__in=_active_in(prefix))

    def of_year(back: int, expression):
        return Max(Case(When(year=year - back, then=expression), output_field=IntegerField()))

    columns = {}
    for back in range(YEARS_BACK):
        columns[f"has{back}"] = any_of(Q(year=year - back))
        columns[f"net{back}"] = of_year(back, net_cents(""))
    for key, added, subtracted in COMPONENTS if components else ():
        for back in (0, 1):
            columns[f"{key}{back}"] = of_year(back, sum_cents(list(added), subtract=subtracted))
    return incomes.values("household_id").annotate(**columns).order_by()


def _member_sizes(*, prefix: str):
    return (Member.objects.filter(**_county_of(prefix), status=MemberStatus.NORMAL, household__in=_active_in(prefix))
            .values("household_id").annotate(size=Count("pk")).order_by())


def population(*, registry, prefix: str, year: int, components: bool = True):
    """The population of the area `prefix` among the households of `registry` (a user's
    `Household.objects.in_scope(user)`, or every household for the snapshots), one row per household with
    size, has0…has3, net0…net3 and (with `components`) the components of Y and Y−1 (<key>0, <key>1),
    in cents. django-cte writes WITH RECURSIVE, which PostgreSQL materialises whole: a reader
    that needs no components leaves them out."""
    incomes = CTE(_income_summary(year=year, prefix=prefix, components=components), name="income_pivot")
    sizes = CTE(_member_sizes(prefix=prefix), name="member_sizes")
    households = registry.active().filter(village__code__startswith=prefix)
    households = sizes.join(households, id=sizes.col.household_id, _join_type=INNER)
    households = incomes.join(households, id=incomes.col.household_id, _join_type=INNER)
    columns = {"size": sizes.col.size}
    for back in range(YEARS_BACK):
        columns[f"has{back}"] = getattr(incomes.col, f"has{back}")
        columns[f"net{back}"] = getattr(incomes.col, f"net{back}")
    for key, _added, _subtracted in COMPONENTS if components else ():
        for back in (0, 1):
            columns[f"{key}{back}"] = getattr(incomes.col, f"{key}{back}")
    # A record for Y, as a semi-join rather than a HAVING on the pivot (has0 = 1), which PostgreSQL
    # cannot estimate and answers with a nested loop between the two CTEs. The inner join with
    # member_sizes already keeps only households with an active member.
    recorded = AnnualIncome.objects.filter(household=OuterRef("pk"), year=year)
    households = households.filter(Exists(recorded)).annotate(**columns)
    return with_cte(sizes, incomes, select=households)


def _line_times_size(amount: Decimal):
    return F("size") * Value(decimal_cents(amount))


def _scaled_gt(p: int, q: int) -> Q:
    """pc(Y) > pc(Y−1) × p/q, as net0 × q > net1 × p."""
    return Q(GreaterThan(F("net0") * Value(q), F("net1") * Value(p)))


def conditions(*, monitoring_line: Decimal | None, attention_line: Decimal) -> dict[str, Q]:
    """Each counted figure's condition over a population row, by key."""
    never = Q(pk__isnull=True)
    with_last = Q(has1=1)
    declined = with_last & Q(net0__lt=F("net1"))
    declined2 = declined & Q(has2=1, net1__lt=F("net2"))
    declined3 = declined2 & Q(has3=1, net2__lt=F("net3"))
    found = {
        "households": Q(),
        "declined": declined,
        "declined2": declined2,
        "declined3": declined3,
    }
    for key, factor in GROWTH_FACTORS.items():
        p, q = ratio(factor)
        found[key] = with_last & Q(net1__gt=0) & _scaled_gt(p, q)
    if monitoring_line is None:
        found["below_monitoring"] = found["between_lines"] = never
    else:
        below = Q(net0__lt=_line_times_size(monitoring_line))
        found["below_monitoring"] = below
        found["between_lines"] = (Q(net0__gte=_line_times_size(monitoring_line))
                                  & Q(net0__lt=_line_times_size(attention_line)))
    return found


# The counted figures in bit order (IncomeSnapshotHousehold.figures: bit 1 << i for FIGURE_BITS[i]).
FIGURE_BITS = ("households", "declined", "declined2", "declined3", "grew30", "grew50", "grew100",
               "below_monitoring", "between_lines")


def figure_bit(figure: str) -> int:
    return 1 << FIGURE_BITS.index(figure)


def figure_flags(counted: dict[str, Q]):
    """The figures a population row counts in, as one integer (a bit per figure), from the same
    conditions the figures are counted with."""
    flags = Value(figure_bit("households"))  # every row of the population is one of its 户数
    for figure in FIGURE_BITS[1:]:
        flags = flags + Case(When(counted[figure], then=Value(figure_bit(figure))), default=Value(0))
    return ExpressionWrapper(flags, output_field=IntegerField())
