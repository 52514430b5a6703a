"""Signing in and the signed-in user of every request."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

# The path sessions signed in before this backend record (accounts.middleware.SessionBackendMiddleware).
FORMER_BACKEND = "django.contrib.auth.backends.ModelBackend"
BACKEND = "accounts.backends.UserBackend"


class UserBackend(ModelBackend):
    """Django's ModelBackend, whose user of each request (`get_user`, from the session) comes with
    its area (the header's badge) and whether it has a confirmed second-factor device (what
    accounts.second_factor.pending_step asks on every page) in one query, instead of three."""

    def get_user(self, user_id):
        device = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        try:
            user = (User._default_manager.select_related("area")
                    .annotate(has_confirmed_device=Exists(device)).get(pk=user_id))
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
