"""Reading the audit trail."""

import ipaddress

from django.db.models import Q

from trail.models import AuditEvent, SettingChange


def setting_changes_of(county: str):
    """The county's settings history, newest first; never another county's."""
    return SettingChange.objects.filter(county=county).select_related("user")


def audit_events_of(county: str, *, since=None, until=None, username: str = "", action: str = "",
                    subject: str = "", success: bool | None = None, address: str = ""):
    """The county's audit events matching the filters, newest first; never another county's
    and never an event of no county. `since`/`until` are aware datetimes (until excluded);
    `subject` matches the household number exactly or any part of the object's text; `address`
    is a whole address or its beginning."""
    if not county:
        return AuditEvent.objects.none()
    events = AuditEvent.objects.filter(county=county)
    if since is not None:
        events = events.filter(at__gte=since)
    if until is not None:
        events = events.filter(at__lt=until)
    if username:
        events = events.filter(username__icontains=username)
    if action:
        events = events.filter(action=action)
    if subject:
        events = events.filter(Q(household_number=subject) | Q(subject__icontains=subject))
    if success is not None:
        events = events.filter(success=success)
    if address:
        try:
            events = events.filter(ip_address=str(ipaddress.ip_address(address)))
        except ValueError:
            events = events.filter(ip_address__startswith=address)
    return events.order_by("-at", "-pk")
