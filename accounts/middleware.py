import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from accounts import second_factor
from accounts.backends import BACKEND, FORMER_BACKEND

# How stale the recorded last activity may get before the session is written again.
REFRESH_SECONDS = 60
SIGNED_IN_AT = "signed_in_at"


class SessionBackendMiddleware:
    """Sessions signed in through Django's ModelBackend go on with accounts.backends.UserBackend
    (the same sign-in, its user read in one query): their recorded backend is renamed before
    the authentication middleware reads it, instead of their being signed out. Once every
    session is younger than the change (SESSION_ABSOLUTE_SECONDS), this can go."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(BACKEND_SESSION_KEY) == FORMER_BACKEND:
            session[BACKEND_SESSION_KEY] = BACKEND
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """End sessions after SESSION_COOKIE_AGE seconds without a request, cheaply.

    Django's SESSION_SAVE_EVERY_REQUEST would write the session row on every request;
    this writes it (and so moves its expiry on) at most once a minute per user, which
    shortens the idle limit by under a minute and saves one UPDATE per page view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and _past_absolute_limit(request.session):
            # However active, a session ends SESSION_ABSOLUTE_SECONDS after the sign-in (12 hours).
            logout(request)
            return redirect_to_login(request.get_full_path())
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            request.session.setdefault(SIGNED_IN_AT, now)  # the sign-in request itself, after login()
            if now - request.session.get("last_seen", 0) >= REFRESH_SECONDS:
                request.session["last_seen"] = now  # modified: saved with a fresh expiry
        return response


def _past_absolute_limit(session) -> bool:
    started = session.get(SIGNED_IN_AT)
    return started is not None and int(time.time()) - started >= settings.SESSION_ABSOLUTE_SECONDS


class SecondFactorMiddleware:
    """Keep a signed-in user on the second-factor pages until the session is verified.

    A user with a confirmed phone sees only the verification page (and logout) until they enter
    a code; a user whose role requires a second factor and has none sees only the enrolment page.
    Installed after django-otp's OTPMiddleware, which tells whether the session is verified.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not _always_open(request.path_info):
            step = second_factor.pending_step(user)
            if step is not None:
                request.second_factor_pending = step  # the menu stays hidden meanwhile
                target = reverse(PAGE_OF_STEP[step])
                if request.path_info != target:
                    return _send_to(request, target)
        return self.get_response(request)


PAGE_OF_STEP = {second_factor.VERIFY: "second_factor_verify", second_factor.ENROL: "second_factor"}


def _always_open(path: str) -> bool:
    """Signing out, static files and the load balancer's probe never wait for a second factor."""
    return (path in (reverse("logout"), reverse("healthz"))
            or path.startswith(settings.STATIC_URL))


def _send_to(request, target: str) -> HttpResponse:
    if request.method == "GET":
        target = f"{target}?{urlencode({'next': request.get_full_path()})}"
    if request.headers.get("HX-Request"):
        return HttpResponseClientRedirect(target)  # htmx would swap the page into a fragment
    return HttpResponseRedirect(target)
