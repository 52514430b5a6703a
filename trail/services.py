"""Writing the audit trail."""

import ipaddress

from django.conf import settings

from trail.models import AuditAction, AuditEvent, SettingChange


def client_ip(request) -> str | None:
    """The client's address. Behind our one reverse proxy (settings.BEHIND_PROXY) REMOTE_ADDR is
    the proxy's own: the address is the last X-Forwarded-For entry, the one that proxy appended
    (a client can forge any entry before it)."""
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR")
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        try:
            address = str(ipaddress.ip_address(forwarded))
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
