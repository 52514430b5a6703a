"""Reads of the registry for the screens; every one starts from `in_scope(user)`."""

from django.db.models import Count, Prefetch, Q

from households import list_extensions
from households.choices import HouseholdType, MemberStatus, RiskStatus
from households.models import AnnualIncome, Area, AssistanceMeasure, Household, Member, YearParameters


def household_list(*, user, year: int | None, county: str | None = None):
    """Active households in scope, with the columns of the list page annotated (those other apps
    registered too, list_extensions: `county`'s settings decide them)."""
    households = (
        Household.objects.in_scope(user)
        .active()
        .select_related("village", "village__parent")
        .with_head()
        .with_size()
    )
    if year is not None:
        households = households.with_income(year)
    households = list_extensions.annotate(households, county=county, year=year)
    return households.order_by("number")


def household_detail(*, user, number: str, year: int | None) -> Household:
    """One household in scope with everything its page shows; raises Household.DoesNotExist.

    Members carry their age on the reference date of `year` (None without a current year).
    """
    incomes = AnnualIncome.objects.with_per_capita().order_by("-year")
    members = Member.objects.order_by("pk")
    if year is not None:
        members = members.with_age(year)
    return (
        Household.objects.in_scope(user)
        .select_related("village", "village__parent", "village__parent__parent")
        .prefetch_related(
            Prefetch("members", queryset=members),
            Prefetch("incomes", queryset=incomes),
            Prefetch("measures", queryset=AssistanceMeasure.objects.select_related("recorded_by")),
        )
        .get(number=number)
    )


def monitoring_lines(county: str) -> dict[int, YearParameters]:
    """The county's yearly lines, by year."""
    return YearParameters.lines(county)


def area_summary(*, user, level: str):
    """Per child area of the user's area: household counts by type and monitoring status."""
    active = Q(households__removed_on__isnull=True)
    return (
        Area.objects.in_scope(user)
        .filter(level=level)
        .annotate(
            household_count=Count("households", filter=active),
            alleviated_count=Count(
                "households", filter=active & Q(households__household_type=HouseholdType.ALLEVIATED)
            ),
            monitored_count=Count("households", filter=active & ~Q(households__monitoring_type="")),
            unresolved_count=Count(
                "households", filter=active & Q(households__risk_status=RiskStatus.UNRESOLVED)
            ),
        )
        .order_by("code")
    )


def township_summary(*, user):
    """Per township: household counts, through the villages (townships hold no households directly)."""
    active = Q(children__households__removed_on__isnull=True)
    return (
        Area.objects.in_scope(user)
        .townships()
        .annotate(
            household_count=Count("children__households", filter=active),
            monitored_count=Count(
                "children__households", filter=active & ~Q(children__households__monitoring_type="")
            ),
            unresolved_count=Count(
                "children__households",
                filter=active & Q(children__households__risk_status=RiskStatus.UNRESOLVED),
            ),
        )
        .order_by("code")
    )


def registry_totals(*, user) -> dict:
    households = Household.objects.in_scope(user).active()
    totals = households.aggregate(
        households=Count("pk"),
        alleviated=Count("pk", filter=Q(household_type=HouseholdType.ALLEVIATED)),
        monitored=Count("pk", filter=~Q(monitoring_type="")),
        unresolved=Count("pk", filter=Q(risk_status=RiskStatus.UNRESOLVED)),
    )
    totals["members"] = (
        Member.objects.in_scope(user)
        .filter(status=MemberStatus.NORMAL, household__removed_on__isnull=True)
        .count()
    )
    return totals
