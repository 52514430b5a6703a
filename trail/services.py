"""Writing the audit trail."""

import ipaddress

from django.conf import settings

from trail.models import AuditAction, AuditEvent, SettingChange


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
) -> AuditEvent:
    """Append one event; the actor defaults to the request's user."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return AuditEvent.objects.create(
        actor=actor,
        username=username or (actor.get_username() if actor else ""),
        action=action,
        household_number=household_number,
        subject=subject,
        detail=detail or {},
        ip_address=client_ip(request),
    )


def setting_change_record(*, county: str, user, subject: str, field: str, old, new) -> SettingChange:
    """One line of the county's settings history (call it inside the change's transaction)."""
    return SettingChange.objects.create(county=county, user=user, subject=subject, field=field,
                                        old_value=str(old), new_value=str(new))
