"""The household page's 监测帮扶 panel: the household's place in the procedure, its measures, the
county's decisions and the timeline of every step. Registered with households.panels in
MonitoringObjectsConfig.ready(); the registry itself knows nothing of the procedure."""

from dateutil.relativedelta import relativedelta
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts import permissions
from households.choices import RiskStatus, RiskType

from monitoring_objects import selectors
from monitoring_objects.forms import GreenChannelForm, MeasureForm, ReasonForm
from monitoring_objects.models import ApplicationStatus, ClueStatus

# Every status a timeline step moves between, by value (clue, application and risk statuses).
STATUS_LABELS = {**dict(ClueStatus.choices), **dict(ApplicationStatus.choices), **dict(RiskStatus.choices)}


def status_label(value: str) -> str:
    return STATUS_LABELS.get(value, value)


def _url(name: str, args: list, fallback: str) -> str:
    """The URL of a page another room owns, or its documented path while that room is not merged."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


def household_panel(request, household) -> str:
    user = request.user
    if not permissions.can_view_monitoring(user, household):
        return ""
    bound = getattr(request, "monitoring_forms", {})
    events = list(selectors.timeline(household=household))
    for event in events:
        event.from_label, event.to_label = status_label(event.from_status), status_label(event.to_status)
    measures = list(selectors.measures(household=household))
    application = selectors.open_application(household=household)
    unresolved = bool(household.monitoring_type) and household.risk_status == RiskStatus.UNRESOLVED
    needs_measure = unresolved and not measures
    months_without = None
    if needs_measure and household.included_on:
        months_without = relativedelta(timezone.localdate(), household.included_on)
        months_without = months_without.years * 12 + months_without.months
    decides = permissions.can_decide_risk(user, household) and not household.removed_on
    context = {
        "household": household,
        "events": events,
        "measures": measures,
        "application": application,
        "application_url": application and _url("application_detail", [application.pk],
                                                 f"/applications/{application.pk}/"),
        "override": selectors.latest_override(household=household),
        "needs_measure": needs_measure,
        "months_without_measure": months_without,
        "can_record_measure": permissions.can_record_measure(user, household),
        "can_start_elimination": application is None and permissions.can_start_elimination(user, household),
        "elimination_url": _url("elimination_new", [household.number],
                                f"/households/{household.number}/elimination/new/"),
        "can_roll_back": decides and household.risk_status == RiskStatus.ELIMINATED,
        # An eliminated object whose risk came back is re-flagged, not included again.
        "can_green_channel": decides and not household.monitoring_type and application is None,
        "green_channel_risks": [RiskType.DISASTER.label, RiskType.ACCIDENT.label],
        "measure_form": bound.get("measure") or MeasureForm(),
        "rollback_form": bound.get("rollback") or ReasonForm(prefix="rollback"),
        "reflag_form": bound.get("reflag") or ReasonForm(prefix="reflag"),
        "green_form": bound.get("green") or GreenChannelForm(),
        "open_form": next(iter(bound), ""),
    }
    return render_to_string("monitoring_objects/_household_panel.html", context, request=request)
