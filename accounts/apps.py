from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账号"

    def ready(self):
        from accounts import lockout  # noqa: F401  (records lock-outs: axes' user_locked_out signal)
        from trail.services import register_county_resolver

        from accounts.auditlog.county import audit_county

        register_county_resolver(audit_county)  # each audit event is written with its county
        from accounts import second_factor  # noqa: F401  (registers its system check)
