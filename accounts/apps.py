from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账号"

    def ready(self):
        from accounts import lockout  # noqa: F401  (records lock-outs: axes' user_locked_out signal)
