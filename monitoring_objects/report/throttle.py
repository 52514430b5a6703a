"""How often one client address may use the public self-report page.

A fixed window per address in Django's cache (Redis in production, so every worker counts
together): the page has no login, so the address is all there is to hold a script back.
The limits are settings a county may raise (a whole village behind one carrier address)
without touching code.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from trail.services import client_ip

HOUR = 3600


@dataclass(frozen=True)
class Limit:
    kind: str
    setting: str
    default: int
    window: int = HOUR

    @property
    def count(self) -> int:
        return getattr(settings, self.setting, self.default)


SUBMISSIONS = Limit("submit", "REPORT_SUBMISSIONS_PER_HOUR", 5)
LOOKUPS = Limit("lookup", "REPORT_LOOKUPS_PER_HOUR", 30)


def _key(limit: Limit, address: str) -> str:
    return f"report-throttle:{limit.kind}:{address}:{int(time.time()) // limit.window}"


def throttle_take(*, limit: Limit, request) -> bool:
    """Count one use by the request's address; False when it is over the limit for this window."""
    key = _key(limit, client_ip(request) or "unknown")
    cache.add(key, 0, timeout=limit.window)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=limit.window)
        used = 1
    return used <= limit.count


def first_refusal(*, limit: Limit, request) -> bool:
    """True once per address and window: a flood of refused requests is logged once, not per request."""
    key = _key(limit, client_ip(request) or "unknown") + ":refused"
    return cache.add(key, 1, timeout=limit.window)
