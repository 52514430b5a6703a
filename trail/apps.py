from django.apps import AppConfig


class TrailConfig(AppConfig):
    """The audit trail: who logged in, revealed or exported what, and who changed a county's settings.

    The bottom of the house: every other app may write to it, it imports none of them.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "trail"
    verbose_name = "审计日志"

    def ready(self):
        from trail import signals  # noqa: F401  (connects the login receivers: Django's idiom)
