from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from households import list_extensions, list_rows, panels, selectors, services
from households.changes import selectors as change_selectors
from households.changes.history import household_timeline
from households.filters import SORT_LABELS, HouseholdFilter
from households.choices import Relationship
from households.models import Household, YearParameters
from households.scope import county_of


def _household_or_404(user, number: str) -> Household:
    params = YearParameters.current(county_of(user))
    try:
        return selectors.household_detail(
            user=user, number=number, year=params.year if params else None
        )
    except Household.DoesNotExist:
        raise Http404("该户不存在或不在您的管辖范围内") from None


@login_required
def household_list(request):
    county = county_of(request.user)
    params = selectors.year_in_force(county)
    year = params.year if params else None
    # The rows are read by `rows` (households.selectors.HouseholdRows), in scope; the filter set
    # gives the form and its filters, never a queryset of its own.
    filterset = HouseholdFilter(request.GET or None, queryset=Household.objects.none(), user=request.user)
    rows = selectors.HouseholdRows(filterset, user=request.user, year=year, county=county, settings=params,
                                   fields=list_rows.FIELDS)
    count = selectors.household_list_count(rows, user=request.user, year=year, params=request.GET)
    paginator = Paginator(rows, settings.PAGE_SIZE)
    paginator.count = count.value  # the paginator would otherwise count the rows itself
    page = paginator.get_page(request.GET.get("page"))
    extra_columns = list_extensions.columns()
    households = list(page.object_list)
    rows = list_rows.household_rows(
        households, cells=[[column.cell(household) for column in extra_columns] for household in households],
        monitoring_line=params.monitoring_line if params else None, village_clerk=request.user.is_village_clerk,
    )
    return render(
        request,
        "households/household_list.html",
        {
            "filter": filterset,
            "page": page,
            "count": count,
            "count_cache_seconds": settings.LIST_COUNT_CACHE_SECONDS,
            "params": params,
            "sort": request.GET.get("sort", "number"),
            "sort_labels": SORT_LABELS,
            "sort_headers": list_rows.sort_headers(request.GET, request.GET.get("sort", "number")),
            "extra_columns": extra_columns,
            "rows": mark_safe("".join(rows)),  # the table's <tr>s (households.list_rows), each escaped
            "pagination": list_rows.pagination(request.GET, page),
        },
    )


@login_required
def household_detail(request, number):
    household = _household_or_404(request.user, number)
    context = _detail_context(household, request.user)
    context["panels"] = panels.household_panels(request, household)
    return render(request, "households/household_detail.html", context)


@login_required
@require_POST
def household_reveal(request, number):
    """Show one masked value in full to a user in scope, and log that they saw it."""
    household = _household_or_404(request.user, number)
    try:
        revealed = services.household_reveal(
            request=request, household=household,
            field=request.POST.get("field", ""), member_id=request.POST.get("member"),
        )
    except services.NothingToReveal:
        raise Http404("没有可显示的信息") from None
    if request.htmx:
        return render(request, "households/_revealed.html", {"revealed": revealed})
    context = _detail_context(household, request.user)
    context["panels"] = panels.household_panels(request, household)
    context["revealed"] = {revealed.key: revealed.value}
    return render(request, "households/household_detail.html", context)


def _detail_context(household: Household, user) -> dict:
    county = household.county_code
    lines = selectors.monitoring_lines(county)
    incomes = [
        (income, lines.get(income.year)) for income in household.incomes.all()
    ]
    members = list(household.members.all())
    active_members = [m for m in members if m.is_active]
    heads = [m for m in active_members if m.relationship == Relationship.HEAD]
    params = YearParameters.current(county)
    risk = household.risk_scores.filter(year=params.year).first() if params else None
    return {
        "risk": risk,
        "household_columns": list_extensions.columns(),
        "open_tickets": household.tickets.unclosed().select_related("member").order_by("rule_id"),
        "household": household,
        "members": members,
        "active_members": active_members,
        "head_name": heads[0].name if len(heads) == 1 else "",
        "incomes": incomes,
        "measures": household.measures.all(),
        "params": params,
        "revealed": {},
        "timeline": household_timeline(household=household),
        "pending_changes": change_selectors.pending_for_household(user=user, household=household),
        "can_propose_change": user.can.submit_change(household) and not household.is_removed,
    }
