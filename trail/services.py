"""Writing the audit trail."""

import datetime
import ipaddress
from collections.abc import Callable

import pgtrigger
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from trail.models import FAILURES, RETENTION_DAYS, AuditAction, AuditEvent, SettingChange

# (actor, username, household_number) -> the county code ("" when unknown). The trail knows no
# areas: accounts registers the resolver in its AppConfig.ready() (register_county_resolver).
CountyResolver = Callable[..., str]
_county_resolver: CountyResolver | None = None


def register_county_resolver(resolver: CountyResolver | None) -> None:
    """Say how to find the county of an event: called by accounts when it starts."""
    global _county_resolver
    _county_resolver = resolver


def event_county(*, actor=None, username: str = "", household_number: str = "") -> str:
    """The county whose staff may read an event (6 digits), "" when nobody's."""
    if _county_resolver is None:
        return ""
    return (_county_resolver(actor=actor, username=username, household_number=household_number) or "")[:6]


def client_ip(request) -> str | None:
    """The client's address: the one function the audit trail, the login lock-out (django-axes'
    AXES_CLIENT_IP_CALLABLE) and the self-report page's limits all read.

    Directly reached (BEHIND_PROXY off), it is REMOTE_ADDR and X-Forwarded-For is ignored: anyone
    can send that header. Behind TRUSTED_PROXY_COUNT reverse proxies, each appends the address it
    was reached from, so the client is that many entries from the right end; entries further left
    are whatever the client sent. A header with fewer entries, or an entry that is not an address,
    did not come through every proxy: REMOTE_ADDR then.
    """
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT if getattr(settings, "BEHIND_PROXY", False) else 0
    if proxies > 0:
        entries = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(entries) >= proxies:
            try:
                address = str(ipaddress.ip_address(entries[-proxies]))
            except ValueError:
                pass
    return address


def audit_record(
    *,
    action: AuditAction,
    request=None,
    actor=None,
    username: str = "",
    household_number: str = "",
    subject: str = "",
    detail: dict | None = None,
    success: bool | None = None,
    county: str = "",
) -> AuditEvent:
    """Append one event; the actor defaults to the request's user. `success` defaults to false
    for a failed login or a lock-out, true otherwise (pass False for a refused step); `county`
    to the actor's, else the named user's, else the household's (event_county)."""
    if actor is None and request is not None and getattr(request, "user", None) and request.user.is_authenticated:
        actor = request.user
    username = username or (actor.get_username() if actor else "")
    return AuditEvent.objects.create(
        actor=actor,
        username=username,
        action=action,
        household_number=household_number,
        subject=subject,
        detail=detail or {},
        ip_address=client_ip(request),
        success=action not in FAILURES if success is None else success,
        county=county or event_county(actor=actor, username=username, household_number=household_number),
    )


def setting_change_record(*, county: str, user, subject: str, field: str, old, new) -> SettingChange:
    """One line of the county's settings history (call it inside the change's transaction), and
    a SETTING line in the audit log."""
    audit_record(action=AuditAction.SETTING, actor=user, county=county, subject=f"{subject} {field}",
                 detail={"subject": subject, "field": field, "old": str(old), "new": str(new)})
    return SettingChange.objects.create(county=county, user=user, subject=subject, field=field,
                                        old_value=str(old), new_value=str(new))


class RetentionError(ValueError):
    """A purge was asked to keep less than the trail's retention; nothing was deleted."""


# The triggers the purge steps past: "protect_delete" only. "protect_recent" still refuses any
# row younger than RETENTION_DAYS, whatever this code computes.
PURGE_IGNORES = ("trail.AuditEvent:protect_delete", "trail.SettingChange:protect_delete")


def audit_purge(*, keep_days: int = RETENTION_DAYS, now=None) -> dict:
    """Delete the trail's rows (events and settings history) older than `keep_days` (at least
    RETENTION_DAYS), and record the purge. Returns how many rows of each were deleted."""
    if keep_days < RETENTION_DAYS:
        raise RetentionError(f"审计日志至少保存 {RETENTION_DAYS} 天，不能只保留 {keep_days} 天。")
    cutoff = (now or timezone.now()) - datetime.timedelta(days=keep_days)
    with transaction.atomic(), pgtrigger.ignore(*PURGE_IGNORES):
        events, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
        changes, _ = SettingChange.objects.filter(at__lt=cutoff).delete()
    deleted = {"events": events, "setting_changes": changes}
    audit_record(action=AuditAction.PURGE, subject="审计日志",
                 detail={"kind": "audit_log", "before": cutoff.isoformat(), "keep_days": keep_days, **deleted})
    return deleted
