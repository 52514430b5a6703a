from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "households"
    verbose_name = "户籍登记"

    def ready(self):
        from . import change_history  # noqa: F401  (connects the history receiver)
