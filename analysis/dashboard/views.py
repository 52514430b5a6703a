"""数据看板 (/dashboard/): every role's figures over its own area."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from accounts import permissions

from analysis.dashboard import selectors


@login_required
def dashboard(request):
    if not permissions.can_view_dashboard(request.user):
        raise Http404("没有可查看的数据看板")
    figures = selectors.dashboard(user=request.user)
    return render(request, "analysis/dashboard/dashboard.html", {
        **figures, "charts": selectors.chart_data(figures)})
