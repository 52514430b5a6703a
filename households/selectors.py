"""Reads of the registry for the screens; every one starts from `in_scope(user)`."""

import hashlib
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Prefetch, Q
from django_filters.constants import EMPTY_VALUES

from households import list_extensions
from households.compiled import EXACT, STARTSWITH, CompiledQuery, NotBindable, stand_in
from households.choices import HouseholdType, MemberStatus, RiskStatus
from households.models import AnnualIncome, Area, AssistanceMeasure, Household, Member, YearParameters
from households.scope import scope_prefix


def year_in_force(county: str | None) -> YearParameters | None:
    """YearParameters.current(county), read with the county settings other apps registered for
    the lists' annotations (list_extensions.year_with_settings): one query for both."""
    if not county:
        return None
    statement = _YEAR_STATEMENTS.get(connection.alias)
    if statement is None:
        # The current year, else the newest (YearParameters.current): one row in that order.
        years = YearParameters.objects.filter(county=stand_in("county")).order_by("-is_current", "-year")
        statement = CompiledQuery(list_extensions.year_with_settings(years), {"county": EXACT})
        _YEAR_STATEMENTS[connection.alias] = statement
    rows = statement.rows({"county": county}, limit=1, offset=0)
    return rows[0] if rows else None


# Compiling the year's query with the registered settings' subqueries was a tenth of the list's
# CPU: compiled once per process and database, the county bound (households.compiled).
_YEAR_STATEMENTS: dict[str, CompiledQuery] = {}


def household_list(*, user, year: int | None, county: str | None = None, settings=None):
    """Active households in scope, with the columns of the list page annotated (those other apps
    registered too, list_extensions: `county`'s settings decide them; `settings`, the year read by
    `year_in_force`, saves their reading them again)."""
    households = _list_columns(year).in_scope(user)
    if county is not None:
        # The same rows (a household's county is its village's), read through the county's part
        # of the (county, number) and (county, village, number) indexes: with other counties in
        # the database, a page sorted by number descending walked theirs first (0.7 s).
        households = households.filter(county=county)
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


class HouseholdRows:
    """The list's households in `user`'s scope filtered by `filterset`, as the Paginator slices them (`rows[bottom:top]`, a page of
    model instances with `fields` loaded) and the count reads them (`count(at_most=…)`).

    Most requests read them through statements compiled once per process and shape
    (households.compiled): the year, the county and its settings, the filters other than those
    bound and their values, the sort. The user's scope (through `in_scope`, as every read), the
    search text and the chosen township or village are bound into each run. A shape the statements
    cannot take (no year, no scope, a search by ID number) reads `queryset`, as Django compiles it."""

    def __init__(self, filterset, *, user, year: int | None, county: str | None, settings, fields: tuple[str, ...]):
        self.fields = fields
        self.statements = None
        cleaned = {}
        if filterset.is_bound:  # validated: an invalid filter is left out, as django-filter's qs does
            filterset.form.is_valid()
            cleaned = filterset.form.cleaned_data
        self.cleaned, self.filterset = cleaned, filterset
        self._list_arguments = {"user": user, "year": year, "county": county, "settings": settings}
        prefix = scope_prefix(user)
        if prefix is None or year is None or settings is None or not prefix.isdigit():
            return
        values, built_with, shape = {"scope": prefix}, {}, []
        for name, value in cleaned.items():
            if value in EMPTY_VALUES:
                continue
            if name in filterset.BOUND_LOOKUPS:
                bound = filterset.bound_value(name, value)
                if bound is None:
                    return
                values[name], built_with[name] = bound, stand_in(name)
                shape.append((name, "bound"))
            else:
                shape.append((name, repr(value)))
        key = (connection.alias, year, county, _settings_key(settings), tuple(sorted(shape)), fields)
        statements = _PAGE_STATEMENTS.get(key)
        if statements is None:
            households = household_list(user=_ScopeStandIn(), year=year, county=county, settings=settings)
            households = self._filtered(households, {**cleaned, **built_with})
            lookups = {"scope": STARTSWITH, **{name: filterset.BOUND_LOOKUPS[name] for name in built_with}}
            try:
                statements = (CompiledQuery(households.only(*fields), lookups),
                              CompiledQuery(households.order_by().values("pk"), lookups))
            except NotBindable:
                return
            if len(_PAGE_STATEMENTS) >= 256:
                _PAGE_STATEMENTS.clear()
            _PAGE_STATEMENTS[key] = statements
        self.statements, self.values = statements, values

    def _filtered(self, households, cleaned: dict):
        return self.filterset.filter_with(households, cleaned) if self.filterset.is_bound else households

    @cached_property
    def queryset(self):
        """The rows as Django compiles them (what django-filter's `qs` was)."""
        return self._filtered(household_list(**self._list_arguments), self.cleaned)

    def __getitem__(self, bounds: slice) -> list[Household]:
        if bounds.stop <= bounds.start:
            return []  # as a queryset sliced empty: no query
        if self.statements is None:
            return list(self.queryset.only(*self.fields)[bounds])
        return self.statements[0].rows(self.values, limit=bounds.stop - bounds.start, offset=bounds.start)

    def count(self, *, at_most: int | None = None) -> int:
        if self.statements is None:
            rows = self.queryset.order_by().values("pk")
            return (rows[:at_most] if at_most is not None else rows).count()
        return self.statements[1].count(self.values, at_most=at_most)


# The list's statements by shape (HouseholdRows); a crafted query string cannot grow it without bound.
_PAGE_STATEMENTS: dict = {}


class _ScopeStandIn:
    """A signed-in user whose area is the stand-in: the statements are built through `in_scope`
    as any user's list, and the user's own area is bound into each run."""

    is_authenticated = True
    is_active = True
    role = "stand-in"
    area_id = stand_in("scope")


def _settings_key(settings) -> tuple:
    """Everything the year's row holds (its fields and the registered county settings): the
    annotations take their lines from it."""
    return tuple(sorted((name, repr(value)) for name, value in vars(settings).items() if not name.startswith("_")))


@dataclass(frozen=True)
class ListCount:
    """How many households a list shows, and how that number was obtained."""

    value: int
    counted_now: bool  # False: a count of at most settings.LIST_COUNT_CACHE_SECONDS ago


def household_list_count(rows, *, user, year: int | None, params: dict) -> ListCount:
    """The number of rows of `households` (the list's filtered queryset), without counting a
    whole county on every request.

    Up to settings.LIST_EXACT_COUNT_LIMIT rows are counted exactly on every request: the count
    stops after one more row (a LIMIT inside the COUNT), so it costs what a small set costs
    (only large sets are kept, so a small one is never read from the cache). `rows`: the list's
    `HouseholdRows`.
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
    bounded = rows.count(at_most=limit + 1)
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
