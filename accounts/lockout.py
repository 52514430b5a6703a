"""Login lock-out, on django-axes: an account locks after AXES_FAILURE_LIMIT failures from any
addresses, an address after LOGIN_FAILURES_PER_ADDRESS failures across accounts
(monitoring/settings.py says why the two limits differ). Each lock is recorded in the audit trail.
"""

import datetime
from dataclasses import dataclass

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Q, Sum
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone

from trail.models import AuditAction
from trail.services import audit_record


@dataclass(frozen=True)
class Failures:
    """The failures that count now (within the cool-off) for one login attempt."""

    account: int  # on this username, from any address
    address: int  # from this address, on any username

    @property
    def account_locked(self) -> bool:
        return self.account >= settings.AXES_FAILURE_LIMIT

    @property
    def address_locked(self) -> bool:
        return self.address >= settings.LOGIN_FAILURES_PER_ADDRESS


def _parameters(request, credentials: dict | None) -> tuple[Q, Q]:
    """Filters for the account's and the address's attempts. Without a username (axes records
    such attempts with none), the account's filter matches a username no one can have."""
    username = get_client_username(request, credentials) or ""
    return Q(username=username), Q(ip_address=request.axes_ip_address)


def _counting(request):
    """axes' attempts that still count: one row per username, address and browser, holding its
    failures until the cool-off has passed since the row's last failure."""
    return AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))


def failures_counted(request, credentials: dict | None = None) -> Failures:
    """Both counts in one query."""
    by_account, by_address = _parameters(request, credentials)
    totals = _counting(request).filter(by_account | by_address).aggregate(
        account=Sum("failures_since_start", filter=by_account),
        address=Sum("failures_since_start", filter=by_address),
    )
    return Failures(account=totals["account"] or 0, address=totals["address"] or 0)


def _released_at(attempts, limit: int, cool_off: datetime.timedelta) -> datetime.datetime | None:
    """When fewer than `limit` failures will count, if nobody tries again: the newest rows hold
    `limit` failures together until the oldest of them passes the cool-off (at most `limit` rows)."""
    total = 0
    for failures, at in attempts.order_by("-attempt_time").values_list(
            "failures_since_start", "attempt_time")[:limit]:
        total += failures
        if total >= limit:
            return at + cool_off
    return None


def retry_at(request, credentials: dict | None = None) -> datetime.datetime | None:
    """When a locked-out client may try again (local time, rounded up to the minute): the later of
    the account's and the address's release."""
    by_account, by_address = _parameters(request, credentials)
    cool_off = get_cool_off(request)
    releases = [
        release for release in (
            _released_at(_counting(request).filter(by_account), settings.AXES_FAILURE_LIMIT, cool_off),
            _released_at(_counting(request).filter(by_address), settings.LOGIN_FAILURES_PER_ADDRESS, cool_off),
        ) if release is not None
    ]
    if not releases:
        return None
    at = timezone.localtime(max(releases))
    if at.second or at.microsecond:
        at = at.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    return at


class AccountOrAddressHandler(AxesDatabaseHandler):
    """axes' database handler with a limit of its own for each lock-out parameter."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        """axes compares this one number with AXES_FAILURE_LIMIT, the account's limit. The address
        has its own, higher limit, so its failures count here scaled down to the account's:
        address × account_limit // address_limit reaches account_limit exactly when the address's
        failures reach address_limit (25 across accounts counts as 5)."""
        failures = failures_counted(request, credentials)
        scaled = failures.address * settings.AXES_FAILURE_LIMIT // settings.LOGIN_FAILURES_PER_ADDRESS
        return max(failures.account, scaled)

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """A successful login clears the account's failures, from every address; not the address's
        failures on other accounts (or one valid account would reset a password-spraying address)."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def lockout_response(request, original_response=None, credentials: dict | None = None):
    """The locked-out page (AXES_LOCKOUT_CALLABLE): which lock, and when to try again, in Chinese."""
    failures = failures_counted(request, credentials)
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, {
        "account_locked": failures.account_locked,
        "address_locked": failures.address_locked,
        "retry_at": retry_at(request, credentials),
        "cool_off_minutes": int(get_cool_off(request).total_seconds() // 60),
        "account_limit": settings.AXES_FAILURE_LIMIT,
    }, status=settings.AXES_HTTP_RESPONSE_CODE)


@receiver(user_locked_out)
def record_lockout(sender, request, username=None, ip_address=None, **kwargs):
    """Every refusal for a lock is evidence: which lock, with the counts that made it."""
    failures = failures_counted(request, getattr(request, "axes_credentials", None))
    audit_record(
        action=AuditAction.LOCKED_OUT,
        request=request,
        username=str(username or "")[:150],
        detail={
            "locked": [name for name, locked in (("account", failures.account_locked),
                                                 ("address", failures.address_locked)) if locked],
            "account_failures": failures.account,
            "address_failures": failures.address,
        },
    )
