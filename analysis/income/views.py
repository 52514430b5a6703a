"""收入分析研判 (/analysis/income/): the figures of an area with drill-down, the households behind
each count, the workbook download and the on-demand snapshot. Every role reads its own area;
an area outside it, or a figure that does not exist, is a 404."""

import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import permissions
from households.models import Household
from households.scope import county_of
from trail.models import AuditAction
from trail.services import audit_record

from analysis.income import selectors, services
from analysis.income.workbook import income_workbook_write

NOT_FOUND = "没有可查看的收入分析"


def _area_or_404(request):
    area = selectors.area_in_scope(request.user, request.GET.get("area") or request.POST.get("area"))
    if area is None or not permissions.can_view_income_analysis(request.user, area):
        raise Http404(NOT_FOUND)
    return area


def _year(request) -> int | None:
    return selectors.current_year(county_of(request.user))


@login_required
def income_analysis(request):
    area = _area_or_404(request)
    year = _year(request)
    context = {"area": area, "year": year, "can_download": permissions.can_export_income_analysis(request.user),
               "can_snapshot": permissions.can_compute_analysis(request.user)}
    if year is not None:
        page = selectors.page_analysis(user=request.user, area=area, year=year)
        analysis = page.analysis
        context.update({
            "page": page, "analysis": analysis, "household_count": analysis.total.figures["户数"],
            "overview_columns": selectors.OVERVIEW_COLUMNS, "component_columns": selectors.COMPONENT_TABLE_COLUMNS,
            "overview_rows": [(row.area, selectors.cells(row.figures, selectors.OVERVIEW_COLUMNS))
                              for row in analysis.children],
            "overview_total": selectors.cells(analysis.total.figures, selectors.OVERVIEW_COLUMNS),
            "component_rows": [(row.area, selectors.cells(row.figures, selectors.COMPONENT_TABLE_COLUMNS))
                               for row in analysis.children],
            "component_total": selectors.cells(analysis.total.figures, selectors.COMPONENT_TABLE_COLUMNS),
            "component_chart": selectors.component_chart(analysis.total.figures),
            "counts_chart": selectors.counts_chart(analysis.children or [analysis.total]),
            "trend_chart": selectors.trend(area=area, until=timezone.localdate().replace(day=1)),
            "breadcrumbs": _breadcrumbs(request.user, area),
        })
    return render(request, "analysis/income/income_analysis.html", context)


def _breadcrumbs(user, area):
    chain = []
    while area is not None and permissions.can_view_income_analysis(user, area):
        chain.append(area)
        area = area.parent
    return list(reversed(chain))


@login_required
def income_analysis_households(request):
    area = _area_or_404(request)
    year = _year(request)
    figure = request.GET.get("figure", "")
    if year is None or figure not in selectors.COUNTED:
        raise Http404(NOT_FOUND)
    registry = Household.objects.in_scope(request.user)
    snapshot = selectors.latest_snapshot(area=area, year=year)  # the page's own choice, so the count is the one clicked
    if snapshot is None:
        households = selectors.figure_households(registry=registry, area=area, year=year, figure=figure)
    else:
        households = selectors.snapshot_figure_households(registry=registry, snapshot=snapshot, figure=figure)
    page = Paginator(households, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "analysis/income/households.html", {
        "area": area, "year": year, "figure": figure, "figure_name": selectors.COUNTED[figure], "page": page,
        "snapshot": snapshot,
    })


@login_required
@require_POST
def income_analysis_download(request):
    user = request.user
    if not permissions.can_export_income_analysis(user):
        raise Http404(NOT_FOUND)
    area = selectors.area_in_scope(user, None)
    year = _year(request)
    if area is None or year is None:
        raise Http404(NOT_FOUND)
    analysis = selectors.income_analysis(registry=Household.objects.in_scope(user), area=area, year=year)
    out = tempfile.TemporaryFile(suffix=".xlsx")
    rows = income_workbook_write(analysis=analysis, out=out)
    out.seek(0)
    audit_record(action=AuditAction.EXPORT, request=request, subject=f"收入分析研判 {area.code} {year}年度",
                 detail={"kind": "income_analysis", "area": area.code, "county": area.code[:6], "year": year,
                         "rows": rows})
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(out, as_attachment=True, filename=f"收入分析研判-{area.code}-{year}-{stamp}.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@login_required
@require_POST
def income_analysis_snapshot(request):
    user = request.user
    if not permissions.can_compute_analysis(user):
        raise Http404(NOT_FOUND)
    county = county_of(user)
    rows = services.take_income_snapshot(county=county)
    if rows:
        messages.success(request, f"已生成本月收入分析快照（{rows} 个区划）。")
    else:
        messages.error(request, "未生成快照：请先设置当前年度和监测标准。")
    return redirect(reverse("income_analysis"))
