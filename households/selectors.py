"""Reads of the registry for the screens; every one starts from `in_scope(user)`."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Prefetch, Q

from households import list_extensions
from households.choices import HouseholdType, MemberStatus, RiskStatus
from households.models import AnnualIncome, Area, AssistanceMeasure, Household, Member, YearParameters
from households.scope import scope_prefix


def year_in_force(county: str | None) -> YearParameters | None:
    """YearParameters.current(county), read with the county settings other apps registered for
    the lists' annotations (list_extensions.year_with_settings): one query for both."""
    if not county:
        return None
    years = list_extensions.year_with_settings(YearParameters.objects.filter(county=county))
    return years.filter(is_current=True).first() or years.first()


def household_list(*, user, year: int | None, county: str | None = None, settings=None):
    """Active households in scope, with the columns of the list page annotated (those other apps
    registered too, list_extensions: `county`'s settings decide them; `settings`, the year read by
    `year_in_force`, saves their reading them again)."""
    households = _list_columns(year).in_scope(user)
    households = list_extensions.annotate(households, county=county, year=year, settings=settings)
    return households.order_by("number")


# Building the annotated queryset (three correlated subqueries) was a sixth of the list's CPU;
# it depends only on the year, so each process builds it once per year. Never evaluated: every
# caller gets a clone (`.all()`), filtered by scope.
_LIST_COLUMNS: dict = {}


def _list_columns(year: int | None):
    households = _LIST_COLUMNS.get(year)
    if households is None:
        households = (
            Household.objects.active()
            .select_related("village", "village__parent")
            .with_head()
            .with_size()
        )
        if year is not None:
            households = households.with_income(year)
        if len(_LIST_COLUMNS) >= 32:
            _LIST_COLUMNS.clear()
        _LIST_COLUMNS[year] = households
    return households.all()


@dataclass(frozen=True)
class ListCount:
    """How many households a list shows, and how that number was obtained."""

    value: int
    counted_now: bool  # False: a count of at most settings.LIST_COUNT_CACHE_SECONDS ago


def household_list_count(households, *, user, year: int | None, params: dict) -> ListCount:
    """The number of rows of `households` (the list's filtered queryset), without counting a
    whole county on every request.

    Up to settings.LIST_EXACT_COUNT_LIMIT rows are counted exactly on every request: the count
    stops after one more row (a LIMIT inside the COUNT), so it costs what a small set costs
    (only large sets are kept, so a small one is never read from the cache).
    A larger set is counted exactly once and the number kept in the cache for
    settings.LIST_COUNT_CACHE_SECONDS, keyed by the user's scope, the year and the filters
    (`params`, the query string without page and sort): the page of 100,000 households shows
    a count at most that old instead of scanning the county for each page turned.
    """
    filters = sorted((key, value) for key, values in params.lists()
                     if key not in ("page", "sort") for value in values if value)
    digest = hashlib.sha256(repr((scope_prefix(user), year, filters)).encode()).hexdigest()[:32]
    key = f"household-list-count:{digest}"
    cached = cache.get(key)
    if cached is not None:
        return ListCount(cached, counted_now=False)
    limit = settings.LIST_EXACT_COUNT_LIMIT
    rows = households.order_by().values("pk")
    bounded = rows[: limit + 1].count()
    if bounded <= limit:
        return ListCount(bounded, counted_now=True)
    value = rows.count()
    cache.set(key, value, timeout=settings.LIST_COUNT_CACHE_SECONDS)
    return ListCount(value, counted_now=True)


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
