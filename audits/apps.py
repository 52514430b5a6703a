from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "审计"

    def ready(self):
        from audits import receivers  # noqa: F401  (links a ticket to the change request that fixes it)
