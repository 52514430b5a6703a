"""防贫监测一张图 (/analysis/map/) and 收入异常值 (/analysis/outliers/).

Both read the user's area only; a township or village asked for outside it is a 404, and so is
a role that may not see the map (accounts.permissions.can_view_map).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from accounts import permissions
from households.scope import county_of
from rules.colours import assessment_year
from rules.parameters import current_values

from analysis.map import outliers, selectors
from analysis.map.filters import LIST_PARAMETERS, MapFilter, OutlierFilterForm, outside_area

NOT_FOUND = "没有可查看的地图"


def _guard(request) -> None:
    if not permissions.can_view_map(request.user) or outside_area(request.user, request.GET):
        raise Http404(NOT_FOUND)


@login_required
def household_map(request):
    _guard(request)
    user = request.user
    county = county_of(user)
    year = assessment_year(county)
    households = selectors.map_households(user=user, county=county, year=year)
    filterset = MapFilter(request.GET or None, queryset=households, user=user)
    data = selectors.household_map(households=filterset.qs, county=county, year=year)
    kept = {name: request.GET[name] for name in LIST_PARAMETERS if request.GET.get(name)}
    without_village = {k: v for k, v in kept.items() if k != "village"}
    # A village's map: the same filters, that village (the link appends its code).
    village_url = reverse("household_map") + "?" + urlencode(without_village) + ("&" if without_village else "")
    missing_query = urlencode({**without_village, "located": "no"})
    return render(request, "analysis/map/household_map.html", {
        "filter": filterset,
        "map": data,
        "chart": data.chart(household_url=reverse("household_detail", args=["NUMBER"]), village_url=village_url),
        "colours": [(c, data.by_colour[c]) for c in selectors.COLOURS],
        "bands": selectors.VILLAGE_BANDS,
        "limit": selectors.POINT_LIMIT,
        "missing_query": missing_query,
        "village_url": village_url,
        "list_query": urlencode(kept),
        "year": year,
        "filtered": bool(kept),
    })


@login_required
def income_outliers(request):
    _guard(request)
    user = request.user
    county = county_of(user)
    year = assessment_year(county)
    form = OutlierFilterForm(request.GET or None, user=user)
    filters = form.filters
    limit = current_values(county)["outlier_score_limit"]
    context = {"form": form, "filters": filters, "year": year, "limit": limit,
               "can_record_clue": permissions.can_record_clue(user)}
    if year is None:
        return render(request, "analysis/map/income_outliers.html", context)
    snapshot = outliers.snapshot_for(county=county, year=year, limit=limit)
    rows, skipped = outliers.listed(snapshot, user=user, township=filters.get("township", ""),
                                    village=filters.get("village", ""), component=filters.get("component", ""))
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = [outliers.Outlier(*row) for row in page.object_list]
    heads = outliers.head_names(page.object_list)
    names = outliers.village_names([r.village_id for r in page.object_list] + [s.village_id for s in skipped])
    context.update({
        "snapshot": snapshot,
        "page": page,
        "rows": [(row, heads.get(row.household_id) or "", names.get(row.village_id, ("", row.village_id)))
                 for row in page.object_list],
        "skipped": [(s, names.get(s.village_id, ("", s.village_id))) for s in skipped],
        "components": outliers.COMPONENTS,
    })
    return render(request, "analysis/map/income_outliers.html", context)
