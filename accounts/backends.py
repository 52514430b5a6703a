"""Signing in and the signed-in user of every request."""

from django.contrib.auth.backends import ModelBackend

from accounts.models import User

# The path sessions signed in before this backend record (accounts.middleware.SessionBackendMiddleware).
FORMER_BACKEND = "django.contrib.auth.backends.ModelBackend"
BACKEND = "accounts.backends.UserBackend"


class UserBackend(ModelBackend):
    """Django's ModelBackend, whose user of each request (`get_user`, from the session) comes with
    its area (the header's badge on every page) in the same query.

    Whether the user has a second factor stays a query of its own (accounts.second_factor):
    an EXISTS in this query cost more to build than the query it saved, and /healthz/ and
    every other request would pay it."""

    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related("area").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
