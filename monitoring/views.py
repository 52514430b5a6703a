"""The project's own pages: each role's home page (it reads every app) and the health check."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from accounts.roles import Role
from audits import selectors as ticket_selectors
from households import selectors
from households.changes import selectors as change_selectors
from households.choices import AreaLevel
from households.models import YearParameters
from households.scope import county_of
from monitoring_objects import selectors as monitoring_selectors


@never_cache
def healthz(request):
    """For load balancers and the benchmarks' reference: the app answers and reads one row."""
    YearParameters.objects.only("year").first()
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request):
    """Each role's to-do list; a user without a role sees only how to get one."""
    user = request.user
    context = {"params": YearParameters.current(county_of(user)), "totals": selectors.registry_totals(user=user)}
    if user.role:
        context["change_todo"] = change_selectors.change_todo(user=user)
        context["ticket_todo"] = ticket_selectors.ticket_todo(user=user)
        context["procedure_todo"] = monitoring_selectors.procedure_todo(user=user)
    if user.role == Role.VILLAGE_CLERK:
        template = "home/village_clerk.html"
    elif user.role == Role.TOWNSHIP_REVIEWER:
        template = "home/township_reviewer.html"
        context["villages"] = selectors.area_summary(user=user, level=AreaLevel.VILLAGE)
    elif user.role in (Role.COUNTY_STAFF, Role.INSPECTOR):
        template = "home/county.html"
        context["monitoring"] = monitoring_selectors.monitoring_counts(user=user)
        townships = list(selectors.township_summary(user=user))
        context["townships"] = townships
        context["chart"] = {
            "townships": [t.name for t in townships],
            "households": [t.household_count for t in townships],
            "monitored": [t.monitored_count for t in townships],
            "unresolved": [t.unresolved_count for t in townships],
        }
        tickets = {row["township"]: row for row in ticket_selectors.overdue_by_township(user=user)}
        context["ticket_chart"] = {
            "townships": [t.name for t in townships],
            "open": [tickets.get(t.code, {}).get("open", 0) for t in townships],
            "overdue": [tickets.get(t.code, {}).get("overdue", 0) for t in townships],
        }
        # Before the first batch there is nothing to draw: the page says so instead of an empty chart.
        context["ticket_chart"]["any_open"] = any(context["ticket_chart"]["open"])
    else:
        template = "home/no_role.html"
    return render(request, template, context)
